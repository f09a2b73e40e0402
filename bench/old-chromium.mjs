// Old Chromium builds as bench environments: the @sparticuz/chromium builds without a
// WebSocketStream of their own, which the conformance matrix runs as rows (chromium@92 …). Each is
// named, obtained and probed the way the harness does it (conformance/lib/rows.mjs, engines.mjs,
// prepare-rows.mjs), so a build loads the same polyfill build here as in the matrix: the modern one
// where it parses, else the legacy one.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CHROMIUM_PACKAGE_VERSIONS, CHROMIUM_WEBSOCKETSTREAM_MAJOR, EngineError, parseEngineSpec } from '../conformance/lib/engines.mjs';
import { obtainRow, probeBundle } from '../conformance/lib/prepare-rows.mjs';
import { parseRow } from '../conformance/lib/rows.mjs';
import { UsageError } from '../conformance/lib/usage-error.mjs';
import { startServer } from '../conformance/server/index.mjs';

/** @typedef {import('./types.mjs').EngineBuild} EngineBuild */

const repositoryRoot = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
/** The modern build the bench page loads; the harness's server serves the legacy one beside it. */
const BENCH_POLYFILL_FILE = path.join(repositoryRoot, 'dist', 'websocketstream-polyfill.min.js');

const OLD_MAJORS = Object.keys(CHROMIUM_PACKAGE_VERSIONS)
  .map(Number)
  .filter((major) => major < CHROMIUM_WEBSOCKETSTREAM_MAJOR);

/** What a full run measures after the current engines: the oldest and the newest build without a WebSocketStream. */
export const OLD_CHROMIUM_ENVIRONMENTS = [`chromium@${Math.min(...OLD_MAJORS)}`, `chromium@${Math.max(...OLD_MAJORS)}`];

/**
 * The sizes an old Chromium is measured at when the run names none: the smallest, where per-message
 * costs show, and 64 KiB, where the transfer does. Every size in both builds would add some five
 * minutes to a full run; these two are enough to say where an old WebSocket is the limit.
 */
export const OLD_CHROMIUM_SIZES = [16, 64 * 1024];

/** @param {string} name */
export const isOldChromium = (name) => name.startsWith('chromium@');

/**
 * The harness's row for `name`; a UsageError (one line) for a build the engines module does not know.
 * @param {string} name
 */
export function oldChromiumRow(name) {
  try {
    parseEngineSpec(name);
  } catch (error) {
    if (!(error instanceof EngineError)) throw error;
    throw new UsageError(`--only ${error.message}`);
  }
  // A spec parseEngineSpec() takes is a row of the matrix.
  return /** @type {import('../conformance/lib/rows.mjs').RowSpec} */ (parseRow(name)).row;
}

/**
 * Obtains the build (from the harness's cache, or the npm registry into it) and asks it which
 * polyfill build it parses, on a test server of the harness's own started for that. A build that
 * cannot be had throws a UsageError that says why, in one line.
 * @param {string} name
 * @param {{ log: (line: string) => void }} options
 * @returns {Promise<{ command: string, build: EngineBuild }>}
 */
export async function prepareOldChromium(name, { log }) {
  const row = oldChromiumRow(name);
  await obtainRow(row, { log });
  const server = await startServer({ polyfillFile: BENCH_POLYFILL_FILE });
  try {
    await probeBundle(row, server.httpOrigin);
  } finally {
    await server.close();
  }
  // obtainRow() set the executable, probeBundle() the build.
  const { executable, spec, version, obtainedFrom, bundle, note } = row;
  return { command: /** @type {string} */ (executable), build: { spec, version, obtainedFrom, bundle: bundle ?? 'modern', note } };
}
