// A Socket over the WHATWG WebSocket API: browsers, workers, Node's global WebSocket, and the `ws`
// package (which implements the same event API, and adds pause/resume and send callbacks).

import { type Socket, type SocketConnector, type SocketEventSink } from './socket.js';
import { WebSocketCtor, clearTimeoutFn, dateNow, isNativeFunction, mathMax, mathMin, mathTrunc, setTimeoutFn } from './intrinsics.js';

const OPEN = 1;
const CLOSING = 2;

/** The longest wait between two looks at bufferedAmount while a write waits for it to drop. */
export const MAX_DRAIN_POLL_MS = 16;

interface WebSocketLike {
  binaryType: string;
  readonly readyState: number;
  readonly bufferedAmount: number;
  readonly protocol: string;
  readonly extensions: string;
  onopen: ((event: unknown) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  onclose: ((event: { wasClean: boolean; code: number; reason: string }) => void) | null;
  onerror: ((event: unknown) => void) | null;
  send(data: string | Uint8Array, callback?: (error?: Error) => void): void;
  close(code?: number, reason?: string): void;
  pause?(): void;
  resume?(): void;
}

export type WebSocketClass = new (url: string, protocols: string[]) => WebSocketLike;

/** Opens a WebSocket; the connector does the rest. */
export type CreateWebSocket = (url: string, protocols: string[]) => WebSocketLike;

/** With binaryType "arraybuffer" the buffer is the message's own: viewing it needs no copy. */
function viewArrayBuffer(data: unknown): Uint8Array {
  return new Uint8Array(data as ArrayBuffer);
}

/**
 * Watches bufferedAmount for an API that has no event when it drops. Each look predicts, from how
 * fast the buffer drained since the previous look, when it will reach the limit, and sleeps that
 * long (0..MAX_DRAIN_POLL_MS): a fast network is looked at often, a stalled one rarely, and
 * nothing spins.
 */
class PollingWatcher implements BufferedAmountWatcher {
  #timer: unknown = undefined;
  #waiter: Waiter | undefined = undefined;
  #lastAmount = 0;
  #lastTime = 0;
  #bytesPerMs = 0;

  constructor(readonly socket: { readonly bufferedAmount: number }) {}

  wait(limit: number, callback: () => void): void {
    this.#waiter = { limit, callback };
    this.#lastAmount = this.socket.bufferedAmount;
    this.#lastTime = dateNow();
    this.#schedule(this.#lastAmount - limit);
  }

  stop(): void {
    if (this.#timer !== undefined) clearTimeoutFn(this.#timer);
    this.#timer = this.#waiter = undefined;
  }

  #schedule(excessBytes: number): void {
    const delay = this.#bytesPerMs > 0 ? mathMin(MAX_DRAIN_POLL_MS, mathTrunc(excessBytes / this.#bytesPerMs)) : 1;
    this.#timer = setTimeoutFn(() => this.#look(), delay);
  }

  #look(): void {
    this.#timer = undefined;
    const amount = this.socket.bufferedAmount;
    const now = dateNow();
    const elapsed = now - this.#lastTime;
    if (elapsed > 0) this.#bytesPerMs = mathMax(0, this.#lastAmount - amount) / elapsed;
    this.#lastAmount = amount;
    this.#lastTime = now;
    const waiter = this.#waiter!;
    if (amount > waiter.limit) return this.#schedule(amount - waiter.limit);
    this.#waiter = undefined;
    waiter.callback();
  }
}

export interface Waiter {
  readonly limit: number;
  readonly callback: () => void;
}

/** Tells the waiting write when bufferedAmount has dropped far enough. */
export interface BufferedAmountWatcher {
  /** Only one write is ever in flight, so there is at most one waiter; a new one replaces it. */
  wait(limit: number, callback: () => void): void;
  stop(): void;
  /** Given to send() as its callback where the implementation has one (the `ws` package). */
  readonly onSent?: (error?: Error) => void;
}

export interface WebSocketConnectorOptions {
  /** The implementation can stop reading from the network (the `ws` package's pause/resume). */
  readonly canPause: boolean;
  /** The binaryType to ask for, and how a binary message of that type becomes a Uint8Array of its own. */
  readonly binaryType: string;
  readonly toUint8Array: (data: unknown) => Uint8Array;
  /**
   * Whether the implementation's send() takes a message's bytes at the call, as the WebSocket
   * standard says. Otherwise send() is given a copy, so that the application may change its
   * buffer right after the write.
   */
  readonly sendTakesBytesAtOnce: boolean;
  readonly createWatcher: (socket: { readonly bufferedAmount: number }) => BufferedAmountWatcher;
}

export function webSocketConnector(
  createWebSocket: CreateWebSocket,
  { canPause, binaryType, toUint8Array, sendTakesBytesAtOnce, createWatcher }: WebSocketConnectorOptions,
): SocketConnector {
  return (url: string, protocols: readonly string[], events: SocketEventSink): Socket => {
    const webSocket = createWebSocket(url, [...protocols]);
    webSocket.binaryType = binaryType;
    let paused = false;
    let opened = false;
    let closed = false;
    let closeRequested = false;
    // The WebSocket API reports a peer's close as clean even when our queued bytes were still
    // unsent when it arrived (the implementation may send them afterwards). The only trace is the
    // socket turning CLOSING, unasked, while bufferedAmount is non-zero; every look at
    // bufferedAmount (after each send, and each poll while a write waits) checks for it.
    let peerClosedWithUnsentData = false;
    const bufferedAmount = (): number => {
      const amount = webSocket.bufferedAmount;
      if (amount > 0 && !closeRequested && webSocket.readyState === CLOSING) peerClosedWithUnsentData = true;
      return amount;
    };
    const watcher = createWatcher({ get bufferedAmount() { return bufferedAmount(); } });
    const onSent = watcher.onSent;

    const reportClose = (wasClean: boolean, code: number, reason: string): void => {
      if (closed) return;
      closed = true;
      watcher.stop();
      events.close(wasClean && !peerClosedWithUnsentData, code, reason);
    };

    webSocket.onopen = () => {
      opened = true;
      events.open(webSocket.protocol, webSocket.extensions);
    };
    webSocket.onmessage = (event) => {
      const data = event.data;
      events.message(typeof data === 'string' ? data : toUint8Array(data));
    };
    // The standard follows every error event with a close event, but Node 20's WebSocket never
    // sends the close for a failed handshake. A connection that never opened has nothing more to
    // report (its failure is opaque), so its error ends it; after open, the close event decides.
    webSocket.onerror = () => {
      if (!opened) reportClose(false, 1006, '');
    };
    webSocket.onclose = (event) => reportClose(event.wasClean, event.code, event.reason);

    return {
      get bufferedAmount() {
        return bufferedAmount();
      },
      send(data) {
        const message = typeof data === 'string' || sendTakesBytesAtOnce ? data : new Uint8Array(data);
        if (onSent === undefined) webSocket.send(message);
        else webSocket.send(message, onSent);
      },
      close(code, reason) {
        closeRequested = true;
        if (code === undefined) webSocket.close();
        else webSocket.close(code, reason);
      },
      pause() {
        if (canPause && !paused) {
          paused = true;
          webSocket.pause!();
        }
      },
      resume() {
        if (paused) {
          paused = false;
          webSocket.resume!();
        }
      },
      whenSent(limit, callback) {
        // Where each send is reported (ws), the report is what says the bytes reached the
        // network; waiting for it also lets the implementation finish each write before the
        // next. The WebSocket API has no such report: bufferedAmount is all there is.
        if (onSent === undefined && bufferedAmount() <= limit) return true;
        // Once the connection is closing, the buffer may shrink because bytes are being thrown
        // away, not sent: the close event settles the waiting write instead.
        watcher.wait(limit, () => webSocket.readyState === OPEN && callback());
        return false;
      },
    };
  };
}

let platform: SocketConnector | undefined;

/** The platform's own WebSocket, as it was when the polyfill loaded; undefined where there is none. */
export function platformConnector(): SocketConnector | undefined {
  if (platform !== undefined || WebSocketCtor === undefined) return platform;
  return (platform = webSocketConnector((url, protocols) => new (WebSocketCtor as unknown as WebSocketClass)(url, protocols), {
    canPause: false,
    binaryType: 'arraybuffer',
    toUint8Array: viewArrayBuffer,
    // A browser's WebSocket, built into the engine, copies the bytes at send(): its network
    // code cannot read script memory later. One written in script may keep the view and send
    // it afterwards (jsdom's does), so it gets a copy. Copying cost 45 µs per 64 KiB and
    // 0.55 ms per MiB in Chromium 156: a fifth of the time of sending a megabyte.
    sendTakesBytesAtOnce: isNativeFunction(WebSocketCtor),
    createWatcher: (socket) => new PollingWatcher(socket),
  }));
}
