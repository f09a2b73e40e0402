// Turns the raw outcomes of a bench run into medians, paired ratios, verdicts, stream ceilings and
// flags: the summary that is written as JSON, and that every report (text, SVG, the performance
// page) is rendered from.
import { readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { compressedSizes, sizeBudgets } from '../scripts/compressed-sizes.mjs';
import { CEILING_BASIS, CEILING_FACTOR, ECHO_LIMIT, echoCheck, flaggedCells, rowCeiling } from './ceilings.mjs';
import { RAW_SEND_HIGH_WATER_MARK, STREAM_FLOOR_CHUNK_BYTES } from './workloads.mjs';

const repositoryRoot = path.dirname(path.dirname(fileURLToPath(import.meta.url)));

/** The targets, each a ratio of the polyfill to a reference, on the median of paired runs. */
export const TARGETS = [
  { kind: 'receive', reference: 'raw', atLeast: 0.95 },
  { kind: 'receive', reference: 'native', atLeast: 1.0 },
  { kind: 'send', reference: 'raw', atLeast: 0.9 },
  { kind: 'echo', reference: 'raw', atMost: ECHO_LIMIT },
];

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

function spread(values) {
  if (values.length === 0) return null;
  return { median: median(values), min: Math.min(...values), max: Math.max(...values), n: values.length };
}

/** The number a run is judged by: messages per second for throughput, p50 in ms for echo. */
function metricOf(run) {
  if (run.result === null) return null;
  if (run.kind === 'echo') return run.result.p50;
  return run.result.messages / (run.result.ms / 1000);
}

/** CPU milliseconds the client spent per message of a run (per round trip for echo). */
function cpuPerMessage(run) {
  if (run.result?.cpuMs === undefined) return null;
  const messages = run.kind === 'echo' ? run.roundTrips : run.result.messages;
  return run.result.cpuMs / messages;
}

/** Ratios of `measure` for `subject` to `reference`, one per repetition in which both ran. */
function pairedRatios(runs, reference, subject = 'polyfill', measure = metricOf) {
  const ratios = [];
  for (const ours of runs.filter((run) => run.contender === subject)) {
    const theirs = runs.find((run) => run.contender === reference && run.repetition === ours.repetition);
    const a = measure(ours);
    const b = theirs && measure(theirs);
    if (a && b) ratios.push(a / b);
  }
  return spread(ratios);
}

function verdict(target, ratio) {
  if (ratio === null) return null;
  return target.atLeast !== undefined ? ratio.median >= target.atLeast : ratio.median <= target.atMost;
}

/** Medians and spreads of one contender's runs of a configuration. */
function contenderFigures(kind, mine) {
  if (kind === 'echo') {
    return { p50Ms: spread(mine.map((run) => run.result.p50)), p99Ms: spread(mine.map((run) => run.result.p99)), roundTrips: mine[0].roundTrips };
  }
  return {
    messagesPerSecond: spread(mine.map(metricOf)),
    megabytesPerSecond: spread(mine.map((run) => run.result.bytes / run.result.ms / 1000)),
    messagesPerRun: mine[0].count,
  };
}

function figuresByContender(kind, runs, contenders) {
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
 * polyfill's paired ratios to the references (and their CPU ratios), the targets, and raw's own
 * ratio to the native reference (what the polyfill, built on raw, can reach against native).
 */
function summarizeRow({ kind, size, type, runs }, contenders, nativeReference) {
  const ratios = {};
  if (contenders.includes('raw')) ratios.raw = pairedRatios(runs, 'raw');
  if (nativeReference) ratios[nativeReference] = pairedRatios(runs, nativeReference);
  const targets = TARGETS.filter((target) => target.kind === kind && ratios[target.reference] !== undefined).map((target) => ({
    ...target,
    met: verdict(target, ratios[target.reference]),
  }));
  const cpuRatios = {};
  for (const reference of Object.keys(ratios)) cpuRatios[reference] = pairedRatios(runs, reference, 'polyfill', cpuPerMessage);
  const row = { kind, size, type, contenders: figuresByContender(kind, runs, contenders), ratios, cpuRatios, targets };
  if (nativeReference && contenders.includes('raw')) row.rawVsNative = pairedRatios(runs, nativeReference, 'raw');
  if (contenders.includes('candidate')) {
    row.candidateVsPolyfill = { ...pairedRatios(runs, 'polyfill', 'candidate'), cpu: pairedRatios(runs, 'polyfill', 'candidate', cpuPerMessage) };
  }
  return row;
}

function configurationsOf(runs) {
  const configs = new Map();
  for (const run of runs) {
    const key = `${run.kind} ${run.size} ${run.type}`;
    if (!configs.has(key)) configs.set(key, { kind: run.kind, size: run.size, type: run.type, runs: [] });
    configs.get(key).runs.push(run);
  }
  return [...configs.values()];
}

function summarizeEnvironment(environment) {
  const ran = (name) => environment.runs.some((run) => run.contender === name) || environment.pausedReaders.some((run) => run.contender === name);
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
  };
}

/** Where an environment's time went, by workload: what to trim when a run takes too long. */
function secondsByKind(runs) {
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
 */
function streamFloorFigures(floors, rows) {
  if (floors.length === 0) return null;
  const readQueuedNs = spread(floors.map((floor) => floor.readQueuedNs));
  const readWaitingNs = spread(floors.map((floor) => floor.readWaitingNs));
  const writeNs = spread(floors.map((floor) => floor.writeNs));
  const rawNsPerMessage = (kind) => {
    const rate = rows.find((row) => row.kind === kind && row.size === 16 && row.type === 'binary')?.contenders.raw?.messagesPerSecond?.median;
    return rate ? 1e9 / rate : null;
  };
  const ceiling = (rawNs, floorNs) => (rawNs === null ? null : rawNs / (rawNs + floorNs));
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

function pausedReaderRow({ contender, size, count, pauseMs, result }) {
  const row = { contender, messageSize: size, firehoseBytes: size * count, pauseMs };
  return result === null ? { ...row, failed: true } : { ...row, ...pausedReaderFigures(result) };
}

function pausedReaderFigures(result) {
  const { serverBytes, anonymousBytes, userSpaceBufferedBytes, drainMs } = result;
  return {
    serverBytesTakenDuringPause: serverBytes?.acceptedAtEnd != null ? serverBytes.acceptedAtEnd - serverBytes.acceptedAtStart : null,
    serverBytesTakenByEndOfPause: serverBytes?.acceptedAtEnd ?? null,
    // From before the firehose started to the end of the pause, in the client's whole process tree.
    memoryGrowth: anonymousBytes ? anonymousBytes.atEnd - anonymousBytes.before : null,
    memoryPeakGrowth: anonymousBytes ? anonymousBytes.peak - anonymousBytes.before : null,
    userSpaceBufferedBytes: userSpaceBufferedBytes ?? null,
    drainMs,
  };
}

/** min+gzip and brotli bytes of every JavaScript file in dist/, with its budget where it has one. */
export function bundleSizes() {
  const files = [];
  const walk = (directory) => {
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
  };
}

export function summarize({ environments, settings, sizes, seconds }) {
  const summarized = environments.map(summarizeEnvironment);
  return {
    generatedAt: new Date().toISOString(),
    seconds,
    machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model ?? null, loadAverageAtEnd: os.loadavg() },
    settings,
    method: method(),
    targets: TARGETS,
    environments: summarized,
    flags: flaggedCells(summarized),
    bundleSizes: sizes,
  };
}
