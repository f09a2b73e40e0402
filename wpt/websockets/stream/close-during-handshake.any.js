// META: global=window,worker
// META: script=../constants.sub.js
// META: script=resources/helpers.js
// META: variant=?default
// META: variant=?wss
// META: timeout=long
'use strict';

// /handshake_sleep_2 answers the handshake after 2 s, so close() right after the constructor is
// certainly during the handshake.

for (const [label, closeInfo] of [
  ['no argument', undefined],
  ['a code', { closeCode: 1000 }],
  ['a code and a reason', { closeCode: 4000, reason: 'ignored' }],
  ['a reason', { reason: 'ignored' }],
]) {
  promise_test(async (t) => {
    const wss = createStream(t, wsUrl('/handshake_sleep_2'), undefined, { closeOnCleanup: false });
    assert_equals(closeInfo === undefined ? wss.close() : wss.close(closeInfo), undefined);
    await assertRejectsWithWebSocketError(t, wss.opened, undefined, undefined, 'opened');
  }, `close() during the handshake rejects opened with a WebSocketError (${label})`);

  promise_test(async (t) => {
    const wss = createStream(t, wsUrl('/handshake_sleep_2'), undefined, { closeOnCleanup: false });
    closeInfo === undefined ? wss.close() : wss.close(closeInfo);
    // The code and reason given to close() are not used: the handshake is simply abandoned.
    await assertRejectsWithWebSocketError(t, wss.closed, 1006, '', 'closed');
  }, `close() during the handshake rejects closed with a WebSocketError (1006, "") (${label})`);
}

promise_test(async (t) => {
  const wss = createStream(t, wsUrl('/echo'), undefined, { closeOnCleanup: false });
  wss.close({ closeCode: 4000, reason: 'too early' });
  await assertRejectsWithWebSocketError(t, wss.opened, undefined, undefined, 'opened');
  await assertRejectsWithWebSocketError(t, wss.closed, 1006, '', 'closed');
}, 'close() in the same task as the constructor abandons even a fast handshake');

promise_test(async (t) => {
  const wss = createStream(t, wsUrl('/handshake_sleep_2'), undefined, { closeOnCleanup: false });
  wss.close();
  wss.close({ closeCode: 4000, reason: 'again' });
  const [openedError, closedError] = await Promise.all([
    rejectionOf(t, wss.opened, 'opened'),
    rejectionOf(t, wss.closed, 'closed'),
  ]);
  assertWebSocketError(openedError, undefined, undefined, 'opened rejection');
  assertWebSocketError(closedError, 1006, '', 'closed rejection');
  assert_equals(wss.close(), undefined, 'close() after the failure');
}, 'repeated close() during and after an abandoned handshake does nothing more');

for (const [label, closeInfo, check] of [
  ['an invalid code throws InvalidAccessError', { closeCode: 1001 },
   (f) => assert_throws_dom('InvalidAccessError', f)],
  ['an out-of-range code throws TypeError', { closeCode: 65536 },
   (f) => assert_throws_js(TypeError, f)],
  ['a reason over 123 bytes throws SyntaxError', { closeCode: 4000, reason: 'x'.repeat(124) },
   (f) => assert_throws_dom('SyntaxError', f)],
]) {
  promise_test(async (t) => {
    const wss = createStream(t, wsUrl('/echo'));
    check(() => wss.close(closeInfo));
    // The failed call did not abandon the handshake: it still completes.
    const info = await within(t, wss.opened, 'opened');
    assert_true(info.readable instanceof ReadableStream, 'opened resolved with streams');
    wss.close({ closeCode: 4001 });
    await assertClosedCleanly(t, wss, 4001, '');
  }, `close() during the handshake still validates its argument: ${label}`);
}
