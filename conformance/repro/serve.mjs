#!/usr/bin/env node
// Serves the reproduction pages of docs/native-chromium.md, and the few WebSocket endpoints they
// use, from one port on 127.0.0.1:
//
//   node conformance/repro/serve.mjs [--port N] [--quiet]      (npm run repro:chromium)
//
// It prints the URL of the index page and runs until interrupted. Each page runs one scenario
// against this server and prints what happened beside what the standard says; `?polyfill` makes
// a page delete the browser's own WebSocketStream and WebSocketError and load the project's
// build (dist/websocketstream-polyfill.js, made by `npm run build`) first.
//
// Pages and WebSockets share the port, so a page finds its endpoints at ws://<its own host>/...
// with no configuration, and a page saved for a bug report needs only this server.
//
// Endpoints (all on the same port):
//   GET  /, /NAME.html                    the index and the pages (only the .html files of this folder)
//   GET  /repro.js                        what every page shares (reporting, ?polyfill, bounded waits)
//   GET  /dist/websocketstream-polyfill.js the project's build, for ?polyfill
//   POST /result                           a page's report ({ page, phase, ... } as JSON): kept, printed
//   GET  /received?key=K                   bytes the server read on the WebSocket connection opened with ?key=K
//   ws   /echo                             echoes every message as it came (text as text, binary as binary)
//   ws   /echo-then-close?trigger=&code=&reason=&key=
//                                          echoes; after echoing the text message `trigger` (default
//                                          "Goodbye") closes with `code` (default 1000) and `reason`,
//                                          still reading until the client's close frame
//   ws   /close-on-first-message?code=&reason=&delay=&key=
//                                          on the first message stops reading; `delay` ms later (default 0)
//                                          sends a close frame (default 4567 "unsent"); half a second after
//                                          that reads, and drops, everything until the client's close frame
//   ws   /drop-while-queued                on the first message stops reading, lets the client's writes
//                                          back up for 300 ms, then ends the TCP connection with no close frame
//   ws   /never-answers                    reads the handshake request and never answers it
import { EventEmitter } from 'node:events';
import { readdir, readFile } from 'node:fs/promises';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { WebSocketServer } from 'ws';
import { Lifetime } from '../server/lifetime.mjs';
import { acceptHandshake } from '../server/raw-websocket.mjs';
import { requestUrl } from '../server/request-url.mjs';

/** @typedef {import('node:stream').Duplex} Duplex */
/** @typedef {import('node:http').IncomingMessage} IncomingMessage */
/** @typedef {import('node:http').ServerResponse} ServerResponse */
/** @typedef {import('ws').WebSocket} WebSocket */
/**
 * A page's report, as the page posted it (repro.js's report()), with when it came.
 * @typedef {{ page?: string, phase?: string, run?: string, verdict?: string, observed?: unknown, userAgent?: string,
 *   receivedAt: number } & Record<string, unknown>} PageResult
 */
/**
 * @typedef {object} ReproContext
 * @property {Lifetime} lifetime
 * @property {PageResult[]} results
 * @property {EventEmitter} events
 * @property {Map<string, number>} received  bytes read, by ?key=
 * @property {Set<string>} pages
 * @property {WebSocketServer} wsServer
 * @property {(line: string) => void} log
 */
/** @typedef {(request: IncomingMessage, socket: Duplex, head: Buffer, url: URL) => void} Endpoint */

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..', '..');
const POLYFILL_FILE = path.join(root, 'dist', 'websocketstream-polyfill.js');

// How long /drop-while-queued lets the client's writes pile up before it drops the connection:
// long enough for a browser to have handed it megabytes that the kernel cannot take.
const QUEUE_UP_MS = 300;
// How long /close-on-first-message stays deaf after its close frame, so that what the client still
// had queued stays unsent when the close frame is read; then it reads again to let the client's
// close frame through, completing a clean closing handshake.
const DEAF_AFTER_CLOSE_MS = 500;
// A client that never finishes closing is cut off after this long, so no endpoint holds a socket
// (and the server's exit) for longer than a page can take.
const GIVE_UP_MS = 15_000;
// A client that half-closed is cut off after this long (it had its chance to send a FIN back).
const AFTER_FIN_MS = 2000;
// Byte counts of the last connections opened with ?key=, for /received; older ones are forgotten.
const RECEIVED_KEPT = 100;
const RESULT_BODY_LIMIT = 64 * 1024;

/**
 * Starts the server. → { origin, port, results, events, close() }
 * `results` lists every POST /result body (parsed, with `receivedAt`), in order; `events` emits
 * 'result' with each as it comes, for a driver that waits for a page's report.
 * @param {{ port?: number, host?: string, log?: (line: string) => void }} [options]
 */
export async function startReproServer({ port = 0, host = '127.0.0.1', log = () => {} } = {}) {
  /** @type {ReproContext} */
  const context = {
    lifetime: new Lifetime(),
    results: [],
    events: new EventEmitter(),
    received: new Map(),
    pages: new Set((await readdir(here)).filter((name) => name.endsWith('.html'))),
    wsServer: new WebSocketServer({ noServer: true, perMessageDeflate: false }),
    log,
  };
  const server = http.createServer((request, response) => {
    handleHttp(context, request, response).catch((/** @type {Error} */ error) => {
      log(`http ${request.url}: ${error.message}`);
      if (!response.headersSent) send(response, 500, 'text/plain', String(error.message));
      else response.destroy();
    });
  });
  const endpoints = websocketEndpoints(context);
  server.on('upgrade', (request, socket, head) => upgrade(context, endpoints, request, socket, head));
  // Page loads keep their HTTP connections alive; they are ours to end at close().
  server.on('connection', (socket) => context.lifetime.adopt(socket));
  const actualPort = await listen(server, port, host);
  return {
    origin: `http://${host}:${actualPort}`,
    port: actualPort,
    results: context.results,
    events: context.events,
    async close() {
      context.lifetime.end();
      context.wsServer.close();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/**
 * @param {ReproContext} context
 * @param {IncomingMessage} request
 * @param {ServerResponse} response
 */
async function handleHttp(context, request, response) {
  const url = requestUrl(request, 'http://server');
  if (request.method === 'POST' && url.pathname === '/result') return receiveResult(context, request, response);
  if (request.method !== 'GET' && request.method !== 'HEAD') return send(response, 405, 'text/plain', 'method not allowed');
  if (url.pathname === '/received') {
    const count = context.received.get(url.searchParams.get('key') ?? '');
    return send(response, 200, 'application/json', JSON.stringify(count === undefined ? null : count));
  }
  if (url.pathname === '/dist/websocketstream-polyfill.js') {
    const source = await readFile(POLYFILL_FILE).catch(() => null);
    if (source === null) return send(response, 404, 'text/plain', 'dist/websocketstream-polyfill.js is missing: run `npm run build` first');
    return send(response, 200, 'text/javascript; charset=utf-8', source);
  }
  if (url.pathname === '/repro.js') return send(response, 200, 'text/javascript; charset=utf-8', await readFile(path.join(here, 'repro.js')));
  const name = url.pathname === '/' ? 'index.html' : url.pathname.slice(1);
  if (!context.pages.has(name)) return send(response, 404, 'text/plain', 'not found');
  return send(response, 200, 'text/html; charset=utf-8', await readFile(path.join(here, name)));
}

/**
 * @param {ReproContext} context
 * @param {IncomingMessage} request
 * @param {ServerResponse} response
 */
async function receiveResult({ results, events, log }, request, response) {
  /** @type {PageResult} */
  let result;
  try {
    result = JSON.parse(await readBody(request, RESULT_BODY_LIMIT));
  } catch {
    return send(response, 400, 'text/plain', 'not JSON');
  }
  result.receivedAt = Date.now();
  results.push(result);
  events.emit('result', result);
  log(`result ${result.page ?? '?'} ${result.phase ?? ''}${result.verdict ? `: ${result.verdict}` : ''}${result.run ? ` (run ${result.run})` : ''}`);
  return send(response, 204);
}

/**
 * @param {ReproContext} context
 * @param {Record<string, Endpoint|undefined>} endpoints  by path
 * @param {IncomingMessage} request
 * @param {Duplex} socket
 * @param {Buffer} head
 */
function upgrade({ lifetime, log }, endpoints, request, socket, head) {
  lifetime.adopt(socket);
  socket.on('error', (/** @type {Error} */ error) => log(`socket ${request.url}: ${error.message}`));
  const url = requestUrl(request, 'ws://server');
  const endpoint = endpoints[url.pathname];
  log(`upgrade ${request.url}${endpoint ? '' : ' → 404'}`);
  if (!endpoint) {
    socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    return;
  }
  endpoint(request, socket, head, url);
}

/**
 * @param {ReproContext} context
 * @param {IncomingMessage} request
 * @param {Duplex} socket
 * @param {Buffer} head
 * @param {(websocket: WebSocket) => void} onOpen
 */
function acceptWebSocket({ wsServer, log }, request, socket, head, onOpen) {
  wsServer.handleUpgrade(request, socket, head, (websocket) => {
    websocket.on('error', (error) => log(`ws ${request.url}: ${error.message}`));
    onOpen(websocket);
  });
}

/**
 * Counts what the server reads on this connection (frame headers included), for /received.
 * @param {ReproContext} context
 * @param {Duplex} socket
 * @param {string|null} key
 */
function countReceived({ received }, socket, key) {
  if (!key) return;
  received.delete(key);
  received.set(key, 0);
  // Over the limit, the map is not empty: its first key is there.
  if (received.size > RECEIVED_KEPT) received.delete(/** @type {string} */ (received.keys().next().value));
  socket.on('data', (/** @type {Buffer} */ chunk) => received.set(key, (received.get(key) ?? 0) + chunk.length));
}

/**
 * @param {ReproContext} context
 * @returns {Record<string, Endpoint>}
 */
function websocketEndpoints(context) {
  const { lifetime } = context;
  /** @type {(request: IncomingMessage, socket: Duplex, head: Buffer, onOpen: (websocket: WebSocket) => void) => void} */
  const accept = (request, socket, head, onOpen) => acceptWebSocket(context, request, socket, head, onOpen);
  return {
    '/echo': (request, socket, head) => accept(request, socket, head, (websocket) => {
      websocket.on('message', (data, isBinary) => websocket.send(data, { binary: isBinary }));
    }),
    '/echo-then-close': (request, socket, head, url) => accept(request, socket, head, (websocket) => {
      countReceived(context, socket, url.searchParams.get('key'));
      echoThenClose(websocket, url);
    }),
    '/close-on-first-message': (request, socket, head, url) => accept(request, socket, head, (websocket) => {
      countReceived(context, socket, url.searchParams.get('key'));
      closeOnFirstMessage(lifetime, websocket, url);
    }),
    // Spoken by hand: `ws` would always answer or send a close frame, and here there must be none.
    '/drop-while-queued': (request, socket) => {
      if (!acceptHandshake(request, socket)) return;
      socket.once('data', () => {
        socket.pause();
        lifetime.after(QUEUE_UP_MS, () => endWithoutCloseFrame(lifetime, socket));
      });
    },
    '/never-answers': (request, socket) => {
      socket.on('data', () => {});
      lifetime.after(GIVE_UP_MS, () => socket.destroy());
    },
  };
}

/**
 * @param {WebSocket} websocket
 * @param {URL} url
 */
function echoThenClose(websocket, url) {
  const trigger = url.searchParams.get('trigger') ?? 'Goodbye';
  const code = Number(url.searchParams.get('code') ?? 1000);
  const reason = url.searchParams.get('reason') ?? '';
  websocket.on('message', (data, isBinary) => {
    websocket.send(data, { binary: isBinary });
    if (!isBinary && data.toString() === trigger) websocket.close(code, reason);
  });
}

/**
 * @param {Lifetime} lifetime
 * @param {WebSocket} websocket
 * @param {URL} url
 */
function closeOnFirstMessage(lifetime, websocket, url) {
  const code = Number(url.searchParams.get('code') ?? 4567);
  const reason = url.searchParams.get('reason') ?? 'unsent';
  const delay = Number(url.searchParams.get('delay') ?? 0);
  websocket.once('message', () => {
    // Deaf from here on: what the client writes next backs up in its own buffers.
    websocket.pause();
    lifetime.after(delay, () => {
      if (websocket.readyState !== websocket.OPEN) return;
      websocket.close(code, reason);
      lifetime.after(DEAF_AFTER_CLOSE_MS, () => websocket.resume());
      lifetime.after(GIVE_UP_MS, () => websocket.terminate());
    });
  });
}

/**
 * @param {Lifetime} lifetime
 * @param {Duplex} socket
 */
function endWithoutCloseFrame(lifetime, socket) {
  if (socket.destroyed) return;
  socket.end();
  lifetime.after(AFTER_FIN_MS, () => socket.destroy());
}

/**
 * @param {http.Server} server
 * @param {number} port
 * @param {string} host
 * @returns {Promise<number>}
 */
function listen(server, port, host) {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve(/** @type {import('node:net').AddressInfo} */ (server.address()).port);
    });
  });
}

/**
 * @param {ServerResponse} response
 * @param {number} status
 * @param {string} [type]
 * @param {string|Buffer} [body]
 */
function send(response, status, type, body) {
  /** @type {Record<string, string>} */
  const headers = { 'Cache-Control': 'no-store' };
  if (type) headers['Content-Type'] = type;
  response.writeHead(status, headers);
  response.end(body);
}

/**
 * @param {IncomingMessage} request
 * @param {number} limit
 * @returns {Promise<string>}
 */
function readBody(request, limit) {
  return new Promise((resolve, reject) => {
    /** @type {Buffer[]} */
    const chunks = [];
    let length = 0;
    request.on('data', (/** @type {Buffer} */ chunk) => {
      length += chunk.length;
      if (length > limit) {
        reject(new Error(`request body over ${limit} bytes`));
        request.destroy();
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

/**
 * @param {string[]} argv
 * @returns {{ port: number, quiet: boolean, help?: boolean }}
 */
function parseArguments(argv) {
  /** @type {{ port: number, quiet: boolean, help?: boolean }} */
  const options = { port: 0, quiet: false };
  for (let i = 0; i < argv.length; i++) {
    const argument = argv[i];
    if (argument === '--port') {
      options.port = Number(argv[++i]);
      if (!Number.isInteger(options.port) || options.port < 0 || options.port > 65535) {
        throw new Error('--port takes a port number (0 for a free one)');
      }
    } else if (argument === '--quiet') {
      options.quiet = true;
    } else if (argument === '--help' || argument === '-h') {
      options.help = true;
    } else {
      throw new Error(`unknown argument ${argument}`);
    }
  }
  return options;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  /** @type {ReturnType<typeof parseArguments>} */
  let options;
  try {
    options = parseArguments(process.argv.slice(2));
  } catch (error) {
    console.error(`serve.mjs: ${/** @type {Error} */ (error).message}`);
    process.exit(2);
  }
  if (options.help) {
    console.log('usage: node conformance/repro/serve.mjs [--port N] [--quiet]');
    process.exit(0);
  }
  const log = options.quiet ? () => {} : (/** @type {string} */ line) => console.log(line);
  const server = await startReproServer({ port: options.port, log });
  console.log(`${server.origin}/`);
  const stop = () => {
    server.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
