// close(closeInfo) (https://websockets.spec.whatwg.org/#dom-websocketstream-close) and closing with
// a reason given to readable.cancel() or writable.abort(): validation and its error types, what the
// server sees for each code and reason, close during the handshake, and every kind of reason.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { assertWebSocketError, throwsDOMException, throwsTypeError } from '../assertions.mjs';
import { rejectionOf, within } from '../waiting.mjs';
import { openRecorded } from './writing.mjs';

const EURO = '\u20ac'; // 3 bytes in UTF-8
const E_ACUTE = '\u00e9'; // 2 bytes in UTF-8

/** @typedef {import('../behaviour-suite.mjs').Stream} Stream */
/** @typedef {import('websocketstream-polyfill').WebSocketCloseInfo} WebSocketCloseInfo */
/** @typedef {import('../behaviour-suite.mjs').PolyfillEntry['WebSocketError']} WebSocketErrorClass */

/**
 * stream.close(closeInfo) with a closeInfo of any type: these tests pass wrong ones on purpose, to
 * see how Web IDL converts them.
 * @param {Stream} stream
 * @param {unknown} [closeInfo]
 */
function closeWith(stream, closeInfo) {
  stream.close(/** @type {WebSocketCloseInfo} */ (closeInfo));
}

/** @param {import('../behaviour-suite.mjs').SuiteContext} context */
export function defineCloseTests(context) {
  /**
   * Closes with `closeInfo` and returns what the server saw and what closed resolved with.
   * @param {unknown} closeInfo
   */
  async function closeAndObserve(closeInfo) {
    const { stream, record } = await openRecorded(context);
    closeWith(stream, closeInfo);
    const seen = await within(record.closeSeen, 'close at the server');
    // The server answers with the code and reason it received.
    const closed = await within(stream.closed, 'closed');
    return { seen, closed };
  }

  describe('close(closeInfo)', () => {
    for (const [label, closeInfo, code, reason] of [
      ['no argument', undefined, 1005, ''],
      ['an empty dictionary', {}, 1005, ''],
      ['null', null, 1005, ''],
      ['code 1000', { closeCode: 1000 }, 1000, ''],
      ['code 3000', { closeCode: 3000 }, 3000, ''],
      ['code 4999 and a reason', { closeCode: 4999, reason: 'the reason' }, 4999, 'the reason'],
      ['a reason without a code', { reason: 'just a reason' }, 1000, 'just a reason'],
      ['a UTF-8 reason', { closeCode: 4000, reason: `caf${E_ACUTE} ${EURO} \u{1F600}` }, 4000, `caf${E_ACUTE} ${EURO} \u{1F600}`],
      ['a reason of exactly 123 UTF-8 bytes', { closeCode: 4000, reason: EURO.repeat(41) }, 4000, EURO.repeat(41)],
      ['a reason with a lone surrogate (USVString)', { closeCode: 4000, reason: 'a\uDC00b' }, 4000, 'a\uFFFDb'],
      ['a fractional code (EnforceRange truncates)', { closeCode: 3000.9 }, 3000, ''],
      ['a code given as a string', { closeCode: '4001' }, 4001, ''],
    ]) {
      test(`close() with ${label}: the server sees ${code} ${JSON.stringify(reason)}`, async () => {
        const { seen, closed } = await closeAndObserve(closeInfo);
        assert.deepEqual(seen, { code, reason }, 'what the server received');
        assert.deepEqual(closed, { closeCode: code, reason }, 'closed resolves with what the server answered');
      });
    }

    test('a closeCode other than 1000 or 3000..4999 is an "InvalidAccessError" DOMException', async () => {
      const { stream } = await context.openEcho();
      for (const closeCode of [0, 999, 1001, 1002, 1005, 1006, 1011, 1015, 2999, 5000, 65535, 2999.99]) {
        throwsDOMException(() => stream.close({ closeCode }), 'InvalidAccessError', `closeCode ${closeCode}`);
      }
    });

    test('a closeCode outside 0..65535, or not finite, is a TypeError ([EnforceRange] unsigned short)', async () => {
      const { stream } = await context.openEcho();
      for (const closeCode of [-1, 65536, 100000, NaN, Infinity, -Infinity, 'abc', {}, Symbol('code'), 1000n]) {
        throwsTypeError(() => closeWith(stream, { closeCode }), `closeCode ${String(closeCode)}`);
      }
    });

    test('a reason longer than 123 UTF-8 bytes is a "SyntaxError" DOMException', async () => {
      const { stream } = await context.openEcho();
      for (const reason of ['a'.repeat(124), E_ACUTE.repeat(62), EURO.repeat(42), `${EURO.repeat(40)}\u{1F600}`]) {
        throwsDOMException(() => stream.close({ closeCode: 1000, reason }), 'SyntaxError', `reason of ${Buffer.byteLength(reason)} bytes`);
        throwsDOMException(() => stream.close({ reason }), 'SyntaxError', `reason of ${Buffer.byteLength(reason)} bytes without a code`);
      }
    });

    test('closeInfo that is not an object is a TypeError', async () => {
      const { stream } = await context.openEcho();
      for (const closeInfo of [true, 1000, 'reason', Symbol('info')]) {
        throwsTypeError(() => closeWith(stream, closeInfo), `close(${String(closeInfo)})`);
      }
    });

    test('conversion comes before validation, and the code is validated before the reason', async () => {
      const { stream } = await context.openEcho();
      throwsTypeError(() => closeWith(stream, { closeCode: 999, reason: Symbol('reason') }), 'a bad code with an unconvertible reason');
      throwsTypeError(() => stream.close({ closeCode: NaN, reason: 'x'.repeat(200) }), 'a non-finite code with a long reason');
      throwsDOMException(() => stream.close({ closeCode: 999, reason: 'x'.repeat(200) }), 'InvalidAccessError', 'a bad code with a long reason');
    });

    test('a close() that throws leaves the connection open', async () => {
      const { stream, reader, writer } = await context.openEcho();
      throwsDOMException(() => stream.close({ closeCode: 1001 }), 'InvalidAccessError', 'closeCode 1001');
      throwsDOMException(() => stream.close({ reason: 'x'.repeat(124) }), 'SyntaxError', 'long reason');
      await within(writer.write('still open'), 'write');
      assert.deepEqual(await within(reader.read(), 'read'), { value: 'still open', done: false });
    });

    test('calling close() again has no effect: the first code and reason are the ones sent', async () => {
      const { stream, record } = await openRecorded(context);
      stream.close({ closeCode: 4000, reason: 'first' });
      stream.close({ closeCode: 4001, reason: 'second' });
      stream.close();
      assert.deepEqual(await within(record.closeSeen, 'close at the server'), { code: 4000, reason: 'first' });
      assert.deepEqual(await within(stream.closed, 'closed'), { closeCode: 4000, reason: 'first' });
      assert.doesNotThrow(() => stream.close({ closeCode: 4002 }), 'close() after the close');
    });

    test('close() during the handshake abandons it: code and reason ignored, opened and closed reject with WebSocketErrors', async () => {
      const started = Date.now();
      const stream = context.create(context.wptUrl('/handshake_sleep_2'));
      stream.close({ closeCode: 4000, reason: 'ignored' });
      const openedError = await rejectionOf(stream.opened, 'opened');
      const closedError = await rejectionOf(stream.closed, 'closed');
      assertWebSocketError(context.WebSocketError, openedError, {}, 'opened');
      assertWebSocketError(context.WebSocketError, closedError, { closeCode: 1006, reason: '' }, 'closed');
      assert.ok(Date.now() - started < 1500, `settled after ${Date.now() - started} ms, without waiting for the server's answer at 2 s`);
    });
  });

  describe('Close using reason (readable.cancel, writable.abort)', () => {
    /** @type {[label: string, how: 'cancel'|'abort', makeReason: (E: WebSocketErrorClass) => unknown, code: number, reason: string][]} */
    const cases = [
      ['readable.cancel() with a WebSocketError', 'cancel', (E) => new E('cancelled', { closeCode: 4001, reason: 'by cancel' }), 4001, 'by cancel'],
      ['writable.abort() with a WebSocketError', 'abort', (E) => new E('aborted', { closeCode: 4002, reason: 'by abort' }), 4002, 'by abort'],
      ['readable.cancel() with a WebSocketError that has only a reason', 'cancel', (E) => new E('', { reason: 'reason only' }), 1000, 'reason only'],
      ['writable.abort() with a WebSocketError without code or reason', 'abort', (E) => new E('plain'), 1005, ''],
      ['readable.cancel() with a plain object with closeCode and reason', 'cancel', () => ({ closeCode: 4003, reason: 'plain object' }), 1005, ''],
      ['writable.abort() with a DOMException given closeCode and reason fields', 'abort', () => Object.assign(new DOMException('dom', 'WebSocketError'), { closeCode: 4004, reason: 'fields' }), 1005, ''],
      ['readable.cancel() with a string', 'cancel', () => 'a string reason', 1005, ''],
      ['writable.abort() with no reason', 'abort', () => undefined, 1005, ''],
    ];
    for (const [label, how, makeReason, code, reason] of cases) {
      test(`${label}: the server sees ${code} ${JSON.stringify(reason)}`, async () => {
        const { stream, readable, writer, record } = await openRecorded(context);
        const cancelReason = makeReason(context.WebSocketError);
        if (how === 'cancel') await within(readable.cancel(cancelReason), 'readable.cancel()');
        else await within(writer.abort(cancelReason), 'writer.abort()');
        assert.deepEqual(await within(record.closeSeen, 'close at the server'), { code, reason });
        assert.deepEqual(await within(stream.closed, 'closed'), { closeCode: code, reason });
      });
    }

    test('a WebSocketError whose code may not be sent (1006 from a failed connection) closes without a code', async () => {
      const failed = context.create(context.wptUrl('/no-such-endpoint'));
      const received = await rejectionOf(failed.closed, 'closed of a failed connection');
      assertWebSocketError(context.WebSocketError, received, { closeCode: 1006 }, 'the failed connection\'s error');
      const { stream, readable, record } = await openRecorded(context);
      await within(readable.cancel(received), 'readable.cancel()');
      assert.deepEqual(await within(record.closeSeen, 'close at the server'), { code: 1005, reason: '' });
      assert.deepEqual(await within(stream.closed, 'closed'), { closeCode: 1005, reason: '' });
    });
  });
}
