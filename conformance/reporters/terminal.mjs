// The terminal report: a table of configuration × scope × variant, then every
// difference from native Chromium with its reason, then — loudly — everything
// unexpected. Returns text; the CLI prints it.

function pad(text, width, alignRight = false) {
  const value = String(text);
  return alignRight ? value.padStart(width) : value.padEnd(width);
}

function table(header, rows) {
  const widths = header.map((cell, column) => Math.max(String(cell).length, ...rows.map((row) => String(row[column]).length)));
  const line = (cells) => cells.map((cell, column) => pad(cell, widths[column], column >= 3)).join('  ').trimEnd();
  return [line(header), widths.map((width) => '-'.repeat(width)).join('  '), ...rows.map(line)].join('\n');
}

function where(scope, variant) {
  return `${scope}/${variant}`;
}

/** Groups subtest differences that are the same across scopes and variants. */
function collectDifferences(report) {
  const groups = new Map();
  for (const record of report.results) {
    for (const subtest of record.subtests) {
      if (!subtest.parity || subtest.parity === 'same') continue;
      const id = [record.configuration, record.file, subtest.name, subtest.parity, subtest.status, subtest.reference?.status].join('\u0000');
      if (!groups.has(id)) {
        groups.set(id, { configuration: record.configuration, file: record.file, test: subtest.name, parity: subtest.parity, status: subtest.status, referenceStatus: subtest.reference?.status ?? null, places: [], unexpected: false, reason: null });
      }
      const group = groups.get(id);
      group.places.push(where(record.scope, record.variant));
      group.unexpected ||= subtest.unexpected;
      group.reason ??= subtest.reason;
    }
  }
  return [...groups.values()];
}

/** Reasons native Chromium departs, from its own expectations, keyed by file + subtest. */
function referenceReasons(report) {
  const reasons = new Map();
  for (const record of report.results) {
    if (record.configuration !== report.run.reference) continue;
    if (record.reason) reasons.set(`${record.file}\u0000*`, record.reason);
    for (const subtest of record.subtests) {
      if (subtest.reason) reasons.set(`${record.file}\u0000${subtest.name}`, subtest.reason);
    }
  }
  return reasons;
}

const PARITY_LABEL = {
  'native-departs': 'native departs from the standard',
  differs: 'differs from native',
  'differs-non-pass': 'differs from native (neither passes)',
  'no-reference': 'no native result',
  missing: 'missing here',
};

export function renderTerminal(report, { color = false } = {}) {
  const paint = (code, text) => (color ? `\u001b[${code}m${text}\u001b[0m` : text);
  const out = [];
  const { run } = report;

  const hasReference = run.configurations.some((configuration) => configuration.isReference && !configuration.skipped);
  out.push(`WebSocketStream conformance — ${hasReference ? `reference: ${run.reference} (native Chromium)` : 'no reference run: results judged against expectations only'}`);
  for (const configuration of run.configurations) {
    const state = configuration.skipped ? `skipped: ${configuration.skipped}` : `${configuration.browserVersion ?? '?'} via ${configuration.driver} (${configuration.source})`;
    out.push(`  ${pad(configuration.id, 30)} ${state}`);
  }
  out.push(`  ${run.files.length} test files${run.options.shard ? `, shard ${run.options.shard.index}/${run.options.shard.count}` : ''}${run.options.filters.length ? `, filter ${run.options.filters.join(' | ')}` : ''}${run.options.excludes?.length ? `, excluding ${run.options.excludes.join(' | ')}` : ''}`);
  out.push('');

  const rows = report.summary.map((group) => [
    group.configuration === run.reference ? `${group.configuration} (ref)` : group.configuration,
    group.scope,
    group.variant === 'default' ? 'ws' : group.variant,
    `${group.passed}/${group.total}`,
    group.configuration === run.reference ? '-' : group.differences,
    group.unexpected,
    group.crashes,
    group.timeouts,
  ]);
  out.push(table(['configuration', 'scope', 'variant', 'passed/total', 'differences', 'unexpected', 'crashes', 'timeouts'], rows));
  out.push('');

  const differences = collectDifferences(report);
  const reasons = referenceReasons(report);
  if (differences.length > 0) {
    out.push('Differences from native Chromium:');
    for (const difference of differences) {
      const reason = difference.reason
        ?? reasons.get(`${difference.file}\u0000${difference.test}`)
        ?? reasons.get(`${difference.file}\u0000*`)
        ?? null;
      const mark = difference.unexpected ? paint('31;1', 'UNEXPECTED') : 'expected';
      out.push(`  [${mark}] ${difference.configuration}  ${difference.file} — ${difference.test}`);
      out.push(`      ${PARITY_LABEL[difference.parity]}: native ${difference.referenceStatus ?? '—'}, here ${difference.status} (${difference.places.join(', ')})`);
      if (reason) out.push(`      reason: ${reason}`);
    }
    out.push('');
  }

  if (report.unexpected.length > 0) {
    out.push(paint('31;1', `UNEXPECTED RESULTS (${report.unexpected.length}):`));
    for (const item of report.unexpected) {
      const place = item.file ? `${item.file} [${item.scope}/${item.variant}]` : '';
      const what = item.test === null ? `file ${item.status ?? ''}`.trim() : `"${item.test}" ${item.status}`;
      out.push(`  ${item.kind.padEnd(17)} ${item.configuration}  ${place} ${what}${item.expected ? ` (expected ${item.expected})` : ''}`);
      if (item.message) out.push(`      ${String(item.message).split('\n')[0].slice(0, 300)}`);
    }
    out.push('');
  }

  const retried = report.results.filter((record) => record.firstAttempt);
  if (retried.length > 0) {
    out.push(paint('33;1', `Native reference pages that crashed once and were run again (${retried.length}):`));
    for (const record of retried) {
      out.push(`  ${record.configuration}  ${record.file} [${record.scope}/${record.variant}]: ${record.firstAttempt.status}, then ${record.status}`);
    }
    out.push('');
  }

  if (report.unusedExpectations.length > 0 && run.options.filters.length === 0 && !run.options.excludes?.length && !run.options.shard) {
    out.push(`Expectations that matched nothing in this run (${report.unusedExpectations.length}) — stale, or for a configuration not run:`);
    for (const entry of report.unusedExpectations) out.push(`  ${entry.expectations}.json: ${entry.file} — ${entry.test ?? '(file)'} [${entry.mode}/${entry.scope}/${entry.variant}]`);
    out.push('');
  }

  const seconds = (run.wallTimeMs / 1000).toFixed(1);
  const verdictLine = run.exitCode === 0
    ? paint('32;1', `OK: every difference from native Chromium is expected (${seconds} s)`)
    : paint('31;1', `FAILED: ${report.unexpected.length} unexpected result(s) (${seconds} s)`);
  out.push(verdictLine);
  return `${out.join('\n')}\n`;
}
