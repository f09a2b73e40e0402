// Judging a run: each result against its expectations, and each non-reference
// result against native Chromium (parity). The input is the list of raw page
// records the drivers produced; the output is the same records annotated, a
// summary per configuration × scope × variant, and the list of everything
// unexpected, which decides the exit code.
import { findExpectation, isExpectedStatus } from './expectations.mjs';
import { REFERENCE_ID } from './matrix.mjs';

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
 */
export const PARITY_CLASSES = ['same', 'native-departs', 'differs', 'differs-non-pass', 'no-reference', 'missing'];

function key(record) {
  return `${record.file}\u0000${record.scope}\u0000${record.variant}`;
}

function expectationFor(expectationsByName, record, test) {
  const entries = expectationsByName[record.expectations] ?? [];
  return findExpectation(entries, { file: record.file, test, scope: record.scope, variant: record.variant, mode: record.mode });
}

function completed(record) {
  return record.status !== 'CRASH' && !record.timedOut;
}

function classify(status, referenceStatus) {
  if (referenceStatus === undefined) return 'no-reference';
  if (status === referenceStatus) return 'same';
  if (referenceStatus !== 'PASS' && status === 'PASS') return 'native-departs';
  if (referenceStatus === 'PASS') return 'differs';
  return 'differs-non-pass';
}

/**
 * @param records raw records: { file, configuration, browser, engine, mode, expectations,
 *   scope, variant, url, status, message, timedOut, crashed, durationMs, subtests[] }
 * @param expectationsByName { [expectations name]: entries[] }
 */
export function judge(records, expectationsByName) {
  const referenceByKey = new Map();
  for (const record of records) {
    if (record.configuration === REFERENCE_ID) referenceByKey.set(key(record), record);
  }
  const used = new Set();
  const note = (entry, name) => {
    if (entry) used.add(usageKey(name, entry));
    return entry;
  };

  const judged = records.map((record) => {
    const isReference = record.configuration === REFERENCE_ID;
    const reference = isReference ? null : referenceByKey.get(key(record)) ?? null;
    const fileEntry = note(expectationFor(expectationsByName, record, undefined), record.expectations);
    const expectedStatus = fileEntry?.expected ?? 'OK';
    // A hang past our own bound is never what a file is "expected" to do unless
    // listed as TIMEOUT; a crash likewise needs a CRASH entry.
    const fileUnexpected = !isExpectedStatus(record.status, expectedStatus);

    const referenceSubtests = new Map((reference?.subtests ?? []).map((subtest) => [subtest.name, subtest]));
    const subtests = record.subtests.map((subtest) => {
      const entry = note(expectationFor(expectationsByName, record, subtest.name), record.expectations);
      const expected = entry?.expected ?? 'PASS';
      const referenceSubtest = referenceSubtests.get(subtest.name);
      return {
        ...subtest,
        expected,
        unexpected: !isExpectedStatus(subtest.status, expected),
        reason: entry?.reason ?? null,
        reference: isReference ? null : referenceSubtest ? { status: referenceSubtest.status, message: referenceSubtest.message } : null,
        parity: isReference ? null : classify(subtest.status, referenceSubtest?.status),
      };
    });

    // Subtests native Chromium ran that this configuration finished without.
    if (!isReference && reference && completed(record)) {
      const present = new Set(record.subtests.map((subtest) => subtest.name));
      for (const referenceSubtest of reference.subtests) {
        if (present.has(referenceSubtest.name)) continue;
        subtests.push({
          name: referenceSubtest.name,
          status: 'MISSING',
          message: 'not reported by this configuration',
          expected: 'PASS',
          unexpected: expectedStatus === 'OK',
          reason: fileEntry?.reason ?? null,
          reference: { status: referenceSubtest.status, message: referenceSubtest.message },
          parity: 'missing',
        });
      }
    }

    return {
      ...record,
      expected: expectedStatus,
      unexpected: fileUnexpected,
      reason: fileEntry?.reason ?? null,
      reference: isReference ? null : reference ? { status: reference.status } : null,
      subtests,
    };
  });

  return {
    records: judged,
    summary: summarize(judged),
    unexpected: listUnexpected(judged),
    unusedExpectations: unusedEntries(expectationsByName, used),
  };
}

function summarize(records) {
  const groups = new Map();
  for (const record of records) {
    const id = `${record.configuration}\u0000${record.scope}\u0000${record.variant}`;
    if (!groups.has(id)) {
      groups.set(id, {
        configuration: record.configuration,
        scope: record.scope,
        variant: record.variant,
        files: 0,
        crashes: 0,
        timeouts: 0,
        passed: 0,
        total: 0,
        differences: 0,
        unexpected: 0,
      });
    }
    const group = groups.get(id);
    group.files += 1;
    if (record.status === 'CRASH') group.crashes += 1;
    if (record.timedOut) group.timeouts += 1;
    if (record.unexpected) group.unexpected += 1;
    for (const subtest of record.subtests) {
      if (subtest.status !== 'MISSING') group.total += 1;
      if (subtest.status === 'PASS') group.passed += 1;
      if (subtest.parity && subtest.parity !== 'same') group.differences += 1;
      if (subtest.unexpected) group.unexpected += 1;
    }
  }
  // Configurations in the order they first appear (the run's order), then scope and variant.
  const configurationOrder = [...new Set(records.map((record) => record.configuration))];
  return [...groups.values()].sort((a, b) => configurationOrder.indexOf(a.configuration) - configurationOrder.indexOf(b.configuration)
    || a.scope.localeCompare(b.scope) || a.variant.localeCompare(b.variant));
}

function listUnexpected(records) {
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

// An entry naming several subtests is used (or stale) test by test.
function usageKey(name, entry) {
  return `${name}#${entry.index}#${entry.test ?? ''}`;
}

function unusedEntries(expectationsByName, used) {
  const unused = [];
  for (const [name, entries] of Object.entries(expectationsByName)) {
    for (const entry of entries) {
      if (!used.has(usageKey(name, entry))) unused.push({ expectations: name, ...entry });
    }
  }
  return unused;
}
