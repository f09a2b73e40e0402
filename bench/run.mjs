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
//
// Writes reports/bench/bench.{json,txt,md,svg} (and a timestamped copy of the JSON).
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { spawnHelper, stopHelper, whenExited } from '../conformance/lib/processes.mjs';
import { ensureBuild } from '../scripts/bootstrap.mjs';
import { findEngines, launchEngine, stopEverythingNow } from './browsers.mjs';
import { benchmarkPlan, emptyRecord, pausedReaderContenders, pausedReaderPlan, planSettings } from './plan.mjs';
import { processTreeCpuNanoseconds, processTreeMemory } from './process-usage.mjs';
import { bundleSizes, summarize, toMarkdown, toSvg, toText } from './report.mjs';
import { startBenchServer } from './server.mjs';

const benchDirectory = path.dirname(fileURLToPath(import.meta.url));
const repositoryRoot = path.dirname(benchDirectory);
const ENVIRONMENTS = ['chromium', 'firefox', 'webkit', 'node'];
const MEMORY_SAMPLE_INTERVAL_MS = 100;

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
// The longest one environment may take before it is stopped and its partial results kept.
const ENVIRONMENT_BOUND_MS = options.quick ? 4 * 60_000 : 8 * 60_000;

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
 * Starts a fresh client process of environment `name` (a browser, or the Node client) on a new
 * session whose jobs come from `makePlan(hello, record)`, and runs it to the end or to the bound.
 */
async function runSession(name, server, engines, what, makePlan) {
  const record = emptyRecord();
  const started = Date.now();
  let hello = null;
  let plan = null;
  let clientPid = null;
  let resolveFinished;
  const finished = new Promise((resolve) => {
    resolveFinished = resolve;
  });
  const memoryWatches = new Map();
  let jobsDone = 0;
  // CPU time the client's process tree spends between taking a job and handing in its result.
  let cpuAtHandOut = null;
  let handedOutAt = 0;

  const sessionId = server.openSession({
    async next(message) {
      if (message?.fatal) {
        record.errors.push({ fatal: message.fatal });
        resolveFinished('fatal');
        return { done: true };
      }
      let step;
      if (plan === null) {
        hello = message.hello;
        log(`${name} ${what}: ${hello.userAgent} — contenders ${hello.contenders.join(', ')}; timer step ${hello.timerResolutionMs.toFixed(4)} ms`);
        plan = makePlan(hello, record);
        step = plan.next();
      } else {
        jobsDone++;
        const cpuNanoseconds = processTreeCpuNanoseconds(clientPid);
        // Threads that end during a job take their CPU time with them; a negative sum is no measure.
        if (message?.result && cpuAtHandOut !== null && cpuNanoseconds !== null && cpuNanoseconds >= cpuAtHandOut) {
          message.result.cpuMs = (cpuNanoseconds - cpuAtHandOut) / 1e6;
        }
        if (message?.result) message.result.jobMs = Date.now() - handedOutAt;
        step = plan.next(message);
      }
      if (step.done) {
        resolveFinished('done');
        return { done: true };
      }
      cpuAtHandOut = processTreeCpuNanoseconds(clientPid);
      handedOutAt = Date.now();
      return step.value;
    },
    async mark({ phase, jobId, tag }) {
      if (!memoryWatches.has(jobId)) memoryWatches.set(jobId, new PausedReaderWatch(clientPid, server, tag));
      const watch = memoryWatches.get(jobId);
      if (phase === 'baseline') watch.baseline();
      else if (phase === 'start') watch.start();
      else if (phase === 'end') {
        memoryWatches.delete(jobId);
        return watch.end();
      }
      return {};
    },
  });

  let client;
  if (name === 'node') {
    const candidate = candidateDirectory ? ['--candidate', candidateDirectory] : [];
    // NODE_PATH lets a candidate build outside this tree find the `ws` package.
    const env = { ...process.env, NODE_PATH: path.join(repositoryRoot, 'node_modules') };
    const child = spawnHelper(process.execPath, [path.join(benchDirectory, 'node-client.mjs'), server.origin, sessionId, ...candidate], { stdio: ['ignore', 'inherit', 'inherit'], env });
    client = { pid: child.pid, exited: whenExited(child), stop: () => stopHelper(child) };
  } else {
    client = await launchEngine(name, engines[name], `${server.origin}/bench/page.html?session=${sessionId}${candidateDirectory ? '&candidate' : ''}`, {
      extraArgs: options['browser-arg'],
    });
  }
  clientPid = client.pid;

  let boundTimer;
  const outcome = await Promise.race([
    finished,
    client.exited.then(() => 'exited'),
    new Promise((resolve) => {
      boundTimer = setTimeout(() => resolve('bound'), ENVIRONMENT_BOUND_MS);
    }),
  ]);
  clearTimeout(boundTimer);
  if (outcome === 'exited') await Promise.race([finished, new Promise((resolve) => setTimeout(resolve, 1000))]);
  for (const watch of memoryWatches.values()) watch.stop();
  await client.stop();
  server.closeSession(sessionId);
  const seconds = (Date.now() - started) / 1000;
  const complete = outcome === 'done';
  log(`${name} ${what}: ${complete ? 'finished' : `STOPPED (${outcome})`} after ${jobsDone} jobs in ${seconds.toFixed(0)} s, ${record.errors.length} errors`);
  for (const error of record.errors.slice(0, 5)) log(`  error: ${JSON.stringify(error).slice(0, 400)}`);
  return { hello, complete, outcome, seconds, record };
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

  // The raw outcomes go to disk before anything is computed from them: a run takes minutes.
  await mkdir(options.out, { recursive: true });
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  await writeFile(path.join(options.out, `bench-raw-${stamp}.json`), JSON.stringify({ settings, environments }));
  const summary = summarize({ environments, settings, sizes: bundleSizes(), seconds: (Date.now() - started) / 1000 });
  const json = JSON.stringify(summary, null, 2);
  await writeFile(path.join(options.out, 'bench.json'), json);
  await writeFile(path.join(options.out, `bench-${stamp}.json`), json);
  await writeFile(path.join(options.out, 'bench.txt'), toText(summary));
  await writeFile(path.join(options.out, 'bench.md'), toMarkdown(summary));
  await writeFile(path.join(options.out, 'bench.svg'), toSvg(summary));
  console.log(`\n${toText(summary)}`);
  log(`reports in ${path.relative(process.cwd(), options.out) || '.'}/bench.{json,txt,md,svg}; ${summary.seconds.toFixed(0)} s in all`);
  const incomplete = environments.filter((environment) => !environment.complete).map((environment) => environment.name);
  if (incomplete.length > 0) {
    log(`incomplete: ${incomplete.join(', ')}`);
    process.exitCode = 1;
  }
}

await main();
