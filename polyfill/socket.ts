// The one seam between the stream logic and an environment's WebSocket implementation. Everything
// that differs between the browser's WebSocket and Node's `ws` package lives behind it.

/** What a socket reports. Called at most once each for `open` and `close`, in that order. */
export interface SocketEventSink {
  open(protocol: string, extensions: string): void;
  /** A text message as a string, a binary one as a Uint8Array over a buffer of its own. */
  message(data: string | Uint8Array): void;
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
  /** Stops reading from the network, where the implementation can; otherwise does nothing. */
  pause(): void;
  resume(): void;
  /**
   * Whether the message just sent may count as sent: handed to the network, with bufferedAmount at
   * most `limit`. → true if it does now; otherwise false, and `callback` is called once it does
   * (never synchronously). A callback still waiting when the connection closes is dropped, with
   * any timer behind it.
   */
  whenSent(limit: number, callback: () => void): boolean;
}

export type SocketConnector = (url: string, protocols: readonly string[], events: SocketEventSink) => Socket;
