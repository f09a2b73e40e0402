// META: global=window,worker
// META: script=../constants.sub.js
// META: script=resources/helpers.js
// META: variant=?default
// META: timeout=long
'use strict';

// Servers that misbehave: the conformance server's /fault/... endpoints (not upstream WPT's). Each
// subtest asserts how opened, closed, the readable and the writable settle, as the standard says,
// and how soon. The same faults are checked in Node by test/faults.test.mjs.

// How long a fault may take to reach the page's promises once it has happened on the wire.
const FAULT_SETTLE_MS = 3000;

// The outcome of a connection that is not closed cleanly: one WebSocketError with closeCode
// rejects closed, errors the readable and errors the writable.
async function assertNotClean(t, { wss, readable, writable }, { closeCode = 1006, reason = '', ms = FAULT_SETTLE_MS } = {}) {
  const reader = readable.getReader();
  const writer = writable.getWriter();
  const closedError = await assertRejectsWithWebSocketError(t, wss.closed, closeCode, reason, 'closed');
  assert_equals(await rejectionOf(t, reader.read(), 'read() after the fault', ms), closedError, 'the readable errors with the closed error');
  assert_equals(await rejectionOf(t, writer.closed, 'writer.closed', ms), closedError, 'the writable errors with the closed error');
  assert_equals(await rejectionOf(t, writer.write('late'), 'a write after the fault', ms), closedError, 'a later write rejects with the closed error');
}

async function assertNeverEstablished(t, wss) {
  const openedError = await assertRejectsWithWebSocketError(t, wss.opened, undefined, undefined, 'opened');
  assert_equals(openedError.closeCode, null, 'opened: a failed handshake has no close code');
  await assertRejectsWithWebSocketError(t, wss.closed, 1006, '', 'closed');
}

promise_test(async (t) => {
  const opened = await openStream(t, '/fault/reset-mid-message');
  await assertNotClean(t, opened);
}, 'TCP reset in the middle of a message: no message, WebSocketError 1006 everywhere');

promise_test(async (t) => {
  const opened = await openStream(t, '/fault/stall?drop_after=2000');
  const writer = opened.writable.getWriter();
  await within(t, writer.write('into the void'), 'a small write to a stalled server');
  writer.releaseLock();
  assert_true(await stillPendingAfter(t, opened.wss.closed, 1000), 'closed stays pending while the server is merely silent');
  await assertNotClean(t, opened, { ms: 2000 + FAULT_SETTLE_MS });
}, 'stall after the handshake: nothing settles while the server is silent, then 1006 when it drops');

promise_test(async (t) => {
  const { wss, readable, writable } = await openStream(t, '/fault/close-frame-no-fin?code=4001&reason=bye');
  // The closing handshake completes on the wire at once; only the server's FIN never comes.
  await assertClosedCleanly(t, wss, 4001, 'bye');
  await assertReadDone(t, readable.getReader());
  const writableError = await rejectionOf(t, writable.getWriter().closed, 'writer.closed');
  assert_equals(writableError.name, 'InvalidStateError', 'the writable errors with an InvalidStateError');
}, "close frame received, TCP never closed: a clean close with the peer's code and reason");

promise_test(async (t) => {
  const opened = await openStream(t, '/fault/drop-no-close-frame');
  await assertNotClean(t, opened);
}, 'TCP closed without a close frame: WebSocketError 1006 everywhere');

promise_test(async (t) => {
  const opened = await openStream(t, '/fault/invalid-utf8');
  await assertNotClean(t, opened);
}, 'a text frame with invalid UTF-8: the connection fails (1006), the message is never delivered');

promise_test(async (t) => {
  const wss = createStream(t, wsUrl('/fault/handshake-never-answers'));
  assert_true(await stillPendingAfter(t, wss.opened, 1000), 'opened waits: the standard has no handshake timeout');
  wss.close({ closeCode: 1000, reason: 'ignored during the handshake' });
  await assertNeverEstablished(t, wss);
}, 'a handshake that never answers: pending until close(), which rejects both promises');

promise_test(async (t) => {
  const controller = new AbortController();
  const wss = createStream(t, wsUrl('/fault/handshake-never-answers'), { signal: controller.signal }, { closeOnCleanup: false });
  assert_true(await stillPendingAfter(t, wss.opened, 200), 'opened waits for the handshake');
  const reason = new Error('gave up');
  controller.abort(reason);
  assert_equals(await rejectionOf(t, wss.opened, 'opened'), reason, 'opened rejects with the signal\'s reason');
  assert_equals(await rejectionOf(t, wss.closed, 'closed'), reason, 'closed rejects with the signal\'s reason');
}, 'a handshake that never answers: aborting the signal rejects both promises with its reason');

promise_test(async (t) => {
  const wss = createStream(t, wsUrl('/fault/garbage-handshake'));
  await assertNeverEstablished(t, wss);
}, 'a garbage handshake response: opened and closed reject with WebSocketErrors');

promise_test(async (t) => {
  const { wss, readable, writable } = await openStream(t, '/fault/close-while-queued?code=4002&reason=queued');
  const writer = writable.getWriter();
  const megabyte = new Uint8Array(ONE_MIB);
  const writes = Array.from({ length: 16 }, () => writer.write(megabyte));
  writes.forEach(ignoreRejection);
  writer.releaseLock();
  const outcomes = await within(t, Promise.allSettled(writes), 'all 16 writes', 10000);
  const rejected = outcomes.filter((outcome) => outcome.status === 'rejected');
  assert_greater_than(rejected.length, 0, 'the writes still queued when the close came reject');
  const closedError = await assertRejectsWithWebSocketError(t, wss.closed, 4002, 'queued', 'closed');
  // The write in flight rejects with an InvalidStateError that errors the writable, so the writes
  // queued behind it reject with that very object.
  const writableError = rejected[0].reason;
  assert_equals(writableError.name, 'InvalidStateError', 'the write in flight rejects with an InvalidStateError');
  for (const { reason } of rejected) assert_equals(reason, writableError, 'each unsent write rejects with that InvalidStateError');
  assert_equals(await rejectionOf(t, readable.getReader().read(), 'read()'), closedError, 'the readable errors with the closed error');
}, "the server closes while megabytes are queued: not clean, the peer's code, every unsent write rejects");
