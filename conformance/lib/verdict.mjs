// @ts-check
// Judging a run: each result against its expectations, and each result of a
// configuration compared with native Chromium against it (parity). The input
// is the list of raw page records the drivers produced; the output is the same
// records annotated, a summary per configuration × scope × variant, and the
// list of everything unexpected, which decides the exit code.
import { findExpectation, isExpectedStatus } from './expectations.mjs';
import { REFERENCE_ID, comparedScope } from './matrix.mjs';

/** @typedef {import('./types.mjs').ExpectationEntry} ExpectationEntry */
/** @typedef {import('./types.mjs').ExpectationsByName} ExpectationsByName */
/** @typedef {import('./types.mjs').JudgedRecord} JudgedRecord */
/** @typedef {import('./types.mjs').JudgedSubtest} JudgedSubtest */
/** @typedef {import('./types.mjs').PageRecord} PageRecord */
/** @typedef {import('./types.mjs').Parity} Parity */
/** @typedef {import('./types.mjs').SummaryRow} SummaryRow */
/** @typedef {import('./types.mjs').UnexpectedItem} UnexpectedItem */
/** @typedef {import('./types.mjs').UnusedExpectation} UnusedExpectation */
/** @typedef {import('./types.mjs').Verdict} Verdict */
/** @typedef {{ id: string, comparedWithReference: boolean, skip: import('./types.mjs').Skip|null }} JudgedConfiguration */

/**
 * Parity classes, from the point of view of a non-reference configuration:
 * - same:               same status as native Chromium;
 * - native-departs:     native Chromium does not pass, this configuration does
 *                       (native departs from the standard the tests check);
 * - differs:            native Chromium passes, this configuration does not;
 * - differs-non-pass:   neither passes, with different statuses;
 * - no-reference:       native Chromium produced no result for this subtest
 *                       (it crashed, hung, or the subtest did not exist there);
 * - missing:            native Chromium has the subtest, this configuration
 *                       finished the file without it.
 * A runtime's `shell` page is compared with native Chromium's worker page of
 * the same file and variant (comparedScope in matrix.mjs): neither has a document.
 * Parity is null on the reference itself and on configurations never compared
 * with it (jsdom, which is no browser and has no native counterpart).
 */
export const PARITY_CLASSES = ['same', 'native-departs', 'differs', 'differs-non-pass', 'no-reference', 'missing'];

/** @param {{ file: string, scope: string, variant: string }} record */
function key(record) {
  return `${record.file}\u0000${record.scope}\u0000${record.variant}`;
}

/** @param {PageRecord} record */
function completed(record) {
  return record.status !== 'CRASH' && !record.timedOut;
}

/**
 * @param {string} status
 * @param {string|undefined} referenceStatus
 * @returns {Parity}
 */
function classify(status, referenceStatus) {
  if (referenceStatus === undefined) return 'no-reference';
  if (status === referenceStatus) return 'same';
  if (referenceStatus !== 'PASS' && status === 'PASS') return 'native-departs';
  if (referenceStatus === 'PASS') return 'differs';
  return 'differs-non-pass';
}

/**
 * Finds the entry that applies to a result, and remembers that it was used
 * (per expectations set, so an inherited entry can be stale for one set only).
 */
class ExpectationLookup {
  /** @param {ExpectationsByName} expectationsByName */
  constructor(expectationsByName) {
    this.expectationsByName = expectationsByName;
    /** @type {Set<string>} */
    this.used = new Set();
  }

  /**
   * @param {PageRecord} record
   * @param {string|undefined} test  undefined: the file itself
   * @returns {ExpectationEntry|null}
   */
  find(record, test) {
    const entries = this.expectationsByName[record.expectations] ?? [];
    const entry = findExpectation(entries, { file: record.file, test, scope: record.scope, variant: record.variant, mode: record.mode });
    if (entry) this.used.add(usageKey(record.expectations, entry));
    return entry;
  }
}

/**
 * The verdict on a whole run, whether it ran at once or in shards merged
 * after (merge.mjs): every record judged, and every configuration that could
 * not run for want of a browser failing the run, loudly. One without a native
 * WebSocketStream does not: it has nothing native to test.
 * @param {PageRecord[]} records
 * @param {ExpectationsByName} expectationsByName
 * @param {JudgedConfiguration[]} configurations  with what became of them
 * @returns {Verdict}
 */
export function judgeRun(records, expectationsByName, configurations) {
  const notCompared = configurations.filter((configuration) => !configuration.comparedWithReference).map(({ id }) => id);
  const verdict = judge(records, expectationsByName, { notCompared });
  verdict.unexpected.push(...unavailableBrowsers(configurations));
  return verdict;
}

/**
 * @param {JudgedConfiguration[]} configurations
 * @returns {UnexpectedItem[]}
 */
function unavailableBrowsers(configurations) {
  /** @type {UnexpectedItem[]} */
  const items = [];
  for (const { id, skip } of configurations) {
    if (skip?.kind !== 'browser-unavailable') continue;
    items.push({ configuration: id, file: null, scope: null, variant: null, test: null, kind: 'browser-unavailable', status: null, expected: null, message: skip.message });
  }
  return items;
}

/**
 * @param {PageRecord[]} records  raw records, as records.mjs makes them
 * @param {ExpectationsByName} expectationsByName
 * @param {{ notCompared?: string[] }} [options]  ids of configurations never compared with the reference
 * @returns {Verdict}
 */
export function judge(records, expectationsByName, { notCompared = [] } = {}) {
  /** @type {Map<string, PageRecord>} */
  const referenceByKey = new Map();
  for (const record of records) {
    if (record.configuration === REFERENCE_ID) referenceByKey.set(key(record), record);
  }
  const lookup = new ExpectationLookup(expectationsByName);
  const judged = records.map((record) => {
    const compared = record.configuration !== REFERENCE_ID && !notCompared.includes(record.configuration);
    // A runtime's shell page is compared with the reference's worker page: the same tests, without a document.
    const referenceKey = key({ ...record, scope: comparedScope(record.scope) });
    return judgeRecord(record, compared ? referenceByKey.get(referenceKey) ?? null : undefined, lookup);
  });
  return {
    records: judged,
    summary: summarize(judged),
    unexpected: listUnexpected(judged),
    unusedExpectations: unusedEntries(expectationsByName, lookup.used, records),
  };
}

/**
 * @param {PageRecord} record
 * @param {PageRecord|null|undefined} reference  undefined: not compared; null: compared, but the reference has no such page
 * @param {ExpectationLookup} lookup
 * @returns {JudgedRecord}
 */
function judgeRecord(record, reference, lookup) {
  const fileEntry = lookup.find(record, undefined);
  const expectedStatus = fileEntry?.expected ?? 'OK';
  const referenceSubtests = new Map((reference?.subtests ?? []).map((subtest) => [subtest.name, subtest]));
  /** @type {JudgedSubtest[]} */
  const subtests = record.subtests.map((subtest) => {
    const entry = lookup.find(record, subtest.name);
    const expected = entry?.expected ?? 'PASS';
    const referenceSubtest = referenceSubtests.get(subtest.name);
    return {
      ...subtest,
      expected,
      unexpected: !isExpectedStatus(subtest.status, expected),
      reason: entry?.reason ?? null,
      reference: reference === undefined || !referenceSubtest ? null : { status: referenceSubtest.status, message: referenceSubtest.message },
      parity: reference === undefined ? null : classify(subtest.status, referenceSubtest?.status),
    };
  });
  if (reference && completed(record)) subtests.push(...missingSubtests(record, reference, fileEntry, expectedStatus));
  return {
    ...record,
    expected: expectedStatus,
    // A hang past our own bound is never what a file is "expected" to do unless
    // listed as TIMEOUT; a crash likewise needs a CRASH entry.
    unexpected: !isExpectedStatus(record.status, expectedStatus),
    reason: fileEntry?.reason ?? null,
    reference: reference ? { status: reference.status } : null,
    subtests,
  };
}

/**
 * Subtests native Chromium ran that this configuration finished without.
 * @param {PageRecord} record
 * @param {PageRecord} reference
 * @param {ExpectationEntry|null} fileEntry
 * @param {string|string[]} expectedStatus
 * @returns {JudgedSubtest[]}
 */
function missingSubtests(record, reference, fileEntry, expectedStatus) {
  const present = new Set(record.subtests.map((subtest) => subtest.name));
  return reference.subtests.filter((subtest) => !present.has(subtest.name)).map((referenceSubtest) => ({
    name: referenceSubtest.name,
    status: 'MISSING',
    message: 'not reported by this configuration',
    expected: 'PASS',
    unexpected: expectedStatus === 'OK',
    reason: fileEntry?.reason ?? null,
    reference: { status: referenceSubtest.status, message: referenceSubtest.message },
    parity: 'missing',
  }));
}

/**
 * @param {JudgedRecord} record
 * @returns {SummaryRow}
 */
function emptyRow({ configuration, scope, variant }) {
  return { configuration, scope, variant, files: 0, crashes: 0, timeouts: 0, passed: 0, total: 0, differences: 0, unexpected: 0, wallTimeMs: 0 };
}

/**
 * @param {JudgedRecord[]} records
 * @returns {SummaryRow[]}
 */
function summarize(records) {
  /** @type {Map<string, SummaryRow>} */
  const groups = new Map();
  for (const record of records) {
    const id = `${record.configuration}\u0000${record.scope}\u0000${record.variant}`;
    if (!groups.has(id)) groups.set(id, emptyRow(record));
    addToRow(/** @type {SummaryRow} */ (groups.get(id)), record);
  }
  // Configurations in the order they first appear (the run's order), then scope and variant.
  const configurationOrder = [...new Set(records.map((record) => record.configuration))];
  return [...groups.values()].sort((a, b) => configurationOrder.indexOf(a.configuration) - configurationOrder.indexOf(b.configuration)
    || a.scope.localeCompare(b.scope) || a.variant.localeCompare(b.variant));
}

/**
 * @param {SummaryRow} row
 * @param {JudgedRecord} record
 */
function addToRow(row, record) {
  row.files += 1;
  row.wallTimeMs += record.durationMs + (record.firstAttempt?.durationMs ?? 0);
  if (record.status === 'CRASH') row.crashes += 1;
  if (record.timedOut) row.timeouts += 1;
  if (record.unexpected) row.unexpected += 1;
  for (const subtest of record.subtests) {
    if (subtest.status !== 'MISSING') row.total += 1;
    if (subtest.status === 'PASS') row.passed += 1;
    if (subtest.parity && subtest.parity !== 'same') row.differences += 1;
    if (subtest.unexpected) row.unexpected += 1;
  }
}

/**
 * @param {JudgedRecord[]} records
 * @returns {UnexpectedItem[]}
 */
function listUnexpected(records) {
  /** @type {UnexpectedItem[]} */
  const list = [];
  for (const record of records) {
    const where = { configuration: record.configuration, file: record.file, scope: record.scope, variant: record.variant };
    if (record.unexpected) {
      const kind = record.status === 'CRASH' ? 'crash' : record.timedOut ? 'harness-timeout' : 'file-status';
      list.push({ ...where, test: null, kind, status: record.status, expected: record.expected, message: record.message });
    }
    for (const subtest of record.subtests) {
      if (!subtest.unexpected) continue;
      const kind = subtest.expected !== 'PASS' && subtest.status === 'PASS' ? 'unexpected-pass' : subtest.status === 'MISSING' ? 'missing' : 'unexpected-result';
      list.push({
        ...where,
        test: subtest.name,
        kind,
        status: subtest.status,
        expected: subtest.expected,
        referenceStatus: subtest.reference?.status ?? null,
        message: subtest.message,
      });
    }
  }
  return list;
}

/**
 * An entry is used (or stale) per expectations set that holds it, and an
 * entry naming several subtests is used test by test.
 * @param {string} name  the set (the configuration's expectations name)
 * @param {ExpectationEntry} entry
 */
function usageKey(name, entry) {
  return `${name}#${entry.declaredIn ?? name}#${entry.index}#${entry.test ?? ''}`;
}

/**
 * Entries that matched nothing, reported under the file that declares them.
 * An entry a set inherits counts as stale for that set only when the set's
 * configurations ran in the entry's mode: chromium-experimental runs native
 * only, so chromium.json's polyfill entries can never match it, and saying so
 * on every run would bury the entries that are really stale.
 * @param {ExpectationsByName} expectationsByName
 * @param {Set<string>} used
 * @param {PageRecord[]} records
 * @returns {UnusedExpectation[]}
 */
function unusedEntries(expectationsByName, used, records) {
  /** @type {UnusedExpectation[]} */
  const unused = [];
  for (const [name, entries] of Object.entries(expectationsByName)) {
    const modes = new Set(records.filter((record) => record.expectations === name).map((record) => record.mode));
    for (const entry of entries) {
      const declaredIn = entry.declaredIn ?? name;
      const inherited = declaredIn !== name;
      if (used.has(usageKey(name, entry))) continue;
      if (inherited && entry.mode !== '*' && !modes.has(entry.mode)) continue;
      unused.push({ expectations: declaredIn, ...entry, declaredIn, inheritedBy: inherited ? name : null });
    }
  }
  return unused;
}
