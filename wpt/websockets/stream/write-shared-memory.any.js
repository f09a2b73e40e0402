// META: global=window,worker
// META: script=../constants.sub.js
// META: script=resources/helpers.js
// META: variant=?default
// META: variant=?wss
// META: timeout=long
'use strict';

// Served cross-origin isolated (see the .headers file beside this one), so shared memory can be
// made. Views on shared memory are not BufferSources a WebSocketStream accepts; a
// SharedArrayBuffer itself is not a BufferSource at all.

// Some engines (WebKitGTK 2.50) are cross-origin isolated yet expose no global SharedArrayBuffer;
// shared WebAssembly memory still hands out genuine ones, and with them the constructor.
const SharedMemory = (() => {
  if (typeof SharedArrayBuffer === 'function') return SharedArrayBuffer;
  try {
    return new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true }).buffer.constructor;
  } catch {
    return undefined;
  }
})();

function assertWriteRejectsWithTypeError(t, chunk) {
  return (async () => {
    const connection = await openReaderWriter(t, '/echo');
    await within(t, connection.writer.write('before'), 'write before');
    const error = await rejectionOf(t, connection.writer.write(chunk), 'write of the shared view');
    assert_throws_js(TypeError, () => { throw error; });
    assert_equals(await readMessage(t, connection.reader, 'echo of the earlier write'), 'before');
    connection.wss.close({ closeCode: 4321, reason: 'still open' });
    await assertClosedCleanly(t, connection.wss, 4321, 'still open');
  })();
}

test(() => {
  assert_true(self.crossOriginIsolated, 'crossOriginIsolated');
  assert_equals(typeof SharedMemory, 'function', 'a SharedArrayBuffer constructor');
  assert_equals(Object.prototype.toString.call(new SharedMemory(1)), '[object SharedArrayBuffer]');
}, 'this file runs cross-origin isolated, with SharedArrayBuffer');

for (const [label, makeView] of [
  ['Uint8Array', () => new Uint8Array(new SharedMemory(16), 2, 4)],
  ['Int32Array', () => new Int32Array(new SharedMemory(16))],
  ['DataView', () => new DataView(new SharedMemory(16), 1, 3)],
]) {
  promise_test(async (t) => {
    assert_implements_optional(typeof SharedMemory === 'function', 'SharedArrayBuffer');
    await assertWriteRejectsWithTypeError(t, makeView());
  }, `a ${label} on a SharedArrayBuffer makes the write reject with TypeError; the connection stays open`);
}

promise_test(async (t) => {
  assert_implements_optional(typeof SharedMemory === 'function', 'SharedArrayBuffer');
  const growable = new SharedMemory(8, { maxByteLength: 16 });
  assert_implements_optional(growable.growable === true, 'growable SharedArrayBuffer');
  await assertWriteRejectsWithTypeError(t, new Uint8Array(growable));
}, 'a view on a growable SharedArrayBuffer makes the write reject with TypeError; the connection stays open');

promise_test(async (t) => {
  assert_implements_optional(typeof SharedMemory === 'function', 'SharedArrayBuffer');
  const connection = await openReaderWriter(t, '/echo');
  assert_equals(await echo(t, connection, new SharedMemory(8)), '[object SharedArrayBuffer]');
}, 'a SharedArrayBuffer itself is sent as the text "[object SharedArrayBuffer]"');

promise_test(async (t) => {
  const connection = await openReaderWriter(t, '/echo');
  const bytes = patternBytes(12);
  assertBinaryContents(await echo(t, connection, bytes), bytes);
}, 'ordinary binary writes work in a cross-origin isolated context');
