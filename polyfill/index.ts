// The ponyfill: the implementation as named exports. Importing it changes no global.

export { WebSocketStream, SEND_HIGH_WATER_MARK } from './websocket-stream.js';
export { RECEIVE_HIGH_WATER_MARK } from './ws-connector.js';
export type { WebSocketOpenInfo, WebSocketStreamConstructor, WebSocketStreamOptions } from './websocket-stream.js';
export { WebSocketError } from './websocket-error.js';
export type { WebSocketCloseInfo, WebSocketErrorConstructor } from './websocket-error.js';
export { install } from './install.js';
export type { InstallOptions, InstalledName } from './install.js';
