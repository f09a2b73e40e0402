// WebSocketError (https://websockets.spec.whatwg.org/#the-websocketerror-interface): construction,
// defaults, validation (the same as close()'s), conversions.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { throwsDOMException, throwsTypeError } from '../assertions.mjs';

/** @param {import('../behaviour-suite.mjs').SuiteContext} context */
export function defineWebSocketErrorTests(context) {
  /**
   * `new WebSocketError(message, init)` with arguments of any type: these tests pass wrong ones on
   * purpose, to see how Web IDL converts them.
   * @param {unknown} message
   * @param {unknown} [init]
   */
  const construct = (message, init) =>
    new context.WebSocketError(/** @type {string} */ (message), /** @type {import('websocketstream-polyfill').WebSocketCloseInfo} */ (init));

  describe('WebSocketError', () => {
    test('defaults: message "", name "WebSocketError", closeCode null, reason ""; a DOMException and an Error', () => {
      const error = new context.WebSocketError();
      assert.equal(error.message, '');
      assert.equal(error.name, 'WebSocketError');
      assert.equal(error.closeCode, null);
      assert.equal(error.reason, '');
      assert.ok(error instanceof DOMException, 'instanceof DOMException');
      assert.ok(error instanceof Error, 'instanceof Error');
      assert.ok(error instanceof context.WebSocketError);
      assert.equal(error.code, 0, 'DOMException code of a name that has none');
    });

    test('message, closeCode and reason are as given; closeCode and reason are prototype getters, not own properties', () => {
      const error = new context.WebSocketError('the message', { closeCode: 4000, reason: 'the reason' });
      assert.equal(error.message, 'the message');
      assert.equal(error.closeCode, 4000);
      assert.equal(error.reason, 'the reason');
      assert.ok(!Object.hasOwn(error, 'closeCode') && !Object.hasOwn(error, 'reason'), 'no own closeCode or reason');
    });

    test('valid close codes: 1000 and 3000..4999; a reason without a code gives 1000', () => {
      for (const closeCode of [1000, 3000, 3999, 4000, 4999]) {
        assert.equal(new context.WebSocketError('', { closeCode }).closeCode, closeCode);
      }
      const reasonOnly = new context.WebSocketError('', { reason: 'why' });
      assert.equal(reasonOnly.closeCode, 1000);
      assert.equal(reasonOnly.reason, 'why');
      assert.equal(new context.WebSocketError('', { reason: '' }).closeCode, null, 'an empty reason implies no code');
    });

    test('another close code is an "InvalidAccessError" DOMException', () => {
      for (const closeCode of [0, 999, 1001, 1005, 1006, 1015, 2999, 5000, 65535]) {
        throwsDOMException(() => new context.WebSocketError('', { closeCode }), 'InvalidAccessError', `closeCode ${closeCode}`);
      }
    });

    test('a close code outside 0..65535 or not finite is a TypeError; a fraction is truncated', () => {
      for (const closeCode of [-1, 65536, NaN, Infinity, -Infinity, 'abc', Symbol('code')]) {
        throwsTypeError(() => construct('', { closeCode }), `closeCode ${String(closeCode)}`);
      }
      assert.equal(new context.WebSocketError('', { closeCode: 3000.7 }).closeCode, 3000);
      assert.equal(construct('', { closeCode: '4000' }).closeCode, 4000);
    });

    test('a reason longer than 123 UTF-8 bytes is a "SyntaxError" DOMException; 123 bytes are fine', () => {
      for (const reason of ['a'.repeat(124), '\u00e9'.repeat(62), '\u20ac'.repeat(42)]) {
        throwsDOMException(() => new context.WebSocketError('', { closeCode: 1000, reason }), 'SyntaxError', `reason of ${Buffer.byteLength(reason)} bytes`);
      }
      assert.equal(new context.WebSocketError('', { closeCode: 1000, reason: '\u20ac'.repeat(41) }).reason, '\u20ac'.repeat(41));
    });

    test('the code is validated before the reason, after both are converted', () => {
      throwsDOMException(() => new context.WebSocketError('', { closeCode: 999, reason: 'x'.repeat(200) }), 'InvalidAccessError', 'bad code, long reason');
      throwsTypeError(() => construct('', { closeCode: 999, reason: Symbol('r') }), 'bad code, unconvertible reason');
    });

    test('conversions: the message goes through ToString, the reason through USVString, init must be an object', () => {
      assert.equal(construct(42).message, '42');
      assert.equal(construct(null).message, 'null');
      assert.equal(new context.WebSocketError(undefined).message, '');
      throwsTypeError(() => construct(Symbol('m')), 'a Symbol message');
      assert.equal(new context.WebSocketError('', { reason: 'x\uD800' }).reason, 'x\uFFFD');
      for (const init of [true, 1, 'init']) {
        throwsTypeError(() => construct('', init), `init ${String(init)}`);
      }
      assert.equal(construct('', null).closeCode, null, 'null init is the empty dictionary');
    });
  });
}
