// One WebSocketStream and one WebSocketError per realm, in real browser pages:
// - a page that loads the classic script and also imports the ES module entries gets the same two
//   classes from all of them, and a WebSocketError from either, given to abort() or cancel() of a
//   stream from the other, reaches the server with its code and reason (Chromium with its native
//   pair deleted, and Firefox);
// - in Chromium with only its native WebSocketError deleted, the polyfill installs a matching pair;
// - in Chromium with its native pair kept, install({ replaceNonconforming: true }) replaces it, and
//   binary messages then arrive as Uint8Array instead of native Chromium's ArrayBuffer.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import http from 'node:http';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { chromium, firefox } from 'playwright';
import { detectBrowsers } from '../conformance/lib/browsers.mjs';
import { playwrightLaunchOptions } from '../conformance/lib/launch-options.mjs';
import { startServer } from '../conformance/server/index.mjs';
import { ensureBuild } from '../scripts/bootstrap.mjs';
import { startHelperServer } from './support/helper-server.mjs';
import { within } from './support/waiting.mjs';

ensureBuild();

const dist = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'dist');
const PAGE_MS = 30_000;
const TEST_MS = 120_000;

/** @typedef {Pick<typeof import('websocketstream-polyfill'), 'WebSocketStream' | 'WebSocketError' | 'install'>} Entry */
/**
 * `self` in the pages below, with what they put there.
 * @typedef {Window & typeof globalThis & {
 *   ready?: boolean, entries: Record<string, Entry>, nativeStream?: unknown, WebSocketStreamPolyfill: Entry,
 * }} PageSelf
 */

const DELETE_NATIVE_PAIR = 'delete self.WebSocketStream; delete self.WebSocketError;';
/** @type {Record<string, string | undefined>} by path */
const PAGES = {
  // The classic script, then the module entries; the test reads self.entries once `ready` is set.
  '/mixed.html': `<!doctype html><script>${DELETE_NATIVE_PAIR}</script>
<script src="/dist/websocketstream-polyfill.js"></script>
<script type="module">
  import * as index from '/dist/index.js';
  import * as polyfill from '/dist/polyfill.js';
  self.entries = { 'classic script': self.WebSocketStreamPolyfill, 'ES module index': index, 'ES module polyfill': polyfill };
  self.ready = true;
</script>`,
  '/one-half.html': `<!doctype html><script>self.nativeStream = self.WebSocketStream; delete self.WebSocketError;</script>
<script src="/dist/websocketstream-polyfill.js"></script><script>self.ready = true;</script>`,
  '/keep-native.html': `<!doctype html><script>self.nativeStream = self.WebSocketStream;</script>
<script src="/dist/websocketstream-polyfill.js"></script><script>self.ready = true;</script>`,
};

const found = await detectBrowsers();
// All three started in before().
/** @type {Awaited<ReturnType<typeof startHelperServer>>} */
let helper;
/** @type {Awaited<ReturnType<typeof startServer>>} */
let wpt;
/** @type {Awaited<ReturnType<typeof startSite>>} */
let site;

before(async () => {
  [helper, wpt, site] = await Promise.all([startHelperServer(), startServer(), startSite()]);
});
after(async () => {
  await Promise.all([helper?.close(), wpt?.close(), site?.close()]);
});

/** Serves PAGES and dist/. → { origin, close() } */
async function startSite() {
  const server = http.createServer(async (request, response) => {
    const pathname = new URL(request.url ?? '/', 'http://site').pathname;
    const page = PAGES[pathname];
    if (page !== undefined) {
      response.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' }).end(page);
      return;
    }
    const file = path.join(dist, path.normalize(pathname.replace(/^\/dist\//, '')));
    if (!pathname.startsWith('/dist/') || !file.startsWith(dist)) return void response.writeHead(404).end();
    const body = await readFile(file).catch(() => null);
    if (body === null) return void response.writeHead(404).end();
    response.writeHead(200, { 'Content-Type': 'text/javascript; charset=utf-8' }).end(body);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(undefined)));
  return {
    origin: `http://127.0.0.1:${/** @type {import('node:net').AddressInfo} */ (server.address()).port}`,
    close: () => new Promise((/** @type {(value?: unknown) => void} */ resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
}

/**
 * Opens `pathname` of the site in a fresh `engine`, waits for the page's `ready`, and runs `body`
 * on it; the browser is always closed.
 * @template T
 * @param {'chromium'|'firefox'} engine
 * @param {string} pathname
 * @param {(page: import('playwright').Page) => Promise<T>} body
 */
async function withPage(engine, pathname, body) {
  const where = found[engine];
  assert.ok(where, `no ${engine} here: run node conformance/cli.mjs setup-browsers`);
  const browser = await (engine === 'chromium' ? chromium : firefox).launch(playwrightLaunchOptions(engine, where, { timeoutMs: PAGE_MS }));
  try {
    const page = await browser.newPage();
    page.setDefaultTimeout(PAGE_MS);
    await page.goto(`${site.origin}${pathname}`);
    await page.waitForFunction(() => /** @type {PageSelf} */ (self).ready === true);
    return await body(page);
  } finally {
    // A Browser has no process() to kill (only a BrowserServer has): one that does not close in
    // time is killed by Playwright's own exit handler when this process ends.
    await within(browser.close(), `closing ${engine}`, 15_000).catch(() => {});
  }
}

/**
 * In the page: a stream from one entry, closed through abort() or cancel() with another entry's
 * WebSocketError ('global': the installed ones).
 * @param {import('playwright').Page} page
 * @param {{ url: string, streamEntry: string, errorEntry: string, how: 'abort'|'cancel', closeCode: number }} close
 */
function closeAcrossEntries(page, { url, streamEntry, errorEntry, how, closeCode }) {
  return page.evaluate(async ({ url, streamEntry, errorEntry, how, closeCode }) => {
    const pageSelf = /** @type {PageSelf} */ (self);
    // The globals are the installed polyfill here, which has the entries' types.
    const installed = /** @type {Entry} */ (/** @type {unknown} */ (pageSelf));
    const { WebSocketStream } = streamEntry === 'global' ? installed : pageSelf.entries[streamEntry];
    const { WebSocketError } = errorEntry === 'global' ? installed : pageSelf.entries[errorEntry];
    const stream = new WebSocketStream(url);
    const { readable, writable } = await stream.opened;
    const error = new WebSocketError('', { closeCode, reason: errorEntry });
    await (how === 'abort' ? writable.abort(error) : readable.cancel(error));
  }, { url, streamEntry, errorEntry, how, closeCode });
}

/**
 * @param {string} id  of the /record connection
 * @param {{ code: number, reason: string }} expected  the close the server saw
 * @param {string} what
 */
async function assertCloseAtServer(id, expected, what) {
  const record = await within(helper.record(id), `${what}: the server record`);
  assert.deepEqual(await within(record.closeSeen, `${what}: the close at the server`), expected, what);
}

for (const engine of /** @type {const} */ (['chromium', 'firefox'])) {
  test(`${engine}: the classic script and the ES module entries share one pair, and each one's WebSocketError closes the other's stream with its code`, { timeout: TEST_MS }, async () => {
    await withPage(engine, '/mixed.html', async (page) => {
      const names = await page.evaluate(() => Object.keys(/** @type {PageSelf} */ (self).entries));
      const same = await page.evaluate(() => Object.values(/** @type {PageSelf} */ (self).entries).every((entry) =>
        entry.WebSocketStream === self.WebSocketStream && entry.WebSocketError === self.WebSocketError));
      assert.equal(same, true, `every entry (${names.join(', ')}) hands out the installed pair`);
      let closeCode = 4100;
      for (const streamEntry of names) {
        for (const errorEntry of names) {
          const how = closeCode % 2 === 0 ? 'abort' : 'cancel';
          const id = `${engine}-${closeCode}`;
          await within(closeAcrossEntries(page, { url: helper.url(`/record?id=${id}`), streamEntry, errorEntry, how, closeCode }), 'the close', PAGE_MS);
          await assertCloseAtServer(id, { code: closeCode, reason: errorEntry }, `${streamEntry}'s stream, ${how}() with ${errorEntry}'s WebSocketError`);
          closeCode++;
        }
      }
    });
  });
}

test('chromium: with only the native WebSocketStream left, the polyfill installs its own pair, which works together', { timeout: TEST_MS }, async () => {
  await withPage('chromium', '/one-half.html', async (page) => {
    const globals = await page.evaluate(() => {
      const pageSelf = /** @type {PageSelf} */ (self);
      return {
        streamReplaced: pageSelf.WebSocketStream !== pageSelf.nativeStream,
        streamIsPolyfill: pageSelf.WebSocketStream === pageSelf.WebSocketStreamPolyfill.WebSocketStream,
        errorIsPolyfill: pageSelf.WebSocketError === pageSelf.WebSocketStreamPolyfill.WebSocketError,
      };
    });
    assert.deepEqual(globals, { streamReplaced: true, streamIsPolyfill: true, errorIsPolyfill: true });
    await within(closeAcrossEntries(page, { url: helper.url('/record?id=one-half'), streamEntry: 'global', errorEntry: 'global', how: 'abort', closeCode: 4321 }), 'the close', PAGE_MS);
    await assertCloseAtServer('one-half', { code: 4321, reason: 'global' }, 'abort() with the installed WebSocketError');
  });
});

test('chromium: the native pair is kept by default; install({ replaceNonconforming: true }) replaces it, and binary messages become Uint8Array', { timeout: TEST_MS }, async () => {
  await withPage('chromium', '/keep-native.html', async (page) => {
    const readBinary = () => page.evaluate(async (url) => {
      const stream = new WebSocketStream(url);
      // The global declarations make the dictionary's members optional, as Web IDL does; opened fills them all.
      const { readable, writable } = /** @type {Required<WebSocketOpenInfo>} */ (await stream.opened);
      await writable.getWriter().write(new Uint8Array([1, 2, 3]));
      const { value } = await readable.getReader().read();
      stream.close();
      return Object.prototype.toString.call(value);
    }, `ws://127.0.0.1:${wpt.ports.ws}/echo`);
    assert.equal(await page.evaluate(() => self.WebSocketStream === /** @type {PageSelf} */ (self).nativeStream), true, 'the native WebSocketStream is kept');
    assert.equal(await within(readBinary(), 'a binary echo, native', PAGE_MS), '[object ArrayBuffer]', 'native Chromium hands out an ArrayBuffer');
    const installed = await page.evaluate(() => /** @type {PageSelf} */ (self).WebSocketStreamPolyfill.install({ replaceNonconforming: true }));
    assert.deepEqual(installed, ['WebSocketStream', 'WebSocketError'], 'native Chromium fails the feature test');
    assert.equal(await within(readBinary(), 'a binary echo, polyfill', PAGE_MS), '[object Uint8Array]', 'the polyfill hands out a Uint8Array');
  });
});
