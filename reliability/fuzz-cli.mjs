#!/usr/bin/env node
// Runs the seeded fuzzer (reliability/fuzz.mjs) against the conformance server, then stops the
// server and must exit by itself: a timer or socket left behind keeps it alive, which the caller
// (test/fuzz.test.mjs) sees as a failure.
//
//   FUZZ_SEEDS=N  how many seeds (default 1000), from FUZZ_FIRST (default 1)
//   FUZZ_SEED=S   just seed S (replay)
//   FUZZ_ADAPTER=ws|global   dist/node.js (default) or dist/index.js over the global WebSocket
//                            (needs --experimental-websocket on Node 20)
//   FUZZ_CONCURRENCY=N  connections at once (default 16)
// Its summary goes to stdout (last line) and reports/reliability/fuzz.json.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer } from '../conformance/server/index.mjs';
import { runSeeds } from './fuzz.mjs';

const reportDirectory = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'reports', 'reliability');

const adapter = process.env.FUZZ_ADAPTER ?? 'ws';
const polyfill = await import(adapter === 'global' ? '../dist/index.js' : '../dist/node.js');
const seeds = process.env.FUZZ_SEED !== undefined
  ? [Number(process.env.FUZZ_SEED)]
  : Array.from({ length: Number(process.env.FUZZ_SEEDS ?? 1000) }, (_, index) => Number(process.env.FUZZ_FIRST ?? 1) + index);

const server = await startServer();
const { results, failures, unhandled, ms } = await runSeeds(seeds, `ws://127.0.0.1:${server.ports.ws}`, polyfill, {
  concurrency: Number(process.env.FUZZ_CONCURRENCY ?? 16),
});
await server.close();

for (const { seed, plan, violations } of failures) {
  console.log(`FAIL seed ${seed} (${adapter}): ${violations.join('; ')}`);
  console.log(`  plan: ${JSON.stringify(plan)}`);
  console.log(`  replay: FUZZ_SEED=${seed} FUZZ_ADAPTER=${adapter} node --test test/fuzz.test.mjs`);
}
for (const reason of unhandled) console.log(`UNHANDLED REJECTION: ${reason}`);
// The summary is the last line printed (the caller reads it) and reports/reliability/fuzz.json.
const summary = JSON.stringify({ adapter, seeds: results.length, failed: failures.length, unhandled: unhandled.length, seconds: Math.round(ms) / 1000 });
mkdirSync(reportDirectory, { recursive: true });
writeFileSync(path.join(reportDirectory, 'fuzz.json'), `${summary}\n`);
console.log(summary);
if (failures.length > 0 || unhandled.length > 0) process.exitCode = 1;

// Whatever is still alive a moment after the server closed is a leak (sockets need a few turns
// of the event loop to finish closing). It also keeps this process running past the caller's bound.
const lookUntil = Date.now() + 2000;
const lookForLeaks = () => {
  const alive = process.getActiveResourcesInfo().filter((kind) => !['TTYWrap', 'PipeWrap', 'Immediate', 'Timeout'].includes(kind));
  if (alive.length === 0) return;
  if (Date.now() < lookUntil) {
    setTimeout(lookForLeaks, 50).unref();
    return;
  }
  console.log(`LEFT BEHIND: ${alive.join(', ')}`);
  process.exitCode = 1;
};
lookForLeaks();
