// The seeded fuzzer (reliability/fuzz.mjs) through the `ws` adapter (dist/node.js): 1,000 seeds by
// default, in a child process that must exit by itself once the server is closed — a timer or
// socket left behind keeps it alive past the bound and fails this test.
//
//   node --test test/fuzz.test.mjs                     1,000 seeds
//   FUZZ_SEEDS=20000 node --test test/fuzz.test.mjs    more
//   FUZZ_SEED=123 node --test test/fuzz.test.mjs       replay one seed (printed by a failure)
//   FUZZ_ADAPTER=global ...                             over Node's global WebSocket instead
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { run } from '../conformance/lib/command.mjs';
import { ensureBuild } from '../scripts/bootstrap.mjs';

ensureBuild();

const cli = fileURLToPath(new URL('../reliability/fuzz-cli.mjs', import.meta.url));
const seeds = Number(process.env.FUZZ_SEEDS ?? 1000);
const adapter = process.env.FUZZ_ADAPTER ?? 'ws';
// About 40 ms a seed, 32 at once; generous so a busy machine does not fail it.
const boundMs = 60_000 + (process.env.FUZZ_SEED !== undefined ? 0 : seeds * 60);

test(`fuzz: ${process.env.FUZZ_SEED !== undefined ? `seed ${process.env.FUZZ_SEED}` : `${seeds} seeds`} through the ${adapter} adapter; the process then exits by itself`, () => {
  const args = adapter === 'global' ? ['--experimental-websocket', cli] : [cli];
  const child = run(process.execPath, args, { capture: true, env: { FUZZ_CONCURRENCY: process.env.FUZZ_CONCURRENCY ?? '32' }, timeoutMs: boundMs });
  const output = `${child.stdout}\n${child.stderr}`;
  assert.ok(!child.timedOut, `the fuzzer did not exit within ${boundMs} ms (something left alive?):\n${output}`);
  assert.ok(child.ok, output);
  // split() gives at least one element: its last is there.
  const summary = JSON.parse(/** @type {string} */ (child.stdout.trim().split('\n').at(-1)));
  assert.equal(summary.failed, 0);
  assert.equal(summary.unhandled, 0);
  console.log(`fuzz: ${summary.seeds} seeds in ${summary.seconds} s (${adapter})`);
});
