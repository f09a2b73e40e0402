// The example pages, in real browsers, against the real examples server: the chat (two
// participants, a leave, a send after the close) and the live monitor (a feed through a pipe into
// a slower renderer). Chromium has its own WebSocketStream, so every page there first deletes it,
// and the polyfill script installs itself. Firefox ESR has none: the polyfill runs as it would for
// a user.
//
//   node --test test/examples.test.mjs        (needs `npm run build` first)
//
// Screenshots go to reports/examples/.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, firefox } from 'playwright';
import { detectBrowsers } from '../conformance/lib/browsers.mjs';
import { playwrightLaunchOptions } from '../conformance/lib/launch-options.mjs';
import { startExamplesServer } from '../examples/server.mjs';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const screenshotDir = path.join(root, 'reports', 'examples');
const polyfillFile = path.join(root, 'dist', 'websocketstream-polyfill.js');

/** The longest any single wait in a page may take: generous, because the machine may be busy. */
const WAIT_MS = 20_000;
/** The monitor page draws at most this many ticks per frame (MAX_TICKS_PER_FRAME in monitor.js). */
const MAX_TICKS_PER_FRAME = 250;

/** @typedef {import('../examples/server.mjs').ServerEvent} ServerEvent */
/** @typedef {import('playwright').BrowserContext} BrowserContext */
/** @typedef {import('playwright').Page} Page */

/** @type {Awaited<ReturnType<typeof startExamplesServer>>} started in before() */
let server;
/** Every event the examples server reported, and the waits for one still to come. @type {ServerEvent[]} */
const serverEvents = [];
/** @type {Set<(event: ServerEvent) => void>} */
const serverEventWaiters = new Set();

/** @param {ServerEvent} event */
function recordServerEvent(event) {
  serverEvents.push(event);
  for (const waiter of serverEventWaiters) waiter(event);
}

before(async () => {
  assert.ok(existsSync(polyfillFile), 'dist/websocketstream-polyfill.js is missing: run `npm run build` first');
  await mkdir(screenshotDir, { recursive: true });
  server = await startExamplesServer({ onEvent: recordServerEvent });
});

after(async () => {
  await server?.close();
});

// Playwright's own builds where installed (a developer laptop, CI after `npx playwright install`), else Debian's.
const found = await detectBrowsers();
const chromiumOptions = found.chromium ? playwrightLaunchOptions('chromium', found.chromium) : null;
const firefoxOptions = found.firefox ? playwrightLaunchOptions('firefox', found.firefox) : null;

test('the examples in Chromium, with the native WebSocketStream deleted', { skip: chromiumOptions === null && 'no Chromium found', timeout: 120_000 }, async (t) => {
  const browser = await chromium.launch(chromiumOptions ?? undefined);
  try {
    const context = await browser.newContext();
    await context.addInitScript(() => {
      Reflect.deleteProperty(globalThis, 'WebSocketStream');
      Reflect.deleteProperty(globalThis, 'WebSocketError');
    });
    await t.test('chat', () => checkChat(context, 'chromium'));
    await t.test('monitor', () => checkMonitor(context, 'chromium'));
  } finally {
    await browser.close();
  }
});

test('the examples in Firefox ESR', { skip: firefoxOptions === null && 'no Firefox found', timeout: 120_000 }, async (t) => {
  const browser = await firefox.launch(firefoxOptions ?? undefined);
  try {
    const context = await browser.newContext();
    await t.test('chat', () => checkChat(context, 'firefox'));
    await t.test('monitor', () => checkMonitor(context, 'firefox'));
  } finally {
    await browser.close();
  }
});

/**
 * A page that fails the test on any uncaught error or console error.
 * @param {BrowserContext} context
 * @param {string} url
 */
async function openPage(context, url) {
  const page = await context.newPage();
  page.setDefaultTimeout(WAIT_MS);
  /** @type {string[]} */
  const problems = [];
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console error: ${message.text()}`);
  });
  await page.goto(url);
  const implementation = await page.locator('#implementation').getAttribute('data-implementation');
  assert.equal(implementation, 'polyfill', 'the page runs on the polyfill');
  return { page, problems };
}

/**
 * The first server event from `fromIndex` on that matches, waiting (bounded) if it has not come yet.
 * @param {(event: ServerEvent) => boolean} matches
 * @param {number} [fromIndex]
 * @returns {Promise<ServerEvent>}
 */
function serverEvent(matches, fromIndex = 0) {
  const found = serverEvents.slice(fromIndex).find(matches);
  if (found !== undefined) return Promise.resolve(found);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      serverEventWaiters.delete(waiter);
      reject(new Error('the expected event from the examples server did not come'));
    }, WAIT_MS);
    const waiter = (/** @type {ServerEvent} */ event) => {
      if (!matches(event)) return;
      clearTimeout(timer);
      serverEventWaiters.delete(waiter);
      resolve(event);
    };
    serverEventWaiters.add(waiter);
  });
}

/**
 * @param {Page} page
 * @param {string} state  the data-state of #status to wait for
 */
function waitForStatus(page, state) {
  return page.waitForFunction((wanted) => /** @type {HTMLElement} */ (document.getElementById('status')).dataset.state === wanted, state, { timeout: WAIT_MS });
}

/**
 * @param {BrowserContext} context
 * @param {string} name
 */
async function joinChat(context, name) {
  const participant = await openPage(context, server.urls.chat);
  const { page } = participant;
  await page.fill('#name', name);
  await page.click('#join-button');
  await waitForStatus(page, 'open');
  await page.locator('#messages li', { hasText: `You joined as ${name}.` }).waitFor();
  return participant;
}

/**
 * @param {Page} page
 * @param {string} from
 * @param {string} text
 */
function chatMessage(page, from, text) {
  return page.locator('#messages li[data-kind="message"]', { hasText: text }).filter({ has: page.locator('.from', { hasText: from }) });
}

/**
 * @param {BrowserContext} context
 * @param {string} browserName
 */
async function checkChat(context, browserName) {
  const alice = await joinChat(context, `Alice-${browserName}`);
  const bob = await joinChat(context, `Bob-${browserName}`);
  const aliceName = `Alice-${browserName}`;
  const bobName = `Bob-${browserName}`;
  await alice.page.locator('#messages li', { hasText: `${bobName} joined.` }).waitFor();

  // A JSON message each way; everyone in the room sees both, in the order sent.
  await alice.page.fill('#text', 'Hello from Alice');
  await alice.page.click('#send');
  await bob.page.fill('#text', 'Hi Alice, Bob here');
  await bob.page.click('#send');
  for (const { page } of [alice, bob]) {
    await chatMessage(page, aliceName, 'Hello from Alice').waitFor();
    await chatMessage(page, bobName, 'Hi Alice, Bob here').waitFor();
    const texts = await page.locator('#messages li[data-kind="message"]').allTextContents();
    assert.ok(texts[0].includes('Hello from Alice') && texts[1].includes('Hi Alice, Bob here'), `order: ${texts}`);
  }
  assert.equal(await alice.page.inputValue('#text'), '', 'a sent message clears the input');

  // Leave, and send in the same task: close() has started the closing handshake, so the write
  // resolves but nothing is sent, and the page says so.
  await alice.page.fill('#text', 'sent while closing');
  await alice.page.evaluate(() => {
    /** @type {HTMLElement} */ (document.getElementById('leave')).click();
    /** @type {HTMLElement} */ (document.getElementById('send')).click();
  });
  await alice.page.locator('#send-info', { hasText: 'nothing was sent' }).waitFor();
  await waitForStatus(alice.page, 'closed');
  assert.equal(await alice.page.textContent('#status'), 'Closed cleanly: code 1000, “left the room”.');

  // Bob hears that Alice left; the server broadcasts in arrival order, so a message sent before
  // her close frame would have come first.
  await bob.page.locator('#messages li', { hasText: `${aliceName} left.` }).waitFor();
  assert.equal(await chatMessage(bob.page, aliceName, 'sent while closing').count(), 0, 'the write during closing was not sent');
  const aliceClose = await serverEvent((event) => event.endpoint === 'chat' && event.type === 'close' && event.name === aliceName);
  assert.deepEqual({ code: aliceClose.code, reason: aliceClose.reason }, { code: 1000, reason: 'left the room' });

  // After the close completed, the writable is errored: a send now rejects, visibly.
  await alice.page.fill('#text', 'sent after the close');
  await alice.page.click('#send');
  const sendError = alice.page.locator('#send-error');
  await sendError.filter({ hasText: 'InvalidStateError' }).waitFor();
  assert.match(await sendError.textContent() ?? '', /^Not sent: write\(\) rejected with InvalidStateError: /);
  assert.equal(await sendError.getAttribute('role'), 'alert');

  await alice.page.screenshot({ path: path.join(screenshotDir, `chat-${browserName}.png`), fullPage: true });
  await bob.page.click('#leave');
  await waitForStatus(bob.page, 'closed');
  for (const { page, problems } of [alice, bob]) {
    assert.deepEqual(problems, []);
    await page.close();
  }
}

/**
 * The monitor's numbers, as the page shows them.
 * @param {Page} page
 */
function readCounters(page) {
  return page.evaluate(() =>
    Object.fromEntries(
      ['read', 'rendered', 'in-pipe', 'dropped', 'lag'].map((id) => [id, Number(/** @type {HTMLElement} */ (document.getElementById(id)).dataset.value ?? 0)]),
    ),
  );
}

/**
 * @param {BrowserContext} context
 * @param {string} browserName
 */
async function checkMonitor(context, browserName) {
  const { page, problems } = await openPage(context, server.urls.monitor);
  const firstNewEvent = serverEvents.length;
  // The gentlest feed: even a busy machine's renderer keeps the page responsive.
  await page.selectOption('#rate', '1000');
  await page.click('#start');
  await waitForStatus(page, 'open');

  // Ticks flow through the pipe and get drawn; the counters refresh four times a second.
  await page.waitForFunction(() => Number(/** @type {HTMLElement} */ (document.getElementById('rendered')).dataset.value) >= 500, null, { timeout: WAIT_MS });
  const running = await readCounters(page);
  assert.ok(running.read >= running.rendered, `read ${running.read} ≥ rendered ${running.rendered}`);
  // The pipe reads only as fast as the renderer takes ticks: at most one frame's batch between them.
  assert.ok(running['in-pipe'] <= MAX_TICKS_PER_FRAME + 2, `between read and rendered: ${running['in-pipe']}`);

  // Pausing the renderer holds its write, and the pipe stops reading: "read" freezes while the
  // server keeps sending. Freezing is an absence, so it is watched for a fixed window, after the
  // numbers have settled. A chunk or two already on their way into the transform and the sink's
  // queue may still be counted; a pipe that kept reading would count about a thousand.
  await page.check('#pause');
  await page.waitForFunction(
    () => {
      // Kept on the page between polls: the count last seen, and since when.
      const memory = /** @type {{ __readSeen?: { read: string|undefined, since: number } }} */ (/** @type {unknown} */ (globalThis));
      const read = /** @type {HTMLElement} */ (document.getElementById('read')).dataset.value;
      const now = performance.now();
      let seen = memory.__readSeen;
      if (seen === undefined || seen.read !== read) {
        seen = { read, since: now };
        memory.__readSeen = seen;
      }
      return now - seen.since >= 700;
    },
    null,
    { timeout: WAIT_MS, polling: 100 },
  );
  const paused = await readCounters(page);
  await page.waitForTimeout(1000);
  const stillPaused = await readCounters(page);
  assert.ok(stillPaused.read - paused.read <= 5, `read while the renderer was paused: ${stillPaused.read - paused.read}`);
  assert.ok(
    stillPaused.rendered - paused.rendered <= MAX_TICKS_PER_FRAME,
    `rendered while paused, beyond the frame already due: ${stillPaused.rendered - paused.rendered}`,
  );
  await page.screenshot({ path: path.join(screenshotDir, `monitor-${browserName}.png`), fullPage: true });

  // Stop closes with 4000 and lets the pipe drain: what the polyfill queued during the pause is
  // read and dropped, and the page shows how much that was.
  await page.click('#stop');
  await waitForStatus(page, 'closed');
  assert.equal(await page.textContent('#status'), 'Stopped. Closed cleanly: code 4000, “stopped by the user”.');
  await page.waitForFunction(() => !(/** @type {HTMLButtonElement} */ (document.getElementById('start'))).disabled, null, { timeout: WAIT_MS });
  // The counters refresh on their own timer, so the dropped count may show a moment later.
  await page
    .waitForFunction(() => Number(/** @type {HTMLElement} */ (document.getElementById('dropped')).dataset.value) > 0, null, { timeout: WAIT_MS })
    .catch(() => assert.fail('the ticks queued during the pause were not dropped at Stop'));
  const stopped = await readCounters(page);
  assert.equal(stopped.rendered, stillPaused.rendered, 'nothing is drawn after Stop');

  const feedClose = await serverEvent((event) => event.endpoint === 'feed' && event.type === 'close', firstNewEvent);
  assert.deepEqual({ code: feedClose.code, reason: feedClose.reason }, { code: 4000, reason: 'stopped by the user' });
  assert.ok(feedClose.sent !== undefined && feedClose.sent >= stopped.read, `the server sent ${feedClose.sent}, the page read ${stopped.read}`);

  assert.deepEqual(problems, []);
  await page.close();
}
