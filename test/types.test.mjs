// The package's types as a TypeScript user meets them: each file in test/types/ is compiled as a
// program of its own, in a project that has the package in node_modules, with lib ["dom", "es2022"],
// by TypeScript 5.9 and 7, under node16 and bundler resolution. Each file carries @ts-expect-error
// lines for what must not compile (a misspelt option, a number for a URL), so it fails both ways:
// an error where none is expected, or no error where one is.
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { run } from '../conformance/lib/command.mjs';
import { ensureBuild } from '../scripts/bootstrap.mjs';

ensureBuild();

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const fixtures = path.join(root, 'test', 'types');
const COMPILERS = {
  'TypeScript 5.9': path.join(root, 'node_modules', 'typescript', 'bin', 'tsc'),
  'TypeScript 7': path.join(root, 'node_modules', 'typescript-7', 'bin', 'tsc'),
};
const RESOLUTIONS = {
  node16: { module: 'node16', moduleResolution: 'node16' },
  bundler: { module: 'esnext', moduleResolution: 'bundler' },
};

const project = mkdtempSync(path.join(os.tmpdir(), 'wss-types-'));
mkdirSync(path.join(project, 'node_modules'));
symlinkSync(root, path.join(project, 'node_modules', 'websocketstream-polyfill'), 'dir');
writeFileSync(path.join(project, 'package.json'), JSON.stringify({ name: 'types-consumer', private: true, type: 'module' }));
for (const file of readdirSync(fixtures)) copyFileSync(path.join(fixtures, file), path.join(project, file));
after(() => rmSync(project, { recursive: true, force: true }));

/**
 * @param {keyof typeof COMPILERS} compiler
 * @param {keyof typeof RESOLUTIONS} resolution
 * @param {string} file
 */
function compile(compiler, resolution, file) {
  const tsconfig = `tsconfig.${resolution}.${file}.json`;
  writeFileSync(path.join(project, tsconfig), JSON.stringify({
    compilerOptions: { ...RESOLUTIONS[resolution], target: 'es2022', lib: ['dom', 'es2022'], types: [], strict: true, noEmit: true, skipLibCheck: false },
    files: [file],
  }));
  return run(process.execPath, [COMPILERS[compiler], '-p', tsconfig], { cwd: project, capture: true, timeoutMs: 120_000 });
}

for (const compiler of /** @type {(keyof typeof COMPILERS)[]} */ (Object.keys(COMPILERS))) {
  for (const resolution of /** @type {(keyof typeof RESOLUTIONS)[]} */ (Object.keys(RESOLUTIONS))) {
    test(`${compiler}, ${resolution} resolution: every fixture compiles, and each @ts-expect-error line is an error`, () => {
      for (const file of readdirSync(fixtures)) {
        const result = compile(compiler, resolution, file);
        assert.ok(result.ok, `${file}:\n${result.stdout}${result.stderr}`);
      }
    });
  }
}
