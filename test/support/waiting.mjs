// Bounded waits. Every promise a test awaits goes through one of these, so a polyfill bug that
// leaves a promise pending fails that one test with a message, instead of hanging the file.
import { setImmediate as nextMacrotask, setTimeout as sleep } from 'node:timers/promises';

/** The default bound of one awaited step: generous, the slowest legitimate step is a 2 s server delay. */
export const STEP_MS = 6000;

export class StillPending extends Error {
  name = 'StillPending';
}

/**
 * Settles like `promise`, or rejects with StillPending after `ms`.
 * @template T
 * @param {Promise<T>} promise
 * @param {string} what
 * @param {number} [ms]
 * @returns {Promise<T>}
 */
export function within(promise, what, ms = STEP_MS) {
  /** @type {ReturnType<typeof setTimeout>|undefined} */
  let timer;
  /** @type {Promise<never>} */
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new StillPending(`${what}: still pending after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * The rejection reason of `promise`; throws if it fulfils or stays pending.
 * @param {Promise<unknown>} promise
 * @param {string} what
 * @param {number} [ms]
 * @returns {Promise<unknown>}
 */
export async function rejectionOf(promise, what, ms = STEP_MS) {
  let value;
  try {
    value = await within(promise, what, ms);
  } catch (error) {
    if (error instanceof StillPending) throw error;
    return error;
  }
  throw new Error(`${what} should have rejected, but fulfilled with ${describe(value)}`);
}

/**
 * 'pending', 'fulfilled' or 'rejected' — after letting every already-queued microtask and one
 * macrotask run, so a promise that is about to settle has settled.
 * @param {Promise<unknown>} promise
 * @returns {Promise<'pending'|'fulfilled'|'rejected'>}
 */
export async function stateOf(promise) {
  /** @type {'pending'|'fulfilled'|'rejected'} */
  let state = 'pending';
  promise.then(() => { state = 'fulfilled'; }, () => { state = 'rejected'; });
  await nextMacrotask();
  return state;
}

/**
 * True when `promise` is still pending after `ms`. Only for behaviour that is itself about time:
 * a promise that must wait for a server that deliberately does not answer.
 * @param {Promise<unknown>} promise
 * @param {number} ms
 */
export async function stillPendingAfter(promise, ms) {
  let settled = false;
  promise.then(() => { settled = true; }, () => { settled = true; });
  await sleep(ms);
  return !settled;
}

/**
 * Polls `measure()` until its value has not changed for `quietMs`: for quantities with no event
 * when they stop changing (bytes read from a socket). Bounded by `boundMs`. → the steady value.
 * @template T
 * @param {() => T} measure
 * @param {{ quietMs?: number, pollMs?: number, boundMs?: number, what?: string }} [options]
 * @returns {Promise<T>}
 */
export async function steadyValue(measure, { quietMs = 300, pollMs = 25, boundMs = 10_000, what = 'value' } = {}) {
  const giveUpAt = Date.now() + boundMs;
  let value = measure();
  let since = Date.now();
  while (Date.now() - since < quietMs) {
    if (Date.now() > giveUpAt) throw new Error(`${what} still changing after ${boundMs} ms (now ${value})`);
    await sleep(pollMs);
    const next = measure();
    if (next !== value) {
      value = next;
      since = Date.now();
    }
  }
  return value;
}

/** @param {unknown} value */
export function describe(value) {
  if (typeof value === 'string') return JSON.stringify(value);
  if (value instanceof Uint8Array) return `Uint8Array(${value.byteLength})`;
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
