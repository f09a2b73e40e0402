// The documents generated around a `.any.js` test, as WPT's server makes them:
//   NAME.any.html         runs the test in the window;
//   NAME.any.worker.html  a window that runs NAME.any.worker.js in a dedicated
//                         worker and collects its results (fetch_tests_from_worker);
//   NAME.any.worker.js    the worker's script: testharness, META scripts, test, done().
// In polyfill mode (URL prefix /_polyfill/) the native WebSocketStream and
// WebSocketError are deleted first and the built polyfill is loaded, so the
// polyfill's install-when-absent path is what the test exercises. Under
// /_polyfill_legacy/ the same pages load the legacy build instead
// (websocketstream-polyfill.legacy.min.js), for engines whose parser stops at
// the modern one (Chromium 92: class static blocks).
//
// Timeouts are testharness.js's own: 10 s per file, 60 s for `timeout=long`
// (the `<meta name="timeout">` tag). In a worker testharness has no timeout
// of its own; the window collecting its results applies the same one.

import { escapeHtml } from '../lib/escape-html.mjs';

export const POLYFILL_PREFIX = '/_polyfill';
export const POLYFILL_SCRIPT_PATH = `${POLYFILL_PREFIX}/websocketstream-polyfill.js`;
export const LEGACY_POLYFILL_PREFIX = '/_polyfill_legacy';
export const LEGACY_POLYFILL_SCRIPT_PATH = `${LEGACY_POLYFILL_PREFIX}/websocketstream-polyfill.js`;

const REMOVE_NATIVE = 'delete globalThis.WebSocketStream; delete globalThis.WebSocketError;';

/** @typedef {import('../lib/types.mjs').TestMeta} TestMeta */
/**
 * polyfill: load a build (after deleting any native one); polyfillScript: which
 * build's URL (the modern one unless the page is under /_polyfill_legacy/).
 * @typedef {{ polyfill?: boolean, polyfillScript?: string }} PageOptions
 */

/** @param {string} testPath */
function fileName(testPath) {
  return /** @type {string} */ (testPath.split('/').pop());
}

/** @param {boolean} isWindow */
function globalDescription(isWindow) {
  // Upstream's wrappers define GLOBAL so a test can ask where it runs.
  return `self.GLOBAL = { isWindow: function () { return ${isWindow}; }, ` +
    `isWorker: function () { return ${!isWindow}; }, isShadowRealm: function () { return false; } };`;
}

/**
 * @param {string} testPath
 * @param {TestMeta} meta
 * @param {boolean} polyfill
 * @param {string} polyfillScript
 */
function head(testPath, meta, polyfill, polyfillScript) {
  const lines = ['<!doctype html>', '<meta charset="utf-8">'];
  if (meta.timeout === 'long') lines.push('<meta name="timeout" content="long">');
  lines.push(`<title>${escapeHtml(fileName(testPath))}${polyfill ? ' (polyfill)' : ''}</title>`);
  if (polyfill) {
    lines.push(`<script>${REMOVE_NATIVE}</script>`);
    lines.push(`<script src="${polyfillScript}"></script>`);
  }
  return lines;
}

/**
 * NAME.any.html. `testPath` is the .any.js file's URL path, e.g. '/websockets/stream/x.any.js'.
 * @param {string} testPath
 * @param {TestMeta} meta
 * @param {PageOptions} [options]
 */
export function windowPage(testPath, meta, { polyfill = false, polyfillScript = POLYFILL_SCRIPT_PATH } = {}) {
  return [
    ...head(testPath, meta, polyfill, polyfillScript),
    `<script>${globalDescription(true)}</script>`,
    '<script src="/resources/testharness.js"></script>',
    '<script src="/resources/testharnessreport.js"></script>',
    ...meta.scripts.map((src) => `<script src="${escapeHtml(src)}"></script>`),
    '<div id="log"></div>',
    `<script src="${escapeHtml(fileName(testPath))}"></script>`,
    '',
  ].join('\n');
}

/**
 * NAME.any.worker.html: the variant's query is handed on to the worker, whose location the test reads.
 * @param {string} testPath
 * @param {TestMeta} meta
 * @param {PageOptions} [options]
 */
export function workerPage(testPath, meta, { polyfill = false, polyfillScript = POLYFILL_SCRIPT_PATH } = {}) {
  const workerScript = fileName(testPath).replace(/\.any\.js$/, '.any.worker.js');
  return [
    ...head(testPath, meta, polyfill, polyfillScript),
    '<script src="/resources/testharness.js"></script>',
    '<script src="/resources/testharnessreport.js"></script>',
    '<div id="log"></div>',
    `<script>fetch_tests_from_worker(new Worker(${JSON.stringify(workerScript)} + location.search));</script>`,
    '',
  ].join('\n');
}

/**
 * NAME.any.worker.js. Relative META scripts resolve against this script's URL, the test's directory.
 * @param {string} testPath
 * @param {TestMeta} meta
 * @param {PageOptions} [options]
 */
export function workerScript(testPath, meta, { polyfill = false, polyfillScript = POLYFILL_SCRIPT_PATH } = {}) {
  const lines = [];
  if (polyfill) {
    lines.push(REMOVE_NATIVE, `importScripts(${JSON.stringify(polyfillScript)});`);
  }
  lines.push(
    globalDescription(false),
    'importScripts("/resources/testharness.js");',
    ...meta.scripts.map((src) => `importScripts(${JSON.stringify(src)});`),
    `importScripts(${JSON.stringify(fileName(testPath))});`,
    'done();',
    '',
  );
  return lines.join('\n');
}
