// @ts-check
// From what the scheduler ran to the records the verdict judges: one record
// per file × configuration × scope × variant, in one order whatever order the
// pages finished in (so a run with one session and a run with several give
// the same list).

/** @typedef {import('./types.mjs').Configuration} Configuration */
/** @typedef {import('./types.mjs').PageRecord} PageRecord */
/** @typedef {import('./types.mjs').PageRun} PageRun */

/**
 * @param {PageRun} run
 * @returns {PageRecord}
 */
export function recordOf({ job, outcome, firstAttempt }) {
  const { configuration, page } = job;
  const { pathname, search } = new URL(job.url);
  /** @type {PageRecord} */
  const record = {
    file: job.file,
    configuration: configuration.id,
    browser: configuration.browser,
    engine: configuration.engine,
    mode: configuration.mode,
    expectations: configuration.expectations,
    scope: page.scope,
    variant: page.variant,
    url: pathname + search,
    status: outcome.status,
    message: outcome.message,
    timedOut: outcome.timedOut,
    crashed: outcome.crashed,
    crashKind: outcome.crashKind,
    durationMs: outcome.durationMs,
    subtests: outcome.subtests,
  };
  if (firstAttempt) {
    record.firstAttempt = { status: firstAttempt.status, message: firstAttempt.message, durationMs: firstAttempt.durationMs, crashKind: firstAttempt.crashKind };
  }
  return record;
}

/**
 * By file, then configuration in the run's order, then scope and variant.
 * @param {PageRecord[]} records
 * @param {Configuration[]} configurations
 */
export function sortRecords(records, configurations) {
  const order = new Map(configurations.map((configuration, index) => [configuration.id, index]));
  const position = (/** @type {PageRecord} */ record) => order.get(record.configuration) ?? 0;
  return [...records].sort((a, b) => a.file.localeCompare(b.file) || position(a) - position(b)
    || a.scope.localeCompare(b.scope) || a.variant.localeCompare(b.variant));
}

/**
 * A judged record (a report's `results[]`) back to the raw record it was made
 * from, so that shards can be judged again as one run (merge.mjs): the
 * verdict's fields go, and so do the subtests it added (MISSING: present in
 * the reference, absent here), which judging the merged run adds again.
 * @param {import('./types.mjs').JudgedRecord} judged
 * @returns {PageRecord}
 */
export function rawRecordOf(judged) {
  const { expected, unexpected, reason, reference, subtests, ...record } = judged;
  return {
    ...record,
    crashKind: record.crashKind ?? null,
    subtests: subtests.filter((subtest) => subtest.status !== 'MISSING')
      .map(({ name, status, message }) => ({ name, status: /** @type {import('./types.mjs').SubtestStatus} */ (status), message })),
  };
}
