// META: global=window,worker
// META: script=../constants.sub.js
// META: script=resources/helpers.js
// META: variant=?default
// META: variant=?wss
// META: timeout=long
'use strict';

// /remote-close-with-unsent-data waits for the first message, stops reading, sends a close frame
// with the given code and reason, and half a second later reads again (discarding data) until
// the client's close frame completes the handshake. The client meanwhile has megabytes queued:
// the peer closed cleanly, but not all written data was sent, so the close is not clean. `closed`
// and the readable get a WebSocketError with the peer's code; the writable the InvalidStateError
// of the write that was in flight (see close-with-write-in-flight.any.js).

const CODE = 4567;
const REASON = 'unsent';
const QUEUED_MESSAGES = 32;

async function closeWithDataQueued(t) {
  const path = `/remote-close-with-unsent-data?code=${CODE}&reason=${REASON}`;
  const { wss, readable, writable } = await openStream(t, path);
  const reader = readable.getReader();
  const writer = writable.getWriter();
  const first = writer.write('start');
  const chunk = new Uint8Array(ONE_MIB);
  const queued = [];
  for (let i = 0; i < QUEUED_MESSAGES; ++i) queued.push(writer.write(chunk));
  [first, ...queued].forEach(ignoreRejection);
  const error = await rejectionOf(t, wss.closed, 'closed', 15000);
  return { wss, reader, writer, first, queued, error };
}

promise_test(async (t) => {
  const { error } = await closeWithDataQueued(t);
  assertWebSocketError(error, CODE, REASON, 'closed rejection');
}, 'closed rejects with a WebSocketError carrying the peer\'s code and reason');

promise_test(async (t) => {
  const { reader, error } = await closeWithDataQueued(t);
  await promise_rejects_exactly(t, error, reader.closed, 'reader.closed');
  await promise_rejects_exactly(t, error, reader.read(), 'read()');
}, 'the readable is errored with the same WebSocketError');

// The write in flight when the close came rejects with an "InvalidStateError", which errors the
// writable: the writes queued behind it, and every later one, reject with that very object.
async function writableErrorOf(t, { queued }) {
  const outcomes = await within(t, Promise.allSettled(queued), 'the queued writes');
  const rejected = outcomes.filter((outcome) => outcome.status === 'rejected');
  assert_greater_than(rejected.length, 0, 'the writes still queued when the close came reject');
  return rejected[0].reason;
}

promise_test(async (t) => {
  const closing = await closeWithDataQueued(t);
  const writableError = await writableErrorOf(t, closing);
  assert_true(writableError instanceof DOMException, 'a DOMException');
  assert_equals(writableError.name, 'InvalidStateError', 'name');
  await promise_rejects_exactly(t, writableError, closing.writer.closed, 'writer.closed');
  await promise_rejects_exactly(t, writableError, closing.writer.write('later'), 'a later write');
}, 'the write in flight rejects with an InvalidStateError, and the writable is errored with that very object');

promise_test(async (t) => {
  const closing = await closeWithDataQueued(t);
  const writableError = await writableErrorOf(t, closing);
  const last = closing.queued[closing.queued.length - 1];
  await promise_rejects_exactly(t, writableError, last, 'the last queued write');
}, "writes that were never sent reject with the write in flight's InvalidStateError");
