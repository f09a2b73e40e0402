// Endpoints that misbehave on purpose, under /fault/..., beside the WPT ones on
// the ws and wss ports. Each one breaks a connection in one specific way, so a
// client's promises and streams can be checked to settle as the standard says
// and within a bound. They speak RFC 6455 by hand (raw-websocket.mjs), because
// the `ws` package would not send broken frames or leave a socket half closed.
//
//   /fault/reset-mid-message       announces a 64 KiB binary message, sends 1 KiB of it, then a TCP RST
//   /fault/stall?drop_after=MS     completes the handshake, then sends nothing, answers nothing and
//                                  reads and drops everything; ends the TCP connection (no close frame)
//                                  after MS ms when asked, else only when the server stops
//   /fault/close-frame-no-fin?code=&reason=   sends a close frame (default 4001 "bye") and, after the
//                                  client's close frame, leaves the TCP connection open
//   /fault/drop-no-close-frame     ends the TCP connection with no close frame, shortly after the handshake
//   /fault/invalid-utf8            sends a text message whose bytes are not UTF-8
//   /fault/handshake-never-answers reads the handshake and never answers it
//   /fault/garbage-handshake       answers the handshake with bytes that are not HTTP, stays connected
//                                  for 2 s (a client must fail on the bytes, not on the end), then ends
//   /fault/close-while-queued?code=&reason=   on the first message stops reading, waits for the
//                                  client's writes to back up, then sends a close frame (default
//                                  4002 "queued") and reads (and drops) again until the client's close
//                                  frame arrives, which it answers by ending the TCP connection
//   /fault/drop-while-queued       on the first message stops reading, waits for the client's writes to
//                                  back up, then ends the TCP connection with no close frame
import { OPCODE_BINARY, OPCODE_TEXT, acceptHandshake, closeFrame, closePayload, frameHeader, watchForCloseFrame } from './raw-websocket.mjs';
import { requestUrl } from './request-url.mjs';

// How long an endpoint that ends the connection on its own after the handshake
// (here, and /remote-close?abrupt=1) leaves it open first. A browser announces
// `open` in a later task, and Firefox 153 (measured here) skips `open`
// altogether when the TCP connection is already gone by then: dropped in the
// same instant as the 101 answer, about half its connections looked like failed
// handshakes. No event tells the server that the page has seen `open`, so this
// is a wait: 100 ms was too short once in a CI run of the matrix on a loaded
// 2-core machine (Firefox, remote-close.any.js).
export const SETTLE_AFTER_HANDSHAKE_MS = 500;
// A close *frame* needs no such wait (Firefox fires `open`, then `close`), and
// close-frame-no-fin must not take it: the page's bound on its clean close also
// has to hold WebKit's own wait for the server's FIN, and with 500 ms a CI run
// exceeded it once (WebKit, worker). It keeps the 100 ms every endpoint had.
const SETTLE_BEFORE_CLOSE_FRAME_MS = 100;
// How long close-while-queued lets the client's writes pile up before closing.
const QUEUE_UP_MS = 300;
// How long garbage-handshake keeps its connection after the garbage.
const GARBAGE_HANDSHAKE_HOLD_MS = 2000;
// No endpoint holds a connection for longer than this unless it is meant to hang.
const GIVE_UP_MS = 10_000;

/** @typedef {import('./lifetime.mjs').Lifetime} Lifetime */
/** @typedef {import('node:http').IncomingMessage} IncomingMessage */
/** @typedef {import('node:net').Socket} Socket */
/** @typedef {(lifetime: Lifetime, request: IncomingMessage, socket: Socket, head: Buffer) => void} Fault */

/**
 * → { '/fault/NAME': (request, socket, head) => void } for the endpoint table.
 * @param {{ lifetime: Lifetime }} options
 * @returns {Partial<Record<string, (request: IncomingMessage, socket: import('node:stream').Duplex, head: Buffer) => void>>}
 */
export function createFaultEndpoints({ lifetime }) {
  // The socket of an 'upgrade' event is a net.Socket (or a TLSSocket), whatever its declared type.
  return Object.fromEntries(Object.entries(FAULTS).map(([path, fault]) => [path, (request, socket, head) => fault(lifetime, request, /** @type {Socket} */ (socket), head)]));
}

// Each fault: (lifetime, request, socket, head).
/** @type {Record<string, Fault>} */
const FAULTS = {
  '/fault/reset-mid-message': resetMidMessage,
  '/fault/stall': stall,
  '/fault/close-frame-no-fin': closeFrameNoFin,
  '/fault/drop-no-close-frame': dropNoCloseFrame,
  '/fault/invalid-utf8': invalidUtf8,
  '/fault/handshake-never-answers': (lifetime, request, socket) => {
    socket.on('data', () => {});
  },
  '/fault/garbage-handshake': garbageHandshake,
  '/fault/close-while-queued': closeWhileQueued,
  '/fault/drop-while-queued': dropWhileQueued,
};

/** @type {Fault} */
function resetMidMessage(lifetime, request, socket) {
  if (!acceptHandshake(request, socket)) return;
  lifetime.after(SETTLE_AFTER_HANDSHAKE_MS, () => {
    const header = frameHeader(OPCODE_BINARY, 64 * 1024);
    socket.write(Buffer.concat([header, Buffer.alloc(1024, 0x61)]), () => {
      // A reset, not a FIN: the client sees ECONNRESET with half a frame read.
      if (!socket.destroyed) socket.resetAndDestroy();
    });
  });
}

/** @type {Fault} */
function stall(lifetime, request, socket) {
  if (!acceptHandshake(request, socket)) return;
  const url = urlOf(request);
  socket.on('data', () => {});
  const dropAfter = Number(url.searchParams.get('drop_after'));
  if (dropAfter > 0) lifetime.after(dropAfter, () => endWithoutCloseFrame(socket, lifetime));
}

/** @type {Fault} */
function closeFrameNoFin(lifetime, request, socket, head) {
  if (!acceptHandshake(request, socket)) return;
  const url = urlOf(request);
  // The client's FIN must not end our side: this socket is allowed to stay half open.
  socket.allowHalfOpen = true;
  socket.on('end', () => {});
  watchForCloseFrame(socket, head, () => {});
  lifetime.after(SETTLE_BEFORE_CLOSE_FRAME_MS, () => {
    if (!socket.destroyed) socket.write(closeFrame(closePayloadOf(url, 4001, 'bye')));
  });
}

/** @type {Fault} */
function dropNoCloseFrame(lifetime, request, socket) {
  if (!acceptHandshake(request, socket)) return;
  socket.on('data', () => {});
  lifetime.after(SETTLE_AFTER_HANDSHAKE_MS, () => endWithoutCloseFrame(socket, lifetime));
}

/** @type {Fault} */
function invalidUtf8(lifetime, request, socket, head) {
  if (!acceptHandshake(request, socket)) return;
  watchForCloseFrame(socket, head, () => endWithoutCloseFrame(socket, lifetime));
  lifetime.after(SETTLE_AFTER_HANDSHAKE_MS, () => {
    if (socket.destroyed) return;
    const notUtf8 = Buffer.from([0x68, 0x69, 0xff, 0xfe, 0xc3]);
    socket.write(Buffer.concat([frameHeader(OPCODE_TEXT, notUtf8.length), notUtf8]));
  });
  lifetime.after(GIVE_UP_MS, () => socket.destroy());
}

/** @type {Fault} */
function garbageHandshake(lifetime, request, socket) {
  socket.on('data', () => {});
  socket.write(Buffer.from('\x00\x17SSH-2.0-not-http\r\n\xff\xfe\r\n\r\n', 'latin1'));
  // Firefox fails the handshake but keeps the TCP connection in its HTTP pool, where it counts
  // against six connections per host: left open for good, six of them stall every later
  // connection to this server (measured, Firefox 153).
  lifetime.after(GARBAGE_HANDSHAKE_HOLD_MS, () => endWithoutCloseFrame(socket, lifetime));
}

/** @type {Fault} */
function closeWhileQueued(lifetime, request, socket, head) {
  if (!acceptHandshake(request, socket)) return;
  const url = urlOf(request);
  // Frames are parsed from the first byte on, so the client's close frame is found later.
  watchForCloseFrame(socket, head, () => endWithoutCloseFrame(socket, lifetime));
  socket.once('data', () => {
    socket.pause();
    lifetime.after(QUEUE_UP_MS, () => {
      if (socket.destroyed) return;
      socket.write(closeFrame(closePayloadOf(url, 4002, 'queued')));
      socket.resume();
      lifetime.after(GIVE_UP_MS, () => socket.destroy());
    });
  });
}

/** @type {Fault} */
function dropWhileQueued(lifetime, request, socket) {
  if (!acceptHandshake(request, socket)) return;
  socket.once('data', () => {
    socket.pause();
    lifetime.after(QUEUE_UP_MS, () => endWithoutCloseFrame(socket, lifetime));
  });
}

/** @param {IncomingMessage} request */
function urlOf(request) {
  return requestUrl(request, 'ws://server');
}

/**
 * @param {URL} url
 * @param {number} defaultCode
 * @param {string} defaultReason
 */
function closePayloadOf(url, defaultCode, defaultReason) {
  return closePayload(Number(url.searchParams.get('code') ?? defaultCode), url.searchParams.get('reason') ?? defaultReason);
}

// FIN with no close frame; a client that never closes its side is cut off.
/**
 * @param {Socket} socket
 * @param {Lifetime} lifetime
 */
function endWithoutCloseFrame(socket, lifetime) {
  if (socket.destroyed) return;
  socket.end();
  lifetime.after(2000, () => socket.destroy());
}
