#!/usr/bin/env node
// Starts the conformance server and prints where everything is, until Ctrl-C.
//   node conformance/server/cli.mjs [--wpt-root DIR] [--polyfill FILE] [--host H] [--log]
// With --for-parent it prints one JSON line ({ httpOrigin, httpsOrigin, ports, ... })
// once listening, and stops when its standard input closes: a parent process
// runs it this way so that the server keeps its own event loop (and timing),
// and goes away with the parent whatever happens to the parent.
import { parseArgs } from 'node:util';
import { listTestFiles, startServer } from './index.mjs';

const USAGE = 'Usage: node conformance/server/cli.mjs [--wpt-root DIR] [--polyfill FILE] [--host HOST] [--log] [--for-parent]';

const { values } = parseArgs({
  options: {
    'wpt-root': { type: 'string' },
    polyfill: { type: 'string' },
    host: { type: 'string', default: '127.0.0.1' },
    log: { type: 'boolean', default: false },
    'for-parent': { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
});

if (values.help) {
  console.log(USAGE);
  process.exit(0);
}

const server = await startServer({
  wptRoot: values['wpt-root'],
  polyfillFile: values.polyfill,
  host: values.host,
  log: values.log,
});

let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  await server.close();
  process.exit(0);
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);

if (values['for-parent']) {
  const { close, certificate, ...description } = server;
  process.stdout.write(`${JSON.stringify(description)}\n`);
  process.stdin.on('end', stop);
  process.stdin.on('error', stop);
  process.stdin.resume();
} else {
  const tests = await listTestFiles(values['wpt-root'] ?? new URL('../../wpt', import.meta.url).pathname).catch(() => []);
  console.log(`http   ${server.httpOrigin}/   (index of ${tests.length} test files)`);
  console.log(`https  ${server.httpsOrigin}/`);
  console.log(`ws     ${server.wsOrigin}/echo`);
  console.log(`wss    ${server.wssOrigin}/echo`);
  console.log('Pages: /websockets/stream/NAME.any.html[?wss], NAME.any.worker.html[?wss]; prefix /_polyfill for polyfill mode.');
  console.log('The https/wss certificate is self-signed and made at start: accept it in the browser. Ctrl-C stops.');
}
