// What one bench job measures, written once for browsers and Node alike: this module uses nothing
// but the WebSocket / WebSocketStream classes it is given, performance.now() and timers.
//
// Two shapes of contender run the same workloads:
//   stream contenders — a WebSocketStream (the polyfill, a native one, undici's): reader and writer;
//   event contenders  — a WebSocket with event handlers (the engine's own, or the `ws` package),
//                       sending in a loop that respects bufferedAmount.

/** The raw send loop stops sending above this many buffered bytes: the polyfill's own send high-water mark. */
export const RAW_SEND_HIGH_WATER_MARK = 1024 * 1024;
/** Round trips made before the measured ones, so each contender's code is warm: 50, fewer for short runs of large messages. */
const echoWarmUpRoundTrips = (roundTrips) => Math.min(50, Math.ceil(roundTrips / 4));
/** How long a contender may take to close after a run before the run counts as failed. */
const CLOSE_BOUND_MS = 10_000;

const now = () => performance.now();
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export function messageOf(size, type) {
  if (type === 'text') return 'x'.repeat(size);
  const bytes = new Uint8Array(size);
  for (let i = 0; i < size; i++) bytes[i] = i & 0xff;
  return bytes;
}

function messageLength(data) {
  return typeof data === 'string' ? data.length : data.byteLength;
}

function withBound(promise, ms, what) {
  let timer;
  const bound = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms} ms`)), ms);
  });
  return Promise.race([promise, bound]).finally(() => clearTimeout(timer));
}

export function firehoseURL(wsOrigin, { size, type, count, tag = '' }) {
  return `${wsOrigin}/firehose?size=${size}&type=${type}&count=${count}&tag=${encodeURIComponent(tag)}`;
}

function checkReceived(messages, bytes, count, size) {
  if (bytes !== count * size) throw new Error(`received ${messages} messages of ${bytes} bytes, expected ${count} of ${size}`);
}

/** Summary statistics of round-trip samples, in milliseconds. */
export function latencySummary(samples) {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (fraction) => sorted[Math.min(sorted.length - 1, Math.floor(fraction * sorted.length))];
  return { count: sorted.length, min: sorted[0], p50: at(0.5), p90: at(0.9), p99: at(0.99), max: sorted[sorted.length - 1] };
}

// ---------------------------------------------------------------------------------------------
// Stream contenders

export function streamContender(WebSocketStreamClass) {
  async function connect(url) {
    const stream = new WebSocketStreamClass(url);
    const { readable, writable } = await stream.opened;
    return { stream, reader: readable.getReader(), writer: writable.getWriter() };
  }

  async function disconnect({ stream, reader, writer }) {
    stream.close();
    await withBound(stream.closed, CLOSE_BOUND_MS, 'closing');
    reader.releaseLock();
    writer.releaseLock();
  }

  return {
    async receive({ wsOrigin, size, type, count }) {
      const connection = await connect(firehoseURL(wsOrigin, { size, type, count }));
      const { reader, writer } = connection;
      const started = now();
      writer.write('go');
      let messages = 0;
      let bytes = 0;
      while (messages < count) {
        const { value, done } = await reader.read();
        if (done) break;
        messages++;
        bytes += messageLength(value);
      }
      const ms = now() - started;
      await disconnect(connection);
      checkReceived(messages, bytes, count, size);
      return { ms, messages, bytes };
    },

    async send({ wsOrigin, size, type, count }) {
      const connection = await connect(`${wsOrigin}/sink?count=${count}`);
      const { reader, writer } = connection;
      const message = messageOf(size, type);
      const confirmation = reader.read();
      const started = now();
      for (let i = 0; i < count; i++) {
        await writer.ready;
        writer.write(message).catch(() => {});
      }
      const { value } = await confirmation;
      const ms = now() - started;
      await disconnect(connection);
      if (value !== `${count} ${count * size}`) throw new Error(`the sink confirmed "${value}"`);
      return { ms, messages: count, bytes: count * size };
    },

    async echo({ wsOrigin, size, type, roundTrips }) {
      const connection = await connect(`${wsOrigin}/echo`);
      const { reader, writer } = connection;
      const message = messageOf(size, type);
      const samples = [];
      const warmUp = echoWarmUpRoundTrips(roundTrips);
      for (let i = 0; i < warmUp + roundTrips; i++) {
        const started = now();
        writer.write(message).catch(() => {});
        const { value, done } = await reader.read();
        const ms = now() - started;
        if (done || messageLength(value) !== size) throw new Error('the echo did not come back whole');
        if (i >= warmUp) samples.push(ms);
      }
      await disconnect(connection);
      return latencySummary(samples);
    },

    /**
     * Opens a firehose, reads its first message, then lets `pause()` run without reading (the
     * application is busy), then drains the rest. What piles up meanwhile is the point; `mark()`
     * lets the server take its baseline before the firehose starts.
     */
    async pausedReader({ wsOrigin, size, type, count, tag, mark, pause }) {
      const connection = await connect(firehoseURL(wsOrigin, { size, type, count, tag }));
      const { reader, writer } = connection;
      await mark('baseline');
      writer.write('go');
      const first = await reader.read();
      if (first.done) throw new Error('the firehose ended before its first message');
      const pauseReport = await pause({ messagesRead: 1 });
      const started = now();
      let messages = 1;
      let bytes = messageLength(first.value);
      while (messages < count) {
        const { value, done } = await reader.read();
        if (done) break;
        messages++;
        bytes += messageLength(value);
      }
      const drainMs = now() - started;
      await disconnect(connection);
      checkReceived(messages, bytes, count, size);
      return { ...pauseReport, drainMs, messages, bytes };
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Event contenders

/**
 * `sendCallbacks`: the class's send() takes a callback called once the bytes are written out (the
 * `ws` package), so the send loop wakes on those. Otherwise the loop looks at bufferedAmount again
 * on every setTimeout(0), the way a page has to. `binaryType`: how binary messages arrive — an
 * ArrayBuffer in browsers (a Blob, their default, is slower still), and for `ws` its own default,
 * a Buffer, which is what a `ws` application gets and the cheapest it has.
 */
export function eventContender(WebSocketClass, { sendCallbacks = false, binaryType = 'arraybuffer' } = {}) {
  async function connect(url) {
    const socket = new WebSocketClass(url);
    socket.binaryType = binaryType;
    const closed = new Promise((resolve) => {
      socket.onclose = resolve;
    });
    await new Promise((resolve, reject) => {
      socket.onopen = resolve;
      socket.onerror = () => reject(new Error('the connection failed'));
    });
    socket.onerror = null;
    return { socket, closed };
  }

  async function disconnect({ socket, closed }) {
    socket.onmessage = null;
    socket.close();
    await withBound(closed, CLOSE_BOUND_MS, 'closing');
  }

  function closedEarly(closed) {
    return closed.then(() => {
      throw new Error('the connection closed during the run');
    });
  }

  return {
    async receive({ wsOrigin, size, type, count }) {
      const connection = await connect(firehoseURL(wsOrigin, { size, type, count }));
      const { socket, closed } = connection;
      let messages = 0;
      let bytes = 0;
      const started = now();
      const finished = new Promise((resolve) => {
        socket.onmessage = (event) => {
          messages++;
          bytes += messageLength(event.data);
          if (messages === count) resolve();
        };
      });
      socket.send('go');
      await Promise.race([finished, closedEarly(closed)]);
      const ms = now() - started;
      await disconnect(connection);
      checkReceived(messages, bytes, count, size);
      return { ms, messages, bytes };
    },

    async send({ wsOrigin, size, type, count }) {
      const connection = await connect(`${wsOrigin}/sink?count=${count}`);
      const { socket, closed } = connection;
      const message = messageOf(size, type);
      const confirmation = new Promise((resolve) => {
        socket.onmessage = (event) => resolve(event.data);
      });
      const started = now();
      await Promise.race([sendLoop(socket, message, count), closedEarly(closed)]);
      const value = await Promise.race([confirmation, closedEarly(closed)]);
      const ms = now() - started;
      await disconnect(connection);
      if (value !== `${count} ${count * size}`) throw new Error(`the sink confirmed "${value}"`);
      return { ms, messages: count, bytes: count * size };
    },

    async echo({ wsOrigin, size, type, roundTrips }) {
      const connection = await connect(`${wsOrigin}/echo`);
      const { socket, closed } = connection;
      const message = messageOf(size, type);
      let answer;
      socket.onmessage = (event) => answer(event.data);
      const samples = [];
      const early = closedEarly(closed);
      early.catch(() => {});
      const warmUp = echoWarmUpRoundTrips(roundTrips);
      for (let i = 0; i < warmUp + roundTrips; i++) {
        const started = now();
        const echoed = new Promise((resolve) => {
          answer = resolve;
        });
        socket.send(message);
        const data = await Promise.race([echoed, early]);
        const ms = now() - started;
        if (messageLength(data) !== size) throw new Error('the echo did not come back whole');
        if (i >= warmUp) samples.push(ms);
      }
      await disconnect(connection);
      return latencySummary(samples);
    },
  };

  async function sendLoop(socket, message, count) {
    if (!sendCallbacks) {
      for (let i = 0; i < count; i++) {
        socket.send(message);
        while (socket.bufferedAmount > RAW_SEND_HIGH_WATER_MARK) await sleep(0);
      }
      return;
    }
    let wake;
    const onSent = () => {
      if (wake !== undefined && socket.bufferedAmount <= RAW_SEND_HIGH_WATER_MARK) {
        const resume = wake;
        wake = undefined;
        resume();
      }
    };
    for (let i = 0; i < count; i++) {
      socket.send(message, onSent);
      if (socket.bufferedAmount > RAW_SEND_HIGH_WATER_MARK) {
        await new Promise((resolve) => {
          wake = resolve;
        });
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------
// The stream floor: what the platform's own streams cost per message, with no socket at all

/** The contender name of stream-floor jobs. */
export const PLATFORM_STREAMS = 'platform streams';

/**
 * Nanoseconds per message that a stream-based WebSocket pays on top of the socket, whoever
 * implements it, measured with 16-byte chunks and no socket at all:
 *   - read, queued: chunks enqueued in bursts of 64 (a socket read hands over several messages at
 *     once) into a ReadableStream of high-water mark 0, as the polyfill's, then each taken with
 *     `await reader.read()`;
 *   - read, waiting: the reader is ahead, so each chunk settles a read that was already waiting
 *     (a fast reader on a slower network);
 *   - write: `await writer.ready; writer.write()` into a WritableStream of high-water mark 1 whose
 *     sink settles at once, as the polyfill's writable and native Chromium's.
 */
export async function streamFloor({ messages }) {
  const BURST = 64;
  const openReadable = () => {
    let controller;
    const readable = new ReadableStream({ start: (c) => void (controller = c) }, { highWaterMark: 0 });
    return { controller, reader: readable.getReader() };
  };
  const perMessageNs = (started) => ((now() - started) * 1e6) / messages;

  let bytes = 0;
  const queued = openReadable();
  let started = now();
  for (let i = 0; i < messages; i += BURST) {
    for (let j = 0; j < BURST; j++) queued.controller.enqueue(new Uint8Array(16));
    for (let j = 0; j < BURST; j++) bytes += (await queued.reader.read()).value.byteLength;
  }
  const readQueuedNs = perMessageNs(started);

  const waiting = openReadable();
  started = now();
  for (let i = 0; i < messages; i++) {
    const read = waiting.reader.read();
    waiting.controller.enqueue(new Uint8Array(16));
    bytes += (await read).value.byteLength;
  }
  const readWaitingNs = perMessageNs(started);
  if (bytes !== (Math.ceil(messages / BURST) * BURST + messages) * 16) throw new Error('the stream floor lost chunks');

  const writer = new WritableStream({ write: () => undefined }, { highWaterMark: 1 }).getWriter();
  const chunk = new Uint8Array(16);
  started = now();
  for (let i = 0; i < messages; i++) {
    await writer.ready;
    writer.write(chunk);
  }
  await writer.close();
  const writeNs = perMessageNs(started);
  return { messages, readQueuedNs, readWaitingNs, writeNs };
}

// ---------------------------------------------------------------------------------------------

/** Runs one job from the plan with the named contender. → its result, or `{ error }`. */
export async function runJob(job, contenders, { wsOrigin, mark, pause }) {
  // The stream floor needs no socket: every environment has it, whatever contenders it brought.
  const contender = job.contender === PLATFORM_STREAMS ? { streamFloor } : contenders[job.contender];
  try {
    if (contender === undefined) throw new Error(`no contender "${job.contender}" here`);
    const operation = contender[job.kind];
    if (operation === undefined) throw new Error(`"${job.contender}" does not run "${job.kind}"`);
    const timeBound = job.timeBoundMs ?? 120_000;
    const hooks = { mark: (phase) => mark(job, phase), pause: (state) => pause(job, state) };
    const result = await withBound(operation({ ...job, wsOrigin, ...hooks }), timeBound, job.kind);
    return { id: job.id, result };
  } catch (error) {
    return { id: job.id, error: String(error?.stack ?? error) };
  }
}

/** The smallest step performance.now() takes here, in milliseconds: the floor under every latency figure. */
export function timerResolutionMs() {
  let smallest = Infinity;
  for (let i = 0; i < 200; i++) {
    const first = performance.now();
    let next = performance.now();
    while (next === first) next = performance.now();
    smallest = Math.min(smallest, next - first);
  }
  return smallest;
}
