// META: global=window,worker
// META: script=../constants.sub.js
// META: script=resources/helpers.js
// META: variant=?default
// META: variant=?wss
// META: timeout=long
'use strict';

// Backpressure is about time, so these tests measure it, with generous lower bounds only.

// Comfortably more than the operating system's socket buffers on both ends can absorb, so a
// server that does not read makes the sender wait.
const SEND_MESSAGES = 32;

promise_test(async (t) => {
  // /receive-backpressure reads nothing for 2 s, then reads and drops everything.
  const { wss, writer } = await openReaderWriter(t, '/receive-backpressure');
  const chunk = new Uint8Array(ONE_MIB);
  const start = performance.now();
  const writes = [];
  for (let i = 0; i < SEND_MESSAGES; ++i) writes.push(writer.write(chunk));
  writes.forEach(ignoreRejection);
  assert_less_than_equal(writer.desiredSize, 0, 'desiredSize with writes queued');
  const ready = writer.ready;
  const last = writes[writes.length - 1];
  const [readyPending, lastPending] = await Promise.all([
    stillPendingAfter(t, ready, 1000),
    stillPendingAfter(t, last, 1000),
  ]);
  assert_true(readyPending, 'writer.ready is still pending after 1 s');
  assert_true(lastPending, `the last of ${SEND_MESSAGES} MiB of writes is still pending after 1 s`);
  await within(t, Promise.all(writes), 'all writes', 20000);
  await within(t, ready, 'writer.ready', 1000);
  const elapsed = performance.now() - start;
  assert_greater_than_equal(elapsed, 1500, 'the writes waited for the server to read');
  wss.close({ closeCode: 4000 });
  await assertClosedCleanly(t, wss, 4000, '');
}, 'writes wait for the network: a server that does not read holds back write promises and writer.ready');

// /send-backpressure sends an empty message, then 16 messages of 1 MiB, then as text how many
// seconds handing those 16 to the network took. Reads everything and returns that number.
async function readSendBackpressureReport(t, reader) {
  const first = await readMessage(t, reader, 'the empty first message');
  assertBinaryContents(first, [], 'the first message');
  for (let i = 0; i < 16; ++i) {
    const chunk = await readMessage(t, reader, `message ${i}`, 20000);
    assert_equals(bytesOf(chunk).byteLength, ONE_MIB, `message ${i} size`);
  }
  const seconds = Number(await readMessage(t, reader, 'the report', 20000));
  assert_false(Number.isNaN(seconds), 'the report is a number');
  return seconds;
}

promise_test(async (t) => {
  // A reader that reads at once sets the baseline: how long the transfer takes on this machine
  // right now (E). A second reader waits before its first read, for a pause that outlasts that
  // transfer (2 s + E). With backpressure from the start the server is held back for most of
  // the pause, so it reports at least half the pause more than the eager reader; without it,
  // the browser takes everything in while the application waits, and both report about E.
  const eager = await openReaderWriter(t, '/send-backpressure');
  const eagerSeconds = await readSendBackpressureReport(t, eager.reader);
  eager.wss.close();

  const pauseSeconds = 2 + eagerSeconds;
  const paused = await openReaderWriter(t, '/send-backpressure');
  await delay(t, pauseSeconds * 1000);
  const pausedSeconds = await readSendBackpressureReport(t, paused.reader);
  assert_greater_than_equal(pausedSeconds - eagerSeconds, pauseSeconds / 2,
                            `the server was held back while the application did not read ` +
                            `(eager reader: ${eagerSeconds.toFixed(2)} s, paused reader: ` +
                            `${pausedSeconds.toFixed(2)} s, pause: ${pauseSeconds.toFixed(2)} s)`);
}, 'a reader that does not read makes the server wait (receive backpressure from the start)');
