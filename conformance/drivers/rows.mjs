// @ts-check
// The driver of an engine row (lib/rows.mjs): the launcher driver for a
// browser binary (an old Chromium, a user's build), the runtime driver for
// Deno, Bun and Node. The row's binary was obtained before the run
// (lib/prepare-rows.mjs), so nothing is fetched here.
import { createLauncherDriver } from './launcher.mjs';
import { createRuntimeDriver } from './runtime.mjs';

/** @typedef {import('../lib/types.mjs').Configuration} Configuration */
/** @typedef {import('../lib/types.mjs').Driver} Driver */

/**
 * @param {Pick<Configuration, 'engine'|'row'>} configuration
 * @param {{ serverOrigin?: string|null, distDir?: string, timeoutMultiplier?: number }} options
 *   serverOrigin: where a browser starts (so its version is known once launched);
 *   distDir: the folder of the build under test, whose node.js and index.js runtimes import
 * @returns {Driver}
 */
export function createRowDriver({ engine, row }, { serverOrigin = null, distDir, timeoutMultiplier = 1 }) {
  if (!row?.executable) throw new Error(`${engine}: the row's binary was not obtained before the run`);
  const source = row.obtainedFrom ?? row.executable;
  if (row.driver === 'launcher') return createLauncherDriver({ executable: row.executable, serverOrigin, source });
  if (engine !== 'deno' && engine !== 'bun' && engine !== 'node') throw new Error(`no runtime driver for "${engine}"`);
  // Native unless the page is under /_polyfill/: one driver serves both of a row's modes.
  return /** @type {Driver} */ (createRuntimeDriver({
    engine, executable: row.executable, mode: 'native', socket: row.socket ?? 'ws', source, timeoutMultiplier,
    ...(distDir ? { distDir } : {}),
  }));
}
