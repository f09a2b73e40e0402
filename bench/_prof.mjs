import { startBenchServer } from './server.mjs';
import { WebSocketStream } from '../dist/node.js';
import WebSocket from 'ws';
import { streamContender, eventContender } from './workloads.mjs';
const server = await startBenchServer();
const poly = streamContender(WebSocketStream), raw = eventContender(WebSocket, { sendCallbacks: true });
const which = process.argv[2];
const c = which === 'raw' ? raw : poly;
const job = { wsOrigin: server.wsOrigin, size: 16, type: process.argv[3] ?? 'binary', count: 300000 };
for (let i = 0; i < 6; i++) { const r = await c.receive(job); console.log(which, (r.messages / r.ms).toFixed(0), 'k msg/s'); }
await server.close();
