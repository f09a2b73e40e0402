#!/usr/bin/env node
// What a user installs: the packed tarball must pass publint and "are the types wrong", and every
// bundle must stay within its compressed size budget.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { root } from './bootstrap.mjs';
import { compressedSizes, sizeBudgets } from './compressed-sizes.mjs';

let failures = 0;

function check(name, ok, detail) {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${name}${detail ? ` — ${detail}` : ''}`);
  if (!ok) failures++;
}

function tool(name, args) {
  const result = spawnSync(path.join(root, 'node_modules', '.bin', name), args, { cwd: root, encoding: 'utf8' });
  return { ok: result.status === 0, output: `${result.stdout}${result.stderr}` };
}

const publint = tool('publint', ['--strict']);
check('publint', publint.ok, publint.ok ? '' : publint.output);
// node10 resolution is not a target: the package requires Node >= 20 and bundlers read `exports`.
const attw = tool('attw', ['--pack', '.', '--profile', 'node16']);
check('are the types wrong (node16 profile)', attw.ok, attw.ok ? '' : attw.output);

for (const [file, budget] of Object.entries(sizeBudgets.files)) {
  const sizes = compressedSizes(file);
  check(`${file} ≤ ${budget.gzip} B min+gzip`, sizes.gzip <= budget.gzip, `${sizes.minified} B min, ${sizes.gzip} B gzip, ${sizes.brotli} B brotli`);
}

console.log(`package: ${Object.keys(sizeBudgets.files).length + 2 - failures} passed, ${failures} failed`);
process.exit(failures === 0 ? 0 : 1);
