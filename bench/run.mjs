#!/usr/bin/env node
// `npm run bench`: the polyfill against the raw WebSocket and native WebSocketStream in Chromium,
// Firefox and WebKit, and against raw `ws` and undici's WebSocketStream in Node; then in the oldest
// and newest old Chromium builds the conformance matrix runs (old-chromium.mjs). One environment at
// a time (the machine has two cores), each a plain process driving itself against the bench server.
// The options: USAGE below, which --help prints.
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
import { UsageError } from '../conformance/lib/usage-error.mjs';
import { ensureBuild } from '../scripts/bootstrap.mjs';
import { findEngines, launchEngine, stopEverythingNow } from './browsers.mjs';
import { OLD_CHROMIUM_ENVIRONMENTS, OLD_CHROMIUM_SIZES, isOldChromium, oldChromiumRow, prepareOldChromium } from './old-chromium.mjs';
import { flaggedCells, flaggedCellsByEnvironment } from './ceilings.mjs';
import { benchmarkPlan, emptyRecord, pausedReaderContenders, pausedReaderPlan, planSettings } from './plan.mjs';
import { processTreeCpuNanoseconds, processTreeMemory } from './process-usage.mjs';
import { writePerformancePage } from './performance-page.mjs';
import { toText } from './report.mjs';
import { bundleSizes, summarize, summarizeEnvironment } from './summary.mjs';
import { startBenchServer } from './server.mjs';
import { startPageProfile } from './cpu-profile.mjs';

/** @typedef {import('./types.mjs').BenchRecord} BenchRecord */
/** @typedef {import('./types.mjs').BenchSummary} BenchSummary */
/** @typedef {import('./types.mjs').ClientMessage} ClientMessage */
/** @typedef {import('./types.mjs').EnvironmentRecord} EnvironmentRecord */
/** @typedef {import('./types.mjs').Hello} Hello */
/** @typedef {import('./types.mjs').MarkMessage} MarkMessage */
/** @typedef {import('./types.mjs').NextJob} NextJob */
/** @typedef {import('./plan.mjs').Plan} Plan */
/** @typedef {Awaited<ReturnType<typeof startBenchServer>>} BenchServer */
/** @typedef {Awaited<ReturnType<typeof findEngines>>} Engines */
/** @typedef {import('./types.mjs').EngineBuild} EngineBuild */
/** @typedef {import('./types.mjs').PlanSettings} PlanSettings */
/**
 * One environment ready to run: its name, how to start its browser (none for Node), an old
 * Chromium's build, and what it measures.
 * @typedef {{ name: string, found: import('./browsers.mjs').FoundEngine|null, build: EngineBuild|null, settings: PlanSettings }} Environment
 */
/** @typedef {(hello: Hello, record: BenchRecord) => Plan} MakePlan */
/**
 * A client process: a browser (with the profile folder it was started with) or the Node client.
 * @typedef {{ pid: number|undefined, userDataDirectory?: string, exited: Promise<unknown>, stop: () => Promise<unknown> }} Client
 */

const benchDirectory = path.dirname(fileURLToPath(import.meta.url));
const repositoryRoot = path.dirname(benchDirectory);
const ENVIRONMENTS = ['chromium', 'firefox', 'webkit', 'node'];
const DOCS_DIRECTORY = path.join(repositoryRoot, 'docs');
const MEMORY_SAMPLE_INTERVAL_MS = 100;
/** How long the results of a client that has exited may take to arrive. */
const EXITED_CLIENT_GRACE_MS = 1000;

/**
 * How many repetitions a recheck gives each flagged cell. On two busy cores one cell's paired
 * ratios ranged from 0.55 to 1.01 over 7 repetitions; of the 14 cells one full run of 5 flagged,
 * a run of 7 soon after found 4 below 0.95 × the streams alone again and 10 not. A flag needs a
 * second look before it is taken for the polyfill's own cost.
 */
const RECHECK_REPETITIONS = 9;

/** What `npm run bench -- --help` prints. */
const USAGE = `Usage:
  npm run bench                       everything (about 30 minutes on a quiet machine, the recheck of flagged cells included)
  npm run bench -- --only chromium@92,chromium@123   old Chromium builds (any chromium@<major> the harness knows)
  npm run bench -- --quick            fewer sizes, repetitions and bytes, for development
  npm run bench -- --only chromium,node --repetitions 7
  npm run bench -- --candidate OTHER_DIST --contenders polyfill,candidate --kinds send --sizes 1048576
      measures another build of the polyfill (its dist/ folder) against this one, interleaved
  npm run bench -- --only webkit --candidate bench/baselines/bare-streams.js --contenders polyfill,candidate,raw
      or one classic script: a baseline (bench/baselines/) that says where a cell's loss lies
      (bare-streams.js, and bare-streams-ws.mjs in Node, run in every job as the \`streams\` contender,
      the measured ceiling; --contenders without it, e.g. polyfill,raw, leaves it out)
  npm run bench -- --only chromium@92,node --kinds send --sizes 16 --cpu-profile prof
      a CPU profile of each Chromium page (DevTools) and Node client (--cpu-prof) into prof/;
      node bench/cpu-profile.mjs prof/FILE.cpuprofile lists its self times. Not for Firefox or WebKit.
  npm run bench -- --only chromium --browser-arg=--enable-features=X   (extra browser arguments)
  npm run bench -- --only node --node-arg=--max-semi-space-size=64   (extra arguments of Node's)
  npm run bench -- --kinds streamFloor          only what the platform's streams cost per message
  npm run bench -- --environment-bound-minutes 20   a longer bound per environment on a busy machine
  npm run bench -- --docs | --no-docs  write the committed performance page from any run, or from none
  npm run bench -- --no-recheck        no second look at flagged cells (else each is measured again after the run, ${RECHECK_REPETITIONS} repetitions)
`;

/** The command line's options; an unknown or malformed one ends the bench with one line (exit 2). */
function parseCommandLine() {
  try {
    return parseArgs({
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
        'node-arg': { type: 'string', multiple: true, default: [] },
        'cpu-profile': { type: 'string' },
        'environment-bound-minutes': { type: 'string' },
        docs: { type: 'boolean', default: false },
        'no-docs': { type: 'boolean', default: false },
        'no-recheck': { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }).values;
  } catch (error) {
    console.error(`[bench] ${error instanceof Error ? error.message : String(error)}; npm run bench -- --help lists the options`);
    process.exit(2);
  }
}

const options = parseCommandLine();
if (options.help) {
  process.stdout.write(USAGE);
  process.exit(0);
}

const list = (/** @type {string|undefined} */ text) => (text ? text.split(',').map((item) => item.trim()) : null);
const settings = planSettings({
  quick: options.quick,
  repetitions: options.repetitions ? Number(options.repetitions) : undefined,
  contenders: list(options.contenders),
  // As named on the command line: a name the plan does not know selects nothing.
  kinds: /** @type {import('./types.mjs').Kind[]|null} */ (list(options.kinds)),
  sizes: list(options.sizes)?.map(Number) ?? null,
  types: /** @type {import('./types.mjs').MessageType[]|null} */ (list(options.types)),
});
const candidateDirectory = options.candidate ? path.resolve(options.candidate) : null;
const profileDirectory = options['cpu-profile'] ? path.resolve(options['cpu-profile']) : null;
const selected = options.only ? options.only.split(',').map((name) => name.trim()) : [...ENVIRONMENTS, ...OLD_CHROMIUM_ENVIRONMENTS];
try {
  for (const name of selected) {
    if (isOldChromium(name)) oldChromiumRow(name);
    else if (!ENVIRONMENTS.includes(name)) throw new UsageError(`--only: unknown environment "${name}" (known: ${ENVIRONMENTS.join(', ')}, chromium@<major>)`);
    if (options['cpu-profile'] && (name === 'firefox' || name === 'webkit')) {
      throw new UsageError(`--cpu-profile: ${name} has no profiler the bench can reach; name Chromium builds and node with --only`);
    }
  }
} catch (error) {
  if (!(error instanceof UsageError)) throw error;
  console.error(`[bench] ${error.message}`);
  process.exit(2);
}
// The longest one environment may take before it is stopped and its partial results kept; a machine
// busy with other work may need more (--environment-bound-minutes).
const ENVIRONMENT_BOUND_MS = Number(options['environment-bound-minutes'] ?? (options.quick ? 4 : 8)) * 60_000;

/** @param {string} line */
function log(line) {
  console.log(`[bench] ${line}`);
}

// Interrupted (Ctrl-C, a CI timeout): no browser, Xvfb or profile may outlive the bench.
for (const signal of /** @type {const} */ (['SIGINT', 'SIGTERM', 'SIGHUP'])) {
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
  /** @type {ReturnType<typeof setInterval>|undefined} */
  #timer = undefined;
  /** @type {ReturnType<typeof processTreeMemory>} */
  #baseline = null;
  /** @type {number|null} */
  #peak = null;
  /** @type {ReturnType<BenchServer['firehoseProgress']>|null} */
  #serverAtStart = null;

  /**
   * @param {number} pid
   * @param {BenchServer} server
   * @param {string} tag
   */
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

  /** @returns {import('./types.mjs').PausedReaderMemory} */
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
  /** @type {Hello|null} */
  hello = null;
  jobsDone = 0;
  /** @type {number|null} */
  clientPid = null;
  /** @type {Plan|null} */
  #plan = null;
  /** @type {Map<number, PausedReaderWatch>} */
  #memoryWatches = new Map();
  // CPU time the client's process tree spends between taking a job and handing in its result.
  /** @type {number|null} */
  #cpuAtHandOut = null;
  #handedOutAt = 0;
  /** @type {(outcome: 'done'|'fatal') => void} */
  #resolveFinished = () => {};

  /**
   * @param {BenchServer} server
   * @param {string} describe
   * @param {MakePlan} makePlan
   */
  constructor(server, describe, makePlan) {
    this.server = server;
    this.describe = describe;
    this.makePlan = makePlan;
    /** @type {Promise<'done'|'fatal'>} */
    this.finished = new Promise((resolve) => {
      this.#resolveFinished = resolve;
    });
  }

  /**
   * The answer to POST /api/next: the client's previous result (or its hello) in, the next job out.
   * @param {ClientMessage|null} message  as the client posted it
   * @returns {Promise<NextJob>}
   */
  async next(message) {
    if (message?.fatal) {
      this.record.errors.push({ fatal: message.fatal });
      return this.#finish('fatal');
    }
    const step = this.#plan === null ? this.#start(/** @type {{ hello: Hello }} */ (message).hello) : this.#advance(/** @type {import('./types.mjs').JobOutcome|null} */ (message));
    if (step.done) return this.#finish('done');
    this.#cpuAtHandOut = this.clientPid === null ? null : processTreeCpuNanoseconds(this.clientPid);
    this.#handedOutAt = Date.now();
    return step.value;
  }

  /** @param {Hello} hello */
  #start(hello) {
    this.hello = hello;
    const polyfill = hello.polyfillScript ? `; polyfill ${hello.polyfillScript}` : '';
    log(`${this.describe}: ${hello.userAgent} — contenders ${hello.contenders.join(', ')}${polyfill}; timer step ${hello.timerResolutionMs.toFixed(4)} ms`);
    this.#plan = this.makePlan(hello, this.record);
    return this.#plan.next();
  }

  /** @param {import('./types.mjs').JobOutcome|null} message */
  #advance(message) {
    this.jobsDone++;
    const cpuNanoseconds = this.clientPid === null ? null : processTreeCpuNanoseconds(this.clientPid);
    // Threads that end during a job take their CPU time with them; a negative sum is no measure.
    if (message?.result && this.#cpuAtHandOut !== null && cpuNanoseconds !== null && cpuNanoseconds >= this.#cpuAtHandOut) {
      message.result.cpuMs = (cpuNanoseconds - this.#cpuAtHandOut) / 1e6;
    }
    if (message?.result) message.result.jobMs = Date.now() - this.#handedOutAt;
    return /** @type {Plan} */ (this.#plan).next(message);
  }

  /**
   * @param {'done'|'fatal'} outcome
   * @returns {{ done: true }}
   */
  #finish(outcome) {
    this.#resolveFinished(outcome);
    return { done: true };
  }

  /**
   * The answer to POST /api/mark: a paused-reader job's baseline, the start and the end of its pause.
   * @param {MarkMessage} message
   */
  async mark({ phase, jobId, tag }) {
    if (!this.#memoryWatches.has(jobId)) this.#memoryWatches.set(jobId, new PausedReaderWatch(/** @type {number} */ (this.clientPid), this.server, /** @type {string} */ (tag)));
    const watch = /** @type {PausedReaderWatch} */ (this.#memoryWatches.get(jobId));
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

/**
 * Starts the client of `environment` on session `sessionId`. → { pid, exited, stop() }.
 * @param {Environment} environment
 * @param {BenchServer} server
 * @param {string} sessionId
 * @returns {Promise<Client>}
 */
async function startClient({ name, found, build }, server, sessionId) {
  if (found !== null) {
    const url = `${server.origin}/bench/page.html?session=${sessionId}${build ? `&build=${build.bundle}` : ''}${candidateDirectory ? '&candidate' : ''}`;
    // Port 0: the browser picks a free one and names it in its profile folder (cpu-profile.mjs).
    const profiling = profileDirectory ? ['--remote-debugging-port=0'] : [];
    return launchEngine(name, found, url, { extraArgs: [...profiling, ...options['browser-arg']] });
  }
  const candidate = candidateDirectory ? ['--candidate', candidateDirectory] : [];
  const profiling = profileDirectory ? ['--cpu-prof', `--cpu-prof-dir=${profileDirectory}`] : [];
  // NODE_PATH lets a candidate build outside this tree find the `ws` package.
  const env = { ...process.env, NODE_PATH: path.join(repositoryRoot, 'node_modules') };
  const child = spawnHelper(process.execPath, [...profiling, ...options['node-arg'], path.join(benchDirectory, 'node-client.mjs'), server.origin, sessionId, ...candidate], { stdio: ['ignore', 'inherit', 'inherit'], env });
  return { pid: child.pid, exited: whenExited(child), stop: () => stopHelper(child) };
}

/**
 * Settles like `promise`, or with `onBound` after `ms`, whichever comes first; the timer never outlives it.
 * @template T, B
 * @param {Promise<T>} promise
 * @param {number} ms
 * @param {B} onBound
 * @returns {Promise<T|B>}
 */
async function withinOr(promise, ms, onBound) {
  /** @type {ReturnType<typeof setTimeout>|undefined} */
  let timer;
  /** @type {Promise<B>} */
  const bound = new Promise((resolve) => {
    timer = setTimeout(() => resolve(onBound), ms);
  });
  try {
    return await Promise.race([promise, bound]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * How a session ended: 'done' or 'fatal' (from the jobs), 'exited' (the client went away) or 'bound'.
 * @param {SessionJobs} jobs
 * @param {Client} client
 */
async function sessionOutcome(jobs, client) {
  const outcome = await withinOr(Promise.race([jobs.finished, client.exited.then(() => /** @type {const} */ ('exited'))]), ENVIRONMENT_BOUND_MS, /** @type {const} */ ('bound'));
  // A client that exits right after handing in its last result: give that result a moment to land.
  if (outcome === 'exited') await withinOr(jobs.finished, EXITED_CLIENT_GRACE_MS, null);
  return outcome;
}

/**
 * Writes the profile of a page, or says in one line why there is none; the run goes on either way.
 * @param {Promise<import('./cpu-profile.mjs').RunningProfile>} starting
 * @param {string} file
 */
async function writePageProfile(starting, file) {
  try {
    const profile = await (await starting).stop();
    await writeFile(file, JSON.stringify(profile));
    log(`CPU profile: ${path.relative(process.cwd(), file)}`);
  } catch (error) {
    log(`CPU profile not written: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/**
 * Starts a fresh client process of `environment` (a browser, or the Node client) on a new
 * session whose jobs come from `makePlan(hello, record)`, and runs it to the end or to the bound.
 * @param {Environment} environment
 * @param {BenchServer} server
 * @param {string} what
 * @param {MakePlan} makePlan
 */
async function runSession(environment, server, what, makePlan) {
  const { name } = environment;
  const started = Date.now();
  const jobs = new SessionJobs(server, `${name} ${what}`, makePlan);
  // The bodies the clients post, as JSON: their shapes are the clients' (page.mjs, node-client.mjs).
  const sessionId = server.openSession({
    next: (message) => jobs.next(/** @type {ClientMessage|null} */ (message)),
    mark: (message) => jobs.mark(/** @type {MarkMessage} */ (message)),
  });
  const client = await startClient(environment, server, sessionId);
  jobs.clientPid = client.pid ?? null;
  const profile = profileDirectory && client.userDataDirectory ? startPageProfile(client.userDataDirectory) : null;
  // Its failure is reported once the session ends (writePageProfile), not as an unhandled rejection.
  profile?.catch(() => {});
  const outcome = await sessionOutcome(jobs, client);
  jobs.stopWatching();
  if (profile) await writePageProfile(profile, path.join(/** @type {string} */ (profileDirectory), `${name}-${what.replace(/\W+/g, '-')}.cpuprofile`));
  await client.stop();
  server.closeSession(sessionId);
  const seconds = (Date.now() - started) / 1000;
  const complete = outcome === 'done';
  const { record } = jobs;
  log(`${name} ${what}: ${complete ? 'finished' : `STOPPED (${outcome})`} after ${jobs.jobsDone} jobs in ${seconds.toFixed(0)} s, ${record.errors.length} errors`);
  for (const error of record.errors.slice(0, 5)) log(`  error: ${JSON.stringify(error).slice(0, 400)}`);
  return { hello: jobs.hello, complete, outcome, seconds, record };
}

/**
 * The throughput and latency session, then one fresh process per paused-reader contender.
 * @param {Environment} environment
 * @param {BenchServer} server
 * @returns {Promise<EnvironmentRecord>}
 */
async function runEnvironment(environment, server) {
  const { name, build, settings } = environment;
  const main = await runSession(environment, server, 'throughput and latency', (hello, record) => benchmarkPlan(hello, settings, record));
  const sessions = [main];
  for (const contender of main.hello ? pausedReaderContenders(main.hello, settings) : []) {
    sessions.push(await runSession(environment, server, `paused reader (${contender})`, (hello, record) => pausedReaderPlan(hello, settings, record, contender)));
  }
  const merged = emptyRecord();
  for (const session of sessions) {
    // The same key of both records: lists of the same shape.
    for (const [key, list] of Object.entries(session.record)) /** @type {unknown[]} */ (merged[/** @type {keyof BenchRecord} */ (key)]).push(...list);
  }
  return {
    name,
    hello: main.hello,
    complete: sessions.every((session) => session.complete),
    outcome: sessions.map((session) => session.outcome).join(', '),
    seconds: sessions.reduce((total, session) => total + session.seconds, 0),
    build,
    ...merged,
  };
}

/**
 * Environment `name` ready to run, or null where there is nothing to run (said in one line): a
 * browser not found on this machine, an old Chromium that cannot be had.
 * @param {string} name
 * @param {Engines} engines
 * @returns {Promise<Environment|null>}
 */
async function prepareEnvironment(name, engines) {
  if (name === 'node') return { name, found: null, build: null, settings };
  if (!isOldChromium(name)) {
    const found = engines[/** @type {keyof Engines} */ (name)];
    if (!found) log(`${name}: not found on this machine, skipped`);
    return found ? { name, found, build: null, settings } : null;
  }
  try {
    const { command, build } = await prepareOldChromium(name, { log });
    log(`${name}: Chromium ${build.version} (${build.obtainedFrom}) runs the ${build.bundle} build${build.note ? ` — ${build.note}` : ''}`);
    // Fewer sizes where the run names none (OLD_CHROMIUM_SIZES says why).
    const sizes = options.sizes ? settings.sizes : settings.sizes.filter((size) => OLD_CHROMIUM_SIZES.includes(size));
    return { name, found: { command }, build, settings: { ...settings, sizes } };
  } catch (error) {
    log(`${name}: skipped — ${error instanceof Error ? error.message.split('\n')[0] : error}`);
    // Asked for by name, it is a setup problem; in a full run, one environment fewer.
    if (options.only) setupFailed = true;
    return null;
  }
}

/** An environment asked for by name (--only) could not be had: the run exits with 2. */
let setupFailed = false;

/**
 * Measures every flagged cell of the run again, environment by environment, in a session of its
 * own with RECHECK_REPETITIONS and nothing else; each recheck keeps its environment's stream floor
 * from the run, so its cells get the same ceilings. → the rechecks for summarize(), or null.
 * @param {EnvironmentRecord[]} environments
 * @param {Engines} engines
 * @param {BenchServer} server
 */
async function recheckFlagged(environments, engines, server) {
  if (options['no-recheck']) return null;
  const byEnvironment = flaggedCellsByEnvironment(flaggedCells(environments.map(summarizeEnvironment)));
  if (byEnvironment.size === 0) return null;
  /** @type {EnvironmentRecord[]} */
  const rechecked = [];
  for (const [name, cells] of byEnvironment) {
    const environment = await prepareEnvironment(name, engines);
    const ran = environments.find((record) => record.name === name);
    if (environment === null || ran === undefined) continue;
    const recheckSettings = {
      ...environment.settings,
      kinds: [...new Set(cells.map((cell) => cell.kind))],
      sizes: [...new Set(cells.map((cell) => cell.size))],
      types: [...new Set(cells.map((cell) => cell.type))],
      cells,
      repetitions: RECHECK_REPETITIONS,
    };
    const session = await runSession(environment, server, `recheck of ${cells.length} flagged cells`, (hello, record) => benchmarkPlan(hello, recheckSettings, record));
    const { hello, complete, outcome, seconds, record } = session;
    rechecked.push({ name, hello, complete, outcome, seconds, build: environment.build, ...record, streamFloors: ran.streamFloors });
  }
  return { repetitions: RECHECK_REPETITIONS, environments: rechecked };
}

async function main() {
  const started = Date.now();
  ensureBuild();
  const engines = await findEngines();
  const server = await startBenchServer({ log: options.log, candidateDirectory });
  if (profileDirectory) await mkdir(profileDirectory, { recursive: true });
  /** @type {EnvironmentRecord[]} */
  const environments = [];
  /** @type {Awaited<ReturnType<typeof recheckFlagged>>} */
  let rechecks;
  try {
    for (const name of selected) {
      const environment = await prepareEnvironment(name, engines);
      if (environment !== null) environments.push(await runEnvironment(environment, server));
    }
    rechecks = await recheckFlagged(environments, engines, server);
  } finally {
    await server.close();
  }

  const summary = await writeReports(environments, (Date.now() - started) / 1000, rechecks);
  console.log(`\n${toText(summary)}`);
  log(`reports in ${path.relative(process.cwd(), options.out) || '.'}/bench.{json,txt,md,svg}; ${summary.seconds.toFixed(0)} s in all`);
  const incomplete = environments.filter((environment) => !environment.complete).map((environment) => environment.name);
  if (incomplete.length > 0) {
    log(`incomplete: ${incomplete.join(', ')}`);
    process.exitCode = 1;
  }
  if (setupFailed) process.exitCode = 2;
  if (options.docs || (!options['no-docs'] && isFullRun(environments))) {
    await writeDocs(summary);
    log(`performance page in ${path.relative(process.cwd(), DOCS_DIRECTORY)}/performance.{md,svg,json}`);
  }
}

/**
 * Writes the raw outcomes, then the summary as JSON, and every report rendered from that JSON (as
 * the page generator run on its own would read it). → the summary, as read back.
 * @param {EnvironmentRecord[]} environments
 * @param {number} seconds
 * @param {Awaited<ReturnType<typeof recheckFlagged>>} rechecks  the flagged cells measured again, or null
 */
async function writeReports(environments, seconds, rechecks) {
  // The raw outcomes go to disk before anything is computed from them: a run takes minutes.
  await mkdir(options.out, { recursive: true });
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  await writeFile(path.join(options.out, `bench-raw-${stamp}.json`), JSON.stringify({ settings, environments, rechecks }));
  const json = `${JSON.stringify(summarize({ environments, settings, sizes: bundleSizes(), seconds, rechecks }), null, 2)}\n`;
  await writeFile(path.join(options.out, 'bench.json'), json);
  await writeFile(path.join(options.out, `bench-${stamp}.json`), json);
  /** @type {BenchSummary} */
  const summary = JSON.parse(json);
  await writeFile(path.join(options.out, 'bench.txt'), toText(summary));
  writePerformancePage(summary, path.join(options.out, 'bench.md'));
  return summary;
}

/**
 * A run the committed page may show: the full plan, every current environment (an old Chromium that
 * could not be had is left out, and the page says what was measured), nothing narrowed, all complete.
 * @param {EnvironmentRecord[]} environments
 */
function isFullRun(environments) {
  const narrowed = options.quick || options.repetitions || options.candidate || options.contenders || options.kinds || options.sizes || options.types || options['browser-arg'].length > 0 || options['node-arg'].length > 0;
  const current = ENVIRONMENTS.every((name) => environments.some((environment) => environment.name === name));
  return !narrowed && current && environments.every((environment) => environment.complete);
}

/**
 * docs/performance.json (the summary, kept so the page can be checked against it) and the page with its chart.
 * @param {BenchSummary} summary
 */
async function writeDocs(summary) {
  await mkdir(DOCS_DIRECTORY, { recursive: true });
  await writeFile(path.join(DOCS_DIRECTORY, 'performance.json'), `${JSON.stringify(summary, null, 2)}\n`);
  writePerformancePage(summary, path.join(DOCS_DIRECTORY, 'performance.md'));
}

await main();
