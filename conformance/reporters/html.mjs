// A self-contained HTML report: one file, inline CSS and JS, no network.
// The summary table and the matrix (one row per file × subtest, one column per
// configuration × scope × variant) are rendered here, so the page shows
// everything even with scripts off; the inline script only filters rows.
import { escapeHtml } from '../lib/escape-html.mjs';
import { referenceRan, showsDifferences } from './reference.mjs';

/** @typedef {import('../lib/types.mjs').Report} Report */
/** @typedef {{ id: string, configuration: string, scope: string, variant: string }} Column */
/**
 * One cell of the matrix: a subtest's judged result, or a file's status where it did not finish.
 * @typedef {object} Cell
 * @property {string} status
 * @property {boolean} unexpected
 * @property {string|null} parity
 * @property {string|null} message
 * @property {string|null} [reason]
 * @property {{ status: string }|null} [reference]
 * @property {boolean} [inherited]  the file's status, shown where the file has no subtests
 */
/** @typedef {{ file: string, test: string|null, cells: Map<string, Cell> }} MatrixRow */

/** @type {Record<string, string>} */
const STATUS_CLASS = {
  PASS: 'pass', FAIL: 'fail', TIMEOUT: 'timeout', NOTRUN: 'notrun', PRECONDITION_FAILED: 'notrun',
  MISSING: 'missing', CRASH: 'crash', ERROR: 'fail', OK: 'pass',
};

/**
 * @param {Report} report
 * @returns {Column[]}
 */
function columnsOf(report) {
  /** @type {Map<string, Column>} */
  const seen = new Map();
  const configurationOrder = report.run.configurations.map((configuration) => configuration.id);
  for (const record of report.results) {
    const id = `${record.configuration}|${record.scope}|${record.variant}`;
    if (!seen.has(id)) seen.set(id, { id, configuration: record.configuration, scope: record.scope, variant: record.variant });
  }
  return [...seen.values()].sort((a, b) => configurationOrder.indexOf(a.configuration) - configurationOrder.indexOf(b.configuration)
    || a.scope.localeCompare(b.scope) || a.variant.localeCompare(b.variant));
}

/**
 * Matrix rows: one per file × subtest name seen anywhere, plus a file-status row when a file did not finish OK somewhere.
 * @param {Report} report
 * @param {Column[]} columns
 * @returns {MatrixRow[]}
 */
function rowsOf(report, columns) {
  /** @type {Map<string, MatrixRow>} */
  const rows = new Map();
  const row = (/** @type {string} */ file, /** @type {string|null} */ test) => {
    const id = `${file}\u0000${test ?? ''}`;
    if (!rows.has(id)) rows.set(id, { file, test, cells: new Map() });
    return /** @type {MatrixRow} */ (rows.get(id));
  };
  for (const record of report.results) {
    const column = `${record.configuration}|${record.scope}|${record.variant}`;
    if (record.status !== 'OK' || record.unexpected) {
      row(record.file, null).cells.set(column, { status: record.status, unexpected: record.unexpected, parity: null, message: record.message, reason: record.reason });
    }
    for (const subtest of record.subtests) {
      row(record.file, subtest.name).cells.set(column, subtest);
    }
  }
  // A file that crashed or hung in one column has no subtests there: show why.
  const fileStatus = new Map(report.results.map((record) => [`${record.file}|${record.configuration}|${record.scope}|${record.variant}`, record]));
  for (const matrixRow of rows.values()) {
    for (const column of columns) {
      if (matrixRow.cells.has(column.id)) continue;
      const record = fileStatus.get(`${matrixRow.file}|${column.id}`);
      if (record && record.status !== 'OK') matrixRow.cells.set(column.id, { status: record.status, unexpected: false, parity: null, message: record.message, inherited: true });
    }
  }
  return [...rows.values()].sort((a, b) => a.file.localeCompare(b.file) || (a.test === null ? -1 : b.test === null ? 1 : 0));
}

/** @param {Cell|undefined} cell */
function cellHtml(cell) {
  if (!cell) return '<td class="none">—</td>';
  const classes = [STATUS_CLASS[cell.status] ?? 'fail'];
  if (cell.unexpected) classes.push('unexpected');
  if (cell.parity && cell.parity !== 'same') classes.push('differs');
  const details = [cell.message, cell.parity && cell.parity !== 'same' ? `parity: ${cell.parity} (native ${cell.reference?.status ?? '—'})` : null, cell.reason ? `reason: ${cell.reason}` : null, cell.inherited ? 'file status' : null]
    .filter(Boolean).join('\n');
  const label = cell.status === 'PRECONDITION_FAILED' ? 'PRECOND' : cell.status;
  return `<td class="${classes.join(' ')}" title="${escapeHtml(details)}">${escapeHtml(label)}${cell.unexpected ? '!' : ''}${cell.parity && cell.parity !== 'same' ? '≠' : ''}</td>`;
}

/** @param {Report} report */
function summaryHtml(report) {
  const rows = report.summary.map((group) => {
    const ratio = group.total === 0 ? 0 : group.passed / group.total;
    const hue = group.unexpected > 0 ? 'bad' : ratio === 1 ? 'good' : 'mixed';
    return `<tr class="${hue}" data-configuration="${escapeHtml(group.configuration)}" data-passed="${group.passed}" data-total="${group.total}" data-unexpected="${group.unexpected}">
<td>${escapeHtml(group.configuration)}${group.configuration === report.run.reference ? ' <small>(reference)</small>' : ''}</td><td>${escapeHtml(group.scope)}</td><td>${group.variant === 'default' ? 'ws' : escapeHtml(group.variant)}</td>
<td class="num passed-total">${group.passed}/${group.total}</td><td class="num">${showsDifferences(report.run, group.configuration) ? group.differences : '–'}</td>
<td class="num">${group.unexpected}</td><td class="num">${group.crashes}</td><td class="num">${group.timeouts}</td>
<td class="num">${group.wallTimeMs === undefined ? '–' : `${(group.wallTimeMs / 1000).toFixed(1)} s`}</td></tr>`;
  });
  return `<table id="summary"><thead><tr><th>configuration</th><th>scope</th><th>variant</th><th>passed/total</th><th>differences</th><th>unexpected</th><th>crashes</th><th>timeouts</th><th title="the wall-clock time its pages took, added up">time</th></tr></thead>
<tbody>${rows.join('\n')}</tbody></table>`;
}

const STYLE = `
body { font: 14px/1.4 system-ui, sans-serif; margin: 1.5em; color: #1d1d1f; }
h1 { font-size: 1.4em; margin: 0 0 .3em; }
.verdict { padding: .5em .8em; border-radius: 4px; font-weight: 600; display: inline-block; }
.verdict.ok { background: #d8f5d8; color: #115511; } .verdict.failed { background: #fbd5d5; color: #8a1111; }
table { border-collapse: collapse; margin: .8em 0; }
th, td { border: 1px solid #ccd; padding: 2px 6px; }
th { background: #f0f0f5; position: sticky; top: 0; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
#summary tr.good td { background: #eefbee; } #summary tr.mixed td { background: #fff8e6; } #summary tr.bad td { background: #fde8e8; }
#matrix td { font-size: 12px; text-align: center; white-space: nowrap; }
#matrix td.name { text-align: left; white-space: normal; min-width: 18em; max-width: 32em; }
#matrix td.file { text-align: left; color: #555; font-size: 11px; }
.pass { background: #c9efc9; } .fail { background: #f6c2c2; } .timeout { background: #f9d9a8; }
.notrun, .none { background: #eee; color: #777; } .crash { background: #b00020; color: #fff; } .missing { background: #e5d4f5; }
td.differs { outline: 2px solid #3355cc; outline-offset: -2px; } td.unexpected { font-weight: 700; box-shadow: inset 0 0 0 2px #b00020; }
.filters { display: flex; gap: 1em; flex-wrap: wrap; align-items: center; margin: 1em 0 .4em; }
.legend span { display: inline-block; padding: 0 6px; margin-right: 4px; border: 1px solid #ccd; }
tr.hidden { display: none; }
`;

// Filters rows by text, by kind (differences/unexpected/non-pass) and hides columns by scope/variant.
const SCRIPT = `
(function () {
  var text = document.getElementById('filter-text');
  var kind = document.getElementById('filter-kind');
  var scope = document.getElementById('filter-scope');
  var variant = document.getElementById('filter-variant');
  var rows = Array.prototype.slice.call(document.querySelectorAll('#matrix tbody tr'));
  var count = document.getElementById('row-count');
  function apply() {
    var needle = text.value.toLowerCase();
    var shown = 0;
    var columns = Array.prototype.slice.call(document.querySelectorAll('#matrix [data-column]'));
    columns.forEach(function (cell) {
      var hide = (scope.value && cell.getAttribute('data-scope') !== scope.value) || (variant.value && cell.getAttribute('data-variant') !== variant.value);
      cell.style.display = hide ? 'none' : '';
    });
    rows.forEach(function (row) {
      var ok = row.getAttribute('data-search').indexOf(needle) !== -1;
      if (ok && kind.value) ok = row.getAttribute('data-' + kind.value) === 'true';
      row.classList.toggle('hidden', !ok);
      if (ok) shown++;
    });
    count.textContent = String(shown);
  }
  [text, kind, scope, variant].forEach(function (control) { control.addEventListener('input', apply); control.addEventListener('change', apply); });
  apply();
})();
`;

/**
 * Header cells: one per configuration, spanning its scope × variant columns.
 * @param {Column[]} columns
 */
function spansOf(columns) {
  /** @type {{ configuration: string, span: number }[]} */
  const spans = [];
  for (const column of columns) {
    const last = spans[spans.length - 1];
    if (last && last.configuration === column.configuration) last.span += 1;
    else spans.push({ configuration: column.configuration, span: 1 });
  }
  return spans;
}

/**
 * @param {MatrixRow} row
 * @param {Column[]} columns
 */
function matrixRowHtml(row, columns) {
  const cells = columns.map((column) => row.cells.get(column.id));
  const differs = cells.some((cell) => cell && cell.parity && cell.parity !== 'same');
  const unexpected = cells.some((cell) => cell && cell.unexpected);
  const nonPass = cells.some((cell) => cell && !['PASS', 'OK'].includes(cell.status));
  const name = row.test === null ? '<em>(file status)</em>' : escapeHtml(row.test);
  const cellsHtml = cells.map((cell, index) => cellHtml(cell).replace('<td', `<td data-column data-scope="${columns[index].scope}" data-variant="${columns[index].variant}"`)).join('');
  return `<tr data-search="${escapeHtml(`${row.file} ${row.test ?? ''}`.toLowerCase())}" data-differences="${differs}" data-unexpected="${unexpected}" data-nonpass="${nonPass}"><td class="file">${escapeHtml(row.file.replace(/^websockets\/stream\//, ''))}</td><td class="name">${name}</td>${cellsHtml}</tr>`;
}

/** @param {Report} report */
function verdictText(report) {
  if (report.run.exitCode !== 0) return `FAILED — ${report.unexpected.length} unexpected result(s)`;
  return referenceRan(report.run) ? 'OK — every difference from native Chromium is expected' : 'OK — every result is as its expectations say';
}

/**
 * How the run was spread: browser sessions, and the shards it was merged from.
 * @param {import('../lib/types.mjs').RunInfo} run
 */
function sessionsText(run) {
  const sessions = run.sessions === undefined ? '' : ` ${run.sessions} browser sessions, up to ${run.workers} at once${run.shards ? ' in each shard' : ''}.`;
  const shards = run.shards ? ` Merged from ${run.shards.length} shards: ${run.shards.map((shard) => `${shard.index}/${shard.count} (${shard.files} files, ${(shard.wallTimeMs / 1000).toFixed(1)} s)`).join(', ')}.` : '';
  return sessions + shards;
}

/** @param {Report} report */
export function renderHtml(report) {
  const { run } = report;
  const columns = columnsOf(report);
  const rows = rowsOf(report, columns);
  const totals = report.summary.reduce((sum, group) => ({ passed: sum.passed + group.passed, total: sum.total + group.total }), { passed: 0, total: 0 });

  const headerConfigurations = spansOf(columns);
  const matrixRows = rows.map((row) => matrixRowHtml(row, columns));

  const configurationList = run.configurations.map((configuration) => `<li><b>${escapeHtml(configuration.id)}</b>: ${configuration.skipped ? `skipped — ${escapeHtml(configuration.skipped)}` : `${escapeHtml(configuration.browserVersion ?? '?')} via ${escapeHtml(configuration.driver)} (${escapeHtml(configuration.source)})`}${configuration.args.length ? ` flags ${escapeHtml(configuration.args.join(' '))}` : ''}</li>`).join('\n');

  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>WebSocketStream conformance report</title>
<style>${STYLE}</style></head>
<body>
<h1>WebSocketStream conformance</h1>
<p><span class="verdict ${run.exitCode === 0 ? 'ok' : 'failed'}" id="verdict">${verdictText(report)}</span></p>
<p id="totals" data-passed="${totals.passed}" data-total="${totals.total}" data-unexpected="${report.unexpected.length}" data-files="${run.files.length}">
${totals.passed}/${totals.total} subtests passed across ${report.summary.length} configuration × scope × variant groups, ${run.files.length} test files, ${report.unexpected.length} unexpected.
Wall time ${(run.wallTimeMs / 1000).toFixed(1)} s, ${escapeHtml(run.startedAt)}, reference ${escapeHtml(run.reference)}.${escapeHtml(sessionsText(run))}</p>
<ul>${configurationList}</ul>
${summaryHtml(report)}
<div class="filters">
<label>Search <input id="filter-text" type="search" placeholder="file or subtest"></label>
<label>Show <select id="filter-kind"><option value="">all rows</option><option value="differences">differences from native</option><option value="unexpected">unexpected</option><option value="nonpass">not passing somewhere</option></select></label>
<label>Scope <select id="filter-scope"><option value="">both</option><option value="window">window</option><option value="worker">worker</option></select></label>
<label>Variant <select id="filter-variant"><option value="">both</option><option value="default">ws</option><option value="wss">wss</option></select></label>
<span><span id="row-count">${matrixRows.length}</span> of ${matrixRows.length} rows</span>
</div>
<p class="legend"><span class="pass">PASS</span><span class="fail">FAIL</span><span class="timeout">TIMEOUT</span><span class="crash">CRASH</span><span class="missing">MISSING</span>
≠ differs from native Chromium · ! unexpected · hover a cell for the message and reason</p>
<table id="matrix"><thead>
<tr><th rowspan="2">file</th><th rowspan="2">subtest</th>${headerConfigurations.map((group) => `<th colspan="${group.span}">${escapeHtml(group.configuration)}</th>`).join('')}</tr>
<tr>${columns.map((column) => `<th data-column data-scope="${column.scope}" data-variant="${column.variant}">${column.scope === 'window' ? 'win' : 'wrk'} ${column.variant === 'default' ? 'ws' : 'wss'}</th>`).join('')}</tr>
</thead><tbody>
${matrixRows.join('\n')}
</tbody></table>
<script>${SCRIPT}</script>
</body></html>
`;
}
