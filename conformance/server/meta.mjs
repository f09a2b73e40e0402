// Test discovery and `// META:` parsing, following the conventions of
// web-platform-tests so that upstream's `.any.js` files run unmodified.
import { readdir } from 'node:fs/promises';
import path from 'node:path';

/** @typedef {import('../lib/types.mjs').Scope} Scope */
/** @typedef {import('../lib/types.mjs').TestMeta} TestMeta */
/** @typedef {import('../lib/types.mjs').PageSpec} PageSpec */

// A META line is `// META: key=value`. As in WPT, the block ends at the first
// line that is not a META line, so a META comment further down is ignored.
const META_LINE = /^\/\/\s*META:\s*(\w*)=(.*)$/;

/**
 * Yields [key, value] for each META line at the head of `sourceText`.
 * @param {string} sourceText
 * @returns {Generator<[string, string]>}
 */
export function* metaEntries(sourceText) {
  for (const line of sourceText.split('\n')) {
    const match = META_LINE.exec(line.replace(/\r$/, ''));
    if (!match) return;
    yield [match[1], match[2].trim()];
  }
}

// The scopes this project runs. WPT's `worker` keyword also stands for
// shared and service workers; only dedicated workers are run here, so both
// `worker` and `dedicatedworker` select our `worker` scope.
/** @type {Record<string, Scope[]>} */
const SCOPES_OF_GLOBAL_KEYWORD = {
  window: ['window'],
  worker: ['worker'],
  dedicatedworker: ['worker'],
  // Named by upstream files but not run here: no scope of ours.
  sharedworker: [],
  serviceworker: [],
  shadowrealm: [],
  'shadowrealm-in-window': [],
  jsshell: [],
};

/**
 * WPT's rule: without `global=`, a `.any.js` test runs in a window and a dedicated worker.
 * @param {string[]} globalValues
 * @returns {Scope[]}
 */
function scopesOf(globalValues) {
  /** @type {Set<Scope>} */
  const scopes = new Set(['window', 'worker']);
  if (globalValues.length === 0) return [...scopes];
  // An explicit list replaces the default, except that entries starting with
  // "!" only remove from it (WPT's `global=!worker` style).
  const items = globalValues.flatMap((value) => value.split(',')).map((item) => item.trim()).filter(Boolean);
  const explicitItems = items.filter((item) => !item.startsWith('!'));
  if (explicitItems.length > 0) scopes.clear();
  for (const item of explicitItems) {
    for (const scope of SCOPES_OF_GLOBAL_KEYWORD[item] ?? []) scopes.add(scope);
  }
  for (const item of items.filter((entry) => entry.startsWith('!'))) {
    for (const scope of SCOPES_OF_GLOBAL_KEYWORD[item.slice(1)] ?? []) scopes.delete(scope);
  }
  return /** @type {Scope[]} */ (['window', 'worker']).filter((scope) => scopes.has(scope));
}

/**
 * Reads the META block of a `.any.js` file.
 * - scripts: the `script=` values, in order, as written (relative or absolute URLs);
 * - globals: the scopes to run, a subset of ['window', 'worker'];
 * - variants: the `variant=` query strings as written (e.g. '?wss'); empty when none;
 * - timeout: 'long' when `timeout=long` (60 s harness timeout), else 'normal' (10 s).
 * @param {string} sourceText
 * @returns {TestMeta}
 */
export function parseMeta(sourceText) {
  /** @type {string[]} */
  const scripts = [];
  /** @type {string[]} */
  const globalValues = [];
  /** @type {string[]} */
  const variants = [];
  let timeout = 'normal';
  for (const [key, value] of metaEntries(sourceText)) {
    if (key === 'script') scripts.push(value);
    else if (key === 'global') globalValues.push(value);
    else if (key === 'variant') variants.push(value);
    else if (key === 'timeout' && value === 'long') timeout = 'long';
  }
  return { scripts, globals: scopesOf(globalValues), variants, timeout };
}

/**
 * The name a variant goes by in expectations and reports: the query without
 * its "?" ('wss', 'wpt_flags=h2'), and 'default' for no query or '?default'.
 * @param {string|null|undefined} variant
 */
export function variantName(variant) {
  const name = (variant ?? '').replace(/^\?/, '');
  return name === '' ? 'default' : name;
}

/**
 * The query string a page is opened with for a variant. `?default` is opened
 * with no query at all, so a test sees the same location as an unvaried one.
 * @param {string|null|undefined} variant
 */
export function variantQuery(variant) {
  const name = variantName(variant);
  return name === 'default' ? '' : `?${name}`;
}

/**
 * Every page to open for one test file: one per scope and variant.
 * `relPath` is 'websockets/stream/x.any.js'; paths are root-relative, without origin or mode prefix.
 * @param {string} relPath
 * @param {TestMeta} meta
 * @returns {PageSpec[]}
 */
export function testPages(relPath, meta) {
  const base = relPath.replace(/\.any\.js$/, '');
  const variants = meta.variants.length > 0 ? meta.variants : [''];
  /** @type {PageSpec[]} */
  const pages = [];
  for (const scope of meta.globals) {
    const suffix = scope === 'window' ? '.any.html' : '.any.worker.html';
    for (const variant of variants) {
      pages.push({ scope, variant: variantName(variant), path: `/${base}${suffix}${variantQuery(variant)}` });
    }
  }
  return pages;
}

/**
 * All `.any.js` files under `wptRoot/subdir`, as sorted '/'-separated paths relative to `wptRoot`.
 * @param {string} wptRoot
 */
export async function listTestFiles(wptRoot, subdir = 'websockets/stream') {
  const start = path.join(wptRoot, subdir);
  const entries = await readdir(start, { recursive: true, withFileTypes: true });
  const files = entries
    .filter((entry) => entry.isFile() && entry.name.endsWith('.any.js'))
    .map((entry) => path.relative(wptRoot, path.join(entry.parentPath ?? entry.path, entry.name)).split(path.sep).join('/'));
  return files.sort();
}
