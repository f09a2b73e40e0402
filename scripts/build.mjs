#!/usr/bin/env node
// Builds dist/: the bundles (rollup), then the type declarations, once for ES module consumers
// and once more beside the CommonJS files, where a package.json marks them as CommonJS.
// Everything is built into a fresh folder first and swapped in at the end, so tests running
// meanwhile never read a half-written dist/.
import { rmSync } from 'node:fs';
import { cp, mkdir, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { run } from '../conformance/lib/command.mjs';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const bin = (/** @type {string} */ name) => path.join(root, 'node_modules', '.bin', name);
// TypeScript 5.9 by its own path: TypeScript 7 is installed beside it (for the type tests) and
// npm may link either one as node_modules/.bin/tsc.
const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc');
const staging = `.dist-build-${process.pid}`;
const stagingPath = path.join(root, staging);

/**
 * Runs one build step; a failed step leaves no staging folder behind and fails the build.
 * @param {string} command
 * @param {string[]} args
 * @param {Record<string, string>} [env]
 */
function step(command, args, env) {
  const result = run(command, args, { cwd: root, env });
  if (!result.ok) {
    rmSync(stagingPath, { recursive: true, force: true });
    process.exit(result.status ?? 1);
  }
}

step(bin('rollup'), ['-c', '--silent'], { BUILD_OUT_DIR: staging });
step(process.execPath, [tsc, '-p', '.', '--emitDeclarationOnly', '--declaration', '--declarationMap', 'false', '--outDir', staging]);

const cjs = path.join(stagingPath, 'cjs');
await mkdir(cjs, { recursive: true });
await writeFile(path.join(cjs, 'package.json'), '{ "type": "commonjs" }\n');
for (const file of await readdir(stagingPath)) {
  if (file.endsWith('.d.ts')) await cp(path.join(stagingPath, file), path.join(cjs, file));
}

const dist = path.join(root, 'dist');
const retired = `${stagingPath}-old`;
await rename(dist, retired).catch((error) => {
  if (error.code !== 'ENOENT') throw error;
});
await rename(stagingPath, dist);
await rm(retired, { recursive: true, force: true });
console.log('built dist/');
