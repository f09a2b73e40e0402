// Receive backpressure in Node, measured: a reader that stops reading while a firehose keeps
// sending must make the `ws`-backed WebSocketStream stop reading from the network, so the bytes it
// holds in user space stay bounded however much the server has left to send.
//
// What a paused reader can hold, in bytes as they came off the wire (frame headers included):
//   - the readable's queue: below RECEIVE_HIGH_WATER_MARK until the message that crosses it, so at
//     most the high-water mark plus one message;
//   - the rest of the socket read being parsed when the queue filled: `ws` delivers every complete
//     message of a read at once, and a read is at most 64 KiB (the size Node's TCP reads use);
//   - one more read that Node's paused socket takes in before it stops reading: another 64 KiB.
// Kernel socket buffers are not counted: they are the operating system's, and bounded by it.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import WebSocket from 'ws';
import { serverFrameHeaderLength } from '../conformance/server/raw-websocket.mjs';
import { ClientSocketWatcher, userSpaceBufferedBytes } from '../bench/node-memory.mjs';
import { startBenchServer } from '../bench/server.mjs';
import { ensureBuild } from '../scripts/bootstrap.mjs';

ensureBuild();
const { RECEIVE_HIGH_WATER_MARK, WebSocketStream, socketImplementation } = await import('../dist/node.js');

const SOCKET_READ_BYTES = 64 * 1024;
const STALL_QUIET_MS = 300;
const STALL_BOUND_MS = 10_000;
const POLL_MS = 25;
const MIB = 1024 * 1024;

/** @type {Awaited<ReturnType<typeof startBenchServer>>} */
let server;
/** @type {ClientSocketWatcher} */
let sockets;
before(async () => {
  server = await startBenchServer();
  sockets = new ClientSocketWatcher();
});
after(async () => {
  sockets.stop();
  await server.close();
});

/** @param {number} payloadBytes @param {number} messageSize */
function wireBytes(payloadBytes, messageSize) {
  return (payloadBytes * (serverFrameHeaderLength(messageSize) + messageSize)) / messageSize;
}

/** @param {number} messageSize */
function userSpaceBound(messageSize) {
  return wireBytes(RECEIVE_HIGH_WATER_MARK + messageSize, messageSize) + 2 * SOCKET_READ_BYTES;
}

const sleep = (/** @type {number} */ ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Samples what the client holds until the server has been unable to hand the kernel anything for
 * STALL_QUIET_MS (or `until()` holds). → { maxHeld, progress }.
 * @param {import('node:net').Socket} socket
 * @param {string} tag
 * @param {number} messageSize
 * @param {(progress: { total: number, accepted: number, finished: boolean }) => boolean} [until]
 */
async function watchWhilePaused(socket, tag, messageSize, until = () => false) {
  const deadline = Date.now() + STALL_BOUND_MS;
  let maxHeld = 0;
  let lastAccepted = -1;
  let quietSince = Date.now();
  for (;;) {
    await sleep(POLL_MS);
    maxHeld = Math.max(maxHeld, userSpaceBufferedBytes(socket, 1, messageSize));
    const progress = server.firehoseProgress(tag);
    assert.ok(progress, `the server knows the firehose ${tag}`);
    if (progress.accepted !== lastAccepted) {
      lastAccepted = progress.accepted;
      quietSince = Date.now();
    }
    if (until(progress) || Date.now() - quietSince >= STALL_QUIET_MS) return { maxHeld, progress };
    if (Date.now() > deadline) throw new Error(`the firehose neither stalled nor finished within ${STALL_BOUND_MS} ms`);
  }
}

/** @param {{ messageSize: number, type: 'text'|'binary', totalBytes: number }} run */
async function pausedReaderHolds({ messageSize, type, totalBytes }) {
  const count = Math.ceil(totalBytes / messageSize);
  const tag = `memory-test-${messageSize}-${type}`;
  const stream = new WebSocketStream(`${server.wsOrigin}/firehose?size=${messageSize}&type=${type}&count=${count}&tag=${tag}`);
  const { readable, writable } = await stream.opened;
  const socket = sockets.latest;
  const reader = readable.getReader();
  writable.getWriter().write('go');
  const first = await reader.read();
  assert.equal(first.done, false);

  const { maxHeld, progress } = await watchWhilePaused(socket, tag, messageSize, (state) => state.finished && state.accepted === state.total);
  // The server must have been held back: had the client taken everything, nothing was paused.
  assert.ok(progress.accepted < progress.total / 2, `the server sent ${progress.accepted} of ${progress.total} bytes to a reader that read one message`);
  const bound = userSpaceBound(messageSize);
  assert.ok(maxHeld <= bound, `held ${maxHeld} bytes in user space; the bound is ${bound}`);

  // Reading again resumes the socket, and every message arrives whole.
  let messages = 1;
  let bytes = messageSize;
  while (messages < count) {
    const { value, done } = await reader.read();
    if (done) break;
    messages++;
    bytes += typeof value === 'string' ? value.length : value.byteLength;
  }
  assert.equal(messages, count);
  assert.equal(bytes, count * messageSize);
  stream.close();
  await stream.closed;
  server.forgetFirehose(tag);
  return maxHeld;
}

test('the Node entry point is backed by the ws package', () => {
  assert.equal(socketImplementation, 'ws');
});

test('a paused reader holds at most the high-water mark, one message and two socket reads: 16 B text messages', async () => {
  await pausedReaderHolds({ messageSize: 16, type: 'text', totalBytes: 8 * MIB });
});

test('a paused reader holds at most the high-water mark, one message and two socket reads: 64 KiB binary messages', async () => {
  await pausedReaderHolds({ messageSize: 64 * 1024, type: 'binary', totalBytes: 16 * MIB });
});

test('a paused reader holds at most the high-water mark, one message and two socket reads: 1 MiB binary messages', async () => {
  await pausedReaderHolds({ messageSize: MIB, type: 'binary', totalBytes: 32 * MIB });
});

test('the measure sees bytes a client holds: a raw ws client that never pauses holds the whole firehose', async () => {
  const messageSize = 64 * 1024;
  const count = 128;
  const tag = 'memory-test-control';
  const client = new WebSocket(`${server.wsOrigin}/firehose?size=${messageSize}&type=binary&count=${count}&tag=${tag}`);
  /** @type {unknown[]} */
  const held = [];
  client.on('message', (data) => held.push(data));
  await new Promise((resolve, reject) => {
    client.once('open', resolve);
    client.once('error', reject);
  });
  const socket = sockets.latest;
  client.send('go');
  const { maxHeld } = await watchWhilePaused(socket, tag, messageSize, () => held.length === count);
  const heldAtEnd = userSpaceBufferedBytes(socket, 1, messageSize);
  assert.equal(held.length, count);
  assert.ok(Math.max(maxHeld, heldAtEnd) > userSpaceBound(messageSize) * 10, `the measure saw only ${Math.max(maxHeld, heldAtEnd)} bytes`);
  client.close();
  await new Promise((resolve) => client.once('close', resolve));
  server.forgetFirehose(tag);
});
