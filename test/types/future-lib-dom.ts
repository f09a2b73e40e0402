// A later TypeScript DOM library may declare these interfaces itself, generated from the standard's
// Web IDL. The global declarations must merge with that, not conflict. This file declares them the
// way the generator writes interfaces and dictionaries, then imports the side-effect entry.
import 'websocketstream-polyfill/polyfill';

declare global {
  interface WebSocketError extends DOMException {
    readonly closeCode: number | null;
    readonly reason: string;
  }
  var WebSocketError: { prototype: WebSocketError; new (message?: string, init?: WebSocketCloseInfo): WebSocketError };

  interface WebSocketStream {
    readonly closed: Promise<WebSocketCloseInfo>;
    readonly opened: Promise<WebSocketOpenInfo>;
    readonly url: string;
    close(closeInfo?: WebSocketCloseInfo): void;
  }
  var WebSocketStream: { prototype: WebSocketStream; new (url: string | URL, options?: WebSocketStreamOptions): WebSocketStream };

  interface WebSocketCloseInfo { closeCode?: number; reason?: string }
  interface WebSocketOpenInfo { extensions?: string; protocol?: string; readable?: ReadableStream; writable?: WritableStream }
  interface WebSocketStreamOptions { protocols?: string[]; signal?: AbortSignal }
}

export const stream = new WebSocketStream('wss://example.test/');
