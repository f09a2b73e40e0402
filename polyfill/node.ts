// The Node.js ponyfill: backed by the `ws` package when it is installed (real receive
// backpressure), otherwise by Node's global WebSocket.

import { createRequire } from 'node:module';
import { setSocketConnector } from './websocket-stream.js';
import { wsConnector } from './ws-connector.js';

function loadWs(): Parameters<typeof wsConnector>[0] | undefined {
  try {
    const require = createRequire(import.meta.url);
    return require('ws') as Parameters<typeof wsConnector>[0];
  } catch {
    return undefined;
  }
}

const WebSocketFromWs = loadWs();
if (WebSocketFromWs !== undefined) setSocketConnector(wsConnector(WebSocketFromWs));

/** Which implementation carries new connections from this entry. */
export const socketImplementation: 'ws' | 'global' = WebSocketFromWs !== undefined ? 'ws' : 'global';

export * from './index.js';
