// How many received bytes a Node client holds in user space: read from the kernel (the TCP
// socket's bytesRead) but not yet handed to the application. That is exactly what a reader that
// stops reading makes pile up; kernel buffers are excluded, as they are bounded by the OS.
import diagnosticsChannel from 'node:diagnostics_channel';
import { HANDSHAKE_RESPONSE_LENGTH, serverFrameHeaderLength } from '../conformance/server/raw-websocket.mjs';

/**
 * Sees the TCP sockets this process opens as a client (Node's `net.client.socket` diagnostics
 * channel), without adding a listener to them or changing how they are read — whichever WebSocket
 * implementation made them. The bench and the tests' backpressure suite both read them.
 */
export class ClientSocketWatcher {
  /** @type {import('node:net').Socket[]} */
  #sockets = [];
  /** @param {unknown} message  the channel's: { socket } */
  #onSocket = (message) => this.#sockets.push(/** @type {{ socket: import('node:net').Socket }} */ (message).socket);

  constructor() {
    diagnosticsChannel.subscribe('net.client.socket', this.#onSocket);
  }

  /** The socket opened last. */
  get latest() {
    return this.#sockets[this.#sockets.length - 1];
  }

  /**
   * The connected client socket to `port`; throws unless there is exactly one.
   * @param {number} port
   */
  socketTo(port) {
    const matching = this.#sockets.filter((socket) => socket.remotePort === port && !socket.destroyed);
    if (matching.length !== 1) throw new Error(`expected one client socket to port ${port}, found ${matching.length}`);
    return matching[0];
  }

  stop() {
    diagnosticsChannel.unsubscribe('net.client.socket', this.#onSocket);
    this.#sockets = [];
  }
}

/**
 * Bytes of a firehose connection (one of our server's: fixed handshake answer, unmasked frames of
 * `messageSize` bytes) read from the kernel but not yet delivered as the first `messagesRead` messages.
 * @param {import('node:net').Socket} socket
 * @param {number} messagesRead
 * @param {number} messageSize
 */
export function userSpaceBufferedBytes(socket, messagesRead, messageSize) {
  const delivered = HANDSHAKE_RESPONSE_LENGTH + messagesRead * (serverFrameHeaderLength(messageSize) + messageSize);
  return socket.bytesRead - delivered;
}

/**
 * Samples userSpaceBufferedBytes() every `intervalMs` until stop(); → { max, last, samples } on stop.
 * @param {import('node:net').Socket} socket
 * @param {number} messagesRead
 * @param {number} messageSize
 */
export function sampleUserSpaceBuffered(socket, messagesRead, messageSize, intervalMs = 20) {
  let max = 0;
  let last = 0;
  let samples = 0;
  const take = () => {
    last = userSpaceBufferedBytes(socket, messagesRead, messageSize);
    max = Math.max(max, last);
    samples++;
  };
  take();
  const timer = setInterval(take, intervalMs);
  return {
    stop() {
      clearInterval(timer);
      take();
      return { max, last, samples };
    },
  };
}
