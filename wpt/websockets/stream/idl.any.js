// META: global=window,worker
// META: script=../constants.sub.js
// META: script=resources/helpers.js
// META: variant=?default
// META: variant=?wss
// META: timeout=long
'use strict';

// What Web IDL makes of the two interfaces, checked by hand so each failure names one property.

function assertDataProperty(object, key, { writable, enumerable, configurable }, what) {
  const descriptor = Object.getOwnPropertyDescriptor(object, key);
  assert_not_equals(descriptor, undefined, `${what} exists`);
  assert_true('value' in descriptor, `${what} is a data property`);
  assert_equals(descriptor.writable, writable, `${what} writable`);
  assert_equals(descriptor.enumerable, enumerable, `${what} enumerable`);
  assert_equals(descriptor.configurable, configurable, `${what} configurable`);
  return descriptor.value;
}

function assertFunctionShape(fn, name, length, what) {
  assert_equals(typeof fn, 'function', `${what} is a function`);
  const nameDescriptor = Object.getOwnPropertyDescriptor(fn, 'name');
  assert_equals(nameDescriptor.value, name, `${what}.name`);
  assert_false(nameDescriptor.writable, `${what}.name writable`);
  assert_false(nameDescriptor.enumerable, `${what}.name enumerable`);
  assert_true(nameDescriptor.configurable, `${what}.name configurable`);
  const lengthDescriptor = Object.getOwnPropertyDescriptor(fn, 'length');
  assert_equals(lengthDescriptor.value, length, `${what}.length`);
  assert_false(lengthDescriptor.writable, `${what}.length writable`);
  assert_false(lengthDescriptor.enumerable, `${what}.length enumerable`);
  assert_true(lengthDescriptor.configurable, `${what}.length configurable`);
}

// A readonly attribute: an accessor on the prototype, enumerable and configurable, no setter.
function getterOf(prototype, name, what) {
  const descriptor = Object.getOwnPropertyDescriptor(prototype, name);
  assert_not_equals(descriptor, undefined, `${what} exists on the prototype`);
  assert_false('value' in descriptor, `${what} is an accessor`);
  assert_equals(descriptor.set, undefined, `${what} has no setter`);
  assert_true(descriptor.enumerable, `${what} enumerable`);
  assert_true(descriptor.configurable, `${what} configurable`);
  assertFunctionShape(descriptor.get, `get ${name}`, 0, `${what} getter`);
  return descriptor.get;
}

function assertToStringTag(prototype, name) {
  const tag = assertDataProperty(prototype, Symbol.toStringTag,
                                 { writable: false, enumerable: false, configurable: true },
                                 `${name}.prototype[Symbol.toStringTag]`);
  assert_equals(tag, name);
}

const foreignThisValues = [
  ['a plain object', () => ({})],
  ['undefined', () => undefined],
  ['the prototype', (iface) => iface.prototype],
  ['an object inheriting from the prototype', (iface) => Object.create(iface.prototype)],
];

for (const name of ['WebSocketStream', 'WebSocketError']) {
  test(() => {
    const iface = assertDataProperty(self, name, { writable: true, enumerable: false, configurable: true },
                                     `self.${name}`);
    assert_equals(typeof iface, 'function');
  }, `${name} is a global property: writable, not enumerable, configurable`);

  test(() => {
    const prototype = assertDataProperty(self[name], 'prototype',
                                         { writable: false, enumerable: false, configurable: false },
                                         `${name}.prototype`);
    assert_equals(typeof prototype, 'object');
    const ctor = assertDataProperty(prototype, 'constructor',
                                    { writable: true, enumerable: false, configurable: true },
                                    `${name}.prototype.constructor`);
    assert_equals(ctor, self[name]);
  }, `${name}.prototype and its constructor property`);

  test(() => {
    assertToStringTag(self[name].prototype, name);
  }, `${name}.prototype[Symbol.toStringTag]`);

  test(() => {
    assert_throws_js(TypeError, () => self[name]('x'));
    assert_throws_js(TypeError, () => self[name].call({}, 'x'));
  }, `${name} throws TypeError when called without new`);
}

test(() => {
  assertFunctionShape(WebSocketStream, 'WebSocketStream', 1, 'WebSocketStream');
}, 'WebSocketStream name and length');

test(() => {
  assertFunctionShape(WebSocketError, 'WebSocketError', 0, 'WebSocketError');
}, 'WebSocketError name and length');

test(() => {
  assert_equals(Object.getPrototypeOf(WebSocketStream), Function.prototype, 'interface object');
  assert_equals(Object.getPrototypeOf(WebSocketStream.prototype), Object.prototype, 'interface prototype');
}, 'WebSocketStream inherits from nothing');

test(() => {
  assert_equals(Object.getPrototypeOf(WebSocketError), DOMException, 'interface object');
  assert_equals(Object.getPrototypeOf(WebSocketError.prototype), DOMException.prototype, 'interface prototype');
}, 'WebSocketError inherits from DOMException');

test(() => {
  const own = Reflect.ownKeys(WebSocketStream.prototype).map(String).sort();
  assert_array_equals(own, ['Symbol(Symbol.toStringTag)', 'close', 'closed', 'constructor', 'opened', 'url']);
}, 'WebSocketStream.prototype has exactly the IDL members');

test(() => {
  const own = Reflect.ownKeys(WebSocketError.prototype).map(String).sort();
  assert_array_equals(own, ['Symbol(Symbol.toStringTag)', 'closeCode', 'constructor', 'reason']);
}, 'WebSocketError.prototype has exactly the IDL members');

for (const name of ['url', 'opened', 'closed']) {
  test(() => {
    getterOf(WebSocketStream.prototype, name, `WebSocketStream.prototype.${name}`);
  }, `WebSocketStream.prototype.${name} is a readonly attribute`);
}

for (const name of ['closeCode', 'reason']) {
  test(() => {
    getterOf(WebSocketError.prototype, name, `WebSocketError.prototype.${name}`);
  }, `WebSocketError.prototype.${name} is a readonly attribute`);
}

test(() => {
  const close = assertDataProperty(WebSocketStream.prototype, 'close',
                                   { writable: true, enumerable: true, configurable: true },
                                   'WebSocketStream.prototype.close');
  assertFunctionShape(close, 'close', 0, 'close');
}, 'WebSocketStream.prototype.close is an operation: name, length, descriptor');

test(() => {
  const close = WebSocketStream.prototype.close;
  assert_throws_js(TypeError, () => new close());
}, 'WebSocketStream.prototype.close is not a constructor');

for (const [label, makeThis] of foreignThisValues) {
  test(() => {
    const get = Object.getOwnPropertyDescriptor(WebSocketStream.prototype, 'url').get;
    assert_throws_js(TypeError, () => get.call(makeThis(WebSocketStream)));
  }, `url getter throws TypeError for ${label} as this`);

  for (const name of ['opened', 'closed']) {
    promise_test(async (t) => {
      const get = Object.getOwnPropertyDescriptor(WebSocketStream.prototype, name).get;
      let result;
      try {
        result = get.call(makeThis(WebSocketStream));
      } catch (error) {
        assert_unreached(`a promise attribute must not throw; it threw ${error}`);
      }
      assert_true(result instanceof Promise, 'returns a promise');
      await promise_rejects_js(t, TypeError, result);
    }, `${name} getter returns a promise rejected with TypeError for ${label} as this`);
  }

  test(() => {
    assert_throws_js(TypeError, () => WebSocketStream.prototype.close.call(makeThis(WebSocketStream)));
  }, `close() throws TypeError for ${label} as this`);

  for (const name of ['closeCode', 'reason']) {
    test(() => {
      const get = Object.getOwnPropertyDescriptor(WebSocketError.prototype, name).get;
      assert_throws_js(TypeError, () => get.call(makeThis(WebSocketError)));
    }, `WebSocketError ${name} getter throws TypeError for ${label} as this`);
  }
}

for (const name of ['closeCode', 'reason']) {
  test(() => {
    const get = Object.getOwnPropertyDescriptor(WebSocketError.prototype, name).get;
    assert_throws_js(TypeError, () => get.call(new DOMException('plain', 'WebSocketError')));
  }, `WebSocketError ${name} getter throws TypeError for a plain DOMException named WebSocketError`);
}

test((t) => {
  const wss = createStream(t, wsUrl('/echo'));
  const get = Object.getOwnPropertyDescriptor(WebSocketError.prototype, 'reason').get;
  assert_throws_js(TypeError, () => get.call(wss));
  const urlGetter = Object.getOwnPropertyDescriptor(WebSocketStream.prototype, 'url').get;
  assert_throws_js(TypeError, () => urlGetter.call(new WebSocketError()));
}, 'the two interfaces do not accept each other as this');

test((t) => {
  const wss = createStream(t, wsUrl('/echo'));
  assert_equals(Object.prototype.toString.call(wss), '[object WebSocketStream]');
  assert_equals(String(wss), '[object WebSocketStream]');
}, 'a WebSocketStream stringifies as [object WebSocketStream]');

test(() => {
  assert_equals(Object.prototype.toString.call(new WebSocketError()), '[object WebSocketError]');
}, 'a WebSocketError is tagged [object WebSocketError]');

test((t) => {
  const wss = createStream(t, wsUrl('/echo'));
  assert_array_equals(Reflect.ownKeys(wss), []);
  assert_equals(Object.getPrototypeOf(wss), WebSocketStream.prototype);
}, 'a WebSocketStream has no own properties; its members live on the prototype');

test(() => {
  const error = new WebSocketError('m', { closeCode: 4000, reason: 'r' });
  for (const key of ['closeCode', 'reason', 'name', 'message', 'code']) {
    assert_false(Object.prototype.hasOwnProperty.call(error, key), `own ${key}`);
  }
}, 'a WebSocketError keeps closeCode, reason, name, message and code off the instance');

test((t) => {
  const wss = createStream(t, wsUrl('/echo'));
  const get = Object.getOwnPropertyDescriptor(WebSocketStream.prototype, 'url').get;
  assert_equals(get.call(wss), wsUrl('/echo'));
}, 'the url getter works when called directly on an instance');

test((t) => {
  const wss = createStream(t, wsUrl('/echo'));
  assert_throws_js(TypeError, () => { wss.url = 'x'; });
  assert_equals(wss.url, wsUrl('/echo'));
}, 'url cannot be assigned (TypeError in strict code)');

test(() => {
  const error = new WebSocketError('m', { closeCode: 4000, reason: 'r' });
  const nameGetter = Object.getOwnPropertyDescriptor(DOMException.prototype, 'name').get;
  const messageGetter = Object.getOwnPropertyDescriptor(DOMException.prototype, 'message').get;
  const codeGetter = Object.getOwnPropertyDescriptor(DOMException.prototype, 'code').get;
  assert_equals(nameGetter.call(error), 'WebSocketError', 'name');
  assert_equals(messageGetter.call(error), 'm', 'message');
  assert_equals(codeGetter.call(error), 0, 'code');
}, 'a WebSocketError is a genuine DOMException: DOMException.prototype getters accept it');

test(() => {
  class Subclass extends WebSocketError {}
  const error = new Subclass('m', { closeCode: 3001, reason: 'sub' });
  assert_true(error instanceof WebSocketError, 'instanceof WebSocketError');
  assert_equals(Object.getPrototypeOf(error), Subclass.prototype, 'prototype');
  assert_equals(error.closeCode, 3001);
  assert_equals(error.reason, 'sub');
  assert_equals(error.name, 'WebSocketError');
}, 'WebSocketError can be subclassed');

test(() => {
  class Subclass extends WebSocketStream {}
  const url = wsUrl('/echo');
  const wss = new Subclass(url);
  ignoreRejection(wss.opened);
  ignoreRejection(wss.closed);
  wss.close();
  assert_equals(Object.getPrototypeOf(wss), Subclass.prototype, 'prototype');
  assert_equals(wss.url, url);
}, 'WebSocketStream can be subclassed');

test(() => {
  assert_equals(self.WebSocketOpenInfo, undefined, 'WebSocketOpenInfo');
  assert_equals(self.WebSocketCloseInfo, undefined, 'WebSocketCloseInfo');
  assert_equals(self.WebSocketStreamOptions, undefined, 'WebSocketStreamOptions');
}, 'dictionaries are not exposed as globals');
