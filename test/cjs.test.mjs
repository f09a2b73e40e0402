// The CommonJS entries, through require() and through the package's own name (its "exports" map):
// same exports, no globals touched by the ponyfills, a real echo through the `ws`-backed one, and the
// side-effect entry installing.
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { after, before, test } from 'node:test';
import { startServer } from '../conformance/server/index.mjs';
import { ensureBuild } from '../scripts/bootstrap.mjs';
import { within } from './support/waiting.mjs';

ensureBuild();
const require = createRequire(import.meta.url);

/** @type {Awaited<ReturnType<typeof startServer>>} */
let server;
before(async () => {
  server = await startServer();
});
after(() => server?.close());

test('require() of the package name and of ./node gives dist/cjs/index.js and dist/cjs/node.js', () => {
  assert.equal(require.resolve('websocketstream-polyfill'), require.resolve('../dist/cjs/index.js'));
  assert.equal(require.resolve('websocketstream-polyfill/node'), require.resolve('../dist/cjs/node.js'));
  assert.equal(require.resolve('websocketstream-polyfill/polyfill'), require.resolve('../dist/cjs/polyfill.js'));
});

test('the CommonJS ponyfills export the same names as the ES modules, and define no global name', async () => {
  // Reading every global first lets Node define what its lazy globals define when first read
  // (undici's dispatcher symbol, behind WebSocket and fetch): that is not the polyfill's doing.
  const globals = /** @type {Record<string|symbol, unknown>} */ (globalThis);
  for (const key of Reflect.ownKeys(globalThis)) void globals[key];
  const before = new Set(Reflect.ownKeys(globalThis));
  const index = require('websocketstream-polyfill');
  const node = require('websocketstream-polyfill/node');
  // The realm record (a non-enumerable symbol, realm.ts) is all a ponyfill adds.
  const realmKey = Symbol.for('websocketstream-polyfill.realm.v1');
  assert.deepEqual(Reflect.ownKeys(globalThis).filter((key) => !before.has(key) && key !== realmKey), [], 'no global added');
  assert.equal('WebSocketStream' in globalThis, false);
  const esmIndex = await import('../dist/index.js');
  const esmNode = await import('../dist/node.js');
  assert.deepEqual(Object.keys(index).sort(), Object.keys(esmIndex).sort(), 'dist/cjs/index.js exports');
  assert.deepEqual(Object.keys(node).sort(), Object.keys(esmNode).sort(), 'dist/cjs/node.js exports');
  assert.equal(node.socketImplementation, 'ws');
  assert.equal(node.WebSocketStream.name, 'WebSocketStream');
  assert.equal(node.RECEIVE_HIGH_WATER_MARK, esmNode.RECEIVE_HIGH_WATER_MARK);
  assert.equal(node.SEND_HIGH_WATER_MARK, esmNode.SEND_HIGH_WATER_MARK);
});

test('the CommonJS ws-backed WebSocketStream echoes text and binary and closes cleanly', async () => {
  const { WebSocketStream } = require('websocketstream-polyfill/node');
  const stream = new WebSocketStream(`ws://127.0.0.1:${server.ports.ws}/echo`);
  const { readable, writable } = await within(stream.opened, 'opened');
  const reader = readable.getReader();
  const writer = writable.getWriter();
  await within(writer.write('hello from CommonJS'), 'write text');
  await within(writer.write(new Uint8Array([1, 2, 3])), 'write binary');
  assert.deepEqual(await within(reader.read(), 'read text'), { value: 'hello from CommonJS', done: false });
  const { value } = await within(reader.read(), 'read binary');
  assert.equal(Object.getPrototypeOf(value), Uint8Array.prototype);
  assert.deepEqual([.../** @type {Uint8Array} */ (value)], [1, 2, 3]); // a Uint8Array, as asserted above
  stream.close({ closeCode: 4000, reason: 'cjs' });
  assert.deepEqual(await within(stream.closed, 'closed'), { closeCode: 4000, reason: 'cjs' });
});

test('require() of the side-effect entry installs both where absent', () => {
  try {
    const polyfill = require('websocketstream-polyfill/polyfill');
    assert.equal(globalThis.WebSocketStream, polyfill.WebSocketStream);
    assert.equal(globalThis.WebSocketError, polyfill.WebSocketError);
    assert.equal(Object.getOwnPropertyDescriptor(globalThis, 'WebSocketStream')?.enumerable, false);
  } finally {
    // Declared as always there (polyfill/global.ts); here they are removed again.
    const installed = /** @type {{ WebSocketStream?: unknown, WebSocketError?: unknown }} */ (globalThis);
    delete installed.WebSocketStream;
    delete installed.WebSocketError;
  }
});
