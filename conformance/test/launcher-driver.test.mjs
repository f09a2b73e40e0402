// The launcher driver (drivers/launcher.mjs: a browser with no automation
// protocol, directed by the test server) with old Chromium builds fetched by
// lib/engines.mjs (kept in its default cache between runs), against real
// conformance servers: Chromium 123 runs close.any.js with the polyfill;
// Chromium 92 cannot parse the modern build and runs the legacy one; a page
// that hangs costs only its bound and a fresh browser. Plus the server's
// launcher endpoints on their own, without a browser.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { createLauncherDriver } from '../drivers/launcher.mjs';
import { obtainEngine } from '../lib/engines.mjs';
import { fileTimeoutMs, pageUrl } from '../lib/matrix.mjs';
import { parseMeta, testPages } from '../server/meta.mjs';
import { startServer } from '../server/index.mjs';
import { makeWptRoot } from './harness-fixtures.mjs';

/** @typedef {import('../lib/types.mjs').Driver} Driver */
/** @typedef {import('../lib/types.mjs').PageOutcome} PageOutcome */
/** @typedef {import('../lib/types.mjs').TestMeta} TestMeta */
/** @typedef {import('../server/index.mjs').TestServer} TestServer */
/** @typedef {ReturnType<typeof createLauncherDriver>} LauncherDriver */

const REPOSITORY = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const LEGACY_BUILD = path.join(REPOSITORY, 'dist', 'websocketstream-polyfill.legacy.min.js');
const CLOSE = 'websockets/stream/close.any.js';
const CLOSE_SUBTESTS = 71;
const CLOSE_PAGES = testPages(CLOSE, parseMeta('// META: global=window,worker\n// META: variant=?default\n// META: variant=?wss\n'));
// fileTimeoutMs() reads only the META timeout.
const TIMEOUT_MS = fileTimeoutMs(/** @type {TestMeta} */ ({ timeout: 'normal' }), 1.5);

// Loads the server's polyfill script into the page (an iframe of the waiting room) and tells
// whether it defined its global, and which errors the window saw (a parse error is one).
const LOAD_POLYFILL = `new Promise((resolve) => {
  const errors = [];
  addEventListener('error', (event) => errors.push(event.message));
  const script = document.createElement('script');
  script.src = '/_polyfill/websocketstream-polyfill.js';
  script.onload = () => resolve({ defined: typeof WebSocketStreamPolyfill !== 'undefined', errors });
  script.onerror = () => resolve({ defined: false, errors: ['the script did not load'] });
  document.head.append(script);
})`;

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
 * Runs close.any.js's polyfill pages in the driver's browser; every subtest passes.
 * @param {Driver} driver
 * @param {TestServer} server
 */
async function expectCloseToPass(driver, server) {
  for (const page of CLOSE_PAGES) {
    const outcome = await driver.runPage(pageUrl(server.httpOrigin, page, 'polyfill'), { timeoutMs: TIMEOUT_MS });
    const label = `${page.scope} ${page.variant}`;
    assert.equal(outcome.status, 'OK', `${label}: ${outcome.message}`);
    assert.deepEqual(counts(outcome), { PASS: CLOSE_SUBTESTS },
      `${label}: ${outcome.subtests.filter((subtest) => subtest.status !== 'PASS').map((subtest) => `${subtest.name}: ${subtest.message}`).join('; ')}`);
  }
}

describe('the launcher driver with old Chromium builds', { concurrency: false, timeout: 600_000 }, () => {
  /** @type {TestServer[]} */
  const servers = [];
  /** @type {LauncherDriver|null} */
  let driver = null;
  after(async () => {
    await driver?.close();
    for (const server of servers) await server.close();
  });
  /** @param {Parameters<typeof startServer>[0]} [options] */
  const serve = async (options) => {
    const server = await startServer(options);
    servers.push(server);
    return server;
  };

  test('Chromium 123 runs close.any.js with the polyfill in a window and a worker, over ws and wss', async () => {
    const chromium = await obtainEngine('chromium@123');
    const server = await serve();
    driver = createLauncherDriver({ executable: chromium.executable, serverOrigin: server.httpOrigin, source: chromium.obtainedFrom });
    await driver.launch();
    assert.equal(driver.kind, 'launcher');
    assert.equal(driver.version, chromium.version, 'the version the browser itself reports');
    assert.match(driver.userAgent ?? '', /HeadlessChrome\/123\./);
    assert.equal(await driver.evaluate(`${server.httpOrigin}/_launcher/blank`, 'typeof WebSocketStream'), 'undefined', 'Chromium 123 has no native one');
    await expectCloseToPass(driver, server);
    await driver.close();
    driver = null;
  });

  test('Chromium 92 cannot parse the modern build (a SyntaxError, nothing defined) and runs close.any.js with the legacy build', async () => {
    const chromium = await obtainEngine('chromium@92');
    const modern = await serve();
    driver = createLauncherDriver({ executable: chromium.executable, serverOrigin: modern.httpOrigin });
    await driver.launch();
    assert.match(driver.version ?? '', /^92\./);
    const loaded = /** @type {{ defined: boolean, errors: string[] }} */ (await driver.evaluate(`${modern.httpOrigin}/_launcher/blank`, LOAD_POLYFILL));
    assert.equal(loaded.defined, false);
    // Class static blocks (Chromium 94) are where 92's parser stops.
    assert.deepEqual(loaded.errors, ["Uncaught SyntaxError: Unexpected token '{'"]);

    const legacy = await serve({ polyfillFile: LEGACY_BUILD });
    // A page on another server's origin: the driver moves its browser there.
    assert.deepEqual(await driver.evaluate(`${legacy.httpOrigin}/_launcher/blank`, LOAD_POLYFILL), { defined: true, errors: [] });
    await expectCloseToPass(driver, legacy);
    await driver.close();
    driver = null;
  });

  test('a page that hangs is reported as TIMEOUT at its bound, and the next page runs in a fresh browser', async () => {
    const chromium = await obtainEngine('chromium@123');
    const wpt = await makeWptRoot(['hang.any.js', 'ok.any.js']);
    try {
      const server = await serve({ wptRoot: wpt.root });
      driver = createLauncherDriver({ executable: chromium.executable, serverOrigin: server.httpOrigin });
      await driver.launch();
      const started = Date.now();
      const hung = await driver.runPage(`${server.httpOrigin}/_polyfill/websockets/stream/hang.any.html`, { timeoutMs: 4000 });
      assert.equal(hung.status, 'TIMEOUT');
      assert.equal(hung.timedOut, true);
      assert.ok(Date.now() - started < 15_000, 'the hung browser was stopped, not waited for');
      const ok = await driver.runPage(`${server.httpOrigin}/_polyfill/websockets/stream/ok.any.html?wss`, { timeoutMs: TIMEOUT_MS });
      assert.equal(ok.status, 'OK', ok.message ?? undefined);
      assert.deepEqual(ok.subtests.map((subtest) => subtest.status), ['PASS', 'PASS'], 'location.search is the variant alone');
      await driver.close();
      driver = null;
    } finally {
      await wpt.remove();
    }
  });
});

describe('the server\'s launcher endpoints', () => {
  /** @type {TestServer} */
  let server;
  const session = '0123456789abcdef';
  /** @param {string} what @param {Record<string, string>} [params] */
  const at = (what, params = {}) => `${server.httpOrigin}/_launcher/${what}?${new URLSearchParams({ session, ...params })}`;
  before(async () => {
    server = await startServer();
  });
  after(() => server?.close());

  test('a page assigned before the waiting room polls is handed over by the next poll; results reach the driver', async () => {
    const { token } = await (await fetch(at('assign'), { method: 'POST', body: JSON.stringify({ url: 'http://x/a.any.html' }) })).json();
    assert.deepEqual(await (await fetch(at('next'))).json(), { token, url: 'http://x/a.any.html' });
    const waiting = fetch(at('outcome', { token, waitMs: '5000' }));
    await fetch(at('results', { token }), { method: 'POST', body: JSON.stringify({ status: { status: 'OK', message: null }, tests: [] }) });
    assert.deepEqual(await (await waiting).json(), { status: { status: 'OK', message: null }, tests: [] });
  });

  test('a held poll is answered as soon as a page is assigned', async () => {
    const polling = fetch(at('next'));
    const { token } = await (await fetch(at('assign'), { method: 'POST', body: JSON.stringify({ url: 'http://x/b.any.html', expression: '1 + 1' }) })).json();
    assert.deepEqual(await (await polling).json(), { token, url: 'http://x/b.any.html', expression: '1 + 1' });
  });

  test('a driver\'s poll with nothing to report is answered 204 after its wait; a bad session is refused', async () => {
    const started = Date.now();
    const response = await fetch(at('outcome', { token: 'ffff0000', waitMs: '300' }));
    assert.equal(response.status, 204);
    assert.ok(Date.now() - started >= 250);
    assert.equal((await fetch(`${server.httpOrigin}/_launcher/next?session=..%2F`)).status, 400);
  });

  test('the waiting room carries its session and clears the page cookie', async () => {
    const page = await (await fetch(at('waiting-room'))).text();
    assert.match(page, new RegExp(`var query = '\\?session=${session}'`));
    assert.match(page, /document\.cookie = 'wpt_launcher=; path=\/; max-age=0'/);
  });
});
