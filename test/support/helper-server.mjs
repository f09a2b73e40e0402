// WebSocket endpoints the conformance server does not have, because they exist to let a Node test
// look at the server's side of a connection: what it received, which close code and reason it saw,
// how many connections were attempted, how much it managed to send. The server runs in the test's
// own process, so tests read those records directly instead of asking over the network.
//
//   /record?id=ID[&pause=1]   records every message and the close code/reason it receives; with
//                              pause=1 it reads nothing, so the client's writes back up
//   /flood?size=N&count=M      at once sends M binary messages of N bytes, each starting with its
//                              sequence number (uint32, big-endian); counts what left its buffers
//   /answer-close?code=&reason=   answers the client's close frame with its own, different one
//   /bad-accept                answers the handshake with a wrong Sec-WebSocket-Accept
//   /deflate                   negotiates permessage-deflate when offered, then echoes
//
// Every TCP connection and every upgrade request is counted (by the `id` query parameter), so a
// test can prove that a connection was never attempted.
import http from 'node:http';
import { WebSocketServer } from 'ws';
import { acceptHandshake, closeFrame, closePayload, watchForCloseFrame } from '../../conformance/server/raw-websocket.mjs';

/** @typedef {import('node:stream').Duplex} Duplex */
/** @typedef {import('node:http').IncomingMessage} IncomingMessage */
/** @typedef {import('ws').WebSocket} WebSocket */
/** @typedef {(request: IncomingMessage, socket: Duplex, head: Buffer, url: URL) => void} Endpoint */
/** @typedef {{ code: number, reason: string }} CloseSeen */

class ConnectionRecord {
  /** @type {(string|Uint8Array)[]} */
  messages = [];
  /** @type {(() => void)[]} */
  #messageWaiters = [];
  /** @type {Promise<CloseSeen>} */
  #closeSeen;
  /** @type {(seen: CloseSeen) => void} */
  #resolveClose = () => {};
  /** The server's side of the connection (a `ws` WebSocket). @type {WebSocket|null} */
  websocket = null;

  constructor() {
    this.#closeSeen = new Promise((resolve) => {
      this.#resolveClose = resolve;
    });
  }

  /** Resolves with { code, reason } once the server saw the connection close (1005: no code; 1006: no close frame). */
  get closeSeen() {
    return this.#closeSeen;
  }

  /** @param {string|Uint8Array} message */
  addMessage(message) {
    this.messages.push(message);
    const waiters = this.#messageWaiters;
    this.#messageWaiters = [];
    for (const waiter of waiters) waiter();
  }

  /**
   * Resolves once at least `count` messages have arrived.
   * @param {number} count
   */
  async messagesArrived(count) {
    while (this.messages.length < count) await new Promise((/** @type {(value?: unknown) => void} */ resolve) => this.#messageWaiters.push(resolve));
    return this.messages.slice(0, count);
  }

  /**
   * @param {number} code
   * @param {string} reason
   */
  closed(code, reason) {
    this.#resolveClose({ code, reason });
  }
}

/** @typedef {ConnectionRecord & { websocket: WebSocket }} OpenRecord  a record once its connection is open, as record() hands it out */

class Flood {
  /** Bytes (payload only) the server's socket has handed to the kernel. */
  bytesSent = 0;
  /** The server's side of the connection, once every message is queued. @type {WebSocket|null} */
  websocket = null;
  /**
   * @param {number} size
   * @param {number} count
   */
  constructor(size, count) {
    this.size = size;
    this.count = count;
  }

  get totalBytes() {
    return this.size * this.count;
  }
}

/** @param {{ host?: string }} [options] */
export async function startHelperServer({ host = '127.0.0.1' } = {}) {
  /** @type {Map<string, ConnectionRecord>} */
  const records = new Map();
  /** @type {Map<string, ((record: OpenRecord) => void)[]>} */
  const recordWaiters = new Map();
  /** @type {Map<string, Flood>} */
  const floods = new Map();
  /** @type {Map<string, number>} */
  const upgradesById = new Map();
  /** @type {Set<import('node:net').Socket>} */
  const sockets = new Set();
  let tcpConnections = 0;
  /** @type {string|null} */
  let deflateResponseExtensions = null;

  const recordFor = (/** @type {string} */ id) => {
    if (!records.has(id)) records.set(id, new ConnectionRecord());
    return /** @type {ConnectionRecord} */ (records.get(id));
  };

  const plain = new WebSocketServer({ noServer: true, perMessageDeflate: false });
  const deflate = new WebSocketServer({ noServer: true, perMessageDeflate: true });
  deflate.on('headers', (headers) => {
    const line = headers.find((header) => /^sec-websocket-extensions:/i.test(header));
    deflateResponseExtensions = line === undefined ? '' : line.slice(line.indexOf(':') + 1).trim();
  });

  /** @type {Record<string, Endpoint|undefined>} */
  const endpoints = {
    '/record': (request, socket, head, url) => {
      plain.handleUpgrade(request, socket, head, (websocket) => {
        const id = url.searchParams.get('id') ?? '';
        const record = recordFor(id);
        record.websocket = websocket;
        if (url.searchParams.get('pause') === '1') websocket.pause();
        // Not fragmented, not asked for in pieces: each message is one Buffer.
        websocket.on('message', (data, isBinary) => record.addMessage(isBinary ? new Uint8Array(/** @type {Buffer} */ (data)) : data.toString('utf8')));
        websocket.on('close', (code, reason) => record.closed(code, reason.toString('utf8')));
        websocket.on('error', () => {});
        for (const resolve of recordWaiters.get(id) ?? []) resolve(/** @type {OpenRecord} */ (record));
        recordWaiters.delete(id);
      });
    },

    '/flood': (request, socket, head, url) => {
      plain.handleUpgrade(request, socket, head, (websocket) => {
        const id = url.searchParams.get('id') ?? '';
        const flood = new Flood(Number(url.searchParams.get('size')), Number(url.searchParams.get('count')));
        floods.set(id, flood);
        websocket.on('error', () => {});
        for (let sequence = 0; sequence < flood.count; sequence++) {
          const message = Buffer.alloc(flood.size, sequence & 0xff);
          message.writeUInt32BE(sequence, 0);
          websocket.send(message, { binary: true }, (error) => {
            if (!error) flood.bytesSent += flood.size;
          });
        }
        flood.websocket = websocket;
      });
    },

    '/answer-close': (request, socket, head, url) => {
      if (!acceptHandshake(request, socket)) return;
      const payload = closePayload(Number(url.searchParams.get('code')), url.searchParams.get('reason') ?? '');
      watchForCloseFrame(socket, head, () => socket.end(closeFrame(payload)));
    },

    '/bad-accept': (request, socket) => {
      socket.end([
        'HTTP/1.1 101 Switching Protocols',
        'Upgrade: websocket',
        'Connection: Upgrade',
        'Sec-WebSocket-Accept: bm90IHRoZSByaWdodCBhbnN3ZXI=',
        '', '',
      ].join('\r\n'));
    },

    '/deflate': (request, socket, head) => {
      deflate.handleUpgrade(request, socket, head, (websocket) => {
        websocket.on('error', () => {});
        websocket.on('message', (data, isBinary) => websocket.send(data, { binary: isBinary }));
      });
    },
  };

  const server = http.createServer((request, response) => {
    response.writeHead(426, { 'Content-Type': 'text/plain' });
    response.end('WebSocket endpoints only.\n');
  });
  server.on('connection', (socket) => {
    tcpConnections += 1;
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  server.on('upgrade', (request, socket, head) => {
    socket.on('error', () => {});
    const url = new URL(request.url ?? '/', 'ws://helper');
    const id = url.searchParams.get('id');
    if (id !== null) upgradesById.set(id, (upgradesById.get(id) ?? 0) + 1);
    const endpoint = endpoints[url.pathname];
    if (endpoint === undefined) {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    endpoint(request, socket, head, url);
  });

  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => resolve(undefined));
  });
  const { port } = /** @type {import('node:net').AddressInfo} */ (server.address());
  const origin = `ws://${host}:${port}`;

  return {
    port,
    origin,
    url: (/** @type {string} */ pathAndQuery) => `${origin}${pathAndQuery}`,
    /** TCP connections accepted so far, whatever became of them. */
    get tcpConnections() {
      return tcpConnections;
    },
    /** Upgrade requests that carried ?id=ID. */
    upgrades: (/** @type {string} */ id) => upgradesById.get(id) ?? 0,
    /**
     * The record of the /record connection with ?id=ID, once it is open.
     * @param {string} id
     * @returns {Promise<OpenRecord>}
     */
    record(id) {
      const known = records.get(id);
      if (known !== undefined && known.websocket !== null) return Promise.resolve(/** @type {OpenRecord} */ (known));
      return new Promise((resolve) => {
        if (!recordWaiters.has(id)) recordWaiters.set(id, []);
        recordWaiters.get(id)?.push(resolve);
      });
    },
    flood: (/** @type {string} */ id) => floods.get(id),
    /** The Sec-WebSocket-Extensions value /deflate last answered with ('' for none). */
    get deflateResponseExtensions() {
      return deflateResponseExtensions;
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(() => resolve(undefined)));
      plain.close();
      deflate.close();
    },
  };
}
