// Sees the TCP sockets this process opens as a client (Node's `net.client.socket` diagnostics
// channel), without adding a listener to them or changing how they are read. Their `bytesRead` is
// what the client has taken off the network into user space, the quantity receive backpressure
// must keep bounded — whichever WebSocket implementation made the socket.
import diagnosticsChannel from 'node:diagnostics_channel';

export class ClientSocketWatcher {
  #sockets = [];
  #onSocket = ({ socket }) => this.#sockets.push(socket);

  constructor() {
    diagnosticsChannel.subscribe('net.client.socket', this.#onSocket);
  }

  /** The connected client socket to `port`; throws unless there is exactly one. */
  socketTo(port) {
    const matching = this.#sockets.filter((socket) => socket.remotePort === port && !socket.destroyed);
    if (matching.length !== 1) throw new Error(`expected one client socket to port ${port}, found ${matching.length}`);
    return matching[0];
  }

  stop() {
    diagnosticsChannel.unsubscribe('net.client.socket', this.#onSocket);
    this.#sockets = [];
  }
}
