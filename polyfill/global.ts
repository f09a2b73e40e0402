// The globals the polyfill installs (the side-effect entry and the classic scripts), declared as
// TypeScript's DOM library declares interfaces it generates from the standard's Web IDL
// (dictionary members optional, interface objects as `declare var` with `prototype` and `new`),
// so that a future lib.dom that adds them merges with these declarations instead of conflicting.
// For a page that loads the classic script: /// <reference types="websocketstream-polyfill/global" />

export {};

declare global {
  interface WebSocketCloseInfo {
    closeCode?: number;
    reason?: string;
  }

  interface WebSocketOpenInfo {
    extensions?: string;
    protocol?: string;
    readable?: ReadableStream;
    writable?: WritableStream;
  }

  interface WebSocketStreamOptions {
    protocols?: string[];
    signal?: AbortSignal;
  }

  interface WebSocketStream {
    readonly closed: Promise<WebSocketCloseInfo>;
    readonly opened: Promise<WebSocketOpenInfo>;
    readonly url: string;
    close(closeInfo?: WebSocketCloseInfo): void;
  }

  // A global interface object is declared with var, as lib.dom does.
  var WebSocketStream: {
    prototype: WebSocketStream;
    new (url: string | URL, options?: WebSocketStreamOptions): WebSocketStream;
  };

  interface WebSocketError extends DOMException {
    readonly closeCode: number | null;
    readonly reason: string;
  }

  var WebSocketError: {
    prototype: WebSocketError;
    new (message?: string, init?: WebSocketCloseInfo): WebSocketError;
  };
}
