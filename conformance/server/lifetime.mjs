// Everything the server starts that could outlive it — sockets taken over by
// WebSocket endpoints and the endpoints' timers — is registered here, so that
// close() can end all of it and leave no handle keeping Node alive.
export class Lifetime {
  /** @type {Set<import('node:stream').Duplex>} */
  #sockets = new Set();
  /** @type {Set<NodeJS.Timeout>} */
  #timers = new Set();
  #ended = false;

  get ended() {
    return this.#ended;
  }

  /** @param {import('node:stream').Duplex} socket */
  adopt(socket) {
    if (this.#ended) {
      socket.destroy();
      return;
    }
    this.#sockets.add(socket);
    socket.once('close', () => this.#sockets.delete(socket));
  }

  /**
   * setTimeout that close() cancels.
   * @param {number} milliseconds
   * @param {() => void} callback
   */
  after(milliseconds, callback) {
    if (this.#ended) return;
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      callback();
    }, milliseconds);
    this.#timers.add(timer);
  }

  end() {
    this.#ended = true;
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
    for (const socket of this.#sockets) socket.destroy();
    this.#sockets.clear();
  }
}
