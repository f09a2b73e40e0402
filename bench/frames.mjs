// The few pieces of RFC 6455 the bench server speaks itself. The firehose and the sink must never
// be the slowest part of a measurement, so they skip per-message work: the firehose writes frames
// built once, and the sink counts client frames by their headers without unmasking the payload.
import { createHash } from 'node:crypto';

const HANDSHAKE_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
export const OPCODE_CONTINUATION = 0x0;
export const OPCODE_TEXT = 0x1;
export const OPCODE_BINARY = 0x2;
export const OPCODE_CLOSE = 0x8;
export const OPCODE_PING = 0x9;
export const OPCODE_PONG = 0xa;

/** Answers the opening handshake. → false (after answering 400) when it is not one. */
export function acceptHandshake(request, socket) {
  const key = request.headers['sec-websocket-key'];
  const isWebSocket = (request.headers.upgrade ?? '').toLowerCase() === 'websocket';
  if (!isWebSocket || !key || request.headers['sec-websocket-version'] !== '13') {
    socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    return false;
  }
  const accept = createHash('sha1').update(key + HANDSHAKE_GUID).digest('base64');
  socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`);
  return true;
}

/** Bytes of the header of an unmasked (server-to-client) frame carrying `payloadLength` bytes. */
export function serverFrameHeaderLength(payloadLength) {
  if (payloadLength < 126) return 2;
  return payloadLength < 65536 ? 4 : 10;
}

/** An unmasked, final frame: what a server sends. */
export function serverFrame(opcode, payload) {
  const headerLength = serverFrameHeaderLength(payload.length);
  const frame = Buffer.allocUnsafe(headerLength + payload.length);
  frame[0] = 0x80 | opcode;
  if (headerLength === 2) {
    frame[1] = payload.length;
  } else if (headerLength === 4) {
    frame[1] = 126;
    frame.writeUInt16BE(payload.length, 2);
  } else {
    frame[1] = 127;
    frame.writeBigUInt64BE(BigInt(payload.length), 2);
  }
  payload.copy(frame, headerLength);
  return frame;
}

/** The payload of a firehose message: ASCII for text (valid UTF-8, one byte a character), a byte ramp for binary. */
export function messagePayload(size, type) {
  const payload = Buffer.allocUnsafe(size);
  if (type === 'text') payload.fill('x');
  else for (let i = 0; i < size; i++) payload[i] = i & 0xff;
  return payload;
}

/**
 * Reads masked client frames from a byte stream, chunk by chunk. Payloads of up to 125 bytes
 * (control frames, small commands) are unmasked and handed over; longer ones are skipped in place,
 * so a sink pays for headers only.
 */
export class ClientFrameReader {
  #pending = Buffer.alloc(0);
  #skipRemaining = 0;
  #onFrame;

  /** `onFrame({ opcode, fin, length, payload })`; `payload` is null for frames longer than 125 bytes. */
  constructor(onFrame) {
    this.#onFrame = onFrame;
  }

  push(chunk) {
    let offset = 0;
    if (this.#skipRemaining > 0) {
      const skipped = Math.min(this.#skipRemaining, chunk.length);
      this.#skipRemaining -= skipped;
      offset = skipped;
    }
    let bytes = chunk.subarray(offset);
    if (this.#pending.length > 0) {
      bytes = Buffer.concat([this.#pending, bytes]);
      this.#pending = Buffer.alloc(0);
    }
    while (bytes.length > 0) {
      const header = parseHeader(bytes);
      if (header === null) {
        this.#pending = Buffer.from(bytes);
        return;
      }
      const { opcode, fin, length, headerLength, maskOffset } = header;
      if (length <= 125) {
        if (bytes.length < headerLength + length) {
          this.#pending = Buffer.from(bytes);
          return;
        }
        const payload = Buffer.from(bytes.subarray(headerLength, headerLength + length));
        if (maskOffset !== -1) {
          for (let i = 0; i < payload.length; i++) payload[i] ^= bytes[maskOffset + (i & 3)];
        }
        bytes = bytes.subarray(headerLength + length);
        this.#onFrame({ opcode, fin, length, payload });
      } else {
        const available = bytes.length - headerLength;
        this.#onFrame({ opcode, fin, length, payload: null });
        if (available >= length) {
          bytes = bytes.subarray(headerLength + length);
        } else {
          this.#skipRemaining = length - available;
          return;
        }
      }
    }
  }
}

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

/** Bytes of acceptHandshake()'s answer: fixed, as the accept value is always 28 base64 characters. */
export const HANDSHAKE_RESPONSE_LENGTH = Buffer.byteLength(
  `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${'x'.repeat(28)}\r\n\r\n`,
);
