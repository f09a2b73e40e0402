#!/usr/bin/env node
// Builds dist/: the bundles (rollup), then the type declarations, once for ES module consumers
// and once more beside the CommonJS files, where a package.json marks them as CommonJS.
// Everything is built into a fresh folder first and swapped in at the end, so tests running
// meanwhile never read a half-written dist/.
import { cp, mkdir, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const bin = (name) => path.join(root, 'node_modules', '.bin', name);
// TypeScript 5.9 by its own path: TypeScript 7 is installed beside it (for the type tests) and
// npm may link either one as node_modules/.bin/tsc.
const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc');
const staging = `.dist-build-${process.pid}`;
const stagingPath = path.join(root, staging);

function run(command, args, env = {}) {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
  if (result.status !== 0) {
    spawnSync('rm', ['-rf', stagingPath]);
    process.exit(result.status ?? 1);
  }
}

run(bin('rollup'), ['-c', '--silent'], { BUILD_OUT_DIR: staging });
run(process.execPath, [tsc, '-p', '.', '--emitDeclarationOnly', '--declaration', '--declarationMap', 'false', '--outDir', staging]);

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
