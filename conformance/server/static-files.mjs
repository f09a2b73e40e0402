// Maps URL paths to files under a root directory, refusing anything that
// would step outside it.
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';

/** @type {Record<string, string>} */
const CONTENT_TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.htm': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.wasm': 'application/wasm',
};

/** @param {string} filePath */
export function contentTypeOf(filePath) {
  return CONTENT_TYPES[path.extname(filePath).toLowerCase()] ?? 'application/octet-stream';
}

/**
 * The file under `root` that `urlPath` names, or null when it names none (or escapes the root).
 * @param {string} root
 * @param {string} urlPath
 */
export async function resolveFile(root, urlPath) {
  let decoded;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (decoded.includes('\0')) return null;
  const absoluteRoot = path.resolve(root);
  const filePath = path.resolve(absoluteRoot, `.${path.posix.normalize(decoded)}`);
  if (filePath !== absoluteRoot && !filePath.startsWith(absoluteRoot + path.sep)) return null;
  try {
    return (await stat(filePath)).isFile() ? filePath : null;
  } catch {
    return null;
  }
}

/**
 * WPT's `.headers` convention: `FILE.headers` beside FILE lists extra
 * response headers for it, one `Name: value` a line. For a `.any.js` test the
 * generated pages and worker script take those of `NAME.any.js.headers`
 * (e.g. COOP/COEP for a test that needs cross-origin isolation).
 * → { name: value } (empty when there is no such file).
 * @param {string} filePath
 * @returns {Promise<Record<string, string>>}
 */
export async function extraHeadersFor(filePath) {
  let text;
  try {
    text = await readFile(`${filePath}.headers`, 'utf8');
  } catch {
    return {};
  }
  /** @type {Record<string, string>} */
  const headers = {};
  for (const line of text.split('\n')) {
    const separator = line.indexOf(':');
    if (separator <= 0 || line.trimStart().startsWith('#')) continue;
    headers[line.slice(0, separator).trim()] = line.slice(separator + 1).trim();
  }
  return headers;
}
