// The Node.js entry: the ponyfill's types, and which implementation carries connections.
import { WebSocketError, WebSocketStream, socketImplementation } from 'websocketstream-polyfill/node';

export const implementation: 'ws' | 'global' = socketImplementation;
export const stream = new WebSocketStream('ws://127.0.0.1:8080/');
export const error = new WebSocketError('', { closeCode: 4000, reason: 'r' });

// @ts-expect-error a misspelt option
new WebSocketStream('ws://127.0.0.1:8080/', { protocl: 'typo' });
// @ts-expect-error a misspelt close code
new WebSocketError('m', { closecode: 4000 });
