// META: global=window,worker
// META: script=../constants.sub.js
// META: script=resources/helpers.js
// META: variant=?default
// META: variant=?wss
// META: timeout=long
'use strict';

// The URL relative URLs resolve against: the document's base URL, or the worker's location.
function baseUrl() {
  return self.document ? document.baseURI : location.href;
}

// What the url attribute must say for `input`: resolved, with http(s) mapped to ws(s).
function expectedUrl(input) {
  const url = new URL(input, baseUrl());
  if (url.protocol === 'http:') url.protocol = 'ws:';
  else if (url.protocol === 'https:') url.protocol = 'wss:';
  return url.href;
}

test((t) => {
  const url = wsUrl('/echo');
  const wss = createStream(t, url);
  assert_equals(wss.url, url);
}, 'url attribute reflects an absolute ws/wss URL');

test((t) => {
  const wss = createStream(t, wsUrl('/echo'));
  assert_equals(typeof wss.url, 'string');
}, 'url attribute is a string');

test((t) => {
  const wss = createStream(t, `${SCHEME_DOMAIN_PORT}`);
  assert_equals(wss.url, `${SCHEME_DOMAIN_PORT}/`);
}, 'url attribute is the serialised URL (an empty path becomes "/")');

test((t) => {
  const wss = createStream(t, wsUrl('/echo').toUpperCase().replace('/ECHO', '/echo'));
  assert_equals(wss.url, wsUrl('/echo'));
}, 'url attribute is the serialised URL (scheme and host are lowercased)');

test((t) => {
  const wss = createStream(t, wsUrl('/a\uD800b'));
  assert_equals(wss.url, wsUrl('/a%EF%BF%BDb'));
}, 'url goes through USVString conversion: a lone surrogate becomes U+FFFD');

test((t) => {
  const url = wsUrl('/echo');
  const wss = createStream(t, { toString() { return url; } });
  assert_equals(wss.url, url);
}, 'url argument is converted with ToString');

promise_test(async (t) => {
  const wss = createStream(t, httpSchemeUrl('/echo'));
  assert_equals(wss.url, wsUrl('/echo'), 'url attribute');
  await within(t, wss.opened, 'opened');
}, 'an http:/https: URL is mapped to ws:/wss: and connects');

// The server's host and ws/wss port, so these URLs never name a port a browser refuses to use.
const HOST_AND_PORT = SCHEME_DOMAIN_PORT.replace(/^wss?:\/\//, '');

test((t) => {
  const wss = createStream(t, `http://${HOST_AND_PORT}/path?q`);
  assert_equals(wss.url, `ws://${HOST_AND_PORT}/path?q`);
}, 'http: maps to ws: in the url attribute');

test((t) => {
  const wss = createStream(t, `https://${HOST_AND_PORT}/path?q`);
  assert_equals(wss.url, `wss://${HOST_AND_PORT}/path?q`);
}, 'https: maps to wss: in the url attribute');

test((t) => {
  const wss = createStream(t, '/echo?x=1');
  assert_equals(wss.url, expectedUrl('/echo?x=1'));
}, 'a path-absolute URL is resolved against the base URL');

test((t) => {
  const wss = createStream(t, 'resources/x?y');
  assert_equals(wss.url, expectedUrl('resources/x?y'));
}, 'a path-relative URL is resolved against the base URL');

test((t) => {
  const wss = createStream(t, '');
  assert_equals(wss.url, expectedUrl(''));
}, 'the empty string resolves to the base URL itself');

if (self.document) {
  // <base href> must be honoured: a polyfill cannot hand the string to WebSocket unresolved.
  promise_test(async (t) => {
    const base = document.createElement('base');
    base.href = httpSchemeUrl('/some/dir/');
    document.head.append(base);
    t.add_cleanup(() => base.remove());
    const wss = createStream(t, '../../echo');
    assert_equals(wss.url, wsUrl('/echo'), 'url attribute');
    await within(t, wss.opened, 'opened');
  }, 'a relative URL is resolved against the document base URL (<base href>)');
}

for (const url of [
  'ftp://127.0.0.1/',
  'file:///echo',
  'data:,hello',
  'javascript:void(0)',
  'mailto:someone@example.com',
  'about:blank',
  'blob:null/00000000-0000-0000-0000-000000000000',
]) {
  test(() => {
    assert_throws_dom('SyntaxError', () => new WebSocketStream(url));
  }, `a URL with a scheme other than ws/wss/http/https throws SyntaxError: ${url}`);
}

for (const url of ['ws://[', 'ws://[::1/', 'ws://exa<mple.com/', 'ws://256.256.256.256/', 'http://:80/', 'wss://host:99999/']) {
  test(() => {
    assert_throws_dom('SyntaxError', () => new WebSocketStream(url));
  }, `an unparsable URL throws SyntaxError: ${url}`);
}

test(() => {
  assert_throws_dom('SyntaxError', () => new WebSocketStream(wsUrl('/echo#fragment')));
}, 'a URL with a fragment throws SyntaxError');

test(() => {
  assert_throws_dom('SyntaxError', () => new WebSocketStream(wsUrl('/echo#')));
}, 'a URL with an empty fragment ("#") throws SyntaxError');

test(() => {
  assert_throws_dom('SyntaxError', () => new WebSocketStream('#fragment'));
}, 'a relative URL that only has a fragment throws SyntaxError');

test(() => {
  assert_throws_js(TypeError, () => new WebSocketStream());
}, 'the url argument is required');

promise_test(async (t) => {
  const wss = createStream(t, wsUrl('/echo'), { protocols: [] });
  const { protocol } = await within(t, wss.opened, 'opened');
  assert_equals(protocol, '');
}, 'an empty protocols list is accepted');

const invalidProtocols = [
  [''],
  ['has space'],
  ['a,b'],
  ['semi;colon'],
  ['quote"'],
  ['slash/'],
  ['(paren)'],
  ['brace{'],
  ['at@'],
  ['non-ascii-\u00e9'],
  ['control\u0001'],
  ['tab\t'],
  ['ok', ''],
];
for (const protocols of invalidProtocols) {
  test(() => {
    assert_throws_dom('SyntaxError', () => new WebSocketStream(wsUrl('/echo'), { protocols }));
  }, `protocols that are not HTTP tokens throw SyntaxError: ${JSON.stringify(protocols)}`);
}

for (const protocols of [['chat', 'chat'], ['a', 'b', 'a']]) {
  test(() => {
    assert_throws_dom('SyntaxError', () => new WebSocketStream(wsUrl('/echo'), { protocols }));
  }, `repeated protocols throw SyntaxError: ${JSON.stringify(protocols)}`);
}

test(() => {
  assert_throws_js(TypeError, () => new WebSocketStream(wsUrl('/echo'), { protocols: 'chat' }));
}, 'protocols given as a string (not a sequence) throws TypeError');

test(() => {
  assert_throws_js(TypeError, () => new WebSocketStream(wsUrl('/echo'), { protocols: 1 }));
}, 'protocols given as a number throws TypeError');

test(() => {
  assert_throws_js(TypeError, () => new WebSocketStream(wsUrl('/echo'), { protocols: {} }));
}, 'protocols given as a non-iterable object throws TypeError');

promise_test(async (t) => {
  const token = "!#$%&'*+-.^_`|~09azAZ";
  const { readable, protocol } = await openStream(t, '/protocol_array', { protocols: [token] });
  assert_equals(protocol, token, 'protocol');
  const reader = readable.getReader();
  assert_equals(await readMessage(t, reader), token, 'name the server received');
}, 'every HTTP token character is accepted in a protocol and reaches the server');

promise_test(async (t) => {
  const { protocol } = await openStream(t, '/protocol_array', { protocols: new Set(['from-set']) });
  assert_equals(protocol, 'from-set');
}, 'protocols accepts any iterable (a Set)');

promise_test(async (t) => {
  function* names() { yield 'from-generator'; yield 'second'; }
  const { protocol } = await openStream(t, '/protocol_array', { protocols: names() });
  assert_equals(protocol, 'from-generator');
}, 'protocols accepts any iterable (a generator)');

test((t) => {
  // Web IDL reads @@iterator once, and the iterator's next once, however many items follow.
  const reads = { iterator: 0, next: 0 };
  const items = ['one', 'two', 'three'];
  const protocols = {
    get [Symbol.iterator]() {
      reads.iterator++;
      return () => {
        let index = 0;
        return {
          get next() {
            reads.next++;
            return () => (index < items.length ? { done: false, value: items[index++] } : { done: true, value: undefined });
          },
        };
      };
    },
  };
  createStream(t, wsUrl('/echo'), { protocols });
  assert_object_equals(reads, { iterator: 1, next: 1 }, 'reads');
}, "protocols: @@iterator and the iterator's next are each read once");

promise_test(async (t) => {
  const protocols = [{ toString() { return 'stringified'; } }];
  const { protocol } = await openStream(t, '/protocol_array', { protocols });
  assert_equals(protocol, 'stringified');
}, 'protocol entries are converted with ToString');

test(() => {
  assert_throws_js(TypeError,
                   () => new WebSocketStream(wsUrl('/echo'), { protocols: [Symbol('x')] }));
}, 'a protocol entry that cannot be converted to a string throws TypeError');

test(() => {
  const error = new Error('from the iterator');
  const protocols = { [Symbol.iterator]() { throw error; } };
  assert_throws_exactly(error, () => new WebSocketStream(wsUrl('/echo'), { protocols }));
}, 'an exception thrown while iterating protocols propagates');

for (const options of [true, 1, 'options', Symbol('options')]) {
  test(() => {
    assert_throws_js(TypeError, () => new WebSocketStream(wsUrl('/echo'), options));
  }, `options that are not an object throw TypeError: ${typeof options}`);
}

for (const [label, options] of [
  ['undefined', undefined],
  ['null', null],
  ['{}', {}],
  ['with undefined members', { protocols: undefined, signal: undefined }],
]) {
  promise_test(async (t) => {
    const wss = new WebSocketStream(wsUrl('/echo'), options);
    t.add_cleanup(() => wss.close());
    const { protocol } = await within(t, wss.opened, 'opened');
    assert_equals(protocol, '');
  }, `options ${label} mean "no options"`);
}

for (const signal of [{}, null, 'signal', new EventTarget()]) {
  test(() => {
    assert_throws_js(TypeError, () => new WebSocketStream(wsUrl('/echo'), { signal }));
  }, `a signal that is not an AbortSignal throws TypeError: ${signal === null ? 'null' : Object.prototype.toString.call(signal)}`);
}

test(() => {
  const error = new Error('from a getter');
  const options = { get protocols() { throw error; } };
  assert_throws_exactly(error, () => new WebSocketStream(wsUrl('/echo'), options));
}, 'an exception thrown by an options getter propagates');

test((t) => {
  const read = [];
  const options = {
    get protocols() { read.push('protocols'); return undefined; },
    get signal() { read.push('signal'); return undefined; },
  };
  createStream(t, wsUrl('/echo'), options);
  assert_array_equals(read, ['protocols', 'signal']);
}, 'options members are read once each, in lexicographic order');

promise_test(async (t) => {
  const wss = createStream(t, wsUrl('/no-such-endpoint'));
  assert_equals(wss.url, wsUrl('/no-such-endpoint'));
  await rejectionOf(t, wss.opened, 'opened');
}, 'a handshake failure does not throw from the constructor');
