import { spawn } from 'node:child_process';
import { WebSocketStream } from '../dist/node.js';
import { WebSocketStream as U } from 'undici';
import WebSocket from 'ws';
import { streamContender, eventContender } from './workloads.mjs';
process.removeAllListeners('warning');
const child = spawn(process.execPath, [new URL('./_srv.mjs', import.meta.url).pathname], { stdio: ['pipe', 'pipe', 'inherit'] });
const wsOrigin = await new Promise(r => child.stdout.once('data', d => r(String(d).trim())));
const cs = { poly: streamContender(WebSocketStream), raw: eventContender(WebSocket, { sendCallbacks: true }), undici: streamContender(U) };
const only = process.argv[2];
for (let rep = 0; rep < 5; rep++) for (const [name, c] of Object.entries(cs)) {
  if (only && name !== only) continue;
  const cpu0 = process.cpuUsage();
  const r = await c.echo({ wsOrigin, size: 16, type: 'binary', roundTrips: 4000 });
  const cpu = process.cpuUsage(cpu0);
  console.log(name.padEnd(7), 'p50', (r.p50 * 1000).toFixed(1), 'µs  cpu/rt', ((cpu.user + cpu.system) / 4050).toFixed(1), 'µs');
}
child.stdin.end();
