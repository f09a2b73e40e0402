#!/usr/bin/env node
// `npm test`: everything, in order from fastest signal to slowest, on a fresh clone or not.
// Every step runs even after a failure, so one run shows every problem; the exit code is the verdict.
import { run } from '../conformance/lib/command.mjs';
import { bootstrap, root } from './bootstrap.mjs';

/** @type {[name: string, command: string, args: string[]][]} */
const steps = [
  // TypeScript 5.9 by its path: npm may link TypeScript 7 (installed for the type tests) as .bin/tsc.
  ['types', process.execPath, ['node_modules/typescript/bin/tsc', '--noEmit', '-p', '.']],
  // The tooling's JavaScript (harness, bench, reliability, scripts, tests) against its JSDoc types.
  ['tooling types', process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.tools.json']],
  ['lint', process.execPath, ['node_modules/eslint/bin/eslint.js', '.']],
  ['unit and harness tests (node:test)', 'npm', ['run', '--silent', 'test:node']],
  ['package (publint, attw, size budget)', 'npm', ['run', '--silent', 'test:package']],
  ['WPT suite in Node (jsdom)', 'npm', ['run', '--silent', 'test:wpt-node']],
  // A slice of `npm run compat` (scripts/engine-slice.mjs): old Chromium, Deno, Bun, Node 18 and 26; budget 3 min.
  ['engine rows (old Chromium, Deno, Bun, Node)', 'npm', ['run', '--silent', 'test:engines']],
  ['conformance matrix (Chromium, Firefox, WebKit)', 'npm', ['run', '--silent', 'test:conformance']],
];

bootstrap();

const results = [];
for (const [name, command, args] of steps) {
  console.log(`\n=== ${name}`);
  const started = Date.now();
  const { ok, status, signal } = run(command, args, { cwd: root });
  results.push({ name, ok, seconds: (Date.now() - started) / 1000, status: status ?? signal });
}

console.log('\n=== summary');
for (const { name, ok, seconds, status } of results) {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${name} (${seconds.toFixed(1)} s)${ok ? '' : ` — exit ${status}`}`);
}
const failed = results.filter((result) => !result.ok).length;
console.log(`steps: ${results.length - failed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
