// Assertions on the exact kind of error the standard names: a TypeError (the realm's own, not a
// subclass), a DOMException with a given name, a WebSocketError with a given code and reason.
import assert from 'node:assert/strict';

/** @typedef {{ closeCode: number|null, reason: string }} CloseInfo  what a WebSocketError carries */

/**
 * @param {unknown} error
 * @param {string} what
 */
export function assertTypeError(error, what) {
  assert.ok(error instanceof TypeError, `${what}: expected a TypeError, got ${describeError(error)}`);
  assert.equal(Object.getPrototypeOf(error), TypeError.prototype, `${what}: expected exactly a TypeError, got ${describeError(error)}`);
}

/**
 * @param {unknown} error
 * @param {string} name
 * @param {string} what
 */
export function assertDOMException(error, name, what) {
  assert.ok(error instanceof DOMException, `${what}: expected a "${name}" DOMException, got ${describeError(error)}`);
  assert.equal(error.name, name, `${what}: expected a "${name}" DOMException, got ${describeError(error)}`);
}

/**
 * A WebSocketError from the polyfill under test, with this code and reason (undefined: not checked).
 * @template {DOMException & CloseInfo} E
 * @param {abstract new (...args: never[]) => E} WebSocketError  the class under test
 * @param {unknown} error
 * @param {{ closeCode?: number|null, reason?: string }} [expected]
 * @param {string} [what]
 * @returns {asserts error is E}
 */
export function assertWebSocketError(WebSocketError, error, { closeCode, reason } = {}, what = 'error') {
  assert.ok(error instanceof WebSocketError, `${what}: expected a WebSocketError, got ${describeError(error)}`);
  assert.ok(error instanceof DOMException, `${what}: a WebSocketError is a DOMException`);
  assert.equal(error.name, 'WebSocketError', `${what}: name`);
  if (closeCode !== undefined) assert.equal(error.closeCode, closeCode, `${what}: closeCode`);
  if (reason !== undefined) assert.equal(error.reason, reason, `${what}: reason`);
}

/**
 * Calls `fn`, expects it to throw, and returns what it threw.
 * @param {() => unknown} fn
 * @param {string} what
 * @returns {unknown}
 */
export function thrownBy(fn, what) {
  try {
    fn();
  } catch (error) {
    return error;
  }
  assert.fail(`${what}: expected an exception, but nothing was thrown`);
}

/**
 * @param {() => unknown} fn
 * @param {string} what
 */
export function throwsTypeError(fn, what) {
  assertTypeError(thrownBy(fn, what), what);
}

/**
 * @param {() => unknown} fn
 * @param {string} name
 * @param {string} what
 */
export function throwsDOMException(fn, name, what) {
  assertDOMException(thrownBy(fn, what), name, what);
}

/** @param {unknown} error */
export function describeError(error) {
  if (error instanceof Error || error instanceof DOMException) {
    return `${error.constructor?.name ?? 'an error'} (name ${JSON.stringify(error.name)}: ${error.message})`;
  }
  return `a non-error value ${String(error)}`;
}

/** @param {unknown} chunk */
export function bytesOf(chunk) {
  assert.ok(chunk instanceof Uint8Array, `expected a Uint8Array chunk, got ${typeof chunk === 'string' ? `the string ${JSON.stringify(chunk)}` : Object.prototype.toString.call(chunk)}`);
  return [...chunk];
}
