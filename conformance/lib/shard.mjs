// Splitting the test files across CI machines. Files are dealt round-robin
// from the sorted list, so shards stay balanced when files are added and every
// file lands in exactly one shard.

/**
 * '2/5' → { index: 2, count: 5 }; throws Error with a readable message otherwise.
 * @param {string} text
 */
export function parseShard(text) {
  const match = /^(\d+)\/(\d+)$/.exec(String(text).trim());
  if (!match) throw new Error(`expected I/N such as 1/4, got "${text}"`);
  const index = Number(match[1]);
  const count = Number(match[2]);
  if (count < 1) throw new Error(`N must be at least 1, got ${count}`);
  if (index < 1 || index > count) throw new Error(`I must be between 1 and ${count}, got ${index}`);
  return { index, count };
}

/**
 * The files of shard `index` of `count` (1-based), in their original order.
 * @template T
 * @param {T[]} files
 * @param {{ index: number, count: number }|null|undefined} shard
 */
export function selectShard(files, shard) {
  if (!shard) return [...files];
  return files.filter((_, position) => position % shard.count === shard.index - 1);
}
