// @ts-check
// The terminal report: a table of configuration × scope × variant, then every
// difference from native Chromium with its reason, then — loudly — everything
// unexpected. Returns text; the CLI prints it.
import { referenceRan, referenceReasons, showsDifferences } from './reference.mjs';

/** @typedef {import('../lib/types.mjs').Report} Report */
/** @typedef {(code: string, text: string) => string} Paint */
/**
 * @typedef {{ configuration: string, file: string, test: string, parity: import('../lib/types.mjs').Parity,
 *   status: string, referenceStatus: string|null, places: string[], unexpected: boolean, reason: string|null }} Difference
 */

/**
 * @param {unknown} text
 * @param {number} width
 * @param {boolean} [alignRight]
 */
function pad(text, width, alignRight = false) {
  const value = String(text);
  return alignRight ? value.padStart(width) : value.padEnd(width);
}

/**
 * @param {string[]} header
 * @param {unknown[][]} rows
 */
function table(header, rows) {
  const widths = header.map((cell, column) => Math.max(String(cell).length, ...rows.map((row) => String(row[column]).length)));
  const line = (/** @type {unknown[]} */ cells) => cells.map((cell, column) => pad(cell, widths[column], column >= 3)).join('  ').trimEnd();
  return [line(header), widths.map((width) => '-'.repeat(width)).join('  '), ...rows.map(line)].join('\n');
}

/**
 * @param {string} scope
 * @param {string} variant
 */
function where(scope, variant) {
  return `${scope}/${variant}`;
}

/**
 * Groups subtest differences that are the same across scopes and variants.
 * @param {Report} report
 */
function collectDifferences(report) {
  /** @type {Map<string, Difference>} */
  const groups = new Map();
  for (const record of report.results) {
    for (const subtest of record.subtests) {
      if (!subtest.parity || subtest.parity === 'same') continue;
      const id = [record.configuration, record.file, subtest.name, subtest.parity, subtest.status, subtest.reference?.status].join('\u0000');
      if (!groups.has(id)) {
        groups.set(id, { configuration: record.configuration, file: record.file, test: subtest.name, parity: subtest.parity, status: subtest.status, referenceStatus: subtest.reference?.status ?? null, places: [], unexpected: false, reason: null });
      }
      const group = /** @type {Difference} */ (groups.get(id));
      group.places.push(where(record.scope, record.variant));
      group.unexpected ||= subtest.unexpected;
      group.reason ??= subtest.reason;
    }
  }
  return [...groups.values()];
}

/** @type {Record<string, string>} */
const PARITY_LABEL = {
  'native-departs': 'native departs from the standard',
  differs: 'differs from native',
  'differs-non-pass': 'differs from native (neither passes)',
  'no-reference': 'no native result',
  missing: 'missing here',
};

/**
 * @param {Report} report
 * @param {{ color?: boolean }} [options]
 */
export function renderTerminal(report, { color = false } = {}) {
  /** @type {Paint} */
  const paint = (code, text) => (color ? `\u001b[${code}m${text}\u001b[0m` : text);
  const sections = [
    headerLines(report.run),
    summaryTable(report),
    referenceRan(report.run) ? differenceLines(report, paint) : [],
    unexpectedLines(report, paint),
    retriedLines(report, paint),
    unusedLines(report),
  ];
  const out = sections.filter((lines) => lines.length > 0).flatMap((lines) => [...lines, '']);
  out.push(verdictLine(report, paint));
  return `${out.join('\n')}\n`;
}

/** @param {import('../lib/types.mjs').RunInfo} run */
function headerLines(run) {
  const lines = [`WebSocketStream conformance — ${referenceRan(run) ? `reference: ${run.reference} (native Chromium)` : 'no reference run: results judged against expectations only'}`];
  for (const configuration of run.configurations) {
    const sessions = configuration.sessions > 1 ? `, ${configuration.sessions} sessions` : '';
    const state = configuration.skipped ? `skipped: ${configuration.skipped}`
      : configuration.driver ? `${configuration.browserVersion ?? '?'} via ${configuration.driver} (${configuration.source})${sessions}`
        : 'no pages: none of the chosen files runs in its scopes and variants';
    lines.push(`  ${pad(configuration.id, 30)} ${state}${rowBuild(configuration.row)}`);
  }
  const options = /** @type {any} */ (run.options);
  lines.push(`  ${run.files.length} test files${options.shard ? `, shard ${options.shard.index}/${options.shard.count}` : ''}${options.filters.length ? `, filter ${options.filters.join(' | ')}` : ''}${options.excludes?.length ? `, excluding ${options.excludes.join(' | ')}` : ''}${run.workers ? `; ${run.sessions === undefined ? '' : `${run.sessions} browser sessions, `}up to ${run.workers} at once` : ''}`);
  if (run.shards) lines.push(`  merged from ${run.shards.length} shards: ${run.shards.map((shard) => `${shard.index}/${shard.count} ${shard.files} files in ${(shard.wallTimeMs / 1000).toFixed(1)} s`).join(', ')}`);
  return lines;
}

/**
 * Which build an engine row's polyfill pages loaded, and why when it is not the usual one.
 * @param {import('../lib/types.mjs').ConfigurationRowReport|null|undefined} row
 */
function rowBuild(row) {
  if (!row?.polyfillEntry) return '';
  return `; polyfill: ${row.polyfillEntry}${row.note ? ` — ${row.note}` : ''}`;
}

/** @param {Report} report */
function summaryTable(report) {
  const { run } = report;
  const rows = report.summary.map((group) => [
    group.configuration === run.reference ? `${group.configuration} (ref)` : group.configuration,
    group.scope,
    group.variant === 'default' ? 'ws' : group.variant,
    `${group.passed}/${group.total}`,
    showsDifferences(run, group.configuration) ? group.differences : '-',
    group.unexpected,
    group.crashes,
    group.timeouts,
    group.wallTimeMs === undefined ? '-' : `${(group.wallTimeMs / 1000).toFixed(1)} s`,
  ]);
  return [table(['configuration', 'scope', 'variant', 'passed/total', 'differences', 'unexpected', 'crashes', 'timeouts', 'time'], rows)];
}

/**
 * @param {Report} report
 * @param {Paint} paint
 */
function differenceLines(report, paint) {
  const differences = collectDifferences(report);
  if (differences.length === 0) return [];
  const referenceReason = referenceReasons(report);
  const lines = ['Differences from native Chromium:'];
  for (const difference of differences) {
    const reason = difference.reason ?? referenceReason(difference.file, difference.test);
    const mark = difference.unexpected ? paint('31;1', 'UNEXPECTED') : 'expected';
    lines.push(`  [${mark}] ${difference.configuration}  ${difference.file} — ${difference.test}`);
    lines.push(`      ${PARITY_LABEL[difference.parity]}: native ${difference.referenceStatus ?? '—'}, here ${difference.status} (${difference.places.join(', ')})`);
    if (reason) lines.push(`      reason: ${reason}`);
  }
  return lines;
}

/**
 * @param {Report} report
 * @param {Paint} paint
 */
function unexpectedLines(report, paint) {
  if (report.unexpected.length === 0) return [];
  const lines = [paint('31;1', `UNEXPECTED RESULTS (${report.unexpected.length}):`)];
  for (const item of report.unexpected) {
    const place = item.file ? `${item.file} [${item.scope}/${item.variant}]` : '';
    const what = item.test === null ? `file ${item.status ?? ''}`.trim() : `"${item.test}" ${item.status}`;
    lines.push(`  ${item.kind.padEnd(17)} ${item.configuration}  ${place} ${what}${item.expected ? ` (expected ${item.expected})` : ''}`);
    if (item.message) lines.push(`      ${String(item.message).split('\n')[0].slice(0, 300)}`);
  }
  return lines;
}

/**
 * @param {Report} report
 * @param {Paint} paint
 */
function retriedLines(report, paint) {
  const retried = report.results.filter((record) => record.firstAttempt);
  if (retried.length === 0) return [];
  return [
    paint('33;1', `Native reference pages that crashed once and were run again (${retried.length}):`),
    ...retried.map((record) => `  ${record.configuration}  ${record.file} [${record.scope}/${record.variant}]: ${record.firstAttempt?.status}, then ${record.status}`),
  ];
}

/**
 * Only a run of every file can tell that an entry matches nothing.
 * @param {Report} report
 */
function unusedLines(report) {
  const options = /** @type {any} */ (report.run.options);
  if (report.unusedExpectations.length === 0 || options.filters.length > 0 || options.excludes?.length || options.shard) return [];
  return [
    `Expectations that matched nothing in this run (${report.unusedExpectations.length}) — stale, or for a configuration not run:`,
    ...report.unusedExpectations.map((entry) => `  ${entry.expectations}.json: ${entry.file} — ${entry.test ?? '(file)'} [${entry.mode}/${entry.scope}/${entry.variant}]${entry.inheritedBy ? ` (inherited by ${entry.inheritedBy}.json)` : ''}`),
  ];
}

/**
 * @param {Report} report
 * @param {Paint} paint
 */
function verdictLine(report, paint) {
  const { run } = report;
  const seconds = (run.wallTimeMs / 1000).toFixed(1);
  if (run.exitCode !== 0) return paint('31;1', `FAILED: ${report.unexpected.length} unexpected result(s) (${seconds} s)`);
  return paint('32;1', referenceRan(run) ? `OK: every difference from native Chromium is expected (${seconds} s)` : `OK: every result is as its expectations say (${seconds} s)`);
}
