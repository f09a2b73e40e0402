// Driver for runtimes without a DOM — Deno, Bun, Node.js — with the same shape
// as the browser drivers (see index.mjs). Each page is one process:
//   <runtime> <flags> runtime-host.mjs <page URL> [--polyfill <module>]
// which runs the page's scripts under testharness.js and prints one JSON line
// (see runtime-host.mjs). A process per page is the runtimes' crash isolation:
// a test that wedges or kills the runtime takes nothing else with it.
//
// Runtimes have one scope, `shell`: a file runs once per variant, from its
// window page's URL (`NAME.any.html?wss`), whose query becomes location.search.
// As for browsers, a page under /_polyfill/ runs with the polyfill: one driver
// (one session of the scheduler) serves a row's native and polyfill pages.
import { access, constants } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { readVersion } from '../lib/engines.mjs';
import { spawnHelper, stopHelper } from '../lib/processes.mjs';
import { variantName, variantQuery } from '../server/meta.mjs';
import { lastLines } from './browser-process.mjs';
import { completedOutcome, crashedOutcome, deadline, timedOutOutcome } from './outcome.mjs';

export const RUNTIME_SCOPE = 'shell';
export const RUNTIME_HOST = fileURLToPath(new URL('./runtime-host.mjs', import.meta.url));
const DEFAULT_DIST = fileURLToPath(new URL('../../dist/', import.meta.url));
const EVALUATE_TIMEOUT_MS = 30_000;

/**
 * The polyfill entry a row uses: `ws` → dist/node.js, which takes the `ws`
 * package when it can be imported (in Bun, `ws` is always Bun's own built-in
 * shim, never the package); `global` → dist/index.js, on the runtime's global WebSocket.
 */
export const POLYFILL_ENTRIES = { ws: 'node.js', global: 'index.js' };

/**
 * Command line per runtime. Self-signed wss: Deno needs
 * --unsafely-ignore-certificate-errors (DENO_CERT rejects the server's
 * CA:TRUE leaf with a misleading NoApplicationProtocol); Node and Bun
 * NODE_TLS_REJECT_UNAUTHORIZED=0. Deno's WebSocketStream exists only with
 * --unstable-net, so native mode gets it and polyfill mode does not. Node 20's
 * global WebSocket needs --experimental-websocket (22 has it unflagged; 18 has none).
 * @type {Record<string, { args: (row: { mode: string, socket: string|null, version: string|null }) => string[], env: Record<string, string> }>}
 */
export const RUNTIME_COMMANDS = {
  deno: {
    args: ({ mode }) => ['run', '-A', '--unsafely-ignore-certificate-errors', ...(mode === 'native' ? ['--unstable-net'] : [])],
    env: {},
  },
  bun: { args: () => ['run'], env: { NODE_TLS_REJECT_UNAUTHORIZED: '0' } },
  node: {
    args: ({ socket, version }) => (socket === 'global' && version?.split('.')[0] === '20' ? ['--experimental-websocket'] : []),
    env: { NODE_TLS_REJECT_UNAUTHORIZED: '0' },
  },
};

/**
 * The pages a file has in the shell scope: one per variant, the window page's
 * path. A file that does not run in a worker may need a DOM: none.
 * @param {string} relPath e.g. 'websockets/stream/close.any.js'
 * @param {{ globals: string[], variants: string[] }} meta
 * @returns {{ scope: string, variant: string, path: string }[]}
 */
export function runtimePages(relPath, meta) {
  if (!meta.globals.includes('worker')) return [];
  const base = relPath.replace(/\.any\.js$/, '');
  const variants = meta.variants.length > 0 ? meta.variants : [''];
  return variants.map((variant) => ({ scope: RUNTIME_SCOPE, variant: variantName(variant), path: `/${base}.any.html${variantQuery(variant)}` }));
}

const POLYFILL_PATH = /^\/_polyfill\//;

/**
 * @param {object} spec
 * @param {'deno'|'bun'|'node'} spec.engine
 * @param {string} spec.executable the runtime's binary
 * @param {'native'|'polyfill'} spec.mode  for pages outside /_polyfill/ (and evaluate); a page under it always gets the polyfill
 * @param {'ws'|'global'} [spec.socket] polyfill mode: which entry (see POLYFILL_ENTRIES)
 * @param {string} [spec.distDir] where the built polyfill is (default: this repository's dist/)
 * @param {string} [spec.source] where the binary came from, for reports
 * @param {number} [spec.timeoutMultiplier] scales testharness.js's own timeouts in the host
 */
export function createRuntimeDriver({ engine, executable, mode, socket = 'ws', distDir = DEFAULT_DIST, source = executable, timeoutMultiplier = 1 }) {
  const command = RUNTIME_COMMANDS[engine];
  if (!command) throw new Error(`no runtime driver for "${engine}" (known: ${Object.keys(RUNTIME_COMMANDS).join(', ')})`);
  if (!POLYFILL_ENTRIES[socket]) throw new Error(`socket must be one of ${Object.keys(POLYFILL_ENTRIES).join(', ')}`);
  const polyfill = path.join(distDir, POLYFILL_ENTRIES[socket]);
  /** @type {string|null} */
  let version = null;

  async function launch() {
    version = await readVersion(engine, executable);
    await access(polyfill, constants.R_OK).catch(() => { throw new Error(`${polyfill} is missing (npm run build)`); });
  }

  /**
   * @param {string[]} extra
   * @param {boolean} withPolyfill
   */
  const spawnHost = (extra, withPolyfill) => spawnRuntimeHost({ engine, executable, socket, polyfill, version }, extra, withPolyfill);

  /** @param {string} url */
  const polyfilled = (url) => mode === 'polyfill' || POLYFILL_PATH.test(new URL(url).pathname);

  /**
   * @param {string} url
   * @param {{ timeoutMs: number }} options
   */
  async function runPage(url, { timeoutMs }) {
    const started = Date.now();
    const { ended, output } = await runBounded(spawnHost([url, '--timeout-multiplier', String(timeoutMultiplier)], polyfilled(url)), timeoutMs);
    return pageOutcome(engine, ended, output, Date.now() - started, timeoutMs);
  }

  /**
   * @param {string} url
   * @param {string} expression
   */
  async function evaluate(url, expression, { timeoutMs = EVALUATE_TIMEOUT_MS } = {}) {
    const { output } = await runBounded(spawnHost([url, '--evaluate', expression], polyfilled(url)), timeoutMs);
    const line = resultLine(output.stdout);
    if (!line) throw new Error(`${engine} gave no value for ${expression}: ${lastLines(output.stderr())}`);
    if ('error' in line) throw new Error(line.error);
    return line.value;
  }

  /** @type {import('../lib/types.mjs').Driver} */
  const driver = {
    kind: 'runtime',
    engine,
    source,
    get version() {
      return version;
    },
    launch,
    runPage,
    evaluate,
    // Nothing outlives a page: each ran in a process of its own, stopped by now.
    close: async () => {},
  };
  return driver;
}

/**
 * Starts runtime-host.mjs for one page (or one evaluation): natively, or with the row's polyfill entry.
 * @param {{ engine: string, executable: string, socket: string, polyfill: string, version: string|null }} row
 * @param {string[]} extra  the page URL and the host's options
 * @param {boolean} withPolyfill
 */
function spawnRuntimeHost({ engine, executable, socket, polyfill, version }, extra, withPolyfill) {
  const command = RUNTIME_COMMANDS[engine];
  const args = [...command.args({ mode: withPolyfill ? 'polyfill' : 'native', socket: withPolyfill ? socket : null, version }), RUNTIME_HOST, ...extra];
  if (withPolyfill) args.push('--polyfill', polyfill);
  return spawnHelper(executable, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...command.env } });
}

/**
 * What a page's host process amounts to: its results, a timeout, or a crash.
 * @param {string} engine
 * @param {Awaited<ReturnType<typeof runBounded>>['ended']} ended
 * @param {Awaited<ReturnType<typeof runBounded>>['output']} output
 * @param {number} elapsed
 * @param {number} timeoutMs
 */
function pageOutcome(engine, ended, output, elapsed, timeoutMs) {
  if (ended === 'timeout') return timedOutOutcome(timeoutMs, elapsed);
  const line = resultLine(output.stdout);
  if (!line) return crashedOutcome(`${engine} exited (${ended.signal ?? `code ${ended.code}`}${ended.error ? `, ${ended.error.message}` : ''}) without results: ${lastLines(output.stderr())}`, elapsed, 'browser-exited');
  // The host's own bound ran out: testharness.js never completed.
  if (ended.code === 3) return timedOutOutcome(timeoutMs, elapsed);
  return completedOutcome(line, elapsed);
}

/**
 * Waits for a host process to end, stopping it at `timeoutMs`.
 * → { ended: 'timeout' | { code, signal, error? }, output }
 * @param {import('node:child_process').ChildProcess} child
 * @param {number} timeoutMs
 */
async function runBounded(child, timeoutMs) {
  const output = collect(child);
  const limit = deadline(timeoutMs);
  const ended = await Promise.race([whenClosed(child), limit.promise.then(() => /** @type {const} */ ('timeout'))]);
  limit.cancel();
  if (ended === 'timeout') await stopHelper(child);
  return { ended, output };
}

/**
 * Resolves when a child has exited AND its output is all read ('close', not 'exit'); never rejects.
 * @param {import('node:child_process').ChildProcess} child
 * @returns {Promise<{ code: number|null, signal: NodeJS.Signals|null, error?: Error }>}
 */
function whenClosed(child) {
  return new Promise((resolve) => {
    child.once('close', (code, signal) => resolve({ code, signal }));
    child.once('error', (error) => resolve({ code: null, signal: null, error }));
  });
}

/**
 * Gathers a child's stdout, and the tail of its stderr.
 * @param {import('node:child_process').ChildProcess} child  with stdout and stderr piped
 */
function collect(child) {
  const output = { stdout: '', stderrTail: '', stderr: () => output.stderrTail };
  /** @type {import('node:stream').Readable} */ (child.stdout).setEncoding('utf8').on('data', (chunk) => { output.stdout += chunk; });
  /** @type {import('node:stream').Readable} */ (child.stderr).setEncoding('utf8').on('data', (chunk) => { output.stderrTail = (output.stderrTail + chunk).slice(-8192); });
  return output;
}

/**
 * The host's JSON line: the last line that parses and carries `wptHost` (a test may print too).
 * The line is the host's own JSON (results, a value or an error), hence `any`.
 * @param {string} stdout
 * @returns {any}
 */
function resultLine(stdout) {
  for (const line of stdout.trim().split('\n').reverse()) {
    if (!line.startsWith('{')) continue;
    try {
      const value = JSON.parse(line);
      if (value?.wptHost === 1) return value;
    } catch {
      // Not ours.
    }
  }
  return null;
}
