// What every driver's runPage() returns, whatever the browser did:
//   { status: 'OK'|'ERROR'|'TIMEOUT'|'PRECONDITION_FAILED'|'CRASH', message: string|null,
//     subtests: [{ name, status, message }], crashed: boolean, timedOut: boolean, durationMs }
// `timedOut` means our own per-file bound ran out (the page hung); a TIMEOUT
// that testharness.js reported itself comes with timedOut false.
import { FILE_STATUSES, SUBTEST_STATUSES } from '../lib/expectations.mjs';

/** From the page's `globalThis.__wptResults` (see the server's testharnessreport.js). */
export function completedOutcome(results, durationMs) {
  const status = FILE_STATUSES.includes(results?.status?.status) ? results.status.status : 'ERROR';
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
    timedOut: false,
    durationMs,
  };
}

export function timedOutOutcome(timeoutMs, durationMs) {
  return {
    status: 'TIMEOUT',
    message: `no results after ${timeoutMs} ms (the harness's per-file bound)`,
    subtests: [],
    crashed: false,
    timedOut: true,
    durationMs,
  };
}

export function crashedOutcome(message, durationMs) {
  return { status: 'CRASH', message, subtests: [], crashed: true, timedOut: false, durationMs };
}

/** A promise that resolves (never rejects) after `ms`, and can be cancelled. */
export function deadline(ms) {
  let timer;
  const promise = new Promise((resolve) => {
    timer = setTimeout(resolve, ms);
  });
  return { promise, cancel: () => clearTimeout(timer) };
}

/** Bounds a cleanup step that must not hold the run up. Never rejects. */
export async function bounded(promise, ms) {
  const limit = deadline(ms);
  try {
    return await Promise.race([promise.then(() => true, () => false), limit.promise.then(() => false)]);
  } finally {
    limit.cancel();
  }
}
