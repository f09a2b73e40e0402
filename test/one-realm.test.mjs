// One WebSocketStream and one WebSocketError per realm, however the polyfill is loaded: the ES
// module entries, the CommonJS entries, the classic script, and a second copy of a module. Every
// entry hands out the same two classes, `instanceof` holds across them, and a WebSocketError made
// through any entry, passed to abort() or cancel() of a stream made through any other, reaches the
// server with its code and reason.
//
// This file defines globals on purpose (the classic script): node:test runs it in a process of its own.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';
import { ensureBuild } from '../scripts/bootstrap.mjs';
import { startHelperServer } from './support/helper-server.mjs';
import { within } from './support/waiting.mjs';

ensureBuild();

const dist = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'dist');
const require = createRequire(import.meta.url);
const REALM_KEY = Symbol.for('websocketstream-polyfill.realm.v1');

/** @typedef {Pick<typeof import('websocketstream-polyfill'), 'WebSocketStream' | 'WebSocketError'>} Entry  what each entry hands out */

/** @type {Awaited<ReturnType<typeof startHelperServer>>} */
let helper;
before(async () => {
  helper = await startHelperServer();
});
after(() => helper?.close());

/** Every way a program can load the polyfill into this realm, by name. */
async function loadEveryEntry() {
  const secondCopy = '../dist/index.js?a-second-copy';
  /** @type {Record<string, Entry>} */
  const entries = {
    'ESM index': await import('../dist/index.js'),
    'ESM node': await import('../dist/node.js'),
    'ESM polyfill': await import('../dist/polyfill.js'),
    'ESM index, a second copy': /** @type {Entry} */ (await import(secondCopy)),
    'CommonJS index': require('../dist/cjs/index.js'),
    'CommonJS node': require('../dist/cjs/node.js'),
    'CommonJS polyfill': require('../dist/cjs/polyfill.js'),
  };
  vm.runInThisContext(readFileSync(path.join(dist, 'websocketstream-polyfill.js'), 'utf8'), { filename: 'websocketstream-polyfill.js' });
  entries['classic script'] = /** @type {{ WebSocketStreamPolyfill: Entry }} */ (/** @type {unknown} */ (globalThis)).WebSocketStreamPolyfill;
  return entries;
}

test('every entry hands out the same WebSocketStream and WebSocketError, also installed as the globals', async () => {
  const entries = await loadEveryEntry();
  const [first, ...rest] = Object.entries(entries);
  for (const [name, entry] of rest) {
    assert.equal(entry.WebSocketStream, first[1].WebSocketStream, `${name}'s WebSocketStream is ${first[0]}'s`);
    assert.equal(entry.WebSocketError, first[1].WebSocketError, `${name}'s WebSocketError is ${first[0]}'s`);
  }
  assert.equal(globalThis.WebSocketStream, first[1].WebSocketStream, 'the global WebSocketStream');
  assert.equal(globalThis.WebSocketError, first[1].WebSocketError, 'the global WebSocketError');
});

test('the realm keeps its classes under one non-enumerable symbol, and defines no other name', async () => {
  await loadEveryEntry();
  const descriptor = Object.getOwnPropertyDescriptor(globalThis, REALM_KEY);
  assert.ok(descriptor, 'the realm record is on the global object');
  assert.equal(descriptor.enumerable, false, 'not enumerable');
  assert.equal(Object.keys(globalThis).some((key) => key.toLowerCase().includes('websocketstream')), false, 'no enumerable global name');
});

test('a WebSocketError from any entry, given to abort() or cancel() of a stream from any other, sends its code and reason', async () => {
  const entries = Object.entries(await loadEveryEntry());
  let code = 4000;
  for (const [streamEntry, { WebSocketStream }] of entries) {
    for (const [errorEntry, { WebSocketError }] of entries) {
      const how = code % 2 === 0 ? 'abort' : 'cancel';
      const id = `realm-${code}`;
      const stream = new WebSocketStream(helper.url(`/record?id=${id}`));
      const { readable, writable } = await within(stream.opened, 'opened');
      const error = new WebSocketError('from another entry', { closeCode: code, reason: `${errorEntry}` });
      await within(how === 'abort' ? writable.abort(error) : readable.cancel(error), how);
      const record = await within(helper.record(id), 'the server record');
      assert.deepEqual(await within(record.closeSeen, 'the close at the server'), { code, reason: errorEntry },
        `${streamEntry}'s stream, ${how}() with ${errorEntry}'s WebSocketError`);
      code++;
    }
  }
});

test('errors of a stream from one entry are instances of every entry\'s WebSocketError', async () => {
  const entries = Object.entries(await loadEveryEntry());
  const [, { WebSocketStream }] = entries[0];
  const stream = new WebSocketStream('ws://127.0.0.1:1/');
  const error = await stream.closed.then(() => null, (/** @type {unknown} */ reason) => reason);
  for (const [name, { WebSocketError }] of entries) {
    assert.ok(error instanceof WebSocketError, `a failed connection's error is an instance of ${name}'s WebSocketError`);
  }
});
