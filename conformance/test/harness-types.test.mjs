// The harness type-checks as a whole, under strict settings, with the shared
// shapes of lib/types.mjs: the driver contract, outcomes, records and the
// report are checked, not only described. The check is the repository's
// tsconfig.tools.json (checkJs over every .mjs that runs, JSDoc types; see its
// header for why JavaScript and not TypeScript), which `npm test` also runs as
// its "tooling types" step; this test keeps it in the harness's own suite.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const REPOSITORY = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const CONFIG = path.join(REPOSITORY, 'tsconfig.tools.json');
// TypeScript 5.9 by its own path: TypeScript 7 is installed beside it and may own .bin/tsc.
const TSC = createRequire(import.meta.url).resolve('typescript/bin/tsc');

/** @returns {Promise<{ code: number|string, output: string }>} */
function tsc(/** @type {string[]} */ args) {
  return new Promise((resolve) => {
    execFile(process.execPath, [TSC, ...args], { cwd: REPOSITORY, timeout: 120_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (error.code ?? error.signal ?? 1) : 0, output: stdout + stderr });
    });
  });
}

describe('types', () => {
  it('checks the whole harness, not modules that opt in', async () => {
    const { code, output } = await tsc(['-p', CONFIG, '--listFilesOnly']);
    assert.equal(code, 0, output);
    const checked = new Set(output.split('\n').map((line) => path.relative(REPOSITORY, line.trim())));
    for (const required of ['conformance/cli.mjs', 'conformance/lib/types.mjs', 'conformance/lib/scheduler.mjs', 'conformance/lib/verdict.mjs',
      'conformance/drivers/playwright.mjs', 'conformance/drivers/webdriver.mjs', 'conformance/drivers/jsdom.mjs',
      'conformance/drivers/launcher.mjs', 'conformance/drivers/runtime.mjs', 'conformance/reporters/html.mjs', 'conformance/server/index.mjs']) {
      assert.ok(checked.has(required), `${required} is checked`);
    }
    const config = readFileSync(CONFIG, 'utf8');
    assert.match(config, /"checkJs": true/);
    assert.match(config, /"strict": true/);
  });

  it('type-checks under strict settings', async () => {
    const { code, output } = await tsc(['-p', CONFIG]);
    assert.equal(code, 0, output);
  });
});
