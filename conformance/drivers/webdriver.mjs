// Driver over W3C WebDriver (classic): WebKitGTK's WebKitWebDriver started
// locally under Xvfb, or any endpoint given with --webdriver-url (safaridriver
// on macOS, a Selenium Grid, a cloud grid).
//
// One session serves many files (each file is a fresh navigation). A session
// that errors (the web process crashed, the browser went away) is replaced;
// a page that hangs past its bound is reported as TIMEOUT and its session is
// replaced too, since a hung page can keep the session busy.
import { bounded, completedOutcome, crashedOutcome, timedOutOutcome } from './outcome.mjs';
import { WebDriverSession } from './webdriver-client.mjs';
import { startWebKitGtkService } from './webkitgtk-service.mjs';

const SESSION_TIMEOUT_MS = 60_000;
// Slack for HTTP round trips on top of the page's own bound.
const COMMAND_SLACK_MS = 5_000;

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
 * @param {object|null} spec.found  detectBrowsers() result for a local WebKitGTK
 * @param {string|null} spec.url  a remote WebDriver endpoint (then `found` is unused)
 * @param {object|null} spec.capabilities  capabilities for the remote endpoint
 */
export function createWebDriverDriver({ engine, found = null, url = null, capabilities = null }) {
  let service = null;
  let session = null;
  let version = null;

  function sessionCapabilities() {
    if (!url) return webKitGtkCapabilities(found);
    // wss pages use a self-signed certificate; a grid must accept it unless told otherwise.
    return { acceptInsecureCerts: true, ...(capabilities ?? { browserName: 'safari' }) };
  }

  async function startService() {
    if (url || service) return;
    service = await startWebKitGtkService({ webDriver: found.webDriver, xvfb: found.xvfb });
  }

  async function launch() {
    await startService();
    session = await WebDriverSession.create(url ?? service.url, sessionCapabilities(), { timeoutMs: SESSION_TIMEOUT_MS });
    const { browserName, browserVersion } = session.capabilities;
    version = [browserName, browserVersion].filter(Boolean).join(' ') || null;
  }

  async function dropSession() {
    const old = session;
    session = null;
    if (!old) return;
    const deleted = await bounded(old.delete(), 10_000);
    // A local driver that cannot even end a session is restarted whole.
    if (!deleted && service) {
      await service.stop();
      service = null;
    }
  }

  async function ensureSession() {
    if (!session) await launch();
  }

  async function runPage(pageUrl, { timeoutMs }) {
    const started = Date.now();
    const elapsed = () => Date.now() - started;
    try {
      await ensureSession();
      await session.setTimeouts({ pageLoad: timeoutMs, script: timeoutMs + COMMAND_SLACK_MS });
      await session.navigate(pageUrl, { timeoutMs: timeoutMs + COMMAND_SLACK_MS });
      const remaining = Math.max(1, timeoutMs - elapsed());
      const json = await session.executeAsync(COLLECT_RESULTS, [remaining], { timeoutMs: remaining + 2 * COMMAND_SLACK_MS });
      if (json === null) {
        await dropSession();
        return timedOutOutcome(timeoutMs, elapsed());
      }
      return completedOutcome(JSON.parse(json), elapsed());
    } catch (error) {
      const hung = ['timeout', 'script timeout', 'harness timeout'].includes(error.code);
      await dropSession();
      if (hung) return timedOutOutcome(timeoutMs, elapsed());
      return crashedOutcome(`WebDriver session failed: ${error.message.split('\n')[0]}`, elapsed());
    }
  }

  async function evaluate(pageUrl, expression, { timeoutMs = 15_000 } = {}) {
    await ensureSession();
    await session.navigate(pageUrl, { timeoutMs });
    return session.executeSync(`return (${expression})`, [], { timeoutMs });
  }

  async function close() {
    await dropSession();
    if (service) {
      await service.stop();
      service = null;
    }
  }

  return {
    kind: 'webdriver',
    engine,
    source: url ? `WebDriver endpoint ${url}` : `WebKitGTK ${found.webDriver} + ${found.miniBrowser}`,
    get version() {
      return version;
    },
    launch,
    runPage,
    evaluate,
    close,
  };
}
