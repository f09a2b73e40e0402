// META: global=window,worker
// META: script=../constants.sub.js
// META: script=/common/gc.js
// META: script=resources/helpers.js
// META: variant=?default
// META: variant=?wss
// META: timeout=long
'use strict';

// A write still in flight when the connection closes — its bytes not yet handed to the network —
// rejects with an "InvalidStateError" DOMException, and the writable is errored with that very
// object, whether the close is clean or not. `closed` and the readable settle as the close says:
// a peer that closes while our data is unsent makes the close not clean, so `closed` rejects with
// a WebSocketError carrying the peer's code. This is what upstream's tests assert and what native
// Chromium does.

const EIGHT_MIB = 8 * ONE_MIB;
const TWENTY_MIB = 20 * ONE_MIB;

// Writes `trigger` (the message that makes the server close) and at once a big binary message
// that cannot all be sent before the server's close arrives. → { inFlight, ... }
async function writeThenBigWrite(t, path, trigger, size, { collectGarbage = false } = {}) {
  const { wss, reader, writer } = await openReaderWriter(t, path);
  ignoreRejection(writer.write(trigger));
  const inFlight = writer.write(new Uint8Array(size));
  ignoreRejection(inFlight);
  if (collectGarbage) {
    for (let i = 0; i < 5; ++i) await garbageCollect();
  }
  const writeError = await rejectionOf(t, inFlight, `the ${size}-byte write in flight`, 15000);
  return { wss, reader, writer, writeError };
}

function assertInvalidStateError(error, what) {
  assert_true(error instanceof DOMException, `${what} is a DOMException`);
  assert_equals(error.name, 'InvalidStateError', `${what} name`);
  assert_false(error instanceof WebSocketError, `${what} is not a WebSocketError`);
}

async function assertWritableErroredWith(t, writer, writeError) {
  await promise_rejects_exactly(t, writeError, writer.write('x'), 'a later write');
  await promise_rejects_exactly(t, writeError, writer.closed, 'writer.closed');
  await promise_rejects_exactly(t, writeError, writer.ready, 'writer.ready');
}

for (const collectGarbage of [false, true]) {
  const after = collectGarbage ? ', after garbage collections while it is pending' : '';

  promise_test(async (t) => {
    const { writeError } = await writeThenBigWrite(t, '/echo_exit', 'Goodbye', EIGHT_MIB, { collectGarbage });
    assertInvalidStateError(writeError, 'the rejection');
  }, `a server's clean close (1000): the 8 MiB write in flight rejects with an InvalidStateError${after}`);

  promise_test(async (t) => {
    const { writer, writeError } = await writeThenBigWrite(t, '/echo_exit', 'Goodbye', EIGHT_MIB, { collectGarbage });
    await assertWritableErroredWith(t, writer, writeError);
  }, `a server's clean close (1000): the writable is errored with the write's very InvalidStateError${after}`);

  promise_test(async (t) => {
    const { wss } = await writeThenBigWrite(t, '/echo_exit', 'Goodbye', EIGHT_MIB, { collectGarbage });
    await assertRejectsWithWebSocketError(t, wss.closed, 1000, '', 'closed');
  }, `a server's clean close (1000) while a write is in flight is not clean: closed rejects with a WebSocketError (1000)${after}`);
}

promise_test(async (t) => {
  const { wss, reader } = await writeThenBigWrite(t, '/echo_exit', 'Goodbye', EIGHT_MIB);
  const closedError = await assertRejectsWithWebSocketError(t, wss.closed, 1000, '', 'closed');
  // Erroring a readable discards what it had queued, the echo of Goodbye included.
  await promise_rejects_exactly(t, closedError, reader.read(), 'read()');
}, "a server's clean close (1000) while a write is in flight errors the readable with closed's WebSocketError");

promise_test(async (t) => {
  const path = '/remote-close-with-unsent-data?code=4567&reason=unsent';
  const { wss, writer, writeError } = await writeThenBigWrite(t, path, 'start', TWENTY_MIB);
  assertInvalidStateError(writeError, 'the rejection');
  await assertWritableErroredWith(t, writer, writeError);
  await assertRejectsWithWebSocketError(t, wss.closed, 4567, 'unsent', 'closed');
}, "a server that closes with 4567 while a 20 MiB write is in flight: the write rejects with an InvalidStateError that errors the writable; closed rejects with a WebSocketError (4567)");
