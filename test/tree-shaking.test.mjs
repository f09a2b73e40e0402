// A program that imports only WebSocketError from the ponyfill must not carry the WebSocketStream
// implementation: bundled and minified by esbuild and by rollup (node-resolve + terser), as a user
// would bundle it, the WebSocketError-only program is measured against one that uses both, must
// leave out the stream's code, and must still work when run.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';
import { gzipSync } from 'node:zlib';
import { nodeResolve } from '@rollup/plugin-node-resolve';
import terser from '@rollup/plugin-terser';
import { build } from 'esbuild';
import { rollup } from 'rollup';
import { ensureBuild } from '../scripts/bootstrap.mjs';

ensureBuild();

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const project = mkdtempSync(path.join(os.tmpdir(), 'wss-tree-shaking-'));
mkdirSync(path.join(project, 'node_modules'));
symlinkSync(root, path.join(project, 'node_modules', 'websocketstream-polyfill'), 'dir');
after(() => rmSync(project, { recursive: true, force: true }));

// @rollup/plugin-terser's declaration file is read as CommonJS (the package is not "type": "module"),
// so its `export default` looks like a `default` property; the ES build this file imports exports
// the function itself.
const terserPlugin = /** @type {typeof terser.default} */ (/** @type {unknown} */ (terser));

/** @type {Record<string, string>} */
const PROGRAMS = {
  'WebSocketError only': `import { WebSocketError } from 'websocketstream-polyfill';
globalThis.result = new WebSocketError('m', { closeCode: 4000, reason: 'r' }).closeCode;`,
  'WebSocketStream and WebSocketError': `import { WebSocketError, WebSocketStream } from 'websocketstream-polyfill';
globalThis.result = [new WebSocketError('m', { closeCode: 4000 }).closeCode, typeof WebSocketStream];`,
};
// Only the stream's own code says this; WebSocketError never does.
const STREAM_MARKER = "Failed to construct 'WebSocketStream'";

/** @type {Record<string, (entry: string) => Promise<string>>} */
const BUNDLERS = {
  async esbuild(entry) {
    const result = await build({ entryPoints: [entry], bundle: true, minify: true, format: 'esm', platform: 'browser', write: false, absWorkingDir: project });
    return result.outputFiles[0].text;
  },
  async rollup(entry) {
    const bundle = await rollup({ input: entry, plugins: [nodeResolve({ browser: true })], logLevel: 'silent' });
    const { output } = await bundle.generate({ format: 'es', plugins: [terserPlugin()] });
    await bundle.close();
    return output[0].code;
  },
};

/**
 * @param {string} bundler  a name in BUNDLERS
 * @param {string} name  a name in PROGRAMS
 */
async function bundleProgram(bundler, name) {
  const entry = path.join(project, `${bundler}-${name.replaceAll(' ', '-')}.mjs`);
  writeFileSync(entry, PROGRAMS[name]);
  const code = await BUNDLERS[bundler](entry);
  return { code, gzip: gzipSync(code, { level: 9 }).length };
}

/**
 * Runs a bundle in a fresh context with only the built-ins it needs. → the `result` it set
 * @param {string} code
 */
function run(code) {
  const context = vm.createContext({ DOMException, TypeError, Symbol, Object, Reflect, Promise, String, Number, Math, Date, RegExp, ArrayBuffer, Function });
  vm.runInContext(code.replace(/\bexport\s*\{[^}]*\};?\s*$/, ''), context);
  return context.result;
}

for (const bundler of Object.keys(BUNDLERS)) {
  test(`${bundler}: importing only WebSocketError leaves the WebSocketStream implementation out`, async () => {
    const alone = await bundleProgram(bundler, 'WebSocketError only');
    const both = await bundleProgram(bundler, 'WebSocketStream and WebSocketError');
    assert.ok(both.code.includes(STREAM_MARKER), 'the program that uses WebSocketStream carries it');
    assert.equal(alone.code.includes(STREAM_MARKER), false, `the WebSocketError-only program carries the stream (${alone.gzip} B gzip)`);
    assert.ok(alone.gzip * 2 < both.gzip, `WebSocketError alone is ${alone.gzip} B gzip, both ${both.gzip} B: it should cost less than half`);
    assert.equal(run(alone.code), 4000, 'the WebSocketError-only program runs');
  });
}
