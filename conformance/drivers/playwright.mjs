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
import { bounded, completedOutcome, crashedOutcome, deadline, timedOutOutcome } from './outcome.mjs';

const LAUNCH_TIMEOUT_MS = 60_000;
const CLOSE_TIMEOUT_MS = 5_000;

function launchOptions(engine, found, extraArgs) {
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
 * @param {string[]} spec.args extra browser flags of the configuration
 * @param {object|null} spec.found what detectBrowsers() found for the engine (local runs)
 * @param {string|null} spec.endpoint ws:// URL of a `playwright run-server` (remote runs)
 * @param {object} spec.remoteLaunchOptions launch options sent to that server
 */
export function createPlaywrightDriver({ engine, args = [], found = null, endpoint = null, remoteLaunchOptions = {} }) {
  let playwright = null;
  let browser = null;
  let version = null;
  // Settles when the current browser goes away (crash, kill, lost connection).
  let browserGone = null;

  async function launch() {
    playwright ??= await import('playwright');
    const browserType = playwright[engine];
    if (endpoint) {
      // The server launches the browser; it honours `args` and
      // `executablePath` only when started with --unsafe (documented).
      const remoteOptions = { ...remoteLaunchOptions };
      if (args.length > 0) remoteOptions.args = [...(remoteOptions.args ?? []), ...args];
      browser = await browserType.connect(endpoint, {
        timeout: LAUNCH_TIMEOUT_MS,
        headers: { 'x-playwright-launch-options': JSON.stringify(remoteOptions) },
      });
    } else {
      browser = await browserType.launch(launchOptions(engine, found ?? {}, args));
    }
    version = browser.version();
    const launched = browser;
    browserGone = new Promise((resolve) => launched.once('disconnected', () => resolve('disconnected')));
  }

  async function ensureBrowser() {
    if (browser?.isConnected()) return;
    if (browser) await bounded(browser.close(), CLOSE_TIMEOUT_MS);
    browser = null;
    await launch();
  }

  // The page is reused from file to file: each file is a new navigation, so a
  // new document with its own globals, workers and sockets. A fresh context
  // per file would cost ~3 s each in Firefox over BiDi on two cores; a page
  // that crashed, hung or failed is replaced by a fresh context.
  let context = null;
  let page = null;
  let pageCrashed = null;

  async function ensurePage() {
    await ensureBrowser();
    if (page && !page.isClosed()) return page;
    context = await browser.newContext({ ignoreHTTPSErrors: true });
    page = await context.newPage();
    const current = page;
    pageCrashed = new Promise((resolve) => current.once('crash', () => resolve('crash')));
    return page;
  }

  async function discardPage() {
    const old = context;
    context = null;
    page = null;
    if (!old) return;
    const closed = await bounded(old.close(), CLOSE_TIMEOUT_MS);
    // A context that will not close means a wedged browser: start a new one next time.
    if (!closed) await dropBrowser();
  }

  async function dropBrowser() {
    const old = browser;
    browser = null;
    context = null;
    page = null;
    if (old) await bounded(old.close(), CLOSE_TIMEOUT_MS);
  }

  async function runPage(url, { timeoutMs }) {
    const started = Date.now();
    const elapsed = () => Date.now() - started;
    const limit = deadline(timeoutMs);
    try {
      const current = await ensurePage();
      const work = (async () => {
        await current.goto(url, { waitUntil: 'commit', timeout: timeoutMs });
        await current.waitForFunction(() => globalThis.__wptResults !== undefined, null, { polling: 100, timeout: 0 });
        return { results: await current.evaluate(() => globalThis.__wptResults) };
      })();
      // The losing branch rejects when the page goes away; that is expected.
      work.catch(() => {});
      const first = await Promise.race([work, pageCrashed, browserGone, limit.promise.then(() => 'timeout')]);
      if (first === 'crash') {
        await discardPage();
        return crashedOutcome('the page crashed (renderer process gone)', elapsed());
      }
      if (first === 'disconnected') {
        await dropBrowser();
        return crashedOutcome('the browser exited', elapsed());
      }
      if (first === 'timeout') {
        // A hung page may be spinning in its renderer; closing the browser is
        // the sure way to stop it taking a core from the next file.
        await dropBrowser();
        return timedOutOutcome(timeoutMs, elapsed());
      }
      return completedOutcome(first.results, elapsed());
    } catch (error) {
      // Playwright reports a crash that happens mid-call as a failed call.
      if (!browser?.isConnected()) {
        await dropBrowser();
        return crashedOutcome(`the browser exited: ${firstLine(error)}`, elapsed());
      }
      await discardPage();
      if (/crash/i.test(error.message)) return crashedOutcome(`the page crashed: ${firstLine(error)}`, elapsed());
      return { ...crashedOutcome(null, elapsed()), status: 'ERROR', crashed: false, message: `driver error: ${firstLine(error)}` };
    } finally {
      limit.cancel();
    }
  }

  async function evaluate(url, expression, { timeoutMs = 15_000 } = {}) {
    const current = await ensurePage();
    await current.goto(url, { waitUntil: 'load', timeout: timeoutMs });
    return current.evaluate(expression);
  }

  async function close() {
    await dropBrowser();
  }

  return {
    kind: 'playwright',
    engine,
    source: endpoint ? `remote Playwright server ${endpoint}` : found?.source === 'playwright' ? "Playwright's own build" : `${found?.source ?? 'system'} ${found?.executablePath ?? ''}`.trim(),
    get version() {
      return version;
    },
    launch,
    runPage,
    evaluate,
    close,
  };
}

function firstLine(error) {
  return String(error?.message ?? error).split('\n')[0];
}
