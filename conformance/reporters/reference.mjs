// @ts-check
// What every reporter must agree on about the reference: whether one ran, and
// so whether "differences from native Chromium" mean anything at all. A run
// without one (--no-reference, or jsdom alone) is judged by its expectations
// only, and must not speak of differences from native.

/** @typedef {import('../lib/types.mjs').RunInfo} RunInfo */
/** @typedef {import('../lib/types.mjs').Report} Report */

/**
 * Whether the reference configuration ran (it was in the run and its browser started).
 * @param {RunInfo} run
 */
export function referenceRan(run) {
  return run.configurations.some((configuration) => configuration.isReference && !configuration.skipped);
}

/**
 * Whether a summary row's differences mean anything: a reference ran, and the
 * configuration is compared with it (not the reference itself, not jsdom).
 * Reports from before `comparedWithReference` existed compare all but the reference.
 * @param {RunInfo} run
 * @param {string} configurationId
 */
export function showsDifferences(run, configurationId) {
  const configuration = run.configurations.find(({ id }) => id === configurationId);
  const compared = configuration?.comparedWithReference ?? configurationId !== run.reference;
  return referenceRan(run) && compared;
}

/**
 * Why native Chromium departs, from the reference's own expectations: → reason(file, test), the
 * subtest's reason, else the one its expectations give the whole file, else null.
 * @param {Report} report
 * @returns {(file: string, test: string) => string|null}
 */
export function referenceReasons(report) {
  /** @type {Map<string, string>} */
  const reasons = new Map();
  for (const record of report.results) {
    if (record.configuration !== report.run.reference) continue;
    if (record.reason) reasons.set(`${record.file}\u0000*`, record.reason);
    for (const subtest of record.subtests) {
      if (subtest.reason) reasons.set(`${record.file}\u0000${subtest.name}`, subtest.reason);
    }
  }
  return (file, test) => reasons.get(`${file}\u0000${test}`) ?? reasons.get(`${file}\u0000*`) ?? null;
}
