// Which jobs one environment runs, in which order. A generator: it hands out a job, receives its
// outcome, and decides the next, so run lengths can be calibrated on this machine as it is now.
//
// Every configuration (workload × size × type) is measured contender after contender in rotating
// order (A B C, B C A, C A B, …) over all repetitions, so a slow patch of a busy machine falls on
// every contender alike, and each repetition pairs runs made moments apart.

import { PLATFORM_STREAMS } from './workloads.mjs';

/** @typedef {import('./types.mjs').BenchRecord} BenchRecord */
/** @typedef {import('./types.mjs').Hello} Hello */
/** @typedef {import('./types.mjs').Job} Job */
/** @typedef {import('./types.mjs').JobOutcome} JobOutcome */
/** @typedef {import('./types.mjs').JobResult} JobResult */
/** @typedef {import('./types.mjs').PlanSettings} PlanSettings */
/** @typedef {import('./types.mjs').Run} Run */
/** @typedef {import('./types.mjs').ThroughputConfig} ThroughputConfig */
/** @typedef {import('./types.mjs').ThroughputResult} ThroughputResult */
/**
 * A plan: hands out jobs, takes back each one's outcome (undefined where the client sent none).
 * @typedef {Generator<Job, void, JobOutcome|null|undefined>} Plan
 */
/** @typedef {Omit<Job, 'id'|'timeBoundMs'>} JobFields */
/** @typedef {(fields: JobFields) => Generator<Job, JobResult|undefined, JobOutcome|null|undefined>} Attempt */

export const ALL_SIZES = [16, 1024, 64 * 1024, 1024 * 1024];
/** @type {import('./types.mjs').MessageType[]} */
export const ALL_TYPES = ['binary', 'text'];
const MIB = 1024 * 1024;

/**
 * Settings of a full run, or of a quick one (for development); the rest narrow a run down to what an
 * experiment needs.
 * @param {{ quick?: boolean, repetitions?: number, contenders?: string[]|null, kinds?: import('./types.mjs').Kind[]|null,
 *   sizes?: number[]|null, types?: import('./types.mjs').MessageType[]|null }} [options]
 * @returns {PlanSettings}
 */
export function planSettings({ quick = false, repetitions, contenders = null, kinds = null, sizes = null, types = null } = {}) {
  const common = { contenders, kinds: kinds ?? ['receive', 'send', 'echo', 'pausedReader', 'streamFloor'] };
  const settings = quick ? quickSettings(repetitions) : fullSettings(repetitions);
  return { ...common, ...settings, sizes: sizes ?? settings.sizes, types: types ?? settings.types };
}

/** @param {number|undefined} repetitions */
function quickSettings(repetitions) {
  return {
    quick: true,
    sizes: [16, 64 * 1024],
    types: /** @type {import('./types.mjs').MessageType[]} */ (['binary', 'text']),
    repetitions: repetitions ?? 3,
    targetRunMs: 60,
    echoRoundTrips: { 16: 500, 1024: 500, [64 * 1024]: 100, [MIB]: 30 },
    pausedReader: { size: 64 * 1024, totalBytes: 50 * MIB, pauseMs: 2000 },
  };
}

/** @param {number|undefined} repetitions */
function fullSettings(repetitions) {
  return {
    quick: false,
    sizes: ALL_SIZES,
    types: ALL_TYPES,
    repetitions: repetitions ?? 5,
    // Runs of about 400 ms: at 150 ms the paired ratios of one configuration ranged from 0.5 to 1.1
    // between repetitions on this two-core machine.
    targetRunMs: 400,
    // 2,000 sequential round trips where a round trip is mostly latency; large messages are
    // mostly transfer time, and fewer of them give as stable a median at a fraction of the time.
    echoRoundTrips: { 16: 2000, 1024: 2000, [64 * 1024]: 300, [MIB]: 40 },
    // The same build's echo ratios moved by ±0.15 between whole runs with one run per contender
    // and repetition (Chromium, 16 B): four shorter ones each give 20 pairs instead of 5.
    echoSlices: 4,
    pausedReader: { size: 64 * 1024, totalBytes: 200 * MIB, pauseMs: 5000 },
  };
}

/** Contenders in the order they are compared: ours first, then the references. */
const CONTENDER_ORDER = ['polyfill', 'candidate', 'raw', 'native', 'undici', 'streams'];
const STREAM_CONTENDERS = new Set(['polyfill', 'candidate', 'native', 'undici']);

const PILOT_BYTES = 4 * MIB;
const MAX_RUN_BYTES = 1024 * MIB;
const MAX_RUN_MESSAGES = 2_000_000;
const MIN_RUN_MESSAGES = 16;
const MIN_RUN_BYTES = 32 * MIB;

/** @param {number} size */
function pilotCount(size) {
  return Math.min(20_000, Math.max(MIN_RUN_MESSAGES, Math.ceil(PILOT_BYTES / size)));
}

/**
 * @template T
 * @param {T[]} list
 * @param {number} by
 */
function rotate(list, by) {
  return list.map((_, i) => list[(i + by) % list.length]);
}

/**
 * The contenders of an environment, in comparison order, narrowed by the settings.
 * @param {Hello} hello
 * @param {PlanSettings} settings
 */
function contendersOf(hello, settings) {
  return CONTENDER_ORDER.filter((name) => hello.contenders.includes(name) && (settings.contenders === null || settings.contenders.includes(name)));
}

/** The longest one job may take in the client before it counts as failed. */
const JOB_BOUND_MS = 120_000;

/**
 * The plan for one environment. `hello` is what the client reported about itself; `record`
 * collects every outcome: { pilots, runs, pausedReaders, streamFloors, errors }.
 * @param {Hello} hello
 * @param {PlanSettings} settings
 * @param {BenchRecord} record
 * @returns {Plan}
 */
export function* benchmarkPlan(hello, settings, record) {
  const contenders = contendersOf(hello, settings);
  const attempt = attempter(record);
  const wanted = (/** @type {import('./types.mjs').Cell} */ cell) =>
    !settings.cells || settings.cells.some(({ kind, size, type }) => kind === cell.kind && size === cell.size && type === cell.type);
  for (const kind of /** @type {const} */ (['receive', 'send']).filter((name) => settings.kinds.includes(name))) {
    for (const size of settings.sizes) {
      for (const type of settings.types) {
        if (wanted({ kind, size, type })) yield* throughputJobs(attempt, contenders, settings, record, { kind, size, type });
      }
    }
  }
  // A round trip is mostly waiting, and a slow moment of the machine moves it more than it moves a
  // throughput run: shorter echo runs, alternating, pair samples taken closer together.
  const slices = settings.echoSlices ?? 1;
  const echoSettings = { ...settings, repetitions: settings.repetitions * slices };
  for (const size of settings.kinds.includes('echo') ? settings.sizes : []) {
    for (const type of settings.types) {
      if (!wanted({ kind: 'echo', size, type })) continue;
      yield* repeatedJobs(attempt, contenders, echoSettings, record, { kind: 'echo', size, type, roundTrips: Math.ceil(settings.echoRoundTrips[size] / slices) });
    }
  }
  if (settings.kinds.includes('streamFloor')) yield* streamFloorJobs(attempt, settings, record);
}

/**
 * → attempt(fields): hands out one job and returns its result, recording its error if it failed.
 * @param {BenchRecord} record
 * @returns {Attempt}
 */
function attempter(record) {
  let nextId = 1;
  return function* attempt(fields) {
    const outcome = yield { id: nextId++, timeBoundMs: JOB_BOUND_MS, ...fields };
    if (outcome?.error) record.errors.push({ ...fields, error: outcome.error });
    return outcome?.result;
  };
}

/**
 * One throughput configuration: one warm-up run per contender (JIT, connection paths), the
 * fastest of which sets how many messages make a run of about targetRunMs on this machine as
 * loaded as it is now; then the measured runs.
 * @param {Attempt} attempt
 * @param {string[]} contenders
 * @param {PlanSettings} settings
 * @param {BenchRecord} record
 * @param {ThroughputConfig} config
 */
function* throughputJobs(attempt, contenders, settings, record, config) {
  /** @type {ThroughputResult[]} */
  const warmUps = [];
  for (const contender of contenders) {
    const result = yield* attempt({ ...config, contender, count: pilotCount(config.size) });
    if (result) warmUps.push(/** @type {ThroughputResult} */ (result));
  }
  const count = runCount(warmUps, config.size, settings.targetRunMs);
  record.pilots.push({ ...config, pilotCount: pilotCount(config.size), warmUpMs: warmUps.map((result) => result.ms), count });
  yield* repeatedJobs(attempt, contenders, settings, record, { ...config, count });
}

/**
 * Every contender once per repetition, in rotating order; every run recorded, failed or not.
 * @param {Attempt} attempt
 * @param {string[]} contenders
 * @param {PlanSettings} settings
 * @param {BenchRecord} record
 * @param {(ThroughputConfig & { count: number })|{ kind: 'echo', size: number, type: import('./types.mjs').MessageType, roundTrips: number }} fields
 */
function* repeatedJobs(attempt, contenders, settings, record, fields) {
  for (let repetition = 0; repetition < settings.repetitions; repetition++) {
    for (const contender of rotate(contenders, repetition)) {
      const result = yield* attempt({ ...fields, contender });
      // The result of a job of this kind: the workload of the kind returned it.
      record.runs.push(/** @type {Run} */ ({ ...fields, contender, repetition, result: result ?? null }));
    }
  }
}

/**
 * @param {Attempt} attempt
 * @param {PlanSettings} settings
 * @param {BenchRecord} record
 */
function* streamFloorJobs(attempt, settings, record) {
  for (let repetition = 0; repetition < settings.repetitions; repetition++) {
    const result = yield* attempt({ kind: 'streamFloor', contender: PLATFORM_STREAMS, messages: STREAM_FLOOR_MESSAGES });
    if (result) record.streamFloors.push({ repetition, .../** @type {import('./types.mjs').StreamFloorResult} */ (result) });
  }
}

/** Chunks per stream-floor measurement: a few hundred milliseconds in the slowest engine. */
const STREAM_FLOOR_MESSAGES = 50_000;

/**
 * Stream contenders, which can have a reader that stops reading.
 * @param {Hello} hello
 * @param {PlanSettings} settings
 */
export function pausedReaderContenders(hello, settings) {
  if (!settings.kinds.includes('pausedReader')) return [];
  return contendersOf(hello, settings).filter((name) => STREAM_CONTENDERS.has(name));
}

/**
 * The paused-reader plan: one job, run in a process of its own, so memory freed by earlier jobs
 * and kept by the allocator cannot hide the growth.
 * @param {Hello} hello
 * @param {PlanSettings} settings
 * @param {BenchRecord} record
 * @param {string} contender
 * @returns {Plan}
 */
export function* pausedReaderPlan(hello, settings, record, contender) {
  if (!hello.contenders.includes(contender)) return;
  const { size, totalBytes, pauseMs } = settings.pausedReader;
  /** @type {{ kind: 'pausedReader', contender: string, size: number, type: 'binary', count: number, pauseMs: number }} */
  const fields = { kind: 'pausedReader', contender, size, type: 'binary', count: Math.ceil(totalBytes / size), pauseMs };
  const outcome = yield { id: 1, ...fields, tag: `paused-${contender}-${Date.now()}`, timeBoundMs: pauseMs + 120_000 };
  if (outcome?.error) record.errors.push({ ...fields, error: outcome.error });
  record.pausedReaders.push({ ...fields, result: /** @type {import('./types.mjs').PausedReaderResult|undefined} */ (outcome?.result) ?? null });
}

/**
 * Fewer messages than this make a run too short to measure on a busy machine, whatever the pilot said.
 * @param {number} size
 */
function minimumRunCount(size) {
  return Math.max(MIN_RUN_MESSAGES, Math.min(5000, Math.ceil(MIN_RUN_BYTES / size)));
}

/**
 * @param {ThroughputResult[]} warmUps
 * @param {number} size
 * @param {number} targetRunMs
 */
function runCount(warmUps, size, targetRunMs) {
  const messagesPerMs = Math.max(0, ...warmUps.map((result) => result.messages / Math.max(result.ms, 0.1)));
  const count = Math.round(messagesPerMs * targetRunMs);
  return Math.max(minimumRunCount(size), Math.min(count, MAX_RUN_MESSAGES, Math.floor(MAX_RUN_BYTES / size)));
}

/** @returns {BenchRecord} */
export function emptyRecord() {
  return { pilots: [], runs: [], pausedReaders: [], streamFloors: [], errors: [] };
}
