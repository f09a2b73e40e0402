// @ts-check
// Driver for jsdom: the suite's window pages in Node, in polyfill mode (jsdom's
// WebSocket is the `ws` package; it has no WebSocketStream and no workers).
// A session is one worker thread (jsdom-thread.mjs says what runs there and
// why), pages one at a time, each a fresh jsdom window. Like a browser, the
// thread is the unit of isolation: a page that hangs past its bound, or a
// thread that dies, costs that thread, and the next page starts a new one.
// The scheduler runs as many sessions at once as --workers allows, which puts
// jsdom pages on both cores.
import { Worker } from 'node:worker_threads';
import { completedOutcome, crashedOutcome, deadline, timedOutOutcome } from './outcome.mjs';

/** @typedef {import('../lib/types.mjs').Driver} Driver */
/** @typedef {import('../lib/types.mjs').PageOutcome} PageOutcome */

const THREAD_SCRIPT = new URL('./jsdom-thread.mjs', import.meta.url);
const LAUNCH_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 5_000;

/** @returns {Driver} */
export function createJsdomDriver() {
  return new JsdomDriver();
}

/**
 * A message from the thread, or what happened to the thread instead.
 * @typedef {{ type: 'ready', version: string } | { type: 'unavailable', message: string }
 *   | { type: 'results', id: number, results: any, errors: string[] }
 *   | { type: 'value', id: number, value: unknown }
 *   | { type: 'failed', id: number, message: string, errors: string[] }
 *   | { type: 'exited', message: string } | { type: 'timeout' }} Reply
 */

/** @implements {Driver} */
class JsdomDriver {
  /** @type {'jsdom'} */
  kind = 'jsdom';
  engine = 'jsdom';
  source = "jsdom from the wpt-runner package, in a worker thread";
  /** @type {string|null} */
  version = null;
  /** @type {Worker|null} */
  #thread = null;
  /** @type {Promise<Reply>|null} settles when the thread exits or fails */
  #threadGone = null;
  #nextId = 0;

  async launch() {
    const thread = new Worker(THREAD_SCRIPT);
    this.#thread = thread;
    this.#threadGone = new Promise((resolve) => {
      thread.once('error', (error) => resolve({ type: 'exited', message: `the jsdom thread failed: ${error.message}` }));
      thread.once('exit', (code) => resolve({ type: 'exited', message: `the jsdom thread exited (code ${code})` }));
    });
    const reply = await this.#next(LAUNCH_TIMEOUT_MS, () => true);
    if (reply.type === 'ready') {
      this.version = reply.version;
      return;
    }
    await this.close();
    throw new Error(reply.type === 'unavailable' || reply.type === 'exited' ? reply.message : `jsdom did not start within ${LAUNCH_TIMEOUT_MS} ms`);
  }

  /**
   * The thread's next reply that `wanted` accepts, its exit, or a timeout.
   * @param {number} timeoutMs
   * @param {(reply: Reply) => boolean} wanted
   * @returns {Promise<Reply>}
   */
  async #next(timeoutMs, wanted) {
    const thread = /** @type {Worker} */ (this.#thread);
    const limit = deadline(timeoutMs);
    /** @type {(reply: Reply) => void} */
    let listener = () => {};
    const replied = new Promise((resolve) => {
      listener = (reply) => {
        if (wanted(reply)) resolve(reply);
      };
      thread.on('message', listener);
    });
    try {
      return await Promise.race([replied, /** @type {Promise<Reply>} */ (this.#threadGone), limit.promise.then(() => /** @type {Reply} */ ({ type: 'timeout' }))]);
    } finally {
      thread.off('message', listener);
      limit.cancel();
    }
  }

  /**
   * Sends one request and waits, bounded, for its answer.
   * @param {{ type: 'run', url: string } | { type: 'evaluate', url: string, expression: string }} request
   * @param {number} timeoutMs
   */
  async #ask(request, timeoutMs) {
    if (!this.#thread) await this.launch();
    const id = ++this.#nextId;
    /** @type {Worker} */ (this.#thread).postMessage({ ...request, id });
    return this.#next(timeoutMs, (reply) => 'id' in reply && reply.id === id);
  }

  /**
   * @param {string} url
   * @param {{ timeoutMs: number }} options
   * @returns {Promise<PageOutcome>}
   */
  async runPage(url, { timeoutMs }) {
    const started = Date.now();
    const elapsed = () => Date.now() - started;
    let reply;
    try {
      reply = await this.#ask({ type: 'run', url }, timeoutMs);
    } catch (error) {
      return crashedOutcome(`jsdom did not start: ${/** @type {Error} */ (error).message}`, elapsed(), 'session-failed');
    }
    if (reply.type === 'results') return withJsdomErrors(completedOutcome(reply.results, elapsed()), reply.errors);
    if (reply.type === 'failed') return withJsdomErrors(completedOutcome({ status: { status: 'ERROR', message: reply.message } }, elapsed()), reply.errors);
    // A hung page (a script that never yields cannot be interrupted otherwise)
    // or a dead thread: stop it, and the next page starts a new one.
    await this.close();
    if (reply.type === 'exited') return crashedOutcome(reply.message, elapsed(), 'session-failed');
    return timedOutOutcome(timeoutMs, elapsed());
  }

  /**
   * @param {string} url
   * @param {string} expression
   * @param {{ timeoutMs?: number }} [options]
   */
  async evaluate(url, expression, { timeoutMs = 15_000 } = {}) {
    const reply = await this.#ask({ type: 'evaluate', url, expression }, timeoutMs);
    if (reply.type === 'value') return reply.value;
    if (reply.type !== 'failed') await this.close();
    throw new Error(reply.type === 'failed' || reply.type === 'exited' ? reply.message : `no answer within ${timeoutMs} ms`);
  }

  async close() {
    const thread = this.#thread;
    this.#thread = null;
    this.#threadGone = null;
    if (!thread) return;
    // terminate() stops even a script that never yields; it settles once the thread is gone.
    const stopped = deadline(STOP_TIMEOUT_MS);
    await Promise.race([thread.terminate().catch(() => {}), stopped.promise]);
    stopped.cancel();
  }
}

/**
 * jsdom reports a page's uncaught errors and failed loads to its console, not
 * to testharness; when the file did not finish OK they usually say why.
 * @param {PageOutcome} outcome
 * @param {string[]} errors
 * @returns {PageOutcome}
 */
function withJsdomErrors(outcome, errors) {
  if (outcome.status === 'OK' || errors.length === 0) return outcome;
  const first = errors[0].split('\n').slice(0, 3).join(' | ');
  return { ...outcome, message: [outcome.message, `jsdom: ${first}`].filter(Boolean).join(' — ') };
}
