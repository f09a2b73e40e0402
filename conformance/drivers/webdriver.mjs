// @ts-check
// Driver over W3C WebDriver (classic): WebKitGTK's WebKitWebDriver started
// locally under Xvfb, or any endpoint given with --webdriver-url (a Selenium
// Grid, a cloud grid, safaridriver on macOS) for any browser it serves.
//
// One session serves many files (each file is a fresh navigation). A session
// that errors (the web process crashed, the browser went away) is replaced;
// a page that hangs past its bound is reported as TIMEOUT and its session is
// replaced too, since a hung page can keep the session busy.
import { bounded, completedOutcome, crashedOutcome, timedOutOutcome } from './outcome.mjs';
import { WebDriverSession } from './webdriver-client.mjs';
import { startWebKitGtkService } from './webkitgtk-service.mjs';

/** @typedef {import('../lib/types.mjs').Driver} Driver */
/** @typedef {import('../lib/types.mjs').PageOutcome} PageOutcome */
/** @typedef {{ webDriver: string, miniBrowser: string, xvfb?: string|null }} WebKitGtkFound */

const SESSION_TIMEOUT_MS = 60_000;
// A remote endpoint may be a grid, which queues a session request while the
// slots that match it are busy (another worker, another shard, another team)
// and answers by itself when its own --session-request-timeout (Selenium's
// default: 300 s) runs out. A request no slot can ever serve is caught before
// the run (lib/webdriver-preflight.mjs), so waiting here means waiting for a
// turn; the grid's default is the bound.
const REMOTE_SESSION_TIMEOUT_MS = 300_000;
// Slack for HTTP round trips on top of the page's own bound.
const COMMAND_SLACK_MS = 5_000;
// WebDriver error codes that mean the page hung rather than crashed.
const HANG_CODES = ['timeout', 'script timeout', 'harness timeout'];

// Runs in the page: answers with the results as JSON as soon as testharness
// has stored them, or null when the page's own deadline passes first.
const COLLECT_RESULTS = `
  const done = arguments[arguments.length - 1];
  const giveUpAt = Date.now() + arguments[0];
  (function check() {
    if (globalThis.__wptResults !== undefined) return done(JSON.stringify(globalThis.__wptResults));
    if (Date.now() > giveUpAt) return done(null);
    setTimeout(check, 100);
  })();
`;

/** @param {WebKitGtkFound} found */
function webKitGtkCapabilities(found) {
  return {
    browserName: 'MiniBrowser',
    acceptInsecureCerts: true,
    'webkitgtk:browserOptions': { binary: found.miniBrowser, args: ['--automation'] },
  };
}

/**
 * @param {object} spec
 * @param {string} spec.engine  the engine the results are filed under (webkit)
 * @param {WebKitGtkFound|null} [spec.found]  detectBrowsers() result for a local WebKitGTK
 * @param {string|null} [spec.url]  a remote WebDriver endpoint (then `found` is unused)
 * @param {Record<string, unknown>|null} [spec.capabilities]  the session's capabilities at the remote endpoint
 *   (webdriver-options.mjs's sessionCapabilities())
 * @returns {Driver}
 */
export function createWebDriverDriver(spec) {
  return new WebDriverDriver(spec);
}

/** @implements {Driver} */
class WebDriverDriver {
  /** @type {'webdriver'} */
  kind = 'webdriver';
  /** @type {string|null} */
  version = null;
  /** @type {{ url: string, stop: () => Promise<void> }|null} */
  #service = null;
  /** @type {any} a WebDriverSession */
  #session = null;
  /** @type {number} */
  launchTimeoutMs;

  /** @param {Parameters<typeof createWebDriverDriver>[0]} spec */
  constructor({ engine, found = null, url = null, capabilities = null }) {
    this.engine = engine;
    this.found = found;
    this.url = url;
    this.capabilities = capabilities;
    this.source = url ? `WebDriver endpoint ${url} (${capabilities?.browserName ?? 'any browser'})` : `WebKitGTK ${found?.webDriver} + ${found?.miniBrowser}`;
    this.launchTimeoutMs = url ? REMOTE_SESSION_TIMEOUT_MS : SESSION_TIMEOUT_MS;
  }

  #sessionCapabilities() {
    if (!this.url) return webKitGtkCapabilities(/** @type {WebKitGtkFound} */ (this.found));
    return this.capabilities ?? { acceptInsecureCerts: true, browserName: 'safari' };
  }

  async #endpoint() {
    if (this.url) return this.url;
    const found = /** @type {WebKitGtkFound} */ (this.found);
    this.#service ??= await startWebKitGtkService({ webDriver: found.webDriver, xvfb: found.xvfb });
    return /** @type {{ url: string }} */ (this.#service).url;
  }

  async launch() {
    const session = await WebDriverSession.create(await this.#endpoint(), this.#sessionCapabilities(), { timeoutMs: this.launchTimeoutMs });
    this.#session = session;
    const { browserName, browserVersion } = session.capabilities;
    this.version = [browserName, browserVersion].filter(Boolean).join(' ') || null;
  }

  async #dropSession() {
    const old = this.#session;
    this.#session = null;
    if (!old) return;
    const deleted = await bounded(old.delete(), 10_000);
    // A local driver that cannot even end a session is restarted whole.
    if (!deleted && this.#service) {
      await this.#service.stop();
      this.#service = null;
    }
  }

  async #ensureSession() {
    if (!this.#session) await this.launch();
    return this.#session;
  }

  /**
   * @param {string} pageUrl
   * @param {{ timeoutMs: number }} options
   * @returns {Promise<PageOutcome>}
   */
  async runPage(pageUrl, { timeoutMs }) {
    const started = Date.now();
    const elapsed = () => Date.now() - started;
    try {
      const session = await this.#ensureSession();
      await session.setTimeouts({ pageLoad: timeoutMs, script: timeoutMs + COMMAND_SLACK_MS });
      await session.navigate(pageUrl, { timeoutMs: timeoutMs + COMMAND_SLACK_MS });
      const remaining = Math.max(1, timeoutMs - elapsed());
      const json = await session.executeAsync(COLLECT_RESULTS, [remaining], { timeoutMs: remaining + 2 * COMMAND_SLACK_MS });
      if (json === null) {
        await this.#dropSession();
        return timedOutOutcome(timeoutMs, elapsed());
      }
      return completedOutcome(JSON.parse(json), elapsed());
    } catch (error) {
      const { code, message } = /** @type {{ code?: string, message: string }} */ (error);
      await this.#dropSession();
      if (HANG_CODES.includes(code ?? '')) return timedOutOutcome(timeoutMs, elapsed());
      // WebDriver cannot tell a crashed web process from a lost browser.
      return crashedOutcome(`WebDriver session failed: ${message.split('\n')[0]}`, elapsed(), 'session-failed');
    }
  }

  /**
   * @param {string} pageUrl
   * @param {string} expression
   * @param {{ timeoutMs?: number }} [options]
   */
  async evaluate(pageUrl, expression, { timeoutMs = 15_000 } = {}) {
    const session = await this.#ensureSession();
    await session.navigate(pageUrl, { timeoutMs });
    return session.executeSync(`return (${expression})`, [], { timeoutMs });
  }

  async close() {
    await this.#dropSession();
    if (this.#service) {
      await this.#service.stop();
      this.#service = null;
    }
  }
}
