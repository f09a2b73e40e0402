// META: global=window,worker
// META: script=../constants.sub.js
// META: script=resources/helpers.js
// META: variant=?default
// META: variant=?wss
// META: timeout=long
'use strict';

// Every write goes to the echo server; what comes back is what was sent on the wire.

promise_test(async (t) => {
  const connection = await openReaderWriter(t, '/echo');
  const result = connection.writer.write('plain text');
  assert_true(result instanceof Promise, 'write() returns a promise');
  assert_equals(await within(t, result, 'write'), undefined, 'write fulfils with undefined');
  assert_equals(await readMessage(t, connection.reader), 'plain text');
}, 'a string is sent as a text message');

for (const [input, expected, label] of [
  ['a\uD800b', 'a\uFFFDb', 'a lone high surrogate'],
  ['a\uDC00b', 'a\uFFFDb', 'a lone low surrogate'],
  ['\uDC00\uD800', '\uFFFD\uFFFD', 'a reversed pair'],
  ['\uD83D\uDE00', '\u{1F600}', 'a valid pair (kept)'],
]) {
  promise_test(async (t) => {
    const connection = await openReaderWriter(t, '/echo');
    assert_equals(await echo(t, connection, input), expected);
  }, `a string goes through USVString conversion: ${label}`);
}

promise_test(async (t) => {
  const connection = await openReaderWriter(t, '/echo');
  const bytes = patternBytes(300);
  const chunk = await echo(t, connection, bytes.buffer);
  assertBinaryContents(chunk, bytes);
}, 'an ArrayBuffer is sent as a binary message');

promise_test(async (t) => {
  const connection = await openReaderWriter(t, '/echo');
  const chunk = await echo(t, connection, new ArrayBuffer(0));
  assertBinaryContents(chunk, []);
}, 'an empty ArrayBuffer is sent as an empty binary message');

// Views of a larger buffer: only the viewed bytes may be sent.
const backing = patternBytes(64);
const views = [
  ['Uint8Array', () => new Uint8Array(backing.buffer.slice(0), 3, 10), 3, 10],
  ['Int8Array', () => new Int8Array(backing.buffer.slice(0), 5, 7), 5, 7],
  ['Uint8ClampedArray', () => new Uint8ClampedArray(backing.buffer.slice(0), 1, 2), 1, 2],
  ['Uint16Array', () => new Uint16Array(backing.buffer.slice(0), 4, 3), 4, 6],
  ['Int16Array', () => new Int16Array(backing.buffer.slice(0), 2, 5), 2, 10],
  ['Uint32Array', () => new Uint32Array(backing.buffer.slice(0), 8, 2), 8, 8],
  ['Int32Array', () => new Int32Array(backing.buffer.slice(0), 12, 1), 12, 4],
  ['Float32Array', () => new Float32Array(backing.buffer.slice(0), 16, 3), 16, 12],
  ['Float64Array', () => new Float64Array(backing.buffer.slice(0), 8, 2), 8, 16],
  ['BigInt64Array', () => new BigInt64Array(backing.buffer.slice(0), 24, 1), 24, 8],
  ['BigUint64Array', () => new BigUint64Array(backing.buffer.slice(0), 32, 2), 32, 16],
  ['DataView', () => new DataView(backing.buffer.slice(0), 7, 11), 7, 11],
  ['DataView (whole buffer)', () => new DataView(backing.buffer.slice(0)), 0, 64],
  ['Uint8Array (empty)', () => new Uint8Array(backing.buffer.slice(0), 9, 0), 9, 0],
];
for (const [label, makeView, offset, length] of views) {
  promise_test(async (t) => {
    const connection = await openReaderWriter(t, '/echo');
    const chunk = await echo(t, connection, makeView());
    assertBinaryContents(chunk, backing.subarray(offset, offset + length));
  }, `${label} is sent as a binary message of exactly its viewed bytes`);
}

promise_test(async (t) => {
  const connection = await openReaderWriter(t, '/echo');
  await within(t, connection.writer.ready, 'ready');
  const view = patternBytes(8);
  const written = connection.writer.write(view);
  view.fill(0xff);
  await within(t, written, 'write');
  assertBinaryContents(await readMessage(t, connection.reader), patternBytes(8));
}, 'a view is copied when written: changing it right after write() does not change the message');

promise_test(async (t) => {
  const connection = await openReaderWriter(t, '/echo');
  await within(t, connection.writer.ready, 'ready');
  const buffer = patternBytes(8).buffer;
  const written = connection.writer.write(buffer);
  new Uint8Array(buffer).fill(0xff);
  await within(t, written, 'write');
  assertBinaryContents(await readMessage(t, connection.reader), patternBytes(8));
}, 'an ArrayBuffer is copied when written: changing it right after write() does not change the message');

promise_test(async (t) => {
  const connection = await openReaderWriter(t, '/echo');
  await within(t, connection.writer.ready, 'ready');
  const buffer = patternBytes(8).buffer;
  const written = connection.writer.write(buffer);
  // Transferring the buffer away after the write must not affect what was sent.
  structuredClone(buffer, { transfer: [buffer] });
  assert_equals(buffer.byteLength, 0, 'the buffer is detached');
  await within(t, written, 'write');
  assertBinaryContents(await readMessage(t, connection.reader), patternBytes(8));
}, 'an ArrayBuffer detached right after write() was still sent whole');

function detachedBuffer() {
  const buffer = new ArrayBuffer(8);
  structuredClone(buffer, { transfer: [buffer] });
  return buffer;
}

promise_test(async (t) => {
  const connection = await openReaderWriter(t, '/echo');
  const chunk = await echo(t, connection, detachedBuffer());
  assertBinaryContents(chunk, []);
}, 'a detached ArrayBuffer is sent as an empty binary message');

promise_test(async (t) => {
  const connection = await openReaderWriter(t, '/echo');
  const buffer = new ArrayBuffer(8);
  const view = new Uint8Array(buffer, 2, 4);
  structuredClone(buffer, { transfer: [buffer] });
  const chunk = await echo(t, connection, view);
  assertBinaryContents(chunk, []);
}, 'a view on a detached ArrayBuffer is sent as an empty binary message');

// A write rejected because of its chunk errors the writable, but must leave the connection open:
// messages written before it still arrive, and the connection can still be closed with a code.
async function assertConnectionStillOpen(t, { wss, reader }, expectedEcho) {
  assert_equals(await readMessage(t, reader, 'echo of the earlier write'), expectedEcho);
  wss.close({ closeCode: 4321, reason: 'still open' });
  await assertClosedCleanly(t, wss, 4321, 'still open');
}

async function assertWriteRejects(t, chunk, assertRejection) {
  const connection = await openReaderWriter(t, '/echo');
  await within(t, connection.writer.write('before'), 'write before');
  const error = await rejectionOf(t, connection.writer.write(chunk), 'write of the bad chunk');
  assertRejection(error);
  await assertConnectionStillOpen(t, connection, 'before');
}

function resizableArrayBuffer() {
  const buffer = new ArrayBuffer(8, { maxByteLength: 16 });
  assert_implements_optional(buffer.resizable === true, 'resizable ArrayBuffer');
  return buffer;
}

promise_test(async (t) => {
  await assertWriteRejects(t, resizableArrayBuffer(), (error) => {
    assert_throws_js(TypeError, () => { throw error; });
  });
}, 'a resizable ArrayBuffer makes the write reject with TypeError; the connection stays open');

promise_test(async (t) => {
  await assertWriteRejects(t, new Uint8Array(resizableArrayBuffer(), 0, 4), (error) => {
    assert_throws_js(TypeError, () => { throw error; });
  });
}, 'a view on a resizable ArrayBuffer makes the write reject with TypeError; the connection stays open');

// SharedArrayBuffer is only exposed in cross-origin isolated contexts (write-shared-memory.any.js
// runs in one); some engines still hand out shared memory through WebAssembly without it.
// Without either there is nothing to test here.
function sharedMemory(byteLength) {
  if (typeof SharedArrayBuffer === 'function') return new SharedArrayBuffer(byteLength);
  try {
    const memory = new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true });
    return memory.buffer;
  } catch {
    assert_implements_optional(false, 'no shared memory in this context (not cross-origin isolated)');
  }
}

promise_test(async (t) => {
  await assertWriteRejects(t, new Uint8Array(sharedMemory(16), 0, 4), (error) => {
    assert_throws_js(TypeError, () => { throw error; });
  });
}, 'a view on a SharedArrayBuffer makes the write reject with TypeError; the connection stays open');

promise_test(async (t) => {
  const memory = sharedMemory(16);
  const connection = await openReaderWriter(t, '/echo');
  assert_equals(await echo(t, connection, memory), '[object SharedArrayBuffer]');
}, 'a SharedArrayBuffer itself is not a BufferSource: it is sent as the text "[object SharedArrayBuffer]"');

promise_test(async (t) => {
  const connection = await openReaderWriter(t, '/echo');
  assert_equals(await echo(t, connection, new Blob(['blob contents'])), '[object Blob]');
}, 'a Blob is not a BufferSource: it is sent as the text "[object Blob]"');

for (const [label, makeChunk, expected] of [
  ['a number', () => 42, '42'],
  ['a negative zero', () => -0, '0'],
  ['a boolean', () => true, 'true'],
  ['null', () => null, 'null'],
  ['undefined', () => undefined, 'undefined'],
  ['a BigInt', () => 12345678901234567890n, '12345678901234567890'],
  ['an array', () => [1, 'two', [3]], '1,two,3'],
  ['a plain object', () => ({ a: 1 }), '[object Object]'],
  ['an object with toString', () => ({ toString() { return 'from toString'; } }), 'from toString'],
  ['an object with Symbol.toPrimitive',
   () => ({ [Symbol.toPrimitive](hint) { return `hint ${hint}`; } }), 'hint string'],
  ['a String object', () => new String('boxed'), 'boxed'],
  ['a function', () => function f() {}, 'function f() {}'],
]) {
  promise_test(async (t) => {
    const connection = await openReaderWriter(t, '/echo');
    assert_equals(await echo(t, connection, makeChunk()), expected);
  }, `any other value is converted to a string and sent as text: ${label}`);
}

promise_test(async (t) => {
  const connection = await openReaderWriter(t, '/echo');
  const chunk = { toString() { return 'lone \uD800'; } };
  assert_equals(await echo(t, connection, chunk), 'lone \uFFFD');
}, 'a converted string also goes through USVString conversion');

promise_test(async (t) => {
  const thrown = new TypeError('toString says no');
  const chunk = { toString() { throw thrown; } };
  await assertWriteRejects(t, chunk, (error) => {
    assert_equals(error, thrown, 'the write rejects with the very exception toString threw');
  });
}, 'a chunk whose toString throws makes the write reject with that exception; the connection stays open');

promise_test(async (t) => {
  await assertWriteRejects(t, Symbol('not convertible'), (error) => {
    assert_throws_js(TypeError, () => { throw error; });
  });
}, 'a Symbol chunk makes the write reject with TypeError; the connection stays open');

promise_test(async (t) => {
  const connection = await openReaderWriter(t, '/echo');
  const error = await rejectionOf(t, connection.writer.write(Symbol('bad')), 'bad write');
  assert_throws_js(TypeError, () => { throw error; });
  const later = await rejectionOf(t, connection.writer.write('later'), 'write after the bad one');
  assert_equals(later, error, 'the writable stays errored with the same exception');
  await promise_rejects_exactly(t, error, connection.writer.closed, 'writer.closed');
}, 'after a rejected write the writable is errored with that exception');

promise_test(async (t) => {
  const connection = await openReaderWriter(t, '/echo');
  const { wss, reader, writer } = connection;
  assert_equals(await echo(t, connection, 'before close'), 'before close');
  wss.close({ closeCode: 4000, reason: 'closing' });
  assert_equals(await within(t, writer.write('after close'), 'write after close()'), undefined);
  await assertReadDone(t, reader, 'read() after close()');
  await assertClosedCleanly(t, wss, 4000, 'closing');
}, 'a write made after close() started the closing handshake resolves');

promise_test(async (t) => {
  const { wss, writer } = await openReaderWriter(t, '/echo_exit');
  // /echo_exit closes with 1000 if it ever receives "Goodbye"; it answers close() with 4000.
  wss.close({ closeCode: 4000, reason: 'before goodbye' });
  await within(t, writer.write('Goodbye'), 'write after close()');
  await assertClosedCleanly(t, wss, 4000, 'before goodbye');
}, 'a write made after close() started the closing handshake is not sent');

promise_test(async (t) => {
  const connection = await openReaderWriter(t, '/echo');
  for (let i = 0; i < 50; ++i) {
    assert_equals(await echo(t, connection, `round ${i}`), `round ${i}`);
  }
}, 'many sequential write/read round trips');
