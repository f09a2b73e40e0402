// Replacing built-ins after the polyfill loaded (Promise, ReadableStream, WritableStream, URL,
// DOMException, EventTarget's listeners, AbortSignal's getter) changes nothing about how it
// behaves: it keeps the originals it found when it loaded. Each run is a child process
// (support/fixtures/patched-globals.mjs), so the damage stays there.
//
// Some built-ins cannot be patched here because Node.js itself, not the polyfill, uses them after
// load — patching them breaks Node before the polyfill is reached (each was checked on its own):
//   - Promise.prototype.then: Node's WritableStream resolves a promise with the sink's promise, which
//     looks up `then` (a plain WritableStream whose sink returns a promise shows it);
//   - ArrayBuffer.prototype.byteLength: Node's crypto.randomBytes, which makes the handshake key;
//   - for Node's global WebSocket (undici) also Promise, ReadableStream, URL, DOMException and
//     addEventListener, which undici uses while connecting. A browser's WebSocket is native code
//     and uses none of them; the browser smoke test covers that side.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import net from 'node:net';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { startServer } from '../conformance/server/index.mjs';
import { ensureBuild } from '../scripts/bootstrap.mjs';

ensureBuild();
const run = promisify(execFile);
const fixture = fileURLToPath(new URL('./support/fixtures/patched-globals.mjs', import.meta.url));

/** @type {Awaited<ReturnType<typeof startServer>>} */
let server;
/** A port nothing listens on: bound a moment ago, then released. @type {number} */
let refusedPort;
before(async () => {
  server = await startServer();
  refusedPort = await new Promise((resolve) => {
    const probe = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = /** @type {import('node:net').AddressInfo} */ (probe.address());
      probe.close(() => resolve(port));
    });
  });
});
after(() => server?.close());

/** @type {Record<string, string[]>} */
const PATCHES_FOR = {
  '../dist/node.js': [
    'Promise', 'ReadableStream', 'WritableStream', 'URL', 'DOMException',
    'EventTarget.prototype.addEventListener', 'EventTarget.prototype.removeEventListener', 'AbortSignal.prototype.aborted',
  ],
  '../dist/index.js': ['WritableStream', 'EventTarget.prototype.removeEventListener', 'AbortSignal.prototype.aborted'],
};

for (const [entry, label] of [['../dist/node.js', 'the ws package'], ['../dist/index.js', "Node's global WebSocket"]]) {
  test(`${entry.slice(3)} over ${label} still works after the page patched ${PATCHES_FOR[entry].join(', ')}`, async () => {
    const args = [
      '--experimental-websocket', fixture, new URL(entry, import.meta.url).href,
      `ws://127.0.0.1:${server.ports.ws}/echo`, `ws://127.0.0.1:${refusedPort}/`, PATCHES_FOR[entry].join(','),
    ];
    const { stdout } = await run(process.execPath, args, { timeout: 20_000 });
    /** @type {{ ok: boolean, error?: string, result: import('./support/fixtures/patched-globals.mjs').Observed }} */
    const output = JSON.parse(stdout.trim().split('\n').at(-1) ?? '');
    assert.equal(output.ok, true, output.error);
    const { result } = output;
    assert.equal(result.url, `ws://127.0.0.1:${server.ports.ws}/echo`);
    assert.equal(result.text, 'text after patching');
    assert.deepEqual(result.binary, { isUint8Array: true, bytes: [7, 8, 9] });
    assert.equal(result.badCloseCode?.isDOMException, true, 'close(999) still throws a real DOMException');
    assert.equal(result.badCloseCode?.name, 'InvalidAccessError');
    assert.deepEqual(result.closed, { closeCode: 4000, reason: 'patched' });
    assert.equal(result.refused?.isWebSocketError, true, 'a refused connection still rejects with a WebSocketError');
    assert.equal(result.refused?.isDOMException, true);
    assert.equal(result.refused?.closeCode, 1006);
    assert.equal(result.abortReason, 'gone', 'an aborted signal is still honoured');
  });
}
