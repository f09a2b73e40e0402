// Sizes of a bundle as users download it: minified bytes, then gzip -9 and brotli 11 of them.
import { readFileSync } from 'node:fs';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));

export const sizeBudgets = JSON.parse(readFileSync(path.join(root, 'scripts', 'size-budget.json'), 'utf8'));

/**
 * `file` is relative to the project root, e.g. "dist/websocketstream-polyfill.min.js".
 * @param {string} file
 */
export function compressedSizes(file) {
  const bytes = readFileSync(path.join(root, file));
  return {
    minified: bytes.length,
    gzip: gzipSync(bytes, { level: 9 }).length,
    brotli: brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
  };
}
