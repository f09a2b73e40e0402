#!/usr/bin/env node
// `npm run compat`: the whole version matrix, measured — the current browsers (Chromium natively,
// the reference, and with the polyfill; Firefox; WebKit), the old Chromium builds without a
// WebSocketStream (92, 103, 110, 119, 123), Deno natively and with the polyfill, Bun, and Node 18
// to 26 through `ws` and, from 20 on, through their own WebSocket — and the compatibility file
// made from it.
//
// On a fresh clone it installs what it needs (dependencies, the build, the browsers; the engine
// rows' binaries come from the npm registry into ~/.cache/websocketstream-conformance/engines,
// so a second run fetches nothing). It exits with the harness's code: 0 when every difference
// from native Chromium is listed with its reason. A run of every file that passes writes
// docs/compat.json and regenerates README.md's "Supported engines" table from it; arguments
// that choose files (--filter, --exclude, --shard, --wpt-root) or rows (--browsers) leave both
// alone. Reports: reports/compat/ (results.json, report.html, compat.json).
//
// fuzz.any.js is left out: its hundred seeds against faulty endpoints are the browser fuzzer's
// pass of `npm run conformance`, and make Firefox stop connecting to that server for good.
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { run } from '../conformance/lib/command.mjs';
import { bootstrap, root } from './bootstrap.mjs';
import { COMPAT_FILE, README, readCompat, readmeWithTable } from './supported-engines.mjs';

/** The rows, oldest first within each engine; see conformance/lib/rows.mjs for what each name means. */
export const COMPAT_BROWSERS = [
  'chromium', 'firefox', 'webkit',
  // Without a native WebSocketStream (its native configuration is skipped; 92 needs the legacy build).
  'chromium@92', 'chromium@103', 'chromium@110', 'chromium@119', 'chromium@123',
  'deno', 'bun',
  'node@18', 'node@20', 'node@20/global', 'node@22', 'node@22/global', 'node@24', 'node@24/global', 'node@26', 'node@26/global',
];
const OUT = path.join(root, 'reports', 'compat');

const args = process.argv.slice(2);
const wantsHelp = args.includes('--help') || args.includes('-h');
if (!wantsHelp) bootstrap();
const chooses = ['--filter', '--exclude', '--shard', '--wpt-root', '--browsers'].some((flag) => args.some((arg) => arg === flag || arg.startsWith(`${flag}=`)));
const cliArgs = [
  ...(args.some((arg) => arg.startsWith('--browsers')) ? [] : ['--browsers', COMPAT_BROWSERS.join(',')]),
  ...(chooses ? [] : ['--exclude', 'websockets/stream/fuzz.any.js']),
  '--workers', '2', '--reporter', 'terminal,json,html,compat', '--out', OUT, '--quiet',
  ...args,
];
const started = Date.now();
const { status, signal } = run(process.execPath, [path.join(root, 'conformance', 'cli.mjs'), ...cliArgs], { cwd: root });
console.log(`npm run compat: ${((Date.now() - started) / 60_000).toFixed(1)} min`);
if (status === 0 && !chooses && !wantsHelp) {
  copyFileSync(path.join(OUT, 'compat.json'), COMPAT_FILE);
  writeFileSync(README, readmeWithTable(readFileSync(README, 'utf8'), readCompat()));
  console.log(`wrote ${path.relative(root, COMPAT_FILE)} and README.md's Supported engines table`);
}
process.exitCode = signal === 'SIGINT' ? 130 : status ?? 1;
