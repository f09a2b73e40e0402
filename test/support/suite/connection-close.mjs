// What the standard's WebSocketStream (https://websockets.spec.whatwg.org/#the-websocketstream-interface)
// makes of the connection closing: clean closes resolve `closed` with the peer's code and reason
// and error the writable with InvalidStateError; unclean ones put one WebSocketError in the
// readable, the writable and `closed`, except that a write still in flight at the close rejects
// with an InvalidStateError that errors the writable, clean close or not (README.md, "Where a
// polyfill cannot match native", says where an engine's own WebSocket hides such a write).
//
// Not covered: "closing handshake not completed in time". The peer that never answers a close
// frame is covered by /passive-close-abort (the server drops the connection); a peer that keeps
// the TCP connection open without answering only ends at the `ws` package's own 30 s close
// timeout, or never with Node's global WebSocket — too slow for this suite.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { assertDOMException, assertWebSocketError } from '../assertions.mjs';
import { rejectionOf, stillPendingAfter, within } from '../waiting.mjs';
import { openRecorded } from './writing.mjs';

const MIB = 1024 * 1024;

/** @typedef {import('../behaviour-suite.mjs').SuiteContext} SuiteContext */
/** @typedef {import('../behaviour-suite.mjs').Stream} Stream */
/** @typedef {ReadableStreamDefaultReader<string | Uint8Array>} Reader */
/** @typedef {WritableStreamDefaultWriter<unknown>} Writer */

/**
 * @param {SuiteContext} context
 * @param {Record<string, string | number>} params
 */
function remoteCloseUrl(context, params) {
  const query = new URLSearchParams(Object.entries(params).map(([name, value]) => [name, String(value)]));
  return context.wptUrl(`/remote-close?${query}`);
}

/**
 * The same error in closed, in the readable (read and closed) and in the writable (closed and a write).
 * @param {SuiteContext} context
 * @param {{ stream: Stream, reader: Reader, writer: Writer }} connection
 * @param {{ closeCode?: number|null, reason?: string }} expected
 */
async function assertSameErrorEverywhere(context, { stream, reader, writer }, expected) {
  const error = await rejectionOf(stream.closed, 'closed');
  assertWebSocketError(context.WebSocketError, error, expected, 'closed');
  assert.equal(await rejectionOf(reader.closed, 'reader.closed'), error, 'reader.closed rejects with the same object');
  assert.equal(await rejectionOf(reader.read(), 'read()'), error, 'read() rejects with the same object');
  assert.equal(await rejectionOf(writer.closed, 'writer.closed'), error, 'writer.closed rejects with the same object');
  assert.equal(await rejectionOf(writer.write('later'), 'a later write'), error, 'a later write rejects with the same object');
  return error;
}

/**
 * The write in flight rejected with an InvalidStateError; the writes queued behind it reject with that very object.
 * @param {{ writer: Writer, queued: Promise<void>[] }} writes
 * @param {unknown} writableError
 */
async function assertWritableErroredWithInvalidState({ writer, queued }, writableError) {
  assertDOMException(writableError, 'InvalidStateError', 'the writable error');
  const outcomes = await Promise.allSettled(queued);
  for (const outcome of outcomes) {
    if (outcome.status === 'rejected') assert.equal(outcome.reason, writableError, 'every unsent write rejects with the same object');
  }
  assert.equal(await rejectionOf(writer.closed, 'writer.closed'), writableError, 'writer.closed rejects with the same object');
}

/** @param {import('../behaviour-suite.mjs').SuiteContext} context */
export function defineConnectionCloseTests(context) {
  describe('When the connection closes', () => {
    /** @type {[label: string, params: Record<string, string | number>, closeCode: number, reason: string][]} */
    const cleanCloses = [
      ['a code and reason', { code: 4000, reason: 'server reason' }, 4000, 'server reason'],
      ['code 1001', { code: 1001, reason: 'going away' }, 1001, 'going away'],
      ['a UTF-8 reason', { code: 4001, reason: `caf\u00e9 \u20ac \u{1F600}` }, 4001, `caf\u00e9 \u20ac \u{1F600}`],
      ['an empty close frame', {}, 1005, ''],
    ];
    for (const [label, params, closeCode, reason] of cleanCloses) {
      test(`a clean close by the server with ${label} resolves closed with {closeCode: ${closeCode}, reason: ${JSON.stringify(reason)}}`, async () => {
        const { stream } = await context.open(remoteCloseUrl(context, params));
        assert.deepEqual(await within(stream.closed, 'closed'), { closeCode, reason });
      });
    }

    test('after a clean close the readable is done and the writable errors with "InvalidStateError"', async () => {
      const { stream, readable, writable } = await context.open(remoteCloseUrl(context, { code: 4010, reason: 'done' }));
      const reader = readable.getReader();
      const writer = writable.getWriter();
      assert.deepEqual(await within(stream.closed, 'closed'), { closeCode: 4010, reason: 'done' });
      assert.deepEqual(await within(reader.read(), 'read()'), { value: undefined, done: true });
      await within(reader.closed, 'reader.closed');
      assertDOMException(await rejectionOf(writer.closed, 'writer.closed'), 'InvalidStateError', 'writer.closed');
      const later = await rejectionOf(writer.write('too late'), 'a later write');
      assertDOMException(later, 'InvalidStateError', 'a later write');
      assert.equal(await rejectionOf(writer.write('later still'), 'another write'), later, 'later writes reject with the same stored error');
    });

    test('when both sides send close frames, closed reports the peer\'s code and reason', async () => {
      // /answer-close answers the client's close frame with its own code and reason.
      const { stream } = await context.open(context.helperUrl(`/answer-close?${new URLSearchParams({ code: '4100', reason: 'theirs' })}`));
      stream.close({ closeCode: 4000, reason: 'mine' });
      assert.deepEqual(await within(stream.closed, 'closed'), { closeCode: 4100, reason: 'theirs' });
    });

    test('a connection dropped without a close frame: one WebSocketError (1006) in closed, the readable and the writable', async () => {
      const { stream, readable, writable } = await context.open(remoteCloseUrl(context, { abrupt: 1 }));
      await assertSameErrorEverywhere(context, { stream, reader: readable.getReader(), writer: writable.getWriter() }, { closeCode: 1006, reason: '' });
    });

    test('a server that drops the connection instead of answering our close frame: the same WebSocketError (1006) everywhere', async () => {
      const { stream, readable, writable } = await context.open(context.wptUrl('/passive-close-abort'));
      const reader = readable.getReader();
      const writer = writable.getWriter();
      stream.close({ closeCode: 4000, reason: 'bye' });
      await assertSameErrorEverywhere(context, { stream, reader, writer }, { closeCode: 1006, reason: '' });
    });

    test('a clean close by the peer while our data is still unsent is not clean: a WebSocketError with the peer\'s code (4567) in closed and the readable; the write in flight rejects with an InvalidStateError that errors the writable', async () => {
      // /remote-close-with-unsent-data sends its close frame (4567 "unsent") on our first
      // message and stops reading for half a second, while 32 MiB more wait on our side.
      const { stream, readable, writable } = await context.open(context.wptUrl('/remote-close-with-unsent-data'));
      const reader = readable.getReader();
      const writer = writable.getWriter();
      writer.write('start').catch(() => {});
      const chunk = new Uint8Array(MIB);
      const queued = [];
      for (let i = 0; i < 32; i++) {
        const write = writer.write(chunk);
        write.catch(() => {});
        queued.push(write);
      }
      const error = await rejectionOf(stream.closed, 'closed', 15_000);
      assertWebSocketError(context.WebSocketError, error, { closeCode: 4567, reason: 'unsent' }, 'closed');
      assert.equal(await rejectionOf(reader.read(), 'read()'), error, 'read() rejects with the same object');
      const writableError = await rejectionOf(queued[queued.length - 1], 'the last queued write');
      assertWritableErroredWithInvalidState({ writer, queued }, writableError);
      assert.equal(await rejectionOf(writer.write('later'), 'a later write'), writableError, 'a later write rejects with the same object');
    });

    test('a write still waiting for the network when the connection drops rejects with an InvalidStateError that errors the writable; closed gets the WebSocketError (1006)', async () => {
      // The server reads nothing, so 1 MiB writes back up until one stays pending; then the
      // server drops the connection.
      const { stream, writer, record } = await openRecorded(context, '&pause=1');
      const chunk = new Uint8Array(MIB);
      let pendingWrite = null;
      for (let i = 0; i < 64 && pendingWrite === null; i++) {
        await within(writer.ready, `ready before write ${i}`);
        const write = writer.write(chunk);
        write.catch(() => {});
        if (await stillPendingAfter(write, 100)) pendingWrite = write;
      }
      assert.ok(pendingWrite !== null, 'a write stayed pending while the server did not read');
      record.websocket.terminate();
      const writableError = await rejectionOf(pendingWrite, 'the pending write');
      assertDOMException(writableError, 'InvalidStateError', 'the pending write');
      assert.equal(await rejectionOf(writer.write('later'), 'a later write'), writableError, 'a later write rejects with the same object');
      assert.equal(await rejectionOf(writer.closed, 'writer.closed'), writableError, 'writer.closed rejects with the same object');
      assertWebSocketError(context.WebSocketError, await rejectionOf(stream.closed, 'closed'), { closeCode: 1006 }, 'closed');
    });
  });
}
