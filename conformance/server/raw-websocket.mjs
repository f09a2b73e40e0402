// Just enough of RFC 6455 to answer a handshake and watch for the client's
// close frame. The `ws` package answers a close frame by itself at once; the
// endpoints that must answer it late, or not at all, speak the protocol here.
import { createHash } from 'node:crypto';

const HANDSHAKE_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
const OPCODE_CLOSE = 0x8;

/** Writes the 101 answer. → false (after answering 400) when the request is not a valid handshake. */
export function acceptHandshake(request, socket) {
  const key = request.headers['sec-websocket-key'];
  const isWebSocket = (request.headers.upgrade ?? '').toLowerCase() === 'websocket';
  if (!isWebSocket || !key || request.headers['sec-websocket-version'] !== '13') {
    socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    return false;
  }
  const accept = createHash('sha1').update(key + HANDSHAKE_GUID).digest('base64');
  socket.write([
    'HTTP/1.1 101 Switching Protocols',
    'Upgrade: websocket',
    'Connection: Upgrade',
    `Sec-WebSocket-Accept: ${accept}`,
    '', '',
  ].join('\r\n'));
  return true;
}

/**
 * Reads client frames from `socket` (starting with `head`, the bytes that came
 * with the handshake) and calls `onClose(payload)` once, with the unmasked body
 * of the client's close frame. Data frames are read and dropped.
 */
export function watchForCloseFrame(socket, head, onClose) {
  let buffered = head ?? Buffer.alloc(0);
  let closed = false;
  const consume = (chunk) => {
    buffered = Buffer.concat([buffered, chunk]);
    for (let frame = nextFrame(buffered); frame && !closed; frame = nextFrame(buffered)) {
      buffered = buffered.subarray(frame.length);
      if (frame.opcode === OPCODE_CLOSE) {
        closed = true;
        socket.off('data', consume);
        onClose(frame.payload);
      }
    }
  };
  socket.on('data', consume);
  consume(Buffer.alloc(0));
}

/** The first complete frame in `bytes` → { opcode, payload, length } or null when incomplete. */
function nextFrame(bytes) {
  if (bytes.length < 2) return null;
  const opcode = bytes[0] & 0x0f;
  const masked = (bytes[1] & 0x80) !== 0;
  let payloadLength = bytes[1] & 0x7f;
  let offset = 2;
  if (payloadLength === 126) {
    if (bytes.length < 4) return null;
    payloadLength = bytes.readUInt16BE(2);
    offset = 4;
  } else if (payloadLength === 127) {
    if (bytes.length < 10) return null;
    payloadLength = Number(bytes.readBigUInt64BE(2));
    offset = 10;
  }
  const maskOffset = offset;
  if (masked) offset += 4;
  if (bytes.length < offset + payloadLength) return null;
  const payload = Buffer.from(bytes.subarray(offset, offset + payloadLength));
  if (masked) {
    for (let i = 0; i < payload.length; i++) payload[i] ^= bytes[maskOffset + (i % 4)];
  }
  return { opcode, payload, length: offset + payloadLength };
}

/** An unmasked (server-to-client) close frame carrying `payload` (≤ 125 bytes). */
export function closeFrame(payload) {
  return Buffer.concat([Buffer.from([0x80 | OPCODE_CLOSE, payload.length]), payload]);
}
