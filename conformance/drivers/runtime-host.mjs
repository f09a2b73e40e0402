// A testharness.js host for runtimes without a DOM — Deno, Bun, Node.js (18 on).
// Run INSIDE the runtime, one test page per process:
//
//   node runtime-host.mjs PAGE_URL [--polyfill MODULE] [--timeout-multiplier N]
//   deno run -A [--unstable-net] --unsafely-ignore-certificate-errors runtime-host.mjs PAGE_URL [...]
//   bun runtime-host.mjs PAGE_URL [...]
//   node runtime-host.mjs PAGE_URL [--polyfill MODULE] --evaluate EXPRESSION
//
// PAGE_URL is the test's window page on the conformance server, e.g.
// http://127.0.0.1:PORT/websockets/stream/close.any.html?wss; its query becomes
// location.search, as in the page (constants.sub.js compares it with '?wss').
// It prints one JSON line: { wptHost: 1, runtime, mode, status, tests, … }, where
// status and tests have the shape of the pages' globalThis.__wptResults
// (server/testharnessreport.js). With --evaluate, no test runs: the expression is
// evaluated in the prepared global (location = PAGE_URL, the polyfill installed)
// and the line is { wptHost: 1, value } (or { error }), the driver's evaluate().
//
// How, and why:
// - Every script (testharness.js, each `// META: script=`, the .any.js) is
//   fetched from the server, so `.sub.js` substitution happens there exactly as
//   for browsers, and all of them are fetched before any runs: testharness.js's
//   shell environment counts as loaded one microtask after it starts, so an
//   await between scripts would end the file after its first synchronous test.
// - Each runs with vm.runInThisContext (node:vm, in all three runtimes), which
//   shares the global lexical scope between scripts as classic <script>s do;
//   an indirect eval would keep helpers.js's top-level const/class to itself.
// - testharness.js picks its ShellTestEnvironment, which waits for nothing and
//   has no timeout: the host calls setup({ explicit_done: true }) before the
//   test and done() after it, as WPT's worker wrapper does, and timeout()
//   itself after 10 s (60 s for META timeout=long) × the multiplier.
// - Uncaught errors and unhandled rejections reach testharness.js as the
//   global 'error'/'unhandledrejection' events it listens to, as in a page.
// - --polyfill MODULE: the native WebSocketStream/WebSocketError (if any) are
//   deleted, MODULE (an ES module entry: dist/index.js or dist/node.js) is
//   imported and its install() called. Without it the runtime's own are tested.
import { pathToFileURL } from 'node:url';
import vm from 'node:vm';

const HARNESS_TIMEOUT_MS = { normal: 10_000, long: 60_000 };
// After testharness's own timeout(), the time its completion may take before the host gives up.
const COMPLETION_GRACE_MS = 5_000;
const TEST_STATUSES = ['PASS', 'FAIL', 'TIMEOUT', 'NOTRUN', 'PRECONDITION_FAILED'];
const HARNESS_STATUSES = ['OK', 'ERROR', 'TIMEOUT', 'PRECONDITION_FAILED'];

const deno = /** @type {any} */ (globalThis).Deno;
const bun = /** @type {any} */ (globalThis).Bun;

function runtimeName() {
  if (deno) return `deno ${deno.version.deno}`;
  if (bun) return `bun ${bun.version}`;
  return `node ${process.version.slice(1)}`;
}

/** @param {string[]} argv */
function parseArguments(argv) {
  /** @type {{ page: string|null, polyfill: string|null, multiplier: number, evaluate: string|null }} */
  const options = { page: null, polyfill: null, multiplier: 1, evaluate: null };
  for (let index = 0; index < argv.length; index += 1) {
    const argument = argv[index];
    if (argument === '--polyfill') options.polyfill = argv[++index];
    else if (argument === '--timeout-multiplier') options.multiplier = Number(argv[++index]);
    else if (argument === '--evaluate') options.evaluate = argv[++index];
    else options.page = argument;
  }
  if (!options.page || !(options.multiplier > 0)) throw new Error('usage: runtime-host.mjs PAGE_URL [--polyfill MODULE] [--timeout-multiplier N]');
  return /** @type {typeof options & { page: string }} */ (options);
}

/** @param {number} code */
function exit(code) {
  if (deno) deno.exit(code);
  else process.exit(code);
}

/**
 * Prints the one result line and exits: sockets a test left open must not keep the runtime alive.
 * @param {Record<string, unknown>} result
 */
function report(result, code = 0) {
  console.log(JSON.stringify({ wptHost: 1, ...result }));
  exit(code);
}

/**
 * What a test expects of its global: self, location, GLOBAL, relative fetch.
 * @param {string} pageUrl
 */
function prepareGlobal(pageUrl) {
  const global = /** @type {any} */ (globalThis);
  global.self ??= globalThis; // testharness.js ends with `})(self)`
  // Deno has a location only with --location; a read-only URL stands in elsewhere.
  if (global.location === undefined) Object.defineProperty(globalThis, 'location', { value: Object.freeze(new URL(pageUrl)), configurable: true });
  global.GLOBAL = { isWindow: () => false, isWorker: () => false, isShadowRealm: () => false };
  // Tests read the server's stash by relative URL; Node and Bun resolve none, Deno only with --location.
  const runtimeFetch = global.fetch;
  global.fetch = (/** @type {RequestInfo|URL} */ input, /** @type {RequestInit} */ init) => runtimeFetch(typeof input === 'string' ? new URL(input, global.location.href).href : input, init);
  // A runtime's SharedArrayBuffer needs no COOP/COEP; say so as a cross-origin isolated page would.
  if (global.crossOriginIsolated === undefined && typeof SharedArrayBuffer === 'function') global.crossOriginIsolated = true;
}

/**
 * Makes uncaught errors reach testharness.js as the global events a page has.
 * Deno dispatches them on globalThis itself and ends the process unless a
 * listener cancels them; Node (and Bun) report them on `process` only.
 */
function routeUncaughtErrors() {
  const global = /** @type {any} */ (globalThis);
  if (deno) {
    global.addEventListener('error', (/** @type {Event} */ event) => event.preventDefault());
    global.addEventListener('unhandledrejection', (/** @type {Event} */ event) => event.preventDefault());
    return;
  }
  // Node has no global event target; give globalThis one before testharness.js looks for it.
  if (typeof global.dispatchEvent !== 'function') {
    const target = new EventTarget();
    for (const name of /** @type {const} */ (['addEventListener', 'removeEventListener', 'dispatchEvent'])) global[name] = target[name].bind(target);
  }
  const dispatch = (/** @type {string} */ type, /** @type {object} */ fields) => global.dispatchEvent(Object.assign(new Event(type, { cancelable: true }), fields));
  process.on('uncaughtException', (error) => dispatch('error', { error, message: `Uncaught ${error?.name ?? 'Error'}: ${error?.message ?? error}` }));
  process.on('unhandledRejection', (reason) => dispatch('unhandledrejection', { reason }));
}

/**
 * Deletes the native pair, imports MODULE and installs it. → facts for the result line.
 * @param {string} specifier
 */
async function installPolyfill(specifier) {
  const global = /** @type {any} */ (globalThis);
  delete global.WebSocketStream;
  delete global.WebSocketError;
  // A path (absolute, or relative to the working directory), or a URL such as file:///….
  const url = /^[a-z][\w+.-]*:/i.test(specifier) ? specifier : pathToFileURL(specifier).href;
  const entry = await import(url);
  return { installed: entry.install(), socketImplementation: entry.socketImplementation ?? null };
}

/** @param {string} url */
async function fetchText(url) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`GET ${url}: ${response.status}`);
  return response.text();
}

/**
 * The .any.js's META scripts and timeout, read as the server reads them (server/meta.mjs).
 * @param {string} source
 * @param {string} testUrl
 */
function readMeta(source, testUrl) {
  /** @type {string[]} */
  const scripts = [];
  let timeout = 'normal';
  for (const line of source.split('\n')) {
    const match = /^\/\/\s*META:\s*(\w*)=(.*)$/.exec(line.replace(/\r$/, ''));
    if (!match) break;
    if (match[1] === 'script') scripts.push(new URL(match[2].trim(), testUrl).href);
    if (match[1] === 'timeout' && match[2].trim() === 'long') timeout = 'long';
  }
  return { scripts, timeout };
}

/**
 * Every script the page would load, in order, fetched before any runs.
 * @param {string} pageUrl
 */
async function loadScripts(pageUrl) {
  const page = new URL(pageUrl);
  const testUrl = new URL(page.pathname.replace(/\.any(\.worker)?\.html$/, '.any.js').replace(/^\/_polyfill\//, '/'), page).href;
  const testSource = await fetchText(testUrl);
  const meta = readMeta(testSource, testUrl);
  const harnessUrl = new URL('/resources/testharness.js', page).href;
  const scripts = [];
  for (const url of [harnessUrl, ...meta.scripts]) scripts.push({ url, source: await fetchText(url) });
  scripts.push({ url: testUrl, source: testSource });
  return { scripts, timeout: meta.timeout };
}

/**
 * Runs the scripts under testharness.js; resolves with { status, tests } as __wptResults has them.
 * testharness.js's objects (its tests and status) are typed by no declaration here, hence `any`.
 * @param {{ url: string, source: string }[]} scripts
 * @param {number} harnessTimeoutMs
 * @returns {Promise<object>}
 */
function runTests(scripts, harnessTimeoutMs) {
  const global = /** @type {any} */ (globalThis);
  const [harness, ...rest] = scripts;
  vm.runInThisContext(harness.source, { filename: harness.url });
  global.setup({ explicit_done: true });
  const completed = new Promise((resolve) => {
    global.add_completion_callback((/** @type {any[]} */ tests, /** @type {any} */ harnessStatus) => resolve({
      status: { status: HARNESS_STATUSES[harnessStatus.status] ?? 'ERROR', message: text(harnessStatus.message) },
      tests: tests.map((test) => ({ name: test.name, status: TEST_STATUSES[test.status] ?? 'FAIL', message: text(test.message) })),
    }));
  });
  try {
    for (const { url, source } of rest) vm.runInThisContext(source, { filename: url });
  } finally {
    // A script that throws at the top level is an uncaught error in a page: the
    // harness hears of it (routeUncaughtErrors) and still completes with done().
    global.done();
  }
  const timer = setTimeout(() => global.timeout(), harnessTimeoutMs);
  return completed.finally(() => clearTimeout(timer));
}

/**
 * The value of an expression (awaited), as JSON can carry it; or the error it threw.
 * @param {string} expression
 */
async function evaluate(expression) {
  try {
    const value = await vm.runInThisContext(expression, { filename: 'evaluate' });
    return { value: value === undefined ? null : value };
  } catch (caught) {
    const error = /** @type {Error|undefined} */ (caught);
    return { error: `${error?.name ?? 'Error'}: ${error?.message ?? error}` };
  }
}

/** @param {unknown} value */
function text(value) {
  return value === undefined || value === null ? null : String(value);
}

async function main() {
  const started = Date.now();
  const argv = deno ? [...deno.args] : process.argv.slice(2);
  let options;
  try {
    options = parseArguments(argv);
  } catch (error) {
    return report({ runtime: runtimeName(), status: { status: 'ERROR', message: /** @type {Error} */ (error).message }, tests: [] }, 2);
  }
  /** @type {Record<string, unknown>} */
  const facts = { runtime: runtimeName(), page: options.page, mode: options.polyfill ? 'polyfill' : 'native' };
  try {
    prepareGlobal(options.page);
    routeUncaughtErrors();
    if (options.polyfill) Object.assign(facts, await installPolyfill(options.polyfill));
    facts.native = { WebSocketStream: typeof (/** @type {any} */ (globalThis)).WebSocketStream, WebSocketError: typeof (/** @type {any} */ (globalThis)).WebSocketError };
    if (options.evaluate !== null) return report({ ...facts, ...(await evaluate(options.evaluate)) });
    const { scripts, timeout } = await loadScripts(options.page);
    const harnessTimeoutMs = HARNESS_TIMEOUT_MS[/** @type {'normal'|'long'} */ (timeout)] * options.multiplier;
    // Past testharness's own timeout and a grace for it to complete, the host reports what it has.
    setTimeout(() => report({ ...facts, status: { status: 'TIMEOUT', message: 'testharness.js did not complete after its timeout' }, tests: [], ms: Date.now() - started }, 3),
      harnessTimeoutMs + COMPLETION_GRACE_MS);
    const results = await runTests(scripts, harnessTimeoutMs);
    report({ ...facts, ...results, ms: Date.now() - started });
  } catch (caught) {
    const error = /** @type {Error|undefined} */ (caught);
    report({ ...facts, status: { status: 'ERROR', message: `host: ${error?.name ?? 'Error'}: ${error?.message ?? error}` }, tests: [], ms: Date.now() - started });
  }
}

await main();
