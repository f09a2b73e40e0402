// Reading from the readable of `opened` (https://websockets.spec.whatwg.org/#the-websocketstream-interface):
// one chunk per message, strings for text, exactly Uint8Array for binary, in order.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { bytesOf } from '../assertions.mjs';
import { within } from '../waiting.mjs';

/**
 * The next chunk; fails if the readable has ended.
 * @param {ReadableStreamDefaultReader<string | Uint8Array>} reader
 * @param {string} what
 */
async function read(reader, what) {
  const { value, done } = await within(reader.read(), what);
  assert.equal(done, false, `${what}: the readable ended`);
  return value;
}

/**
 * The next chunk, which must be binary.
 * @param {ReadableStreamDefaultReader<string | Uint8Array>} reader
 * @param {string} what
 */
async function readBinary(reader, what) {
  const chunk = await read(reader, what);
  assert.ok(chunk instanceof Uint8Array, `${what}: expected a binary chunk, got ${typeof chunk}`);
  return chunk;
}

/** @param {import('../behaviour-suite.mjs').SuiteContext} context */
export function defineReadingTests(context) {
  describe('Reading', () => {
    test('a text message is read as a string, a binary one as exactly a Uint8Array', async () => {
      const { reader, writer } = await context.openEcho();
      await within(writer.write('text message'), 'write text');
      await within(writer.write(new Uint8Array([0, 1, 2, 255])), 'write binary');
      const text = await read(reader, 'text');
      assert.equal(text, 'text message');
      const binary = await read(reader, 'binary');
      assert.equal(Object.getPrototypeOf(binary), Uint8Array.prototype, 'exactly a Uint8Array: not a Buffer or other subclass');
      assert.deepEqual(bytesOf(binary), [0, 1, 2, 255]);
    });

    test('empty messages are an empty string and an empty Uint8Array', async () => {
      const { reader, writer } = await context.openEcho();
      await within(writer.write(''), 'write empty text');
      await within(writer.write(new ArrayBuffer(0)), 'write empty binary');
      assert.equal(await read(reader, 'empty text'), '');
      const binary = await readBinary(reader, 'empty binary');
      assert.equal(Object.getPrototypeOf(binary), Uint8Array.prototype);
      assert.equal(binary.byteLength, 0);
    });

    test('UTF-8 text, including astral characters, is read back exactly', async () => {
      const { reader, writer } = await context.openEcho();
      const text = 'caf\u00e9 \u20ac \u{1F600} \u4e2d\u6587';
      await within(writer.write(text), 'write');
      assert.equal(await read(reader, 'read'), text);
    });

    test('messages are read one chunk per message, in the order they were sent', async () => {
      const { reader, writer } = await context.openEcho();
      const sent = [];
      for (let i = 0; i < 200; i++) sent.push(i % 2 === 0 ? `text ${i}` : new Uint8Array([i, i >> 8, 7]));
      await within(Promise.all(sent.map((message) => writer.write(message))), 'writes');
      for (let i = 0; i < sent.length; i++) {
        const chunk = await read(reader, `message ${i}`);
        if (typeof sent[i] === 'string') assert.equal(chunk, sent[i], `message ${i}`);
        else assert.deepEqual(bytesOf(chunk), [...sent[i]], `message ${i}`);
      }
    });

    test('every binary message is a Uint8Array over an ArrayBuffer of its own, small or large, alone or in a burst', async () => {
      // Small messages arrive many to a socket read, and implementations tend to hand them out as
      // slices of one shared buffer; a large one arrives in pieces and is put together.
      const { reader, writer } = await context.openEcho();
      const lengths = [1, 16, 64, 65, 1000, 4096, 70_000, 1024 * 1024 + 3, 5, 16];
      await within(Promise.all(lengths.map((length) => writer.write(new Uint8Array(length).fill(length & 0xff)))), 'writes');
      const chunks = [];
      for (const length of lengths) chunks.push(await readBinary(reader, `${length} bytes`));
      for (const [index, chunk] of chunks.entries()) {
        const length = lengths[index];
        assert.equal(Object.getPrototypeOf(chunk), Uint8Array.prototype, `${length} bytes: exactly a Uint8Array`);
        assert.equal(chunk.byteOffset, 0, `${length} bytes: starts its buffer`);
        assert.equal(chunk.buffer.byteLength, length, `${length} bytes: the buffer holds this message and nothing else`);
        assert.ok(chunk.every((byte) => byte === (length & 0xff)), `${length} bytes: its own bytes`);
      }
      chunks[1].fill(0xee);
      assert.ok(chunks[9].every((byte) => byte === 16), 'changing one message changes no other');
    });

    test('a large binary message is one chunk with every byte', async () => {
      const { reader, writer } = await context.openEcho();
      const large = new Uint8Array(3 * 1024 * 1024 + 5);
      for (let i = 0; i < large.length; i += 4093) large[i] = (i / 4093) & 0xff;
      await within(writer.write(large), 'write');
      const chunk = await readBinary(reader, 'read');
      assert.equal(chunk.byteLength, large.byteLength);
      assert.ok(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength).equals(large), 'same bytes');
    });

    test('messages received before a clean close are still read, then the readable is done', async () => {
      // /echo_exit echoes, and closes with 1000 after echoing "Goodbye".
      const { stream, readable, writable } = await context.open(context.wptUrl('/echo_exit'));
      const writer = writable.getWriter();
      writer.write('first').catch(() => {});
      writer.write(new Uint8Array([9, 8])).catch(() => {});
      writer.write('Goodbye').catch(() => {});
      assert.deepEqual(await within(stream.closed, 'closed'), { closeCode: 1000, reason: '' });
      const reader = readable.getReader();
      assert.equal(await read(reader, 'first'), 'first');
      assert.deepEqual(bytesOf(await read(reader, 'second')), [9, 8]);
      assert.equal(await read(reader, 'third'), 'Goodbye');
      assert.deepEqual(await within(reader.read(), 'after the last message'), { value: undefined, done: true });
    });
  });
}
