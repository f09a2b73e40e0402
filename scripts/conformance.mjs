#!/usr/bin/env node
// `npm run conformance`: from a fresh clone to a full conformance run.
// Installs dependencies if missing, builds dist/ if it is missing or older
// than the sources, makes sure the browsers are here (scripts/setup-browsers),
// then runs the default matrix — Chromium native (stock and experimental) and
// polyfill, Firefox and WebKit polyfill; window and worker; ws and wss — with
// reports in reports/conformance/. Extra arguments go to the CLI unchanged.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { bootstrap, root } from './bootstrap.mjs';

const args = process.argv.slice(2);
const wantsHelp = args.includes('--help') || args.includes('-h');
if (!wantsHelp) bootstrap();

const hasOut = args.some((arg) => arg === '--out' || arg.startsWith('--out='));
const cliArgs = hasOut ? args : [...args, '--out', path.join(root, 'reports', 'conformance')];
const { status, signal } = spawnSync(process.execPath, [path.join(root, 'conformance', 'cli.mjs'), ...cliArgs], { stdio: 'inherit' });
process.exitCode = status ?? (signal === 'SIGINT' ? 130 : 1);
