// META: global=window,worker
// META: script=../constants.sub.js
// META: script=resources/helpers.js
// META: variant=?default
// META: variant=?wss
// META: timeout=long
'use strict';

// Kept apart from close.any.js: close() right after a small and a large write, neither awaited, has
// crashed a browser's renderer (found by fuzz.any.js), and a crash should take down only the
// subtests about it. The echo server answers the close frame with the same (empty) body.

async function closeWithPendingWrites(t, sizes) {
  const { wss, writable } = await openStream(t, '/echo');
  const writer = writable.getWriter();
  const writes = sizes.map((size) => writer.write(new Uint8Array(size)));
  writes.forEach(ignoreRejection);
  assert_equals(wss.close(), undefined, 'close() returns undefined');
  const outcomes = await within(t, Promise.allSettled(writes), 'the pending writes', 10000);
  for (const [index, outcome] of outcomes.entries()) {
    if (outcome.status === 'rejected') {
      assert_equals(outcome.reason.name, 'InvalidStateError', `write #${index} rejects, if at all, with an InvalidStateError`);
    }
  }
  await assertClosedCleanly(t, wss, 1005, '');
}

promise_test(async (t) => {
  await closeWithPendingWrites(t, [100, 1866625]);
}, 'close() right after a small and a 1.8 MB write: every write settles and the close is clean');

promise_test(async (t) => {
  await closeWithPendingWrites(t, [1866625]);
}, 'close() right after one 1.8 MB write: the write settles and the close is clean');
