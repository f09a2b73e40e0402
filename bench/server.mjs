// The bench server: one HTTP port that serves the bench page and its job API, and answers
// WebSocket upgrades on three paths:
//   /firehose?size=&type=&count=&tag=  after the client's first message, N messages as fast as
//                                      the socket takes them (frames built once, written in batches)
//   /sink?count=                       counts the client's messages; at the Nth answers "<messages> <bytes>"
//   /echo                              sends every message back (the `ws` package)
// Pages and the Node client drive themselves: POST /api/next hands over the previous job's result
// and gets the next job, so no automation protocol sits between the engine and the socket.
import { once } from 'node:events';
import { readFile } from 'node:fs/promises';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { WebSocketServer } from 'ws';
import { candidateClassicScript } from './candidate.mjs';
import {
  ClientFrameReader,
  OPCODE_BINARY,
  OPCODE_CLOSE,
  OPCODE_CONTINUATION,
  OPCODE_PING,
  OPCODE_PONG,
  OPCODE_TEXT,
  acceptHandshake,
  closeFrame,
  messagePayload,
  serverFrame,
} from '../conformance/server/raw-websocket.mjs';

/** @typedef {import('node:stream').Duplex} Duplex */
/** @typedef {import('node:http').IncomingMessage} IncomingMessage */
/** @typedef {import('node:http').ServerResponse} ServerResponse */
/**
 * A client session's handlers: the body each call posts, as JSON, in; the answer out.
 * @typedef {{ next: (message: unknown) => Promise<unknown>, mark: (message: unknown) => Promise<unknown> }} Session
 */
/**
 * How far one firehose got; `socket` is the connection it writes to.
 * @typedef {{ total: number, handed: number, socket: Duplex, finished: boolean }} FirehoseProgress
 */
/**
 * @typedef {object} ServerState
 * @property {(line: string) => void} report
 * @property {string|null} candidateDirectory
 * @property {Map<string, Session>} sessions
 * @property {Map<string, FirehoseProgress>} firehoses  by tag
 * @property {WebSocketServer} echoServer
 */

const benchDirectory = path.dirname(fileURLToPath(import.meta.url));
const repositoryRoot = path.dirname(benchDirectory);

/** Files the page may load, by URL path. @type {Record<string, string>} */
const STATIC_FILES = {
  '/bench/page.html': path.join(benchDirectory, 'page.html'),
  '/bench/page.mjs': path.join(benchDirectory, 'page.mjs'),
  '/bench/workloads.mjs': path.join(benchDirectory, 'workloads.mjs'),
  // The `streams` contender of echo jobs (page.mjs).
  '/bench/baselines/bare-streams.js': path.join(benchDirectory, 'baselines', 'bare-streams.js'),
  '/dist/websocketstream-polyfill.min.js': path.join(repositoryRoot, 'dist', 'websocketstream-polyfill.min.js'),
  // For a browser too old to parse the modern build (old-chromium.mjs says which).
  '/dist/websocketstream-polyfill.legacy.min.js': path.join(repositoryRoot, 'dist', 'websocketstream-polyfill.legacy.min.js'),
};
const CANDIDATE_SCRIPT_PATH = '/candidate/websocketstream-polyfill.min.js';
/** @type {Record<string, string>} */
const CONTENT_TYPES = { '.html': 'text/html; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8', '.js': 'text/javascript; charset=utf-8' };

// Cross-origin isolation buys the page fine-grained performance.now() in every engine; without it
// Firefox and WebKit round to a millisecond, too coarse for a round trip on loopback.
const ISOLATION_HEADERS = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Cache-Control': 'no-store',
};

/** Frames of one firehose are written in batches of about this many bytes. */
const FIREHOSE_BATCH_BYTES = 256 * 1024;
const MAX_REQUEST_BODY_BYTES = 16 * 1024 * 1024;

/**
 * `candidateDirectory`: another build's dist/ folder, or one classic script (candidate.mjs), served
 * at /candidate/websocketstream-polyfill.min.js so a change can be measured against the current build.
 * @param {{ host?: string, log?: boolean, candidateDirectory?: string|null }} [options]
 */
export async function startBenchServer({ host = '127.0.0.1', log = false, candidateDirectory = null } = {}) {
  /** @type {ServerState} */
  const state = {
    report: log ? (line) => console.error(`[bench-server] ${line}`) : () => {},
    candidateDirectory,
    sessions: new Map(),
    firehoses: new Map(),
    echoServer: createEchoServer(),
  };
  const server = http.createServer((request, response) => answerRequest(state, request, response));
  /** @type {Set<import('node:net').Socket>} */
  const sockets = new Set();
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.on('upgrade', (request, socket, head) => answerUpgrade(state, request, socket, head));
  server.listen(0, host);
  await once(server, 'listening');
  const { port } = /** @type {import('node:net').AddressInfo} */ (server.address());
  const origin = `http://${host}:${port}`;
  state.report(`listening on ${origin}`);
  return { origin, wsOrigin: `ws://${host}:${port}`, ...sessionControls(state), ...firehoseControls(state), close: () => closeServer(state, server, sockets) };
}

/**
 * Client sessions: `openSession({ next, mark })` registers one — `next(previousResult)` → the next
 * job (or `{ done: true }`), `mark(message)` → any answer — and returns its id.
 * @param {ServerState} state
 */
function sessionControls({ sessions }) {
  let nextSessionId = 1;
  return {
    /** @param {{ next: Session['next'], mark?: Session['mark'] }} handlers */
    openSession({ next, mark = async () => null }) {
      const id = String(nextSessionId++);
      sessions.set(id, { next, mark });
      return id;
    },
    /** @param {string} id */
    closeSession(id) {
      sessions.delete(id);
    },
  };
}

/** @param {ServerState} state */
function firehoseControls({ firehoses }) {
  return {
    /**
     * How far the firehose opened with `tag` got: bytes handed to the socket, and taken by the kernel.
     * @param {string} tag
     */
    firehoseProgress(tag) {
      const progress = firehoses.get(tag);
      if (progress === undefined) return undefined;
      const accepted = progress.handed - (progress.socket.destroyed ? 0 : progress.socket.writableLength);
      return { total: progress.total, handed: progress.handed, accepted, finished: progress.finished };
    },
    /** @param {string} tag */
    forgetFirehose(tag) {
      firehoses.delete(tag);
    },
  };
}

/**
 * @param {ServerState} state
 * @param {http.Server} server
 * @param {Set<import('node:net').Socket>} sockets
 */
async function closeServer({ echoServer }, server, sockets) {
  for (const client of echoServer.clients) client.terminate();
  echoServer.close();
  for (const socket of sockets) socket.destroy();
  server.close();
  server.closeAllConnections?.();
  await once(server, 'close');
}

/** /echo: every message back as it came, by the `ws` package. */
function createEchoServer() {
  const echoServer = new WebSocketServer({ noServer: true, perMessageDeflate: false, maxPayload: 256 * 1024 * 1024 });
  echoServer.on('connection', (webSocket) => {
    webSocket.on('message', (data, isBinary) => webSocket.send(data, { binary: isBinary }));
    webSocket.on('error', () => {});
  });
  return echoServer;
}

/**
 * @param {ServerState} state
 * @param {IncomingMessage} request
 * @param {Duplex} socket
 * @param {Buffer} head
 */
function answerUpgrade(state, request, socket, head) {
  socket.on('error', () => {});
  const url = new URL(request.url ?? '/', 'http://bench.invalid');
  if (url.pathname === '/echo') {
    state.echoServer.handleUpgrade(request, socket, head, (webSocket) => state.echoServer.emit('connection', webSocket, request));
  } else if (url.pathname === '/firehose') {
    if (acceptHandshake(request, socket)) serveFirehose(state.firehoses, socket, head, url.searchParams);
  } else if (url.pathname === '/sink') {
    if (acceptHandshake(request, socket)) serveSink(socket, head, url.searchParams);
  } else {
    socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
  }
}

/**
 * @param {ServerState} state
 * @param {IncomingMessage} request
 * @param {ServerResponse} response
 */
function answerRequest(state, request, response) {
  handleRequest(state, request, response).catch((/** @type {Error} */ error) => {
    state.report(`${request.method} ${request.url}: ${error.stack ?? error}`);
    if (!response.headersSent) respond(response, 500, 'text/plain', String(error));
    else response.destroy();
  });
}

/**
 * @param {ServerState} state
 * @param {IncomingMessage} request
 * @param {ServerResponse} response
 */
async function handleRequest({ candidateDirectory, sessions }, request, response) {
  const url = new URL(request.url ?? '/', 'http://bench.invalid');
  const file = STATIC_FILES[url.pathname];
  if (request.method === 'GET' && url.pathname === CANDIDATE_SCRIPT_PATH && candidateDirectory !== null) {
    respond(response, 200, CONTENT_TYPES['.js'], await candidateClassicScript(candidateDirectory));
  } else if (request.method === 'GET' && file !== undefined) {
    respond(response, 200, CONTENT_TYPES[path.extname(file)] ?? 'application/octet-stream', await readFile(file));
  } else if (request.method === 'POST' && url.pathname.startsWith('/api/')) {
    await answerApiCall(sessions.get(url.searchParams.get('session') ?? ''), url.pathname, request, response);
  } else {
    respond(response, 404, 'text/plain', 'not found\n');
  }
}

/**
 * POST /api/next and /api/mark of a session: the body goes to the session's handler, its answer back as JSON.
 * @param {Session|undefined} session
 * @param {string} pathname
 * @param {IncomingMessage} request
 * @param {ServerResponse} response
 */
async function answerApiCall(session, pathname, request, response) {
  if (session === undefined) {
    respond(response, 404, 'text/plain', 'no such session\n');
    return;
  }
  const body = JSON.parse((await readBody(request)) || 'null');
  /** @type {Record<string, Session['next']>} */
  const handlers = { '/api/next': session.next, '/api/mark': session.mark };
  const handler = handlers[pathname];
  if (handler === undefined) {
    respond(response, 404, 'text/plain', 'no such call\n');
    return;
  }
  respond(response, 200, 'application/json', JSON.stringify((await handler(body)) ?? null));
}

/**
 * /firehose: after the client's first message, `count` messages as fast as the socket takes them.
 * @param {Map<string, FirehoseProgress>} firehoses
 * @param {Duplex} socket  a TCP socket (an upgrade's)
 * @param {Buffer} head
 * @param {URLSearchParams} params
 */
function serveFirehose(firehoses, socket, head, params) {
  const count = Number(params.get('count'));
  const type = params.get('type') === 'text' ? 'text' : 'binary';
  const frame = serverFrame(type === 'text' ? OPCODE_TEXT : OPCODE_BINARY, messagePayload(Number(params.get('size')), type));
  const progress = { total: frame.length * count, handed: 0, socket, finished: false };
  const tag = params.get('tag');
  if (tag) firehoses.set(tag, progress);
  /** @type {import('node:net').Socket} */ (socket).setNoDelay(true);
  let started = false;
  let stopped = false;
  socket.on('close', () => {
    stopped = true;
  });
  const reader = new ClientFrameReader(({ opcode, payload }) => {
    if (opcode === OPCODE_CLOSE) {
      stopped = true;
      answerClose(socket, /** @type {Buffer} */ (payload));
    } else if (!started && isDataOpcode(opcode)) {
      started = true;
      writeFirehose(socket, frame, count, progress, () => stopped).catch(() => {});
    }
  });
  socket.on('data', (/** @type {Buffer} */ chunk) => reader.push(chunk));
  if (head.length > 0) reader.push(head);
}

/**
 * @param {Duplex} socket
 * @param {Buffer} frame
 * @param {number} count
 * @param {FirehoseProgress} progress
 * @param {() => boolean} isStopped
 */
async function writeFirehose(socket, frame, count, progress, isStopped) {
  const framesPerBatch = Math.max(1, Math.floor(FIREHOSE_BATCH_BYTES / frame.length));
  const batch = Buffer.concat(Array.from({ length: framesPerBatch }, () => frame));
  const closed = once(socket, 'close');
  let remaining = count;
  while (remaining > 0 && !isStopped()) {
    const frames = Math.min(framesPerBatch, remaining);
    const bytes = frames === framesPerBatch ? batch : batch.subarray(0, frames * frame.length);
    remaining -= frames;
    progress.handed += bytes.length;
    if (!socket.write(bytes)) await Promise.race([once(socket, 'drain'), closed]);
  }
  progress.finished = remaining === 0;
}

/**
 * /sink: counts the client's messages; at the `count`th answers "<messages> <bytes>".
 * @param {Duplex} socket  a TCP socket (an upgrade's)
 * @param {Buffer} head
 * @param {URLSearchParams} params
 */
function serveSink(socket, head, params) {
  const expected = Number(params.get('count'));
  let messages = 0;
  let bytes = 0;
  /** @type {import('node:net').Socket} */ (socket).setNoDelay(true);
  const reader = new ClientFrameReader(({ opcode, fin, length, payload }) => {
    // Control frames are at most 125 bytes long: the reader hands over their payload.
    if (opcode === OPCODE_CLOSE) {
      answerClose(socket, /** @type {Buffer} */ (payload));
    } else if (opcode === OPCODE_PING) {
      socket.write(serverFrame(OPCODE_PONG, /** @type {Buffer} */ (payload)));
    } else if (isDataOpcode(opcode)) {
      bytes += length;
      if (!fin) return;
      messages++;
      if (messages === expected) socket.write(serverFrame(OPCODE_TEXT, Buffer.from(`${messages} ${bytes}`)));
    }
  });
  socket.on('data', (/** @type {Buffer} */ chunk) => reader.push(chunk));
  if (head.length > 0) reader.push(head);
}

/** @param {number} opcode */
function isDataOpcode(opcode) {
  return opcode === OPCODE_TEXT || opcode === OPCODE_BINARY || opcode === OPCODE_CONTINUATION;
}

/**
 * Answers a client's close frame with the same code, then ends the TCP connection.
 * @param {Duplex} socket
 * @param {Buffer} payload
 */
function answerClose(socket, payload) {
  if (socket.destroyed || socket.writableEnded) return;
  socket.end(closeFrame(payload.subarray(0, 2)));
}

/**
 * @param {ServerResponse} response
 * @param {number} status
 * @param {string} type
 * @param {string|Buffer} body
 */
function respond(response, status, type, body) {
  response.writeHead(status, { 'Content-Type': type, 'Content-Length': Buffer.byteLength(body), ...ISOLATION_HEADERS });
  response.end(body);
}

/** @param {IncomingMessage} request */
async function readBody(request) {
  /** @type {Buffer[]} */
  const chunks = [];
  let length = 0;
  for await (const chunk of request) {
    length += chunk.length;
    if (length > MAX_REQUEST_BODY_BYTES) throw new Error('request body too large');
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}
