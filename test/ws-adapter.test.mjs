// The behavioural suite through the Node.js entry point, which carries connections over the `ws`
// package (pause/resume for receive backpressure, send callbacks for send backpressure).
//
//   node --test test/ws-adapter.test.mjs
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startServerProcess } from '../conformance/server/child.mjs';
import { ensureBuild } from '../scripts/bootstrap.mjs';
import { defineBehaviourSuite } from './support/behaviour-suite.mjs';
import { within } from './support/waiting.mjs';

ensureBuild();
const polyfill = await import('../dist/node.js');

test('dist/node.js carries connections over the ws package', () => {
  assert.equal(polyfill.socketImplementation, 'ws');
});

defineBehaviourSuite({ adapter: 'ws', polyfill });

// A server that closes as soon as it has echoed the message that asks it to (/echo_exit, as
// read.any.js does) over wss:. Node's TLS sockets report a write that went out within send() one
// event-loop turn late, so the server's close frame is often read before ws reports the write
// that caused it (5-7 times in 20 with ws alone); that write was sent all the same, and must
// resolve, and the close stay clean. The server runs in a process of its own: in this one, it
// could not answer before the report comes. Before the fix, 6 of 10 such runs failed.
describe('over TLS, a write the server answers with its close', () => {
  /** @type {Awaited<ReturnType<typeof startServerProcess>> | undefined} */
  let server;
  const tlsSetting = process.env.NODE_TLS_REJECT_UNAUTHORIZED;
  before(async () => {
    server = await startServerProcess();
    // The server's certificate is self-signed; ws reads this setting at each connection.
    process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0';
  });
  after(async () => {
    if (tlsSetting === undefined) delete process.env.NODE_TLS_REJECT_UNAUTHORIZED;
    else process.env.NODE_TLS_REJECT_UNAUTHORIZED = tlsSetting;
    await server?.close();
  });

  test('resolves, and the close is clean, every time (20 connections)', async () => {
    assert.ok(server, 'the server process started in before()');
    const { wssOrigin } = server;
    for (let attempt = 1; attempt <= 20; attempt += 1) {
      const stream = new polyfill.WebSocketStream(`${wssOrigin}/echo_exit`);
      const { readable, writable } = await within(stream.opened, `opened (attempt ${attempt})`);
      const writer = writable.getWriter();
      await within(Promise.all([writer.write('one'), writer.write(new Uint8Array([1, 2, 3])), writer.write('Goodbye')]), `writes (attempt ${attempt})`);
      assert.deepEqual(await within(stream.closed, `closed (attempt ${attempt})`), { closeCode: 1000, reason: '' }, `attempt ${attempt}`);
      const reader = readable.getReader();
      const read = [];
      for (let result = await reader.read(); !result.done; result = await reader.read()) read.push(result.value);
      assert.deepEqual(read, ['one', new Uint8Array([1, 2, 3]), 'Goodbye'], `attempt ${attempt}`);
    }
  });
});

// ws compresses a message (permessage-deflate) on zlib's thread, reading the bytes after send()
// has returned; without compression it copies them into the masked frame at once. The polyfill
// copies a binary message itself only when compression was negotiated.
describe('with permessage-deflate', () => {
  /** @type {import('ws').WebSocketServer | undefined} */
  let server;
  /** @type {Buffer[]} */
  const received = [];
  before(async () => {
    const { WebSocketServer } = await import('ws');
    server = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: { threshold: 0 } });
    server.on('connection', (socket) => socket.on('message', (data) => received.push(/** @type {Buffer} */ (data))));
    await within(new Promise((resolve) => server?.once('listening', resolve)), 'listening');
  });
  after(() => new Promise((resolve) => server?.close(resolve)));

  test('a binary write sends its bytes as they were at write(), though the application changes them at once', async () => {
    const address = /** @type {import('node:net').AddressInfo} */ (server?.address());
    const stream = new polyfill.WebSocketStream(`ws://127.0.0.1:${address.port}`);
    const { writable, extensions } = await within(stream.opened, 'opened');
    assert.match(extensions, /permessage-deflate/);
    const writer = writable.getWriter();
    const bytes = new Uint8Array(4096).fill(7);
    const written = writer.write(bytes);
    bytes.fill(0);
    await within(written, 'the write');
    stream.close();
    await within(stream.closed, 'closed');
    assert.equal(received.length, 1);
    assert.ok(received[0]?.every((byte) => byte === 7), 'every byte as written');
  });
});
