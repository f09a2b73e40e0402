// npm packs only what is inside a package's folder, and the suite lives beside the harness, in the
// repository's wpt/. Packing copies it in (prepack) and removes the copy afterwards (postpack), so
// the published harness carries the suite it runs by default.
//
//   node lib/suite-copy.mjs copy|remove      (run from the harness package's folder)
import { cpSync, rmSync } from 'node:fs';
import path from 'node:path';
import { HARNESS_ROOT } from './inputs.mjs';

const packedSuite = path.join(HARNESS_ROOT, 'wpt');
const action = process.argv[2];
if (action === 'copy') {
  rmSync(packedSuite, { recursive: true, force: true });
  cpSync(path.resolve(HARNESS_ROOT, '..', 'wpt'), packedSuite, { recursive: true });
} else if (action === 'remove') {
  rmSync(packedSuite, { recursive: true, force: true });
} else {
  process.stderr.write('usage: node lib/suite-copy.mjs copy|remove\n');
  process.exitCode = 2;
}
