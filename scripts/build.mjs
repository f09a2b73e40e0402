#!/usr/bin/env node
// Builds dist/: the bundles (rollup), then the type declarations, once for ES module consumers
// and once more beside the CommonJS files, where a package.json marks them as CommonJS.
import { cp, mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const bin = (name) => path.join(root, 'node_modules', '.bin', name);

function run(command, args) {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

await rm(path.join(root, 'dist'), { recursive: true, force: true });
run(bin('rollup'), ['-c', '--silent']);
run(bin('tsc'), ['-p', '.', '--emitDeclarationOnly', '--declaration', '--declarationMap', 'false', '--outDir', 'dist']);

const cjs = path.join(root, 'dist', 'cjs');
await mkdir(cjs, { recursive: true });
await writeFile(path.join(cjs, 'package.json'), '{ "type": "commonjs" }\n');
for (const file of await readdir(path.join(root, 'dist'))) {
  if (file.endsWith('.d.ts')) await cp(path.join(root, 'dist', file), path.join(cjs, file));
}
console.log('built dist/');
