#!/usr/bin/env node
// Measures whole-suite rows through the engine drivers, until the runner
// schedules them itself: every .any.js file but the ones excluded, each page
// of the row, one after another, against one in-process conformance server.
// Not part of `npm test` (a row takes minutes).
//
//   node conformance/test/measure-engine-rows.mjs [--rows chromium123,node18,deno-native,...]
//        [--exclude fuzz.any.js] [--only close.any.js] [--json FILE]
//
// Prints one line per page, then per row: wall time, pages, subtests passed,
// and every subtest that did not pass (what expectation entries will need).
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createLauncherDriver } from '../drivers/launcher.mjs';
import { createRuntimeDriver, runtimePages } from '../drivers/runtime.mjs';
import { obtainEngine } from '../lib/engines.mjs';
import { killAllHelpers } from '../lib/processes.mjs';
import { fileTimeoutMs, pageUrl } from '../lib/matrix.mjs';
import { listTestFiles, parseMeta, startServer, testPages } from '../server/index.mjs';

const REPOSITORY = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const WPT_ROOT = path.join(REPOSITORY, 'wpt');
const LEGACY_BUILD = path.join(REPOSITORY, 'dist', 'websocketstream-polyfill.legacy.min.js');

/** @typedef {import('../lib/types.mjs').Mode} Mode */
/** @typedef {import('../lib/types.mjs').PageOutcome} PageOutcome */
/** @typedef {import('../lib/types.mjs').PageSpec} PageSpec */
/** @typedef {import('../lib/engines.mjs').ObtainedEngine} ObtainedEngine */
/** @typedef {import('../server/index.mjs').TestServer} TestServer */
/**
 * @typedef {object} Row
 * @property {string} spec  the engines.mjs spec
 * @property {'launcher'|'runtime'} driver
 * @property {Mode} mode
 * @property {'ws'|'global'} [socket]  a runtime's polyfill entry
 * @property {string} [polyfillFile]  the build the server serves, when not the modern one
 */
/** @typedef {{ exclude: string[], only: string[] }} Selection  file names to leave out, or to keep alone */
/** @typedef {Row & { name: string, version: string, obtainedFrom: string, obtainMs: number, wallMs: number, results: (PageOutcome & { file: string, scope: string, variant: string })[] }} MeasuredRow */

/**
 * The rows this can measure: an engine spec, a driver, a mode, and what the pages are.
 * @type {Record<string, Row>}
 */
const ROWS = {
  chromium123: { spec: 'chromium@123', driver: 'launcher', mode: 'polyfill' },
  chromium92: { spec: 'chromium@92', driver: 'launcher', mode: 'polyfill', polyfillFile: LEGACY_BUILD },
  chromium126: { spec: 'chromium@126', driver: 'launcher', mode: 'native' },
  node18: { spec: 'node@18.20.8', driver: 'runtime', mode: 'polyfill', socket: 'ws' },
  node22global: { spec: 'node@22.23.5', driver: 'runtime', mode: 'polyfill', socket: 'global' },
  'deno-native': { spec: 'deno@2.9.6', driver: 'runtime', mode: 'native' },
  'deno-polyfill': { spec: 'deno@2.9.6', driver: 'runtime', mode: 'polyfill', socket: 'global' },
  bun: { spec: 'bun@1.4.5', driver: 'runtime', mode: 'polyfill', socket: 'ws' },
};

/**
 * Every page of the row, with its bound.
 * @param {Row} row
 * @param {Selection} options
 */
async function planPages(row, options) {
  const files = (await listTestFiles(WPT_ROOT))
    .filter((file) => !options.exclude.some((name) => file.endsWith(`/${name}`)))
    .filter((file) => options.only.length === 0 || options.only.some((name) => file.endsWith(`/${name}`)));
  /** @type {{ file: string, page: PageSpec, timeoutMs: number }[]} */
  const pages = [];
  for (const file of files) {
    const meta = parseMeta(await readFile(path.join(WPT_ROOT, file), 'utf8'));
    // A runtime's pages are the shell scope's.
    const filePages = row.driver === 'runtime' ? /** @type {PageSpec[]} */ (runtimePages(file, meta)) : testPages(file, meta);
    for (const page of filePages) pages.push({ file, page, timeoutMs: fileTimeoutMs(meta) });
  }
  return pages;
}

/**
 * @param {Row} row
 * @param {ObtainedEngine} engine
 * @param {TestServer} server
 */
async function createDriver(row, engine, server) {
  if (row.driver === 'launcher') return createLauncherDriver({ executable: engine.executable, serverOrigin: server.httpOrigin, source: engine.obtainedFrom });
  // A runtime row's spec names a runtime.
  return createRuntimeDriver({ engine: /** @type {'deno'|'bun'|'node'} */ (engine.engine), executable: engine.executable, mode: row.mode, socket: row.socket, source: engine.obtainedFrom });
}

/**
 * Runs every page of the row in one session of its engine.
 * @param {string} name
 * @param {Row} row
 * @param {Selection} options
 * @returns {Promise<MeasuredRow>}
 */
async function measureRow(name, row, options) {
  const obtainStarted = Date.now();
  const engine = await obtainEngine(row.spec);
  const obtainMs = Date.now() - obtainStarted;
  const server = await startServer(row.polyfillFile ? { polyfillFile: row.polyfillFile } : {});
  const driver = await createDriver(row, engine, server);
  /** @type {MeasuredRow['results']} */
  const results = [];
  const started = Date.now();
  try {
    await driver.launch();
    for (const { file, page, timeoutMs } of await planPages(row, options)) {
      // Runtimes open the window page's URL; browsers the mode's page.
      const url = row.driver === 'runtime' ? `${server.httpOrigin}${page.path}` : pageUrl(server.httpOrigin, page, row.mode);
      const outcome = await driver.runPage(url, { timeoutMs });
      const passed = outcome.subtests.filter((subtest) => subtest.status === 'PASS').length;
      console.log(`${name.padEnd(14)} ${page.scope.padEnd(6)} ${page.variant.padEnd(7)} ${file.padEnd(55)} ${outcome.status.padEnd(7)} ${String(passed).padStart(3)}/${String(outcome.subtests.length).padEnd(3)} ${(outcome.durationMs / 1000).toFixed(1)}s${outcome.message ? `  ${outcome.message.slice(0, 120)}` : ''}`);
      results.push({ file, scope: page.scope, variant: page.variant, ...outcome });
    }
  } finally {
    await driver.close();
    await server.close();
  }
  return { name, ...row, version: driver.version ?? engine.version, obtainedFrom: engine.obtainedFrom, obtainMs, wallMs: Date.now() - started, results };
}

/** @param {MeasuredRow} row */
function summarize(row) {
  const subtests = row.results.flatMap((result) => result.subtests);
  const passed = subtests.filter((subtest) => subtest.status === 'PASS').length;
  console.log(`\n${row.name}: ${row.obtainedFrom} (${row.version}), ${row.mode}${row.socket ? ` via ${row.socket}` : ''}: ` +
    `${row.results.length} pages in ${(row.wallMs / 1000).toFixed(1)} s, ${passed}/${subtests.length} subtests passed`);
  for (const result of row.results) {
    if (result.status !== 'OK') console.log(`  ${result.status} ${result.scope} ${result.variant} ${result.file}: ${result.message}`);
    for (const subtest of result.subtests.filter((item) => item.status !== 'PASS')) {
      console.log(`  ${subtest.status} ${result.scope} ${result.variant} ${result.file} :: ${subtest.name} — ${(subtest.message ?? '').slice(0, 160)}`);
    }
  }
}

const { values } = parseArgs({
  options: {
    rows: { type: 'string', default: 'chromium123,node18,deno-native' },
    exclude: { type: 'string', multiple: true, default: ['fuzz.any.js'] },
    only: { type: 'string', multiple: true, default: [] },
    json: { type: 'string' },
  },
});
// Ctrl-C: the browsers and runtimes run in process groups of their own, which would outlive us.
process.once('SIGINT', () => {
  killAllHelpers();
  process.exit(130);
});
/** @type {MeasuredRow[]} */
const measured = [];
for (const name of values.rows.split(',')) {
  if (!ROWS[name]) throw new Error(`unknown row ${name} (known: ${Object.keys(ROWS).join(', ')})`);
  measured.push(await measureRow(name, ROWS[name], values));
}
for (const row of measured) summarize(row);
if (values.json) await writeFile(values.json, JSON.stringify(measured, null, 1));
