// The modules that say `// @ts-check` type-check, under strict settings, with
// the shared shapes of lib/types.mjs: the driver contract, outcomes, records
// and the report are checked, not only described. (A later step turns on
// checkJs for the whole tree; until then a module opts in with the comment.)
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const CONFORMANCE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const TSC = createRequire(import.meta.url).resolve('typescript/bin/tsc');

async function checkedModules() {
  const files = [];
  for (const folder of ['lib', 'drivers', 'reporters', 'server']) {
    for (const name of await readdir(path.join(CONFORMANCE, folder))) {
      const file = path.join(CONFORMANCE, folder, name);
      if (name.endsWith('.mjs') && (await readFile(file, 'utf8')).startsWith('// @ts-check')) files.push(file);
    }
  }
  return files;
}

describe('types', () => {
  it('type-checks every module that opts in', async () => {
    const files = await checkedModules();
    for (const required of ['lib/types.mjs', 'lib/scheduler.mjs', 'drivers/playwright.mjs', 'drivers/webdriver.mjs', 'drivers/jsdom.mjs', 'lib/verdict.mjs']) {
      assert.ok(files.includes(path.join(CONFORMANCE, required)), `${required} opts in`);
    }
    const args = [TSC, '--noEmit', '--allowJs', '--strict', '--target', 'es2022', '--module', 'nodenext', '--moduleResolution', 'nodenext',
      '--types', 'node', '--skipLibCheck', ...files];
    const { code, output } = await new Promise((resolve) => {
      execFile(process.execPath, args, { timeout: 120_000 }, (error, stdout, stderr) => resolve({ code: error ? error.code ?? error.signal : 0, output: stdout + stderr }));
    });
    assert.equal(code, 0, output);
  });
});
