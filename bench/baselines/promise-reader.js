// A baseline for `npm run bench -- --candidate bench/baselines/promise-reader.js`: the least a
// promise-based reader can cost over a WebSocket — one promise per message, no streams at all.
// Beside the raw WebSocket it shows what awaiting each message costs in an engine (a promise
// settled from an event task, and the microtask that resumes the reader); beside the polyfill, what
// the platform's streams and the polyfill add to that. For measurement only.
(function () {
  'use strict';

  const SEND_HIGH_WATER_MARK = 1024 * 1024;

  class PromiseReaderSocket {
    constructor(url) {
      const socket = new WebSocket(url);
      socket.binaryType = 'arraybuffer';
      const queued = [];
      let waitingRead = null;
      socket.onmessage = (event) => {
        const value = typeof event.data === 'string' ? event.data : new Uint8Array(event.data);
        if (waitingRead === null) return void queued.push(value);
        const resolve = waitingRead;
        waitingRead = null;
        resolve({ value, done: false });
      };
      const reader = {
        read: () => (queued.length > 0 ? Promise.resolve({ value: queued.shift(), done: false }) : new Promise((resolve) => void (waitingRead = resolve))),
        releaseLock() {},
      };
      // Sending waits, as the bench's raw loop does, while more than a megabyte is buffered.
      const drained = (resolve) => (socket.bufferedAmount > SEND_HIGH_WATER_MARK ? setTimeout(drained, 1, resolve) : resolve());
      const writer = {
        ready: Promise.resolve(),
        write(message) {
          socket.send(message);
          return new Promise(drained);
        },
        releaseLock() {},
      };
      this.opened = new Promise((resolve) => {
        socket.onopen = () => resolve({ readable: { getReader: () => reader }, writable: { getWriter: () => writer } });
      });
      this.closed = new Promise((resolve) => {
        socket.onclose = (event) => {
          if (waitingRead !== null) waitingRead({ value: undefined, done: true });
          resolve({ closeCode: event.code, reason: event.reason });
        };
      });
      this.close = () => socket.close();
    }
  }

  self.WebSocketStreamPolyfill = { WebSocketStream: PromiseReaderSocket };
})();
