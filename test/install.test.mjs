// Installing: the ponyfill entries touch no global; install() defines WebSocketStream and
// WebSocketError only where absent, as interface objects are defined (writable, configurable, not
// enumerable); the side-effect entry and the classic-script builds install and can be loaded twice.
//
// This file changes globals on purpose: node:test runs it in a process of its own, and the tests
// run in order, each putting back what it found.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';
import { ensureBuild } from '../scripts/bootstrap.mjs';

ensureBuild();

const dist = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'dist');
const NAMES = ['WebSocketStream', 'WebSocketError'];
// The one property a copy of the polyfill adds to the global object: the realm's record (realm.ts).
const REALM_KEY = Symbol.for('websocketstream-polyfill.realm.v1');
// The global object as what these tests do with it: read, define and delete any name.
const globals = /** @type {Record<PropertyKey, unknown>} */ (/** @type {unknown} */ (globalThis));

/** @typedef {typeof import('websocketstream-polyfill')} PolyfillEntry */
/** @typedef {Map<PropertyKey, { value: unknown, enumerable: boolean|undefined }>} GlobalSnapshot */

// Values rather than descriptors: Node defines some globals (DOMException, ReadableStream, ...) as
// getters that turn into plain values when first read, which is no change made by the polyfill.
function globalSnapshot() {
  /** @type {GlobalSnapshot} */
  const snapshot = new Map();
  for (const key of Reflect.ownKeys(globalThis)) {
    const descriptor = Object.getOwnPropertyDescriptor(globalThis, key);
    snapshot.set(key, { value: globals[key], enumerable: descriptor?.enumerable });
  }
  return snapshot;
}

/**
 * @param {GlobalSnapshot} before
 * @param {GlobalSnapshot} after
 * @param {string} what
 */
function assertSameGlobals(before, after, what) {
  const added = [...after.keys()].filter((key) => !before.has(key) && key !== REALM_KEY).map(String);
  const removed = [...before.keys()].filter((key) => !after.has(key)).map(String);
  const changed = [...before.keys()].filter((key) => {
    const [a, b] = [before.get(key), after.get(key)];
    return a !== undefined && b !== undefined && (!Object.is(a.value, b.value) || a.enumerable !== b.enumerable);
  }).map(String);
  assert.deepEqual({ added, removed, changed }, { added: [], removed: [], changed: [] }, what);
}

function removeGlobals() {
  for (const name of [...NAMES, 'WebSocketStreamPolyfill']) delete globals[name];
}

/**
 * @param {string} name
 * @param {unknown} value  what must be installed under `name`
 */
function assertInstalledLikeAnInterface(name, value) {
  const descriptor = Object.getOwnPropertyDescriptor(globalThis, name);
  assert.ok(descriptor, `${name} is defined on globalThis`);
  assert.deepEqual(descriptor, { value, writable: true, enumerable: false, configurable: true }, `${name}'s descriptor`);
}

test('importing the ponyfill entries (dist/index.js, dist/node.js) defines no global but the realm record', async () => {
  // The first snapshot reads every lazy global, which may itself define more (undici's dispatcher symbol).
  globalSnapshot();
  const before = globalSnapshot();
  const ponyfill = await import('../dist/index.js');
  const node = await import('../dist/node.js');
  assertSameGlobals(before, globalSnapshot(), 'globals after importing the ponyfills');
  for (const module of [ponyfill, node]) {
    assert.equal(typeof module.WebSocketStream, 'function');
    assert.equal(typeof module.WebSocketError, 'function');
    assert.equal(typeof module.install, 'function');
  }
  for (const name of NAMES) assert.equal(name in globalThis, false, `${name} stays absent`);
  assert.equal(Object.getOwnPropertyDescriptor(globalThis, REALM_KEY)?.enumerable, false, 'the realm record is not enumerable');
});

test('install() defines both where absent, like interface objects, and returns their names', async () => {
  const { install, WebSocketStream, WebSocketError } = await import('../dist/index.js');
  removeGlobals();
  try {
    assert.deepEqual(install(), ['WebSocketStream', 'WebSocketError']);
    assertInstalledLikeAnInterface('WebSocketStream', WebSocketStream);
    assertInstalledLikeAnInterface('WebSocketError', WebSocketError);
    assert.equal(Object.keys(globalThis).includes('WebSocketStream'), false, 'not enumerable');
  } finally {
    removeGlobals();
  }
});

test('install() again, or where both names exist, replaces nothing and returns only what it defined', async () => {
  const { install, WebSocketStream } = await import('../dist/index.js');
  removeGlobals();
  try {
    install();
    assert.deepEqual(install(), [], 'a second install() defines nothing');
    assert.equal(globalThis.WebSocketStream, WebSocketStream);

    removeGlobals();
    // Stand-ins for a native pair: kept as they are.
    const [NativeStream, NativeError] = [class WebSocketStream {}, class WebSocketError {}];
    Object.assign(globalThis, { WebSocketStream: NativeStream, WebSocketError: NativeError });
    assert.deepEqual(install(), []);
    assert.equal(globalThis.WebSocketStream, NativeStream, 'an existing WebSocketStream is kept');
    assert.equal(globalThis.WebSocketError, NativeError, 'an existing WebSocketError is kept');
  } finally {
    removeGlobals();
  }
});

test('install() where only one of the pair exists installs the polyfill\'s pair, replacing the lone half', async () => {
  const { install, WebSocketStream, WebSocketError } = await import('../dist/index.js');
  for (const [present, absent] of [['WebSocketStream', 'WebSocketError'], ['WebSocketError', 'WebSocketStream']]) {
    removeGlobals();
    try {
      globals[present] = class {};
      assert.deepEqual(install(), ['WebSocketStream', 'WebSocketError'], `with only ${present} present`);
      assertInstalledLikeAnInterface('WebSocketStream', WebSocketStream);
      assertInstalledLikeAnInterface('WebSocketError', WebSocketError);
      assert.equal(absent in globalThis, true);
    } finally {
      removeGlobals();
    }
  }
});

test('install({ replaceNonconforming: true }) replaces a pair that fails the feature test, and keeps one that passes', async () => {
  const { install, WebSocketStream, WebSocketError } = await import('../dist/index.js');
  removeGlobals();
  try {
    // A pair that departs as native Chromium does: InvalidAccessError for a close code of 65536.
    class DepartingError extends Error {
      /**
       * @param {string} [message]
       * @param {{ closeCode?: number }} [init]
       */
      constructor(message, init) {
        super(message);
        if ((init?.closeCode ?? 0) > 65535) throw new DOMException('out of range', 'InvalidAccessError');
      }
    }
    Object.assign(globalThis, { WebSocketStream, WebSocketError: DepartingError });
    assert.deepEqual(install(), [], 'without the option a complete pair is kept');
    assert.deepEqual(install({ replaceNonconforming: true }), ['WebSocketError']);
    assert.equal(globalThis.WebSocketError, WebSocketError);
    // The polyfill's own pair passes: nothing to replace.
    assert.deepEqual(install({ replaceNonconforming: true }), []);
  } finally {
    removeGlobals();
  }
});

test('install({ force: true }) replaces existing ones', async () => {
  const { install, WebSocketStream, WebSocketError } = await import('../dist/index.js');
  removeGlobals();
  try {
    globals.WebSocketStream = class {};
    globals.WebSocketError = class {};
    assert.deepEqual(install({ force: true }), ['WebSocketStream', 'WebSocketError']);
    assertInstalledLikeAnInterface('WebSocketStream', WebSocketStream);
    assertInstalledLikeAnInterface('WebSocketError', WebSocketError);
  } finally {
    removeGlobals();
  }
});

test('dist/polyfill.js installs on import; a second copy of the module hands out the same classes', async () => {
  removeGlobals();
  try {
    const first = await import('../dist/polyfill.js');
    assertInstalledLikeAnInterface('WebSocketStream', first.WebSocketStream);
    assertInstalledLikeAnInterface('WebSocketError', first.WebSocketError);
    // A query string makes a second, separate instance of the module: a page that loads the polyfill twice.
    const secondCopy = '../dist/polyfill.js?loaded-again';
    const second = /** @type {typeof first} */ (await import(secondCopy));
    assert.equal(second.WebSocketStream, first.WebSocketStream, 'the realm\'s WebSocketStream');
    assert.equal(second.WebSocketError, first.WebSocketError, 'the realm\'s WebSocketError');
    assert.equal(globalThis.WebSocketStream, first.WebSocketStream, 'the first one stays installed');
  } finally {
    removeGlobals();
  }
});

for (const file of ['websocketstream-polyfill.js', 'websocketstream-polyfill.min.js', 'websocketstream-polyfill.legacy.min.js']) {
  test(`the classic script ${file} installs where absent, exposes WebSocketStreamPolyfill, and can run twice`, () => {
    const source = readFileSync(path.join(dist, file), 'utf8');
    removeGlobals();
    try {
      vm.runInThisContext(source, { filename: file });
      const exposed = /** @type {Pick<PolyfillEntry, 'WebSocketStream' | 'WebSocketError' | 'install'> | undefined} */ (globals.WebSocketStreamPolyfill);
      assert.ok(exposed, 'WebSocketStreamPolyfill is defined');
      assert.deepEqual(Object.keys(exposed).sort(), ['WebSocketError', 'WebSocketStream', 'install']);
      assert.equal(Object.getOwnPropertyDescriptor(globalThis, 'WebSocketStreamPolyfill')?.enumerable, false, 'not enumerable');
      assertInstalledLikeAnInterface('WebSocketStream', exposed.WebSocketStream);
      assertInstalledLikeAnInterface('WebSocketError', exposed.WebSocketError);
      assert.equal(exposed.WebSocketStream.name, 'WebSocketStream', 'the name survives minification');
      // The classic script sits on the global WebSocket (Node 20: --experimental-websocket).
      if (typeof globalThis.WebSocket === 'function') {
        assert.equal(new exposed.WebSocketStream('http://127.0.0.1:1/', { signal: AbortSignal.abort() }).url, 'ws://127.0.0.1:1/');
      }
      assert.equal(new exposed.WebSocketError('m', { closeCode: 4000 }).closeCode, 4000);

      vm.runInThisContext(source, { filename: `${file} (again)` });
      assert.equal(globalThis.WebSocketStream, exposed.WebSocketStream, 'running it again keeps the installed one');
      assert.equal(globalThis.WebSocketError, exposed.WebSocketError, 'running it again keeps the installed one');
    } finally {
      removeGlobals();
    }
  });
}
