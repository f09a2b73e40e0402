// META: global=window,worker
// META: script=../constants.sub.js
// META: script=resources/helpers.js
// META: variant=?default
// META: variant=?wss
// META: timeout=long
'use strict';

// /remote-close closes right after the handshake: with ?code= and ?reason= (percent-encoded
// UTF-8), with an empty close frame when there is no code, or by dropping the TCP connection
// without a close frame when ?abrupt=1. With ?after_message=1 it first waits for one message
// from the client, so the connection is certainly open on both sides when the close comes.

function remoteCloseUrl({ code, reason, abrupt, afterMessage } = {}) {
  const query = new URLSearchParams();
  if (code !== undefined) query.set('code', String(code));
  if (reason !== undefined) query.set('reason', reason);
  if (abrupt) query.set('abrupt', '1');
  if (afterMessage) query.set('after_message', '1');
  const search = query.toString();
  return `/remote-close${search ? `?${search}` : ''}`;
}

// Opens a connection to /remote-close and sends the message that makes the server close it.
async function openThenRemoteClose(t, params) {
  const opened = await openReaderWriter(t, remoteCloseUrl({ ...params, afterMessage: true }));
  ignoreRejection(opened.writer.write('close now'));
  return opened;
}

for (const [label, params, closeCode, reason] of [
  ['code and reason', { code: 4000, reason: 'remote reason' }, 4000, 'remote reason'],
  ['code 1000 and no reason', { code: 1000 }, 1000, ''],
  ['code 1001 (going away)', { code: 1001, reason: 'bye' }, 1001, 'bye'],
  ['code 3333', { code: 3333, reason: 'x' }, 3333, 'x'],
  ['an empty close frame', {}, 1005, ''],
  ['a UTF-8 reason', { code: 4001, reason: 'caf\u00e9 \u20ac \u{1F600}' }, 4001, 'caf\u00e9 \u20ac \u{1F600}'],
  ['a reason of 123 bytes', { code: 4002, reason: '\u00e9'.repeat(61) + 'z' }, 4002, '\u00e9'.repeat(61) + 'z'],
]) {
  promise_test(async (t) => {
    const wss = createStream(t, wsUrl(remoteCloseUrl(params)));
    await assertClosedCleanly(t, wss, closeCode, reason);
  }, `a clean remote close with ${label} resolves closed with {closeCode: ${closeCode}, reason: ${JSON.stringify(reason)}}`);
}

promise_test(async (t) => {
  const { wss, reader } = await openThenRemoteClose(t, { code: 4010, reason: 'done' });
  await assertReadDone(t, reader, 'read()');
  await within(t, reader.closed, 'reader.closed');
  await assertClosedCleanly(t, wss, 4010, 'done');
}, 'a clean remote close closes the readable');

promise_test(async (t) => {
  const { wss, writer } = await openThenRemoteClose(t, { code: 4011 });
  await assertClosedCleanly(t, wss, 4011, '');
  await promise_rejects_dom(t, 'InvalidStateError', writer.closed, 'writer.closed');
  await promise_rejects_dom(t, 'InvalidStateError', writer.write('too late'), 'a later write');
  await promise_rejects_dom(t, 'InvalidStateError', writer.write('later still'), 'another write');
}, 'a clean remote close errors the writable with InvalidStateError');

promise_test(async (t) => {
  const { wss, reader, writer } = await openThenRemoteClose(t, { code: 4012 });
  await assertClosedCleanly(t, wss, 4012, '');
  assert_equals(wss.close({ closeCode: 4999, reason: 'after' }), undefined, 'close() does nothing');
  await within(t, reader.cancel(new WebSocketError('', { closeCode: 4998 })), 'cancel after the close');
  await within(t, writer.abort(new WebSocketError('', { closeCode: 4997 })), 'abort after the close');
  await assertClosedCleanly(t, wss, 4012, '', 'closed, read again');
}, 'close(), cancel and abort after a remote close change nothing');

promise_test(async (t) => {
  // The server sends its close frame as soon as it reads "close now", which reaches it before
  // the client's own close frame: both sides send one, and the code and reason reported are
  // the peer's.
  const { wss, writer } = await openReaderWriter(t, remoteCloseUrl({ code: 4020, reason: 'theirs', afterMessage: true }));
  ignoreRejection(writer.write('close now'));
  wss.close({ closeCode: 4021, reason: 'ours' });
  await assertClosedCleanly(t, wss, 4020, 'theirs');
}, 'when both sides close, closed reports the peer\'s code and reason');

promise_test(async (t) => {
  const wss = createStream(t, wsUrl(remoteCloseUrl({ abrupt: true })));
  await assertRejectsWithWebSocketError(t, wss.closed, 1006, '', 'closed');
}, 'a dropped connection (no close frame) rejects closed with a WebSocketError (1006, "")');

promise_test(async (t) => {
  const wss = createStream(t, wsUrl(remoteCloseUrl({ abrupt: true })));
  const info = await within(t, wss.opened, 'opened');
  assert_true(info.readable instanceof ReadableStream, 'readable');
}, 'opened resolves when the connection drops right after a completed handshake');

promise_test(async (t) => {
  const wss = createStream(t, wsUrl(remoteCloseUrl({ code: 4030, reason: 'quick' })));
  const info = await within(t, wss.opened, 'opened');
  assert_true(info.readable instanceof ReadableStream, 'readable');
  await assertClosedCleanly(t, wss, 4030, 'quick');
}, 'opened resolves when the peer closes right after a completed handshake');

promise_test(async (t) => {
  const { wss, reader, writer } = await openThenRemoteClose(t, { abrupt: true });
  const error = await assertRejectsWithWebSocketError(t, wss.closed, 1006, '', 'closed');
  await promise_rejects_exactly(t, error, reader.closed, 'reader.closed');
  await promise_rejects_exactly(t, error, reader.read(), 'read()');
  await promise_rejects_exactly(t, error, writer.closed, 'writer.closed');
  await promise_rejects_exactly(t, error, writer.write('x'), 'write()');
  await promise_rejects_exactly(t, error, writer.write('y'), 'a second write()');
}, 'a dropped connection errors readable and writable with the same WebSocketError as closed');

promise_test(async (t) => {
  const { wss, reader } = await openThenRemoteClose(t, { abrupt: true });
  const pendingRead = reader.read();
  const error = await rejectionOf(t, pendingRead, 'pending read()');
  assertWebSocketError(error, 1006, '', 'pending read() rejection');
  await promise_rejects_exactly(t, error, wss.closed, 'closed');
}, 'a dropped connection rejects a pending read with the WebSocketError');

promise_test(async (t) => {
  const { wss } = await openThenRemoteClose(t, { abrupt: true });
  const error = await rejectionOf(t, wss.closed, 'closed');
  assert_true(error instanceof DOMException, 'instanceof DOMException');
  assert_true(error instanceof Error, 'instanceof Error');
  assert_equals(Object.getPrototypeOf(error), WebSocketError.prototype, 'prototype');
  assert_equals(error.code, 0, 'code');
  assert_equals(typeof error.message, 'string', 'message');
}, 'the WebSocketError of a dropped connection is an ordinary WebSocketError');

promise_test(async (t) => {
  const { wss, reader, writer } = await openReaderWriter(t, '/echo_exit');
  await within(t, writer.write('Goodbye'), 'write');
  assert_equals(await readMessage(t, reader), 'Goodbye', 'the echo before the close');
  await assertReadDone(t, reader);
  await assertClosedCleanly(t, wss, 1000, '');
}, 'a remote close that follows a message delivers the message, then ends the readable');
