// A Socket over Node's `ws` package: its WebSocket speaks the standard event API, and adds what a
// browser cannot offer — pause()/resume() for real receive backpressure, and send callbacks that
// say when bytes have left the buffer. Both live here, behind the socket seam, so the browser
// builds never carry them.

import { type SocketConnector } from './socket.js';
import { type CreateTransfer, type Transfer, type WebSocketLike, webSocketConnector } from './web-socket-connector.js';

/**
 * Received bytes the readable queues before the socket stops reading from the network (where it
 * can: Node's `ws` package). Strings count their length, binary messages their byteLength.
 * Reading resumes once the application has read everything queued.
 */
export const RECEIVE_HIGH_WATER_MARK = 64 * 1024;

/**
 * How long `ws` waits, once it has sent its close frame, for the closing handshake to finish and
 * the server to close TCP before it drops the connection itself (its default is 30 s). Chromium
 * waits up to 60 s for the peer's close frame, then 2 s for TCP to close; `ws` has one timer for
 * both. 2 s made a busy server's late close frames unclean closes (the soak: 12-30 % of 1,000
 * connections closing at once), so the bound is 10 s: a peer that never closes TCP costs 10 s.
 */
export const WS_CLOSE_TIMEOUT_MS = 10_000;

interface WsWebSocket extends WebSocketLike {
  pause(): void;
  resume(): void;
}

type WsClass = new (url: string, protocols: string[], options: { closeTimeout: number }) => WsWebSocket;

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

function messageSize(message: string | Uint8Array): number {
  return typeof message === 'string' ? message.length : message.byteLength;
}

/**
 * The byte sizes of the messages in the readable's queue. The queue counts messages with a
 * high-water mark of 0, so the stream reports how many are waiting; the ones read since the last
 * look are the oldest, and are forgotten first.
 */
class ReceiveQueueSizes {
  #sizes: number[] = [];
  #head = 0;
  #bytes = 0;

  /** Records a message just queued behind `waitingBefore` others. → the bytes now queued. */
  add(size: number, waitingBefore: number): number {
    const sizes = this.#sizes;
    while (sizes.length - this.#head > waitingBefore) this.#bytes -= sizes[this.#head++]!;
    if (this.#head > 1024 && this.#head * 2 > sizes.length) {
      sizes.splice(0, this.#head);
      this.#head = 0;
    }
    sizes.push(size);
    return (this.#bytes += size);
  }

  clear(): void {
    if (this.#sizes.length === 0) return;
    this.#sizes.length = 0;
    this.#head = 0;
    this.#bytes = 0;
  }
}

/** The watch that sends join until its first immediate has run (watchPromptness). */
let openWatch: { prompt: boolean; started: boolean } | undefined;

/**
 * Whether a send's report comes "at once": before the second check phase (setImmediate) of the
 * event loop after send(). Node's TLS sockets report a write that went to the network within
 * send() from an immediate of their own ("simulate asynchronous finishing", TLSWrap), which runs
 * one poll phase later, or two when send() itself ran in a check phase; a peer that answers the
 * message at once (a server that closes on "Goodbye") then has its close frame read first, and the
 * report finds the socket closing although the message left before the close began. Measured with
 * `ws` 8.23 alone, a server in another process: 5-7 reports in 20 came after the close frame over
 * wss: on Node 18, 20, 22 and 26; none over ws:, where such a report comes on the next tick.
 * A write that waited for the network is reported from the poll phase that finished it, later.
 *
 * One watch serves every send made before its first immediate runs: a burst of small writes, each
 * settled by the report of the one before within one task, costs three immediates in all instead
 * of two per message (Node 20, 16 B sends: about 1.2 × the messages per second at 0.85 × the CPU).
 * A send made inside the check phase that runs that first immediate, but before it, shares the
 * watch too, and its report may come two poll phases later: so a watch lasts until the third
 * check phase after its first send, which covers it.
 */
function watchPromptness(): { readonly prompt: boolean } {
  if (openWatch?.started === false) return openWatch;
  const watch = { prompt: true, started: false };
  openWatch = watch;
  // Node's global, not an import of node:timers: this module shares a chunk with the browser
  // entries (RECEIVE_HIGH_WATER_MARK), and a browser cannot load a node: module.
  setImmediate(() => {
    watch.started = true;
    setImmediate(() => setImmediate(() => {
      watch.prompt = false;
    }));
  });
  return watch;
}

/**
 * Stops reading once the readable holds RECEIVE_HIGH_WATER_MARK bytes, and settles a write when
 * ws reports its message sent: that report is what says the bytes reached the network, and
 * waiting for it also lets ws finish each write before the next.
 */
const wsTransfer: CreateTransfer<WsWebSocket> = (webSocket, events, bufferedAmount): Transfer => {
  webSocket.binaryType = 'nodebuffer';
  const queued = new ReceiveQueueSizes();
  let paused = false;
  let limit = 0;
  let callback: ((handedOverBeforeClosing?: boolean) => void) | undefined;

  const onSent = (error: Error | null | undefined, watch: { readonly prompt: boolean }): void => {
    // `ws` fails every queued send when the connection drops; those bytes never left, and the
    // waiting write must be rejected by the close, not resolved here.
    if (error != null) return;
    const waiting = callback;
    // A report that came at once is of bytes that left within send(), before any close that the
    // socket may show now; what it still buffers is its own close frame, not unsent data of ours,
    // so it is not looked at.
    if (watch.prompt) {
      callback = undefined;
      return waiting?.(true);
    }
    // Look even with no write waiting: each look is how a peer's close with unsent bytes is noticed.
    const amount = bufferedAmount();
    if (waiting === undefined || amount > limit) return;
    callback = undefined;
    waiting();
  };

  // Whether permessage-deflate was negotiated: known once open, and writes come only after that.
  // Asked once, because ws builds its `extensions` string anew on every read.
  let compresses: boolean | undefined;

  return {
    // Without compression ws copies a message into the masked frame within send(); with it, zlib
    // reads the bytes on its own thread after send() has returned. Only then does a binary message
    // get a copy, which costs Node an ArrayBuffer outside its heap for every message over 64 bytes.
    send: (data) => {
      const watch = watchPromptness();
      compresses ??= webSocket.extensions !== '';
      webSocket.send(compresses && typeof data !== 'string' ? new Uint8Array(data) : data, (error) => onSent(error, watch));
    },
    receive(data) {
      const message = typeof data === 'string' ? data : toOwnUint8Array(data);
      events.message(message);
      // 0: a waiting read took the message at once (or the stream dropped it). Otherwise it joined the queue.
      const waiting = events.queuedMessages();
      if (waiting > 0 && queued.add(messageSize(message), waiting - 1) >= RECEIVE_HIGH_WATER_MARK && !paused) {
        paused = true;
        webSocket.pause();
      }
    },
    whenSent(newLimit, newCallback) {
      limit = newLimit;
      callback = newCallback;
      return false;
    },
    resume() {
      queued.clear();
      if (paused) {
        paused = false;
        webSocket.resume();
      }
    },
    stop() {
      callback = undefined;
    },
  };
};

export function wsConnector(WebSocketFromWs: WsClass): SocketConnector {
  return webSocketConnector((url, protocols) => new WebSocketFromWs(url, protocols, { closeTimeout: WS_CLOSE_TIMEOUT_MS }), wsTransfer);
}
