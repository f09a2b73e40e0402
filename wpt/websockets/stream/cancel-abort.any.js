// META: global=window,worker
// META: script=../constants.sub.js
// META: script=resources/helpers.js
// META: variant=?default
// META: variant=?wss
// META: timeout=long
'use strict';

// "Close using reason": readable.cancel(reason) and writable.abort(reason). Only a WebSocketError
// carries a code and reason to the wire; the echo server sends them back, so `closed` shows
// what was sent (1005 and "" for a close frame with no body).

const ways = [
  ['readable.cancel', ({ readable }, reason) => readable.cancel(reason)],
  ['writable.abort', ({ writable }, reason) => writable.abort(reason)],
  ['reader.cancel', ({ readable }, reason) => readable.getReader().cancel(reason)],
  ['writer.abort', ({ writable }, reason) => writable.getWriter().abort(reason)],
];

function decoratedDOMException() {
  const exception = new DOMException('looks the part', 'WebSocketError');
  exception.closeCode = 4000;
  exception.reason = 'should not be sent';
  return exception;
}

const reasons = [
  ['a WebSocketError with code and reason', () => new WebSocketError('m', { closeCode: 4000, reason: 'sent' }),
   4000, 'sent'],
  ['a WebSocketError with code 1000', () => new WebSocketError('', { closeCode: 1000 }), 1000, ''],
  ['a WebSocketError with only a reason', () => new WebSocketError('', { reason: 'reason only' }), 1000, 'reason only'],
  ['a WebSocketError with a UTF-8 reason', () => new WebSocketError('', { closeCode: 4999, reason: '\u00e9\u20ac\u{1F600}' }),
   4999, '\u00e9\u20ac\u{1F600}'],
  ['a WebSocketError with neither', () => new WebSocketError('no code'), 1005, ''],
  ['a subclass of WebSocketError', () => new (class extends WebSocketError {})('', { closeCode: 3123, reason: 'sub' }),
   3123, 'sub'],
  ['no reason', () => undefined, 1005, ''],
  ['a string', () => 'a string reason', 1005, ''],
  ['an Error', () => new Error('plain'), 1005, ''],
  ['a plain object with closeCode and reason', () => ({ closeCode: 4000, reason: 'should not be sent' }), 1005, ''],
  ['a DOMException given closeCode and reason', decoratedDOMException, 1005, ''],
  ['an object inheriting from WebSocketError.prototype',
   () => Object.create(WebSocketError.prototype, {
     closeCode: { value: 4000 },
     reason: { value: 'should not be sent' },
   }),
   1005, ''],
];

for (const [way, closeUsing] of ways) {
  for (const [label, makeReason, closeCode, reason] of reasons) {
    promise_test(async (t) => {
      const opened = await openStream(t, '/echo');
      await within(t, closeUsing(opened, makeReason()), way);
      await assertClosedCleanly(t, opened.wss, closeCode, reason);
    }, `${way}(${label}) closes with ${closeCode === 1005 ? 'no code' : `code ${closeCode}`}${reason ? ' and its reason' : ''}`);
  }
}

promise_test(async (t) => {
  const opened = await openStream(t, '/echo');
  const error = new WebSocketError('', { closeCode: 4001, reason: 'internal' });
  // Shadowing the getters on the instance must not change what is sent: the values are the
  // error's own, set when it was constructed.
  Object.defineProperty(error, 'closeCode', { value: 4002 });
  Object.defineProperty(error, 'reason', { value: 'shadowed' });
  await within(t, opened.readable.cancel(error), 'cancel');
  await assertClosedCleanly(t, opened.wss, 4001, 'internal');
}, 'close using reason uses the WebSocketError\'s own values, not properties that shadow them');

promise_test(async (t) => {
  const { wss, readable, writable } = await openStream(t, '/echo');
  const writer = writable.getWriter();
  await within(t, readable.cancel(new WebSocketError('', { closeCode: 4100 })), 'cancel');
  await assertClosedCleanly(t, wss, 4100, '');
  await promise_rejects_dom(t, 'InvalidStateError', writer.closed, 'writer.closed');
  await promise_rejects_dom(t, 'InvalidStateError', writer.write('late'), 'a later write');
}, 'after readable.cancel() the connection closes cleanly and the writable errors with InvalidStateError');

promise_test(async (t) => {
  const { wss, readable, writable } = await openStream(t, '/echo');
  const reader = readable.getReader();
  await within(t, writable.abort(new WebSocketError('', { closeCode: 4101 })), 'abort');
  await assertClosedCleanly(t, wss, 4101, '');
  await assertReadDone(t, reader, 'read() after the abort');
}, 'after writable.abort() the connection closes cleanly and the readable ends');

promise_test(async (t) => {
  const { wss, readable, writable } = await openStream(t, '/echo');
  const reader = readable.getReader();
  const writer = writable.getWriter();
  await within(t, writer.write('echoed before the cancel'), 'write');
  // Wait for the echo, so the cancel surely comes after it arrived.
  assert_equals(await echo(t, { reader, writer }, 'second'), 'echoed before the cancel');
  await within(t, reader.cancel(new WebSocketError('', { closeCode: 4102 })), 'cancel');
  await promise_rejects_dom(t, 'InvalidStateError', writer.closed, 'writer.closed');
  await assertClosedCleanly(t, wss, 4102, '');
}, 'cancelling the readable with unread messages still closes with the given code');

promise_test(async (t) => {
  const { wss, readable, writable } = await openStream(t, '/echo');
  const writer = writable.getWriter();
  wss.close({ closeCode: 4200, reason: 'close() first' });
  await within(t, readable.cancel(new WebSocketError('', { closeCode: 4201, reason: 'cancel second' })), 'cancel');
  await within(t, writer.abort(new WebSocketError('', { closeCode: 4202 })), 'abort');
  await assertClosedCleanly(t, wss, 4200, 'close() first');
}, 'cancel and abort after close() do not change the close frame already sent');

promise_test(async (t) => {
  const { wss, readable, writable } = await openStream(t, '/echo');
  await within(t, readable.cancel(new WebSocketError('', { closeCode: 4300, reason: 'cancel first' })), 'cancel');
  await within(t, writable.abort(new WebSocketError('', { closeCode: 4301, reason: 'abort second' })), 'abort');
  wss.close({ closeCode: 4302 });
  await assertClosedCleanly(t, wss, 4300, 'cancel first');
}, 'only the first of cancel, abort and close() decides the close frame');
