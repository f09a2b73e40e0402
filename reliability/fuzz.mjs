// The seeded fuzzer in Node. Its plans, actions and invariants live in
// wpt/websockets/stream/resources/fuzz.js, shared with the browser suite (fuzz.any.js); this
// module adds what only a process can check: unhandled rejections.
import '../wpt/websockets/stream/resources/fuzz.js';

/**
 * The interfaces a seed runs against: the polyfill's, or a browser's own.
 * @typedef {{ WebSocketStream: typeof import('../dist/index.js').WebSocketStream, WebSocketError: typeof import('../dist/index.js').WebSocketError }} Interfaces
 */
/** @typedef {{ action: string, size?: number, closeCode?: number, reason?: string, reasonKind?: string, ms?: number }} FuzzStep */
/** @typedef {{ endpoint: string, withSignal: boolean, steps: FuzzStep[] }} FuzzPlan */
/** @typedef {{ seed: number, plan: FuzzPlan, violations: string[] }} SeedResult */
/**
 * What fuzz.js defines as globalThis.webSocketStreamFuzz (it is a classic script, so the shape
 * is written here).
 * @typedef {object} FuzzApi
 * @property {(seed: number) => () => number} mulberry32
 * @property {(seed: number) => FuzzPlan} planFor
 * @property {(seed: number, origin: string, interfaces: Interfaces, options?: { skipCloseAfterHandshakeAbort?: boolean }) => Promise<SeedResult>} runSeed
 * @property {(seeds: number[], origin: string, interfaces: Interfaces, options?: { concurrency?: number, skipCloseAfterHandshakeAbort?: boolean }) => Map<number, Promise<SeedResult>>} startSeeds
 */

export const { mulberry32, planFor, runSeed } = /** @type {{ webSocketStreamFuzz: FuzzApi }} */ (/** @type {unknown} */ (globalThis)).webSocketStreamFuzz;
const { startSeeds } = /** @type {{ webSocketStreamFuzz: FuzzApi }} */ (/** @type {unknown} */ (globalThis)).webSocketStreamFuzz;

/**
 * Runs `seeds` with up to `concurrency` at once. → { results, failures, unhandled, ms }.
 * @param {number[]} seeds
 * @param {string} origin
 * @param {Interfaces} polyfill
 */
export async function runSeeds(seeds, origin, polyfill, { concurrency = 16 } = {}) {
  /** @type {string[]} */
  const unhandled = [];
  const onUnhandled = (/** @type {{ stack?: string }|undefined} */ reason) => unhandled.push(String(reason?.stack ?? reason));
  process.on('unhandledRejection', onUnhandled);
  const started = performance.now();
  const results = await Promise.all(startSeeds(seeds, origin, polyfill, { concurrency }).values());
  // Let a late rejection surface before looking.
  await new Promise((resolve) => setTimeout(resolve, 50));
  process.off('unhandledRejection', onUnhandled);
  return { results, failures: results.filter((result) => result.violations.length > 0), unhandled, ms: performance.now() - started };
}
