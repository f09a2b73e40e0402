// The built classic script (dist/websocketstream-polyfill.js) in real browsers: in a page and in a
// dedicated worker (importScripts), with any native WebSocketStream/WebSocketError deleted first,
// it installs itself and echoes a text and a binary message through a real `ws` server, then
// closes cleanly. Chromium has a native WebSocketStream, so there the test also proves it was
// native before and is the polyfill after. Firefox ESR and WebKitGTK have none.
//
// Browsers: Playwright's own builds when installed, else Debian's (see conformance/lib/browsers.mjs);
// WebKitGTK through W3C WebDriver under Xvfb. One browser at a time.
//
//   node --test test/browser-smoke.test.mjs      (npm run test:browsers)
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { chromium, firefox, webkit } from 'playwright';
import { WebDriverSession } from '../conformance/drivers/webdriver-client.mjs';
import { startWebKitGtkService } from '../conformance/drivers/webkitgtk-service.mjs';
import { describeBrowser, detectBrowsers } from '../conformance/lib/browsers.mjs';
import { playwrightLaunchOptions } from '../conformance/lib/launch-options.mjs';
import { startServer } from '../conformance/server/index.mjs';
import { ensureBuild } from '../scripts/bootstrap.mjs';
import { startSmokeSite } from './support/smoke-site.mjs';
import { within } from './support/waiting.mjs';

ensureBuild();

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const LAUNCH_MS = 60_000;
const PAGE_MS = 30_000;
const TEST_MS = 120_000;

/** @typedef {import('./support/smoke-site.mjs').SmokeResult} SmokeResult */
/** @typedef {import('./support/smoke-site.mjs').WorkerSmokeReport} WorkerSmokeReport */
/** @typedef {Window & typeof globalThis & import('./support/smoke-site.mjs').SmokePage} SmokeSelf  `self` in the smoke page */
/** @typedef {import('node:test').TestContext} TestContext */

const found = await detectBrowsers();
// Both started in before().
/** @type {Awaited<ReturnType<typeof startServer>>} */
let wpt;
/** @type {Awaited<ReturnType<typeof startSmokeSite>>} */
let site;

before(async () => {
  [wpt, site] = await Promise.all([
    startServer(),
    startSmokeSite({ polyfillFile: path.join(root, 'dist', 'websocketstream-polyfill.js') }),
  ]);
});

after(async () => {
  await Promise.all([wpt?.close(), site?.close()]);
});

const echoUrl = () => `ws://127.0.0.1:${wpt.ports.ws}/echo`;

/**
 * @param {SmokeResult} result
 * @param {'page'|'worker'} scope
 */
function assertSmoke(result, scope) {
  assert.equal(result.installed, true, `${scope}: the polyfill installed WebSocketStream and WebSocketError`);
  assert.equal(result.nativeAfter, false, `${scope}: WebSocketStream is not native code after the polyfill loaded`);
  assert.equal(result.enumerable, false, `${scope}: installed as a non-enumerable global`);
  assert.equal(result.text, `hello from ${scope === 'page' ? 'a page' : 'a worker'}`, `${scope}: text echo`);
  assert.deepEqual(result.binary, { isUint8Array: true, bytes: [1, 2, 3, 255] }, `${scope}: binary echo as a Uint8Array`);
  assert.deepEqual(result.closed, { closeCode: 4000, reason: 'smoke' }, `${scope}: clean close`);
}

/**
 * @param {WorkerSmokeReport} report
 * @param {{ nativeBefore?: unknown }} expected  what the page said of a native implementation (undefined: not checked)
 */
function assertWorkerSmoke(report, { nativeBefore }) {
  if (!report.ok) assert.fail(`worker: ${report.error}`);
  if (nativeBefore !== undefined) assert.equal(report.nativeBefore, nativeBefore, 'worker: native WebSocketStream before the polyfill');
  assertSmoke(report.result, 'worker');
}

/** @param {string} engine */
function requireEngine(engine) {
  assert.ok(found[engine], `${describeBrowser(engine, null)} — or run node conformance/cli.mjs setup-browsers`);
  return found[engine];
}

/**
 * Launches with Playwright, runs the page and the worker, and always closes the browser.
 * @param {TestContext} t
 * @param {'chromium'|'firefox'|'webkit'} engine
 * @param {{ expectNativeBefore?: boolean }} expected  (undefined: not checked)
 */
async function smokeWithPlaywright(t, engine, { expectNativeBefore }) {
  const browserType = { chromium, firefox, webkit }[engine];
  const browser = await browserType.launch(playwrightLaunchOptions(engine, found[engine], { timeoutMs: LAUNCH_MS }));
  try {
    t.diagnostic(`${engine} ${browser.version()}`);
    const page = await browser.newPage();
    page.setDefaultTimeout(PAGE_MS);
    await page.goto(`${site.origin}/`);
    const nativeBefore = await page.evaluate(() => /** @type {SmokeSelf} */ (self).nativeBefore);
    t.diagnostic(`${engine}: native WebSocketStream before the polyfill: ${nativeBefore}`);
    if (expectNativeBefore !== undefined) assert.equal(nativeBefore, expectNativeBefore, 'native WebSocketStream before the polyfill');
    assertSmoke(await within(page.evaluate((url) => /** @type {SmokeSelf} */ (self).runSmoke(url), echoUrl()), 'page smoke', PAGE_MS), 'page');
    assertWorkerSmoke(await within(page.evaluate((url) => /** @type {SmokeSelf} */ (self).runSmokeInWorker(url), echoUrl()), 'worker smoke', PAGE_MS), { nativeBefore });
  } finally {
    // A Browser has no process() to kill (only a BrowserServer has): one that does not close in
    // time is killed by Playwright's own exit handler when this process ends.
    await within(browser.close(), `closing ${engine}`, 15_000).catch(() => {});
  }
}

/**
 * WebKitGTK: WebKitWebDriver (under its own Xvfb) and one session, both always stopped.
 * @param {TestContext} t
 * @param {import('../conformance/lib/types.mjs').FoundBrowser} where
 */
async function smokeWithWebKitGtk(t, where) {
  assert.ok(where.webDriver && where.miniBrowser, 'WebKitGTK was found with its WebKitWebDriver and MiniBrowser');
  const service = await startWebKitGtkService({ webDriver: where.webDriver, xvfb: where.xvfb });
  /** @type {WebDriverSession|null} */
  let session = null;
  try {
    session = await WebDriverSession.create(service.url, {
      browserName: 'MiniBrowser',
      acceptInsecureCerts: true,
      'webkitgtk:browserOptions': { binary: where.miniBrowser, args: ['--automation'] },
    }, { timeoutMs: LAUNCH_MS });
    t.diagnostic(`webkit: ${session.capabilities.browserName} ${session.capabilities.browserVersion}`);
    await session.setTimeouts({ pageLoad: PAGE_MS, script: PAGE_MS });
    await session.navigate(`${site.origin}/`, { timeoutMs: PAGE_MS });
    const nativeBefore = await session.executeSync('return self.nativeBefore', []);
    t.diagnostic(`webkit: native WebSocketStream before the polyfill: ${nativeBefore}`);
    const current = session;
    /**
     * Runs `call(echo URL)` in the page. → its outcome, as { ok, value } or { ok, error }
     * @param {string} call
     * @returns {Promise<{ ok: boolean, value?: unknown, error?: string }>}
     */
    const runAsync = (call) => current.executeAsync(
      `const done = arguments[arguments.length - 1];
       ${call}(arguments[0]).then((value) => done(JSON.stringify({ ok: true, value })), (error) => done(JSON.stringify({ ok: false, error: String(error) })));`,
      [echoUrl()],
      { timeoutMs: PAGE_MS + 5000 },
    ).then((json) => JSON.parse(json));
    const pageReport = await runAsync('self.runSmoke');
    assert.equal(pageReport.ok, true, `page: ${pageReport.error}`);
    assertSmoke(/** @type {SmokeResult} */ (pageReport.value), 'page');
    const workerReport = await runAsync('self.runSmokeInWorker');
    assert.equal(workerReport.ok, true, `worker: ${workerReport.error}`);
    assertWorkerSmoke(/** @type {WorkerSmokeReport} */ (workerReport.value), { nativeBefore });
  } finally {
    if (session) await session.delete().catch(() => {});
    await service.stop();
  }
}

test('Chromium: native WebSocketStream deleted, the polyfill installs and echoes (page and worker)', { timeout: TEST_MS }, async (t) => {
  requireEngine('chromium');
  await smokeWithPlaywright(t, 'chromium', { expectNativeBefore: true });
});

test('Firefox ESR: the polyfill installs and echoes (page and worker)', { timeout: TEST_MS }, async (t) => {
  requireEngine('firefox');
  await smokeWithPlaywright(t, 'firefox', {});
});

test('WebKit: the polyfill installs and echoes (page and worker)', { timeout: TEST_MS }, async (t) => {
  const where = requireEngine('webkit');
  if (where.source === 'playwright') await smokeWithPlaywright(t, 'webkit', {});
  else await smokeWithWebKitGtk(t, where);
});
