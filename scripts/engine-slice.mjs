#!/usr/bin/env node
// `npm run test:engines`, the engine-row step of `npm test`: a slice of `npm run compat` small
// enough for every run — the oldest and newest Chromium without a WebSocketStream (92 needs the
// legacy build, 123 takes the modern one), Deno natively and with the polyfill, Bun, and Node 18
// (through `ws`) and 26 (through its own WebSocket) — on two short files, over ws: and wss:.
// Budget: 3 minutes on 2 cores, fetching the engines into an empty cache included (each is an
// `npm pack` from the registry; a second run finds them in the cache). The harness exits 1 on any
// result its expectations do not list, 2 when an engine cannot be had: either fails this step.
import path from 'node:path';
import { run } from '../conformance/lib/command.mjs';
import { bootstrap, root } from './bootstrap.mjs';

export const SLICE_BROWSERS = ['chromium@92', 'chromium@123', 'deno', 'bun', 'node@18', 'node@26/global'];
// Short files that still exercise a connection, its messages and its close in every row.
export const SLICE_FILES = ['websockets/stream/opened.any.js', 'websockets/stream/websocket-error.any.js'];

const args = process.argv.slice(2);
if (!args.includes('--help') && !args.includes('-h')) bootstrap();
const cliArgs = [
  '--browsers', SLICE_BROWSERS.join(','),
  ...SLICE_FILES.flatMap((file) => ['--filter', file]),
  '--workers', '2', '--reporter', 'terminal,json,compat', '--out', path.join(root, 'reports', 'engine-slice'), '--quiet',
  ...args,
];
const started = Date.now();
const { status, signal } = run(process.execPath, [path.join(root, 'conformance', 'cli.mjs'), ...cliArgs], { cwd: root });
console.log(`engine slice: ${((Date.now() - started) / 1000).toFixed(0)} s`);
process.exitCode = signal === 'SIGINT' ? 130 : status ?? 1;
