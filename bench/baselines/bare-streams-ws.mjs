// The `streams` contender of the Node client (bench/node-client.mjs), as bare-streams.js is the
// browsers': Node's own ReadableStream and WritableStream fed straight from a `ws` socket, with
// none of the standard's checks or close handling. Beside raw `ws` it measures what any
// stream-based WebSocket over `ws` pays in Node, and beside the polyfill how much of a cell is
// the polyfill's own code. What it leaves out that the polyfill must do, it leaves out on purpose:
// it never stops reading (the polyfill pauses the socket while its queue is full), so it is a
// ceiling, not a rival. For measurement only: it is not a WebSocketStream.
import { ReadableStream, WritableStream } from 'node:stream/web';
import WebSocket from 'ws';
import { sendOnCallbacks } from '../workloads.mjs';

/** @typedef {import('../workloads.mjs').Message} Message */

/**
 * Each binary message in an ArrayBuffer of its own, as the standard (and the polyfill) hands them
 * out, at the least it costs: a Buffer that has its ArrayBuffer to itself is viewed, a slice of a
 * shared one copied. (ws's own "arraybuffer" binaryType copies through ArrayBuffer.prototype.slice,
 * several times slower for small messages: it would make the baseline slower than the polyfill.)
 * @param {Buffer} data
 */
const ownBytes = (data) => (data.byteOffset === 0 && data.byteLength === data.buffer.byteLength ? new Uint8Array(data.buffer) : new Uint8Array(data));

export class BareStreamsOverWs {
  /** @param {string} url */
  constructor(url) {
    const socket = new WebSocket(url);
    socket.binaryType = 'nodebuffer';
    /** @type {ReadableStreamDefaultController<Message>} */
    let controller;
    const readable = new ReadableStream({ start: (started) => void (controller = started) }, { highWaterMark: 0 });
    // Sending waits, as raw's loop on send callbacks does, while more than the high-water mark is buffered.
    const writable = new WritableStream({ write: sendOnCallbacks(socket) }, { highWaterMark: 1 });
    socket.onmessage = ({ data }) => controller.enqueue(typeof data === 'string' ? data : ownBytes(/** @type {Buffer} */ (data)));
    this.opened = new Promise((resolve) => {
      socket.onopen = () => resolve({ readable, writable });
    });
    this.closed = new Promise((resolve) => {
      socket.onclose = ({ code, reason }) => {
        controller.close();
        resolve({ closeCode: code, reason });
      };
    });
    this.close = () => socket.close();
  }
}
