// How many received bytes a Node client holds in user space: read from the kernel (the TCP
// socket's bytesRead) but not yet handed to the application. That is exactly what a reader that
// stops reading makes pile up; kernel buffers are excluded, as they are bounded by the OS.
import dc from 'node:diagnostics_channel';
import { HANDSHAKE_RESPONSE_LENGTH, serverFrameHeaderLength } from '../conformance/server/raw-websocket.mjs';

/** Remembers the TCP sockets this process opens as a client, newest last. */
export function watchClientSockets() {
  const sockets = [];
  const onSocket = ({ socket }) => sockets.push(socket);
  dc.subscribe('net.client.socket', onSocket);
  return {
    get latest() {
      return sockets[sockets.length - 1];
    },
    stop() {
      dc.unsubscribe('net.client.socket', onSocket);
      sockets.length = 0;
    },
  };
}

/**
 * Bytes of a firehose connection (one of our server's: fixed handshake answer, unmasked frames of
 * `messageSize` bytes) read from the kernel but not yet delivered as the first `messagesRead` messages.
 */
export function userSpaceBufferedBytes(socket, messagesRead, messageSize) {
  const delivered = HANDSHAKE_RESPONSE_LENGTH + messagesRead * (serverFrameHeaderLength(messageSize) + messageSize);
  return socket.bytesRead - delivered;
}

/** Samples userSpaceBufferedBytes() every `intervalMs` until stop(); → { max, last, samples } on stop. */
export function sampleUserSpaceBuffered(socket, messagesRead, messageSize, intervalMs = 20) {
  let max = 0;
  let last = 0;
  let samples = 0;
  const take = () => {
    last = userSpaceBufferedBytes(socket, messagesRead, messageSize);
    max = Math.max(max, last);
    samples++;
  };
  take();
  const timer = setInterval(take, intervalMs);
  return {
    stop() {
      clearInterval(timer);
      take();
      return { max, last, samples };
    },
  };
}
