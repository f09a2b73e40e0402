// A driver that needs no automation protocol, so it works with any browser
// build a user keeps — the old headless Chromium builds among them, where a
// current Playwright or WebDriver may not speak the browser's protocol.
//
// The browser is started once, on a "waiting room" page of the test server
// (browser-process.mjs has the command line per kind of browser), and the
// server directs it (server/launcher-sessions.mjs): runPage() queues a page
// URL for the browser's session, the waiting room navigates there, the page
// posts its results to the session (testharnessreport.js) and goes back to
// the waiting room. The driver waits for those results by long-polling the
// server. Past the bound, the browser is stopped and a fresh one started for
// the next page: a hung or crashed page cannot leave state behind.
//
// What it cannot see: a renderer crash leaves the browser up and the page
// silent, so it is reported as a TIMEOUT at the bound, not as a CRASH.
import { access, constants } from 'node:fs/promises';
import { LAUNCHER_PREFIX, launcherId } from '../server/launcher-sessions.mjs';
import { lastLines, startBrowser } from './browser-process.mjs';
import { completedOutcome, crashedOutcome, timedOutOutcome } from './outcome.mjs';

const START_TIMEOUT_MS = 60_000;
const EVALUATE_TIMEOUT_MS = 15_000;
// The server holds a poll at most 20 s; polling just under that keeps every request short-lived.
const POLL_MS = 15_000;

/** @typedef {import('../lib/types.mjs').Driver} Driver */
/** @typedef {{ browser: import('./browser-process.mjs').BrowserProcess, origin: string, session: string, gone: boolean }} Target */

/**
 * @param {object} spec
 * @param {string} spec.executable the browser binary
 * @param {string} [spec.engine] the engine results are filed under (default chromium)
 * @param {string} [spec.kind] which command line (BROWSER_ARGUMENTS in browser-process.mjs)
 * @param {string|null} [spec.serverOrigin] the test server's http origin, where launch() starts
 *   the browser; without it the browser starts at the first page's origin
 * @param {string} [spec.source] where the binary came from, for reports
 * @param {(line: string) => void} [spec.log] receives the browser's stderr lines
 * @returns {Driver & { readonly userAgent: string|null }}
 */
export function createLauncherDriver(spec) {
  return new LauncherDriver(spec);
}

/** @implements {Driver} */
class LauncherDriver {
  /** @type {Driver['kind']} */
  kind = 'launcher';
  /** @type {Target|null} */
  #current = null;
  /** @type {string|null} */
  #version = null;
  /** @type {string|null} */
  #userAgent = null;

  /** @param {Parameters<typeof createLauncherDriver>[0]} spec */
  constructor({ executable, engine = 'chromium', kind = 'chromium', serverOrigin = null, source = executable, log = () => {} }) {
    this.engine = engine;
    this.source = source;
    this.executable = executable;
    this.browserKind = kind;
    this.serverOrigin = serverOrigin;
    this.log = log;
  }

  get version() {
    return this.#version;
  }

  get userAgent() {
    return this.#userAgent;
  }

  async launch() {
    await access(this.executable, constants.X_OK).catch(() => { throw new Error(`${this.executable} is not an executable file`); });
    if (this.serverOrigin) await this.#start(new URL(this.serverOrigin).origin);
  }

  /**
   * @param {string} url
   * @param {{ timeoutMs: number }} options
   */
  async runPage(url, { timeoutMs }) {
    let started = Date.now();
    try {
      const target = await this.#ready(new URL(url).origin);
      // The bound is the page's: starting the browser has a bound of its own.
      started = Date.now();
      const token = await assign(target, { url });
      const answer = await waitFor(target, 'outcome', { token }, timeoutMs);
      const elapsed = Date.now() - started;
      if (answer.value) return completedOutcome(answer.value, elapsed);
      await this.close();
      if (answer.gone) return crashedOutcome(`the browser exited: ${lastLines(target.browser.stderr())}`, elapsed, 'browser-exited');
      return timedOutOutcome(timeoutMs, elapsed);
    } catch (error) {
      await this.close();
      return crashedOutcome(`launcher: ${String(/** @type {Error} */ (error).message).split('\n')[0]}`, Date.now() - started, 'session-failed');
    }
  }

  /**
   * Evaluates `expression` in a same-origin iframe showing `url`; resolves with its (awaited, JSON) value.
   * @param {string} url
   * @param {string} expression
   */
  async evaluate(url, expression, { timeoutMs = EVALUATE_TIMEOUT_MS } = {}) {
    const target = await this.#ready(new URL(url).origin);
    const token = await assign(target, { url, expression });
    const answer = await waitFor(target, 'outcome', { token }, timeoutMs);
    if (!answer.value) {
      await this.close();
      throw new Error(`no value for ${expression} within ${timeoutMs} ms${answer.gone ? ' (the browser exited)' : ''}`);
    }
    if ('error' in answer.value) throw new Error(answer.value.error);
    return answer.value.value;
  }

  async close() {
    const old = this.#current;
    this.#current = null;
    if (!old) return;
    await old.browser.stop();
    // The session's held requests are answered; nothing of it is needed any more.
    await fetch(control(old, 'end'), { method: 'POST', signal: AbortSignal.timeout(5000) }).catch(() => {});
  }

  /**
   * Starts the browser on the waiting room of `origin`'s server and waits for it to say hello.
   * @param {string} origin
   */
  async #start(origin) {
    await this.close();
    const session = launcherId();
    const browser = await startBrowser({ kind: this.browserKind, executable: this.executable, url: `${origin}${LAUNCHER_PREFIX}/waiting-room?session=${session}`, log: this.log });
    const started = { browser, origin, session, gone: false };
    this.#current = started;
    browser.exited.then(() => { started.gone = true; });
    const hello = await waitFor(started, 'hello', {}, START_TIMEOUT_MS);
    if (!hello.value) {
      await this.close();
      const why = hello.gone ? 'exited' : `did not open the waiting room within ${START_TIMEOUT_MS / 1000} s`;
      throw new Error(`${this.executable} ${why}: ${lastLines(browser.stderr())}`);
    }
    this.#userAgent = hello.value.userAgent;
    this.#version = /(?:Chrome|Chromium|Firefox|Version)\/([\d.]+)/.exec(this.#userAgent ?? '')?.[1] ?? this.#userAgent;
  }

  /**
   * A browser on `origin`'s server, started anew when there is none, it is gone, or it is elsewhere.
   * @param {string} origin
   */
  async #ready(origin) {
    const current = this.#current;
    if (!current || current.gone || current.origin !== origin) await this.#start(origin);
    return /** @type {Target} */ (this.#current);
  }
}

/**
 * Queues a page (or an expression) for the waiting room; resolves with its token.
 * @param {Target} target
 * @param {{ url: string, expression?: string }} assignment
 * @returns {Promise<string>}
 */
async function assign(target, assignment) {
  const response = await fetch(control(target, 'assign'), { method: 'POST', body: JSON.stringify(assignment), signal: AbortSignal.timeout(10_000) });
  if (!response.ok) throw new Error(`the server refused the assignment: ${response.status}`);
  return (await response.json()).token;
}

/**
 * @param {Target} target
 * @param {string} what
 * @param {Record<string, string>} [params]
 */
function control(target, what, params = {}) {
  const query = new URLSearchParams({ session: target.session, ...params });
  return `${target.origin}${LAUNCHER_PREFIX}/${what}?${query}`;
}

/**
 * Long-polls the server for `what` (hello, or a page's outcome) until it is
 * there, the browser exits, or `timeoutMs` passes.
 * `value` is the JSON the page or the waiting room posted (hello, results, or an evaluated value).
 * @param {Target} target
 * @param {string} what
 * @param {Record<string, string>} params
 * @param {number} timeoutMs
 * @returns {Promise<{ value?: any, gone?: boolean, timedOut?: boolean }>}
 */
async function waitFor(target, what, params, timeoutMs) {
  const until = Date.now() + timeoutMs;
  const controller = new AbortController();
  const gone = target.browser.exited.then(() => ({ gone: true }));
  const polling = (async () => {
    for (let waitMs = Math.min(POLL_MS, timeoutMs); waitMs > 0; waitMs = Math.min(POLL_MS, until - Date.now())) {
      const response = await fetch(control(target, what, { ...params, waitMs: String(waitMs) }), {
        // A server that does not answer within its own hold is not waited on for ever.
        signal: AbortSignal.any([controller.signal, AbortSignal.timeout(waitMs + 5000)]),
      });
      if (response.status === 200) return { value: await response.json() };
      await response.arrayBuffer();
    }
    return { timedOut: true };
  })();
  try {
    return await Promise.race([polling, gone]);
  } finally {
    // A poll still held by the server is abandoned: it answers 204 to nobody.
    controller.abort();
    polling.catch(() => {});
  }
}
