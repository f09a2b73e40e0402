// META: global=window,worker
// META: script=../constants.sub.js
// META: script=resources/helpers.js
// META: variant=?default
// META: variant=?wss
// META: timeout=long
'use strict';

// The WebSocketError constructor on its own; idl.any.js covers its interface shape.

test(() => {
  const error = new WebSocketError();
  assert_equals(error.message, '', 'message');
  assert_equals(error.name, 'WebSocketError', 'name');
  assert_equals(error.code, 0, 'code');
  assert_equals(error.closeCode, null, 'closeCode');
  assert_equals(error.reason, '', 'reason');
}, 'defaults: empty message, closeCode null, empty reason');

test(() => {
  const error = new WebSocketError('something happened');
  assert_true(error instanceof WebSocketError, 'instanceof WebSocketError');
  assert_true(error instanceof DOMException, 'instanceof DOMException');
  assert_true(error instanceof Error, 'instanceof Error');
  assert_equals(Object.getPrototypeOf(error), WebSocketError.prototype, 'prototype');
}, 'a WebSocketError is a DOMException and an Error');

for (const [label, argument, expected] of [
  ['a string', 'hello', 'hello'],
  ['undefined (the default)', undefined, ''],
  ['null', null, 'null'],
  ['a number', 42, '42'],
  ['an object with toString', { toString() { return 'converted'; } }, 'converted'],
  ['a lone surrogate (DOMString keeps it)', 'a\uD800b', 'a\uD800b'],
]) {
  test(() => {
    assert_equals(new WebSocketError(argument).message, expected);
  }, `message is converted to a DOMString: ${label}`);
}

test(() => {
  assert_throws_js(TypeError, () => new WebSocketError(Symbol('no')));
}, 'a message that cannot be converted throws TypeError');

test(() => {
  const error = new WebSocketError('text', { closeCode: 4000, reason: 'why' });
  assert_equals(Error.prototype.toString.call(error), 'WebSocketError: text');
  assert_equals(String(error), 'WebSocketError: text');
}, 'stringifies as "WebSocketError: message"');

for (const code of [1000, 3000, 3999, 4000, 4999]) {
  test(() => {
    const error = new WebSocketError('', { closeCode: code });
    assert_equals(error.closeCode, code, 'closeCode');
    assert_equals(error.reason, '', 'reason');
  }, `closeCode ${code} is accepted`);
}

test(() => {
  const error = new WebSocketError('m', { closeCode: 4321, reason: 'the reason' });
  assert_equals(error.closeCode, 4321, 'closeCode');
  assert_equals(error.reason, 'the reason', 'reason');
  assert_equals(error.message, 'm', 'message');
}, 'closeCode and reason together');

test(() => {
  const error = new WebSocketError('', { reason: 'reason only' });
  assert_equals(error.closeCode, 1000, 'closeCode');
  assert_equals(error.reason, 'reason only', 'reason');
}, 'a non-empty reason without a closeCode gives closeCode 1000');

test(() => {
  const error = new WebSocketError('', { reason: '' });
  assert_equals(error.closeCode, null, 'closeCode');
  assert_equals(error.reason, '', 'reason');
}, 'an empty reason without a closeCode leaves closeCode null');

for (const [label, init] of [['undefined', undefined], ['null', null], ['{}', {}],
                             ['undefined members', { closeCode: undefined, reason: undefined }]]) {
  test(() => {
    const error = new WebSocketError('m', init);
    assert_equals(error.closeCode, null, 'closeCode');
    assert_equals(error.reason, '', 'reason');
  }, `init ${label} gives the defaults`);
}

test(() => {
  const error = new WebSocketError('', { closeCode: '3001', reason: 7 });
  assert_equals(error.closeCode, 3001, 'closeCode');
  assert_equals(error.reason, '7', 'reason');
}, 'closeCode and reason are converted (a string code, a number reason)');

test(() => {
  assert_equals(new WebSocketError('', { closeCode: 3000.7 }).closeCode, 3000);
  assert_equals(new WebSocketError('', { closeCode: 4999.999 }).closeCode, 4999);
}, 'a fractional closeCode is truncated (EnforceRange)');

for (const code of [0, 1, 999, 1001, 1005, 1006, 1015, 2999, 5000, 65535, null, false]) {
  test(() => {
    assert_throws_dom('InvalidAccessError', () => new WebSocketError('', { closeCode: code }));
  }, `closeCode ${String(code)} throws InvalidAccessError`);
}

for (const code of [-1, 65536, NaN, Infinity, -Infinity, 'abc']) {
  test(() => {
    assert_throws_js(TypeError, () => new WebSocketError('', { closeCode: code }));
  }, `closeCode ${String(code)} throws TypeError (EnforceRange)`);
}

for (const reason of ['x'.repeat(123), '\u00e9'.repeat(61) + 'x', '\u{1F600}'.repeat(30) + 'abc']) {
  test(() => {
    assert_equals(utf8Length(reason), 123, 'exactly 123 bytes');
    assert_equals(new WebSocketError('', { closeCode: 4000, reason }).reason, reason);
  }, `a reason of exactly 123 UTF-8 bytes is accepted (${reason.length} code units)`);
}

for (const [label, reason] of [
  ['124 ASCII characters', 'x'.repeat(124)],
  ['62 two-byte characters', '\u00e9'.repeat(62)],
  ['31 four-byte characters', '\u{1F600}'.repeat(31)],
  ['42 lone surrogates (3 bytes each once converted)', '\uD800'.repeat(42)],
]) {
  test(() => {
    assert_throws_dom('SyntaxError', () => new WebSocketError('', { closeCode: 4000, reason }));
    assert_throws_dom('SyntaxError', () => new WebSocketError('', { reason }), 'without a code');
  }, `a reason over 123 UTF-8 bytes throws SyntaxError: ${label}`);
}

test(() => {
  const error = new WebSocketError('', { closeCode: 4000, reason: 'a\uD800b\uDC00' });
  assert_equals(error.reason, 'a\uFFFDb\uFFFD');
}, 'reason is a USVString: lone surrogates become U+FFFD');

test(() => {
  const error = new WebSocketError('', { closeCode: 4000, reason: '\uD800'.repeat(41) });
  assert_equals(error.reason, '\uFFFD'.repeat(41));
}, 'the reason length is measured after conversion: 41 lone surrogates are 123 bytes');

test(() => {
  assert_throws_dom('InvalidAccessError', () => new WebSocketError('', { closeCode: 1001, reason: 'x'.repeat(200) }));
}, 'the code is checked before the reason');

for (const init of [true, 0, 'init']) {
  test(() => {
    assert_throws_js(TypeError, () => new WebSocketError('', init));
  }, `an init that is not an object throws TypeError: ${typeof init}`);
}

test(() => {
  const read = [];
  new WebSocketError('', {
    get reason() { read.push('reason'); return 'r'; },
    get closeCode() { read.push('closeCode'); return 4000; },
  });
  assert_array_equals(read, ['closeCode', 'reason']);
}, 'init members are read once each, in lexicographic order');

test(() => {
  const order = [];
  new WebSocketError({ toString() { order.push('message'); return 'm'; } },
                     { get closeCode() { order.push('init'); return 4000; } });
  assert_array_equals(order, ['message', 'init']);
}, 'the message is converted before the init dictionary');

test(() => {
  const error = new WebSocketError('', { closeCode: 4000, reason: 'fixed' });
  assert_throws_js(TypeError, () => { error.closeCode = 4001; }, 'closeCode');
  assert_throws_js(TypeError, () => { error.reason = 'changed'; }, 'reason');
  assert_equals(error.closeCode, 4000);
  assert_equals(error.reason, 'fixed');
}, 'closeCode and reason are read-only');

test(() => {
  const a = new WebSocketError('', { closeCode: 4000, reason: 'a' });
  const b = new WebSocketError('', { closeCode: 4001, reason: 'b' });
  assert_equals(a.closeCode, 4000);
  assert_equals(b.closeCode, 4001);
  assert_equals(a.reason, 'a');
  assert_equals(b.reason, 'b');
}, 'each WebSocketError keeps its own values');
