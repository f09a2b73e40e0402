// The seeded fuzzer in Node. Its plans, actions and invariants live in
// wpt/websockets/stream/resources/fuzz.js, shared with the browser suite (fuzz.any.js); this
// module adds what only a process can check: unhandled rejections.
import '../wpt/websockets/stream/resources/fuzz.js';

export const { mulberry32, planFor, runSeed } = globalThis.webSocketStreamFuzz;
const { startSeeds } = globalThis.webSocketStreamFuzz;

/** Runs `seeds` with up to `concurrency` at once. → { results, failures, unhandled, ms }. */
export async function runSeeds(seeds, origin, polyfill, { concurrency = 16 } = {}) {
  const unhandled = [];
  const onUnhandled = (reason) => unhandled.push(String(reason?.stack ?? reason));
  process.on('unhandledRejection', onUnhandled);
  const started = performance.now();
  const results = await Promise.all(startSeeds(seeds, origin, polyfill, { concurrency }).values());
  // Let a late rejection surface before looking.
  await new Promise((resolve) => setTimeout(resolve, 50));
  process.off('unhandledRejection', onUnhandled);
  return { results, failures: results.filter((result) => result.violations.length > 0), unhandled, ms: performance.now() - started };
}
