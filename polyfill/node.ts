// The Node.js ponyfill: backed by the `ws` package when it is installed (real receive
// backpressure), otherwise by Node's global WebSocket. Loading it makes every WebSocketStream of the
// realm connect this way (there is one WebSocketStream per realm: realm.ts).
//
// `ws` is not a dependency: a project brings its own. Versions before pause()/resume() (ws 7) cannot
// carry the adapter, and the global WebSocket is used instead.

import { createRequire } from 'node:module';
import { setSocketConnector } from './websocket-stream.js';
import { wsConnector } from './ws-connector.js';

type WsClass = Parameters<typeof wsConnector>[0];

function loadWs(): WsClass | undefined {
  let loaded: WsClass;
  try {
    loaded = createRequire(import.meta.url)('ws') as WsClass;
  } catch {
    return undefined;
  }
  const prototype = (loaded as { prototype?: { pause?: unknown; resume?: unknown } }).prototype;
  return typeof prototype?.pause === 'function' && typeof prototype.resume === 'function' ? loaded : undefined;
}

const WebSocketFromWs = loadWs();
if (WebSocketFromWs !== undefined) setSocketConnector(wsConnector(WebSocketFromWs));

/** Which implementation carries the realm's new connections: `ws`, or the global WebSocket. */
export const socketImplementation: 'ws' | 'global' = WebSocketFromWs !== undefined ? 'ws' : 'global';

export * from './index.js';
