// The harness end to end, through its real CLI, real server and real browsers:
// crashes and hangs are survived and reported, expected ones pass, the
// WebDriver path works, a remote Playwright server works, and a deliberately
// broken polyfill makes the run fail.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { detectBrowsers } from '../lib/browsers.mjs';
import { freePort } from '../lib/processes.mjs';
import { validateReport } from '../lib/schema.mjs';
import { CLI, REPOSITORY, makeScratch, makeWptRoot, runCli } from './harness-fixtures.mjs';

const DIST_POLYFILL = path.join(REPOSITORY, 'dist', 'websocketstream-polyfill.js');

// A hung page costs the whole bound: 0.75 × (10 s + 10 s), still enough for a
// page to load on a busy two-core machine.
const HANG_BOUND = ['--timeout-multiplier', '0.75'];

/** @typedef {import('../lib/types.mjs').Report} Report */
/** @typedef {import('../lib/types.mjs').FoundBrowsers} FoundBrowsers */
/** @typedef {{ directory: string, remove: () => Promise<void> }} Scratch */

/**
 * Runs the CLI; resolves with its exit code, output and JSON report. Bounded.
 * @param {string[]} args
 * @param {{ outDir: string, timeoutMs?: number }} where  outDir: where the reports go
 * @returns {Promise<{ code: number|null, stdout: string, stderr: string, report: Report }>}
 */
async function runCliWithReport(args, { outDir, timeoutMs = 120_000 }) {
  const ran = await runCli([...args, '--out', outDir, '--reporter', 'json,terminal'], { timeoutMs });
  const reportFile = path.join(outDir, 'results.json');
  // null when the run wrote none: the tests that read a report expect one.
  const report = /** @type {Report} */ (existsSync(reportFile) ? JSON.parse(await readFile(reportFile, 'utf8')) : null);
  return { ...ran, report };
}

/**
 * The report's results of one fixture file.
 * @param {Report} report
 * @param {string} file  its name under websockets/stream/
 */
function resultsOf(report, file) {
  return report.results.filter((result) => result.file === `websockets/stream/${file}`);
}

describe('the harness end to end', { concurrency: false }, () => {
  /** @type {{ root: string, remove: () => Promise<void> }} */
  let wpt;
  /** @type {Scratch} */
  let scratch;
  /** @type {FoundBrowsers} */
  let found;

  before(async () => {
    wpt = await makeWptRoot();
    scratch = await makeScratch();
    found = await detectBrowsers();
    // An empty expectations folder: nothing is allowed to differ unless a test says so.
    await mkdir(path.join(scratch.directory, 'no-expectations'));
  });
  after(async () => {
    await wpt.remove();
    await scratch.remove();
  });

  it('survives a renderer crash, reports it as CRASH, and exits 0 when that crash is expected', async (t) => {
    if (!found.chromium) return t.skip('no Chromium here');
    const expectations = path.join(scratch.directory, 'crash-expected');
    await mkdir(expectations);
    const reason = 'Chromium 156 renderer crash: close() after abort() during the handshake';
    await writeFile(path.join(expectations, 'chromium.json'), JSON.stringify({
      entries: [{ file: 'websockets/stream/crash.any.js', mode: 'native', expected: 'CRASH', reason }],
    }));
    const { code, report, stdout, stderr } = await runCliWithReport(['--wpt-root', wpt.root, '--expectations', expectations, '--browsers', 'chromium', '--modes', 'native',
      '--filter', 'crash', '--filter', 'ok'], { outDir: path.join(scratch.directory, 'crash-expected-out') });
    assert.equal(code, 0, stdout);
    assert.deepEqual(validateReport(report), []);
    const [crash] = resultsOf(report, 'crash.any.js');
    assert.equal(crash.status, 'CRASH');
    assert.equal(crash.crashed, true);
    assert.equal(crash.reason, reason);
    // The files after the crash still ran, in a recovered page.
    const ok = resultsOf(report, 'ok.any.js');
    assert.equal(ok.length, 4);
    for (const result of ok) {
      assert.equal(result.status, 'OK', `${result.scope}/${result.variant}`);
      assert.deepEqual(result.subtests.map((subtest) => subtest.status), ['PASS', 'PASS']);
    }
    assert.match(stdout, /OK: every difference from native Chromium is expected/);
    assert.match(stderr, /\[5\/5\] chromium:native/, 'progress shows file N of M and the configuration');
  });

  it('runs a native page once more after an unexpected crash, counts the second attempt and keeps the first', async (t) => {
    if (!found.chromium) return t.skip('no Chromium here');
    const { code, report, stdout, stderr } = await runCliWithReport(['--wpt-root', wpt.root, '--expectations', path.join(scratch.directory, 'no-expectations'),
      '--browsers', 'chromium', '--modes', 'native', '--filter', 'dies-once'], { outDir: path.join(scratch.directory, 'dies-once') });
    assert.equal(code, 0, `${stdout}\n${stderr}`);
    assert.deepEqual(validateReport(report), []);
    const [result] = resultsOf(report, 'dies-once.any.js');
    assert.equal(result.status, 'OK');
    assert.deepEqual(result.subtests.map((subtest) => subtest.status), ['PASS']);
    assert.equal(result.firstAttempt?.status, 'CRASH');
    assert.match(stderr, /the native reference gets one more try/);
    assert.match(stdout, /crashed once and were run again \(1\)/);
  });

  it('reports a hung page as TIMEOUT, fails the run, and goes on', async (t) => {
    if (!found.chromium) return t.skip('no Chromium here');
    const { code, report, stderr } = await runCliWithReport(['--wpt-root', wpt.root, '--expectations', path.join(scratch.directory, 'no-expectations'),
      '--browsers', 'chromium', '--modes', 'native', '--filter', 'hang', '--filter', 'ok', ...HANG_BOUND], { outDir: path.join(scratch.directory, 'hang') });
    assert.equal(code, 1, stderr);
    const [hang] = resultsOf(report, 'hang.any.js');
    assert.equal(hang.status, 'TIMEOUT');
    assert.equal(hang.timedOut, true);
    assert.deepEqual(resultsOf(report, 'ok.any.js').map((result) => result.status), ['OK', 'OK', 'OK', 'OK']);
    assert.deepEqual(report.unexpected.map((item) => item.kind), ['harness-timeout']);
  });

  it('drives WebKitGTK over WebDriver, through a hung page and on', async (t) => {
    if (!found.webkit || found.webkit.source !== 'system') return t.skip('no WebKitGTK WebDriver here');
    // A stand-in polyfill: enough for ok.any.js, which only checks the constructor exists.
    const stub = path.join(scratch.directory, 'stub-polyfill.js');
    await writeFile(stub, 'globalThis.WebSocketStream = globalThis.WebSocketStream || function WebSocketStream() {};\n');
    const { code, report, stderr } = await runCliWithReport(['--wpt-root', wpt.root, '--expectations', path.join(scratch.directory, 'no-expectations'),
      '--browsers', 'webkit', '--modes', 'polyfill', '--no-reference', '--polyfill', stub, '--filter', 'hang', '--filter', 'ok', ...HANG_BOUND],
    { outDir: path.join(scratch.directory, 'webkit') });
    assert.equal(code, 1, stderr);
    const configuration = report.run.configurations.find((item) => item.id === 'webkit:polyfill');
    assert.equal(configuration?.driver, 'webdriver');
    assert.equal(resultsOf(report, 'hang.any.js')[0].timedOut, true);
    const ok = resultsOf(report, 'ok.any.js');
    assert.deepEqual(ok.map((result) => result.status), ['OK', 'OK', 'OK', 'OK']);
    assert.deepEqual(report.unexpected.map((item) => item.kind), ['harness-timeout']);
  });

  it('runs through a remote `playwright run-server`', async (t) => {
    if (!found.chromium) return t.skip('no Chromium here');
    const port = await freePort();
    const server = spawn(process.execPath, [path.join(REPOSITORY, 'node_modules', 'playwright', 'cli.js'), 'run-server', '--port', String(port), '--host', '127.0.0.1', '--unsafe'],
      { stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      await /** @type {Promise<void>} */ (new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('run-server did not start')), 30_000);
        server.stdout.on('data', (chunk) => {
          if (String(chunk).includes('Listening on')) {
            clearTimeout(timer);
            resolve();
          }
        });
        server.once('exit', (exitCode) => reject(new Error(`run-server exited with ${exitCode}`)));
      }));
      const launchOptions = found.chromium.executablePath ? { chromium: { executablePath: found.chromium.executablePath } } : {};
      const { code, report, stderr } = await runCliWithReport(['--wpt-root', wpt.root, '--expectations', path.join(scratch.directory, 'no-expectations'),
        '--browsers', 'chromium', '--modes', 'native', '--filter', 'ok', '--playwright-endpoint', `ws://127.0.0.1:${port}/`,
        '--playwright-launch-options', JSON.stringify(launchOptions)], { outDir: path.join(scratch.directory, 'remote') });
      assert.equal(code, 0, stderr);
      assert.match(report.run.configurations[0].source ?? '', /remote Playwright server ws:\/\/127\.0\.0\.1/);
      assert.equal(report.results.length, 4);
    } finally {
      // run-server waits for its clients on SIGTERM; it has none left, but do not wait on it.
      const exited = new Promise((resolve) => server.once('exit', resolve));
      server.kill('SIGTERM');
      const force = setTimeout(() => server.kill('SIGKILL'), 3000);
      await exited;
      clearTimeout(force);
    }
  });

  it('leaves no browser, driver or display behind when interrupted', async (t) => {
    if (!existsSync('/proc/self/environ')) return t.skip('needs /proc to find leftover processes');
    if (!found.chromium || found.webkit?.source !== 'system') return t.skip('needs Chromium and WebKitGTK');
    // Every process the CLI starts inherits this marker, so leftovers can be found by it.
    const marker = `CONFORMANCE_INTERRUPT_TEST=${process.pid}-${Date.now()}`;
    const stub = path.join(scratch.directory, 'stub-polyfill.js');
    await writeFile(stub, 'globalThis.WebSocketStream = globalThis.WebSocketStream || function WebSocketStream() {};\n');
    const child = spawn(process.execPath, [CLI, '--wpt-root', wpt.root, '--expectations', path.join(scratch.directory, 'no-expectations'),
      '--browsers', 'chromium,webkit', '--polyfill', stub, '--filter', 'hang', '--filter', 'ok', '--reporter', 'terminal'], {
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, [marker.split('=')[0]]: marker.split('=')[1] },
    });
    let stderr = '';
    /** @type {Promise<{ code: number|null, signal: NodeJS.Signals|null }>} */
    const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
    await /** @type {Promise<void>} */ (new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no page finished in time:\n${stderr}`)), 90_000);
      child.stderr.on('data', (chunk) => {
        stderr += chunk;
        // Interrupt once both browsers are up and a page has finished.
        if (/\[\s*1\//.test(stderr) && (stderr.match(/starting /g) ?? []).length >= 2) {
          clearTimeout(timer);
          resolve();
        }
      });
    }));
    child.kill('SIGINT');
    const { code } = await exited;
    assert.equal(code, 130, stderr);
    assert.match(stderr, /interrupted, stopping browsers and helpers/);

    const leftovers = async () => {
      const { readdir } = await import('node:fs/promises');
      /** @type {string[]} */
      const found = [];
      for (const entry of await readdir('/proc')) {
        if (!/^\d+$/.test(entry)) continue;
        try {
          if ((await readFile(`/proc/${entry}/environ`, 'latin1')).split('\0').includes(marker)) {
            found.push(`${entry}: ${(await readFile(`/proc/${entry}/cmdline`, 'latin1')).replace(/\0/g, ' ').slice(0, 80)}`);
          }
        } catch {
          // The process ended while we looked, or is not ours to read.
        }
      }
      return found;
    };
    // Processes die asynchronously after their group is killed: allow them a bounded moment.
    let remaining = await leftovers();
    for (let attempt = 0; remaining.length > 0 && attempt < 50; attempt += 1) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      remaining = await leftovers();
    }
    assert.deepEqual(remaining, [], 'nothing started by the run outlives it');
  });

  it('fails the run, loudly, for a deliberately broken polyfill build', async () => {
    assert.ok(existsSync(DIST_POLYFILL), 'the polyfill is built (npm run build) before this test');
    // The real build with one behaviour broken: a stream never opens (`opened` rejects at once,
    // so the broken subtests fail fast instead of waiting for testharness's timeout).
    const broken = path.join(scratch.directory, 'broken-polyfill.js');
    await writeFile(broken, `${await readFile(DIST_POLYFILL, 'utf8')}
;(function breakOpened() {
  var prototype = globalThis.WebSocketStreamPolyfill.WebSocketStream.prototype;
  var original = Object.getOwnPropertyDescriptor(prototype, 'opened');
  Object.defineProperty(prototype, 'opened', { configurable: true, enumerable: original.enumerable,
    get: function () {
      original.get.call(this).catch(function () {});
      return Promise.reject(new TypeError('deliberately broken build: never opens'));
    } });
})();
`);
    const subset = ['--browsers', 'chromium', '--modes', 'polyfill', '--filter', 'cancel-abort.any.js', '--scopes', 'window', '--variants', 'default'];
    const { code, report, stdout } = await runCliWithReport([...subset, '--polyfill', broken], { outDir: path.join(scratch.directory, 'broken') });
    assert.equal(code, 1, stdout);
    assert.match(stdout, /UNEXPECTED RESULTS/);
    assert.match(stdout, /FAILED: \d+ unexpected result/);
    const polyfillProblems = report.unexpected.filter((item) => item.configuration === 'chromium:polyfill');
    assert.ok(polyfillProblems.length > 0, 'the broken polyfill is blamed');
    assert.ok(report.unexpected.every((item) => item.configuration === 'chromium:polyfill'), 'native Chromium is not');
    assert.ok(report.results.some((result) => result.subtests.some((subtest) => subtest.parity === 'differs')), 'differences from native are shown');

    // The same subset with the real build passes: the failure above is the breakage, not the subset.
    const control = await runCliWithReport([...subset, '--no-reference'], { outDir: path.join(scratch.directory, 'control') });
    assert.equal(control.code, 0, control.stdout);
  });
});
