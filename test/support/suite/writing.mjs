// Writing to the writable of `opened` (https://websockets.spec.whatwg.org/#the-websocketstream-interface):
// what each kind of chunk is sent as, which chunks make a write reject, that the bytes are copied
// when written, writes after close(), and writer.close().
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { assertTypeError } from '../assertions.mjs';
import { rejectionOf, stateOf, within } from '../waiting.mjs';

/**
 * Opens a connection to the helper's /record endpoint. → { stream, readable, writer, record }
 * @param {import('../behaviour-suite.mjs').SuiteContext} context
 * @param {string} [query]  more of the query, starting with '&'
 */
export async function openRecorded(context, query = '') {
  const id = context.id('record');
  const opened = await context.open(context.helperUrl(`/record?id=${id}${query}`));
  const record = await within(context.helper.record(id), 'the server side of the connection');
  return { ...opened, writer: opened.writable.getWriter(), record };
}

/** @param {ArrayBuffer} buffer */
function detach(buffer) {
  structuredClone(buffer, { transfer: [buffer] });
}

/** @param {ArrayBufferView} view */
function bytesOfView(view) {
  return [...new Uint8Array(view.buffer, view.byteOffset, view.byteLength)];
}

// Resizable and growable buffers are ES2024, newer than the ES2022 library the type check uses
// (Node.js has them from version 20): their constructors, with the options they take there.
const ResizableArrayBuffer = /** @type {new (byteLength: number, options: { maxByteLength: number }) => ArrayBuffer} */ (ArrayBuffer);
const GrowableSharedArrayBuffer = /** @type {new (byteLength: number, options: { maxByteLength: number }) => SharedArrayBuffer} */ (SharedArrayBuffer);

/** @param {import('../behaviour-suite.mjs').SuiteContext} context */
export function defineWritingTests(context) {
  describe('Writing', () => {
    test('a string is sent as a text message, after USVString conversion', async () => {
      const { writer, record } = await openRecorded(context);
      await within(writer.write('plain'), 'write');
      await within(writer.write('lone \uD800 surrogate'), 'write');
      assert.deepEqual(await within(record.messagesArrived(2), 'messages at the server'), ['plain', 'lone \uFFFD surrogate']);
    });

    test('an ArrayBuffer and every kind of ArrayBufferView are sent as a binary message of exactly their bytes', async () => {
      const { writer, record } = await openRecorded(context);
      const backing = new Uint8Array([10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25]).buffer;
      const chunks = [
        new Uint8Array([1, 2, 3]).buffer,
        new Uint8Array([4, 5]),
        new Int8Array([-1, 2]),
        new Uint8ClampedArray([300, 7]),
        new Int16Array([-2, 513]),
        new Uint32Array([0xdeadbeef]),
        new Float32Array([1.5]),
        new Float64Array([Math.PI]),
        new BigInt64Array([-3n]),
        new DataView(backing, 3, 5),
        new Uint16Array(backing, 4, 2),
        new Uint8Array(backing).subarray(12),
        Buffer.from('a Node Buffer'),
      ];
      for (const chunk of chunks) await within(writer.write(chunk), `write ${chunk.constructor.name}`);
      const messages = await within(record.messagesArrived(chunks.length), 'messages at the server');
      messages.forEach((message, i) => {
        const chunk = chunks[i];
        const expected = chunk instanceof ArrayBuffer ? [...new Uint8Array(chunk)] : bytesOfView(chunk);
        assert.ok(message instanceof Uint8Array, `${chunk.constructor.name} is sent as binary`);
        assert.deepEqual([...message], expected, `${chunk.constructor.name} is sent with its own bytes only`);
      });
    });

    test('any other value is sent as text, converted to a string; a Blob is "[object Blob]"', async () => {
      const { writer, record } = await openRecorded(context);
      const chunks = [
        [42, '42'],
        [null, 'null'],
        [undefined, 'undefined'],
        [true, 'true'],
        [12345678901234567890n, '12345678901234567890'],
        [[1, 2], '1,2'],
        [{}, '[object Object]'],
        [{ toString: () => 'custom string' }, 'custom string'],
        [new Blob(['blob content']), '[object Blob]'],
      ];
      for (const [chunk] of chunks) await within(writer.write(chunk), `write ${String(chunk)}`);
      assert.deepEqual(await within(record.messagesArrived(chunks.length), 'messages at the server'), chunks.map(([, text]) => text));
    });

    test('a value whose string conversion throws makes the write reject with that very error; the connection stays open', async () => {
      const { stream, readable, writer, record } = await openRecorded(context);
      await within(writer.write('before'), 'write before');
      const failure = new TypeError('cannot be a string');
      const rejection = await rejectionOf(writer.write({ toString() { throw failure; } }), 'write of the throwing value');
      assert.equal(rejection, failure);
      // The connection is still open: the server can still send, and a close is clean.
      record.websocket.send('from the server');
      const reader = readable.getReader();
      assert.deepEqual(await within(reader.read(), 'read'), { value: 'from the server', done: false });
      assert.equal(await stateOf(stream.closed), 'pending', 'closed');
      stream.close({ closeCode: 4321 });
      assert.deepEqual(await within(stream.closed, 'closed'), { closeCode: 4321, reason: '' });
      assert.deepEqual(record.messages, ['before'], 'nothing was sent for the failed write');
    });

    test('a Symbol makes the write reject with a TypeError', async () => {
      const { writer } = await openRecorded(context);
      assertTypeError(await rejectionOf(writer.write(Symbol('chunk')), 'write(Symbol())'), 'write(Symbol())');
    });

    /** @type {[label: string, makeChunk: () => ArrayBufferLike | ArrayBufferView][]} */
    const rejectedBuffers = [
      ['a resizable ArrayBuffer', () => new ResizableArrayBuffer(8, { maxByteLength: 16 })],
      ['a view on a resizable ArrayBuffer', () => new Uint8Array(new ResizableArrayBuffer(8, { maxByteLength: 16 }))],
      ['a view on a SharedArrayBuffer', () => new Uint8Array(new SharedArrayBuffer(8))],
      ['a DataView on a SharedArrayBuffer', () => new DataView(new SharedArrayBuffer(8))],
      ['a view on a growable SharedArrayBuffer', () => new Uint8Array(new GrowableSharedArrayBuffer(8, { maxByteLength: 16 }))],
    ];
    for (const [label, makeChunk] of rejectedBuffers) {
      test(`${label} makes the write reject with a TypeError, and nothing is sent`, async () => {
        const { stream, writer, record } = await openRecorded(context);
        assertTypeError(await rejectionOf(writer.write(makeChunk()), `write(${label})`), `write(${label})`);
        stream.close({ closeCode: 4000, reason: 'done' });
        assert.deepEqual(await within(record.closeSeen, 'close at the server'), { code: 4000, reason: 'done' }, 'the connection stayed open until close()');
        assert.deepEqual(record.messages, []);
      });
    }

    test('a detached ArrayBuffer, or a view on one, is sent as an empty binary message', async () => {
      const { writer, record } = await openRecorded(context);
      const buffer = new Uint8Array([1, 2, 3]).buffer;
      const view = new Uint8Array([4, 5]);
      detach(buffer);
      detach(view.buffer);
      assert.equal(buffer.byteLength, 0, 'the buffer is detached');
      await within(writer.write(buffer), 'write detached ArrayBuffer');
      await within(writer.write(view), 'write view on a detached buffer');
      const messages = await within(record.messagesArrived(2), 'messages at the server');
      for (const message of messages) {
        assert.ok(message instanceof Uint8Array, 'binary');
        assert.equal(message.byteLength, 0, 'empty');
      }
    });

    test('the bytes are copied at the moment of the write: changing the buffer afterwards changes nothing sent', async () => {
      const { writer, record } = await openRecorded(context);
      const view = new Uint8Array([1, 2, 3, 4]);
      const buffer = new Uint8Array([5, 6]).buffer;
      const first = writer.write(view);
      view.fill(0);
      await within(first, 'first write');
      const second = writer.write(buffer);
      new Uint8Array(buffer).fill(0);
      detach(buffer);
      await within(second, 'second write');
      const messages = await within(record.messagesArrived(2), 'messages at the server');
      assert.deepEqual([...messages[0]], [1, 2, 3, 4]);
      assert.deepEqual([...messages[1]], [5, 6]);
    });

    test('messages are sent in the order they were written', async () => {
      const { writer, record } = await openRecorded(context);
      const writes = [];
      for (let i = 0; i < 300; i++) writes.push(writer.write(i % 3 === 0 ? new Uint8Array([i & 0xff]) : `#${i}`));
      await within(Promise.all(writes), 'writes');
      const messages = await within(record.messagesArrived(300), 'messages at the server');
      messages.forEach((message, i) => {
        if (i % 3 === 0) assert.deepEqual([...message], [i & 0xff], `message ${i}`);
        else assert.equal(message, `#${i}`, `message ${i}`);
      });
    });

    test('a write made after close() resolves, and is not sent', async () => {
      const { stream, writer, record } = await openRecorded(context);
      await within(writer.write('before close'), 'write before close');
      stream.close({ closeCode: 4001 });
      await within(writer.write('after close'), 'write after close');
      await within(writer.write(new Uint8Array([1])), 'binary write after close');
      assert.deepEqual(await within(record.closeSeen, 'close at the server'), { code: 4001, reason: '' });
      assert.deepEqual(record.messages, ['before close']);
      assert.deepEqual(await within(stream.closed, 'closed'), { closeCode: 4001, reason: '' });
    });

    test('writer.close() starts a clean close without a code, and resolves with it', async () => {
      const { stream, writer, record } = await openRecorded(context);
      await within(writer.write('last words'), 'write');
      await within(writer.close(), 'writer.close()');
      assert.deepEqual(await within(record.closeSeen, 'close at the server'), { code: 1005, reason: '' });
      assert.deepEqual(await within(stream.closed, 'closed'), { closeCode: 1005, reason: '' });
      assert.deepEqual(record.messages, ['last words']);
    });

    test('writer.close() resolves only once the closing handshake is complete (a server that answers the close a second late)', async () => {
      const { stream, writable } = await context.open(context.wptUrl('/delayed-passive-close'));
      const writer = writable.getWriter();
      const started = Date.now();
      let closedAt = null;
      stream.closed.then(() => { closedAt = Date.now(); }, () => {});
      await within(writer.close(), 'writer.close()');
      const elapsed = Date.now() - started;
      assert.ok(elapsed >= 900, `writer.close() resolved after ${elapsed} ms; the server answers after 1000 ms`);
      assert.deepEqual(await within(stream.closed, 'closed'), { closeCode: 1005, reason: '' });
      assert.ok(closedAt !== null && closedAt - started >= 900, 'closed settled only after the server answered');
    });
  });
}
