#!/usr/bin/env node
// Soak and load (npm run soak; not part of npm test): through each Node adapter,
//   - one connection carrying MESSAGES (default 1,000,000) messages to an echo server and back;
//   - CONNECTIONS (default 1,000) concurrent connections each exchanging PER_CONNECTION (1,000).
// Every message is numbered and must come back exactly once, in order. The client runs in its own
// process (the server stays here). Its RSS is sampled every 250 ms from here, out of /proc: a
// client busy writing may not run its own timers for seconds. The client marks where each phase
// starts and ends on stdout; the least-squares slope of RSS over each phase is reported.
// Results: stdout and reports/reliability/soak.json (docs/reliability.md is generated from a kept copy:
// reliability/reliability-page.mjs).
//
//   node reliability/soak.mjs [--messages N] [--connections N] [--per-connection N] [--adapters ws,global]
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { WebSocketServer } from 'ws';

/**
 * One phase of a client's run, with the RSS figures the parent adds.
 * @typedef {object} SoakPhase
 * @property {string} name
 * @property {number} expected
 * @property {number} received
 * @property {string[]} errors
 * @property {number} seconds
 * @property {number} [samples]
 * @property {number} [rssStartMiB]
 * @property {number} [rssEndMiB]
 * @property {number} [rssPeakMiB]
 * @property {number} [rssSlopeMiBPerMinute]
 */
/** @typedef {{ adapter: string, ok: boolean, phases: SoakPhase[], exitCode?: number|null }} SoakResult */
/**
 * reports/reliability/soak.json.
 * @typedef {object} SoakReport
 * @property {string} node
 * @property {{ cpus: number, loadAverageAtEnd: number[] }} [machine]
 * @property {{ messages: number, connections: number, perConnection: number }} parameters
 * @property {SoakResult[]} results
 */
/** @typedef {{ mark: 'start'|'end', name: string, at: number, rss: number|null }} PhaseMark */

const WRITE_WINDOW = 512;
const RSS_SAMPLE_INTERVAL_MS = 250;
const here = path.dirname(fileURLToPath(import.meta.url));
const { values: options } = parseArgs({
  options: {
    messages: { type: 'string', default: '1000000' },
    connections: { type: 'string', default: '1000' },
    'per-connection': { type: 'string', default: '1000' },
    adapters: { type: 'string', default: 'ws,global' },
    client: { type: 'string' },
    url: { type: 'string' },
  },
});

if (options.client) await runClient(options.client, /** @type {string} */ (options.url));
else await runSoak();

async function runSoak() {
  const httpServer = http.createServer();
  const server = new WebSocketServer({ server: httpServer, perMessageDeflate: false, maxPayload: 1 << 20 });
  server.on('connection', (socket) => socket.on('message', (data, isBinary) => socket.send(data, { binary: isBinary })));
  // Every connection the soak opens at once must fit in the listen queue (Node's default holds 511):
  // a server too busy to accept them in time would refuse some, and the soak would measure itself.
  httpServer.listen({ host: '127.0.0.1', port: 0, backlog: Math.max(511, 2 * Number(options.connections)) });
  await new Promise((resolve) => httpServer.once('listening', resolve));
  const url = `ws://127.0.0.1:${/** @type {import('node:net').AddressInfo} */ (httpServer.address()).port}/`;
  /** @type {SoakResult[]} */
  const results = [];
  for (const adapter of options.adapters.split(',')) {
    const nodeArgs = adapter === 'global' ? ['--experimental-websocket'] : [];
    const child = spawn(process.execPath, [...nodeArgs, fileURLToPath(import.meta.url), '--client', adapter, '--url', url,
      '--messages', options.messages, '--connections', options.connections, '--per-connection', options['per-connection']],
    { stdio: ['ignore', 'pipe', 'inherit'] });
    /** @type {[at: number, rss: number][]} */
    const samples = [];
    /** @type {PhaseMark[]} */
    const marks = [];
    /** @type {SoakResult|null} */
    let result = null;
    let unfinishedLine = '';
    const sampler = setInterval(() => {
      const rss = rssMiBOf(/** @type {number} */ (child.pid));
      if (rss !== null) samples.push([performance.now(), rss]);
    }, RSS_SAMPLE_INTERVAL_MS);
    // Every line the client prints is JSON: a phase mark, timed here as it arrives, or its result.
    child.stdout.on('data', (chunk) => {
      const lines = `${unfinishedLine}${chunk}`.split('\n');
      unfinishedLine = /** @type {string} */ (lines.pop());
      for (const line of lines.filter(Boolean)) {
        const message = JSON.parse(line);
        if (message.mark) marks.push({ ...message, at: performance.now(), rss: rssMiBOf(/** @type {number} */ (child.pid)) });
        else result = message;
      }
    });
    const code = await new Promise((/** @type {(code: number|null) => void} */ resolve) => child.on('close', resolve));
    clearInterval(sampler);
    // Set by the 'data' listener above, which TypeScript does not see run.
    const finished = /** @type {SoakResult|null} */ (result);
    if (finished === null) throw new Error(`the ${adapter} client printed no result (exit ${code})`);
    for (const phase of finished.phases) Object.assign(phase, rssFigures(phase.name, marks, samples));
    finished.exitCode = code;
    results.push(finished);
    printResult(finished);
  }
  for (const client of server.clients) client.terminate();
  await new Promise((resolve) => server.close(resolve));
  await new Promise((resolve) => httpServer.close(resolve));
  const reportDirectory = path.join(here, '..', 'reports', 'reliability');
  mkdirSync(reportDirectory, { recursive: true });
  const parameters = { messages: Number(options.messages), connections: Number(options.connections), perConnection: Number(options['per-connection']) };
  // Other work on the machine stretches every phase: the load says how much there was.
  const machine = { cpus: os.cpus().length, loadAverageAtEnd: os.loadavg().map(round) };
  writeFileSync(path.join(reportDirectory, 'soak.json'), `${JSON.stringify({ node: process.version, machine, parameters, results }, null, 2)}\n`);
  if (results.some((result) => result.exitCode !== 0 || !result.ok)) process.exitCode = 1;
}

/** @param {SoakResult} result */
function printResult({ adapter, ok, phases }) {
  console.log(`\n${adapter}: ${ok ? 'all messages accounted for' : 'FAILED'}`);
  for (const phase of phases) {
    console.log(`  ${phase.name}: ${phase.received}/${phase.expected} messages in ${phase.seconds} s ` +
      `(${Math.round(phase.received / phase.seconds)} msg/s), RSS ${phase.rssStartMiB} → ${phase.rssEndMiB} MiB, ` +
      `peak ${phase.rssPeakMiB} MiB, slope ${phase.rssSlopeMiBPerMinute} MiB/min over ${phase.samples} samples` +
      (phase.errors.length ? `, errors: ${phase.errors.slice(0, 3).join(' | ')}` : ''));
  }
}

/**
 * @param {string} adapter
 * @param {string} url
 */
async function runClient(adapter, url) {
  const { WebSocketStream } = await import(adapter === 'global' ? '../dist/index.js' : '../dist/node.js');
  /** @type {SoakPhase[]} */
  const phases = [];
  phases.push(await measured('one connection', Number(options.messages), () => exchange(WebSocketStream, url, Number(options.messages))));
  const connections = Number(options.connections);
  const perConnection = Number(options['per-connection']);
  phases.push(await measured(`${connections} concurrent connections`, connections * perConnection, async () => {
    // Every connection is counted on its own: one failure must not hide what the others delivered.
    const outcomes = await Promise.allSettled(Array.from({ length: connections }, () => exchange(WebSocketStream, url, perConnection)));
    const failed = outcomes.filter((outcome) => outcome.status === 'rejected');
    if (failed.length > 0) {
      throw Object.assign(new Error(`${failed.length} of ${connections} connections failed, first: ${failed[0].reason?.message}`), {
        received: outcomes.reduce((sum, outcome) => sum + (outcome.status === 'fulfilled' ? outcome.value : 0), 0),
      });
    }
    return outcomes.reduce((sum, outcome) => sum + (/** @type {PromiseFulfilledResult<number>} */ (outcome)).value, 0);
  }));
  const ok = phases.every((phase) => phase.received === phase.expected && phase.errors.length === 0);
  console.log(JSON.stringify({ adapter, ok, phases }));
}

// Sends `count` numbered text messages while reading the echoes; → how many came back in order.
/**
 * @param {typeof import('../dist/index.js').WebSocketStream} WebSocketStream
 * @param {string} url
 * @param {number} count
 */
async function exchange(WebSocketStream, url, count) {
  const stream = new WebSocketStream(url);
  const { readable, writable } = await stream.opened;
  const writer = writable.getWriter();
  const reader = readable.getReader();
  const sending = (async () => {
    // A window of writes in flight: waiting on each one would measure round trips, not the stream.
    for (let i = 0; i < count; i++) {
      const write = writer.write(String(i));
      write.catch(() => {});
      if (i % WRITE_WINDOW === WRITE_WINDOW - 1) await write;
    }
  })();
  let received = 0;
  while (received < count) {
    const { value, done } = await reader.read();
    if (done) break;
    if (value !== String(received)) throw new Error(`message ${received} came back as ${String(value).slice(0, 20)}`);
    received += 1;
  }
  await sending;
  stream.close();
  await stream.closed;
  return received;
}

/**
 * @param {string} name
 * @param {number} expected
 * @param {() => Promise<number>} run
 * @returns {Promise<SoakPhase>}
 */
async function measured(name, expected, run) {
  const mark = (/** @type {'start'|'end'} */ event) => process.stdout.write(`${JSON.stringify({ mark: event, name })}\n`);
  const started = performance.now();
  mark('start');
  const errors = [];
  let received;
  try {
    received = await run();
  } catch (caught) {
    const error = /** @type {{ message?: string, received?: number }|undefined} */ (caught);
    errors.push(String(error?.message ?? error));
    received = error?.received ?? 0;
  }
  mark('end');
  return { name, expected, received, errors, seconds: round((performance.now() - started) / 1000) };
}

/** @param {number} value */
function round(value) {
  return Math.round(value * 10) / 10;
}

/**
 * The client's resident set, in MiB, read from /proc; null once it has exited.
 * @param {number} pid
 */
function rssMiBOf(pid) {
  try {
    const kib = Number(/^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]);
    return Number.isFinite(kib) ? kib / 1024 : null;
  } catch {
    return null;
  }
}

/**
 * RSS over one phase: the samples between its marks, with the RSS read at each mark.
 * @param {string} name
 * @param {PhaseMark[]} marks
 * @param {[at: number, rss: number][]} samples
 */
function rssFigures(name, marks, samples) {
  const start = marks.find((mark) => mark.name === name && mark.mark === 'start');
  const end = marks.find((mark) => mark.name === name && mark.mark === 'end');
  if (!start || !end) return { samples: 0 };
  /** @type {[at: number, rss: number|null][]} */
  const readings = [
    [start.at, start.rss],
    ...samples.filter(([at]) => at > start.at && at < end.at),
    [end.at, end.rss],
  ];
  const points = /** @type {[number, number][]} */ (readings.filter(([, rss]) => rss !== null)).map(([at, rss]) => /** @type {[number, number]} */ ([(at - start.at) / 1000, rss]));
  return {
    samples: points.length,
    rssStartMiB: round(points[0][1]),
    rssEndMiB: round(points[points.length - 1][1]),
    rssPeakMiB: round(Math.max(...points.map(([, rss]) => rss))),
    rssSlopeMiBPerMinute: round(slope(points) * 60),
  };
}

// Least-squares slope of y over x.
/** @param {[x: number, y: number][]} points */
function slope(points) {
  const n = points.length;
  const meanX = points.reduce((sum, [x]) => sum + x, 0) / n;
  const meanY = points.reduce((sum, [, y]) => sum + y, 0) / n;
  let numerator = 0;
  let denominator = 0;
  for (const [x, y] of points) {
    numerator += (x - meanX) * (y - meanY);
    denominator += (x - meanX) ** 2;
  }
  return denominator === 0 ? 0 : numerator / denominator;
}
