// What every reproduction page of this folder shares: printing the outcome beside what the standard
// says, keeping it in window.reproResult for a driver, POSTing it to /result of the serving origin
// (so a headless browser started with just a page's URL reports too), ?polyfill, and bounded waits.
// A page defines PAGE (its name) and STANDARD (the standard's outcome, in words) before it calls
// run(scenario); its own script holds nothing but the scenario.
'use strict';
// The outcome is printed, kept in window.reproResult for a driver, and POSTed to /result of the
// serving origin, so a headless browser started with just this URL reports too.
const params = new URLSearchParams(location.search);
const usePolyfill = params.has('polyfill');
const out = document.getElementById('out');
const log = (line) => { out.textContent += `${line}\n`; };
function report(phase, fields = {}) {
  const body = JSON.stringify({ page: PAGE, phase, run: params.get('run'), polyfill: usePolyfill,
                                userAgent: navigator.userAgent, ...fields });
  return fetch('/result', { method: 'POST', body, keepalive: true }).catch(() => {});
}
function finish(verdict, observed) {
  window.reproResult = { page: PAGE, verdict, observed };
  log(`\n${verdict}: ${verdict === 'PASS' ? 'behaves as the standard says' : 'departs from the standard'}`);
  log(`the standard: ${STANDARD}`);
  log(`observed: ${JSON.stringify(observed, null, 2)}`);
  document.title = `${verdict} — ${document.title}`;
  return report('done', { verdict, observed });
}
// The state a promise reaches within `ms` (a bound, so a promise that never settles is reported
// as pending instead of hanging the page).
function settleWithin(promise, ms) {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve({ state: 'pending' }), ms);
    promise.then((value) => { clearTimeout(timer); resolve({ state: 'fulfilled', value }); },
                 (reason) => { clearTimeout(timer); resolve({ state: 'rejected', reason }); });
  });
}
function describe(value) {
  if (value instanceof Error || (typeof DOMException === 'function' && value instanceof DOMException)) {
    const fields = [`${value.constructor.name}`, `name=${value.name}`, `message=${JSON.stringify(value.message)}`];
    if ('closeCode' in value) fields.push(`closeCode=${value.closeCode}`, `reason=${JSON.stringify(value.reason)}`);
    return fields.join(' ');
  }
  if (value instanceof ArrayBuffer || ArrayBuffer.isView(value)) return `${value.constructor.name}(${value.byteLength})`;
  try { return JSON.stringify(value); } catch { return String(value); }
}
// ?polyfill: the project's polyfill instead of the browser's own WebSocketStream.
async function setUp(needsWebSocketStream) {
  if (usePolyfill) {
    delete globalThis.WebSocketStream;
    delete globalThis.WebSocketError;
    await new Promise((resolve, reject) => {
      const script = document.createElement('script');
      script.src = '/dist/websocketstream-polyfill.js';
      script.onload = resolve;
      script.onerror = () => reject(new Error('could not load /dist/websocketstream-polyfill.js (run npm run build)'));
      document.head.append(script);
    });
  }
  if (needsWebSocketStream && typeof WebSocketStream !== 'function') throw new Error('this browser has no WebSocketStream: open the page with ?polyfill');
  log(`${!needsWebSocketStream ? '' : usePolyfill ? 'polyfill WebSocketStream, ' : 'native WebSocketStream, '}${navigator.userAgent}`);
}
const wsUrl = (path) => `ws://${location.host}${path}`;
function run(scenario, { needsWebSocketStream = true } = {}) {
  setUp(needsWebSocketStream).then(scenario).catch((error) => {
    log(`ERROR: ${describe(error)}`);
    window.reproResult = { page: PAGE, verdict: 'ERROR', observed: { error: describe(error) } };
    report('done', { verdict: 'ERROR', observed: { error: describe(error) } });
  });
}
