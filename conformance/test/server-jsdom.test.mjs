// The suite in Node (the jsdom configuration of the CLI, drivers/jsdom.mjs) and
// the jsdom behaviours that expectations/jsdom.json relies on. If jsdom changes one of those, the test
// about it fails here, and the entries that cite it must be revisited.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { validateReport } from '../lib/schema.mjs';
import { startServerProcess } from '../server/child.mjs';

const TIMEOUT = 10_000;
const conformanceDirectory = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const requireFromHere = createRequire(import.meta.url);
const { JSDOM } = createRequire(requireFromHere.resolve('wpt-runner/package.json'))('jsdom');

/** @typedef {import('../lib/types.mjs').Report} Report */
/** @typedef {{ window: Window & typeof globalThis }} Dom  a JSDOM, as much of it as is used here (wpt-runner's jsdom comes without types) */

/**
 * The promise, or a rejection naming `what` once `ms` have passed.
 * @template T
 * @param {Promise<T>} promise
 * @param {number} ms
 * @param {string} what
 * @returns {Promise<T>}
 */
function within(promise, ms, what) {
  /** @type {NodeJS.Timeout|undefined} */
  let timer;
  const expiry = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: nothing within ${ms} ms`)), ms);
  });
  return Promise.race([promise, expiry]).finally(() => clearTimeout(timer));
}

describe("jsdom's WebSocket departures cited by expectations/jsdom.json", () => {
  /** @type {import('../server/index.mjs').TestServer} */
  let server;
  /** @type {Dom} */
  let dom;
  before(async () => {
    server = await startServerProcess();
    dom = new JSDOM('<!doctype html>', { runScripts: 'dangerously', url: `${server.httpOrigin}/` });
  });
  after(async () => {
    dom.window.close();
    await server.close();
  });

  /** @param {string} endpoint */
  const open = async (endpoint) => {
    const socket = new dom.window.WebSocket(`${server.wsOrigin}${endpoint}`);
    await within(new Promise((resolve, reject) => {
      socket.onopen = resolve;
      socket.onerror = reject;
    }), TIMEOUT, `open ${endpoint}`);
    return socket;
  };
  /** @param {WebSocket} socket */
  const closeEvent = (socket) => within(/** @type {Promise<{ code: number, reason: string, wasClean: boolean, bufferedAmount: number }>} */ (new Promise((resolve) => {
    socket.onclose = (event) => resolve({ code: event.code, reason: event.reason, wasClean: event.wasClean, bufferedAmount: socket.bufferedAmount });
  })), TIMEOUT, 'close event');

  test('a connection dropped without a close frame is reported as clean (wasClean true, code 1006)', async () => {
    const socket = await open('/remote-close?abrupt=1');
    assert.deepEqual(await closeEvent(socket), { code: 1006, reason: '', wasClean: true, bufferedAmount: 0 });
  });

  test('a close frame answered by a dropped connection is reported as clean (wasClean true, code 1006)', async () => {
    const socket = await open('/passive-close-abort');
    const closed = closeEvent(socket);
    socket.close(4000);
    assert.deepEqual(await closed, { code: 1006, reason: '', wasClean: true, bufferedAmount: 0 });
  });

  test('close() in the same task as send() overtakes the message', async () => {
    const socket = await open('/echo_exit');
    const closed = closeEvent(socket);
    socket.send('Goodbye');
    socket.close();
    // A browser sends "Goodbye" first, so /echo_exit closes with 1000.
    assert.equal((await closed).code, 1005);
  });

  test('messages queued when the server closes are still sent, and the close is then clean with nothing unsent', async () => {
    const socket = await open('/remote-close-with-unsent-data');
    const closed = closeEvent(socket);
    socket.send('start');
    for (let i = 0; i < 32; i++) socket.send(new dom.window.Uint8Array(1024 * 1024));
    assert.ok(socket.bufferedAmount > 16 * 1024 * 1024, 'megabytes are queued');
    assert.deepEqual(await closed, { code: 4567, reason: 'unsent', wasClean: true, bufferedAmount: 0 });
  });
});

describe('the jsdom configuration, through the CLI', () => {
  let root = '';
  /** @param {string} relPath @param {string} text */
  const write = async (relPath, text) => {
    await mkdir(path.dirname(path.join(root, relPath)), { recursive: true });
    await writeFile(path.join(root, relPath), text);
  };
  /**
   * Runs the CLI on the fixture tree; resolves with its exit code, output and JSON report. Bounded.
   * @param {string} expectations  the expectations folder, under the tree
   * @param {string[]} args
   * @returns {Promise<{ code: number|string|null|undefined, stdout: string, stderr: string, report: Report }>}
   */
  const runJsdom = (expectations, ...args) => new Promise((resolve) => {
    const out = path.join(root, `out-${Math.random().toString(36).slice(2)}`);
    execFile(process.execPath, [path.join(conformanceDirectory, 'cli.mjs'), '--browsers', 'jsdom', '--wpt-root', root,
      '--polyfill', path.join(root, 'fixture-polyfill.js'), '--expectations', path.join(root, expectations),
      '--reporter', 'terminal,json', '--out', out, ...args], { timeout: 90_000 }, async (error, stdout, stderr) => {
      // null when the run wrote none: the tests that read a report expect one.
      const report = /** @type {Report} */ (await readFile(path.join(out, 'results.json'), 'utf8').then(JSON.parse, () => null));
      resolve({ code: error ? error.code : 0, stdout, stderr, report });
    });
  });

  before(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'jsdom-run-'));
    await mkdir(path.join(root, 'websockets'), { recursive: true });
    await copyFile(path.join(conformanceDirectory, '../wpt/websockets/constants.sub.js'), path.join(root, 'websockets/constants.sub.js'));
    // Stands in for the built polyfill: this tests the runner, not the polyfill.
    await write('fixture-polyfill.js', 'globalThis.fixturePolyfillLoaded = true;\n');
    await write('websockets/stream/fixture.any.js', [
      '// META: global=window,worker',
      '// META: script=../constants.sub.js',
      '// META: variant=?default',
      '// META: variant=?wss',
      "test(() => assert_true(self.fixturePolyfillLoaded), 'the polyfill file is loaded (polyfill mode)');",
      'test(() => {',
      "  assert_equals(typeof ReadableStream, 'function', 'ReadableStream');",
      "  assert_equals(typeof WritableStream, 'function', 'WritableStream');",
      "  assert_true(new TextEncoder().encode('\\u00e9') instanceof Uint8Array, 'TextEncoder gives this realm\\'s Uint8Array');",
      "  assert_equals(new TextDecoder().decode(new Uint8Array([0xc3, 0xa9])), '\\u00e9', 'TextDecoder');",
      "  assert_equals(typeof structuredClone, 'function', 'structuredClone');",
      "}, 'the platform pieces jsdom lacks are added');",
      'promise_test(async () => {',
      "  const expectedScheme = location.search === '?wss' ? 'wss:' : 'ws:';",
      "  assert_equals(new URL(SCHEME_DOMAIN_PORT).protocol, expectedScheme, 'scheme for this variant');",
      "  const socket = new WebSocket(SCHEME_DOMAIN_PORT + '/echo');",
      "  await new Promise((resolve, reject) => { socket.onopen = resolve; socket.onerror = () => reject(new Error('no connection')); });",
      "  socket.send('ping');",
      "  const echoed = await new Promise((resolve) => { socket.onmessage = (event) => resolve(event.data); });",
      "  assert_equals(echoed, 'ping');",
      '  socket.close();',
      "}, 'the variant selects the ws or wss port, and the echo endpoint answers');",
      'promise_test(async () => {',
      "  const response = await fetch('/fetch/api/resources/stash-take.py?key=nothing-here');",
      "  assert_equals(await response.text(), 'null');",
      "}, 'fetch resolves relative URLs against the page and reaches the stash');",
      "test(() => assert_true(false, 'deliberately'), 'fails on purpose');",
    ].join('\n'));
    // jsdom has no workers: a worker-only file gives it no page.
    await write('websockets/stream/worker-only.any.js', "// META: global=worker\ntest(() => {}, 'in a worker');\n");
    // A script that never yields: only stopping jsdom's thread ends it.
    await write('websockets/stream/spin.any.js', "// META: global=window\ntest(() => {}, 'registered before the spin');\nwhile (true) {}\n");
    await write('expect-fail/jsdom.json', JSON.stringify({ entries: [{
      file: 'websockets/stream/fixture.any.js', test: 'fails on purpose', scope: 'window', variant: '*', mode: 'polyfill',
      expected: 'FAIL', reason: 'the fixture fails it on purpose',
    }] }));
    await mkdir(path.join(root, 'expect-nothing'));
  });
  after(() => rm(root, { recursive: true, force: true }));

  test('runs every variant of the window scope, applies expectations, and exits 0 when all is as expected', async () => {
    const { code, stdout, stderr, report } = await runJsdom('expect-fail', '--filter', 'fixture', '--filter', 'worker-only');
    assert.equal(code, 0, `${stdout}\n${stderr}`);
    assert.deepEqual(report.results.map((result) => [result.configuration, result.scope, result.variant, result.status]), [
      ['jsdom:polyfill', 'window', 'default', 'OK'],
      ['jsdom:polyfill', 'window', 'wss', 'OK'],
    ]);
    for (const result of report.results) {
      assert.deepEqual(result.subtests.map((subtest) => [subtest.status, subtest.parity]), [['PASS', null], ['PASS', null], ['PASS', null], ['PASS', null], ['FAIL', null]]);
    }
    assert.deepEqual(validateReport(report), []);
    // The fields schema version 1 gained with the scheduler: sessions, skips as values, time per row.
    assert.equal(report.run.workers, 2);
    assert.deepEqual(report.run.configurations.map((configuration) => [configuration.id, configuration.driver, configuration.comparedWithReference, configuration.skip, configuration.sessions]),
      [['jsdom:polyfill', 'jsdom', false, null, 2]]);
    assert.ok(report.summary.every((row) => row.wallTimeMs > 0 && row.wallTimeMs === report.results.filter((result) => result.variant === row.variant).reduce((sum, result) => sum + result.durationMs, 0)));
    assert.match(stdout, /jsdom:polyfill\s+window\s+ws\s+4\/5\s+-\s+0/, 'the jsdom row, without differences: there is no reference');
    assert.match(stdout, /OK: every result is as its expectations say/);
    assert.doesNotMatch(stdout, /native Chromium/);
  });

  test('exits 1 and names the subtest when a result is not as expected', async () => {
    const { code, stdout, report } = await runJsdom('expect-nothing', '--filter', 'fixture', '--workers', '1');
    assert.equal(code, 1);
    assert.match(stdout, /unexpected-result\s+jsdom:polyfill\s+websockets\/stream\/fixture\.any\.js \[window\/default\] "fails on purpose" FAIL \(expected PASS\)/);
    assert.match(stdout, /assert_true: deliberately/);
    assert.equal(report.run.workers, 1);
  });

  test('stops a page that never yields at its bound, and runs the next in a new thread', async () => {
    const { code, stdout, report } = await runJsdom('expect-fail', '--filter', 'spin', '--filter', 'fixture', '--workers', '1', '--timeout-multiplier', '0.3');
    assert.equal(code, 1, stdout);
    const spin = report.results.find((result) => result.file.endsWith('/spin.any.js'));
    assert.equal(spin?.status, 'TIMEOUT');
    assert.equal(spin?.timedOut, true);
    assert.deepEqual(report.results.filter((result) => result.file.endsWith('/fixture.any.js')).map((result) => result.status), ['OK', 'OK']);
    assert.deepEqual(report.unexpected.map((item) => item.kind), ['harness-timeout']);
  });

  test('exits 2, naming the file, when --polyfill does not exist', async () => {
    const missing = path.join(root, 'missing.js');
    const { code, stderr } = await runJsdom('expect-fail', '--polyfill', missing);
    assert.equal(code, 2);
    assert.ok(stderr.includes(`--polyfill ${missing}: no such file`), stderr);
  });
});
