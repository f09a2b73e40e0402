// META: global=window,worker
// META: script=../constants.sub.js
// META: script=resources/helpers.js
// META: variant=?default
// META: variant=?wss
// META: timeout=long
'use strict';

// Kept apart from abort-signal.any.js: this sequence has crashed a browser's renderer, and a crash
// should take down only the subtests about it.

promise_test(async (t) => {
  const controller = new AbortController();
  const wss = createStream(t, wsUrl('/handshake_sleep_2'), { signal: controller.signal },
                           { closeOnCleanup: false });
  controller.abort(new Error('aborted by the test'));
  assert_equals(wss.close(), undefined, 'close() after abort() returns undefined');
  assert_equals(wss.close({ closeCode: 4000, reason: 'again' }), undefined, 'a second close() too');
  await rejectionOf(t, wss.opened, 'opened');
  await rejectionOf(t, wss.closed, 'closed');
}, 'close() after aborting the signal during the handshake does not throw; both promises reject');

promise_test(async (t) => {
  const controller = new AbortController();
  const reason = new Error('the abort reason');
  const wss = createStream(t, wsUrl('/handshake_sleep_2'), { signal: controller.signal },
                           { closeOnCleanup: false });
  controller.abort(reason);
  wss.close({ closeCode: 4000, reason: 'ignored' });
  await promise_rejects_exactly(t, reason, wss.opened, 'opened');
  await promise_rejects_exactly(t, reason, wss.closed, 'closed');
}, 'close() after aborting the signal during the handshake leaves the abort reason in place');
