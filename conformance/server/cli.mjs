#!/usr/bin/env node
// Starts the conformance server and prints where everything is, until Ctrl-C.
//   node conformance/server/cli.mjs [--wpt-root DIR] [--polyfill FILE] [--host H] [--log]
import { parseArgs } from 'node:util';
import { listTestFiles, startServer } from './index.mjs';

const { values } = parseArgs({
  options: {
    'wpt-root': { type: 'string' },
    polyfill: { type: 'string' },
    host: { type: 'string', default: '127.0.0.1' },
    log: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
});

if (values.help) {
  console.log('Usage: node conformance/server/cli.mjs [--wpt-root DIR] [--polyfill FILE] [--host HOST] [--log]');
  process.exit(0);
}

const server = await startServer({
  wptRoot: values['wpt-root'],
  polyfillFile: values.polyfill,
  host: values.host,
  log: values.log,
});
const tests = await listTestFiles(values['wpt-root'] ?? new URL('../../wpt', import.meta.url).pathname).catch(() => []);
console.log(`http   ${server.httpOrigin}/   (index of ${tests.length} test files)`);
console.log(`https  ${server.httpsOrigin}/`);
console.log(`ws     ws://${server.host}:${server.ports.ws}/echo`);
console.log(`wss    wss://${server.host}:${server.ports.wss}/echo`);
console.log('Pages: /websockets/stream/NAME.any.html[?wss], NAME.any.worker.html[?wss]; prefix /_polyfill for polyfill mode.');
console.log('The https/wss certificate is self-signed and made at start: accept it in the browser. Ctrl-C stops.');

const stop = async () => {
  await server.close();
  process.exit(0);
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
