// `opened` (https://websockets.spec.whatwg.org/#dom-websocketstream-opened): what it resolves to,
// protocol and extensions, and connection failures that must all look the same.
import assert from 'node:assert/strict';
import net from 'node:net';
import { describe, test } from 'node:test';
import { assertWebSocketError } from '../assertions.mjs';
import { rejectionOf, within } from '../waiting.mjs';

/**
 * A port nothing listens on: bound a moment ago, then released.
 * @returns {Promise<number>}
 */
function closedPort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = /** @type {import('node:net').AddressInfo} */ (server.address());
      server.close(() => resolve(port));
    });
  });
}

/** @param {import('../behaviour-suite.mjs').SuiteContext} context */
export function defineOpenedTests(context) {
  describe('Opened', () => {
    test('opened resolves to { readable, writable, extensions, protocol } with platform streams and strings', async () => {
      const stream = context.create(context.wptUrl('/echo'));
      const info = await within(stream.opened, 'opened');
      assert.deepEqual(Object.keys(info).sort(), ['extensions', 'protocol', 'readable', 'writable']);
      assert.ok(info.readable instanceof ReadableStream, 'readable is a ReadableStream of this realm');
      assert.ok(info.writable instanceof WritableStream, 'writable is a WritableStream of this realm');
      // The brand checks of the platform's own methods: only genuine streams pass them.
      // Without options, getReader() gives a default reader; .call() sees only its last overload.
      const reader = /** @type {ReadableStreamDefaultReader<string | Uint8Array>} */ (ReadableStream.prototype.getReader.call(info.readable));
      const writer = WritableStream.prototype.getWriter.call(info.writable);
      assert.equal(info.protocol, '', 'no subprotocol was asked for');
      assert.equal(info.extensions, '', 'the server negotiates no extension');
      await within(writer.write('through the platform writer'), 'write');
      assert.deepEqual(await within(reader.read(), 'read'), { value: 'through the platform writer', done: false });
    });

    test('the protocol the server chose is reported', async () => {
      // /protocol_array chooses the first protocol offered, and sends its name as the first message.
      const { protocol, readable } = await context.open(context.wptUrl('/protocol_array'), { protocols: ['first', 'second'] });
      assert.equal(protocol, 'first');
      const reader = readable.getReader();
      assert.deepEqual(await within(reader.read(), 'read'), { value: 'first', done: false });
    });

    test('the extensions the server agreed to are reported, as the server sent them', async (t) => {
      const { extensions } = await context.open(context.helperUrl('/deflate'));
      assert.equal(typeof extensions, 'string');
      assert.equal(extensions, context.helper.deflateResponseExtensions, 'extensions is the Sec-WebSocket-Extensions the server answered');
      t.diagnostic(`${context.adapter}: extensions ${JSON.stringify(extensions)}`);
    });

    test('every kind of connection failure rejects opened with a WebSocketError and closed with one of code 1006, and they look the same', async () => {
      const failures = {
        'HTTP 404': context.wptUrl('/no-such-endpoint'),
        'connection refused': `ws://127.0.0.1:${await closedPort()}/`,
        'TLS failure (untrusted certificate)': `wss://127.0.0.1:${context.wpt.ports.wss}/echo`,
        'TLS to a plain port': `wss://127.0.0.1:${context.wpt.ports.ws}/echo`,
        'bad handshake answer': context.helperUrl('/bad-accept'),
      };
      const seen = [];
      for (const [kind, url] of Object.entries(failures)) {
        const stream = context.create(url);
        const openedError = await rejectionOf(stream.opened, `opened (${kind})`);
        const closedError = await rejectionOf(stream.closed, `closed (${kind})`);
        assertWebSocketError(context.WebSocketError, openedError, {}, `opened (${kind})`);
        assertWebSocketError(context.WebSocketError, closedError, { closeCode: 1006, reason: '' }, `closed (${kind})`);
        seen.push({
          kind,
          opened: { message: openedError.message, closeCode: openedError.closeCode, reason: openedError.reason },
          closed: { message: closedError.message, closeCode: closedError.closeCode, reason: closedError.reason },
        });
      }
      for (const { kind, opened, closed } of seen.slice(1)) {
        assert.deepEqual({ opened, closed }, { opened: seen[0].opened, closed: seen[0].closed }, `${kind} cannot be told apart from ${seen[0].kind}`);
      }
    });
  });
}
