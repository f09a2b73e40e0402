'use strict';
// Shared helpers for the WebSocketStream tests. A classic script: it is loaded with
// `// META: script=resources/helpers.js` after ../constants.sub.js, in windows and in workers.
//
// Two rules the helpers enforce for every test:
// - Every wait is bounded (`within`), so a promise that never settles fails its own subtest
//   instead of timing out the whole file.
// - Promises a test may not look at (opened/closed of a stream it only closes) get a rejection
//   handler, because testharness.js turns an unhandled rejection into a harness error.

// How long one awaited step may take before its subtest fails. Generous: the slowest legitimate
// step in these files is a 2 s server delay.
const STEP_TIMEOUT_MS = 6000;

const ONE_MIB = 1024 * 1024;

function wsUrl(path) {
  return `${SCHEME_DOMAIN_PORT}${path}`;
}

// The same server, addressed with http: or https: instead of ws: or wss:.
function httpSchemeUrl(path) {
  return wsUrl(path).replace(/^ws/, 'http');
}

class StepTimeout extends Error {
  constructor(what, ms) {
    super(`${what}: still pending after ${ms} ms`);
    this.name = 'StepTimeout';
  }
}

// Resolves or rejects like `promise`, but rejects with a StepTimeout when it takes longer than ms.
function within(t, promise, what, ms = STEP_TIMEOUT_MS) {
  return new Promise((resolve, reject) => {
    const timer = t.step_timeout(() => reject(new StepTimeout(what, ms)), ms);
    Promise.resolve(promise).then(
      (value) => { clearTimeout(timer); resolve(value); },
      (error) => { clearTimeout(timer); reject(error); });
  });
}

// The rejection reason of `promise`; fails the subtest when it fulfils or stays pending.
async function rejectionOf(t, promise, what, ms = STEP_TIMEOUT_MS) {
  let value;
  try {
    value = await within(t, promise, what, ms);
  } catch (error) {
    if (error instanceof StepTimeout) throw error;
    return error;
  }
  assert_unreached(`${what} should reject, but fulfilled with ${describe(value)}`);
}

// True when `promise` is still pending after ms milliseconds. Only used where the standard's
// behaviour is itself about time (a promise that must wait for the network or the server).
function stillPendingAfter(t, promise, ms) {
  return new Promise((resolve) => {
    let settled = false;
    Promise.resolve(promise).then(() => { settled = true; }, () => { settled = true; });
    t.step_timeout(() => resolve(!settled), ms);
  });
}

// Resolves after ms milliseconds. Used only where time itself is what a test is about (not
// reading for a while to let backpressure build up), never to wait for an event.
function delay(t, ms) {
  return new Promise((resolve) => t.step_timeout(resolve, ms));
}

// A short description of a value for a failure message.
function describe(value) {
  if (typeof value === 'string') return JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}...` : value);
  if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer) {
    return `${Object.prototype.toString.call(value)} of ${value.byteLength} bytes`;
  }
  try {
    return `${Object.prototype.toString.call(value)} ${JSON.stringify(value)}`;
  } catch {
    return Object.prototype.toString.call(value);
  }
}

function ignoreRejection(promise) {
  promise.then(() => {}, () => {});
}

// A WebSocketStream whose opened/closed rejections are handled, closed when the subtest ends.
// Pass `{ closeOnCleanup: false }` where calling close() is itself part of what is tested (or
// would be unsafe, e.g. after aborting the signal during the handshake).
function createStream(t, url, options, { closeOnCleanup = true } = {}) {
  const wss = options === undefined ? new WebSocketStream(url) : new WebSocketStream(url, options);
  ignoreRejection(wss.opened);
  ignoreRejection(wss.closed);
  if (closeOnCleanup) t.add_cleanup(() => wss.close());
  return wss;
}

// Connects to a server path and waits for the handshake.
// Returns { wss, readable, writable, extensions, protocol }.
async function openStream(t, path, options) {
  const wss = createStream(t, wsUrl(path), options);
  const info = await within(t, wss.opened, `opened for ${path}`);
  return { wss, ...info };
}

// Like openStream, with a reader and a writer already taken.
async function openReaderWriter(t, path, options) {
  const opened = await openStream(t, path, options);
  return { ...opened, reader: opened.readable.getReader(), writer: opened.writable.getWriter() };
}

// The next message; fails the subtest when the readable ends instead.
async function readMessage(t, reader, what = 'read()', ms = STEP_TIMEOUT_MS) {
  const { value, done } = await within(t, reader.read(), what, ms);
  assert_false(done, `${what} should give a message, not done`);
  return value;
}

async function assertReadDone(t, reader, what = 'read() after the close') {
  const { value, done } = await within(t, reader.read(), what);
  assert_true(done, `${what} should give done: true`);
  assert_equals(value, undefined, `${what} value`);
}

// Sends `chunk` through the writer and returns the server's echo of it.
async function echo(t, { reader, writer }, chunk) {
  await within(t, writer.write(chunk), 'write()');
  return readMessage(t, reader, 'read() of the echo');
}

// Waits for `closed` to fulfil and checks it is exactly { closeCode, reason }.
async function assertClosedCleanly(t, wss, closeCode, reason, what = 'closed') {
  const info = await within(t, wss.closed, what);
  assert_equals(Object.getPrototypeOf(info), Object.prototype, `${what} gives a plain object`);
  assert_array_equals(Object.keys(info), ['closeCode', 'reason'], `${what} keys`);
  assert_equals(info.closeCode, closeCode, `${what} closeCode`);
  assert_equals(info.reason, reason, `${what} reason`);
}

function assertWebSocketError(error, closeCode, reason, what = 'error') {
  if (!(error instanceof WebSocketError)) {
    assert_unreached(`${what} should be a WebSocketError, got ${describe(error)} (${error && error.name}: ${error && error.message})`);
  }
  assert_equals(error.name, 'WebSocketError', `${what} name`);
  if (closeCode !== undefined) assert_equals(error.closeCode, closeCode, `${what} closeCode`);
  if (reason !== undefined) assert_equals(error.reason, reason, `${what} reason`);
}

// Waits for `promise` to reject with a WebSocketError and returns that error.
async function assertRejectsWithWebSocketError(t, promise, closeCode, reason, what) {
  const error = await rejectionOf(t, promise, what);
  assertWebSocketError(error, closeCode, reason, what);
  return error;
}

// A Uint8Array over the bytes of an ArrayBuffer or any ArrayBufferView.
function bytesOf(chunk) {
  if (chunk instanceof ArrayBuffer) return new Uint8Array(chunk);
  if (ArrayBuffer.isView(chunk)) return new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  assert_unreached(`expected binary data, got ${describe(chunk)}`);
}

// Binary data as a read chunk must be; checks the contents without hiding the type (read.any.js
// has separate subtests that check the type is exactly Uint8Array).
function assertBinaryContents(chunk, expectedBytes, what = 'binary message') {
  if (!(chunk instanceof Uint8Array || chunk instanceof ArrayBuffer)) {
    assert_unreached(`${what} should be binary, got ${describe(chunk)}`);
  }
  const actual = bytesOf(chunk);
  assert_equals(actual.byteLength, expectedBytes.length, `${what} byte length`);
  // One comparison loop instead of an assertion per byte: messages can be megabytes.
  for (let i = 0; i < actual.byteLength; ++i) {
    if (actual[i] !== expectedBytes[i]) {
      assert_equals(actual[i], expectedBytes[i], `${what} byte ${i}`);
    }
  }
}

function assertExactlyUint8Array(chunk, what = 'binary message') {
  assert_equals(Object.prototype.toString.call(chunk), '[object Uint8Array]', `${what} type`);
  assert_equals(Object.getPrototypeOf(chunk), Uint8Array.prototype, `${what} prototype`);
}

// Bytes 0, 1, ..., 255, 0, 1, ... so a shifted or truncated copy is detected.
function patternBytes(length, start = 0) {
  const bytes = new Uint8Array(length);
  for (let i = 0; i < length; ++i) bytes[i] = (start + i) & 0xff;
  return bytes;
}

function utf8Length(string) {
  return new TextEncoder().encode(string).length;
}

// A key for the server's stash, unique to one subtest.
function uniqueKey() {
  return `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
}

// Takes a value from the HTTP server's stash; null when nothing was stored under key.
async function stashTake(t, key) {
  const response = await within(t, fetch(`/fetch/api/resources/stash-take.py?key=${encodeURIComponent(key)}`), 'stash-take');
  assert_true(response.ok, `stash-take status ${response.status}`);
  return response.json();
}
