// A baseline for `npm run bench -- --candidate bench/baselines/bare-streams.js`: the platform's
// ReadableStream and WritableStream fed straight from a WebSocket's events, with none of the
// standard's checks or close handling. Beside the polyfill it shows how much of a receive or send
// cell is the polyfill's own code, and how much the platform's streams cost in the same place.
// Every browser's echo jobs also run it as the `streams` contender (bench/page.mjs): its round trip
// over raw's is the echo cells' ceiling (bench/ceilings.mjs).
// For measurement only: it is not a WebSocketStream.
(function () {
  'use strict';

  class BareStreamSocket {
    constructor(url) {
      const socket = new WebSocket(url);
      socket.binaryType = 'arraybuffer';
      let controller;
      const readable = new ReadableStream({ start: (started) => void (controller = started) }, { highWaterMark: 0 });
      const writable = new WritableStream({ write: (message) => socket.send(message) }, { highWaterMark: 1 });
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
