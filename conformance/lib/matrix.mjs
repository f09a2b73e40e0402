// @ts-check
// What a run covers: engine configurations (a browser in a mode) and, for each
// test file, the pages to open (scope × variant). Pure functions of the options.
// The browsers below are the standard rows; engine rows (chromium@92, deno,
// node@22/global, a user's binary…) are described by rows.mjs and become
// configurations the same way.
import { parseRow } from './rows.mjs';

/** @typedef {import('./types.mjs').Configuration} Configuration */
/** @typedef {import('./types.mjs').Mode} Mode */
/** @typedef {import('./types.mjs').PageSpec} PageSpec */
/** @typedef {import('./types.mjs').Scope} Scope */
/** @typedef {import('./types.mjs').TestMeta} TestMeta */
/** @typedef {import('./types.mjs').Variant} Variant */
/** @typedef {{ engine: string, args: string[], modes: Mode[], scopes: Scope[], comparable: boolean }} BrowserSpec */

/** @type {Mode[]} */
export const MODES = ['native', 'polyfill'];
// shell is the one scope of a runtime without a DOM (Deno, Bun, Node): the
// window page's tests, run by drivers/runtime-host.mjs. Browsers never run it.
/** @type {Scope[]} */
export const SCOPES = ['window', 'worker', 'shell'];
/** @type {Scope[]} */
const BROWSER_SCOPES = ['window', 'worker'];
// "default" is the ws: variant (the page opened without a query); "wss" is ?wss.
/** @type {Variant[]} */
export const VARIANTS = ['default', 'wss'];

/**
 * The browsers a run can use. `engine` names the driver family; `args` are
 * extra command-line flags for the browser; `scopes` the scopes it can run;
 * `comparable` whether its results are compared with native Chromium's.
 * @type {Record<string, BrowserSpec>}
 */
export const BROWSERS = {
  chromium: { engine: 'chromium', args: [], modes: MODES, scopes: BROWSER_SCOPES, comparable: true },
  // WPT's own Chrome runs pass this flag. It changes native WebSocketStream
  // (binary messages become Uint8Array), not the polyfill, so only native runs.
  'chromium-experimental': {
    engine: 'chromium',
    args: ['--enable-experimental-web-platform-features'],
    modes: ['native'],
    scopes: BROWSER_SCOPES,
    comparable: true,
  },
  firefox: { engine: 'firefox', args: [], modes: MODES, scopes: BROWSER_SCOPES, comparable: true },
  webkit: { engine: 'webkit', args: [], modes: MODES, scopes: BROWSER_SCOPES, comparable: true },
  // The suite in Node: the window pages in jsdom (drivers/jsdom.mjs). jsdom
  // has no workers and no WebSocketStream of its own; it is not a browser,
  // so its results are judged by its expectations alone, never compared with
  // native Chromium's.
  jsdom: { engine: 'jsdom', args: [], modes: ['polyfill'], scopes: ['window'], comparable: false },
};
export const BROWSER_NAMES = Object.keys(BROWSERS);
/** What runs when --browsers is not given: the browsers; jsdom is its own pass (npm run test:wpt-node). */
export const DEFAULT_BROWSERS = BROWSER_NAMES.filter((name) => name !== 'jsdom');

/** Stock native Chromium: what every other configuration is compared with. */
export const REFERENCE_ID = 'chromium:native';

/**
 * @param {string} browser
 * @param {string} mode
 */
export function configurationId(browser, mode) {
  return `${browser}:${mode}`;
}

/**
 * The configurations to run, in a stable order: the standard browsers, then
 * engine rows in the order given. When a browser's polyfill
 * mode is asked for, the reference (native Chromium) is added unless
 * `reference` is false, since parity means nothing without it. jsdom alone
 * brings no reference: it is never compared with one.
 * @param {{ browsers: string[], modes: string[], reference?: boolean, browserExecutables?: Record<string, string> }} options
 * @returns {import('./types.mjs').Configuration[]}
 */
export function buildConfigurations({ browsers, modes, reference = true, browserExecutables = {} }) {
  const configurations = [];
  for (const browser of BROWSER_NAMES) {
    if (!browsers.includes(browser)) continue;
    for (const mode of BROWSERS[browser].modes) {
      if (modes.includes(mode)) configurations.push(makeConfiguration(browser, mode));
    }
  }
  for (const item of browsers.filter((browser) => !BROWSER_NAMES.includes(browser))) {
    const spec = parseRow(item, browserExecutables);
    if (!spec) throw new RangeError(`unknown browser or engine row "${item}"`);
    configurations.push(...spec.modes.filter((mode) => modes.includes(mode)).map((mode) => rowConfiguration(spec, mode)));
  }
  const hasReference = configurations.some((configuration) => configuration.id === REFERENCE_ID);
  const needsReference = configurations.some((configuration) => configuration.mode === 'polyfill' && configuration.comparedWithReference);
  if (reference && !hasReference && needsReference) {
    configurations.unshift({ ...makeConfiguration('chromium', 'native'), addedAsReference: true });
  }
  return configurations;
}

/**
 * @param {string} browser
 * @param {Mode} mode
 * @returns {Configuration}
 */
function makeConfiguration(browser, mode) {
  const { engine, args, scopes, comparable } = BROWSERS[browser];
  const isReference = configurationId(browser, mode) === REFERENCE_ID;
  return {
    id: configurationId(browser, mode),
    browser,
    engine,
    mode,
    args: [...args],
    // Expectations are per browser configuration: chromium-experimental has
    // its own file because the flag changes which native departures remain.
    expectations: browser,
    isReference,
    comparedWithReference: comparable && !isReference,
    scopes: [...scopes],
  };
}

/**
 * An engine row's configuration. Its expectations name is the row's most
 * specific file (chromium-92, node-22-global, …); which of them exists is
 * only known with the expectations folder, so the run picks it
 * (resolveExpectationNames). Rows are compared with the reference: a runtime's
 * shell scope with its worker scope (comparedScope).
 * @param {import('./rows.mjs').RowSpec} spec
 * @param {Mode} mode
 * @returns {Configuration}
 */
function rowConfiguration(spec, mode) {
  return {
    id: configurationId(spec.name, mode),
    browser: spec.name,
    engine: spec.engine,
    mode,
    args: [],
    expectations: spec.expectations[0],
    expectationCandidates: spec.expectations,
    isReference: false,
    comparedWithReference: true,
    scopes: [...spec.scopes],
    row: spec.row,
  };
}

/**
 * Whether a native configuration must first ask its engine for a
 * WebSocketStream of its own. Chromium has had one since 124; the others are
 * looked at once per run, so a Firefox or Safari that ships one is tested
 * natively without a change here. Engine rows are always asked: Chromium 92–123
 * and Bun have none, Deno has one.
 * @param {import('./types.mjs').Configuration} configuration
 */
export function needsNativeProbe(configuration) {
  return configuration.mode === 'native' && (configuration.engine !== 'chromium' || configuration.row !== undefined);
}

/**
 * The scope of the reference's page a page is compared with. A runtime's shell
 * has no document, as a worker has none: the subtests a file registers only
 * where there is a document (<base href>) are not there, so the worker page is
 * its counterpart.
 * @param {Scope} scope
 * @returns {Scope}
 */
export function comparedScope(scope) {
  return scope === 'shell' ? 'worker' : scope;
}

/**
 * The pages of one test file for the chosen scopes and variants, following the
 * server's URL contract. Variants other than default/wss (upstream's
 * `?wpt_flags=h2`) are not run: no HTTP/2 WebSocket server here.
 */
/**
 * @param {string} file
 * @param {TestMeta} meta
 * @param {{ scopes: string[], variants: string[] }} options
 * @returns {PageSpec[]}
 */
export function pagesForFile(file, meta, { scopes, variants }) {
  const declared = meta.variants.length > 0 ? meta.variants.map(variantName) : ['default'];
  const base = file.replace(/\.any\.js$/, '');
  /** @type {PageSpec[]} */
  const pages = [];
  for (const scope of SCOPES) {
    // A runtime has no DOM: it runs the files that also run in a worker, from their window page.
    if (!scopes.includes(scope) || !meta.globals.includes(scope === 'shell' ? 'worker' : scope)) continue;
    const suffix = scope === 'worker' ? '.any.worker.html' : '.any.html';
    for (const variant of VARIANTS) {
      if (!variants.includes(variant) || !declared.includes(variant)) continue;
      pages.push({ scope, variant, path: `/${base}${suffix}${variant === 'default' ? '' : `?${variant}`}` });
    }
  }
  return pages;
}

/** @param {string} query */
function variantName(query) {
  const name = String(query).replace(/^\?/, '');
  return name === '' ? 'default' : name;
}

/**
 * The URL of a page in a mode: polyfill pages live under /_polyfill/, or
 * /_polyfill_legacy/ for a browser that needs the legacy build (a runtime's
 * driver reads the /_polyfill/ prefix as "load the polyfill").
 * @param {string} origin
 * @param {PageSpec} page
 * @param {Mode} mode
 * @param {'modern'|'legacy'|null} [bundle]
 */
export function pageUrl(origin, page, mode, bundle = null) {
  const prefix = mode !== 'polyfill' ? '' : bundle === 'legacy' ? '/_polyfill_legacy' : '/_polyfill';
  return `${origin}${prefix}${page.path}`;
}

/** The per-file time bound: testharness's own timeout plus room for loading, scaled. */
/**
 * @param {TestMeta} meta
 * @param {number} [multiplier]
 */
export function fileTimeoutMs(meta, multiplier = 1) {
  const harnessTimeoutMs = meta.timeout === 'long' ? 60_000 : 10_000;
  return Math.round((harnessTimeoutMs + 10_000) * multiplier);
}
