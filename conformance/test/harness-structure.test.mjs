// The harness is code others copy: no function in conformance/ runs past about
// sixty lines (a long one does several things, and each deserves a name). Test
// suites — the callbacks given to describe(), it() and test() — are lists of
// cases, not functions that do one thing, and are left out.
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const CONFORMANCE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const MAX_LINES = 60;
const ts = /** @type {typeof import('typescript')} */ (createRequire(import.meta.url)('typescript'));

/** @typedef {import('typescript').Node} Node */

/**
 * Every .mjs and .js file under the folder, at any depth.
 * @param {string} [directory]
 * @returns {Promise<string[]>}
 */
async function sourceFiles(directory = CONFORMANCE) {
  const files = [];
  for (const entry of await readdir(directory, { withFileTypes: true })) {
    const full = path.join(directory, entry.name);
    if (entry.isDirectory()) files.push(...await sourceFiles(full));
    else if (/\.(mjs|js)$/.test(entry.name)) files.push(full);
  }
  return files;
}

/** @param {Node} node */
function isTestSuiteCallback(node) {
  return ts.isCallExpression(node.parent) && ['describe', 'it', 'test'].includes(node.parent.expression.getText());
}

/**
 * A function's name, or the name of what it is assigned to (a variable, a property).
 * @param {Node} node
 */
function nameOf(node) {
  /** @typedef {{ name?: Node }} MaybeNamed  most nodes that hold a function have a name; the rest do not */
  const parent = /** @type {MaybeNamed|undefined} */ (node.parent);
  return /** @type {MaybeNamed} */ (node).name?.getText() ?? parent?.name?.getText?.() ?? '(anonymous)';
}

/**
 * Every function of one file longer than MAX_LINES, as "file:line name (N lines)".
 * @param {string} file
 * @param {string} text
 */
function longFunctions(file, text) {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.JS);
  /** @type {string[]} */
  const found = [];
  /** @param {Node} node */
  const visit = (node) => {
    if (ts.isFunctionLike(node) && 'body' in node && node.body && !isTestSuiteCallback(node)) {
      const start = source.getLineAndCharacterOfPosition(node.getStart()).line + 1;
      const lines = source.getLineAndCharacterOfPosition(node.end).line + 2 - start;
      const name = nameOf(node);
      if (lines > MAX_LINES) found.push(`${path.relative(CONFORMANCE, file)}:${start} ${name} (${lines} lines)`);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

describe('structure', () => {
  it(`has no function longer than ${MAX_LINES} lines`, async () => {
    const files = await sourceFiles();
    assert.ok(files.some((file) => file.endsWith('scheduler.mjs')));
    /** @type {string[]} */
    const found = [];
    for (const file of files) found.push(...longFunctions(file, await readFile(file, 'utf8')));
    assert.deepEqual(found, []);
  });
});
