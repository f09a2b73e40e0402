// A Socket over Node's `ws` package: its WebSocket speaks the standard event API, and adds what a
// browser cannot offer — pause()/resume() for real receive backpressure, and send callbacks that
// say when bytes have left the buffer.

import { type SocketConnector } from './socket.js';
import { type WebSocketClass, webSocketConnector } from './web-socket-connector.js';

export function wsConnector(WebSocketFromWs: WebSocketClass): SocketConnector {
  return webSocketConnector(WebSocketFromWs, { canPause: true, hasSendCallback: true });
}
