// @ts-check
// The inside of the jsdom driver (jsdom.mjs): runs in a worker thread, opens
// one test page at a time in jsdom and posts back what the page's report hook
// stored. The driver's thread bounds every page; a page that spins forever is
// stopped by terminating this thread, which is why jsdom is not run in the
// harness's own thread (it could not be stopped there, and it would hold up
// the test server's timers and measurements besides).
//
// Why pages come from our server and not wpt-runner's: its server throws —
// killing the process — on any URL it does not know (a WebSocket handshake to
// the page's own origin, as constructor.any.js makes, is one), serves `.sub.`
// files unsubstituted, opens no variant, is not the origin of the stash and
// endpoints, and hard-codes jsdom's strict TLS. So the pages are the very ones
// the browsers open, and jsdom and testharness.js come from wpt-runner.
//
// jsdom 21 lacks platform pieces every browser has and that the polyfill does
// not provide; those the polyfill and the tests use are added to each window
// before any script runs, so that a failure is about the polyfill, not jsdom:
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
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { TextDecoder as NodeTextDecoder, TextEncoder as NodeTextEncoder } from 'node:util';
import { parentPort } from 'node:worker_threads';

/** @typedef {{ type: 'run', id: number, url: string } | { type: 'evaluate', id: number, url: string, expression: string }} Request */

const port = /** @type {import('node:worker_threads').MessagePort} */ (parentPort);

/** jsdom is the one wpt-runner depends on and tests with. */
async function loadJsdom() {
  const requireFromHere = createRequire(import.meta.url);
  const fromWptRunner = createRequire(requireFromHere.resolve('wpt-runner/package.json'));
  const jsdom = fromWptRunner('jsdom');
  const version = fromWptRunner('jsdom/package.json').version;
  const webStreamsSource = await readFile(requireFromHere.resolve('web-streams-polyfill/polyfill'), 'utf8');
  return { jsdom, version, webStreamsSource };
}

/**
 * Adds to a fresh jsdom window what the polyfill and the tests need and jsdom 21 lacks.
 * @param {any} window
 * @param {string} webStreamsSource
 */
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
  window.TextDecoder = class TextDecoder {
    #decoder;

    /** @param {string} [label] @param {object} [options] */
    constructor(label = 'utf-8', options = {}) {
      this.#decoder = new NodeTextDecoder(label, options);
    }

    get encoding() {
      return this.#decoder.encoding;
    }

    /** @param {any} input @param {any} [options] */
    decode(input, options) {
      return this.#decoder.decode(input, options);
    }
  };
  window.structuredClone = (/** @type {any} */ value, /** @type {any} */ options) => structuredClone(value, options);
  window.fetch = (/** @type {any} */ input, /** @type {any} */ init) => fetch(new URL(String(input), window.location.href), init);
}

/**
 * Opens a page with the pieces added and a hook that resolves with the report hook's results.
 * @param {Awaited<ReturnType<typeof loadJsdom>>} loaded
 * @param {string} url
 * @param {string[]} errors  jsdom's own error reports (uncaught exceptions, failed loads) go here
 */
async function openPage({ jsdom, webStreamsSource }, url, errors) {
  const virtualConsole = new jsdom.VirtualConsole();
  virtualConsole.on('jsdomError', (/** @type {any} */ error) => errors.push(String(error.detail?.stack ?? error.stack ?? error)));
  /** @type {(results: unknown) => void} */
  let deliver = () => {};
  const reported = new Promise((resolve) => {
    deliver = resolve;
  });
  const dom = await jsdom.JSDOM.fromURL(url, {
    runScripts: 'dangerously',
    // Like the browser drivers, accept the server's self-signed certificate (this also covers jsdom's wss).
    resources: new jsdom.ResourceLoader({ strictSSL: false }),
    virtualConsole,
    beforeParse(/** @type {any} */ window) {
      addMissingPlatformPieces(window, webStreamsSource);
      // The report hook assigns globalThis.__wptResults once; take it as it is set.
      Object.defineProperty(window, '__wptResults', {
        configurable: true,
        set: (results) => {
          deliver(JSON.parse(JSON.stringify(results)));
        },
      });
    },
  });
  return { dom, reported };
}

/**
 * @param {Awaited<ReturnType<typeof loadJsdom>>} loaded
 * @param {Request} request
 */
async function answer(loaded, request) {
  /** @type {string[]} */
  const errors = [];
  let dom = null;
  try {
    const page = await openPage(loaded, request.url, errors);
    dom = page.dom;
    if (request.type === 'evaluate') return { type: 'value', id: request.id, value: dom.window.eval(request.expression) };
    return { type: 'results', id: request.id, results: await page.reported, errors };
  } catch (error) {
    return { type: 'failed', id: request.id, message: `could not load the page: ${/** @type {Error} */ (error).message}`, errors };
  } finally {
    // Closing the window closes its WebSockets and cancels its timers.
    dom?.window.close();
  }
}

async function main() {
  let loaded;
  try {
    loaded = await loadJsdom();
  } catch (error) {
    port.postMessage({ type: 'unavailable', message: `jsdom cannot be loaded (npm install --save-dev wpt-runner web-streams-polyfill): ${/** @type {Error} */ (error).message}` });
    return;
  }
  const ready = loaded;
  port.on('message', async (/** @type {Request} */ request) => port.postMessage(await answer(ready, request)));
  port.postMessage({ type: 'ready', version: `jsdom ${loaded.version}` });
}

main();
