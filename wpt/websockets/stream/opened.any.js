// META: global=window,worker
// META: script=../constants.sub.js
// META: script=resources/helpers.js
// META: variant=?default
// META: variant=?wss
// META: timeout=long
'use strict';

test((t) => {
  const wss = createStream(t, wsUrl('/echo'));
  assert_true(wss.opened instanceof Promise, 'opened is a Promise');
  assert_true(wss.closed instanceof Promise, 'closed is a Promise');
  assert_equals(wss.opened, wss.opened, 'opened is the same promise on every read');
  assert_equals(wss.closed, wss.closed, 'closed is the same promise on every read');
  assert_not_equals(wss.opened, wss.closed, 'opened and closed are different promises');
}, 'opened and closed are promises, the same object on every read');

promise_test(async (t) => {
  const wss = createStream(t, wsUrl('/echo'));
  const info = await within(t, wss.opened, 'opened');
  assert_equals(Object.getPrototypeOf(info), Object.prototype, 'a plain object');
  assert_array_equals(Object.keys(info).sort(), ['extensions', 'protocol', 'readable', 'writable']);
  for (const key of Object.keys(info)) {
    const descriptor = Object.getOwnPropertyDescriptor(info, key);
    assert_true(descriptor.writable && descriptor.enumerable && descriptor.configurable,
                `${key} is an ordinary data property`);
  }
}, 'opened resolves with a plain object holding readable, writable, extensions and protocol');

promise_test(async (t) => {
  const wss = createStream(t, wsUrl('/echo'));
  const info = await within(t, wss.opened, 'opened');
  assert_array_equals(Object.keys(info), ['extensions', 'protocol', 'readable', 'writable']);
}, 'opened info members are in IDL dictionary order');

promise_test(async (t) => {
  const { readable, writable } = await openStream(t, '/echo');
  assert_true(readable instanceof ReadableStream, 'readable instanceof ReadableStream');
  assert_true(writable instanceof WritableStream, 'writable instanceof WritableStream');
  assert_equals(Object.getPrototypeOf(readable), ReadableStream.prototype, 'readable prototype');
  assert_equals(Object.getPrototypeOf(writable), WritableStream.prototype, 'writable prototype');
}, 'readable and writable are this global\'s ReadableStream and WritableStream');

promise_test(async (t) => {
  const { readable, writable } = await openStream(t, '/echo');
  // The platform's own methods, called directly, check for the internal slots a genuine stream has.
  const reader = ReadableStream.prototype.getReader.call(readable);
  assert_true(reader instanceof ReadableStreamDefaultReader, 'reader');
  const writer = WritableStream.prototype.getWriter.call(writable);
  assert_true(writer instanceof WritableStreamDefaultWriter, 'writer');
  assert_true(Object.getOwnPropertyDescriptor(ReadableStream.prototype, 'locked').get.call(readable),
              'readable is locked by the platform reader');
  assert_true(Object.getOwnPropertyDescriptor(WritableStream.prototype, 'locked').get.call(writable),
              'writable is locked by the platform writer');
}, 'readable and writable pass the platform streams\' brand checks');

promise_test(async (t) => {
  const { readable, writable } = await openStream(t, '/echo');
  const reader = readable.getReader();
  const writer = writable.getWriter();
  await within(t, writer.write('through genuine streams'), 'write');
  assert_equals(await readMessage(t, reader), 'through genuine streams');
}, 'opened streams carry messages both ways');

promise_test(async (t) => {
  const { extensions, protocol } = await openStream(t, '/echo');
  assert_equals(typeof extensions, 'string', 'extensions');
  assert_equals(typeof protocol, 'string', 'protocol');
  assert_equals(protocol, '', 'no protocol was offered, so none was selected');
}, 'extensions and protocol are strings; protocol is empty when none was offered');

promise_test(async (t) => {
  const { protocol, readable } = await openStream(t, '/protocol_array', { protocols: ['first', 'second'] });
  assert_equals(protocol, 'first', 'protocol');
  const reader = readable.getReader();
  assert_equals(await readMessage(t, reader), 'first', 'the server reports the same selection');
}, 'protocol is the subprotocol the server selected');

promise_test(async (t) => {
  const { protocol } = await openStream(t, '/protocol_array', { protocols: ['only'] });
  assert_equals(protocol, 'only');
}, 'protocol with a single offered subprotocol');

// Two different ways of failing before the connection is established; the standard says a
// page must not be able to tell them apart, so all must look the same.
const failures = [
  ['an HTTP error status (unknown path)', () => wsUrl('/no-such-endpoint')],
  ['a scheme the port does not speak (TLS mismatch)',
   () => (SCHEME_DOMAIN_PORT.startsWith('wss:') ? SCHEME_DOMAIN_PORT.replace(/^wss:/, 'ws:')
                                                : SCHEME_DOMAIN_PORT.replace(/^ws:/, 'wss:')) + '/echo'],
];

for (const [label, makeUrl] of failures) {
  promise_test(async (t) => {
    const wss = createStream(t, makeUrl());
    await assertRejectsWithWebSocketError(t, wss.opened, undefined, undefined, 'opened');
  }, `opened rejects with a WebSocketError on ${label}`);

  promise_test(async (t) => {
    const wss = createStream(t, makeUrl());
    await assertRejectsWithWebSocketError(t, wss.closed, 1006, '', 'closed');
  }, `closed rejects with a WebSocketError (1006, "") on ${label}`);
}

promise_test(async (t) => {
  const wss = createStream(t, wsUrl('/no-such-endpoint'));
  const [openedError, closedError] = await Promise.all([
    rejectionOf(t, wss.opened, 'opened'),
    rejectionOf(t, wss.closed, 'closed'),
  ]);
  assertWebSocketError(openedError, undefined, undefined, 'opened rejection');
  assertWebSocketError(closedError, 1006, '', 'closed rejection');
  assert_equals(wss.opened, wss.opened, 'opened stays the same promise');
  await rejectionOf(t, wss.opened, 'opened read again');
}, 'after a failed handshake both promises stay rejected');
