// The Web IDL of the standard's two interfaces (https://websockets.spec.whatwg.org/#the-websocketstream-interface
// and #the-websocketerror-interface), and what Web IDL's JavaScript binding makes of it: accessors
// and operations on the prototype, lengths, names, Symbol.toStringTag, brand checks.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { assertTypeError, throwsTypeError } from '../assertions.mjs';
import { rejectionOf } from '../waiting.mjs';

const NO_NETWORK = () => ({ signal: AbortSignal.abort() });

/**
 * @param {object} prototype
 * @param {string} name
 */
function assertAttribute(prototype, name) {
  const descriptor = Object.getOwnPropertyDescriptor(prototype, name);
  assert.ok(descriptor, `${name} is an own property of the prototype`);
  assert.equal(typeof descriptor.get, 'function', `${name} has a getter`);
  assert.equal(descriptor.set, undefined, `${name} is readonly: no setter`);
  assert.equal(descriptor.enumerable, true, `${name} is enumerable`);
  assert.equal(descriptor.configurable, true, `${name} is configurable`);
  assert.equal(descriptor.get?.name, `get ${name}`, `${name} getter's name`);
  assert.equal(descriptor.get?.length, 0, `${name} getter's length`);
}

/**
 * The getter of an attribute, to call with a `this` of the test's choosing.
 * @param {object} prototype
 * @param {string} name
 * @returns {(this: unknown) => unknown}
 */
function getterOf(prototype, name) {
  const getter = Object.getOwnPropertyDescriptor(prototype, name)?.get;
  assert.ok(getter, `${name} has a getter`);
  return getter;
}

/**
 * @param {object} prototype
 * @param {string} name
 * @param {number} length
 */
function assertOperation(prototype, name, length) {
  const descriptor = Object.getOwnPropertyDescriptor(prototype, name);
  assert.ok(descriptor, `${name} is an own property of the prototype`);
  assert.equal(typeof descriptor.value, 'function', `${name} is a method`);
  assert.equal(descriptor.writable, true, `${name} is writable`);
  assert.equal(descriptor.enumerable, true, `${name} is enumerable`);
  assert.equal(descriptor.configurable, true, `${name} is configurable`);
  assert.equal(descriptor.value.name, name, `${name}'s name`);
  assert.equal(descriptor.value.length, length, `${name}'s length`);
}

/**
 * @param {Function} interfaceObject
 * @param {string} name
 * @param {number} length
 */
function assertInterfaceObject(interfaceObject, name, length) {
  assert.equal(typeof interfaceObject, 'function');
  assert.equal(interfaceObject.name, name, 'name');
  assert.equal(interfaceObject.length, length, 'length');
  const prototypeDescriptor = Object.getOwnPropertyDescriptor(interfaceObject, 'prototype');
  assert.ok(prototypeDescriptor, 'the interface object has a prototype property');
  assert.deepEqual(
    { writable: prototypeDescriptor.writable, enumerable: prototypeDescriptor.enumerable, configurable: prototypeDescriptor.configurable },
    { writable: false, enumerable: false, configurable: false },
    'the prototype property is neither writable, enumerable nor configurable',
  );
  const constructorDescriptor = Object.getOwnPropertyDescriptor(interfaceObject.prototype, 'constructor');
  assert.ok(constructorDescriptor, 'the prototype has a constructor property');
  assert.equal(constructorDescriptor.value, interfaceObject, 'prototype.constructor');
  assert.equal(constructorDescriptor.enumerable, false, 'prototype.constructor is not enumerable');
  const tag = Object.getOwnPropertyDescriptor(interfaceObject.prototype, Symbol.toStringTag);
  assert.ok(tag, 'Symbol.toStringTag is defined on the prototype');
  assert.deepEqual(
    { value: tag.value, writable: tag.writable, enumerable: tag.enumerable, configurable: tag.configurable },
    { value: name, writable: false, enumerable: false, configurable: true },
    'Symbol.toStringTag',
  );
}

/** @param {import('../behaviour-suite.mjs').SuiteContext} context */
export function defineInterfaceShapeTests(context) {
  describe('Interface shape (Web IDL)', () => {
    test('WebSocketStream is an interface object: name, length 1, prototype, toStringTag', () => {
      assertInterfaceObject(context.WebSocketStream, 'WebSocketStream', 1);
    });

    test('url, opened and closed are enumerable, configurable readonly accessors; close() is an enumerable method of length 0', () => {
      const prototype = context.WebSocketStream.prototype;
      for (const name of ['url', 'opened', 'closed']) assertAttribute(prototype, name);
      assertOperation(prototype, 'close', 0);
      assert.deepEqual(
        Reflect.ownKeys(prototype).filter((key) => typeof key === 'string').sort(),
        ['close', 'closed', 'constructor', 'opened', 'url'],
        'no other members',
      );
    });

    test('an instance has no own properties and reports [object WebSocketStream]', () => {
      const stream = context.create('ws://127.0.0.1:1/', NO_NETWORK());
      assert.deepEqual(Reflect.ownKeys(stream), []);
      assert.equal(Object.prototype.toString.call(stream), '[object WebSocketStream]');
      assert.equal(Object.getPrototypeOf(stream), context.WebSocketStream.prototype);
    });

    test('the constructor throws TypeError when called without new', () => {
      // Reflect.apply is the plain call `WebSocketStream(url)`, which the class's type rules out.
      throwsTypeError(() => Reflect.apply(context.WebSocketStream, undefined, ['ws://127.0.0.1:1/']), 'WebSocketStream(url)');
      throwsTypeError(() => Reflect.apply(context.WebSocketStream, {}, ['ws://127.0.0.1:1/']), 'WebSocketStream.call(object, url)');
    });

    test('the constructor throws TypeError when the required url argument is missing', () => {
      // @ts-expect-error the url is left out on purpose
      throwsTypeError(() => new context.WebSocketStream(), 'new WebSocketStream()');
    });

    test('url and close() throw TypeError for a foreign this', () => {
      const urlGetter = getterOf(context.WebSocketStream.prototype, 'url');
      for (const [label, foreign] of [['an object', {}], ['the prototype', context.WebSocketStream.prototype], ['null', null], ['undefined', undefined], ['a WebSocketError', new context.WebSocketError('x')]]) {
        throwsTypeError(() => urlGetter.call(foreign), `url getter on ${label}`);
        throwsTypeError(() => context.WebSocketStream.prototype.close.call(foreign), `close() on ${label}`);
      }
      throwsTypeError(() => context.WebSocketStream.prototype.url, 'WebSocketStream.prototype.url');
    });

    test('opened and closed return a promise rejected with TypeError for a foreign this, and do not throw', async () => {
      for (const name of ['opened', 'closed']) {
        const getter = getterOf(context.WebSocketStream.prototype, name);
        for (const [label, foreign] of [['an object', {}], ['the prototype', context.WebSocketStream.prototype], ['undefined', undefined]]) {
          /** @type {unknown} */
          let result;
          assert.doesNotThrow(() => { result = getter.call(foreign); }, `${name} getter on ${label} must not throw`);
          assert.ok(result instanceof Promise, `${name} getter on ${label} returns a promise`);
          assertTypeError(await rejectionOf(result, `${name} on ${label}`), `${name} on ${label}`);
        }
      }
    });

    test('opened and closed return the same promise every time', () => {
      const stream = context.create('ws://127.0.0.1:1/', NO_NETWORK());
      assert.equal(stream.opened, stream.opened);
      assert.equal(stream.closed, stream.closed);
      assert.ok(stream.opened instanceof Promise && stream.closed instanceof Promise);
    });

    test('WebSocketError is an interface object inheriting from DOMException: name, length 0, accessors, toStringTag', () => {
      const { WebSocketError } = context;
      assertInterfaceObject(WebSocketError, 'WebSocketError', 0);
      assert.equal(Object.getPrototypeOf(WebSocketError), DOMException, 'the interface object inherits from DOMException');
      assert.equal(Object.getPrototypeOf(WebSocketError.prototype), DOMException.prototype, 'the prototype inherits from DOMException.prototype');
      for (const name of ['closeCode', 'reason']) assertAttribute(WebSocketError.prototype, name);
      assert.equal(Object.prototype.toString.call(new WebSocketError()), '[object WebSocketError]');
    });

    test('WebSocketError throws TypeError without new, and its getters throw TypeError for a foreign this', () => {
      const { WebSocketError } = context;
      throwsTypeError(() => Reflect.apply(WebSocketError, undefined, ['message']), 'WebSocketError()');
      for (const name of ['closeCode', 'reason']) {
        const getter = getterOf(WebSocketError.prototype, name);
        for (const [label, foreign] of [['an object', {}], ['a DOMException named WebSocketError', new DOMException('x', 'WebSocketError')], ['the prototype', WebSocketError.prototype], ['undefined', undefined]]) {
          throwsTypeError(() => getter.call(foreign), `${name} getter on ${label}`);
        }
      }
    });
  });
}
