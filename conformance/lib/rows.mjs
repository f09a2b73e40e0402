// @ts-check
// Engine rows: matrix rows whose engine is a binary the harness obtains (or
// the user keeps), not a browser that Playwright or WebDriver drives. One
// --browsers item names one row:
//
//   chromium@92            an old Chromium from @sparticuz/chromium (a major, or
//                          an exact package version: chromium@123.0.1), run by the
//                          launcher driver (drivers/launcher.mjs), window and worker
//   deno, deno@2.9.6       Deno: native (--unstable-net) and with the polyfill
//                          (dist/index.js over Deno's WebSocket), scope `shell`
//   bun, bun@1.4.5         Bun with dist/node.js (Bun's built-in `ws`); bun/global:
//                          dist/index.js over Bun's WebSocket
//   node@22, node@22.23.5  Node.js with dist/node.js over the `ws` package;
//                          node@22/global: dist/index.js over Node's own WebSocket
//   NAME                   a binary given by --browser-executable NAME=PATH: any
//                          local Chromium build, run by the launcher driver
//
// A row without an exact version gets the pinned one (engines.mjs,
// RUNTIME_VERSIONS), so `node@18` means one binary everywhere. Every row has
// a native configuration (the scheduler asks the engine for a WebSocketStream
// of its own first, and skips it when there is none: only Deno and Chromium
// from 126 on have one) and a polyfill configuration; a /global row is the
// second polyfill row of an engine and has no native one of its own.
import { CHROMIUM_PACKAGE_VERSIONS, RUNTIME_VERSIONS } from './engines.mjs';
import { UsageError } from './usage-error.mjs';

/** @typedef {import('./types.mjs').EngineRow} EngineRow */
/** @typedef {import('./types.mjs').Mode} Mode */
/** @typedef {import('./types.mjs').Scope} Scope */

/**
 * What buildConfigurations needs to make a row's configurations.
 * @typedef {object} RowSpec
 * @property {string} name  the --browsers item, e.g. "node@22/global"
 * @property {string} engine  chromium, deno, bun, node
 * @property {Mode[]} modes
 * @property {Scope[]} scopes
 * @property {string[]} expectations  the expectations files to use, most specific first: the first that exists
 * @property {EngineRow} row
 */

const ROW_PATTERN = /^(chromium|deno|bun|node)(?:@v?(\d+(?:\.\d+){0,2}))?(?:\/(ws|global))?$/;
const EXECUTABLE_NAME = /^[a-z][a-z0-9_.-]*$/;

/**
 * The row an item names, or null when the item is no row (a standard browser, or a typo).
 * @param {string} item
 * @param {Record<string, string>} executables  NAME → PATH (--browser-executable)
 * @returns {RowSpec|null}
 */
export function parseRow(item, executables = {}) {
  if (Object.hasOwn(executables, item)) return userBinaryRow(item, executables[item]);
  const match = ROW_PATTERN.exec(item);
  if (!match) return null;
  const [, engine, version, socket] = match;
  if (engine === 'chromium') return chromiumRow(item, version, socket);
  return runtimeRow(item, engine, version, /** @type {'ws'|'global'|undefined} */ (socket));
}

/**
 * @param {string} name
 * @param {string|undefined} version
 * @param {string|undefined} socket
 * @returns {RowSpec}
 */
function chromiumRow(name, version, socket) {
  if (version === undefined) throw new UsageError(`--browsers ${name}: name a Chromium major, e.g. chromium@92 (there are: ${Object.keys(CHROMIUM_PACKAGE_VERSIONS).join(', ')})`);
  if (socket !== undefined) throw new UsageError(`--browsers ${name}: /${socket} is for runtimes (bun, node); a browser has one WebSocket`);
  const major = version.split('.')[0];
  if (!version.includes('.') && !(major in CHROMIUM_PACKAGE_VERSIONS)) {
    throw new UsageError(`--browsers ${name}: @sparticuz/chromium has no build of Chromium ${major}; it has ${Object.keys(CHROMIUM_PACKAGE_VERSIONS).join(', ')}`);
  }
  if (version.split('.').length === 2) throw new UsageError(`--browsers ${name}: give a Chromium major (chromium@123) or an exact package version (chromium@123.0.1)`);
  return {
    name, engine: 'chromium', modes: ['native', 'polyfill'], scopes: ['window', 'worker'],
    expectations: [`chromium-${major}`, 'chromium'],
    row: newRow({ driver: 'launcher', spec: `chromium@${version}` }),
  };
}

/**
 * @param {string} name
 * @param {string} engine  deno, bun, node
 * @param {string|undefined} version
 * @param {'ws'|'global'|undefined} socket
 * @returns {RowSpec}
 */
function runtimeRow(name, engine, version, socket) {
  const exact = runtimeVersion(name, engine, version);
  const major = exact.split('.')[0];
  // Deno runs the polyfill over its own WebSocket: its npm compatibility layer is not what users of Deno load.
  const entry = socket ?? (engine === 'deno' ? 'global' : 'ws');
  if (engine === 'deno' && entry === 'ws') throw new UsageError(`--browsers ${name}: Deno rows use the polyfill over Deno's own WebSocket (deno, not deno/ws)`);
  if (engine === 'node' && entry === 'global' && Number(major) < 20) {
    throw new UsageError(`--browsers ${name}: Node ${major} has no global WebSocket; the /node entry needs the ws package there (node@${major} is that row)`);
  }
  // A /global row is an engine's second polyfill row: its native configuration would be the first row's again.
  const secondRow = engine !== 'deno' && socket === 'global';
  const suffix = secondRow ? '-global' : '';
  return {
    name, engine, modes: secondRow ? ['polyfill'] : ['native', 'polyfill'], scopes: ['shell'],
    expectations: [...new Set([`${engine}-${major}${suffix}`, `${engine}${suffix}`, `${engine}-${major}`, engine])],
    row: newRow({ driver: 'runtime', spec: `${engine}@${exact}`, socket: entry }),
  };
}

/**
 * @param {string} name
 * @param {string} engine
 * @param {string|undefined} version
 */
function runtimeVersion(name, engine, version) {
  const pinned = RUNTIME_VERSIONS[engine];
  if (version === undefined) {
    if (pinned.default) return pinned.default;
    throw new UsageError(`--browsers ${name}: name a Node major (${Object.keys(pinned).map((major) => `node@${major}`).join(', ')}) or an exact version`);
  }
  if (/^\d+\.\d+\.\d+$/.test(version)) return version;
  if (!version.includes('.') && pinned[version]) return pinned[version];
  const known = Object.entries(pinned).map(([major, exact]) => (major === 'default' ? exact : `${major} (${exact})`)).join(', ');
  throw new UsageError(`--browsers ${name}: give an exact version x.y.z, or one measured here: ${known}`);
}

/**
 * @param {string} name
 * @param {string} executable
 * @returns {RowSpec}
 */
function userBinaryRow(name, executable) {
  return {
    name, engine: 'chromium', modes: ['native', 'polyfill'], scopes: ['window', 'worker'],
    expectations: [name, 'chromium'],
    row: newRow({ driver: 'launcher', spec: null, executable, obtainedFrom: 'a local binary (--browser-executable)' }),
  };
}

/**
 * @param {Partial<EngineRow> & Pick<EngineRow, 'driver'|'spec'>} fields
 * @returns {EngineRow}
 */
function newRow(fields) {
  return { executable: null, obtainedFrom: null, version: null, socket: null, bundle: null, note: null, ...fields };
}

/**
 * Reads `--browser-executable NAME=PATH` (repeatable) into NAME → PATH.
 * @param {string[]|undefined} values
 * @param {string[]} reserved  names that mean something already
 * @returns {Record<string, string>}
 */
export function executablesOption(values = [], reserved = []) {
  /** @type {Record<string, string>} */
  const executables = {};
  for (const value of values) {
    const equals = value.indexOf('=');
    const name = value.slice(0, equals);
    const file = value.slice(equals + 1);
    if (equals < 1 || file === '') throw new UsageError(`--browser-executable: expected NAME=PATH, got "${value}"`);
    if (!EXECUTABLE_NAME.test(name)) throw new UsageError(`--browser-executable ${name}: a name is lower-case letters, digits, "_", "." and "-", starting with a letter`);
    if (reserved.includes(name) || ROW_PATTERN.test(name)) throw new UsageError(`--browser-executable ${name}: that name is taken; choose another (e.g. my-${name})`);
    if (Object.hasOwn(executables, name)) throw new UsageError(`--browser-executable ${name}: given twice`);
    executables[name] = file;
  }
  return executables;
}

/**
 * Reads --browsers: standard browsers in their usual order, then rows in the order given.
 * Without --browsers, the standard default — or, when --browser-executable
 * names binaries, those rows alone (the reference joins them by itself).
 * @param {string|undefined} text
 * @param {{ names: string[], defaults: string[], executables: Record<string, string> }} known
 * @returns {string[]}
 */
export function browsersOption(text, { names, defaults, executables }) {
  if (text === undefined) return Object.keys(executables).length > 0 ? Object.keys(executables) : [...defaults];
  const items = [...new Set(text.split(',').map((item) => item.trim()).filter(Boolean))];
  if (items.length === 0) throw new UsageError(`--browsers needs at least one of: ${names.join(', ')}, or an engine row (chromium@92, deno, bun, node@22…)`);
  for (const item of items) {
    if (!names.includes(item) && parseRow(item, executables) === null) {
      throw new UsageError(`--browsers: unknown value "${item}" (choose from ${names.join(', ')}; or an engine row: chromium@<major>, deno[@x.y.z], bun[@x.y.z][/global], node@<major>[/global], or a NAME from --browser-executable)`);
    }
  }
  return [...names.filter((name) => items.includes(name)), ...items.filter((item) => !names.includes(item))];
}
