// A Socket over the WHATWG WebSocket API: browsers, workers, Node's global WebSocket, and the `ws`
// package (which implements the same event API, and adds pause/resume and send callbacks).

import { type Socket, type SocketConnector, type SocketEventSink } from './socket.js';
import { WebSocketCtor, clearTimeoutFn, isNativeFunction, mathMin, queueTask, setTimeoutFn } from './intrinsics.js';

const OPEN = 1;
const CLOSING = 2;

/** The longest wait between two looks at bufferedAmount while a write waits for it to drop. */
export const MAX_DRAIN_POLL_MS = 16;

export interface WebSocketLike {
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
}

/** Opens a WebSocket; the connector does the rest. */
export type CreateWebSocket = (url: string, protocols: string[]) => WebSocketLike;

/**
 * One connection's share of what differs between WebSocket implementations: how a message is
 * handed over and known to be sent, and how received ones reach the stream (and whether reading
 * from the network can stop).
 */
export interface Transfer {
  /** Hands one message to the WebSocket, as Socket.send. */
  send(data: string | Uint8Array): void;
  /** A message event's data: hands the message to the stream. */
  receive(data: unknown): void;
  /**
   * As Socket.whenSent. The connector ignores a call back that comes once the connection is
   * closing, unless it says the message was handed to the network before the closing began
   * (`handedOverBeforeClosing`): the `ws` transfer knows that of a write Node finished at once.
   */
  whenSent(limit: number, callback: (handedOverBeforeClosing?: boolean) => void): boolean;
  /** As Socket.resume. */
  resume?(): void;
  /** The connection has closed: drop a waiting callback, and any timer behind it. */
  stop(): void;
}

/** Sets up a new WebSocket (its binaryType, say) and the Transfer for it. */
export type CreateTransfer<T extends WebSocketLike> = (
  webSocket: T,
  events: SocketEventSink,
  /** Reads bufferedAmount: every look also watches for a peer's close with unsent bytes. */
  bufferedAmount: () => number,
) => Transfer;

export function webSocketConnector<T extends WebSocketLike>(
  createWebSocket: (url: string, protocols: string[]) => T,
  createTransfer: CreateTransfer<T>,
): SocketConnector {
  return (url: string, protocols: readonly string[], events: SocketEventSink): Socket => {
    const webSocket = createWebSocket(url, [...protocols]);
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
    const transfer = createTransfer(webSocket, events, bufferedAmount);
    // Once the connection is closing, the buffer may shrink because bytes are being thrown away,
    // not sent: the close event settles the waiting write instead. One guard serves every write.
    let sentCallback: () => void;
    const sent = (handedOverBeforeClosing = false): void => {
      if (handedOverBeforeClosing || webSocket.readyState === OPEN) sentCallback();
    };

    const reportClose = (wasClean: boolean, code: number, reason: string): void => {
      if (closed) return;
      closed = true;
      transfer.stop();
      events.close(wasClean && !peerClosedWithUnsentData, code, reason);
    };

    webSocket.onopen = () => {
      opened = true;
      events.open(webSocket.protocol, webSocket.extensions);
    };
    webSocket.onmessage = (event) => transfer.receive(event.data);
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
      send: transfer.send,
      close(code, reason) {
        closeRequested = true;
        if (code === undefined) webSocket.close();
        else webSocket.close(code, reason);
      },
      resume: transfer.resume,
      whenSent(limit, callback) {
        sentCallback = callback;
        return transfer.whenSent(limit, sent);
      },
    };
  };
}

/**
 * Watches bufferedAmount for an API that has no event when it drops. A wait's first look is a task
 * of its own (queueTask); while the buffer drains, it looks on every timer task after that
 * (browsers clamp nested timers to about 4 ms), as an application's own send loop does. Looks
 * that see nothing drain sleep 1, 3, 7, 15 ms, then MAX_DRAIN_POLL_MS: a buffer that drains in
 * bursts is soon looked at again, and a stalled connection about 60 times a second. Only one
 * write is ever in flight, so there is at most one waiter.
 */
function drainWatcher(bufferedAmount: () => number): Pick<Transfer, 'whenSent' | 'stop'> {
  let timer: unknown;
  let limit = 0;
  let callback: (() => void) | undefined;
  let lastAmount = 0;
  let idleDelay = 0;

  const look = (): void => {
    // Stopped while the first look was queued (that one has no timer to clear).
    if (callback === undefined) return;
    const amount = bufferedAmount();
    // Chromium throws away the bytes it still holds when the peer's close frame arrives, yet
    // reports them as sent just before it reports the close (docs/native-chromium.md, 11). So a
    // buffer that empties at once from above twice the limit is believed only at the next look,
    // once such a close has come. Writes within the limit never fill it that far, so sending
    // them never waits for that look.
    if (amount <= limit && (amount > 0 || lastAmount <= 2 * limit)) {
      const waiting = callback;
      timer = callback = undefined;
      return waiting();
    }
    // An empty buffer doubted above gives the close a clamped timer's 4 ms to come.
    idleDelay = amount < lastAmount ? (amount ? 0 : 4) : mathMin(MAX_DRAIN_POLL_MS, 2 * idleDelay + 1);
    lastAmount = amount;
    timer = setTimeoutFn(look, idleDelay);
  };

  return {
    whenSent(newLimit, newCallback) {
      lastAmount = bufferedAmount();
      if (lastAmount <= newLimit) return true;
      limit = newLimit;
      callback = newCallback;
      idleDelay = 0;
      // The write before was most likely settled by a look, in a timer task: a timer set now
      // would nest in that chain, and wait 4 ms where the buffer may drain in less.
      timer = undefined;
      queueTask(look);
      return false;
    },
    stop() {
      if (timer !== undefined) clearTimeoutFn(timer);
      timer = callback = undefined;
    },
  };
}

/**
 * The platform's WebSocket, built into the engine, copies the bytes at send(): its network code
 * cannot read script memory later. One written in script may keep the view and send it afterwards
 * (jsdom's does), so it gets a copy. Copying cost 45 µs per 64 KiB and 0.55 ms per MiB in
 * Chromium 156: a fifth of the time of sending a megabyte.
 */
function platformTransfer(sendTakesBytesAtOnce: boolean): CreateTransfer<WebSocketLike> {
  return (webSocket, events, bufferedAmount) => {
    // With binaryType "arraybuffer" the buffer is the message's own: viewing it needs no copy.
    webSocket.binaryType = 'arraybuffer';
    return {
      send: (data) => webSocket.send(typeof data === 'string' || sendTakesBytesAtOnce ? data : new Uint8Array(data)),
      receive: (data) => {
        events.message(typeof data === 'string' ? data : new Uint8Array(data as ArrayBuffer));
      },
      // The WebSocket API cannot stop reading: there is no resume().
      ...drainWatcher(bufferedAmount),
    };
  };
}

let platform: SocketConnector | undefined;

/** The platform's own WebSocket, as it was when the polyfill loaded; undefined where there is none. */
export function platformConnector(): SocketConnector | undefined {
  if (platform !== undefined || WebSocketCtor === undefined) return platform;
  const WebSocketClass = WebSocketCtor as unknown as new (url: string, protocols: string[]) => WebSocketLike;
  return (platform = webSocketConnector((url, protocols) => new WebSocketClass(url, protocols), platformTransfer(isNativeFunction(WebSocketCtor))));
}
