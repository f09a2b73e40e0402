// @ts-check
// Driver for Chromium, Firefox and (Playwright's own) WebKit through Playwright:
// a local launch, or a browser on a remote `playwright run-server`.
//
// Playwright is pinned at 1.64.1 in package.json: it is the newest release
// whose WebDriver BiDi client drives Debian's Firefox ESR 153 through the
// `moz-firefox` channel (1.65 sends emulation.setMediaFeaturesOverride, which
// that Firefox does not know).
//
// One browser serves many files; see ensurePage() for how pages are reused.
import { playwrightLaunchOptions } from '../lib/launch-options.mjs';
import { bounded, completedOutcome, crashedOutcome, deadline, driverErrorOutcome, timedOutOutcome } from './outcome.mjs';

/** @typedef {import('../lib/types.mjs').Driver} Driver */
/** @typedef {import('../lib/types.mjs').PageOutcome} PageOutcome */
/** @typedef {import('playwright').Browser} Browser */
/** @typedef {import('playwright').BrowserContext} BrowserContext */
/** @typedef {import('playwright').Page} Page */

const LAUNCH_TIMEOUT_MS = 60_000;
const CLOSE_TIMEOUT_MS = 5_000;

/**
 * @param {string} engine
 * @param {{ executablePath?: string }} found
 * @param {string[]} extraArgs
 */
function launchOptions(engine, found, extraArgs) {
  /** @type {Record<string, any>} */
  const options = playwrightLaunchOptions(engine, found, { extraArgs, timeoutMs: LAUNCH_TIMEOUT_MS });
  if (engine === 'firefox') {
    // Pages are reused by navigation (see ensurePage); keep none in the
    // back-forward cache, where a test's sockets could outlive it.
    options.firefoxUserPrefs = { 'browser.sessionhistory.max_total_viewers': 0 };
  }
  return options;
}

/**
 * @param {object} spec
 * @param {'chromium'|'firefox'|'webkit'} spec.engine
 * @param {string[]} [spec.args] extra browser flags of the configuration
 * @param {{ source?: string, executablePath?: string }|null} [spec.found] what detectBrowsers() found for the engine (local runs)
 * @param {string|null} [spec.endpoint] ws:// URL of a `playwright run-server` (remote runs)
 * @param {object} [spec.remoteLaunchOptions] launch options sent to that server
 * @returns {Driver}
 */
export function createPlaywrightDriver(spec) {
  return new PlaywrightDriver(spec);
}

/** @implements {Driver} */
class PlaywrightDriver {
  /** @type {'playwright'} */
  kind = 'playwright';
  /** @type {string|null} */
  version = null;
  /** @type {Browser|null} */
  #browser = null;
  // Settles when the current browser goes away (crash, kill, lost connection).
  /** @type {Promise<'disconnected'>|null} */
  #browserGone = null;
  /** @type {BrowserContext|null} */
  #context = null;
  /** @type {Page|null} */
  #page = null;
  /** @type {Promise<'crash'>|null} */
  #pageCrashed = null;

  /** @param {Parameters<typeof createPlaywrightDriver>[0]} spec */
  constructor({ engine, args = [], found = null, endpoint = null, remoteLaunchOptions = {} }) {
    this.engine = engine;
    this.args = args;
    this.found = found;
    this.endpoint = endpoint;
    this.remoteLaunchOptions = remoteLaunchOptions;
    this.source = endpoint ? `remote Playwright server ${endpoint}`
      : found?.source === 'playwright' ? "Playwright's own build"
        : `${found?.source ?? 'system'} ${found?.executablePath ?? ''}`.trim();
  }

  async launch() {
    await this.#start();
  }

  /** Launches (or connects to) the browser and watches for it going away. */
  async #start() {
    const playwright = await import('playwright');
    const browserType = playwright[this.engine];
    const browser = this.endpoint
      ? await browserType.connect(this.endpoint, { timeout: LAUNCH_TIMEOUT_MS, headers: { 'x-playwright-launch-options': JSON.stringify(this.#remoteOptions()) } })
      : await browserType.launch(launchOptions(this.engine, this.found ?? {}, this.args));
    this.#browser = browser;
    this.version = browser.version();
    this.#browserGone = new Promise((resolve) => browser.once('disconnected', () => resolve('disconnected')));
    return browser;
  }

  // The server launches the browser; it honours `args` and `executablePath`
  // only when started with --unsafe (documented).
  #remoteOptions() {
    /** @type {Record<string, any>} */
    const remoteOptions = { ...this.remoteLaunchOptions };
    if (this.args.length > 0) remoteOptions.args = [...(remoteOptions.args ?? []), ...this.args];
    return remoteOptions;
  }

  async #ensureBrowser() {
    if (this.#browser?.isConnected()) return this.#browser;
    if (this.#browser) await bounded(this.#browser.close(), CLOSE_TIMEOUT_MS);
    this.#browser = null;
    return this.#start();
  }

  // The page is reused from file to file: each file is a new navigation, so a
  // new document with its own globals, workers and sockets. A fresh context
  // per file would cost ~3 s each in Firefox over BiDi on two cores; a page
  // that crashed, hung or failed is replaced by a fresh context.
  async #ensurePage() {
    const browser = await this.#ensureBrowser();
    if (this.#page && !this.#page.isClosed()) return this.#page;
    this.#context = await browser.newContext({ ignoreHTTPSErrors: true });
    const page = await this.#context.newPage();
    this.#page = page;
    this.#pageCrashed = new Promise((resolve) => page.once('crash', () => resolve('crash')));
    return page;
  }

  async #discardPage() {
    const old = this.#context;
    this.#context = null;
    this.#page = null;
    if (!old) return;
    const closed = await bounded(old.close(), CLOSE_TIMEOUT_MS);
    // A context that will not close means a wedged browser: start a new one next time.
    if (!closed) await this.#dropBrowser();
  }

  async #dropBrowser() {
    const old = this.#browser;
    this.#browser = null;
    this.#context = null;
    this.#page = null;
    if (old) await bounded(old.close(), CLOSE_TIMEOUT_MS);
  }

  /**
   * @param {string} url
   * @param {{ timeoutMs: number }} options
   * @returns {Promise<PageOutcome>}
   */
  async runPage(url, { timeoutMs }) {
    const started = Date.now();
    const elapsed = () => Date.now() - started;
    const limit = deadline(timeoutMs);
    try {
      const page = await this.#ensurePage();
      const work = this.#loadAndCollect(page, url, timeoutMs);
      // The losing branch rejects when the page goes away; that is expected.
      work.catch(() => {});
      const first = await Promise.race([work, this.#pageCrashed, this.#browserGone, limit.promise.then(() => /** @type {const} */ ('timeout'))]);
      if (first === 'crash') {
        await this.#discardPage();
        return crashedOutcome('the page crashed (renderer process gone)', elapsed(), 'page-crashed');
      }
      if (first === 'disconnected') {
        await this.#dropBrowser();
        return crashedOutcome('the browser exited', elapsed(), 'browser-exited');
      }
      if (first === 'timeout' || first === null) {
        // A hung page may be spinning in its renderer; closing the browser is
        // the sure way to stop it taking a core from the next file.
        await this.#dropBrowser();
        return timedOutOutcome(timeoutMs, elapsed());
      }
      return completedOutcome(first.results, elapsed());
    } catch (error) {
      return this.#outcomeOfFailedCall(error, elapsed());
    } finally {
      limit.cancel();
    }
  }

  /**
   * @param {Page} page
   * @param {string} url
   * @param {number} timeoutMs
   */
  async #loadAndCollect(page, url, timeoutMs) {
    await page.goto(url, { waitUntil: 'commit', timeout: timeoutMs });
    await page.waitForFunction(() => /** @type {any} */ (globalThis).__wptResults !== undefined, null, { polling: 100, timeout: 0 });
    return { results: await page.evaluate(() => /** @type {any} */ (globalThis).__wptResults) };
  }

  /**
   * Playwright reports a crash that happens mid-call as a failed call. Whether
   * the browser is still connected tells a browser exit from the rest; its
   * error text is the only sign that the page alone crashed.
   * @param {unknown} error
   * @param {number} durationMs
   * @returns {Promise<PageOutcome>}
   */
  async #outcomeOfFailedCall(error, durationMs) {
    if (!this.#browser?.isConnected()) {
      await this.#dropBrowser();
      return crashedOutcome(`the browser exited: ${firstLine(error)}`, durationMs, 'browser-exited');
    }
    await this.#discardPage();
    if (/crash/i.test(String(/** @type {any} */ (error)?.message))) return crashedOutcome(`the page crashed: ${firstLine(error)}`, durationMs, 'page-crashed');
    return driverErrorOutcome(firstLine(error), durationMs);
  }

  /**
   * @param {string} url
   * @param {string} expression
   * @param {{ timeoutMs?: number }} [options]
   */
  async evaluate(url, expression, { timeoutMs = 15_000 } = {}) {
    const page = await this.#ensurePage();
    await page.goto(url, { waitUntil: 'load', timeout: timeoutMs });
    return page.evaluate(expression);
  }

  async close() {
    await this.#dropBrowser();
  }
}

/** @param {unknown} error */
function firstLine(error) {
  return String(/** @type {any} */ (error)?.message ?? error).split('\n')[0];
}
