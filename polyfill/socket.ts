// The one seam between the stream logic and an environment's WebSocket implementation. Everything
// that differs between the browser's WebSocket and Node's `ws` package lives behind it, receive
// backpressure included: only a socket that can stop reading needs to count the queued bytes.
//
// setSocketConnector hands connectors from one copy of the polyfill to the realm's WebSocketStream,
// which may be another copy's (realm.ts): these two interfaces are a contract between versions too.

/** What a socket reports. Called at most once each for `open` and `close`, in that order. */
export interface SocketEventSink {
  open(protocol: string, extensions: string): void;
  /** A text message as a string, a binary one as a Uint8Array over a buffer of its own. */
  message(data: string | Uint8Array): void;
  /**
   * How many messages wait in the readable's queue: 0 when a waiting read took the last one at
   * once, or when the stream drops messages (the readable is closed, or the closing handshake has
   * begun). Asked apart from message() because only a socket that can stop reading needs it, and
   * the read costs about 0.4 µs per message in WebKit.
   */
  queuedMessages(): number;
  close(wasClean: boolean, code: number, reason: string): void;
}

export interface Socket {
  /** Bytes handed to send() that the network has not taken yet. */
  readonly bufferedAmount: number;
  /**
   * Sends one message. A Uint8Array may be a view of the application's buffer, which may change
   * right after the call: the socket takes the bytes as they are now, as the standard requires.
   */
  send(data: string | Uint8Array): void;
  /** Starts the closing handshake, or fails the connection if it is still being established. */
  close(code?: number, reason?: string): void;
  /**
   * The application waits for a message and the readable's queue is empty (or the connection is
   * closing): if the socket stopped reading from the network because too much was queued, it
   * reads again. Absent where the socket cannot stop reading (the WebSocket API): the readable
   * then has no pull algorithm, whose call and promise on every read cost receiving 2-20 % in
   * WebKit and Firefox. Copies that predate this always had it, and call it unguarded; only the
   * `ws` connector, which has it, is ever handed to another copy.
   */
  resume?(): void;
  /**
   * Whether the message just sent may count as sent: handed to the network, with bufferedAmount at
   * most `limit`. → true if it does now; otherwise false, and `callback` is called once it does
   * (never synchronously). A callback still waiting when the connection closes is dropped, with
   * any timer behind it.
   */
  whenSent(limit: number, callback: () => void): boolean;
}

export type SocketConnector = (url: string, protocols: readonly string[], events: SocketEventSink) => Socket;
