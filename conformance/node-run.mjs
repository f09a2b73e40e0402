#!/usr/bin/env node
// The WPT suite in Node: every `.any.js` file's window page, in polyfill mode,
// in jsdom (whose WebSocket is the `ws` package), against the conformance
// server. The fast signal before the browsers.
//
//   node conformance/node-run.mjs [--polyfill FILE] [--wpt-root DIR] [--filter TEXT]...
//                                 [--expectations FILE] [--jobs N] [--json FILE] [--verbose]
//
// Why not wpt-runner's own runner: it serves the tree from its own fixed
// server, which (1) throws — killing the process — on any URL it does not know,
// and a WebSocket handshake to the page's own origin is such a request (as
// constructor.any.js's `new WebSocketStream()` makes: "undefined" resolves
// against the page and connects to /websockets/stream/undefined); (2) serves
// `.sub.` files unsubstituted; (3) opens no variant (`?wss` is never run);
// (4) is not the origin of the stash and endpoints; (5) hard-codes jsdom's
// strict TLS, so wss to our self-signed certificate fails. So the pages come
// from our server — the very pages the browsers open — and jsdom and
// testharness.js come from the wpt-runner package.
//
// jsdom has no workers: only the window scope runs here. jsdom 21 also lacks
// platform pieces every browser has and that the polyfill does not provide;
// those the polyfill and the tests use are added to each window before any
// script runs, so that a failure here is about the polyfill, not about jsdom:
//   - web streams (ReadableStream & co.), from web-streams-polyfill, evaluated
//     inside the window so they belong to its realm (the polyfill needs them);
//   - TextEncoder/TextDecoder, giving the window's own Uint8Arrays;
//   - structuredClone, Node's (tests detach ArrayBuffers with its `transfer`;
//     the clone it returns belongs to Node's realm, which no test looks at);
//   - fetch, Node's, resolving a relative URL against the page (tests read
//     the server's stash with it).
// jsdom's own departures from browsers (its WebSocket's) are listed, each
// with its reason, in expectations/jsdom.json, and checked in
// test/server-jsdom.test.mjs so they are noticed when jsdom changes.
import { readFile, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs, TextDecoder as NodeTextDecoder, TextEncoder as NodeTextEncoder } from 'node:util';
import { findExpectation, isExpectedStatus, loadExpectations } from './lib/expectations.mjs';
import { startServerProcess } from './server/child.mjs';
import { listTestFiles, parseMeta, testPages } from './server/index.mjs';
import { POLYFILL_PREFIX } from './server/pages.mjs';

const repositoryRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const requireFromHere = createRequire(import.meta.url);
// jsdom is the one wpt-runner depends on and tests with.
const { JSDOM, ResourceLoader, VirtualConsole } = createRequire(requireFromHere.resolve('wpt-runner/package.json'))('jsdom');
const WEB_STREAMS_POLYFILL = requireFromHere.resolve('web-streams-polyfill/polyfill');

// testharness.js's own file timeouts, plus time for the page to load and report.
const HARNESS_TIMEOUT_MS = { normal: 10_000, long: 60_000 };
const PAGE_GRACE_MS = 10_000;

const SCOPE = 'window';
const MODE = 'polyfill';

function parseOptions() {
  const { values } = parseArgs({
    options: {
      polyfill: { type: 'string', default: path.join(repositoryRoot, 'dist/websocketstream-polyfill.js') },
      'wpt-root': { type: 'string', default: path.join(repositoryRoot, 'wpt') },
      filter: { type: 'string', multiple: true, default: [] },
      expectations: { type: 'string', default: path.join(repositoryRoot, 'conformance/expectations/jsdom.json') },
      // One page at a time by default: pages share this process, and timing-based
      // subtests (backpressure) should not depend on how busy the others keep it.
      jobs: { type: 'string', default: '1' },
      json: { type: 'string' },
      verbose: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const jobs = Number(values.jobs);
  if (!Number.isInteger(jobs) || jobs < 1) throw new UsageError('--jobs must be a whole number ≥ 1');
  return { ...values, jobs };
}

class UsageError extends Error {}

/** Adds to a fresh jsdom window what the polyfill and the tests need and jsdom 21 lacks. */
function addMissingPlatformPieces(window, webStreamsSource) {
  window.eval(webStreamsSource);
  const encoder = new NodeTextEncoder();
  window.TextEncoder = class TextEncoder {
    get encoding() {
      return 'utf-8';
    }

    encode(input = '') {
      const bytes = encoder.encode(String(input));
      const copy = new window.Uint8Array(bytes.length);
      copy.set(bytes);
      return copy;
    }
  };
  window.structuredClone = (value, options) => structuredClone(value, options);
  window.fetch = (input, init) => fetch(new URL(String(input), window.location.href), init);
  window.TextDecoder = class TextDecoder {
    #decoder;

    constructor(label = 'utf-8', options = {}) {
      this.#decoder = new NodeTextDecoder(label, options);
    }

    get encoding() {
      return this.#decoder.encoding;
    }

    decode(input, options) {
      return this.#decoder.decode(input, options);
    }
  };
}

/**
 * Opens one page and waits (bounded) for the report hook's results.
 * → { status, message, subtests: [{ name, status, message }], timedOut, durationMs, errors }
 */
async function runPage(url, timeoutMs, webStreamsSource) {
  const started = Date.now();
  const errors = [];
  const virtualConsole = new VirtualConsole();
  virtualConsole.on('jsdomError', (error) => errors.push(error.detail?.stack ?? error.stack ?? String(error)));
  let deliver;
  const reported = new Promise((resolve) => {
    deliver = resolve;
  });
  let dom;
  let timer;
  try {
    dom = await JSDOM.fromURL(url, {
      runScripts: 'dangerously',
      // Like the browser drivers, accept the server's self-signed certificate (this also covers jsdom's wss).
      resources: new ResourceLoader({ strictSSL: false }),
      virtualConsole,
      beforeParse(window) {
        addMissingPlatformPieces(window, webStreamsSource);
        // The report hook assigns globalThis.__wptResults once; take it as it is set.
        Object.defineProperty(window, '__wptResults', {
          configurable: true,
          set: (results) => deliver(JSON.parse(JSON.stringify(results))),
        });
      },
    });
    const expired = new Promise((resolve) => {
      timer = setTimeout(() => resolve(null), timeoutMs);
    });
    const results = await Promise.race([reported, expired]);
    const durationMs = Date.now() - started;
    if (results === null) {
      return { status: 'TIMEOUT', message: `no results within ${timeoutMs} ms`, subtests: [], timedOut: true, durationMs, errors };
    }
    return {
      status: results.status.status,
      message: results.status.message,
      subtests: results.tests,
      timedOut: false,
      durationMs,
      errors,
    };
  } catch (error) {
    return { status: 'ERROR', message: `could not load the page: ${error.message}`, subtests: [], timedOut: false, durationMs: Date.now() - started, errors };
  } finally {
    clearTimeout(timer);
    // Closing the window closes its WebSockets and cancels its timers.
    dom?.window.close();
  }
}

/** Every page to run: window scope of each file, each variant. */
async function plannedPages(wptRoot, filters) {
  const pages = [];
  const skipped = [];
  for (const file of await listTestFiles(wptRoot)) {
    if (filters.length > 0 && !filters.some((filter) => file.includes(filter))) continue;
    const meta = parseMeta(await readFile(path.join(wptRoot, file), 'utf8'));
    if (!meta.globals.includes(SCOPE)) {
      skipped.push({ file, why: 'runs only in workers, which jsdom lacks' });
      continue;
    }
    for (const page of testPages(file, meta).filter(({ scope }) => scope === SCOPE)) {
      pages.push({ file, variant: page.variant, path: page.path, timeoutMs: HARNESS_TIMEOUT_MS[meta.timeout] + PAGE_GRACE_MS });
    }
  }
  return { pages, skipped };
}

/** Runs `work` over `items` with at most `jobs` at once, keeping the items' order in the results. */
async function inPool(items, jobs, work) {
  const results = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index], index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(jobs, items.length) }, worker));
  return results;
}

/** Compares one page's outcome with the expectations. → list of unexpected results. */
function judge(page, outcome, entries, usedEntries) {
  const where = { file: page.file, scope: SCOPE, variant: page.variant, mode: MODE };
  const unexpected = [];
  const fileEntry = findExpectation(entries, { ...where, test: undefined });
  if (fileEntry) usedEntries.add(fileEntry);
  const expectedFileStatus = fileEntry?.expected ?? 'OK';
  if (!isExpectedStatus(outcome.status, expectedFileStatus)) {
    unexpected.push({ test: null, status: outcome.status, expected: expectedFileStatus, message: outcome.message });
  }
  for (const subtest of outcome.subtests) {
    const entry = findExpectation(entries, { ...where, test: subtest.name });
    if (entry) usedEntries.add(entry);
    const expected = entry?.expected ?? 'PASS';
    subtest.expected = expected;
    if (!isExpectedStatus(subtest.status, expected)) {
      unexpected.push({ test: subtest.name, status: subtest.status, expected, message: subtest.message });
    }
  }
  return unexpected;
}

function describePage(page) {
  return `${page.file} [${SCOPE}, ${page.variant}]`;
}

async function main() {
  const options = parseOptions();
  if (options.help) {
    console.log('Usage: node conformance/node-run.mjs [--polyfill FILE] [--wpt-root DIR] [--filter TEXT]... [--expectations FILE] [--jobs N] [--json FILE] [--verbose]');
    return 0;
  }
  if (!existsSync(options.polyfill)) {
    console.error(`wpt-node: ${options.polyfill} does not exist; build the polyfill first (npm run build).`);
    return 2;
  }
  const expectationsFile = path.resolve(options.expectations);
  const { entries } = await loadExpectations(path.dirname(expectationsFile), path.basename(expectationsFile, '.json'));
  const webStreamsSource = await readFile(WEB_STREAMS_POLYFILL, 'utf8');
  const { pages, skipped } = await plannedPages(options['wpt-root'], options.filter);
  if (pages.length === 0) {
    console.error('wpt-node: no test pages matched.');
    return 2;
  }

  const started = Date.now();
  // The server runs in its own process: jsdom keeps this one busy, and the
  // endpoints' timers and measurements (backpressure) must not depend on that.
  const server = await startServerProcess({ wptRoot: options['wpt-root'], polyfillFile: options.polyfill });
  const usedEntries = new Set();
  let outcomes;
  try {
    outcomes = await inPool(pages, options.jobs, async (page) => {
      const outcome = await runPage(`${server.httpOrigin}${POLYFILL_PREFIX}${page.path}`, page.timeoutMs, webStreamsSource);
      const unexpected = judge(page, outcome, entries, usedEntries);
      const asExpected = outcome.subtests.length - unexpected.filter(({ test }) => test !== null).length;
      const mark = unexpected.length === 0 ? 'ok  ' : 'FAIL';
      console.log(`${mark} ${describePage(page)} ${asExpected}/${outcome.subtests.length} as expected (${(outcome.durationMs / 1000).toFixed(1)} s)`);
      for (const { test, status, expected, message } of unexpected) {
        console.log(`       ${test === null ? '(file)' : test}: ${status}, expected ${expected}${message ? ` — ${message.split('\n')[0]}` : ''}`);
      }
      if (options.verbose || unexpected.some(({ test }) => test === null)) {
        for (const error of outcome.errors) console.log(`       jsdom: ${error.split('\n').slice(0, 3).join(' | ')}`);
      }
      return { page, outcome, unexpected };
    });
  } finally {
    await server.close();
  }

  const unusedEntries = entries.filter((entry) => !usedEntries.has(entry) && pages.some((page) => page.file === entry.file));
  for (const entry of unusedEntries) {
    console.log(`note: expectation not used (stale?): ${entry.file} ${entry.test ?? '(file)'} [${entry.scope}, ${entry.variant}, ${entry.mode}]`);
  }
  for (const { file, why } of skipped) console.log(`skip ${file}: ${why}`);

  const subtests = outcomes.flatMap(({ outcome }) => outcome.subtests);
  const failed = outcomes.reduce((sum, { unexpected }) => sum + unexpected.length, 0);
  const passed = subtests.length - outcomes.reduce((sum, { unexpected }) => sum + unexpected.filter(({ test }) => test !== null).length, 0);
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (options.json) {
    await writeFile(options.json, `${JSON.stringify({
      engine: 'jsdom', scope: SCOPE, mode: MODE, seconds: Number(seconds),
      results: outcomes.map(({ page, outcome, unexpected }) => ({ file: page.file, variant: page.variant, ...outcome, unexpected })),
    }, null, 2)}\n`);
  }
  console.log(`wpt-node: ${pages.length} pages, ${subtests.length} subtests in ${seconds} s (window scope only: jsdom has no workers)`);
  console.log(`wpt-node: ${passed} passed, ${failed} failed${skipped.length > 0 ? `, ${skipped.length} skipped` : ''}`);
  return failed === 0 ? 0 : 1;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    console.error(error instanceof UsageError ? `wpt-node: ${error.message}` : error);
    process.exitCode = 2;
  },
);
