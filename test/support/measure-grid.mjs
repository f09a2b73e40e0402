#!/usr/bin/env node
// Measures one matrix three ways — here with --workers 1, here with --workers 2, and through a
// Selenium Grid started for it (selenium-grid.mjs) with --workers 2 — one after another, and
// writes what each run's own report says (wall time, sessions, verdict, each row's time) to
// docs/grid-timings.json; scripts/grid-timings-page.mjs renders that into the docs.
// Not part of `npm test` (it takes minutes).
//
//   node test/support/measure-grid.mjs [--files a.any.js,b.any.js] [--json FILE]
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { run } from '../../conformance/lib/command.mjs';
import { detectGridTools } from '../../conformance/lib/browsers.mjs';
import { startSeleniumGrid } from './selenium-grid.mjs';

const REPOSITORY = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const CLI = path.join(REPOSITORY, 'conformance', 'cli.mjs');
const RUN_BOUND_MS = 30 * 60_000;
const DEFAULT_FILES = ['websocket-error.any.js', 'idl.any.js', 'close-during-handshake.any.js', 'close-after-abort-during-handshake.any.js'];
const BROWSERS = 'chromium,chromium-experimental,webkit';

const { values } = parseArgs({ options: { files: { type: 'string' }, json: { type: 'string' } } });
const files = values.files ? values.files.split(',') : DEFAULT_FILES;
const output = path.resolve(values.json ?? path.join(REPOSITORY, 'docs', 'grid-timings.json'));
const matrix = ['--browsers', BROWSERS, ...files.flatMap((file) => ['--filter', file])];
const tools = gridTools();
const scratch = mkdtempSync(path.join(os.tmpdir(), 'measure-grid-'));

/**
 * The binaries the grid runs on; exits 2, naming what is missing, if one is not on this machine.
 * @returns {{ [Tool in keyof ReturnType<typeof detectGridTools>]: string }}
 */
function gridTools() {
  const found = detectGridTools();
  const missing = Object.entries(found).filter(([, file]) => file === null).map(([name]) => name);
  if (missing.length > 0) {
    console.error(`measure-grid: not found on this machine: ${missing.join(', ')} (test/grid.test.mjs names the Debian packages)`);
    process.exit(2);
  }
  return /** @type {{ [Tool in keyof typeof found]: string }} */ (found);
}

/**
 * Runs the CLI and reads back its report.
 * @param {string} name  of this way of running, for the timings file
 * @param {string[]} args  the CLI's arguments for it
 */
function measure(name, args) {
  const outDir = path.join(scratch, name);
  const loadBefore = os.loadavg()[0];
  const result = run(process.execPath, [CLI, ...matrix, ...args, '--out', outDir, '--reporter', 'json', '--quiet'], { cwd: REPOSITORY, timeoutMs: RUN_BOUND_MS });
  if (result.status !== 0 && result.status !== 1) throw new Error(`${name}: the run ended with exit ${result.status ?? result.signal}, without a verdict`);
  /** @type {import('../../conformance/lib/types.mjs').Report} */
  const report = JSON.parse(readFileSync(path.join(outDir, 'results.json'), 'utf8'));
  const entry = {
    name,
    args,
    exitCode: result.status,
    wallTimeMs: report.run.wallTimeMs,
    workers: report.run.workers,
    sessions: report.run.sessions,
    pages: report.results.length,
    loadAverage: { before: round(loadBefore), after: round(os.loadavg()[0]) },
    rows: report.summary.map((row) => ({ row: `${row.configuration} ${row.scope} ${row.variant}`, wallTimeMs: row.wallTimeMs })),
  };
  console.log(`${name}: ${(entry.wallTimeMs / 1000).toFixed(1)} s, ${entry.sessions} sessions, exit ${entry.exitCode}, load ${entry.loadAverage.before} → ${entry.loadAverage.after}`);
  return entry;
}

/** @param {number} value */
function round(value) {
  return Math.round(value * 10) / 10;
}

/** @type {ReturnType<typeof measure>[]} */
const runs = [];
let gridStartMs;
try {
  runs.push(measure('local, --workers 1', ['--workers', '1']), measure('local, --workers 2', ['--workers', '2']));
  const gridStarted = Date.now();
  const grid = await startSeleniumGrid({ chromium: { chromium: tools.chromium, chromedriver: tools.chromedriver }, webkit: { webDriver: tools.webkitWebDriver, miniBrowser: tools.miniBrowser, xvfb: tools.xvfb }, chromiumSlots: 4, webkitSlots: 2 });
  gridStartMs = Date.now() - gridStarted;
  try {
    runs.push(measure('Selenium Grid, --workers 2', ['--workers', '2', '--webdriver-url', grid.url,
      '--webdriver-capabilities', `chromium=${JSON.stringify(grid.capabilities.chromium)}`,
      '--webdriver-capabilities', `webkit=${JSON.stringify(grid.capabilities.webkit)}`]));
  } finally {
    await grid.stop();
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}

const timings = {
  measuredAt: new Date().toISOString(),
  machine: { cpus: os.cpus().length, memoryGiB: Math.round(os.totalmem() / 2 ** 30), node: process.version },
  matrix: { browsers: BROWSERS, files, scopes: 'window, worker', variants: 'ws, wss' },
  grid: { topology: 'hub, a Chromium node with 4 slots, 2 WebKitGTK relay nodes, all on this machine', startMs: gridStartMs },
  runs,
};
writeFileSync(output, `${JSON.stringify(timings, null, 2)}\n`);
console.log(`wrote ${path.relative(REPOSITORY, output)}`);
