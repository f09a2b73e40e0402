// A page that loads the classic script declares its globals with a reference, importing nothing.
/// <reference types="websocketstream-polyfill/global" />

export const stream = new WebSocketStream('wss://example.test/');
export const error = new WebSocketError('', { closeCode: 1000 });
// @ts-expect-error a misspelt option
new WebSocketStream('wss://example.test/', { singal: AbortSignal.abort() });
