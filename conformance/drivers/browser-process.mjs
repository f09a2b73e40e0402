// Starting a browser binary with nothing but its command line: no automation
// protocol, so any build a user keeps will do (the old headless Chromium
// builds of @sparticuz/chromium among them). Used by the launcher driver and
// by lib/engines.mjs to read a build's real version.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { spawnHelper, stopHelper, whenExited } from '../lib/processes.mjs';

/**
 * Command-line arguments per kind of browser, given a fresh profile folder.
 * Chromium (any build from 92 on, headless_shell included):
 * - --headless: the @sparticuz builds are headless_shell and have no other mode;
 * - --no-sandbox: those builds ship no sandbox helper, and root cannot use one;
 * - --disable-gpu: no GPU process (their SwiftShader libraries are not unpacked);
 * - --ignore-certificate-errors: the test server's certificate is self-signed (wss variants);
 * - --remote-debugging-port=0: nobody connects, but without a DevTools port the
 *   old builds misbehave with a URL on the command line (measured: 92–110 load
 *   it and exit with code 0; 119–126 never load it). It also prints the
 *   "DevTools listening on" line that readChromiumVersion() uses.
 * - the rest keep a closed machine quiet: no first-run UI, updater, sync or background traffic.
 * @type {Record<string, (profile: string) => string[]>}
 */
export const BROWSER_ARGUMENTS = {
  chromium: (profile) => [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--disable-dev-shm-usage',
    `--user-data-dir=${profile}`,
    '--ignore-certificate-errors',
    '--remote-debugging-port=0',
    '--remote-debugging-address=127.0.0.1',
  ],
};

/**
 * @typedef {object} BrowserProcess
 * @property {import('node:child_process').ChildProcess} child
 * @property {Promise<{ code: number|null, signal: string|null }>} exited settles when the browser is gone
 * @property {() => string} stderr what the browser printed so far (the last 64 KiB)
 * @property {() => Promise<void>} stop stops it (its whole process group) and removes its profile
 */

/**
 * Starts `executable` as a browser of `kind` on `url`, with a fresh profile.
 * @param {{ kind?: string, executable: string, url: string, log?: (line: string) => void }} options
 * @returns {Promise<BrowserProcess>}
 */
export async function startBrowser({ kind = 'chromium', executable, url, log = () => {} }) {
  const argumentsOf = BROWSER_ARGUMENTS[kind];
  if (!argumentsOf) throw new Error(`no launcher arguments for a browser of kind "${kind}" (known: ${Object.keys(BROWSER_ARGUMENTS).join(', ')})`);
  const profile = await mkdtemp(path.join(os.tmpdir(), 'wss-conformance-profile-'));
  const child = spawnHelper(executable, [...argumentsOf(profile), url], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  const errorOutput = /** @type {import('node:stream').Readable} */ (child.stderr); // piped above
  errorOutput.setEncoding('utf8');
  errorOutput.on('data', (chunk) => {
    // Keep the tail only: a browser left running for a whole suite logs a lot.
    stderr = (stderr + chunk).slice(-65_536);
    for (const line of chunk.split('\n')) if (line) log(line);
  });
  const exited = whenExited(child);
  return {
    child,
    exited,
    stderr: () => stderr,
    async stop() {
      await stopHelper(child);
      await rm(profile, { recursive: true, force: true, maxRetries: 3 });
    },
  };
}

/**
 * Waits for the "DevTools listening on ws://HOST:PORT/..." line a Chromium prints
 * once its DevTools server is up. Rejects when the browser exits first or after `timeoutMs`.
 * @param {BrowserProcess} browser
 * @param {number} timeoutMs
 * @returns {Promise<string>} the DevTools HTTP origin, e.g. http://127.0.0.1:35523
 */
export function devToolsOrigin(browser, timeoutMs) {
  const pattern = /DevTools listening on ws:\/\/([^/\s]+)\//;
  // startBrowser() pipes the browser's standard error.
  const errorOutput = /** @type {import('node:stream').Readable} */ (browser.child.stderr);
  return new Promise((resolve, reject) => {
    const finish = (/** @type {Error|null} */ error, /** @type {string} */ value = '') => {
      clearTimeout(timer);
      errorOutput.off('data', check);
      if (error) reject(error);
      else resolve(value);
    };
    const check = () => {
      const match = pattern.exec(browser.stderr());
      if (match) finish(null, `http://${match[1]}`);
    };
    const timer = setTimeout(() => finish(new Error(`no DevTools line from the browser within ${timeoutMs} ms`)), timeoutMs);
    errorOutput.on('data', check);
    browser.exited.then(({ code, signal }) => finish(new Error(`the browser exited (${signal ?? `code ${code}`}) before it was ready: ${lastLines(browser.stderr())}`)));
    check();
  });
}

/**
 * The version a Chromium build reports about itself: starts it on about:blank
 * and asks its DevTools server (`--version` only answers from 153 on; older
 * headless_shell builds start a browser instead).
 * @param {string} executable
 * @param {{ timeoutMs?: number }} [options]
 * @returns {Promise<{ version: string, product: string, userAgent: string }>}
 */
export async function readChromiumVersion(executable, { timeoutMs = 60_000 } = {}) {
  const browser = await startBrowser({ kind: 'chromium', executable, url: 'about:blank' });
  try {
    const origin = await devToolsOrigin(browser, timeoutMs);
    const response = await fetch(`${origin}/json/version`, { signal: AbortSignal.timeout(timeoutMs) });
    const { Browser: product, 'User-Agent': userAgent } = await response.json();
    const version = /\/([\d.]+)$/.exec(product)?.[1];
    if (!version) throw new Error(`unexpected /json/version product "${product}"`);
    return { version, product, userAgent };
  } finally {
    await browser.stop();
  }
}

/**
 * The last few lines of a process's output, for one-line error messages.
 * @param {string} text
 */
export function lastLines(text, count = 3) {
  return text.trim().split('\n').slice(-count).join(' | ') || '(no output)';
}
