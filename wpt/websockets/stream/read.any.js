// META: global=window,worker
// META: script=../constants.sub.js
// META: script=resources/helpers.js
// META: variant=?default
// META: variant=?wss
// META: timeout=long
'use strict';

// Messages are produced by the echo server from what the test writes; write.any.js covers the
// conversions on the way out, this file what the readable hands back.

for (const text of ['hello', '', 'caf\u00e9 \u20ac \u{1F600}', '\u0000nul inside\u0000', 'x'.repeat(70000)]) {
  promise_test(async (t) => {
    const connection = await openReaderWriter(t, '/echo');
    const chunk = await echo(t, connection, text);
    assert_equals(typeof chunk, 'string', 'type');
    assert_equals(chunk, text, 'value');
  }, `a text message is read as a string: ${text.length > 40 ? `${text.length} characters` : JSON.stringify(text)}`);
}

promise_test(async (t) => {
  const connection = await openReaderWriter(t, '/echo');
  const chunk = await echo(t, connection, patternBytes(16));
  assertExactlyUint8Array(chunk);
}, 'a binary message is read as a Uint8Array (not an ArrayBuffer, not a subclass)');

promise_test(async (t) => {
  const connection = await openReaderWriter(t, '/echo');
  const chunk = await echo(t, connection, new Uint8Array(0));
  assertExactlyUint8Array(chunk);
  assert_equals(chunk.byteLength, 0, 'byteLength');
}, 'an empty binary message is read as an empty Uint8Array');

promise_test(async (t) => {
  const connection = await openReaderWriter(t, '/echo');
  const chunk = await echo(t, connection, patternBytes(1000));
  assertExactlyUint8Array(chunk);
  assert_equals(chunk.byteLength, 1000, 'byteLength');
  // The standard makes a new Uint8Array of the message's bytes: a buffer of its own, not a slice
  // of a buffer the implementation shares between messages.
  assert_equals(chunk.byteOffset, 0, 'byteOffset');
  assert_equals(chunk.buffer.byteLength, 1000, 'the buffer holds this message and nothing else');
  chunk[0] = 0xee;
  assert_equals(chunk[0], 0xee, 'the chunk is writable memory of the application');
}, 'a binary message is a usable Uint8Array over an ArrayBuffer');

for (const length of [1, 125, 126, 65535, 65536, ONE_MIB]) {
  promise_test(async (t) => {
    const connection = await openReaderWriter(t, '/echo');
    const sent = patternBytes(length, length);
    const chunk = await echo(t, connection, sent);
    assertBinaryContents(chunk, sent);
  }, `binary message bytes arrive intact: ${length} bytes`);
}

promise_test(async (t) => {
  const { reader, writer } = await openReaderWriter(t, '/echo');
  const sent = [];
  for (let i = 0; i < 20; ++i) {
    sent.push(i % 2 === 0 ? `text ${i}` : patternBytes(i, i));
  }
  // Writes are not awaited one by one: ordering must hold even when they queue up.
  const writes = sent.map((chunk) => writer.write(chunk));
  await within(t, Promise.all(writes), 'writes');
  for (let i = 0; i < sent.length; ++i) {
    const chunk = await readMessage(t, reader, `read ${i}`);
    if (typeof sent[i] === 'string') {
      assert_equals(chunk, sent[i], `message ${i}`);
    } else {
      assertBinaryContents(chunk, sent[i], `message ${i}`);
    }
  }
}, 'messages are read one chunk per message, in order, text and binary mixed');

promise_test(async (t) => {
  const { reader, writer } = await openReaderWriter(t, '/echo');
  await within(t, Promise.all([writer.write('ab'), writer.write('cd'), writer.write('')]), 'writes');
  assert_equals(await readMessage(t, reader), 'ab', 'first');
  assert_equals(await readMessage(t, reader), 'cd', 'second');
  assert_equals(await readMessage(t, reader), '', 'third');
}, 'consecutive messages are never merged or split');

promise_test(async (t) => {
  const { reader, writer } = await openReaderWriter(t, '/echo');
  // The read is pending before the message exists.
  const pendingRead = reader.read();
  await within(t, writer.write('late'), 'write');
  const { value, done } = await within(t, pendingRead, 'pending read');
  assert_false(done);
  assert_equals(value, 'late');
}, 'a read made before the message arrives is fulfilled by it');

promise_test(async (t) => {
  const { wss, reader, writer } = await openReaderWriter(t, '/echo_exit');
  // The server echoes all three, then closes (1000) after "Goodbye". Nothing is read until
  // the connection has closed: the messages must still be there, then the end.
  await within(t, Promise.all([writer.write('one'), writer.write(patternBytes(3)), writer.write('Goodbye')]), 'writes');
  await assertClosedCleanly(t, wss, 1000, '');
  assert_equals(await readMessage(t, reader, 'first buffered message'), 'one');
  assertBinaryContents(await readMessage(t, reader, 'second buffered message'), patternBytes(3));
  assert_equals(await readMessage(t, reader, 'third buffered message'), 'Goodbye');
  await assertReadDone(t, reader);
}, 'messages received before the peer closed cleanly are still read, then the readable ends');

promise_test(async (t) => {
  const { readable, writable } = await openStream(t, '/echo');
  const writer = writable.getWriter();
  await within(t, writer.write('x'), 'write');
  const [first, second] = readable.tee();
  assert_equals(await readMessage(t, first.getReader(), 'first branch'), 'x');
  assert_equals(await readMessage(t, second.getReader(), 'second branch'), 'x');
}, 'the readable can be teed');
