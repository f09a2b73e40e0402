#!/usr/bin/env node
// The examples' local server: the pages, the built polyfill from dist/, and the two WebSocket
// endpoints the pages talk to.
//
//   node examples/server.mjs [--port 8787] [--host 127.0.0.1] [--verbose]
//
//   /                  index of the examples
//   /chat/, /monitor/  the example pages (files under examples/)
//   /dist/...          the build output (built on the first start when missing; `npm run build`
//                      after changing the polyfill)
//   ws  /ws/chat?name=N  a chat room: every JSON message is broadcast to every participant
//   ws  /ws/feed?rate=R  a feed of JSON ticks, R per second (0: as fast as the socket allows)
import { existsSync } from 'node:fs';
import http from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { WebSocketServer } from 'ws';
import { runOrThrow } from '../conformance/lib/command.mjs';

const examplesDir = path.dirname(fileURLToPath(import.meta.url));
const distDir = path.join(path.dirname(examplesDir), 'dist');

/** @typedef {import('ws').WebSocket} WebSocket */
/**
 * What `onEvent` hears: a connection to an endpoint opened or closed, with what is known of it.
 * @typedef {{ endpoint: 'chat'|'feed', type: 'open'|'close', name?: string, rate?: number, code?: number,
 *   reason?: string, sent?: number, waitedMs?: number }} ServerEvent
 */
/** @typedef {(event: ServerEvent) => void} OnEvent */

/** @type {Record<string, string | undefined>} by file extension */
const CONTENT_TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.md': 'text/plain; charset=utf-8',
};

/**
 * Starts the server. `port: 0` picks a free port. `onEvent` hears about every WebSocket
 * connection that opens or closes (`{ endpoint, type, code, reason, ... }`), for logs and tests.
 * @param {{ host?: string, port?: number, onEvent?: OnEvent }} [options]
 */
export async function startExamplesServer({ host = '127.0.0.1', port = 0, onEvent = () => {} } = {}) {
  const httpServer = http.createServer((request, response) => {
    serveFile(request, response).catch((error) => {
      if (!response.headersSent) response.writeHead(500, { 'content-type': 'text/plain' });
      response.end(String(error));
    });
  });
  const webSocketServer = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });
  const chatRoom = new ChatRoom(onEvent);

  httpServer.on('upgrade', (request, socket, head) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    /** @type {Record<string, 'chat'|'feed'|undefined>} */
    const endpoints = { '/ws/chat': 'chat', '/ws/feed': 'feed' };
    const endpoint = endpoints[url.pathname];
    if (endpoint === undefined) {
      socket.end('HTTP/1.1 404 Not Found\r\nconnection: close\r\n\r\n');
      return;
    }
    webSocketServer.handleUpgrade(request, socket, head, (webSocket) => {
      if (endpoint === 'chat') chatRoom.join(webSocket, url.searchParams.get('name'));
      else streamFeed(webSocket, Number(url.searchParams.get('rate') ?? 0), onEvent);
    });
  });

  await new Promise((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(port, host, () => resolve(undefined));
  });
  const boundPort = /** @type {import('node:net').AddressInfo} */ (httpServer.address()).port;
  const origin = `http://${host}:${boundPort}`;

  return {
    host,
    port: boundPort,
    origin,
    urls: { index: `${origin}/`, chat: `${origin}/chat/`, monitor: `${origin}/monitor/` },
    /** Closes every WebSocket (1001, "going away"), waits briefly for the handshakes, then stops listening. */
    async close() {
      await closeWebSockets(webSocketServer.clients);
      await new Promise((resolve) => webSocketServer.close(resolve));
      await new Promise((resolve) => {
        httpServer.close(resolve);
        httpServer.closeAllConnections();
      });
    },
  };
}

/**
 * @param {Iterable<WebSocket>} clients
 * @param {number} [graceMs]  how long to wait for the closing handshakes before cutting the rest
 */
async function closeWebSockets(clients, graceMs = 1000) {
  const all = [...clients];
  const closed = all.map((webSocket) => new Promise((resolve) => webSocket.once('close', resolve)));
  for (const webSocket of all) webSocket.close(1001, 'server stopping');
  // A peer that never answers the close must not keep the process alive.
  const grace = new Promise((resolve) => setTimeout(resolve, graceMs).unref());
  await Promise.race([Promise.all(closed), grace]);
  for (const webSocket of all) webSocket.terminate();
}

/**
 * @param {import('node:http').IncomingMessage} request
 * @param {import('node:http').ServerResponse} response
 */
async function serveFile(request, response) {
  const { pathname } = new URL(request.url ?? '/', 'http://localhost');
  // A page directory without its slash would resolve chat.js against the wrong directory.
  if (pathname === '/chat' || pathname === '/monitor') {
    response.writeHead(301, { location: `${pathname}/` });
    response.end();
    return;
  }
  const filePath = pathname.startsWith('/dist/')
    ? await fileUnder(distDir, pathname.slice('/dist'.length))
    : await fileUnder(examplesDir, pathname.endsWith('/') ? `${pathname}index.html` : pathname);
  if (filePath === null || !(path.extname(filePath) in CONTENT_TYPES)) {
    const hint = pathname.startsWith('/dist/') ? ' (run `npm run build` first)' : '';
    response.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
    response.end(`Not found: ${pathname}${hint}\n`);
    return;
  }
  response.writeHead(200, {
    'content-type': CONTENT_TYPES[path.extname(filePath)],
    // A rebuilt polyfill or an edited page shows on the next reload.
    'cache-control': 'no-store',
  });
  response.end(await readFile(filePath));
}

/**
 * The file under `root` that `urlPath` names, or null when there is none or it would escape `root`.
 * @param {string} root
 * @param {string} urlPath
 */
async function fileUnder(root, urlPath) {
  let decoded;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  const filePath = path.resolve(root, `.${path.posix.normalize(decoded)}`);
  if (!filePath.startsWith(root + path.sep)) return null;
  try {
    return (await stat(filePath)).isFile() ? filePath : null;
  } catch {
    return null;
  }
}

// ---------------------------------------------------------------------------------------------
// Chat: every participant's message is broadcast, as JSON, to everyone in the room.
//   client → server  { type: 'message', text }
//   server → client  { type: 'welcome', name, people } to the newcomer,
//                    { type: 'joined' | 'left', name, people } and
//                    { type: 'message', from, text, at } to everyone,
//                    { type: 'error', message } to a sender whose message was not understood.

const MAX_NAME_LENGTH = 24;
const MAX_TEXT_LENGTH = 2000;

class ChatRoom {
  /** @type {Map<WebSocket, string>} */
  #names = new Map();
  #guests = 0;

  /** @param {OnEvent} onEvent */
  constructor(onEvent) {
    this.onEvent = onEvent;
  }

  /**
   * @param {WebSocket} webSocket
   * @param {string|null} requestedName  as the URL asked for it
   */
  join(webSocket, requestedName) {
    const name = this.#uniqueName(requestedName);
    this.#names.set(webSocket, name);
    this.onEvent({ endpoint: 'chat', type: 'open', name });
    send(webSocket, { type: 'welcome', name, people: this.#people() });
    this.#broadcast({ type: 'joined', name, people: this.#people() }, webSocket);

    webSocket.on('message', (data, isBinary) => this.#receive(webSocket, name, data, isBinary));
    webSocket.on('close', (code, reason) => {
      this.#names.delete(webSocket);
      this.onEvent({ endpoint: 'chat', type: 'close', name, code, reason: reason.toString() });
      this.#broadcast({ type: 'left', name, people: this.#people() });
    });
  }

  /**
   * @param {WebSocket} webSocket
   * @param {string} name
   * @param {import('ws').RawData} data
   * @param {boolean} isBinary
   */
  #receive(webSocket, name, data, isBinary) {
    let message;
    try {
      message = isBinary ? undefined : JSON.parse(data.toString());
    } catch {
      message = undefined;
    }
    const text = message?.type === 'message' && typeof message.text === 'string' ? message.text.trim() : '';
    if (text === '' || text.length > MAX_TEXT_LENGTH) {
      send(webSocket, { type: 'error', message: `Expected {"type":"message","text":"…"} with 1..${MAX_TEXT_LENGTH} characters.` });
      return;
    }
    this.#broadcast({ type: 'message', from: name, text, at: Date.now() });
  }

  /**
   * @param {object} message
   * @param {WebSocket} [except]
   */
  #broadcast(message, except = undefined) {
    for (const webSocket of this.#names.keys()) if (webSocket !== except) send(webSocket, message);
  }

  #people() {
    return [...this.#names.values()];
  }

  /** @param {string|null} requestedName */
  #uniqueName(requestedName) {
    const base = (requestedName ?? '').trim().slice(0, MAX_NAME_LENGTH) || `guest-${++this.#guests}`;
    const taken = new Set(this.#names.values());
    let name = base;
    for (let n = 2; taken.has(name); n++) name = `${base} (${n})`;
    return name;
  }
}

/**
 * @param {WebSocket} webSocket
 * @param {object} message  sent as JSON
 */
function send(webSocket, message) {
  if (webSocket.readyState === webSocket.OPEN) webSocket.send(JSON.stringify(message));
}

// ---------------------------------------------------------------------------------------------
// Feed: JSON ticks { seq, t, value, waitedMs }, where `t` is the server's clock when the tick was
// sent and `waitedMs` the total time the server has so far spent waiting for the socket to drain.
// The server sends at the requested rate, but never faster than the socket takes the data: it
// stops sending whenever `ws` has more than FEED_HIGH_WATER_MARK bytes it could not yet hand to
// the kernel, and continues from the send callback once that drops. A client that reads slowly
// therefore slows the server down — if the client's WebSocket implementation stops reading.

const FEED_HIGH_WATER_MARK = 64 * 1024;
const TICKS_PER_TURN = 200; // then yield, so one fast client cannot starve the event loop

/**
 * @param {WebSocket} webSocket
 * @param {number} requestedRate  ticks per second; 0 or not a number: as fast as the socket drains
 * @param {OnEvent} onEvent
 */
function streamFeed(webSocket, requestedRate, onEvent) {
  const rate = Number.isFinite(requestedRate) && requestedRate > 0 ? Math.min(requestedRate, 1e6) : 0;
  const startedAt = Date.now();
  let seq = 0;
  let value = 50;
  let waitedMs = 0;
  /** @type {number|null} set while the socket is full */
  let waitingSince = null;
  let cancelNextTurn = () => {};
  let open = true;

  const onSent = () => {
    if (waitingSince !== null && webSocket.bufferedAmount < FEED_HIGH_WATER_MARK / 2) {
      waitedMs += Date.now() - waitingSince;
      waitingSince = null;
      pump();
    }
  };

  function pump() {
    // Once the client has started closing, nothing more may be sent.
    if (!open || webSocket.readyState !== webSocket.OPEN) return;
    const due = rate === 0 ? Infinity : Math.floor(((Date.now() - startedAt) * rate) / 1000) - seq;
    const count = Math.min(due, TICKS_PER_TURN);
    for (let i = 0; i < count; i++) {
      if (webSocket.bufferedAmount >= FEED_HIGH_WATER_MARK) {
        waitingSince = Date.now();
        return; // onSent continues once the socket has drained
      }
      // A random walk, so the chart has something to show.
      value = Math.min(100, Math.max(0, value + (Math.random() - 0.5) * 4));
      const tick = { seq: ++seq, t: Date.now(), value: Math.round(value * 100) / 100, waitedMs };
      webSocket.send(JSON.stringify(tick), onSent);
    }
    if (due > TICKS_PER_TURN) {
      const immediate = setImmediate(pump);
      cancelNextTurn = () => clearImmediate(immediate);
    } else {
      // Caught up with the requested rate: come back when more ticks are due.
      const timeout = setTimeout(pump, 5);
      cancelNextTurn = () => clearTimeout(timeout);
    }
  }

  onEvent({ endpoint: 'feed', type: 'open', rate });
  webSocket.on('message', () => {}); // the feed does not listen
  webSocket.on('close', (code, reason) => {
    open = false;
    cancelNextTurn();
    onEvent({ endpoint: 'feed', type: 'close', code, reason: reason.toString(), sent: seq, waitedMs });
  });
  pump();
}

// ---------------------------------------------------------------------------------------------

async function main() {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '8787' },
      host: { type: 'string', default: '127.0.0.1' },
      verbose: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    console.log('Usage: node examples/server.mjs [--port 8787] [--host 127.0.0.1] [--verbose]');
    return;
  }
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port: not a port number: ${values.port}`);

  if (!existsSync(path.join(distDir, 'websocketstream-polyfill.js'))) {
    // The pages need the built polyfill; build it once rather than serve pages that cannot work.
    // After changing the polyfill's source, `npm run build` again.
    console.log('dist/ is not built yet: running scripts/build.mjs…');
    runOrThrow(process.execPath, [path.join(path.dirname(examplesDir), 'scripts', 'build.mjs')]);
  }
  const onEvent = values.verbose ? (/** @type {ServerEvent} */ event) => console.log(JSON.stringify(event)) : undefined;
  const server = await startExamplesServer({ host: values.host, port, onEvent });
  console.log(`Examples: ${server.urls.index}`);
  console.log(`  chat     ${server.urls.chat}      (open it in two tabs)`);
  console.log(`  monitor  ${server.urls.monitor}`);
  console.log('Ctrl-C stops.');

  const stop = async () => {
    await server.close();
    process.exitCode = 0;
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((error) => {
    console.error(error.code === 'EADDRINUSE' ? `Port in use: ${error.port}; pick another with --port.` : error.message);
    process.exitCode = 1;
  });
}
