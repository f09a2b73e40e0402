// Writes the library entry's type declarations into types/ from the harness's JSDoc types, for
// packing (prepack); postpack removes them. TypeScript is the repository's own devDependency: the
// package is only ever packed from the repository.
//
//   node lib/declarations.mjs write|remove      (run from the harness package's folder)
import { rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { run } from './command.mjs';
import { HARNESS_ROOT } from './inputs.mjs';

const typesFolder = path.join(HARNESS_ROOT, 'types');
const action = process.argv[2];
if (action === 'write' || action === 'remove') rmSync(typesFolder, { recursive: true, force: true });
if (action === 'write') {
  const tsc = createRequire(path.join(HARNESS_ROOT, '..', 'package.json')).resolve('typescript/bin/tsc');
  const { ok } = run(process.execPath, [tsc, '-p', path.join(HARNESS_ROOT, 'tsconfig.declarations.json')]);
  if (!ok) process.exitCode = 1;
} else if (action !== 'remove') {
  process.stderr.write('usage: node lib/declarations.mjs write|remove\n');
  process.exitCode = 2;
}
