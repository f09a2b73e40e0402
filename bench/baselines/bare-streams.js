// The `streams` contender of every browser's receive, send and echo jobs (bench/page.mjs): the
// platform's ReadableStream and WritableStream fed straight from a WebSocket's events, with none of
// the standard's checks or close handling. Beside raw it measures what any stream-based WebSocket
// pays in that engine, and beside the polyfill how much of a cell is the polyfill's own code: the
// ceiling that decides whether a cell is flagged (bench/ceilings.mjs). Also usable on its own, as
// `npm run bench -- --candidate bench/baselines/bare-streams.js`.
// For measurement only: it is not a WebSocketStream.
(function () {
  'use strict';

  // Sending waits, as the bench's raw loop does (RAW_SEND_HIGH_WATER_MARK in bench/workloads.mjs),
  // while more than a megabyte is buffered: without it a large write would settle before its bytes
  // left, and the baseline would outrun raw by skipping the backpressure every contender pays.
  const SEND_HIGH_WATER_MARK = 1024 * 1024;

  class BareStreamSocket {
    constructor(url) {
      const socket = new WebSocket(url);
      socket.binaryType = 'arraybuffer';
      let controller;
      const readable = new ReadableStream({ start: (started) => void (controller = started) }, { highWaterMark: 0 });
      const drained = (resolve) => (socket.bufferedAmount > SEND_HIGH_WATER_MARK ? setTimeout(drained, 0, resolve) : resolve());
      const write = (message) => {
        socket.send(message);
        // Nothing to wait for (the common case) settles the write at once, as the polyfill's does.
        return socket.bufferedAmount > SEND_HIGH_WATER_MARK ? new Promise(drained) : undefined;
      };
      const writable = new WritableStream({ write }, { highWaterMark: 1 });
      socket.onmessage = (event) => controller.enqueue(typeof event.data === 'string' ? event.data : new Uint8Array(event.data));
      this.opened = new Promise((resolve) => {
        socket.onopen = () => resolve({ readable, writable });
      });
      this.closed = new Promise((resolve) => {
        socket.onclose = (event) => {
          controller.close();
          resolve({ closeCode: event.code, reason: event.reason });
        };
      });
      this.close = () => socket.close();
    }
  }

  self.WebSocketStreamPolyfill = { WebSocketStream: BareStreamSocket };
})();
