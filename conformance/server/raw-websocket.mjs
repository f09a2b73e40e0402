// The pieces of RFC 6455 this project speaks itself, in one place for the test server, the Node
// tests' helper server and the bench. The `ws` package answers a close frame by itself at once and
// never sends a broken frame; the endpoints that must answer late, or not at all, or misbehave
// speak the protocol here. The bench's firehose and sink must never be the slowest part of a
// measurement, so frames can be built once and written many times, and the frame reader skips
// the payloads of long frames in place instead of unmasking them.
import { createHash } from 'node:crypto';

const HANDSHAKE_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
export const OPCODE_CONTINUATION = 0x0;
export const OPCODE_TEXT = 0x1;
export const OPCODE_BINARY = 0x2;
export const OPCODE_CLOSE = 0x8;
export const OPCODE_PING = 0x9;
export const OPCODE_PONG = 0xa;
/** The longest payload a frame reader hands over unmasked: every control frame fits. */
const LONGEST_HANDED_PAYLOAD = 125;

/** @param {string} accept */
function handshakeAnswer(accept) {
  return ['HTTP/1.1 101 Switching Protocols', 'Upgrade: websocket', 'Connection: Upgrade', `Sec-WebSocket-Accept: ${accept}`, '', ''].join('\r\n');
}

/**
 * Writes the 101 answer. → false (after answering 400) when the request is not a valid handshake.
 * @param {import('node:http').IncomingMessage} request
 * @param {import('node:stream').Duplex} socket
 */
export function acceptHandshake(request, socket) {
  const key = request.headers['sec-websocket-key'];
  const isWebSocket = (request.headers.upgrade ?? '').toLowerCase() === 'websocket';
  if (!isWebSocket || !key || request.headers['sec-websocket-version'] !== '13') {
    socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    return false;
  }
  socket.write(handshakeAnswer(createHash('sha1').update(key + HANDSHAKE_GUID).digest('base64')));
  return true;
}

/** Bytes of acceptHandshake()'s answer: fixed, as the accept value is always 28 base64 characters. */
export const HANDSHAKE_RESPONSE_LENGTH = Buffer.byteLength(handshakeAnswer('x'.repeat(28)));

/**
 * Bytes of the header of an unmasked (server-to-client) frame carrying `payloadLength` bytes.
 * @param {number} payloadLength
 */
export function serverFrameHeaderLength(payloadLength) {
  if (payloadLength < 126) return 2;
  return payloadLength < 65536 ? 4 : 10;
}

/**
 * The header of one unmasked, final frame carrying `length` payload bytes.
 * @param {number} opcode
 * @param {number} length
 */
export function frameHeader(opcode, length) {
  const header = Buffer.alloc(serverFrameHeaderLength(length));
  header[0] = 0x80 | opcode;
  if (header.length === 2) {
    header[1] = length;
  } else if (header.length === 4) {
    header[1] = 126;
    header.writeUInt16BE(length, 2);
  } else {
    header[1] = 127;
    header.writeBigUInt64BE(BigInt(length), 2);
  }
  return header;
}

/**
 * An unmasked, final frame: what a server sends.
 * @param {number} opcode
 * @param {Buffer} payload
 */
export function serverFrame(opcode, payload) {
  return Buffer.concat([frameHeader(opcode, payload.length), payload]);
}

/**
 * An unmasked (server-to-client) close frame carrying `payload` (≤ 125 bytes).
 * @param {Buffer} payload
 */
export function closeFrame(payload) {
  return serverFrame(OPCODE_CLOSE, payload);
}

/**
 * The body of a close frame: the code (big-endian), then the reason in UTF-8.
 * @param {number} code
 */
export function closePayload(code, reason = '') {
  const reasonBytes = Buffer.from(reason, 'utf8');
  const payload = Buffer.alloc(2 + reasonBytes.length);
  payload.writeUInt16BE(code, 0);
  reasonBytes.copy(payload, 2);
  return payload;
}

/**
 * The payload of a firehose message: ASCII for text (valid UTF-8, one byte a character), a byte ramp for binary.
 * @param {number} size
 * @param {string} type  'text' or 'binary'
 */
export function messagePayload(size, type) {
  const payload = Buffer.allocUnsafe(size);
  if (type === 'text') payload.fill('x');
  else for (let i = 0; i < size; i++) payload[i] = i & 0xff;
  return payload;
}

/**
 * Reads client frames from a byte stream, chunk by chunk. Payloads of up to 125 bytes (control
 * frames, small commands) are unmasked and handed over; longer ones are skipped in place, so a
 * sink pays for headers only.
 */
export class ClientFrameReader {
  #pending = Buffer.alloc(0);
  #skipRemaining = 0;
  /** @type {(frame: ClientFrame) => void} */
  #onFrame;

  /**
   * `onFrame({ opcode, fin, length, payload })`; `payload` is null for frames longer than 125 bytes.
   * @param {(frame: ClientFrame) => void} onFrame
   */
  constructor(onFrame) {
    this.#onFrame = onFrame;
  }

  /** @param {Buffer} chunk */
  push(chunk) {
    const skipped = Math.min(this.#skipRemaining, chunk.length);
    this.#skipRemaining -= skipped;
    let bytes = chunk.subarray(skipped);
    if (this.#pending.length > 0) {
      bytes = Buffer.concat([this.#pending, bytes]);
      this.#pending = Buffer.alloc(0);
    }
    while (bytes.length > 0) {
      const rest = this.#takeFrame(bytes);
      if (rest === null) {
        this.#pending = Buffer.from(bytes);
        return;
      }
      bytes = rest;
    }
  }

  /**
   * Hands over the frame at the start of `bytes`. → the bytes after it, or null when it is incomplete.
   * @param {Buffer} bytes
   * @returns {Buffer|null}
   */
  #takeFrame(bytes) {
    const header = parseHeader(bytes);
    if (header === null) return null;
    const { opcode, fin, length, headerLength, maskOffset } = header;
    if (length > LONGEST_HANDED_PAYLOAD) {
      this.#onFrame({ opcode, fin, length, payload: null });
      const available = bytes.length - headerLength;
      this.#skipRemaining = Math.max(0, length - available);
      return bytes.subarray(Math.min(bytes.length, headerLength + length));
    }
    if (bytes.length < headerLength + length) return null;
    const payload = Buffer.from(bytes.subarray(headerLength, headerLength + length));
    if (maskOffset !== -1) {
      for (let i = 0; i < payload.length; i++) payload[i] ^= bytes[maskOffset + (i & 3)];
    }
    this.#onFrame({ opcode, fin, length, payload });
    return bytes.subarray(headerLength + length);
  }
}

/**
 * A frame a client sent, as ClientFrameReader hands it over.
 * @typedef {{ opcode: number, fin: boolean, length: number, payload: Buffer|null }} ClientFrame
 */

/**
 * The header at the start of `bytes` → { opcode, fin, length, headerLength, maskOffset }, or null when incomplete.
 * @param {Buffer} bytes
 */
function parseHeader(bytes) {
  if (bytes.length < 2) return null;
  const opcode = bytes[0] & 0x0f;
  const fin = (bytes[0] & 0x80) !== 0;
  const masked = (bytes[1] & 0x80) !== 0;
  let length = bytes[1] & 0x7f;
  let headerLength = 2;
  if (length === 126) {
    if (bytes.length < 4) return null;
    length = bytes.readUInt16BE(2);
    headerLength = 4;
  } else if (length === 127) {
    if (bytes.length < 10) return null;
    length = Number(bytes.readBigUInt64BE(2));
    headerLength = 10;
  }
  const maskOffset = masked ? headerLength : -1;
  if (masked) headerLength += 4;
  if (bytes.length < headerLength) return null;
  return { opcode, fin, length, headerLength, maskOffset };
}

/**
 * Reads client frames from `socket` (starting with `head`, the bytes that came with the
 * handshake) and calls `onClose(payload)` once, with the unmasked body of the client's close
 * frame. Data frames are read and dropped.
 * @param {import('node:stream').Duplex} socket
 * @param {Buffer|undefined} head
 * @param {(payload: Buffer) => void} onClose
 */
export function watchForCloseFrame(socket, head, onClose) {
  let closed = false;
  const reader = new ClientFrameReader(({ opcode, payload }) => {
    if (opcode !== OPCODE_CLOSE || closed) return;
    closed = true;
    socket.off('data', consume);
    // A close frame's payload is at most 125 bytes, so the reader always hands it over.
    onClose(/** @type {Buffer} */ (payload));
  });
  const consume = (/** @type {Buffer} */ chunk) => reader.push(chunk);
  socket.on('data', consume);
  if (head !== undefined && head.length > 0) consume(head);
}
