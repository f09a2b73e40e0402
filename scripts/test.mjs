#!/usr/bin/env node
// `npm test`: everything, in order from fastest signal to slowest, on a fresh clone or not.
// Every step runs even after a failure, so one run shows every problem; the exit code is the verdict.
//
// While the node:test suites run (the longest step, mostly waiting on browsers and servers), the
// jsdom run and the engine slice run beside them, their output shown when they end. Both pick free
// ports, so they never meet. The package step packs the harness, which copies the suite into it for
// a moment, so it runs on its own; the browser matrix runs last, alone, because timing-sensitive
// files in it (backpressure) need the machine to themselves.
import { runAsync } from '../conformance/lib/command.mjs';
import { bootstrap, root } from './bootstrap.mjs';

/** @typedef {[name: string, command: string, args: string[]]} Step */
/** @typedef {{ name: string, ok: boolean, seconds: number, status: number|string|null }} StepResult */

// Each stage is a list of tracks that run at once; a track's steps run in turn.
/** @type {Step[][][]} */
const stages = [
  [[
    // TypeScript 5.9 by its path: npm may link TypeScript 7 (installed for the type tests) as .bin/tsc.
    ['types', process.execPath, ['node_modules/typescript/bin/tsc', '--noEmit', '-p', '.']],
    // The tooling's JavaScript (harness, bench, reliability, scripts, tests) against its JSDoc types.
    ['tooling types', process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.tools.json']],
    ['lint', process.execPath, ['node_modules/eslint/bin/eslint.js', '.']],
    ['package (publint, attw, size budget)', 'npm', ['run', '--silent', 'test:package']],
  ]],
  [
    [['unit and harness tests (node:test)', 'npm', ['run', '--silent', 'test:node']]],
    [
      ['WPT suite in Node (jsdom)', 'npm', ['run', '--silent', 'test:wpt-node']],
      // A slice of `npm run compat` (scripts/engine-slice.mjs): old Chromium, Deno, Bun, Node 18 and 26; budget 3 min.
      ['engine rows (old Chromium, Deno, Bun, Node)', 'npm', ['run', '--silent', 'test:engines']],
    ],
  ],
  [[['conformance matrix (Chromium, Firefox, WebKit)', 'npm', ['run', '--silent', 'test:conformance']]]],
];

/**
 * Runs a track's steps in turn. The first track of a stage shows its output as it comes; the
 * others keep theirs and show it when each step ends.
 * @param {Step[]} track
 * @param {boolean} live
 * @returns {Promise<StepResult[]>}
 */
async function runTrack(track, live) {
  /** @type {StepResult[]} */
  const results = [];
  for (const [name, command, args] of track) {
    if (live) console.log(`\n=== ${name}`);
    const started = Date.now();
    const result = await runAsync(command, args, { cwd: root, capture: !live });
    if (!live) console.log(`\n=== ${name} (ran beside the step above)\n${result.stdout}${result.stderr}`);
    results.push({ name, ok: result.ok, seconds: (Date.now() - started) / 1000, status: result.status ?? result.signal });
  }
  return results;
}

bootstrap();

/** @type {StepResult[]} */
const results = [];
for (const stage of stages) {
  const tracks = await Promise.all(stage.map((track, index) => runTrack(track, index === 0)));
  results.push(...tracks.flat());
}

console.log('\n=== summary');
for (const { name, ok, seconds, status } of results) {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${name} (${seconds.toFixed(1)} s)${ok ? '' : ` — exit ${status}`}`);
}
const failed = results.filter((result) => !result.ok).length;
console.log(`steps: ${results.length - failed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
