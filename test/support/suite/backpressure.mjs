// Backpressure, which the standard's WebSocketStream
// (https://websockets.spec.whatwg.org/#the-websocketstream-interface) gets from its streams' queues,
// and what a polyfill on top of a WebSocket API can make of it (README.md, "Where a polyfill cannot
// match native"): a reader that does not read must make the client stop reading from the network
// (where the socket can pause), and a server that does not read must leave writes pending.
//
// The bound asserted while a reader pauses, in bytes the client socket has read (bytesRead,
// frame headers included):
//   - the readable's queue: below RECEIVE_HIGH_WATER_MARK until the message that crosses it —
//     the high-water mark plus one message;
//   - the rest of the socket read that was being parsed when the queue filled: `ws` hands on every
//     complete message of a read at once, and Node reads a TCP socket 64 KiB at a time;
//   - one more 64 KiB read that a socket may take in before pause() takes effect;
//   - the HTTP handshake response and frame headers: under 1 KiB here.
// Kernel socket buffers are not in it: they belong to the operating system, which bounds them;
// they are why the server's side still manages to send a few megabytes before it is stopped.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ClientSocketWatcher } from '../../../bench/node-memory.mjs';
import { bytesOf } from '../assertions.mjs';
import { stateOf, steadyValue, stillPendingAfter, within } from '../waiting.mjs';
import { openRecorded } from './writing.mjs';

const KIB = 1024;
const MIB = 1024 * KIB;
const SOCKET_READ_BYTES = 64 * KIB;
const HANDSHAKE_AND_HEADERS_BYTES = 1 * KIB;
const STALL_MS = 500;
// A look every 16 ms is 62.5 a second; the back-off to it (1, 3, 7, 15 ms) adds four.
const MOST_LOOKS_PER_SECOND_WHILE_STALLED = 80;

/**
 * Counts calls of an accessor's getter on `prototype` until restore().
 * @param {object} prototype
 * @param {string} name
 */
function countGetterCalls(prototype, name) {
  const descriptor = /** @type {PropertyDescriptor} */ (Object.getOwnPropertyDescriptor(prototype, name));
  const originalGetter = /** @type {() => unknown} */ (descriptor.get);
  const counter = {
    count: 0,
    restore: () => Object.defineProperty(prototype, name, descriptor),
  };
  Object.defineProperty(prototype, name, {
    ...descriptor,
    get() {
      counter.count += 1;
      return Reflect.apply(originalGetter, this, []);
    },
  });
  return counter;
}

/**
 * @param {number} highWaterMark
 * @param {number} messageBytes
 */
function pausedReaderBound(highWaterMark, messageBytes) {
  return highWaterMark + messageBytes + 2 * SOCKET_READ_BYTES + HANDSHAKE_AND_HEADERS_BYTES;
}

/**
 * @param {ReadableStreamDefaultReader<string | Uint8Array>} reader
 * @param {number} count
 * @param {string} what
 */
async function readAll(reader, count, what) {
  /** @type {(string | Uint8Array | undefined)[]} */
  const chunks = [];
  for (let i = 0; i < count; i++) {
    const { value, done } = await within(reader.read(), `${what}: read ${i}`);
    assert.equal(done, false, `${what}: the stream ended after ${i} messages`);
    chunks.push(value);
  }
  return chunks;
}

/** @param {import('../behaviour-suite.mjs').SuiteContext} context */
export function defineBackpressureTests(context) {
  const receiveLimitation = () => context.limitations.receiveBackpressure;

  describe('Backpressure', () => {
    test('a reader that does not read: the client stops reading from the network, holding at most the high-water mark plus one message and two socket reads', async (t) => {
      const MESSAGE_BYTES = 16 * KIB;
      const MESSAGES = 1024; // 16 MiB: far more than the kernel buffers of a loopback connection hold
      const id = context.id('flood');
      const sockets = new ClientSocketWatcher();
      try {
        const { readable } = await context.open(context.helperUrl(`/flood?id=${id}&size=${MESSAGE_BYTES}&count=${MESSAGES}`));
        const socket = sockets.socketTo(context.helper.port);
        // Nothing reads: wait until the client has stopped taking bytes off the network.
        const bytesReadWhilePaused = await steadyValue(() => socket.bytesRead, { what: 'bytes read by the client socket' });
        const flood = context.helper.flood(id);
        assert.ok(flood, 'the server has started the flood');
        const bound = pausedReaderBound(context.polyfill.RECEIVE_HIGH_WATER_MARK, MESSAGE_BYTES);
        t.diagnostic(`${context.adapter}: read ${bytesReadWhilePaused} bytes of ${flood.totalBytes} while the reader paused (bound ${bound}); the server handed ${flood.bytesSent} to the network`);
        if (receiveLimitation()) {
          t.diagnostic(`limitation of this implementation: ${receiveLimitation()}`);
        } else {
          assert.ok(bytesReadWhilePaused <= bound, `the client read ${bytesReadWhilePaused} bytes while the reader paused; at most ${bound} allowed`);
          assert.ok(flood.bytesSent < flood.totalBytes, 'the server could not send everything: its socket is stopped');
          assert.ok((flood.websocket?.bufferedAmount ?? 0) > 0, 'the server still holds unsent data');
        }
        // Reading again: every message arrives, intact and in order.
        const reader = readable.getReader();
        const chunks = await readAll(reader, MESSAGES, 'after the pause');
        chunks.forEach((chunk, sequence) => {
          assert.ok(chunk instanceof Uint8Array && chunk.byteLength === MESSAGE_BYTES, `message ${sequence} has ${MESSAGE_BYTES} bytes`);
          assert.equal(new DataView(chunk.buffer, chunk.byteOffset).getUint32(0), sequence, `message ${sequence} in order`);
          assert.equal(chunk[MESSAGE_BYTES - 1], sequence & 0xff, `message ${sequence} intact`);
        });
      } finally {
        sockets.stop();
      }
    });

    test('a slow reader slows the server down (/send-backpressure: 16 MiB in 1 MiB messages)', async (t) => {
      const PAUSE_MS = 1000;
      const sockets = new ClientSocketWatcher();
      try {
        const { readable } = await context.open(context.wptUrl('/send-backpressure'));
        const socket = sockets.socketTo(context.wpt.ports.ws);
        const pauseStarted = Date.now();
        const bytesReadWhilePaused = await steadyValue(() => socket.bytesRead, { what: 'bytes read by the client socket' });
        const bound = pausedReaderBound(context.polyfill.RECEIVE_HIGH_WATER_MARK, MIB);
        t.diagnostic(`${context.adapter}: read ${bytesReadWhilePaused} of 16 MiB while the reader paused (bound ${bound})`);
        if (!receiveLimitation()) {
          assert.ok(bytesReadWhilePaused <= bound, `the client read ${bytesReadWhilePaused} bytes while the reader paused; at most ${bound} allowed`);
        }
        const remaining = PAUSE_MS - (Date.now() - pauseStarted);
        if (remaining > 0) await new Promise((resolve) => setTimeout(resolve, remaining));
        const pausedMs = Date.now() - pauseStarted;
        const reader = readable.getReader();
        const [empty, ...rest] = await readAll(reader, 18, 'send-backpressure');
        assert.deepEqual(bytesOf(empty), [], 'the first message is empty');
        rest.slice(0, 16).forEach((chunk, i) => {
          assert.ok(chunk instanceof Uint8Array, `message ${i + 1} is binary`);
          assert.equal(chunk.byteLength, MIB, `message ${i + 1} is 1 MiB`);
        });
        const serverSeconds = Number(rest[16]);
        assert.ok(Number.isFinite(serverSeconds), `the last message is the server's time, got ${String(rest[16]).slice(0, 40)}`);
        t.diagnostic(`${context.adapter}: the server needed ${serverSeconds.toFixed(3)} s to hand 16 MiB to the network; the reader paused ${pausedMs} ms`);
        if (receiveLimitation()) {
          t.diagnostic(`limitation of this implementation: ${receiveLimitation()}`);
        } else {
          assert.ok(serverSeconds * 1000 >= pausedMs * 0.9, `the server finished sending after ${serverSeconds} s, while the reader paused for ${pausedMs} ms`);
        }
      } finally {
        sockets.stop();
      }
    });

    test('a server that does not read: a write stays pending, desiredSize drops to 0 and ready waits, until the server reads again', async (t) => {
      // /record?pause=1 reads nothing until the test resumes it.
      const { writer, record } = await openRecorded(context, '&pause=1');
      const chunk = new Uint8Array(MIB);
      let pendingWrite = null;
      let resolvedWrites = 0;
      for (let i = 0; i < 64 && pendingWrite === null; i++) {
        await within(writer.ready, `ready before write ${i}`);
        const write = writer.write(chunk);
        if (await stillPendingAfter(write, 200)) pendingWrite = write;
        else resolvedWrites += 1;
      }
      assert.ok(pendingWrite !== null, `all ${resolvedWrites} 1 MiB writes resolved while the server was not reading`);
      t.diagnostic(`${context.adapter}: ${resolvedWrites} MiB were accepted before a write stayed pending (send high-water mark ${context.polyfill.SEND_HIGH_WATER_MARK} bytes; the rest sat in kernel buffers)`);
      assert.equal(writer.desiredSize, 0, 'desiredSize while a write is pending');
      assert.equal(await stateOf(writer.ready), 'pending', 'writer.ready while a write is pending');
      const looks = countGetterCalls(await context.webSocketPrototype(), 'bufferedAmount');
      const stalledSince = performance.now();
      try {
        assert.ok(await stillPendingAfter(pendingWrite, STALL_MS), 'the write stays pending while the server does not read');
      } finally {
        looks.restore();
      }
      // Where there is no event for the buffer draining (the WebSocket API), the polyfill looks at
      // bufferedAmount; with nothing draining it backs off to about 60 looks a second.
      const lookBound = Math.ceil(((performance.now() - stalledSince) / 1000) * MOST_LOOKS_PER_SECOND_WHILE_STALLED);
      t.diagnostic(`${context.adapter}: ${looks.count} looks at bufferedAmount in ${STALL_MS} ms of a stalled connection`);
      assert.ok(looks.count <= lookBound, `${looks.count} looks at bufferedAmount while the connection was stalled; at most ${lookBound} allowed`);
      record.websocket.resume();
      await within(pendingWrite, 'the pending write once the server reads again');
      await within(writer.ready, 'ready after the write resolved');
      assert.equal(writer.desiredSize, 1, 'desiredSize after the write resolved');
      await within(record.messagesArrived(resolvedWrites + 1), 'every message at the server');
    });

    test('a write resolves at once while the socket has room', async () => {
      const { writer } = await context.openEcho();
      const write = writer.write(new Uint8Array(64 * KIB));
      assert.equal(await stateOf(write), 'fulfilled');
    });
  });
}
