// META: global=window,worker
// META: script=../constants.sub.js
// META: script=resources/helpers.js
// META: variant=?default
// META: timeout=long
'use strict';

// Kept apart from faults.any.js: a TCP connection dropped while a large write is in flight has
// crashed a browser's renderer, and a crash should take down only the subtests about it.
// /fault/drop-while-queued stops reading on the first message, lets the client's writes back up,
// then ends the TCP connection with no close frame. The rule is the same as for a clean close:
// the write in flight rejects with an "InvalidStateError" that errors the writable; closed and
// the readable get the connection's WebSocketError (1006).

promise_test(async (t) => {
  const { wss, reader, writer } = await openReaderWriter(t, '/fault/drop-while-queued');
  ignoreRejection(writer.write('start'));
  const inFlight = writer.write(new Uint8Array(20 * ONE_MIB));
  ignoreRejection(inFlight);
  const writeError = await rejectionOf(t, inFlight, 'the 20 MiB write in flight', 15000);
  assert_true(writeError instanceof DOMException, 'the write rejects with a DOMException');
  assert_equals(writeError.name, 'InvalidStateError', 'the rejection name');
  await promise_rejects_exactly(t, writeError, writer.write('x'), 'a later write');
  await promise_rejects_exactly(t, writeError, writer.closed, 'writer.closed');
  const closedError = await assertRejectsWithWebSocketError(t, wss.closed, 1006, '', 'closed');
  await promise_rejects_exactly(t, closedError, reader.read(), 'read()');
}, 'TCP dropped while a 20 MiB write is in flight: the write rejects with an InvalidStateError that errors the writable; closed and the readable get a WebSocketError (1006)');
