// The Node.js ponyfill: backed by the `ws` package when it is installed (real receive
// backpressure), otherwise by Node's global WebSocket.

import { createRequire } from 'node:module';
import { type WebSocketClass } from './web-socket-connector.js';
import { setSocketConnector } from './websocket-stream.js';
import { wsConnector } from './ws-connector.js';

function loadWs(): WebSocketClass | undefined {
  try {
    const require = createRequire(import.meta.url);
    return require('ws') as WebSocketClass;
  } catch {
    return undefined;
  }
}

const WebSocketFromWs = loadWs();
if (WebSocketFromWs !== undefined) setSocketConnector(wsConnector(WebSocketFromWs));

/** Which implementation carries new connections from this entry. */
export const socketImplementation: 'ws' | 'global' = WebSocketFromWs !== undefined ? 'ws' : 'global';

export * from './index.js';
