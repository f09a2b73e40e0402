// The reporters read one schema: a report built from driver-shaped records is
// valid, the JSON round-trips, the terminal table has the counts, and the HTML
// matrix renders those counts in a real headless Chromium (screenshot kept
// under reports/ as an artifact).
import assert from 'node:assert/strict';
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright';
import { detectBrowsers } from '../lib/browsers.mjs';
import { buildReport, validateReport } from '../lib/schema.mjs';
import { judge } from '../lib/verdict.mjs';
import { writeReports } from '../reporters/index.mjs';
import { renderTerminal } from '../reporters/terminal.mjs';
import { makeScratch } from './harness-fixtures.mjs';

const REPOSITORY = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const ARTIFACTS = path.join(REPOSITORY, 'reports', 'harness');

/** @typedef {import('../lib/types.mjs').PageRecord} PageRecord */
/** @typedef {import('../lib/types.mjs').Report} Report */
/** @typedef {import('../lib/types.mjs').RunInfo} RunInfo */
/** @typedef {import('../lib/types.mjs').ConfigurationReport} ConfigurationReport */
/** @typedef {import('../lib/types.mjs').ExpectationsByName} ExpectationsByName */
/** @typedef {import('../lib/types.mjs').Mode} Mode */
/** @typedef {import('../lib/types.mjs').Scope} Scope */
/** @typedef {import('../lib/types.mjs').SubtestStatus} SubtestStatus */

/**
 * One page's record of read.any.js as records.mjs makes it.
 * @param {string} configuration  "browser:mode"
 * @param {Scope} scope
 * @param {string} variant
 * @param {Record<string, SubtestStatus>} subtests  status by subtest name
 * @param {Partial<PageRecord>} [extra]  fields that differ
 * @returns {PageRecord}
 */
function record(configuration, scope, variant, subtests, extra = {}) {
  const [browser, mode] = configuration.split(':');
  return {
    file: 'websockets/stream/read.any.js', configuration, browser, engine: browser, mode: /** @type {Mode} */ (mode), expectations: browser,
    scope, variant, url: `/websockets/stream/read.any.html${variant === 'wss' ? '?wss' : ''}`,
    status: 'OK', message: null, timedOut: false, crashed: false, crashKind: null, durationMs: 12,
    subtests: Object.entries(subtests).map(([name, status]) => ({ name, status, message: status === 'PASS' ? null : `${name} went wrong` })),
    ...extra,
  };
}

/**
 * A report of a small run, through judge() and buildReport() as the runner makes one.
 * @param {{ reference?: boolean }} [which]  reference: whether native Chromium ran
 * @returns {Report}
 */
function sampleReport({ reference = true } = {}) {
  /** @type {PageRecord[]} */
  const records = [];
  for (const scope of /** @type {Scope[]} */ (['window', 'worker'])) {
    for (const variant of ['default', 'wss']) {
      if (reference) records.push(record('chromium:native', scope, variant, { 'text message': 'PASS', 'binary message is a Uint8Array': 'FAIL', 'backpressure': 'PASS' }));
      records.push(record('chromium:polyfill', scope, variant, { 'text message': 'PASS', 'binary message is a Uint8Array': 'PASS', 'backpressure': 'FAIL' }));
      records.push(record('webkit:polyfill', scope, variant, { 'text message': 'PASS', 'binary message is a Uint8Array': 'PASS', 'backpressure': scope === 'worker' ? 'TIMEOUT' : 'FAIL' }));
    }
  }
  if (reference) records.push(record('chromium:native', 'window', 'default', {}, { file: 'websockets/stream/crashy.any.js', status: 'CRASH', crashed: true }));
  records.push(record('chromium:polyfill', 'window', 'default', { 'close after abort': 'PASS' }, { file: 'websockets/stream/crashy.any.js' }));
  const reason = 'a documented reason for the test';
  /** @type {ExpectationsByName} */
  const expectations = {
    chromium: [
      { file: 'websockets/stream/read.any.js', test: 'binary message is a Uint8Array', scope: '*', variant: '*', mode: 'native', expected: 'FAIL', reason, index: 0, declaredIn: 'chromium' },
      { file: 'websockets/stream/read.any.js', test: 'backpressure', scope: '*', variant: '*', mode: 'polyfill', expected: 'FAIL', reason, index: 1, declaredIn: 'chromium' },
      { file: 'websockets/stream/crashy.any.js', test: undefined, scope: '*', variant: '*', mode: 'native', expected: 'CRASH', reason, index: 2, declaredIn: 'chromium' },
    ],
    // WebKit's worker TIMEOUT is deliberately not listed: one unexpected result per worker variant.
    webkit: [{ file: 'websockets/stream/read.any.js', test: 'backpressure', scope: 'window', variant: '*', mode: 'polyfill', expected: 'FAIL', reason, index: 0, declaredIn: 'webkit' }],
  };
  const verdict = judge(records, expectations);
  const ids = reference ? ['chromium:native', 'chromium:polyfill', 'webkit:polyfill'] : ['chromium:polyfill', 'webkit:polyfill'];
  const configurations = ids.map((id) => /** @type {ConfigurationReport} */ ({
    id, browser: id.split(':')[0], engine: id.split(':')[0], mode: /** @type {Mode} */ (id.split(':')[1]), args: [], expectations: id.split(':')[0],
    isReference: id === 'chromium:native', comparedWithReference: id !== 'chromium:native', driver: 'playwright', source: 'test', browserVersion: '1.0',
    skipped: null, skip: null, sessions: id === 'webkit:polyfill' ? 2 : 1,
  }));
  /** @type {RunInfo} */
  const run = {
    startedAt: '2025-01-01T00:00:00.000Z', finishedAt: '2025-01-01T00:01:00.000Z', wallTimeMs: 60_000,
    exitCode: verdict.unexpected.length > 0 ? 1 : 0, tool: { name: 'test', version: '0' }, node: process.version,
    platform: process.platform, arch: process.arch, cpus: 2, workers: 2,
    options: { browsers: ['chromium', 'webkit'], modes: ['native', 'polyfill'], scopes: ['window', 'worker'], variants: ['default', 'wss'], filters: [], shard: null, wptRoot: 'wpt', polyfill: 'dist/x.js', expectationsDir: 'e', timeoutMultiplier: 1 },
    reference: 'chromium:native', configurations,
    files: ['websockets/stream/crashy.any.js', 'websockets/stream/read.any.js'],
  };
  return buildReport({ run, verdict });
}

/**
 * The summary table and the totals line, as a browser renders them, against the report.
 * @param {import('playwright').Page} page
 * @param {Report} report
 */
async function checkSummaryAndTotals(page, report) {
  const summary = await page.$$eval('#summary tbody tr', (rows) => rows.map((row) => ({
    configuration: row.dataset.configuration,
    cell: row.querySelector('.passed-total')?.textContent,
    unexpected: Number(row.dataset.unexpected),
    colour: getComputedStyle(/** @type {Element} */ (row.querySelector('td'))).backgroundColor,
  })));
  assert.equal(summary.length, report.summary.length);
  for (const [index, group] of report.summary.entries()) {
    assert.equal(summary[index].configuration, group.configuration);
    assert.equal(summary[index].cell, `${group.passed}/${group.total}`);
    assert.equal(summary[index].unexpected, group.unexpected);
  }
  const colours = new Set(summary.map((row) => row.colour));
  assert.ok(colours.size >= 2, `rows are colour-coded (${[...colours]})`);

  // Its data-* attributes and its text.
  const totals = /** @type {Record<string, string>} */ (await page.$eval('#totals', (element) => ({ ...element.dataset, text: element.textContent })));
  const passed = report.summary.reduce((sum, group) => sum + group.passed, 0);
  const total = report.summary.reduce((sum, group) => sum + group.total, 0);
  assert.equal(Number(totals.passed), passed);
  assert.equal(Number(totals.total), total);
  assert.match(totals.text, new RegExp(`${passed}/${total} subtests passed`));
  assert.match(await page.textContent('#verdict') ?? '', /FAILED — 2 unexpected/);
}

describe('reporters', () => {
  const report = sampleReport();
  let scratch = { directory: '', remove: async () => {} };

  before(async () => {
    scratch = await makeScratch('wss-conformance-report-');
  });
  after(async () => {
    await scratch.remove();
  });

  it('builds a report that follows the schema', () => {
    assert.deepEqual(validateReport(report), []);
    assert.equal(report.run.exitCode, 1);
    assert.equal(report.unexpected.length, 2, 'the two unlisted WebKit worker timeouts');
    assert.ok(report.unexpected.every((item) => item.configuration === 'webkit:polyfill' && item.scope === 'worker'));
    assert.ok(validateReport({ ...report, schemaVersion: 2 }).length > 0, 'the validator can fail');
  });

  it('writes JSON that round-trips and an HTML file with no external resources', async () => {
    const { files } = await writeReports(report, { reporters: ['json', 'html'], outDir: scratch.directory });
    assert.deepEqual(files.map((file) => path.basename(file)), ['results.json', 'report.html']);
    assert.deepEqual(JSON.parse(await readFile(files[0], 'utf8')), report);
    const html = await readFile(files[1], 'utf8');
    assert.doesNotMatch(html, /<(script|link|img)[^>]+(src|href)=/i, 'nothing loaded from elsewhere');
  });

  it('prints the table, the reasons and the unexpected results in the terminal', () => {
    const text = renderTerminal(report);
    assert.match(text, /configuration\s+scope\s+variant\s+passed\/total\s+differences\s+unexpected/);
    assert.match(text, /chromium:native \(ref\)\s+window\s+ws\s+2\/3\s+-/);
    assert.match(text, /chromium:polyfill\s+window\s+ws\s+3\/4\s+3\s+0/, 'both files add up in a group');
    assert.match(text, /chromium:polyfill\s+window\s+wss\s+2\/3\s+2\s+0/);
    assert.match(text, /native departs from the standard: native FAIL, here PASS/);
    assert.match(text, /reason: a documented reason for the test/);
    assert.match(text, /UNEXPECTED RESULTS \(2\)/);
    assert.match(text, /FAILED: 2 unexpected result/);
  });

  it('speaks of differences from native Chromium only when native Chromium ran', async () => {
    // The same results, judged as a --no-reference run is: no reference record, no reference configuration.
    const withoutReference = sampleReport({ reference: false });
    const text = renderTerminal(withoutReference);
    assert.match(text, /no reference run: results judged against expectations only/);
    assert.doesNotMatch(text, /Differences from native Chromium/);
    assert.doesNotMatch(text, /every difference from native Chromium/);
    assert.match(text, /chromium:polyfill\s+window\s+ws\s+\S+\s+-\s/, 'no differences counted without a reference');
    const { files } = await writeReports(withoutReference, { reporters: ['html'], outDir: scratch.directory });
    assert.doesNotMatch(await readFile(files[0], 'utf8'), /every difference from native Chromium/);

    // A reference that was asked for but could not start is no reference either.
    const skipped = sampleReport();
    skipped.run.configurations[0].skipped = 'could not start chromium';
    assert.doesNotMatch(renderTerminal(skipped), /Differences from native Chromium/);
    assert.match(renderTerminal(report), /Differences from native Chromium/);
  });

  it('shows how long each row took and how many sessions a configuration used', () => {
    const text = renderTerminal(report);
    assert.match(text, /passed\/total\s+differences\s+unexpected\s+crashes\s+timeouts\s+time/);
    assert.ok(report.summary.every((row) => row.wallTimeMs === 12 * row.files), 'each row adds up its pages');
    assert.match(text, /webkit:polyfill\s+1\.0 via playwright \(test\), 2 sessions/);
  });

  it('renders the HTML matrix with the right counts in headless Chromium', async (t) => {
    const { files } = await writeReports(report, { reporters: ['html'], outDir: scratch.directory });
    const found = (await detectBrowsers()).chromium;
    if (!found) {
      t.skip('no Chromium here (node conformance/cli.mjs setup-browsers installs one)');
      return;
    }
    const browser = await chromium.launch({
      executablePath: found.executablePath,
      args: process.getuid?.() === 0 ? ['--no-sandbox'] : [],
      timeout: 60_000,
    });
    try {
      const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
      /** @type {string[]} */
      const requests = [];
      page.on('request', (request) => requests.push(request.url()));
      await page.goto(`file://${files[0]}`);

      await checkSummaryAndTotals(page, report);

      // 4 subtest rows + 1 file-status row for the crash; filters narrow them.
      assert.equal(await page.textContent('#row-count'), '5');
      await page.selectOption('#filter-kind', 'unexpected');
      assert.equal(await page.textContent('#row-count'), '1');
      await page.selectOption('#filter-kind', 'differences');
      assert.equal(await page.textContent('#row-count'), '3', 'binary, backpressure, close after abort');
      await page.selectOption('#filter-kind', '');
      await page.fill('#filter-text', 'backpressure');
      assert.equal(await page.textContent('#row-count'), '1');
      await page.fill('#filter-text', '');
      await page.selectOption('#filter-scope', 'worker');
      const visibleColumns = await page.$$eval('#matrix thead tr:nth-child(2) th', (cells) => cells.filter((cell) => cell.style.display !== 'none').length);
      assert.equal(visibleColumns, 6, '3 configurations × 2 variants in the worker scope');
      await page.selectOption('#filter-scope', '');

      assert.deepEqual(requests.filter((url) => !url.startsWith('file://')), [], 'no network requests');
      await mkdir(ARTIFACTS, { recursive: true });
      await page.screenshot({ path: path.join(ARTIFACTS, 'html-report.png'), fullPage: true });
    } finally {
      await browser.close();
    }
  });
});
