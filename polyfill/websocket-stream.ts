// WebSocketStream: a WebSocket connection as a ReadableStream of messages and a WritableStream of
// messages. The class is a thin Web IDL shell; the standard's algorithms are the free functions
// below, each named after the algorithm it implements and operating on one StreamState record.

import {
  type Deferred,
  DOMExceptionCtor,
  ReadableStreamCtor,
  WritableStreamCtor,
  abortReasonOf,
  addEventListenerTo,
  arrayBufferByteLengthOf,
  createDeferred,
  fulfilledPromise,
  isArrayBufferView,
  isSignalAborted,
  isUint8Array,
  markAsHandled,
  promiseThenCall,
  rejectedPromise,
  removeEventListenerFrom,
  resizableIfArrayBuffer,
} from './intrinsics.js';
import { defineInterfaceShape } from './interface.js';
import { type Socket, type SocketConnector } from './socket.js';
import { sharedInterface, sharedRecord } from './realm.js';
import { platformConnector } from './web-socket-connector.js';
import { type WebSocketCloseInfo, closeInfoOfWebSocketError, createWebSocketError } from './websocket-error.js';
import {
  MAX_REASON_BYTES,
  illegalInvocation,
  isSendableCloseCode,
  parseWebSocketURL,
  toAbortSignal,
  toDictionary,
  toUSVString,
  toUSVStringSequence,
  toValidatedCloseInfo,
  typeError,
  utf8ByteLength,
  validateProtocols,
} from './webidl.js';

/**
 * A write settles once the socket's bufferedAmount is at most this many bytes, so writer.ready
 * and pipeTo() slow down with the network while a megabyte stays in flight to keep it busy.
 */
export const SEND_HIGH_WATER_MARK = 1024 * 1024;

/** Web IDL `dictionary WebSocketOpenInfo`: what `opened` resolves with. */
export interface WebSocketOpenInfo {
  readable: ReadableStream<string | Uint8Array>;
  writable: WritableStream<unknown>;
  extensions: string;
  protocol: string;
}

/** Web IDL `dictionary WebSocketStreamOptions`. */
export interface WebSocketStreamOptions {
  protocols?: Iterable<string>;
  signal?: AbortSignal;
}

/** Web IDL `interface WebSocketStream`. */
export interface WebSocketStream {
  readonly url: string;
  readonly opened: Promise<WebSocketOpenInfo>;
  readonly closed: Promise<Required<WebSocketCloseInfo>>;
  close(closeInfo?: WebSocketCloseInfo): void;
}

export interface WebSocketStreamConstructor {
  readonly prototype: WebSocketStream;
  new (url: string | URL, options?: WebSocketStreamOptions): WebSocketStream;
}

// The ready states, numbered as the WebSocket API numbers them: each is a step on from the one before.
const CONNECTING = 0;
const OPEN = 1;
const CLOSING = 2;
const CLOSED = 3;
type ReadyState = typeof CONNECTING | typeof OPEN | typeof CLOSING | typeof CLOSED;

interface StreamState {
  readonly url: string;
  readyState: ReadyState;
  socket: Socket | undefined;
  readonly opened: Deferred<WebSocketOpenInfo>;
  readonly closed: Deferred<Required<WebSocketCloseInfo>>;
  abortSignal: AbortSignal | undefined;
  abortListener: (() => void) | undefined;
  readableController: ReadableStreamDefaultController<string | Uint8Array> | undefined;
  /** False once the readable is closed, errored or cancelled: nothing more may be enqueued. */
  readableOpen: boolean;
  writableController: WritableStreamDefaultController | undefined;
  /** The write whose message the socket has not yet reported sent. */
  pendingWrite: Deferred<void> | undefined;
  /** Given to the socket to call when it has: one write is in flight at a time. */
  readonly writeSent: () => void;
  /** writer.close() waiting for the closing handshake. */
  pendingWritableClose: Deferred<void> | undefined;
}

/** What the realm keeps of the WebSocketStream interface. */
interface WebSocketStreamRecord {
  readonly interface: WebSocketStreamConstructor;
  /** Chooses how the realm's WebSocketStreams connect; undefined is the platform's WebSocket. */
  readonly setSocketConnector: (connector: SocketConnector | undefined) => void;
}

const INTERFACE_NAME = 'WebSocketStream';
const CONSTRUCT_CONTEXT = "Failed to construct 'WebSocketStream'";
const CLOSE_CONTEXT = "Failed to execute 'close' on 'WebSocketStream'";

function defineWebSocketStream(): WebSocketStreamRecord {
  let connectSocket: SocketConnector | undefined;
  let stateOf!: (stream: unknown) => StreamState | undefined;
  const brandedState = (stream: unknown, member: string): StreamState => {
    const state = stateOf(stream);
    if (state === undefined) throw illegalInvocation(INTERFACE_NAME, member);
    return state;
  };

  class WebSocketStream {
    readonly #state: StreamState;

    // https://websockets.spec.whatwg.org/#dom-websocketstream-websocketstream
    constructor(url: unknown, options: unknown = undefined) {
      // `url` is required: Web IDL counts arguments before converting any of them.
      if (arguments.length < 1) throw typeError(CONSTRUCT_CONTEXT, '1 argument required, but only 0 present.');
      // Web IDL converts every argument before the constructor's own steps run.
      const urlString = toUSVString(url, CONSTRUCT_CONTEXT);
      const dictionary = toDictionary(options, CONSTRUCT_CONTEXT, 'WebSocketStreamOptions');
      const rawProtocols = dictionary['protocols'];
      const protocols = rawProtocols === undefined ? [] : toUSVStringSequence(rawProtocols, CONSTRUCT_CONTEXT);
      const rawSignal = dictionary['signal'];
      const signal = rawSignal === undefined ? undefined : toAbortSignal(rawSignal, CONSTRUCT_CONTEXT);

      const parsedURL = parseWebSocketURL(urlString, CONSTRUCT_CONTEXT);
      validateProtocols(protocols, CONSTRUCT_CONTEXT);
      const connect = connectSocket ?? platformConnector();
      if (connect === undefined) {
        throw typeError(CONSTRUCT_CONTEXT, 'This environment has no WebSocket implementation (in Node.js, install the `ws` package and use websocketstream-polyfill/node).');
      }

      this.#state = createStreamState(parsedURL);
      startConnecting(this.#state, connect, protocols, signal);
    }

    get url(): string {
      return brandedState(this, 'url').url;
    }

    // Promise-returning attributes reject instead of throwing for a foreign `this`, as Web IDL says.
    get opened(): Promise<WebSocketOpenInfo> {
      const state = stateOf(this);
      return state === undefined ? rejectedPromise(illegalInvocation(INTERFACE_NAME, 'opened')) : state.opened.promise;
    }

    get closed(): Promise<Required<WebSocketCloseInfo>> {
      const state = stateOf(this);
      return state === undefined ? rejectedPromise(illegalInvocation(INTERFACE_NAME, 'closed')) : state.closed.promise;
    }

    // https://websockets.spec.whatwg.org/#dom-websocketstream-close
    close(closeInfo: unknown = undefined): void {
      const state = stateOf(this);
      if (state === undefined) throw typeError(CLOSE_CONTEXT, 'Illegal invocation');
      const { closeCode, reason } = toValidatedCloseInfo(closeInfo, CLOSE_CONTEXT);
      closeTheWebSocket(state, closeCode, reason);
    }

    static {
      stateOf = (stream) => (typeof stream === 'object' && stream !== null && #state in stream ? (stream as WebSocketStream).#state : undefined);
    }
  }

  defineInterfaceShape(WebSocketStream, INTERFACE_NAME, ['url', 'opened', 'closed', 'close']);
  return {
    interface: WebSocketStream as unknown as WebSocketStreamConstructor,
    setSocketConnector: (connector) => {
      connectSocket = connector;
    },
  };
}

export const WebSocketStream: WebSocketStreamConstructor = /*#__PURE__*/ sharedInterface(INTERFACE_NAME, defineWebSocketStream);

/** Chooses how every WebSocketStream of the realm connects; the Node entry points it at the `ws` package. */
export function setSocketConnector(connector: SocketConnector | undefined): void {
  sharedRecord(INTERFACE_NAME, defineWebSocketStream).setSocketConnector(connector);
}

function createStreamState(url: string): StreamState {
  const state: StreamState = {
    url,
    readyState: CONNECTING,
    socket: undefined,
    opened: createDeferred(),
    closed: createDeferred(),
    abortSignal: undefined,
    abortListener: undefined,
    readableController: undefined,
    readableOpen: false,
    writableController: undefined,
    pendingWrite: undefined,
    writeSent: () => writeSent(state),
    pendingWritableClose: undefined,
  };
  // The standard marks both promises as handled: a page that never looks at them sees no
  // unhandled rejection when a connection fails.
  markAsHandled(state.opened.promise);
  markAsHandled(state.closed.promise);
  return state;
}

/** Constructor steps 3–4: honour the signal, then establish a WebSocket connection. */
function startConnecting(state: StreamState, connect: SocketConnector, protocols: readonly string[], signal: AbortSignal | undefined): void {
  if (signal !== undefined && isSignalAborted(signal)) {
    // An already-aborted signal: reject both promises and never touch the network.
    state.readyState = CLOSED;
    const reason = abortReasonOf(signal);
    state.opened.reject(reason);
    state.closed.reject(reason);
    return;
  }
  if (signal !== undefined) {
    state.abortSignal = signal;
    state.abortListener = () => abortTheHandshake(state);
    addEventListenerTo(signal, 'abort', state.abortListener);
  }
  try {
    state.socket = connect(state.url, protocols, {
      open: (protocol, extensions) => handleConnectionEstablished(state, protocol, extensions),
      message: (data) => handleMessage(state, data),
      queuedMessages: () => queuedMessages(state),
      close: (wasClean, code, reason) => handleConnectionClose(state, wasClean, code, reason),
    });
  } catch {
    // A WebSocket implementation that refuses the URL outright fails the connection, as the
    // network would have; the URL itself was already validated.
    state.readyState = CLOSING;
    queueConnectionFailure(state);
  }
}

function queueConnectionFailure(state: StreamState): void {
  promiseThenCall(fulfilledPromise, () => handleConnectionClose(state, false, 1006, ''));
}

function detachSignal(state: StreamState): void {
  // The two are set together.
  if (state.abortListener !== undefined) removeEventListenerFrom(state.abortSignal!, 'abort', state.abortListener);
  state.abortSignal = undefined;
  state.abortListener = undefined;
}

/** The signal's abort steps: only while the handshake is in progress, fail the connection. */
function abortTheHandshake(state: StreamState): void {
  if (state.readyState !== CONNECTING) return;
  const reason = abortReasonOf(state.abortSignal!);
  detachSignal(state);
  state.readyState = CLOSED;
  state.socket?.close();
  state.opened.reject(reason);
  state.closed.reject(reason);
}

/** "When the WebSocket connection is established": expose the streams and resolve opened. */
function handleConnectionEstablished(state: StreamState, protocol: string, extensions: string): void {
  if (state.readyState !== CONNECTING) return;
  detachSignal(state);
  state.readyState = OPEN;
  const readable = new ReadableStreamCtor!<string | Uint8Array>(
    {
      start: (controller) => {
        state.readableController = controller;
      },
      // Only a socket that can stop reading needs to hear that a read waits.
      pull: state.socket!.resume && (() => pull(state)),
      cancel: (reason) => {
        state.readableOpen = false;
        closeUsingReason(state, reason);
      },
    },
    // Counted in messages, with a high-water mark of 0: the queue's byte size is tracked by the
    // socket that can stop reading (ws-connector.ts) instead, because a size() callback costs
    // several microseconds per message in some engines (Firefox), more than the rest of receiving one.
    { highWaterMark: 0 },
  );
  state.readableOpen = true;
  const writable = new WritableStreamCtor!<unknown>(
    {
      start: (controller) => {
        state.writableController = controller;
      },
      write: (chunk) => write(state, chunk),
      close: () => closeTheWritable(state),
      abort: (reason) => closeUsingReason(state, reason),
    },
    { highWaterMark: 1 },
  );
  // Web IDL creates dictionaries with their members in lexicographic order.
  state.opened.resolve({ extensions, protocol, readable, writable });
}

/** "When a WebSocket message has been received": queue it. */
function handleMessage(state: StreamState, data: string | Uint8Array): void {
  if (state.readyState === OPEN && state.readableOpen) state.readableController!.enqueue(data);
}

/** How many messages wait in the readable's queue: a socket that can stop reading weighs them. */
function queuedMessages(state: StreamState): number {
  if (state.readyState !== OPEN || !state.readableOpen) return 0;
  // Counted in messages with a high-water mark of 0: 0 if a waiting read took the last at once.
  return -state.readableController!.desiredSize!;
}

/**
 * The readable's pull algorithm. With a high-water mark of 0 it runs only when a read waits on an
 * empty queue: the application wants more, so read from the network again.
 */
function pull(state: StreamState): void {
  state.socket?.resume?.();
}

/** The writable's write algorithm: send the chunk as one message, settle once it left the buffer. */
function write(state: StreamState, chunk: unknown): Promise<void> {
  // A chunk that cannot be sent throws: the stream takes that as the write's rejection, as Web IDL
  // turns an exception in a callback that returns a promise into a rejected promise.
  const data = toMessage(chunk);
  // Once the closing handshake has begun nothing more is sent, and the write is not an error.
  if (state.readyState !== OPEN) return fulfilledPromise;
  const socket = state.socket!;
  socket.send(data);
  if (socket.whenSent(SEND_HIGH_WATER_MARK, state.writeSent)) return fulfilledPromise;
  const pending = createDeferred<void>();
  state.pendingWrite = pending;
  return pending.promise;
}

/** The socket has sent the pending write's message: settle it. */
function writeSent(state: StreamState): void {
  const pending = state.pendingWrite;
  state.pendingWrite = undefined;
  pending?.resolve();
}

const WRITE_CONTEXT = "Failed to write to 'WebSocketStream'";

/**
 * Converts a chunk to what is sent: BufferSources as a view of their bytes, which the socket takes
 * as they are at send(), anything else as a USVString. Buffers that can change size or are shared
 * cannot be taken safely, and are refused.
 */
function toMessage(chunk: unknown): string | Uint8Array {
  if (typeof chunk === 'string') return toUSVString(chunk, WRITE_CONTEXT);
  // Views first: they are the common binary chunk, and the ArrayBuffer brand check throws for them.
  const isView = isArrayBufferView(chunk);
  // An ArrayBuffer only if resizableIfArrayBuffer answers, and used as one only after it has. One
  // getter call for both checks sent 16 B binary messages 1.07–1.09 × as fast in WebKit as two.
  const buffer = (isView ? chunk.buffer : chunk) as ArrayBuffer;
  const resizable = resizableIfArrayBuffer(buffer);
  if (resizable === undefined) {
    if (isView) throw typeError(WRITE_CONTEXT, 'The ArrayBufferView is backed by a SharedArrayBuffer.');
    return toUSVString(chunk, WRITE_CONTEXT);
  }
  if (resizable) throw typeError(WRITE_CONTEXT, 'The ArrayBuffer is resizable.');
  // A detached buffer reports a length of 0 and sends an empty message; it cannot be viewed.
  if ((isView ? chunk.byteLength : arrayBufferByteLengthOf(buffer)) === 0) return new Uint8Array(0);
  if (!isView) return new Uint8Array(buffer);
  // A Uint8Array is a message as it is: a new view of it cost 0.4 µs per write in WebKit, more
  // than the rest of the polyfill's share of sending a small message there.
  return isUint8Array(chunk) ? chunk : new Uint8Array(buffer, chunk.byteOffset, chunk.byteLength);
}

/** The writable's close algorithm: a clean close with no code, settled by the closing handshake. */
function closeTheWritable(state: StreamState): Promise<void> {
  const pending = createDeferred<void>();
  state.pendingWritableClose = pending;
  closeTheWebSocket(state, null, '');
  return pending.promise;
}

/** "Close using reason" (readable cancel, writable abort): a WebSocketError's code and reason are sent. */
function closeUsingReason(state: StreamState, reason: unknown): void {
  const info = closeInfoOfWebSocketError(reason);
  // A WebSocketError reporting a received 1006, say, may not be sent back: close with no code.
  if (info?.closeCode != null && isSendableCloseCode(info.closeCode) && utf8ByteLength(info.reason) <= MAX_REASON_BYTES) {
    closeTheWebSocket(state, info.closeCode, info.reason);
  } else {
    closeTheWebSocket(state, null, '');
  }
}

/** "Close the WebSocket": start the closing handshake, or fail a connection still being established. */
function closeTheWebSocket(state: StreamState, closeCode: number | null, reason: string): void {
  if (state.readyState >= CLOSING) return;
  const wasConnecting = state.readyState === CONNECTING;
  state.readyState = CLOSING;
  // A paused socket would never read the peer's answering close frame.
  state.socket!.resume?.();
  if (wasConnecting) {
    // Code and reason are for an established connection; the handshake is simply abandoned.
    state.socket!.close();
  } else if (closeCode === null) {
    state.socket!.close();
  } else {
    state.socket!.close(closeCode, reason);
  }
}

/** "Handle connection close" (the WebSocket connection is closed): settle every promise and stream. */
function handleConnectionClose(state: StreamState, wasClean: boolean, code: number, reason: string): void {
  if (state.readyState === CLOSED) return;
  const wasEstablished = state.readableController !== undefined;
  // A close we did not start, arriving while a write still waits for the network, left that
  // write's data unsent: the peer closed on data it never received.
  const peerClosedOnWaitingWrite = state.readyState === OPEN && state.pendingWrite !== undefined;
  state.readyState = CLOSED;
  detachSignal(state);

  if (!wasEstablished) {
    // The standard forbids telling failures apart: every one is the same opaque error.
    state.opened.reject(createWebSocketError('The WebSocket connection could not be established.', null));
    state.closed.reject(createWebSocketError('The WebSocket connection could not be established.', 1006));
    return;
  }

  // Bytes still buffered when the connection closed were never sent: that close is not clean here.
  // 1006 is never sent in a close frame; an implementation that calls such a close clean is wrong.
  const clean = wasClean && code !== 1006 && !peerClosedOnWaitingWrite && state.socket!.bufferedAmount === 0;
  const pendingWrite = state.pendingWrite;
  const pendingWritableClose = state.pendingWritableClose;
  state.pendingWrite = undefined;
  state.pendingWritableClose = undefined;
  const readableController = state.readableController!;
  const readableWasOpen = state.readableOpen;
  state.readableOpen = false;

  // A write still in flight rejects with an InvalidStateError, clean close or not, and that very
  // object errors the writable; otherwise the writable errors as the rest of the connection does.
  const writableError = pendingWrite !== undefined || clean ? invalidStateError() : undefined;
  pendingWrite?.reject(writableError);

  if (clean) {
    if (pendingWritableClose !== undefined) pendingWritableClose.resolve();
    else state.writableController!.error(writableError);
    if (readableWasOpen) readableController.close();
    state.closed.resolve({ closeCode: code, reason });
    return;
  }

  const error = createWebSocketError('The WebSocket connection was closed abnormally.', code, reason);
  pendingWritableClose?.reject(error);
  state.writableController!.error(writableError ?? error);
  if (readableWasOpen) readableController.error(error);
  state.closed.reject(error);
}

function invalidStateError(): DOMException {
  return new DOMExceptionCtor('The WebSocket connection is closed.', 'InvalidStateError');
}
