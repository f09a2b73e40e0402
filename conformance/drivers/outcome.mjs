// @ts-check
// What every driver's runPage() returns, whatever the browser did: a
// PageOutcome (lib/types.mjs). These builders are the only places outcomes are
// made, so every driver's outcomes have the same fields.
import { FILE_STATUSES, SUBTEST_STATUSES } from '../lib/expectations.mjs';

/** @typedef {import('../lib/types.mjs').PageOutcome} PageOutcome */
/** @typedef {import('../lib/types.mjs').CrashKind} CrashKind */

/**
 * From the page's `globalThis.__wptResults` (see the server's testharnessreport.js).
 * @param {any} results  what the page stored, as JSON; anything malformed becomes ERROR/FAIL
 * @param {number} durationMs
 * @returns {PageOutcome}
 */
export function completedOutcome(results, durationMs) {
  const status = FILE_STATUSES.includes(results?.status?.status) ? results.status.status : 'ERROR';
  /** @type {any[]} */
  const subtests = Array.isArray(results?.tests) ? results.tests : [];
  return {
    status,
    message: results?.status?.message ?? null,
    subtests: subtests.map((test) => ({
      name: String(test.name),
      status: SUBTEST_STATUSES.includes(test.status) ? test.status : 'FAIL',
      message: test.message ?? null,
    })),
    crashed: false,
    crashKind: null,
    timedOut: false,
    durationMs,
  };
}

/**
 * @param {number} timeoutMs
 * @param {number} durationMs
 * @returns {PageOutcome}
 */
export function timedOutOutcome(timeoutMs, durationMs) {
  return {
    status: 'TIMEOUT',
    message: `no results after ${timeoutMs} ms (the harness's per-file bound)`,
    subtests: [],
    crashed: false,
    crashKind: null,
    timedOut: true,
    durationMs,
  };
}

/**
 * @param {string} message
 * @param {number} durationMs
 * @param {CrashKind} crashKind
 * @returns {PageOutcome}
 */
export function crashedOutcome(message, durationMs, crashKind) {
  return { status: 'CRASH', message, subtests: [], crashed: true, crashKind, timedOut: false, durationMs };
}

/**
 * The driver itself failed in a way that says nothing about the page (a
 * Playwright call that failed while the page and browser live on).
 * @param {string} message
 * @param {number} durationMs
 * @returns {PageOutcome}
 */
export function driverErrorOutcome(message, durationMs) {
  return { status: 'ERROR', message: `driver error: ${message}`, subtests: [], crashed: false, crashKind: null, timedOut: false, durationMs };
}

/**
 * A promise that resolves (never rejects) after `ms`, and can be cancelled.
 * @param {number} ms
 * @returns {{ promise: Promise<void>, cancel: () => void }}
 */
export function deadline(ms) {
  /** @type {ReturnType<typeof setTimeout>|undefined} */
  let timer;
  /** @type {Promise<void>} */
  const promise = new Promise((resolve) => {
    timer = setTimeout(resolve, ms);
  });
  return { promise, cancel: () => clearTimeout(timer) };
}

/**
 * Bounds a cleanup step that must not hold the run up. Never rejects.
 * @param {Promise<unknown>} promise
 * @param {number} ms
 * @returns {Promise<boolean>} whether it finished in time without failing
 */
export async function bounded(promise, ms) {
  const limit = deadline(ms);
  try {
    return await Promise.race([promise.then(() => true, () => false), limit.promise.then(() => false)]);
  } finally {
    limit.cancel();
  }
}
