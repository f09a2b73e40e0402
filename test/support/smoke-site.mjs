// The tiny site the browser smoke test opens: a page and a dedicated worker that each remove any
// native WebSocketStream/WebSocketError, load the built classic script, and offer runSmoke(url) —
// an echo of a text and a binary message and a clean close, reported as plain JSON data.
import { readFile } from 'node:fs/promises';
import http from 'node:http';

/**
 * What runSmoke(url) reports, in the page or the worker.
 * @typedef {object} SmokeResult
 * @property {boolean} installed  the globals are the ones WebSocketStreamPolyfill exposes
 * @property {boolean} nativeAfter  WebSocketStream is native code after the polyfill loaded
 * @property {boolean} enumerable  WebSocketStream is an enumerable global
 * @property {string} text  the text echoed back
 * @property {{ isUint8Array: boolean, bytes: number[]|null }} binary  the binary message echoed back
 * @property {{ closeCode: number, reason: string }} closed
 */
/** @typedef {{ ok: true, nativeBefore: boolean, result: SmokeResult } | { ok: false, error: string }} WorkerSmokeReport */
/**
 * What the page puts on `self` for the test to call.
 * @typedef {object} SmokePage
 * @property {boolean} nativeBefore  a native WebSocketStream was there before the polyfill loaded
 * @property {(url: string) => Promise<SmokeResult>} runSmoke
 * @property {(url: string) => Promise<WorkerSmokeReport>} runSmokeInWorker
 */

// Shared by the page and the worker (served as /smoke.js). Every wait in it is bounded.
const SMOKE_SCRIPT = `
'use strict';
self.runSmoke = async function runSmoke(url) {
  const bounded = (promise, what) => Promise.race([
    promise,
    new Promise((_, reject) => setTimeout(() => reject(new Error(what + ': still pending after 10 s')), 10000)),
  ]);
  const isNative = (value) => typeof value === 'function' && /\\[native code\\]/.test(Function.prototype.toString.call(value));
  const polyfill = self.WebSocketStreamPolyfill;
  const result = {
    installed: polyfill !== undefined && self.WebSocketStream === polyfill.WebSocketStream && self.WebSocketError === polyfill.WebSocketError,
    nativeAfter: isNative(self.WebSocketStream),
    enumerable: Object.keys(self).includes('WebSocketStream'),
  };
  const stream = new WebSocketStream(url);
  const { readable, writable } = await bounded(stream.opened, 'opened');
  const reader = readable.getReader();
  const writer = writable.getWriter();
  await bounded(writer.write('hello from ' + (self.document ? 'a page' : 'a worker')), 'write text');
  await bounded(writer.write(new Uint8Array([1, 2, 3, 255])), 'write binary');
  result.text = (await bounded(reader.read(), 'read text')).value;
  const binary = (await bounded(reader.read(), 'read binary')).value;
  result.binary = {
    isUint8Array: Object.getPrototypeOf(binary) === Uint8Array.prototype,
    bytes: binary instanceof Uint8Array ? Array.from(binary) : null,
  };
  stream.close({ closeCode: 4000, reason: 'smoke' });
  result.closed = await bounded(stream.closed, 'closed');
  return result;
};
`;

// Runs before the polyfill loads: notes whether a native implementation was there, then removes it.
const REMOVE_NATIVE = `
self.nativeBefore = typeof self.WebSocketStream === 'function' && /\\[native code\\]/.test(Function.prototype.toString.call(self.WebSocketStream));
delete self.WebSocketStream;
delete self.WebSocketError;
`;

const PAGE = `<!doctype html>
<meta charset="utf-8">
<title>WebSocketStream polyfill smoke test</title>
<script>${REMOVE_NATIVE}</script>
<script src="/websocketstream-polyfill.js"></script>
<script src="/smoke.js"></script>
<script>
// A dedicated worker that does the same through importScripts; → its report, or an error.
self.runSmokeInWorker = (url) => new Promise((resolve) => {
  const worker = new Worker('/worker.js');
  const timer = setTimeout(() => resolve({ ok: false, error: 'the worker did not answer within 15 s' }), 15000);
  worker.onmessage = (event) => { clearTimeout(timer); worker.terminate(); resolve(event.data); };
  worker.onerror = (event) => { clearTimeout(timer); resolve({ ok: false, error: 'worker error: ' + event.message }); };
  worker.postMessage(url);
});
</script>
`;

const WORKER = `${REMOVE_NATIVE}
importScripts('/websocketstream-polyfill.js', '/smoke.js');
self.onmessage = (event) => {
  runSmoke(event.data).then(
    (result) => postMessage({ ok: true, nativeBefore: self.nativeBefore, result }),
    (error) => postMessage({ ok: false, error: String(error && error.stack || error) }),
  );
};
`;

/**
 * → { origin, close() } serving /, /smoke.js, /worker.js and /websocketstream-polyfill.js (the given file).
 * @param {{ polyfillFile: string, host?: string }} options
 */
export async function startSmokeSite({ polyfillFile, host = '127.0.0.1' }) {
  const polyfill = await readFile(polyfillFile);
  /** @type {Record<string, [contentType: string, body: string | Buffer] | undefined>} by path */
  const files = {
    '/': ['text/html; charset=utf-8', PAGE],
    '/smoke.js': ['text/javascript; charset=utf-8', SMOKE_SCRIPT],
    '/worker.js': ['text/javascript; charset=utf-8', WORKER],
    '/websocketstream-polyfill.js': ['text/javascript; charset=utf-8', polyfill],
  };
  const server = http.createServer((request, response) => {
    const file = files[new URL(request.url ?? '/', 'http://site').pathname];
    if (!file) {
      response.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found\n');
      return;
    }
    response.writeHead(200, { 'Content-Type': file[0], 'Cache-Control': 'no-store' }).end(file[1]);
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => resolve(undefined));
  });
  return {
    origin: `http://${host}:${/** @type {import('node:net').AddressInfo} */ (server.address()).port}`,
    close: () => new Promise((/** @type {(value?: unknown) => void} */ resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
}
