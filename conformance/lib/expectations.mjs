// @ts-check
// Expectations: the results allowed to differ from a clean pass, each with a
// reason. One file per browser configuration, conformance/expectations/<name>.json:
//
//   { "entries": [ { "file": "websockets/stream/x.any.js", "test": "subtest name",
//                    "scope": "window|worker|shell|*", "variant": "default|wss|*",
//                    "mode": "native|polyfill|*", "expected": "FAIL", "reason": "why" } ] }
//
// "tests": ["a", "b"] instead of "test" names several subtests that share one reason.
// An entry without "test" or "tests" is about the file as a whole: its harness status
// (OK, ERROR, TIMEOUT, PRECONDITION_FAILED) or CRASH when the browser died on it.
// "expected" may also be a list, as in WPT's own metadata (["FAIL", "PASS"]), for an
// outcome that depends on an engine's timing; the reason must say what it depends on.
// Anything not listed is expected to PASS (subtests) or be OK (files).
//
// A file can extend another in the same folder, and list only what differs:
//
//   { "extends": "chromium", "entries": [ … ] }
//
// It inherits every entry of the parent (and of the parent's parent), and an
// entry of its own for the same file, subtest, scope, variant and mode
// replaces the inherited one — also with "expected": "PASS" and a reason, to
// say that a parent's departure does not happen here. Each entry remembers the
// file that declares it (`declaredIn`), so a stale one is reported there.
import { readFile } from 'node:fs/promises';
import path from 'node:path';

/** @typedef {import('./types.mjs').ExpectationEntry} ExpectationEntry */

/** @type {string[]} */
export const SUBTEST_STATUSES = ['PASS', 'FAIL', 'TIMEOUT', 'NOTRUN', 'PRECONDITION_FAILED'];
/** @type {string[]} */
export const FILE_STATUSES = ['OK', 'ERROR', 'TIMEOUT', 'PRECONDITION_FAILED', 'CRASH'];

export class ExpectationsError extends Error {
  name = 'ExpectationsError';
}

/**
 * Reads `<dir>/<name>.json` and whatever it extends; a missing file means no
 * expectations, a missing parent is an error.
 * @param {string} directory
 * @param {string} name
 * @returns {Promise<{ file: string, entries: ExpectationEntry[] }>}
 */
export async function loadExpectations(directory, name) {
  const file = path.join(directory, `${name}.json`);
  const document = await readDocument(file);
  if (document === null) return { file, entries: [] };
  return { file, entries: await resolveEntries(directory, name, document, [name]) };
}

/**
 * @param {string} directory
 * @param {string} name
 * @param {any} document
 * @param {string[]} chain  the names on the way here, child first, to catch cycles
 * @returns {Promise<ExpectationEntry[]>}
 */
async function resolveEntries(directory, name, document, chain) {
  const file = path.join(directory, `${name}.json`);
  const own = validateEntries(document, file).map((entry) => ({ ...entry, declaredIn: name }));
  if (document.extends === undefined) return own;
  const parent = parentName(document.extends, file);
  if (chain.includes(parent)) {
    throw new ExpectationsError(`${file}: "extends" makes a cycle: ${[...chain, parent].map((link) => `${link}.json`).join(' → ')}`);
  }
  const parentFile = path.join(directory, `${parent}.json`);
  const parentDocument = await readDocument(parentFile);
  if (parentDocument === null) throw new ExpectationsError(`${file}: extends "${parent}", but ${parentFile} does not exist`);
  const inherited = /** @type {ExpectationEntry[]} */ (await resolveEntries(directory, parent, parentDocument, [...chain, parent]));
  return [...inherited.filter((entry) => !own.some((mine) => sameTarget(mine, entry))), ...own];
}

/** @param {unknown} value @param {string} file */
function parentName(value, file) {
  if (typeof value !== 'string' || !/^[\w.-]+$/.test(value) || value.endsWith('.json')) {
    throw new ExpectationsError(`${file}: "extends" must name another expectations file of the same folder, without .json (e.g. "chromium")`);
  }
  return value;
}

/**
 * Whether two entries are about the same results, so that one overrides the other.
 * @param {ExpectationEntry} a
 * @param {ExpectationEntry} b
 */
function sameTarget(a, b) {
  return a.file === b.file && a.test === b.test && a.scope === b.scope && a.variant === b.variant && a.mode === b.mode;
}

/**
 * The parsed JSON of an expectations file, or null when there is no such file.
 * @param {string} file
 * @returns {Promise<any>}
 */
async function readDocument(file) {
  let text;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if (/** @type {NodeJS.ErrnoException} */ (error).code === 'ENOENT') return null;
    throw error;
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ExpectationsError(`${file}: not valid JSON (${/** @type {Error} */ (error).message})`);
  }
}

/**
 * The entries of one file's JSON, checked; each names one subtest (or none: the file).
 * @param {any} document
 * @param {string} [where]  the file, for messages
 * @returns {Omit<ExpectationEntry, 'declaredIn'>[]}
 */
export function validateEntries(document, where = 'expectations') {
  if (!document || !Array.isArray(document.entries)) {
    throw new ExpectationsError(`${where}: expected an object with an "entries" array`);
  }
  return document.entries.flatMap((/** @type {any} */ entry, /** @type {number} */ index) => {
    const at = `${where}: entry ${index}`;
    if (!entry || typeof entry !== 'object') throw new ExpectationsError(`${at} is not an object`);
    if (typeof entry.file !== 'string' || entry.file === '') throw new ExpectationsError(`${at} needs a "file"`);
    if (typeof entry.reason !== 'string' || entry.reason.trim() === '') {
      throw new ExpectationsError(`${at} (${entry.file}) needs a "reason": every allowed difference says why`);
    }
    const tests = testsOf(entry, at);
    const fileLevel = tests === undefined;
    const allowed = fileLevel ? FILE_STATUSES : SUBTEST_STATUSES;
    const statuses = Array.isArray(entry.expected) ? entry.expected : [entry.expected];
    if (statuses.length === 0 || !statuses.every((/** @type {string} */ status) => allowed.includes(status))) {
      throw new ExpectationsError(`${at}: "expected" must be one of ${allowed.join(', ')} for a ${fileLevel ? 'file' : 'subtest'}, or a list of them`);
    }
    /** @type {[string, string[]][]} */
    const places = [['scope', ['window', 'worker', 'shell']], ['variant', ['default', 'wss']], ['mode', ['native', 'polyfill']]];
    for (const [field, values] of places) {
      const value = entry[field] ?? '*';
      if (value !== '*' && !values.includes(value)) throw new ExpectationsError(`${at}: "${field}" must be ${values.join(', ')} or *`);
    }
    return (tests ?? [undefined]).map((/** @type {string|undefined} */ test) => ({
      file: entry.file,
      test,
      scope: entry.scope ?? '*',
      variant: entry.variant ?? '*',
      mode: entry.mode ?? '*',
      expected: entry.expected,
      reason: entry.reason,
      index,
    }));
  });
}

/**
 * The subtests an entry names ("test" or "tests"), or undefined for a file-level entry.
 * @param {any} entry
 * @param {string} at
 * @returns {string[]|undefined}
 */
function testsOf(entry, at) {
  if (entry.test !== undefined && entry.tests !== undefined) throw new ExpectationsError(`${at}: give "test" or "tests", not both`);
  if (entry.test !== undefined) {
    if (typeof entry.test !== 'string') throw new ExpectationsError(`${at}: "test" must be a string`);
    return [entry.test];
  }
  if (entry.tests === undefined) return undefined;
  if (!Array.isArray(entry.tests) || entry.tests.length === 0 || !entry.tests.every((/** @type {unknown} */ test) => typeof test === 'string')) {
    throw new ExpectationsError(`${at}: "tests" must be a non-empty list of subtest names`);
  }
  return entry.tests;
}

/**
 * Whether a status is what an entry's "expected" (one status or a list) allows.
 * @param {string} status
 * @param {string|string[]} expected
 */
export function isExpectedStatus(status, expected) {
  return Array.isArray(expected) ? expected.includes(status) : status === expected;
}

/**
 * The entry that applies to one result, or null. `where.test` undefined asks
 * about the file itself. When several match, the most specific one wins.
 * @template {Omit<ExpectationEntry, 'declaredIn'>} Entry
 * @param {Entry[]} entries
 * @param {{ file: string, test: string|undefined, scope: string, variant: string, mode: string }} where
 * @returns {Entry|null}
 */
export function findExpectation(entries, where) {
  /** @type {Entry|null} */
  let best = null;
  let bestScore = -1;
  for (const entry of entries) {
    if (entry.file !== where.file || entry.test !== where.test) continue;
    let score = 0;
    let matches = true;
    for (const field of /** @type {const} */ (['scope', 'variant', 'mode'])) {
      if (entry[field] === '*') continue;
      if (entry[field] !== where[field]) matches = false;
      score += 1;
    }
    if (matches && score > bestScore) {
      best = entry;
      bestScore = score;
    }
  }
  return best;
}
