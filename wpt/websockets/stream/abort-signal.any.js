// META: global=window,worker
// META: script=../constants.sub.js
// META: script=resources/helpers.js
// META: variant=?default
// META: variant=?wss
// META: timeout=long
'use strict';

// The signal only matters until the handshake completes. Streams whose signal was aborted are
// never close()d here: close() after an abort belongs to close-after-abort-during-handshake.any.js.

function abortedStream(t, path, reason) {
  const signal = arguments.length > 2 ? AbortSignal.abort(reason) : AbortSignal.abort();
  const wss = createStream(t, wsUrl(path), { signal }, { closeOnCleanup: false });
  return { wss, signal };
}

function streamAbortedDuringHandshake(t, ...reason) {
  const controller = new AbortController();
  const wss = createStream(t, wsUrl('/handshake_sleep_2'), { signal: controller.signal },
                           { closeOnCleanup: false });
  controller.abort(...reason);
  return { wss, signal: controller.signal };
}

// --- Already aborted when the constructor runs ---

promise_test(async (t) => {
  const { wss } = abortedStream(t, '/echo');
  await promise_rejects_dom(t, 'AbortError', wss.opened, 'opened');
  await promise_rejects_dom(t, 'AbortError', wss.closed, 'closed');
}, 'an already-aborted signal (default reason) rejects opened and closed with an AbortError');

promise_test(async (t) => {
  const { wss, signal } = abortedStream(t, '/echo');
  await promise_rejects_exactly(t, signal.reason, wss.opened, 'opened');
  await promise_rejects_exactly(t, signal.reason, wss.closed, 'closed');
}, 'an already-aborted signal (default reason) rejects opened and closed with signal.reason itself');

for (const [label, reason] of [
  ['an Error', new Error('custom reason')],
  ['a string', 'reason as a string'],
  ['a WebSocketError', new WebSocketError('as the reason', { closeCode: 4000 })],
]) {
  promise_test(async (t) => {
    const { wss } = abortedStream(t, '/echo', reason);
    await promise_rejects_exactly(t, reason, wss.opened, 'opened');
    await promise_rejects_exactly(t, reason, wss.closed, 'closed');
  }, `an already-aborted signal rejects opened and closed with its reason: ${label}`);
}

test((t) => {
  const { wss } = abortedStream(t, '/echo');
  assert_equals(wss.url, wsUrl('/echo'));
}, 'an already-aborted signal leaves the url attribute as given');

promise_test(async (t) => {
  const key = uniqueKey();
  const { wss } = abortedStream(t, `/echo?stash_key=${key}`);
  await rejectionOf(t, wss.opened, 'opened');
  // A control connection to the same server: once it is open, the aborted one would have
  // reached the server too had it been attempted.
  const controlKey = uniqueKey();
  const control = createStream(t, wsUrl(`/echo?stash_key=${controlKey}`));
  await within(t, control.opened, 'control connection opened');
  assert_equals(await stashTake(t, controlKey), 'connected', 'the control connection was recorded');
  assert_equals(await stashTake(t, key), null, 'the aborted stream made no connection');
}, 'an already-aborted signal makes no network connection');

for (const [label, url] of [['a bad scheme', 'ftp://127.0.0.1/'], ['a fragment', () => wsUrl('/echo#f')]]) {
  test(() => {
    const target = typeof url === 'function' ? url() : url;
    assert_throws_dom('SyntaxError', () => new WebSocketStream(target, { signal: AbortSignal.abort() }));
  }, `an already-aborted signal does not stop URL validation: ${label}`);
}

test(() => {
  assert_throws_dom('SyntaxError',
                    () => new WebSocketStream(wsUrl('/echo'), { protocols: ['a', 'a'], signal: AbortSignal.abort() }));
}, 'an already-aborted signal does not stop protocols validation');

// --- Aborted during the handshake (/handshake_sleep_2 answers after 2 s) ---

promise_test(async (t) => {
  const { wss } = streamAbortedDuringHandshake(t);
  await promise_rejects_dom(t, 'AbortError', wss.opened, 'opened');
  await promise_rejects_dom(t, 'AbortError', wss.closed, 'closed');
}, 'aborting during the handshake (default reason) rejects opened and closed with an AbortError');

promise_test(async (t) => {
  const { wss, signal } = streamAbortedDuringHandshake(t);
  await promise_rejects_exactly(t, signal.reason, wss.opened, 'opened');
  await promise_rejects_exactly(t, signal.reason, wss.closed, 'closed');
}, 'aborting during the handshake (default reason) rejects opened and closed with signal.reason itself');

for (const [label, reason] of [
  ['an Error', new Error('custom reason')],
  ['a string', 'reason as a string'],
  ['a WebSocketError', new WebSocketError('as the reason', { closeCode: 4000 })],
]) {
  promise_test(async (t) => {
    const { wss } = streamAbortedDuringHandshake(t, reason);
    await promise_rejects_exactly(t, reason, wss.opened, 'opened');
    await promise_rejects_exactly(t, reason, wss.closed, 'closed');
  }, `aborting during the handshake rejects opened and closed with the signal's reason: ${label}`);
}

promise_test(async (t) => {
  const controller = new AbortController();
  const wss = createStream(t, wsUrl('/handshake_sleep_2'), { signal: controller.signal },
                           { closeOnCleanup: false });
  // Abort from a later task, after the connection attempt got under way.
  await delay(t, 0);
  const reason = new Error('later abort');
  controller.abort(reason);
  await rejectionOf(t, wss.opened, 'opened');
  await rejectionOf(t, wss.closed, 'closed');
  assert_equals(wss.url, wsUrl('/handshake_sleep_2'), 'url');
}, 'aborting in a later task during the handshake rejects opened and closed');

promise_test(async (t) => {
  const controller = new AbortController();
  const wss = createStream(t, wsUrl('/handshake_sleep_2'), { signal: controller.signal },
                           { closeOnCleanup: false });
  const reason = new Error('later abort');
  t.step_timeout(() => controller.abort(reason), 0);
  await promise_rejects_exactly(t, reason, wss.opened, 'opened');
  await promise_rejects_exactly(t, reason, wss.closed, 'closed');
}, 'aborting in a later task during the handshake rejects with the signal\'s reason');

// --- Aborted after the handshake: no effect ---

promise_test(async (t) => {
  const controller = new AbortController();
  const wss = createStream(t, wsUrl('/echo'), { signal: controller.signal });
  const { readable, writable } = await within(t, wss.opened, 'opened');
  controller.abort(new Error('too late to matter'));
  const connection = { reader: readable.getReader(), writer: writable.getWriter() };
  assert_equals(await echo(t, connection, 'after abort'), 'after abort', 'messages still flow');
  wss.close({ closeCode: 4000, reason: 'normal close' });
  await assertClosedCleanly(t, wss, 4000, 'normal close');
}, 'aborting the signal after the handshake has no effect');

promise_test(async (t) => {
  const controller = new AbortController();
  const wss = createStream(t, wsUrl('/echo'), { signal: controller.signal });
  await within(t, wss.opened, 'opened');
  controller.abort();
  assert_true(await stillPendingAfter(t, wss.closed, 200), 'closed is still pending after the abort');
}, 'aborting the signal after the handshake does not settle closed');
