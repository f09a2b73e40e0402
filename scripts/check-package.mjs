#!/usr/bin/env node
// What a user installs: both packed tarballs must pass publint and "are the types wrong",
// every source map must carry its sources, and every bundle must stay within its size budget.
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { run } from '../conformance/lib/command.mjs';
import { root } from './bootstrap.mjs';
import { compressedSizes, sizeBudgets } from './compressed-sizes.mjs';

let failures = 0;

/**
 * @param {string} name
 * @param {boolean} ok
 * @param {string} [detail]
 */
function check(name, ok, detail) {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${name}${detail ? ` — ${detail}` : ''}`);
  if (!ok) failures++;
}

/**
 * @param {string} name
 * @param {string[]} args
 */
function tool(name, args, cwd = root) {
  const result = run(path.join(root, 'node_modules', '.bin', name), args, { cwd, capture: true });
  return { ok: result.ok, output: `${result.stdout}${result.stderr}` };
}

// publint packs without running prepack, so the harness's declarations are written around it.
const declarations = (/** @type {'write'|'remove'} */ action) => run(process.execPath, ['lib/declarations.mjs', action], { cwd: path.join(root, 'conformance') });
declarations('write');
for (const [label, folder] of [['websocketstream-polyfill', root], ['websocketstream-conformance', path.join(root, 'conformance')]]) {
  const publint = tool('publint', ['--strict'], folder);
  check(`publint ${label}`, publint.ok, publint.ok ? '' : publint.output);
}
declarations('remove');
// node10 resolution is not a target: the package requires Node >= 20 and bundlers read `exports`.
// The classic scripts and ./global (their type declarations) are not modules: a page loads them
// with <script> or importScripts, and require() of them means nothing, so attw leaves them out.
const notModules = ['./dist/websocketstream-polyfill.js', './dist/websocketstream-polyfill.min.js', './dist/websocketstream-polyfill.legacy.min.js', './global'];
const attw = tool('attw', ['--pack', '.', '--profile', 'node16', '--exclude-entrypoints', ...notModules]);
check('are the types wrong (node16 profile)', attw.ok, attw.ok ? '' : attw.output);
// The harness is an ES module package (its library entry, index.mjs): require() of it is not offered.
const harnessAttw = tool('attw', ['--pack', 'conformance', '--profile', 'node16', '--ignore-rules', 'cjs-resolves-to-esm']);
check('are the types wrong: websocketstream-conformance (node16 profile)', harnessAttw.ok, harnessAttw.ok ? '' : harnessAttw.output);

// The maps point at TypeScript the package does not ship, so each must carry its sources.
const maps = readdirSync(path.join(root, 'dist'), { recursive: true, encoding: 'utf8' }).filter((file) => file.endsWith('.map'));
const withoutSources = maps.filter((file) => {
  const map = JSON.parse(readFileSync(path.join(root, 'dist', file), 'utf8'));
  return map.sources.some((/** @type {string} */ _, /** @type {number} */ index) => typeof map.sourcesContent?.[index] !== 'string');
});
check(`every source map in dist/ carries its sources (${maps.length} maps)`, maps.length > 0 && withoutSources.length === 0, withoutSources.join(', '));

for (const [file, budget] of Object.entries(sizeBudgets.files)) {
  const sizes = compressedSizes(file);
  check(`${file} ≤ ${budget.gzip} B min+gzip`, sizes.gzip <= budget.gzip, `${sizes.minified} B min, ${sizes.gzip} B gzip, ${sizes.brotli} B brotli`);
}

console.log(`package: ${Object.keys(sizeBudgets.files).length + 5 - failures} passed, ${failures} failed`);
process.exit(failures === 0 ? 0 : 1);
