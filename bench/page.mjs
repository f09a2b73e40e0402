// The bench page: asks the server for jobs one at a time, runs each, and hands the result over
// with the request for the next, until the server says it is done.
import { eventContender, runJob, sessionApi, streamContender, timerResolutionMs } from './workloads.mjs';

/** @typedef {import('./types.mjs').ClientMessage} ClientMessage */
/** @typedef {import('./types.mjs').Job} Job */
/** @typedef {import('./types.mjs').NextJob} NextJob */
/** @typedef {import('./types.mjs').PausedReaderMemory} PausedReaderMemory */
/** @typedef {import('./workloads.mjs').Contender} Contender */
/** @typedef {import('./workloads.mjs').WebSocketStreamClass} WebSocketStreamClass */

/**
 * The globals of the page: the engine's own WebSocketStream, kept by page.html before the
 * polyfill's classic script loads, and the polyfill as that script exposes it.
 * @typedef {{ WebSocketStreamPolyfill?: { WebSocketStream: WebSocketStreamClass }, nativeWebSocketStream?: WebSocketStreamClass }} PageGlobals
 */
const pageGlobals = /** @type {typeof globalThis & PageGlobals} */ (globalThis);

const parameters = new URLSearchParams(location.search);
const { call, mark } = sessionApi('', parameters.get('session'));
const wsOrigin = `ws://${location.host}`;
// page.html has it.
const log = /** @type {HTMLElement} */ (document.getElementById('log'));

/**
 * The polyfill's builds, by the name the URL gives (?build=legacy): the runner asks the same probe
 * as the conformance harness which one an old browser parses. The modern one by default.
 * @type {Record<string, string>}
 */
const POLYFILL_SCRIPTS = { modern: '/dist/websocketstream-polyfill.min.js', legacy: '/dist/websocketstream-polyfill.legacy.min.js' };
const CANDIDATE_SCRIPT = '/candidate/websocketstream-polyfill.min.js';
/** The platform's streams fed straight from a WebSocket: the `streams` contender of every receive, send and echo job. */
const STREAMS_SCRIPT = '/bench/baselines/bare-streams.js';

/**
 * Loads a classic script of the polyfill; → the WebSocketStreamPolyfill it exposed. Each build
 * exposes itself under the same name, so the one there before is put back: the page keeps ours.
 * @param {string} src
 */
async function loadPolyfill(src) {
  const before = pageGlobals.WebSocketStreamPolyfill;
  const script = document.createElement('script');
  script.src = src;
  await new Promise((resolve, reject) => {
    script.onload = resolve;
    script.onerror = () => reject(new Error(`${src} did not load`));
    document.head.append(script);
  });
  const loaded = pageGlobals.WebSocketStreamPolyfill;
  if (before !== undefined) pageGlobals.WebSocketStreamPolyfill = before;
  // A script that does not parse here still fires load, having defined nothing.
  if (loaded === undefined || loaded === before) throw new Error(`${src} did not expose WebSocketStreamPolyfill`);
  return loaded;
}

/**
 * The contenders of this page: the polyfill, the engine's WebSocket and its own WebSocketStream,
 * another build of the polyfill, to measure a change against the current one in the same page, and
 * the platform's streams alone (every cell's measured ceiling). Each script is loaded by loadPolyfill(), which
 * puts the page's WebSocketStreamPolyfill back: none of them sees another's global.
 * @param {string} polyfillScript
 * @returns {Promise<Record<string, Contender>>}
 */
async function setUpContenders(polyfillScript) {
  const ours = await loadPolyfill(polyfillScript);
  /** @type {Record<string, Contender>} */
  const contenders = { polyfill: streamContender(ours.WebSocketStream), raw: eventContender(WebSocket) };
  if (typeof pageGlobals.nativeWebSocketStream === 'function') contenders.native = streamContender(pageGlobals.nativeWebSocketStream);
  if (parameters.has('candidate')) {
    const candidate = await loadPolyfill(CANDIDATE_SCRIPT);
    if (candidate.WebSocketStream === ours.WebSocketStream) throw new Error("the candidate build shares the current build's WebSocketStream");
    contenders.candidate = streamContender(candidate.WebSocketStream);
  }
  const streams = await loadPolyfill(STREAMS_SCRIPT);
  if (streams.WebSocketStream === ours.WebSocketStream) throw new Error("the streams baseline shares the current build's WebSocketStream");
  contenders.streams = streamContender(streams.WebSocketStream);
  return contenders;
}

/**
 * The pause of a paused-reader job: the server samples the browser's memory from its start to its
 * end. Sleeping is the scenario itself here (an application busy elsewhere), not a way to wait.
 * @param {Job} job
 * @param {{ messagesRead: number }} state
 */
async function pause(job, state) {
  await mark(job, 'start', state);
  await new Promise((resolve) => setTimeout(resolve, job.pauseMs));
  return /** @type {PausedReaderMemory} */ (await mark(job, 'end', { jsHeapBytes: jsHeapBytes() }));
}

function jsHeapBytes() {
  // Chromium's alone, hence not in the DOM's types.
  const { memory } = /** @type {Performance & { memory?: { usedJSHeapSize: number } }} */ (performance);
  return memory?.usedJSHeapSize ?? null;
}

async function main() {
  const polyfillScript = POLYFILL_SCRIPTS[parameters.get('build') ?? 'modern'];
  if (polyfillScript === undefined) throw new Error(`no polyfill build "${parameters.get('build')}"`);
  const contenders = await setUpContenders(polyfillScript);
  /** @type {ClientMessage} */
  let message = {
    hello: {
      userAgent: navigator.userAgent,
      polyfillScript,
      contenders: Object.keys(contenders),
      crossOriginIsolated: globalThis.crossOriginIsolated === true,
      timerResolutionMs: timerResolutionMs(),
      hasJsHeapSize: jsHeapBytes() !== null,
    },
  };
  for (;;) {
    const job = /** @type {NextJob} */ (await call('next', message));
    if (job.done) break;
    log.textContent = `${job.id}: ${job.kind} ${job.contender} ${job.size} ${job.type}`;
    message = await runJob(job, contenders, { wsOrigin, mark, pause });
  }
  log.textContent = 'done';
}

main().catch((error) => {
  log.textContent = String(error?.stack ?? error);
  call('next', { fatal: String(error?.stack ?? error) }).catch(() => {});
});
