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
 * The globals page.html sets up: the engine's own WebSocketStream, kept before the polyfill's
 * classic script loads, and the polyfill as that script exposes it.
 * @typedef {{ WebSocketStreamPolyfill: { WebSocketStream: WebSocketStreamClass }, nativeWebSocketStream?: WebSocketStreamClass }} PageGlobals
 */
const pageGlobals = /** @type {typeof globalThis & PageGlobals} */ (globalThis);

const parameters = new URLSearchParams(location.search);
const { call, mark } = sessionApi('', parameters.get('session'));
const wsOrigin = `ws://${location.host}`;
// page.html has it.
const log = /** @type {HTMLElement} */ (document.getElementById('log'));

/** @type {Record<string, Contender>} */
const contenders = {
  polyfill: streamContender(pageGlobals.WebSocketStreamPolyfill.WebSocketStream),
  raw: eventContender(WebSocket),
};
if (typeof pageGlobals.nativeWebSocketStream === 'function') contenders.native = streamContender(pageGlobals.nativeWebSocketStream);
if (parameters.has('candidate')) contenders.candidate = streamContender(await loadCandidate());

/** Another build of the polyfill, to measure a change against the current one in the same page. */
async function loadCandidate() {
  const ours = pageGlobals.WebSocketStreamPolyfill;
  const script = document.createElement('script');
  script.src = '/candidate/websocketstream-polyfill.min.js';
  await new Promise((resolve, reject) => {
    script.onload = resolve;
    script.onerror = () => reject(new Error('the candidate build did not load'));
    document.head.append(script);
  });
  const candidate = pageGlobals.WebSocketStreamPolyfill;
  pageGlobals.WebSocketStreamPolyfill = ours;
  if (candidate === ours) throw new Error('the candidate build did not expose WebSocketStreamPolyfill');
  if (candidate.WebSocketStream === ours.WebSocketStream) throw new Error('the candidate build shares the current build\'s WebSocketStream');
  return candidate.WebSocketStream;
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
  /** @type {ClientMessage} */
  let message = {
    hello: {
      userAgent: navigator.userAgent,
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
