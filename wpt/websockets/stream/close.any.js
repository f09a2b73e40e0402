// META: global=window,worker
// META: script=../constants.sub.js
// META: script=resources/helpers.js
// META: variant=?default
// META: variant=?wss
// META: timeout=long
'use strict';

// The echo server answers a close frame with the same code and reason, so what `closed` reports
// after close() is what close() put on the wire (1005 and "" standing for "no body").

async function closeAndExpect(t, closeInfo, closeCode, reason) {
  const { wss } = await openStream(t, '/echo');
  const result = closeInfo === undefined ? wss.close() : wss.close(closeInfo);
  assert_equals(result, undefined, 'close() returns undefined');
  await assertClosedCleanly(t, wss, closeCode, reason);
}

promise_test(async (t) => {
  await closeAndExpect(t, undefined, 1005, '');
}, 'close() with no argument sends a close frame with no body');

promise_test(async (t) => {
  await closeAndExpect(t, {}, 1005, '');
}, 'close({}) sends a close frame with no body');

promise_test(async (t) => {
  await closeAndExpect(t, null, 1005, '');
}, 'close(null) sends a close frame with no body');

promise_test(async (t) => {
  await closeAndExpect(t, { closeCode: undefined, reason: undefined }, 1005, '');
}, 'close() with undefined members sends a close frame with no body');

promise_test(async (t) => {
  await closeAndExpect(t, { reason: '' }, 1005, '');
}, 'close() with an empty reason and no code sends a close frame with no body');

for (const code of [1000, 3000, 3999, 4000, 4999]) {
  promise_test(async (t) => {
    await closeAndExpect(t, { closeCode: code }, code, '');
  }, `close() sends closeCode ${code}`);
}

promise_test(async (t) => {
  await closeAndExpect(t, { closeCode: 4001, reason: 'a reason' }, 4001, 'a reason');
}, 'close() sends closeCode and reason');

promise_test(async (t) => {
  await closeAndExpect(t, { reason: 'reason only' }, 1000, 'reason only');
}, 'close() with a reason and no code sends code 1000');

promise_test(async (t) => {
  await closeAndExpect(t, { closeCode: '4002', reason: 4003 }, 4002, '4003');
}, 'close() converts closeCode and reason (a string code, a number reason)');

promise_test(async (t) => {
  await closeAndExpect(t, { closeCode: 1000.9 }, 1000, '');
}, 'close() truncates a fractional closeCode (EnforceRange): 1000.9 sends 1000');

promise_test(async (t) => {
  await closeAndExpect(t, { closeCode: 3000.5 }, 3000, '');
}, 'close() truncates a fractional closeCode (EnforceRange): 3000.5 sends 3000');

for (const reason of ['caf\u00e9', '\u20ac \u{1F600} \u4e2d\u6587', 'x'.repeat(123),
                      '\u00e9'.repeat(61) + 'x', '\u{1F600}'.repeat(30) + 'abc']) {
  promise_test(async (t) => {
    assert_less_than_equal(utf8Length(reason), 123, 'the reason fits');
    await closeAndExpect(t, { closeCode: 4010, reason }, 4010, reason);
  }, `close() sends a UTF-8 reason of ${utf8Length(reason)} bytes intact: ${reason.length > 20 ? `${reason.length} code units` : JSON.stringify(reason)}`);
}

promise_test(async (t) => {
  await closeAndExpect(t, { closeCode: 4011, reason: 'lone \uD800 and \uDC00' }, 4011, 'lone \uFFFD and \uFFFD');
}, 'close() converts the reason to USVString: lone surrogates become U+FFFD');

promise_test(async (t) => {
  // 41 lone surrogates become 41 U+FFFD: 123 bytes, the limit.
  const reason = '\uD800'.repeat(41);
  await closeAndExpect(t, { closeCode: 4012, reason }, 4012, '\uFFFD'.repeat(41));
}, 'close() measures the reason after USVString conversion: 41 lone surrogates fit');

for (const code of [0, 1, 999, 1001, 1002, 1003, 1004, 1005, 1006, 1007, 1011, 1015, 1016, 2000, 2999, 5000, 65535, -0, null, false]) {
  promise_test(async (t) => {
    const { wss } = await openStream(t, '/echo');
    assert_throws_dom('InvalidAccessError', () => wss.close({ closeCode: code }));
  }, `close() throws InvalidAccessError for closeCode ${Object.is(code, -0) ? '-0' : String(code)}`);
}

for (const code of [-1, 65536, 70000, NaN, Infinity, -Infinity, 'not a number', 2 ** 53]) {
  promise_test(async (t) => {
    const { wss } = await openStream(t, '/echo');
    assert_throws_js(TypeError, () => wss.close({ closeCode: code }));
  }, `close() throws TypeError for closeCode ${String(code)} (EnforceRange)`);
}

for (const [label, reason] of [
  ['124 ASCII characters', 'x'.repeat(124)],
  ['62 two-byte characters', '\u00e9'.repeat(62)],
  ['31 four-byte characters', '\u{1F600}'.repeat(31)],
  ['42 lone surrogates (3 bytes each once converted)', '\uD800'.repeat(42)],
]) {
  promise_test(async (t) => {
    const { wss } = await openStream(t, '/echo');
    assert_throws_dom('SyntaxError', () => wss.close({ closeCode: 4000, reason }));
    assert_throws_dom('SyntaxError', () => wss.close({ reason }), 'without a code');
  }, `close() throws SyntaxError for a reason over 123 UTF-8 bytes: ${label}`);
}

promise_test(async (t) => {
  const { wss } = await openStream(t, '/echo');
  assert_throws_dom('InvalidAccessError', () => wss.close({ closeCode: 999, reason: 'x'.repeat(200) }));
}, 'close() checks the code before the reason');

for (const closeInfo of [true, 1, 'info']) {
  promise_test(async (t) => {
    const { wss } = await openStream(t, '/echo');
    assert_throws_js(TypeError, () => wss.close(closeInfo));
  }, `close() throws TypeError for a closeInfo that is not an object: ${typeof closeInfo}`);
}

promise_test(async (t) => {
  const connection = await openReaderWriter(t, '/echo');
  assert_throws_dom('InvalidAccessError', () => connection.wss.close({ closeCode: 1001 }));
  assert_throws_dom('SyntaxError', () => connection.wss.close({ reason: 'x'.repeat(124) }));
  assert_throws_js(TypeError, () => connection.wss.close(true));
  assert_equals(await echo(t, connection, 'still here'), 'still here', 'messages still flow');
  connection.wss.close({ closeCode: 4020, reason: 'the real close' });
  await assertClosedCleanly(t, connection.wss, 4020, 'the real close');
}, 'a close() that throws does not close the connection');

promise_test(async (t) => {
  const { wss } = await openStream(t, '/echo');
  wss.close({ closeCode: 4030, reason: 'first' });
  assert_equals(wss.close({ closeCode: 4031, reason: 'second' }), undefined, 'no exception');
  wss.close();
  await assertClosedCleanly(t, wss, 4030, 'first');
}, 'only the first close() counts; later calls do nothing');

promise_test(async (t) => {
  const { wss } = await openStream(t, '/echo');
  wss.close({ closeCode: 4032 });
  await assertClosedCleanly(t, wss, 4032, '');
  assert_equals(wss.close({ closeCode: 4033, reason: 'late' }), undefined);
  assert_throws_dom('InvalidAccessError', () => wss.close({ closeCode: 1 }), 'arguments are still checked');
  await assertClosedCleanly(t, wss, 4032, '', 'closed, read again');
}, 'close() after the connection closed does nothing (but still validates its argument)');

promise_test(async (t) => {
  const { wss, reader } = await openReaderWriter(t, '/echo');
  const pendingRead = reader.read();
  wss.close();
  const { done } = await within(t, pendingRead, 'pending read');
  assert_true(done, 'the pending read ends with done');
  await assertReadDone(t, reader, 'a later read');
  await within(t, reader.closed, 'reader.closed');
}, 'after a clean close the readable is closed; a pending read gives done');

promise_test(async (t) => {
  const { wss, writer } = await openReaderWriter(t, '/echo');
  wss.close({ closeCode: 4040 });
  await assertClosedCleanly(t, wss, 4040, '');
  await promise_rejects_dom(t, 'InvalidStateError', writer.closed, 'writer.closed');
  await promise_rejects_dom(t, 'InvalidStateError', writer.write('too late'), 'a later write');
}, 'after a clean close the writable is errored with InvalidStateError');

promise_test(async (t) => {
  const { wss, readable, writable } = await openStream(t, '/echo');
  wss.close();
  await assertClosedCleanly(t, wss, 1005, '');
  assert_false(readable.locked, 'readable');
  assert_false(writable.locked, 'writable');
  await assertReadDone(t, readable.getReader(), 'a reader taken after the close');
  await promise_rejects_dom(t, 'InvalidStateError', writable.getWriter().closed, 'a writer taken after the close');
}, 'streams taken after a clean close report the same end state');

promise_test(async (t) => {
  const { wss, writer } = await openReaderWriter(t, '/echo');
  const result = writer.close();
  await within(t, result, 'writer.close()');
  await assertClosedCleanly(t, wss, 1005, '');
}, 'closing the writable sends a close frame with no body');

promise_test(async (t) => {
  const { wss, writer } = await openReaderWriter(t, '/echo_exit');
  // /echo_exit closes with 1000 when it receives "Goodbye". It only sees "Goodbye" if the
  // queued writes go out before the writable's close frame; otherwise it answers that close
  // frame, which has no body (1005).
  const writes = [writer.write('queued'), writer.write('Goodbye')];
  const closing = writer.close();
  await within(t, Promise.all([...writes, closing]), 'writes and writer.close()');
  await assertClosedCleanly(t, wss, 1000, '');
}, 'closing the writable sends the queued writes first');

promise_test(async (t) => {
  const { wss, writer } = await openReaderWriter(t, '/delayed-passive-close');
  const start = performance.now();
  const closing = writer.close();
  // Both wait for the server's answer to the close frame, which it delays by one second.
  const info = await within(t, closing.then(() => wss.closed), 'writer.close() then closed');
  const elapsed = performance.now() - start;
  assert_greater_than_equal(elapsed, 800, 'writer.close() waited for the closing handshake');
  assert_equals(info.closeCode, 1005, 'closeCode');
}, 'writer.close() resolves only once the closing handshake completes');

promise_test(async (t) => {
  const { wss, writer } = await openReaderWriter(t, '/delayed-passive-close');
  const start = performance.now();
  const closing = writer.close();
  ignoreRejection(closing);
  assert_true(await stillPendingAfter(t, closing, 500), 'writer.close() is still pending after 0.5 s');
  await within(t, closing, 'writer.close()');
  assert_greater_than_equal(performance.now() - start, 800, 'elapsed');
  await assertClosedCleanly(t, wss, 1005, '');
}, 'writer.close() is still pending while the server delays its close frame');

promise_test(async (t) => {
  const { wss } = await openStream(t, '/delayed-passive-close');
  const start = performance.now();
  wss.close({ closeCode: 4050, reason: 'slow' });
  await assertClosedCleanly(t, wss, 4050, 'slow');
  assert_greater_than_equal(performance.now() - start, 800, 'closed waited for the server\'s close frame');
}, 'closed resolves only once the closing handshake completes');

// The server drops the TCP connection instead of answering the close frame: not a clean close.
promise_test(async (t) => {
  const { wss } = await openStream(t, '/passive-close-abort');
  wss.close({ closeCode: 4060, reason: 'unanswered' });
  await assertRejectsWithWebSocketError(t, wss.closed, 1006, '', 'closed');
}, 'close() with an incomplete closing handshake rejects closed with a WebSocketError (1006)');

promise_test(async (t) => {
  const { wss, reader, writer } = await openReaderWriter(t, '/passive-close-abort');
  wss.close();
  const error = await assertRejectsWithWebSocketError(t, wss.closed, 1006, '', 'closed');
  await promise_rejects_exactly(t, error, reader.closed, 'reader.closed');
  await promise_rejects_exactly(t, error, writer.closed, 'writer.closed');
  await promise_rejects_exactly(t, error, reader.read(), 'a later read');
  await promise_rejects_exactly(t, error, writer.write('x'), 'a later write');
}, 'an incomplete closing handshake errors readable, writable and closed with one WebSocketError');
