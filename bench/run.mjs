#!/usr/bin/env node
// `npm run bench`: the polyfill against the raw WebSocket and native WebSocketStream in Chromium,
// Firefox and WebKit, and against raw `ws` and undici's WebSocketStream in Node. One environment at
// a time (the machine has two cores), each a plain process driving itself against the bench server.
//
//   npm run bench                       everything (about ten minutes)
//   npm run bench -- --quick            fewer sizes, repetitions and bytes, for development
//   npm run bench -- --only chromium,node --repetitions 7
//   npm run bench -- --candidate OTHER_DIST --contenders polyfill,candidate --kinds send --sizes 1048576
//       measures another build of the polyfill (its dist/ folder) against this one, interleaved
//   npm run bench -- --only chromium --browser-arg=--js-flags=--prof   (extra browser arguments)
//   npm run bench -- --kinds streamFloor          only what the platform's streams cost per message
//   npm run bench -- --environment-bound-minutes 20   a longer bound per environment on a busy machine
//
// Writes reports/bench/bench.{json,txt,md,svg} (and a timestamped copy of the JSON); bench.md is the
// performance page of this run. A full run of every environment that completes also writes the
// committed page, docs/performance.{md,svg}, and the summary it is generated from,
// docs/performance.json (--docs writes them from any run, --no-docs from none).
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { spawnHelper, stopHelper, whenExited } from '../conformance/lib/processes.mjs';
import { ensureBuild } from '../scripts/bootstrap.mjs';
import { findEngines, launchEngine, stopEverythingNow } from './browsers.mjs';
import { benchmarkPlan, emptyRecord, pausedReaderContenders, pausedReaderPlan, planSettings } from './plan.mjs';
import { processTreeCpuNanoseconds, processTreeMemory } from './process-usage.mjs';
import { writePerformancePage } from './performance-page.mjs';
import { toText } from './report.mjs';
import { bundleSizes, summarize } from './summary.mjs';
import { startBenchServer } from './server.mjs';

const benchDirectory = path.dirname(fileURLToPath(import.meta.url));
const repositoryRoot = path.dirname(benchDirectory);
const ENVIRONMENTS = ['chromium', 'firefox', 'webkit', 'node'];
const DOCS_DIRECTORY = path.join(repositoryRoot, 'docs');
const MEMORY_SAMPLE_INTERVAL_MS = 100;
/** How long the results of a client that has exited may take to arrive. */
const EXITED_CLIENT_GRACE_MS = 1000;

const { values: options } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    only: { type: 'string' },
    repetitions: { type: 'string' },
    out: { type: 'string', default: path.join(repositoryRoot, 'reports', 'bench') },
    log: { type: 'boolean', default: false },
    candidate: { type: 'string' },
    contenders: { type: 'string' },
    kinds: { type: 'string' },
    sizes: { type: 'string' },
    types: { type: 'string' },
    'browser-arg': { type: 'string', multiple: true, default: [] },
    'environment-bound-minutes': { type: 'string' },
    docs: { type: 'boolean', default: false },
    'no-docs': { type: 'boolean', default: false },
  },
});

const list = (text) => (text ? text.split(',').map((item) => item.trim()) : null);
const settings = planSettings({
  quick: options.quick,
  repetitions: options.repetitions ? Number(options.repetitions) : undefined,
  contenders: list(options.contenders),
  kinds: list(options.kinds),
  sizes: list(options.sizes)?.map(Number) ?? null,
  types: list(options.types),
});
const candidateDirectory = options.candidate ? path.resolve(options.candidate) : null;
const selected = options.only ? options.only.split(',').map((name) => name.trim()) : ENVIRONMENTS;
for (const name of selected) {
  if (!ENVIRONMENTS.includes(name)) throw new Error(`unknown environment "${name}" (known: ${ENVIRONMENTS.join(', ')})`);
}
// The longest one environment may take before it is stopped and its partial results kept; a machine
// busy with other work may need more (--environment-bound-minutes).
const ENVIRONMENT_BOUND_MS = Number(options['environment-bound-minutes'] ?? (options.quick ? 4 : 8)) * 60_000;

function log(line) {
  console.log(`[bench] ${line}`);
}

// Interrupted (Ctrl-C, a CI timeout): no browser, Xvfb or profile may outlive the bench.
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.once(signal, () => {
    stopEverythingNow();
    process.exit(128 + { SIGHUP: 1, SIGINT: 2, SIGTERM: 15 }[signal]);
  });
}

/**
 * Watches a client's memory through a paused-reader job: a baseline before the firehose starts,
 * then samples from the start of the pause to its end.
 */
class PausedReaderWatch {
  #timer = undefined;
  #baseline = null;
  #peak = null;
  #serverAtStart = null;

  constructor(pid, server, tag) {
    this.pid = pid;
    this.server = server;
    this.tag = tag;
  }

  baseline() {
    this.#baseline = processTreeMemory(this.pid);
  }

  start() {
    this.#serverAtStart = this.server.firehoseProgress(this.tag);
    this.#peak = processTreeMemory(this.pid)?.anonymousBytes ?? null;
    this.#timer = setInterval(() => {
      const now = processTreeMemory(this.pid);
      if (now && this.#peak !== null) this.#peak = Math.max(this.#peak, now.anonymousBytes);
    }, MEMORY_SAMPLE_INTERVAL_MS);
  }

  end() {
    clearInterval(this.#timer);
    const atEnd = processTreeMemory(this.pid);
    const serverAtEnd = this.server.firehoseProgress(this.tag);
    this.server.forgetFirehose(this.tag);
    const before = this.#baseline;
    return {
      processes: atEnd?.processes ?? null,
      anonymousBytes:
        before && atEnd && this.#peak !== null
          ? { before: before.anonymousBytes, peak: Math.max(this.#peak, atEnd.anonymousBytes), atEnd: atEnd.anonymousBytes }
          : null,
      serverBytes: { total: serverAtEnd?.total ?? null, acceptedAtStart: this.#serverAtStart?.accepted ?? null, acceptedAtEnd: serverAtEnd?.accepted ?? null },
    };
  }

  stop() {
    clearInterval(this.#timer);
  }
}

/**
 * The server's side of one client session: hands out the jobs of a plan one by one, takes back
 * their results (with the CPU time the client's process tree spent on each), and watches memory
 * through paused-reader jobs. `finished` settles with 'done' or 'fatal'.
 */
class SessionJobs {
  record = emptyRecord();
  hello = null;
  jobsDone = 0;
  clientPid = null;
  #plan = null;
  #memoryWatches = new Map();
  // CPU time the client's process tree spends between taking a job and handing in its result.
  #cpuAtHandOut = null;
  #handedOutAt = 0;
  #resolveFinished;

  constructor(server, describe, makePlan) {
    this.server = server;
    this.describe = describe;
    this.makePlan = makePlan;
    this.finished = new Promise((resolve) => {
      this.#resolveFinished = resolve;
    });
  }

  /** The answer to POST /api/next: the client's previous result (or its hello) in, the next job out. */
  async next(message) {
    if (message?.fatal) {
      this.record.errors.push({ fatal: message.fatal });
      return this.#finish('fatal');
    }
    const step = this.#plan === null ? this.#start(message.hello) : this.#advance(message);
    if (step.done) return this.#finish('done');
    this.#cpuAtHandOut = processTreeCpuNanoseconds(this.clientPid);
    this.#handedOutAt = Date.now();
    return step.value;
  }

  #start(hello) {
    this.hello = hello;
    log(`${this.describe}: ${hello.userAgent} — contenders ${hello.contenders.join(', ')}; timer step ${hello.timerResolutionMs.toFixed(4)} ms`);
    this.#plan = this.makePlan(hello, this.record);
    return this.#plan.next();
  }

  #advance(message) {
    this.jobsDone++;
    const cpuNanoseconds = processTreeCpuNanoseconds(this.clientPid);
    // Threads that end during a job take their CPU time with them; a negative sum is no measure.
    if (message?.result && this.#cpuAtHandOut !== null && cpuNanoseconds !== null && cpuNanoseconds >= this.#cpuAtHandOut) {
      message.result.cpuMs = (cpuNanoseconds - this.#cpuAtHandOut) / 1e6;
    }
    if (message?.result) message.result.jobMs = Date.now() - this.#handedOutAt;
    return this.#plan.next(message);
  }

  #finish(outcome) {
    this.#resolveFinished(outcome);
    return { done: true };
  }

  /** The answer to POST /api/mark: a paused-reader job's baseline, the start and the end of its pause. */
  async mark({ phase, jobId, tag }) {
    if (!this.#memoryWatches.has(jobId)) this.#memoryWatches.set(jobId, new PausedReaderWatch(this.clientPid, this.server, tag));
    const watch = this.#memoryWatches.get(jobId);
    if (phase === 'baseline') watch.baseline();
    else if (phase === 'start') watch.start();
    else if (phase === 'end') {
      this.#memoryWatches.delete(jobId);
      return watch.end();
    }
    return {};
  }

  stopWatching() {
    for (const watch of this.#memoryWatches.values()) watch.stop();
  }
}

/** Starts the client of environment `name` on session `sessionId`. → { pid, exited, stop() }. */
async function startClient(name, server, engines, sessionId) {
  if (name !== 'node') {
    const url = `${server.origin}/bench/page.html?session=${sessionId}${candidateDirectory ? '&candidate' : ''}`;
    return launchEngine(name, engines[name], url, { extraArgs: options['browser-arg'] });
  }
  const candidate = candidateDirectory ? ['--candidate', candidateDirectory] : [];
  // NODE_PATH lets a candidate build outside this tree find the `ws` package.
  const env = { ...process.env, NODE_PATH: path.join(repositoryRoot, 'node_modules') };
  const child = spawnHelper(process.execPath, [path.join(benchDirectory, 'node-client.mjs'), server.origin, sessionId, ...candidate], { stdio: ['ignore', 'inherit', 'inherit'], env });
  return { pid: child.pid, exited: whenExited(child), stop: () => stopHelper(child) };
}

/** Settles like `promise`, or with `onBound` after `ms`, whichever comes first; the timer never outlives it. */
async function withinOr(promise, ms, onBound) {
  let timer;
  const bound = new Promise((resolve) => {
    timer = setTimeout(() => resolve(onBound), ms);
  });
  try {
    return await Promise.race([promise, bound]);
  } finally {
    clearTimeout(timer);
  }
}

/** How a session ended: 'done' or 'fatal' (from the jobs), 'exited' (the client went away) or 'bound'. */
async function sessionOutcome(jobs, client) {
  const outcome = await withinOr(Promise.race([jobs.finished, client.exited.then(() => 'exited')]), ENVIRONMENT_BOUND_MS, 'bound');
  // A client that exits right after handing in its last result: give that result a moment to land.
  if (outcome === 'exited') await withinOr(jobs.finished, EXITED_CLIENT_GRACE_MS, null);
  return outcome;
}

/**
 * Starts a fresh client process of environment `name` (a browser, or the Node client) on a new
 * session whose jobs come from `makePlan(hello, record)`, and runs it to the end or to the bound.
 */
async function runSession(name, server, engines, what, makePlan) {
  const started = Date.now();
  const jobs = new SessionJobs(server, `${name} ${what}`, makePlan);
  const sessionId = server.openSession({ next: (message) => jobs.next(message), mark: (message) => jobs.mark(message) });
  const client = await startClient(name, server, engines, sessionId);
  jobs.clientPid = client.pid;
  const outcome = await sessionOutcome(jobs, client);
  jobs.stopWatching();
  await client.stop();
  server.closeSession(sessionId);
  const seconds = (Date.now() - started) / 1000;
  const complete = outcome === 'done';
  const { record } = jobs;
  log(`${name} ${what}: ${complete ? 'finished' : `STOPPED (${outcome})`} after ${jobs.jobsDone} jobs in ${seconds.toFixed(0)} s, ${record.errors.length} errors`);
  for (const error of record.errors.slice(0, 5)) log(`  error: ${JSON.stringify(error).slice(0, 400)}`);
  return { hello: jobs.hello, complete, outcome, seconds, record };
}

/** The throughput and latency session, then one fresh process per paused-reader contender. */
async function runEnvironment(name, server, engines) {
  const main = await runSession(name, server, engines, 'throughput and latency', (hello, record) => benchmarkPlan(hello, settings, record));
  const sessions = [main];
  for (const contender of main.hello ? pausedReaderContenders(main.hello, settings) : []) {
    sessions.push(await runSession(name, server, engines, `paused reader (${contender})`, (hello, record) => pausedReaderPlan(hello, settings, record, contender)));
  }
  const merged = emptyRecord();
  for (const session of sessions) {
    for (const [key, list] of Object.entries(session.record)) merged[key].push(...list);
  }
  return {
    name,
    hello: main.hello,
    complete: sessions.every((session) => session.complete),
    outcome: sessions.map((session) => session.outcome).join(', '),
    seconds: sessions.reduce((total, session) => total + session.seconds, 0),
    ...merged,
  };
}

async function main() {
  const started = Date.now();
  ensureBuild();
  const engines = await findEngines();
  const server = await startBenchServer({ log: options.log, candidateDirectory });
  const environments = [];
  try {
    for (const name of selected) {
      if (name !== 'node' && !engines[name]) {
        log(`${name}: not found on this machine, skipped`);
        continue;
      }
      environments.push(await runEnvironment(name, server, engines));
    }
  } finally {
    await server.close();
  }

  const summary = await writeReports(environments, (Date.now() - started) / 1000);
  console.log(`\n${toText(summary)}`);
  log(`reports in ${path.relative(process.cwd(), options.out) || '.'}/bench.{json,txt,md,svg}; ${summary.seconds.toFixed(0)} s in all`);
  const incomplete = environments.filter((environment) => !environment.complete).map((environment) => environment.name);
  if (incomplete.length > 0) {
    log(`incomplete: ${incomplete.join(', ')}`);
    process.exitCode = 1;
  }
  if (options.docs || (!options['no-docs'] && isFullRun(environments))) {
    await writeDocs(summary);
    log(`performance page in ${path.relative(process.cwd(), DOCS_DIRECTORY)}/performance.{md,svg,json}`);
  }
}

/**
 * Writes the raw outcomes, then the summary as JSON, and every report rendered from that JSON (as
 * the page generator run on its own would read it). → the summary, as read back.
 */
async function writeReports(environments, seconds) {
  // The raw outcomes go to disk before anything is computed from them: a run takes minutes.
  await mkdir(options.out, { recursive: true });
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  await writeFile(path.join(options.out, `bench-raw-${stamp}.json`), JSON.stringify({ settings, environments }));
  const json = `${JSON.stringify(summarize({ environments, settings, sizes: bundleSizes(), seconds }), null, 2)}\n`;
  await writeFile(path.join(options.out, 'bench.json'), json);
  await writeFile(path.join(options.out, `bench-${stamp}.json`), json);
  const summary = JSON.parse(json);
  await writeFile(path.join(options.out, 'bench.txt'), toText(summary));
  writePerformancePage(summary, path.join(options.out, 'bench.md'));
  return summary;
}

/** A run the committed page may show: the full plan, every environment, nothing narrowed, all complete. */
function isFullRun(environments) {
  const narrowed = options.quick || options.repetitions || options.candidate || options.contenders || options.kinds || options.sizes || options.types || options['browser-arg'].length > 0;
  return !narrowed && environments.length === ENVIRONMENTS.length && environments.every((environment) => environment.complete);
}

/** docs/performance.json (the summary, kept so the page can be checked against it) and the page with its chart. */
async function writeDocs(summary) {
  await mkdir(DOCS_DIRECTORY, { recursive: true });
  await writeFile(path.join(DOCS_DIRECTORY, 'performance.json'), `${JSON.stringify(summary, null, 2)}\n`);
  writePerformancePage(summary, path.join(DOCS_DIRECTORY, 'performance.md'));
}

await main();
