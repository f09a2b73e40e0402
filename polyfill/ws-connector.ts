// A Socket over Node's `ws` package: its WebSocket speaks the standard event API, and adds what a
// browser cannot offer — pause()/resume() for real receive backpressure, and send callbacks that
// say when bytes have left the buffer.

import { type SocketConnector } from './socket.js';
import { type BufferedAmountWatcher, type CreateWebSocket, type Waiter, webSocketConnector } from './web-socket-connector.js';

/** Send callbacks say exactly when bytes left the buffer: look then, never on a timer. */
class SendCallbackWatcher implements BufferedAmountWatcher {
  #waiter: Waiter | undefined = undefined;

  constructor(readonly socket: { readonly bufferedAmount: number }) {}

  wait(limit: number, callback: () => void): void {
    this.#waiter = { limit, callback };
  }

  stop(): void {
    this.#waiter = undefined;
  }

  readonly onSent = (error?: Error): void => {
    // `ws` fails every queued send when the connection drops; those bytes never left, and the
    // waiting write must be rejected by the close, not resolved here.
    // Look even with no write waiting: each look is how a peer's close with unsent bytes is noticed.
    const amount = this.socket.bufferedAmount;
    const waiter = this.#waiter;
    if (error != null || waiter === undefined || amount > waiter.limit) return;
    this.#waiter = undefined;
    waiter.callback();
  };
}

/**
 * How long `ws` waits, once it has sent its close frame, for the closing handshake to finish and
 * the server to close TCP before it drops the connection itself (its default is 30 s). Chromium
 * waits up to 60 s for the peer's close frame, then 2 s for TCP to close; `ws` has one timer for
 * both. 2 s made a busy server's late close frames unclean closes (the soak: 12-30 % of 1,000
 * connections closing at once), so the bound is 10 s: a peer that never closes TCP costs 10 s.
 */
export const WS_CLOSE_TIMEOUT_MS = 10_000;

/**
 * `ws` hands binary messages out as Buffers. A message that arrived in pieces is a Buffer over an
 * ArrayBuffer of its own, which can be handed on as it is; a small one is usually a slice of a
 * larger pooled buffer, and its bytes are copied into a Uint8Array of their own. (ws's
 * "arraybuffer" binaryType makes the same choice, but copies through ArrayBuffer.prototype.slice,
 * measured several times slower for small messages.)
 */
function toOwnUint8Array(data: unknown): Uint8Array {
  const buffer = data as Uint8Array;
  if (buffer.byteOffset === 0 && buffer.byteLength === buffer.buffer.byteLength) return new Uint8Array(buffer.buffer);
  return new Uint8Array(buffer);
}

type WsClass = new (url: string, protocols: string[], options: { closeTimeout: number }) => ReturnType<CreateWebSocket>;

export function wsConnector(WebSocketFromWs: WsClass): SocketConnector {
  const createWebSocket: CreateWebSocket = (url, protocols) =>
    new WebSocketFromWs(url, protocols, { closeTimeout: WS_CLOSE_TIMEOUT_MS });
  return webSocketConnector(createWebSocket, {
    canPause: true,
    binaryType: 'nodebuffer',
    toUint8Array: toOwnUint8Array,
    // ws frames (and copies) a message at send(), but queues it uncopied while an earlier one is
    // still being compressed (permessage-deflate).
    sendTakesBytesAtOnce: false,
    createWatcher: (socket) => new SendCallbackWatcher(socket),
  });
}
