// Turns the raw outcomes of a bench run into medians, paired ratios, verdicts, stream ceilings and
// flags: the summary that is written as JSON, and that every report (text, SVG, the performance
// page) is rendered from.
import { readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { compressedSizes, sizeBudgets } from '../scripts/compressed-sizes.mjs';
import { CEILING_BASIS, CEILING_FACTOR, ECHO_CEILING_BASIS, ECHO_LIMIT, STREAMS_CEILING_BASIS, echoCheck, echoP50, flaggedCells, ratioValue, rowCeiling, withRechecks } from './ceilings.mjs';
import { RAW_SEND_HIGH_WATER_MARK, STREAM_FLOOR_CHUNK_BYTES, latencySummary } from './workloads.mjs';

/** @typedef {import('./types.mjs').BenchSummary} BenchSummary */
/** @typedef {import('./types.mjs').ContenderFigures} ContenderFigures */
/** @typedef {import('./types.mjs').EnvironmentRecord} EnvironmentRecord */
/** @typedef {import('./types.mjs').EnvironmentSummary} EnvironmentSummary */
/** @typedef {import('./types.mjs').PausedReaderResult} PausedReaderResult */
/** @typedef {import('./types.mjs').PausedReaderRow} PausedReaderRow */
/** @typedef {import('./types.mjs').PausedReaderRun} PausedReaderRun */
/** @typedef {import('./types.mjs').Ratio} Ratio */
/** @typedef {import('./types.mjs').Run} Run */
/** @typedef {import('./types.mjs').Spread} Spread */
/** @typedef {import('./types.mjs').StreamFloorFigures} StreamFloorFigures */
/** @typedef {import('./types.mjs').SummaryRow} SummaryRow */
/** @typedef {import('./types.mjs').Target} Target */
/** @typedef {Extract<Run, { kind: 'echo' }>} EchoRun */
/** @typedef {Exclude<Run, { kind: 'echo' }>} ThroughputRun */
/** A configuration (workload × size × type) and its runs. @typedef {{ kind: Run['kind'], size: number, type: Run['type'], runs: Run[] }} Configuration */

const repositoryRoot = path.dirname(path.dirname(fileURLToPath(import.meta.url)));

/**
 * The targets, each a ratio of the polyfill to a reference: for throughput the median of paired
 * runs' ratios, for echo the ratio of pooled p50s (ratioValue()). @type {Target[]}
 */
export const TARGETS = [
  { kind: 'receive', reference: 'raw', atLeast: 0.95 },
  { kind: 'receive', reference: 'native', atLeast: 1.0 },
  { kind: 'send', reference: 'raw', atLeast: 0.9 },
  { kind: 'echo', reference: 'raw', atMost: ECHO_LIMIT },
];

/** @param {number[]} values */
function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/**
 * @param {number[]} values
 * @returns {Spread|null}
 */
function spread(values) {
  if (values.length === 0) return null;
  return { median: median(values), min: Math.min(...values), max: Math.max(...values), n: values.length };
}

/**
 * The number a run is judged by: messages per second for throughput, p50 in ms for echo.
 * @param {Run} run
 * @returns {number|null}
 */
function metricOf(run) {
  if (run.result === null) return null;
  if (run.kind === 'echo') return run.result.p50;
  return run.result.messages / (run.result.ms / 1000);
}

/**
 * CPU milliseconds the client spent per message of a run (per round trip for echo).
 * @param {Run} run
 * @returns {number|null}
 */
function cpuPerMessage(run) {
  if (run.result?.cpuMs === undefined) return null;
  const messages = run.kind === 'echo' ? run.roundTrips : /** @type {ThroughputRun & { result: object }} */ (run).result.messages;
  return run.result.cpuMs / messages;
}

/**
 * Ratios of `measure` for `subject` to `reference`, one per repetition in which both ran.
 * @param {Run[]} runs
 * @param {string} reference
 * @param {string} [subject]
 * @param {(run: Run) => number|null} [measure]
 */
function pairedRatios(runs, reference, subject = 'polyfill', measure = metricOf) {
  /** @type {number[]} */
  const ratios = [];
  for (const ours of runs.filter((run) => run.contender === subject)) {
    const theirs = runs.find((run) => run.contender === reference && run.repetition === ours.repetition);
    const a = measure(ours);
    const b = theirs && measure(theirs);
    if (a && b) ratios.push(a / b);
  }
  return spread(ratios);
}

/**
 * Every round trip of `contender`'s echo runs among `runs`, as one summary; null where it has no
 * run, or a run without its samples (records from before they were kept).
 * @param {Run[]} runs
 * @param {string} contender
 */
function pooledLatency(runs, contender) {
  const echoes = /** @type {(EchoRun & { result: object })[]} */ (runs.filter((run) => run.kind === 'echo' && run.contender === contender && run.result !== null));
  if (echoes.length === 0 || echoes.some((run) => !run.result.samples)) return null;
  return latencySummary(echoes.flatMap((run) => /** @type {number[]} */ (run.result.samples)));
}

/**
 * `subject` ÷ `reference` in one configuration: the paired runs' ratios, and for echo the ratio of
 * the two contenders' pooled p50s, the one the echo target names (the p50 of all round trips).
 * @param {Run['kind']} kind
 * @param {Run[]} runs
 * @param {string} reference
 * @param {string} [subject]
 * @returns {Ratio|null}
 */
function ratioOf(kind, runs, reference, subject = 'polyfill') {
  const paired = pairedRatios(runs, reference, subject);
  if (kind !== 'echo' || paired === null) return paired;
  const [ours, theirs] = [pooledLatency(runs, subject), pooledLatency(runs, reference)];
  return ours && theirs ? { pooled: ours.p50 / theirs.p50, ...paired } : paired;
}

/**
 * @param {Target} target  with atLeast or atMost
 * @param {Ratio|null} ratio
 */
function verdict(target, ratio) {
  if (ratio === null) return null;
  const value = ratioValue(ratio);
  return target.atLeast !== undefined ? value >= target.atLeast : value <= /** @type {number} */ (target.atMost);
}

/**
 * Medians and spreads of one contender's runs of a configuration.
 * @param {Run['kind']} kind
 * @param {Run[]} mine  runs of that kind that have a result
 * @returns {ContenderFigures}
 */
function contenderFigures(kind, mine) {
  if (kind === 'echo') {
    const echoes = /** @type {(EchoRun & { result: object })[]} */ (mine);
    const figures = { p50Ms: spread(echoes.map((run) => run.result.p50)), p99Ms: spread(echoes.map((run) => run.result.p99)), roundTrips: echoes[0].roundTrips };
    const pooled = pooledLatency(echoes, echoes[0].contender);
    return pooled ? { ...figures, pooledP50Ms: pooled.p50, pooledP99Ms: pooled.p99, pooledRoundTrips: pooled.count } : figures;
  }
  const throughputs = /** @type {(ThroughputRun & { result: object })[]} */ (mine);
  return {
    messagesPerSecond: spread(/** @type {number[]} */ (mine.map(metricOf))),
    megabytesPerSecond: spread(throughputs.map((run) => run.result.bytes / run.result.ms / 1000)),
    messagesPerRun: throughputs[0].count,
  };
}

/**
 * @param {Run['kind']} kind
 * @param {Run[]} runs
 * @param {string[]} contenders
 */
function figuresByContender(kind, runs, contenders) {
  /** @type {Record<string, ContenderFigures>} */
  const byContender = {};
  for (const contender of contenders) {
    const mine = runs.filter((run) => run.contender === contender && run.result !== null);
    if (mine.length === 0) continue;
    byContender[contender] = contenderFigures(kind, mine);
    const costs = mine.map(cpuPerMessage).filter((cost) => cost !== null);
    if (costs.length > 0) byContender[contender].cpuMicrosecondsPerMessage = spread(costs.map((cost) => cost * 1000));
  }
  return byContender;
}

/**
 * One configuration (workload × size × type) of an environment: each contender's figures, the
 * polyfill's paired ratios to the references (and their CPU ratios), the targets, raw's own ratio
 * to the native reference (what the polyfill, built on raw, can reach against native), and for
 * receive and send, the streams alone beside raw and the polyfill (its other ceiling).
 * @param {Configuration} configuration
 * @param {string[]} contenders
 * @param {string|null} nativeReference
 * @returns {SummaryRow}
 */
function summarizeRow({ kind, size, type, runs }, contenders, nativeReference) {
  /** @type {Record<string, Ratio|null>} */
  const ratios = {};
  if (contenders.includes('raw')) ratios.raw = ratioOf(kind, runs, 'raw');
  if (nativeReference) ratios[nativeReference] = ratioOf(kind, runs, nativeReference);
  const targets = TARGETS.filter((target) => target.kind === kind && ratios[target.reference] !== undefined).map((target) => ({
    ...target,
    met: verdict(target, ratios[target.reference]),
  }));
  /** @type {Record<string, Spread|null>} */
  const cpuRatios = {};
  for (const reference of Object.keys(ratios)) cpuRatios[reference] = pairedRatios(runs, reference, 'polyfill', cpuPerMessage);
  /** @type {SummaryRow} */
  const row = { kind, size, type, contenders: figuresByContender(kind, runs, contenders), ratios, cpuRatios, targets };
  if (nativeReference && contenders.includes('raw')) row.rawVsNative = ratioOf(kind, runs, nativeReference, 'raw');
  if (kind !== 'echo' && contenders.includes('streams')) {
    const [vsRaw, polyfillVsStreams] = [pairedRatios(runs, 'raw', 'streams'), pairedRatios(runs, 'streams')];
    if (vsRaw && polyfillVsStreams) row.streamsAlone = { vsRaw, polyfillVsStreams };
  }
  if (contenders.includes('candidate')) {
    row.candidateVsPolyfill = { ...ratioOf(kind, runs, 'polyfill', 'candidate'), cpu: pairedRatios(runs, 'polyfill', 'candidate', cpuPerMessage) };
  }
  return row;
}

/**
 * @param {Run[]} runs
 * @returns {Configuration[]}
 */
function configurationsOf(runs) {
  /** @type {Map<string, Configuration>} */
  const configs = new Map();
  for (const run of runs) {
    const key = `${run.kind} ${run.size} ${run.type}`;
    if (!configs.has(key)) configs.set(key, { kind: run.kind, size: run.size, type: run.type, runs: [] });
    configs.get(key)?.runs.push(run);
  }
  return [...configs.values()];
}

/**
 * @param {EnvironmentRecord} environment
 * @returns {EnvironmentSummary}
 */
export function summarizeEnvironment(environment) {
  const ran = (/** @type {string} */ name) => environment.runs.some((run) => run.contender === name) || environment.pausedReaders.some((run) => run.contender === name);
  const contenders = (environment.hello?.contenders ?? []).filter(ran);
  const nativeReference = contenders.includes('native') ? 'native' : contenders.includes('undici') ? 'undici' : null;
  const rows = configurationsOf(environment.runs).map((config) => summarizeRow(config, contenders, nativeReference));
  const streamFloor = streamFloorFigures(environment.streamFloors ?? [], rows);
  for (const row of rows) {
    row.ceiling = rowCeiling(row, streamFloor);
    row.echo = echoCheck(row);
  }
  return {
    name: environment.name,
    userAgent: environment.hello?.userAgent ?? null,
    secondsByKind: secondsByKind(environment.runs),
    timerResolutionMs: environment.hello?.timerResolutionMs ?? null,
    crossOriginIsolated: environment.hello?.crossOriginIsolated ?? null,
    contenders,
    nativeReference,
    complete: environment.complete,
    outcome: environment.outcome,
    seconds: environment.seconds,
    errors: environment.errors,
    pilots: environment.pilots,
    rows,
    pausedReaders: environment.pausedReaders.map(pausedReaderRow),
    streamFloor,
    build: environment.build ?? null,
  };
}

/**
 * An old engine's WebSocket is the limit in a cell where it moves less than this fraction of what
 * the current Chromium's moves (or takes longer than its inverse for a round trip): the polyfill,
 * built on that WebSocket, cannot do better there than the old engine lets it.
 */
export const OWN_WEBSOCKET_FACTOR = 0.9;

/**
 * An old engine's raw WebSocket beside `reference`'s (the current Chromium's) in every cell both
 * measured: medians of separate sessions, not paired runs, so a ratio near 1 is no difference.
 * @param {EnvironmentSummary} environment
 * @param {EnvironmentSummary|undefined} reference
 * @returns {import('./types.mjs').OwnWebSocket|null}
 */
function ownWebSocket(environment, reference) {
  if (!reference) return null;
  /** @type {(figures: ContenderFigures|undefined) => number|undefined} */
  const measure = (figures) => figures?.messagesPerSecond?.median ?? echoP50(figures);
  const cells = environment.rows.flatMap((row) => {
    const theirs = reference.rows.find((candidate) => candidate.kind === row.kind && candidate.size === row.size && candidate.type === row.type);
    const [mine, current] = [measure(row.contenders.raw), measure(theirs?.contenders.raw)];
    if (!mine || !current) return [];
    const ratio = mine / current;
    const polyfillVsRaw = row.ratios.raw ? ratioValue(row.ratios.raw) : null;
    const slower = row.kind === 'echo' ? ratio > 1 / OWN_WEBSOCKET_FACTOR : ratio < OWN_WEBSOCKET_FACTOR;
    // The polyfill runs on that WebSocket: where it clearly outran it, the WebSocket's median was a slow patch, not its limit.
    const outran = polyfillVsRaw !== null && (row.kind === 'echo' ? polyfillVsRaw < OWN_WEBSOCKET_FACTOR : polyfillVsRaw > 1 / OWN_WEBSOCKET_FACTOR);
    return [{ kind: row.kind, size: row.size, type: row.type, ratio, slower, limit: slower && !outran, polyfillVsRaw }];
  });
  const referenceVersion = /(?:HeadlessChrome|Chrome|Chromium)\/([\d.]+)/.exec(reference.userAgent ?? '')?.[1] ?? null;
  return { reference: reference.name, referenceVersion, cells };
}

/**
 * Where an environment's time went, by workload: what to trim when a run takes too long.
 * @param {Run[]} runs
 */
function secondsByKind(runs) {
  /** @type {Record<string, number>} */
  const seconds = {};
  for (const run of runs) {
    if (run.result?.jobMs !== undefined) seconds[run.kind] = (seconds[run.kind] ?? 0) + run.result.jobMs / 1000;
  }
  return seconds;
}

/**
 * The platform streams' own cost per message, beside the raw contender's whole cost per 16-byte
 * message in the same run: raw ÷ (raw + floor) is the best ratio any stream-based WebSocket can
 * reach over that socket, if it added nothing else. Receiving has two floors, for a reader that
 * is behind (messages queue) and one that is ahead (each message settles a waiting read). The
 * ceiling of every cell, at its own size, is rowCeiling()'s.
 * @param {import('./types.mjs').StreamFloorResult[]} floors
 * @param {SummaryRow[]} rows
 * @returns {StreamFloorFigures|null}
 */
function streamFloorFigures(floors, rows) {
  if (floors.length === 0) return null;
  // Not empty, so every spread is there.
  const readQueuedNs = /** @type {Spread} */ (spread(floors.map((floor) => floor.readQueuedNs)));
  const readWaitingNs = /** @type {Spread} */ (spread(floors.map((floor) => floor.readWaitingNs)));
  const writeNs = /** @type {Spread} */ (spread(floors.map((floor) => floor.writeNs)));
  const rawNsPerMessage = (/** @type {string} */ kind) => {
    const rate = rows.find((row) => row.kind === kind && row.size === 16 && row.type === 'binary')?.contenders.raw?.messagesPerSecond?.median;
    return rate ? 1e9 / rate : null;
  };
  const ceiling = (/** @type {number|null} */ rawNs, /** @type {number} */ floorNs) => (rawNs === null ? null : rawNs / (rawNs + floorNs));
  const receiveRawNs = rawNsPerMessage('receive');
  const sendRawNs = rawNsPerMessage('send');
  return {
    readQueuedNs,
    readWaitingNs,
    writeNs,
    receive: {
      rawNsPerMessage: receiveRawNs,
      ceilingQueued: ceiling(receiveRawNs, readQueuedNs.median),
      ceilingWaiting: ceiling(receiveRawNs, readWaitingNs.median),
    },
    send: { rawNsPerMessage: sendRawNs, ceiling: ceiling(sendRawNs, writeNs.median) },
  };
}

/**
 * @param {PausedReaderRun} run
 * @returns {PausedReaderRow}
 */
function pausedReaderRow({ contender, size, count, pauseMs, result }) {
  const row = { contender, messageSize: size, firehoseBytes: size * count, pauseMs };
  return result === null ? { ...row, failed: true } : { ...row, ...pausedReaderFigures(result) };
}

/** @param {PausedReaderResult} result */
function pausedReaderFigures(result) {
  const { serverBytes, anonymousBytes, userSpaceBufferedBytes, drainMs } = result;
  return {
    // The server knows where the pause started when it knows where it ended.
    serverBytesTakenDuringPause: serverBytes?.acceptedAtEnd != null ? serverBytes.acceptedAtEnd - /** @type {number} */ (serverBytes.acceptedAtStart) : null,
    serverBytesTakenByEndOfPause: serverBytes?.acceptedAtEnd ?? null,
    // From before the firehose started to the end of the pause, in the client's whole process tree.
    memoryGrowth: anonymousBytes ? anonymousBytes.atEnd - anonymousBytes.before : null,
    memoryPeakGrowth: anonymousBytes ? anonymousBytes.peak - anonymousBytes.before : null,
    userSpaceBufferedBytes: userSpaceBufferedBytes ?? null,
    drainMs,
  };
}

/**
 * min+gzip and brotli bytes of every JavaScript file in dist/, with its budget where it has one.
 * @returns {Record<string, import('./types.mjs').BundleSize>}
 */
export function bundleSizes() {
  /** @type {string[]} */
  const files = [];
  const walk = (/** @type {string} */ directory) => {
    for (const entry of readdirSync(path.join(repositoryRoot, directory), { withFileTypes: true })) {
      const relative = path.posix.join(directory, entry.name);
      if (entry.isDirectory()) walk(relative);
      else if (entry.name.endsWith('.js')) files.push(relative);
    }
  };
  walk('dist');
  return Object.fromEntries(files.sort().map((file) => [file, { ...compressedSizes(file), gzipBudget: sizeBudgets.files[file]?.gzip ?? null }]));
}

/** The constants of how the bench measures, for the reports to state rather than repeat. */
function method() {
  return {
    rawSendHighWaterMarkBytes: RAW_SEND_HIGH_WATER_MARK,
    streamFloorChunkBytes: STREAM_FLOOR_CHUNK_BYTES,
    ceilingFactor: CEILING_FACTOR,
    ceilingBasis: CEILING_BASIS,
    echoLimit: ECHO_LIMIT,
    ownWebSocketFactor: OWN_WEBSOCKET_FACTOR,
    echoPooled: true,
    echoCeilingBasis: ECHO_CEILING_BASIS,
    streamsCeilingBasis: STREAMS_CEILING_BASIS,
  };
}

/**
 * `rechecks`: the sessions that measured the run's flagged cells again (run.mjs), each with its
 * environment's stream floor from the run; none where there was no recheck.
 * @param {{ environments: EnvironmentRecord[], settings: import('./types.mjs').PlanSettings,
 *   sizes: Record<string, import('./types.mjs').BundleSize>, seconds: number,
 *   rechecks?: { repetitions: number, environments: EnvironmentRecord[] }|null }} run
 * @returns {BenchSummary}
 */
export function summarize({ environments, settings, sizes, seconds, rechecks = null }) {
  const summarized = environments.map(summarizeEnvironment);
  const currentChromium = summarized.find((environment) => environment.name === 'chromium');
  for (const environment of summarized) {
    if (environment.build) environment.ownWebSocket = ownWebSocket(environment, currentChromium);
  }
  return {
    generatedAt: new Date().toISOString(),
    seconds,
    machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model ?? null, loadAverageAtEnd: os.loadavg() },
    settings,
    method: method(),
    targets: TARGETS,
    environments: summarized,
    flags: rechecks
      ? withRechecks(flaggedCells(summarized), rechecks.environments.map(summarizeEnvironment), rechecks.repetitions)
      : flaggedCells(summarized),
    bundleSizes: sizes,
  };
}
