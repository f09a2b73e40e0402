// What one bench job measures, written once for browsers and Node alike: this module uses nothing
// but the WebSocket / WebSocketStream classes it is given, performance.now() and timers.
//
// Two shapes of contender run the same workloads:
//   stream contenders — a WebSocketStream (the polyfill, a native one, undici's): reader and writer;
//   event contenders  — a WebSocket with event handlers (the engine's own, or the `ws` package),
//                       sending in a loop that respects bufferedAmount.

/** @typedef {import('./types.mjs').Job} Job */
/** @typedef {import('./types.mjs').JobOutcome} JobOutcome */
/** @typedef {import('./types.mjs').JobResult} JobResult */
/** @typedef {import('./types.mjs').LatencySummary} LatencySummary */
/** @typedef {import('./types.mjs').MessageType} MessageType */
/** @typedef {import('./types.mjs').StreamFloorResult} StreamFloorResult */
/** @typedef {import('./types.mjs').ThroughputResult} ThroughputResult */
/** @typedef {string|Uint8Array|ArrayBuffer} Message  as sent, or as received (a Blob never: binaryType is set) */
/** @typedef {{ messages: number, bytes: number }} Tally */

/**
 * What each workload reads of its job. The job comes from the server as JSON; the plan gives each
 * kind the fields its workload reads.
 * @typedef {{ wsOrigin: string, size: number, type: MessageType, count: number }} ThroughputParams
 * @typedef {{ wsOrigin: string, size: number, type: MessageType, roundTrips: number }} EchoParams
 * @typedef {(phase: string) => Promise<unknown>} MarkHook
 * @typedef {(state: { messagesRead: number }) => Promise<object>} PauseHook
 * @typedef {ThroughputParams & { tag: string, mark: MarkHook, pause: PauseHook }} PausedReaderParams
 * @typedef {{ messages: number }} StreamFloorParams
 */

/**
 * One contender: the workloads it can run, by job kind.
 * @typedef {object} Contender
 * @property {(params: ThroughputParams) => Promise<ThroughputResult>} [receive]
 * @property {(params: ThroughputParams) => Promise<ThroughputResult>} [send]
 * @property {(params: EchoParams) => Promise<LatencySummary>} [echo]
 * @property {(params: PausedReaderParams) => Promise<object>} [pausedReader]
 * @property {(params: StreamFloorParams) => Promise<StreamFloorResult>} [streamFloor]
 */

/**
 * What a contender can do with one connection of type C (see "The workloads" below).
 * @template C
 * @typedef {object} Socket
 * @property {(url: string) => Promise<C>} connect
 * @property {(connection: C) => Promise<void>} disconnect
 * @property {(connection: C, count: number) => Promise<Tally>} receiveAll
 * @property {(connection: C, message: Message, count: number) => Promise<unknown>} sendAll
 * @property {(connection: C, message: Message) => Promise<Message|null>} roundTrip
 */

/** The raw send loop stops sending above this many buffered bytes: the polyfill's own send high-water mark. */
export const RAW_SEND_HIGH_WATER_MARK = 1024 * 1024;
/** Round trips made before the measured ones, so each contender's code is warm: 50, fewer for short runs of large messages. */
const echoWarmUpRoundTrips = (/** @type {number} */ roundTrips) => Math.min(50, Math.ceil(roundTrips / 4));
/** How long a contender may take to close after a run before the run counts as failed. */
const CLOSE_BOUND_MS = 10_000;

const now = () => performance.now();
const sleep = (/** @type {number} */ ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * @param {number} size
 * @param {MessageType} type
 * @returns {Message}
 */
export function messageOf(size, type) {
  if (type === 'text') return 'x'.repeat(size);
  const bytes = new Uint8Array(size);
  for (let i = 0; i < size; i++) bytes[i] = i & 0xff;
  return bytes;
}

/** @param {Message} data */
function messageLength(data) {
  return typeof data === 'string' ? data.length : data.byteLength;
}

/**
 * @template T
 * @param {Promise<T>} promise
 * @param {number} ms
 * @param {string} what
 * @returns {Promise<T>}
 */
function withBound(promise, ms, what) {
  /** @type {ReturnType<typeof setTimeout>|undefined} */
  let timer;
  /** @type {Promise<never>} */
  const bound = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms} ms`)), ms);
  });
  return Promise.race([promise, bound]).finally(() => clearTimeout(timer));
}

/**
 * @param {string} wsOrigin
 * @param {{ size: number, type: MessageType, count: number, tag?: string }} firehose
 */
export function firehoseURL(wsOrigin, { size, type, count, tag = '' }) {
  return `${wsOrigin}/firehose?size=${size}&type=${type}&count=${count}&tag=${encodeURIComponent(tag)}`;
}

/** @param {number} messages @param {number} bytes @param {number} count @param {number} size */
function checkReceived(messages, bytes, count, size) {
  if (bytes !== count * size) throw new Error(`received ${messages} messages of ${bytes} bytes, expected ${count} of ${size}`);
}

/** @param {unknown} confirmation @param {number} count @param {number} size */
function checkConfirmed(confirmation, count, size) {
  if (confirmation !== `${count} ${count * size}`) throw new Error(`the sink confirmed "${confirmation}"`);
}

/**
 * Summary statistics of round-trip samples, in milliseconds.
 * @param {number[]} samples
 * @returns {LatencySummary}
 */
export function latencySummary(samples) {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (/** @type {number} */ fraction) => sorted[Math.min(sorted.length - 1, Math.floor(fraction * sorted.length))];
  return { count: sorted.length, min: sorted[0], p50: at(0.5), p90: at(0.9), p99: at(0.99), max: sorted[sorted.length - 1] };
}

// ---------------------------------------------------------------------------------------------
// The workloads, written once over what a contender can do with one connection:
//   connect(url) → connection;  disconnect(connection) (bounded);
//   receiveAll(connection, count) → { messages, bytes }, after asking the firehose to start;
//   sendAll(connection, message, count) → the sink's confirmation, sending with backpressure;
//   roundTrip(connection, message) → the echoed message (null if the connection ended).
// The clock runs around exactly those calls, so every contender is timed over the same work.

/**
 * @template C
 * @param {Socket<C>} socket
 */
function workloads(socket) {
  return {
    /** @param {ThroughputParams} params */
    async receive({ wsOrigin, size, type, count }) {
      const connection = await socket.connect(firehoseURL(wsOrigin, { size, type, count }));
      const started = now();
      const { messages, bytes } = await socket.receiveAll(connection, count);
      const ms = now() - started;
      await socket.disconnect(connection);
      checkReceived(messages, bytes, count, size);
      return { ms, messages, bytes };
    },

    /** @param {ThroughputParams} params */
    async send({ wsOrigin, size, type, count }) {
      const connection = await socket.connect(`${wsOrigin}/sink?count=${count}`);
      const message = messageOf(size, type);
      const started = now();
      const confirmation = await socket.sendAll(connection, message, count);
      const ms = now() - started;
      await socket.disconnect(connection);
      checkConfirmed(confirmation, count, size);
      return { ms, messages: count, bytes: count * size };
    },

    /** @param {EchoParams} params */
    async echo({ wsOrigin, size, type, roundTrips }) {
      const connection = await socket.connect(`${wsOrigin}/echo`);
      const message = messageOf(size, type);
      /** @type {number[]} */
      const samples = [];
      const warmUp = echoWarmUpRoundTrips(roundTrips);
      for (let i = 0; i < warmUp + roundTrips; i++) {
        const started = now();
        const echoed = await socket.roundTrip(connection, message);
        const ms = now() - started;
        if (echoed === null || messageLength(echoed) !== size) throw new Error('the echo did not come back whole');
        if (i >= warmUp) samples.push(ms);
      }
      await socket.disconnect(connection);
      // Every sample goes back, not just this run's percentiles: the summary pools a contender's
      // round trips across its interleaved runs (a p50 of p50s is not the p50 of them all).
      return { ...latencySummary(samples), samples };
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Stream contenders

/**
 * Reads until `count` messages in all (`tally` holds those already read) or the end. → the tally.
 * @param {MessageReader} reader
 * @param {number} count
 * @param {Tally} [tally]
 */
async function readAll(reader, count, tally = { messages: 0, bytes: 0 }) {
  while (tally.messages < count) {
    const { value, done } = await reader.read();
    if (done) break;
    tally.messages++;
    tally.bytes += messageLength(value);
  }
  return tally;
}

/**
 * A WebSocketStream class, the polyfill's, a browser's or undici's: what the bench uses of it. Its
 * streams are the platform's (the DOM's, or Node's own types for undici), hence only what is read.
 * @typedef {new (url: string) => {
 *   opened: Promise<{ readable: { getReader(): MessageReader }, writable: { getWriter(): MessageWriter } }>,
 *   closed: Promise<unknown>, close(): void,
 * }} WebSocketStreamClass
 * @typedef {{ read(): Promise<{ done: false, value: Message }|{ done: true, value?: Message }>, releaseLock(): void }} MessageReader
 * @typedef {{ ready: Promise<unknown>, write(chunk: Message): Promise<void>, releaseLock(): void }} MessageWriter
 */
/** @typedef {{ stream: InstanceType<WebSocketStreamClass>, reader: MessageReader, writer: MessageWriter }} StreamConnection */

/**
 * @param {WebSocketStreamClass} WebSocketStreamClass
 * @returns {Socket<StreamConnection>}
 */
function streamSocket(WebSocketStreamClass) {
  return {
    async connect(url) {
      const stream = new WebSocketStreamClass(url);
      const { readable, writable } = await stream.opened;
      return { stream, reader: readable.getReader(), writer: writable.getWriter() };
    },

    async disconnect({ stream, reader, writer }) {
      stream.close();
      await withBound(stream.closed, CLOSE_BOUND_MS, 'closing');
      reader.releaseLock();
      writer.releaseLock();
    },

    receiveAll({ reader, writer }, count) {
      writer.write('go');
      return readAll(reader, count);
    },

    async sendAll({ reader, writer }, message, count) {
      const confirmation = reader.read();
      for (let i = 0; i < count; i++) {
        await writer.ready;
        writer.write(message).catch(() => {});
      }
      return (await confirmation).value;
    },

    async roundTrip({ reader, writer }, message) {
      writer.write(message).catch(() => {});
      const { value, done } = await reader.read();
      return done ? null : value;
    },
  };
}

/**
 * @param {WebSocketStreamClass} WebSocketStreamClass
 * @returns {Contender}
 */
export function streamContender(WebSocketStreamClass) {
  const socket = streamSocket(WebSocketStreamClass);
  return {
    ...workloads(socket),

    /**
     * Opens a firehose, reads its first message, then lets `pause()` run without reading (the
     * application is busy), then drains the rest. What piles up meanwhile is the point; `mark()`
     * lets the server take its baseline before the firehose starts.
     * @param {PausedReaderParams} params
     */
    async pausedReader({ wsOrigin, size, type, count, tag, mark, pause }) {
      const connection = await socket.connect(firehoseURL(wsOrigin, { size, type, count, tag }));
      const { reader, writer } = connection;
      await mark('baseline');
      writer.write('go');
      const first = await reader.read();
      if (first.done) throw new Error('the firehose ended before its first message');
      const pauseReport = await pause({ messagesRead: 1 });
      const started = now();
      const { messages, bytes } = await readAll(reader, count, { messages: 1, bytes: messageLength(first.value) });
      const drainMs = now() - started;
      await socket.disconnect(connection);
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
/**
 * @param {WebSocketClass} WebSocketClass
 * @param {{ sendCallbacks?: boolean, binaryType?: string }} [options]
 * @returns {Contender}
 */
export function eventContender(WebSocketClass, { sendCallbacks = false, binaryType = 'arraybuffer' } = {}) {
  return workloads(eventSocket(WebSocketClass, { sendCallbacks, binaryType }));
}

/**
 * A WebSocket class, the engine's or the `ws` package's: what the bench uses of it. `ws`'s send()
 * takes a callback as well, and its binaryType has values of its own ('nodebuffer').
 * @typedef {new (url: string) => EventSocket} WebSocketClass
 * @typedef {EventSocketBase & EventHandlers} EventSocket
 * @typedef {object} EventSocketBase
 * @property {string} binaryType
 * @property {number} bufferedAmount
 * @property {(data: Message, callback?: () => void) => void} send
 * @property {() => void} close
 * The handlers as the bench sets them: each class calls them with events of its own, which have
 * what the bench reads (`data`); hence setters, which say what may be set and nothing more.
 * @typedef {{
 *   set onopen(handler: ((event: unknown) => void)|null), get onopen(): unknown,
 *   set onclose(handler: ((event: unknown) => void)|null), get onclose(): unknown,
 *   set onerror(handler: ((event: unknown) => void)|null), get onerror(): unknown,
 *   set onmessage(handler: ((event: { data: Message }) => void)|null), get onmessage(): unknown,
 * }} EventHandlers
 */
/**
 * @typedef {object} EventConnection
 * @property {EventSocket} socket
 * @property {Promise<unknown>} closed
 * @property {Promise<never>} early
 * @property {boolean} echoing
 * @property {((message: Message) => void)|null} answer
 */

/**
 * Opens a WebSocket and waits for it to open. → the connection an event contender's workloads use.
 * @param {WebSocketClass} WebSocketClass
 * @param {string} url
 * @param {string} binaryType
 * @returns {Promise<EventConnection>}
 */
async function openEventSocket(WebSocketClass, url, binaryType) {
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
  // Rejects if the connection closes before disconnect(): every wait of a run races it.
  const early = closed.then(() => {
    throw new Error('the connection closed during the run');
  });
  early.catch(() => {});
  return { socket, closed, early, echoing: false, answer: null };
}

/**
 * @param {WebSocketClass} WebSocketClass
 * @param {{ sendCallbacks: boolean, binaryType: string }} options
 * @returns {Socket<EventConnection>}
 */
function eventSocket(WebSocketClass, { sendCallbacks, binaryType }) {
  return {
    connect: (url) => openEventSocket(WebSocketClass, url, binaryType),

    async disconnect({ socket, closed }) {
      socket.onmessage = null;
      socket.close();
      await withBound(closed, CLOSE_BOUND_MS, 'closing');
    },

    async receiveAll({ socket, early }, count) {
      const tally = { messages: 0, bytes: 0 };
      /** @type {Promise<void>} */
      const finished = new Promise((resolve) => {
        socket.onmessage = (event) => {
          tally.messages++;
          tally.bytes += messageLength(event.data);
          if (tally.messages === count) resolve();
        };
      });
      socket.send('go');
      await Promise.race([finished, early]);
      return tally;
    },

    async sendAll({ socket, early }, message, count) {
      const confirmation = new Promise((resolve) => {
        socket.onmessage = (event) => resolve(event.data);
      });
      await Promise.race([sendCallbacks ? sendLoopOnCallbacks(socket, message, count) : sendLoop(socket, message, count), early]);
      return Promise.race([confirmation, early]);
    },

    roundTrip(connection, message) {
      // One handler for the whole run, as an application would have; each round trip takes its answer.
      if (!connection.echoing) {
        connection.echoing = true;
        connection.socket.onmessage = (event) => connection.answer?.(event.data);
      }
      /** @type {Promise<Message>} */
      const echoed = new Promise((resolve) => {
        connection.answer = resolve;
      });
      connection.socket.send(message);
      return Promise.race([echoed, connection.early]);
    },
  };
}

/**
 * A page's send loop: send, and while more than the high-water mark is buffered, look again on the next task.
 * @param {EventSocket} socket
 * @param {Message} message
 * @param {number} count
 */
async function sendLoop(socket, message, count) {
  for (let i = 0; i < count; i++) {
    socket.send(message);
    while (socket.bufferedAmount > RAW_SEND_HIGH_WATER_MARK) await sleep(0);
  }
}

/**
 * Sending on the `ws` package's terms, for raw's loop and the Node streams baseline alike: → send(message),
 * which sends and, above the high-water mark, returns a promise that the send callback bringing the
 * buffer below it settles; undefined otherwise, so nothing waits while there is room.
 * @param {{ readonly bufferedAmount: number, send(data: Message, callback: () => void): void }} socket
 * @returns {(message: Message) => Promise<void>|undefined}
 */
export function sendOnCallbacks(socket) {
  /** @type {(() => void)|undefined} */
  let wake;
  const onSent = () => {
    if (wake !== undefined && socket.bufferedAmount <= RAW_SEND_HIGH_WATER_MARK) {
      const resume = wake;
      wake = undefined;
      resume();
    }
  };
  return (message) => {
    socket.send(message, onSent);
    if (socket.bufferedAmount <= RAW_SEND_HIGH_WATER_MARK) return undefined;
    return new Promise((resolve) => {
      wake = resolve;
    });
  };
}

/**
 * The `ws` package's send loop: above the high-water mark, wait for a send callback that brings it below.
 * @param {EventSocket} socket
 * @param {Message} message
 * @param {number} count
 */
async function sendLoopOnCallbacks(socket, message, count) {
  const send = sendOnCallbacks(socket);
  for (let i = 0; i < count; i++) {
    const drained = send(message);
    if (drained !== undefined) await drained;
  }
}

// ---------------------------------------------------------------------------------------------
// The stream floor: what the platform's own streams cost per message, with no socket at all

/** The contender name of stream-floor jobs. */
export const PLATFORM_STREAMS = 'platform streams';
/** The size of every chunk of the stream floor: the smallest message size the bench measures. */
export const STREAM_FLOOR_CHUNK_BYTES = 16;

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
/**
 * @param {StreamFloorParams} params
 * @returns {Promise<StreamFloorResult>}
 */
export async function streamFloor({ messages }) {
  const BURST = 64;
  const openReadable = () => {
    /** @type {ReadableStreamDefaultController<Uint8Array>|undefined} */
    let controller;
    /** @type {ReadableStream<Uint8Array>} */
    const readable = new ReadableStream({ start: (c) => void (controller = c) }, { highWaterMark: 0 });
    // start() runs inside the constructor: the controller is there once it returns.
    return { controller: /** @type {ReadableStreamDefaultController<Uint8Array>} */ (controller), reader: readable.getReader() };
  };
  const perMessageNs = (/** @type {number} */ started) => ((now() - started) * 1e6) / messages;

  let bytes = 0;
  const queued = openReadable();
  let started = now();
  for (let i = 0; i < messages; i += BURST) {
    for (let j = 0; j < BURST; j++) queued.controller.enqueue(new Uint8Array(STREAM_FLOOR_CHUNK_BYTES));
    // Neither readable is ever closed, so every read brings a chunk.
    for (let j = 0; j < BURST; j++) bytes += /** @type {Uint8Array} */ ((await queued.reader.read()).value).byteLength;
  }
  const readQueuedNs = perMessageNs(started);

  const waiting = openReadable();
  started = now();
  for (let i = 0; i < messages; i++) {
    const read = waiting.reader.read();
    waiting.controller.enqueue(new Uint8Array(STREAM_FLOOR_CHUNK_BYTES));
    bytes += /** @type {Uint8Array} */ ((await read).value).byteLength;
  }
  const readWaitingNs = perMessageNs(started);
  if (bytes !== (Math.ceil(messages / BURST) * BURST + messages) * STREAM_FLOOR_CHUNK_BYTES) throw new Error('the stream floor lost chunks');

  const writer = new WritableStream({ write: () => undefined }, { highWaterMark: 1 }).getWriter();
  const chunk = new Uint8Array(STREAM_FLOOR_CHUNK_BYTES);
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

/**
 * Runs one job from the plan with the named contender. → its result, or `{ error }`.
 * @param {Job} job
 * @param {Record<string, Contender>} contenders
 * @param {{ wsOrigin: string, mark: (job: Job, phase: string) => Promise<unknown>,
 *   pause: (job: Job, state: { messagesRead: number }) => Promise<object> }} client
 * @returns {Promise<JobOutcome>}
 */
export async function runJob(job, contenders, { wsOrigin, mark, pause }) {
  // The stream floor needs no socket: every environment has it, whatever contenders it brought.
  /** @type {Contender|undefined} */
  const contender = job.contender === PLATFORM_STREAMS ? { streamFloor } : contenders[job.contender];
  try {
    if (contender === undefined) throw new Error(`no contender "${job.contender}" here`);
    const operation = contender[job.kind];
    if (operation === undefined) throw new Error(`"${job.contender}" does not run "${job.kind}"`);
    const timeBound = job.timeBoundMs ?? 120_000;
    /** @type {{ mark: MarkHook, pause: PauseHook }} */
    const hooks = { mark: (phase) => mark(job, phase), pause: (state) => pause(job, state) };
    // Each kind's workload reads the fields the plan gave jobs of that kind (see ThroughputParams and the rest).
    const params = /** @type {ThroughputParams & EchoParams & PausedReaderParams & StreamFloorParams} */ ({ ...job, wsOrigin, ...hooks });
    const result = /** @type {JobResult} */ (await withBound(operation(params), timeBound, job.kind));
    return { id: job.id, result };
  } catch (error) {
    return { id: job.id, error: String(/** @type {Error} */ (error)?.stack ?? error) };
  }
}

/**
 * A client's half of the job API of the bench server at `origin` ('' for a page's own server):
 * `call(name, body)` posts to /api/NAME of the session; `mark(job, phase)` tells the server where a
 * paused-reader job is, so it can watch the client's memory.
 */
/**
 * @param {string} origin
 * @param {string|null} session
 */
export function sessionApi(origin, session) {
  /**
   * @param {string} name
   * @param {unknown} body
   * @returns {Promise<unknown>} the session handler's answer, as JSON
   */
  async function call(name, body) {
    const response = await fetch(`${origin}/api/${name}?session=${session}`, { method: 'POST', body: JSON.stringify(body) });
    if (!response.ok) throw new Error(`/api/${name}: ${response.status}`);
    return response.json();
  }
  /** @type {(job: Job, phase: string, details?: object) => Promise<unknown>} */
  const mark = (job, phase, details = {}) => call('mark', { phase, jobId: job.id, tag: job.tag, ...details });
  return { call, mark };
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
