// The runtime driver (drivers/runtime.mjs + runtime-host.mjs) against a real
// conformance server, in runtimes fetched from the npm registry by
// lib/engines.mjs (kept in its default cache between runs): close.any.js in
// Node 18 through `ws`, and in Deno natively and with the polyfill; a page
// that hangs or kills its runtime is bounded and reported.
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createRuntimeDriver, runtimePages } from '../drivers/runtime.mjs';
import { obtainEngine } from '../lib/engines.mjs';
import { fileTimeoutMs } from '../lib/matrix.mjs';
import { parseMeta } from '../server/meta.mjs';
import { startServer } from '../server/index.mjs';
import { makeScratch } from './harness-fixtures.mjs';

/** @typedef {import('../lib/types.mjs').Driver} Driver */
/** @typedef {import('../lib/types.mjs').PageOutcome} PageOutcome */
/** @typedef {import('../lib/types.mjs').TestMeta} TestMeta */
/** @typedef {import('../lib/engines.mjs').ObtainedEngine} ObtainedEngine */
/** @typedef {import('../server/index.mjs').TestServer} TestServer */

const CLOSE = 'websockets/stream/close.any.js';
// close.any.js has 71 subtests; testharness's 10 s, and room for a loaded machine.
const CLOSE_SUBTESTS = 71;
// fileTimeoutMs() reads only the META timeout.
const TIMEOUT_MS = fileTimeoutMs(/** @type {TestMeta} */ ({ timeout: 'normal' }), 1.5);

/**
 * How many subtests ended in each status.
 * @param {PageOutcome} outcome
 */
function counts(outcome) {
  /** @type {Record<string, number>} */
  const result = {};
  for (const { status } of outcome.subtests) result[status] = (result[status] ?? 0) + 1;
  return result;
}

/**
 * The names of the subtests that did not pass.
 * @param {PageOutcome} outcome
 */
function failing(outcome) {
  return outcome.subtests.filter((subtest) => subtest.status !== 'PASS').map((subtest) => subtest.name);
}

describe('the runtime driver', { concurrency: false, timeout: 600_000 }, () => {
  /** @type {TestServer} */
  let server;
  /** @type {ObtainedEngine} */
  let node;
  /** @type {ObtainedEngine} */
  let deno;
  const pages = runtimePages(CLOSE, parseMeta('// META: global=window,worker\n// META: variant=?default\n// META: variant=?wss\n'));
  const url = (/** @type {{ path: string }} */ page) => `${server.httpOrigin}${page.path}`;

  before(async () => {
    server = await startServer();
    [node, deno] = [await obtainEngine('node@18.20.8'), await obtainEngine('deno@2.9.6')];
  });
  after(() => server?.close());

  test('a file has one shell page per variant, the window page\'s URL', () => {
    assert.deepEqual(pages, [
      { scope: 'shell', variant: 'default', path: '/websockets/stream/close.any.html' },
      { scope: 'shell', variant: 'wss', path: '/websockets/stream/close.any.html?wss' },
    ]);
    assert.deepEqual(runtimePages('websockets/stream/fuzz.any.js', parseMeta('// META: global=window\n')), [], 'a window-only file may need a DOM');
  });

  test('Node 18 with the polyfill through ws passes close.any.js over ws and wss', async () => {
    const driver = createRuntimeDriver({ engine: 'node', executable: node.executable, mode: 'polyfill', socket: 'ws', source: node.obtainedFrom });
    await driver.launch();
    assert.equal(driver.version, '18.20.8');
    assert.equal(driver.kind, 'runtime');
    assert.equal(await driver.evaluate(`${server.httpOrigin}/`, "typeof WebSocketStream + ' ' + typeof self + ' ' + location.origin"), `function object ${server.httpOrigin}`);
    for (const page of pages) {
      const outcome = await driver.runPage(url(page), { timeoutMs: TIMEOUT_MS });
      assert.equal(outcome.status, 'OK', `${page.variant}: ${outcome.message}`);
      assert.deepEqual(counts(outcome), { PASS: CLOSE_SUBTESTS }, `${page.variant}: ${failing(outcome).join('; ')}`);
    }
  });

  test('Deno natively (--unstable-net) runs all of close.any.js, failing where its WebSocketStream departs', async () => {
    const driver = createRuntimeDriver({ engine: 'deno', executable: deno.executable, mode: 'native' });
    await driver.launch();
    assert.equal(driver.version, '2.9.6');
    assert.equal(await driver.evaluate(`${server.httpOrigin}/`, 'typeof WebSocketStream'), 'function');
    for (const page of pages) {
      const outcome = await driver.runPage(url(page), { timeoutMs: TIMEOUT_MS });
      assert.equal(outcome.status, 'OK', `${page.variant}: ${outcome.message}`);
      assert.equal(outcome.subtests.length, CLOSE_SUBTESTS);
      // Deno does not validate close codes (no InvalidAccessError for 0, -0, null, false): measured
      // every run. Its `closed` also rejects now and then on a clean close, so more may fail.
      const failed = failing(outcome);
      for (const code of ['0', '-0', 'null', 'false']) assert.ok(failed.includes(`close() throws InvalidAccessError for closeCode ${code}`), `${page.variant}: ${failed.join('; ')}`);
      assert.ok(counts(outcome).PASS >= 55, `${page.variant}: ${JSON.stringify(counts(outcome))}`);
    }
  });

  test('Deno with the polyfill (no --unstable-net, its global WebSocket) fails only the incomplete closing handshake', async () => {
    const driver = createRuntimeDriver({ engine: 'deno', executable: deno.executable, mode: 'polyfill', socket: 'global' });
    await driver.launch();
    assert.equal(await driver.evaluate(`${server.httpOrigin}/`, 'typeof WebSocketStream'), 'function');
    for (const page of pages) {
      const outcome = await driver.runPage(url(page), { timeoutMs: TIMEOUT_MS });
      assert.equal(outcome.status, 'OK', `${page.variant}: ${outcome.message}`);
      assert.deepEqual(counts(outcome), { PASS: CLOSE_SUBTESTS - 2, FAIL: 2 }, failing(outcome).join('; '));
      // Deno's WebSocket reports a clean 1005 where browsers report an unclean 1006.
      assert.deepEqual(failing(outcome), [
        'close() with an incomplete closing handshake rejects closed with a WebSocketError (1006)',
        'an incomplete closing handshake errors readable, writable and closed with one WebSocketError',
      ]);
    }
  });
});

describe('the runtime driver on pages that misbehave', { concurrency: false, timeout: 120_000 }, () => {
  /** @type {{ directory: string, remove: () => Promise<void> }} */
  let scratch;
  /** @type {TestServer} */
  let server;
  /** @type {Driver} */
  let driver;

  before(async () => {
    scratch = await makeScratch();
    const directory = path.join(scratch.directory, 'websockets', 'stream');
    await mkdir(directory, { recursive: true });
    await writeFile(path.join(directory, 'spin.any.js'), "test(() => {}, 'registered');\nwhile (true) {}\n");
    await writeFile(path.join(directory, 'dies.any.js'), "test(() => {}, 'registered');\nprocess.kill(process.pid, 'SIGKILL');\n");
    await writeFile(path.join(directory, 'throws.any.js'), "test(() => {}, 'first');\nsetTimeout(() => { throw new TypeError('later'); }, 0);\npromise_test(() => new Promise((resolve) => setTimeout(resolve, 100)), 'second');\n");
    server = await startServer({ wptRoot: scratch.directory });
    const node = await obtainEngine('node@18.20.8');
    driver = createRuntimeDriver({ engine: 'node', executable: node.executable, mode: 'polyfill', socket: 'ws' });
    await driver.launch();
  });
  after(async () => {
    await server?.close();
    await scratch?.remove();
  });

  test('a page that never yields is stopped at the bound and reported as TIMEOUT', async () => {
    const started = Date.now();
    const outcome = await driver.runPage(`${server.httpOrigin}/websockets/stream/spin.any.html`, { timeoutMs: 3000 });
    assert.equal(outcome.status, 'TIMEOUT');
    assert.equal(outcome.timedOut, true);
    assert.ok(Date.now() - started < 8000, 'the process was killed, not waited for');
  });

  test('a runtime that dies is reported as CRASH', async () => {
    const outcome = await driver.runPage(`${server.httpOrigin}/websockets/stream/dies.any.html`, { timeoutMs: 10_000 });
    assert.equal(outcome.status, 'CRASH');
    assert.match(outcome.message ?? '', /node exited \(SIGKILL\) without results/);
  });

  test('an uncaught error reaches testharness.js as in a page: harness ERROR, subtests kept', async () => {
    const outcome = await driver.runPage(`${server.httpOrigin}/websockets/stream/throws.any.html`, { timeoutMs: 10_000 });
    assert.equal(outcome.status, 'ERROR');
    assert.equal(outcome.message, 'Uncaught TypeError: later');
    assert.deepEqual(outcome.subtests.map((subtest) => subtest.status), ['PASS', 'PASS']);
  });
});
