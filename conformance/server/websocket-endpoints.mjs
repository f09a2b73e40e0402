// The WebSocket endpoints of the ws and wss ports. Each is named, and behaves,
// like the upstream WPT handler of the same name, so upstream's tests and
// ours can use them unchanged. Any other path fails the handshake with 404.
import { performance } from 'node:perf_hooks';
import { WebSocketServer } from 'ws';
import { acceptHandshake, closeFrame, watchForCloseFrame } from './raw-websocket.mjs';
import { SETTLE_AFTER_HANDSHAKE_MS, createFaultEndpoints } from './fault-endpoints.mjs';
import { requestUrl } from './request-url.mjs';

const ONE_MIB = 1024 * 1024;
const SEND_BACKPRESSURE_MESSAGES = 16;
const GOODBYE = 'Goodbye';
// /remote-close?abrupt=1 waits SETTLE_AFTER_HANDSHAKE_MS before dropping a new
// connection. A close *frame* sent at once does not need the wait (Firefox
// fires `open`, then `close`), and tests rely on that frame arriving
// immediately, so only the drop waits.

/** @typedef {import('node:http').IncomingMessage} IncomingMessage */
/** @typedef {import('node:stream').Duplex} Duplex */
/** @typedef {import('ws').WebSocket} WebSocket */
/** @typedef {import('./lifetime.mjs').Lifetime} Lifetime */
/**
 * What every endpoint may use: `accept` completes the handshake with `ws`
 * and hands the endpoint the open WebSocket and the request's URL.
 * @typedef {object} EndpointContext
 * @property {Lifetime} lifetime
 * @property {(line: string) => void} log
 * @property {(request: IncomingMessage, socket: Duplex, head: Buffer, onOpen: (websocket: WebSocket, url: URL) => void) => void} accept
 */
/** @typedef {(context: EndpointContext, request: IncomingMessage, socket: Duplex, head: Buffer) => void} Endpoint */

/**
 * → handleUpgrade(request, socket, head) for the ws/wss servers.
 * `lifetime` owns sockets and timers; `stash` records `?stash_key=`; `log(line)` reports.
 * @param {{ lifetime: Lifetime, stash: import('./stash.mjs').Stash, log: (line: string) => void }} options
 * @returns {(request: IncomingMessage, socket: Duplex, head: Buffer) => void}
 */
export function createWebSocketEndpoints({ lifetime, stash, log }) {
  const server = new WebSocketServer({
    noServer: true,
    // No compression: backpressure endpoints must put their real byte counts
    // on the wire, and `extensions` is then "" everywhere, as a test expects.
    perMessageDeflate: false,
    handleProtocols: selectProtocol,
  });
  // What every endpoint may use: `accept` completes the handshake with `ws`
  // and hands the endpoint the open WebSocket and the request's URL.
  /** @type {EndpointContext} */
  const context = {
    lifetime,
    log,
    accept(request, socket, head, onOpen) {
      server.handleUpgrade(request, socket, head, (websocket) => {
        websocket.on('error', (error) => log(`ws ${pathOf(request)}: ${error.message}`));
        onOpen(websocket, requestUrl(request, 'ws://server'));
      });
    },
  };
  const faultEndpoints = createFaultEndpoints({ lifetime });

  return function handleUpgrade(request, socket, head) {
    lifetime.adopt(socket);
    socket.on('error', (error) => log(`socket ${request.url}: ${error.message}`));
    const url = requestUrl(request, 'ws://server');
    const fault = faultEndpoints[url.pathname];
    const endpoint = fault ?? ENDPOINTS[url.pathname];
    log(`upgrade ${request.url}${endpoint ? '' : ' → 404'}`);
    if (!endpoint) {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    stash.recordConnection(url);
    if (fault) fault(request, socket, head);
    else /** @type {Endpoint} */ (ENDPOINTS[url.pathname])(context, request, socket, head);
  };
}

// Each endpoint: (context, request, socket, head), context as made above.
/** @type {Partial<Record<string, Endpoint>>} */
const ENDPOINTS = {
  '/echo': (context, request, socket, head) => context.accept(request, socket, head, echo),
  '/echo_exit': (context, request, socket, head) => context.accept(request, socket, head, echoUntilGoodbye),
  '/remote-close': remoteClose,
  '/remote-close-with-unsent-data': remoteCloseWithUnsentData,
  '/delayed-passive-close': delayedPassiveClose,
  '/passive-close-abort': passiveCloseAbort,
  // Sends the chosen (first offered) subprotocol's name, then stays open.
  '/protocol_array': (context, request, socket, head) => context.accept(request, socket, head, (websocket) => {
    websocket.send(websocket.protocol, { binary: false });
  }),
  '/send-backpressure': (context, request, socket, head) => context.accept(request, socket, head, sendBackpressure),
  // Reads nothing for 2 s, so the client's sends back up; then reads and drops.
  '/receive-backpressure': (context, request, socket, head) => context.accept(request, socket, head, (websocket) => {
    websocket.pause();
    context.lifetime.after(2000, () => websocket.resume());
  }),
  // Answers the handshake after 2 s (unless the client gave up), then echoes.
  '/handshake_sleep_2': (context, request, socket, head) => {
    context.lifetime.after(2000, () => {
      if (!socket.destroyed) context.accept(request, socket, head, echo);
    });
  },
};

/** @param {WebSocket} websocket */
function echoUntilGoodbye(websocket) {
  websocket.on('message', (data, isBinary) => {
    websocket.send(data, { binary: isBinary });
    if (!isBinary && data.toString() === GOODBYE) websocket.close(1000);
  });
}

// ?code=&reason=&abrupt=1&after_message=1 — closes right after the
// handshake (or, with after_message=1, when the client's first message
// arrives, so the connection is certainly open on both sides): with a close
// frame carrying the code and reason (no body without a code), or, with
// abrupt=1, by ending the TCP connection with no close frame.
/** @type {Endpoint} */
function remoteClose({ accept, lifetime, log }, request, socket, head) {
  accept(request, socket, head, (websocket, url) => {
    const abrupt = url.searchParams.get('abrupt') === '1';
    const closeAsAsked = () => {
      if (abrupt) dropConnection(socket, lifetime);
      else closeWith(websocket, url.searchParams.get('code'), url.searchParams.get('reason') ?? '', 'remote-close', log);
    };
    if (url.searchParams.get('after_message') === '1') websocket.once('message', closeAsAsked);
    else if (abrupt) lifetime.after(SETTLE_AFTER_HANDSHAKE_MS, closeAsAsked);
    else closeAsAsked();
  });
}

/**
 * Sends a close frame with `code` (none without one) and `reason`. `ws`
 * refuses to put a reserved code (1005, 1006, ...) or an overlong reason on
 * the wire; say so rather than closing with something else.
 * @param {WebSocket} websocket
 * @param {string|null} code
 * @param {string} reason
 * @param {string} endpoint
 * @param {(line: string) => void} log
 * @returns whether the close frame went out
 */
function closeWith(websocket, code, reason, endpoint, log) {
  if (code === null) {
    websocket.close();
    return true;
  }
  try {
    websocket.close(Number(code), reason);
    return true;
  } catch (error) {
    log(`${endpoint} cannot send code ${code}: ${/** @type {Error} */ (error).message}`);
    websocket.terminate();
    return false;
  }
}

// ?code=&reason= (default 4567 "unsent") — a close that is clean on the
// wire but leaves the client's data unsent: on the first message it stops
// reading and sends its close frame; half a second later it reads (and
// drops) everything again until the client's close frame completes the
// handshake, or drops the connection if none has come 5 s after that.
/** @type {Endpoint} */
function remoteCloseWithUnsentData({ accept, lifetime, log }, request, socket, head) {
  accept(request, socket, head, (websocket, url) => {
    websocket.once('message', () => {
      websocket.pause();
      const code = String(Number(url.searchParams.get('code') ?? 4567));
      if (!closeWith(websocket, code, url.searchParams.get('reason') ?? 'unsent', 'remote-close-with-unsent-data', log)) return;
      lifetime.after(500, () => {
        websocket.resume();
        lifetime.after(5000, () => websocket.terminate());
      });
    });
  });
}

// Answers the client's close frame (same code and reason) only after a second.
/** @type {Endpoint} */
function delayedPassiveClose({ lifetime }, request, socket, head) {
  if (!acceptHandshake(request, socket)) return;
  watchForCloseFrame(socket, head, (payload) => {
    lifetime.after(1000, () => {
      if (!socket.destroyed) socket.end(closeFrame(payload));
    });
  });
}

// Never answers the client's close frame: drops the TCP connection instead.
/** @type {Endpoint} */
function passiveCloseAbort(context, request, socket, head) {
  if (!acceptHandshake(request, socket)) return;
  watchForCloseFrame(socket, head, () => socket.destroy());
}

// As upstream's handlers: protocol_array takes the first offered subprotocol,
// echo takes "echo" when offered, and everything else takes none — which
// fails the handshake of a client that offered some.
/**
 * @param {Set<string>} protocols
 * @param {IncomingMessage} request
 * @returns {string|false}
 */
function selectProtocol(protocols, request) {
  const endpoint = pathOf(request);
  if (endpoint === '/protocol_array') return /** @type {string} */ (protocols.values().next().value);
  if (endpoint === '/echo' && protocols.has('echo')) return 'echo';
  return false;
}

// Ends the TCP connection with no close frame. end() rather than destroy():
// destroy() can discard bytes still queued (TLS buffers them); end() sends
// them, then FIN. A client that never closes its side is cut off after 2 s.
/**
 * @param {Duplex} socket
 * @param {Lifetime} lifetime
 */
function dropConnection(socket, lifetime) {
  socket.end();
  lifetime.after(2000, () => socket.destroy());
}

/** @param {IncomingMessage} request */
function pathOf(request) {
  return requestUrl(request, 'ws://server').pathname;
}

// Echoes every message as it came (text as text, binary as binary). `ws`
// itself answers a close frame with the same code and reason.
/** @param {WebSocket} websocket */
function echo(websocket) {
  websocket.on('message', (data, isBinary) => websocket.send(data, { binary: isBinary }));
}

// An empty message, then 16 MiB in 1 MiB messages, then, as text, how many
// seconds those took to be handed to the network — long when the client
// applies backpressure and short when it reads everything into memory.
/** @param {WebSocket} websocket */
function sendBackpressure(websocket) {
  websocket.send(Buffer.alloc(0), { binary: true });
  const chunk = Buffer.alloc(ONE_MIB, 0x20);
  const start = performance.now();
  let written = 0;
  for (let i = 0; i < SEND_BACKPRESSURE_MESSAGES; i++) {
    websocket.send(chunk, { binary: true }, (error) => {
      if (error) return;
      written += 1;
      if (written === SEND_BACKPRESSURE_MESSAGES) {
        websocket.send(String((performance.now() - start) / 1000), { binary: false });
      }
    });
  }
}
