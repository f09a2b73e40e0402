// Turns the raw outcomes of a bench run into medians, paired ratios and verdicts, and writes them
// as JSON, a text table, a Markdown table (for the README) and an SVG chart.
import { readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { escapeHtml } from '../conformance/lib/escape-html.mjs';
import { compressedSizes, sizeBudgets } from '../scripts/compressed-sizes.mjs';

const repositoryRoot = path.dirname(path.dirname(fileURLToPath(import.meta.url)));

/** The targets, each a ratio of the polyfill to a reference, on the median of paired runs. */
export const TARGETS = [
  { kind: 'receive', reference: 'raw', atLeast: 0.95 },
  { kind: 'receive', reference: 'native', atLeast: 1.0 },
  { kind: 'send', reference: 'raw', atLeast: 0.9 },
  { kind: 'echo', reference: 'raw', atMost: 1.1 },
];

const KIB = 1024;

export function sizeLabel(size) {
  if (size >= KIB * KIB) return `${size / (KIB * KIB)} MiB`;
  if (size >= KIB) return `${size / KIB} KiB`;
  return `${size} B`;
}

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

/** Ratios of the polyfill's CPU cost to `reference`'s, paired per repetition (lower is cheaper). */
function pairedCpuRatios(runs, reference, subject = 'polyfill') {
  const ratios = [];
  for (const ours of runs.filter((run) => run.contender === subject)) {
    const theirs = runs.find((run) => run.contender === reference && run.repetition === ours.repetition);
    const a = cpuPerMessage(ours);
    const b = theirs && cpuPerMessage(theirs);
    if (a && b) ratios.push(a / b);
  }
  return spread(ratios);
}

/** Ratios of `subject` to `reference` (the polyfill to a reference by default), one per repetition in which both ran. */
function pairedRatios(runs, reference, subject = 'polyfill') {
  const ratios = [];
  for (const ours of runs.filter((run) => run.contender === subject)) {
    const theirs = runs.find((run) => run.contender === reference && run.repetition === ours.repetition);
    const a = ours && metricOf(ours);
    const b = theirs && metricOf(theirs);
    if (a && b) ratios.push(a / b);
  }
  return spread(ratios);
}

function verdict(target, ratio) {
  if (ratio === null) return null;
  return target.atLeast !== undefined ? ratio.median >= target.atLeast : ratio.median <= target.atMost;
}

function summarizeEnvironment(environment) {
  const ran = (name) => environment.runs.some((run) => run.contender === name) || environment.pausedReaders.some((run) => run.contender === name);
  const contenders = (environment.hello?.contenders ?? []).filter(ran);
  const nativeReference = contenders.includes('native') ? 'native' : contenders.includes('undici') ? 'undici' : null;
  const configs = new Map();
  for (const run of environment.runs) {
    const key = `${run.kind} ${run.size} ${run.type}`;
    if (!configs.has(key)) configs.set(key, { kind: run.kind, size: run.size, type: run.type, runs: [] });
    configs.get(key).runs.push(run);
  }
  const rows = [...configs.values()].map(({ kind, size, type, runs }) => {
    const byContender = {};
    for (const contender of contenders) {
      const mine = runs.filter((run) => run.contender === contender && run.result !== null);
      if (mine.length === 0) continue;
      byContender[contender] =
        kind === 'echo'
          ? { p50Ms: spread(mine.map((run) => run.result.p50)), p99Ms: spread(mine.map((run) => run.result.p99)), roundTrips: mine[0].roundTrips }
          : { messagesPerSecond: spread(mine.map(metricOf)), megabytesPerSecond: spread(mine.map((run) => run.result.bytes / run.result.ms / 1000)), messagesPerRun: mine[0].count };
    }
    const ratios = {};
    if (contenders.includes('raw')) ratios.raw = pairedRatios(runs, 'raw');
    if (nativeReference) ratios[nativeReference] = pairedRatios(runs, nativeReference);
    const targets = TARGETS.filter((target) => target.kind === kind && ratios[target.reference] !== undefined).map((target) => ({
      ...target,
      met: verdict(target, ratios[target.reference]),
    }));
    const cpuRatios = {};
    for (const reference of Object.keys(ratios)) cpuRatios[reference] = pairedCpuRatios(runs, reference);
    for (const [contender, stats] of Object.entries(byContender)) {
      const costs = runs.filter((run) => run.contender === contender).map(cpuPerMessage).filter((cost) => cost !== null);
      if (costs.length > 0) stats.cpuMicrosecondsPerMessage = spread(costs.map((cost) => cost * 1000));
    }
    const candidateVsPolyfill = contenders.includes('candidate')
      ? { ...pairedRatios(runs, 'polyfill', 'candidate'), cpu: pairedCpuRatios(runs, 'polyfill', 'candidate') }
      : undefined;
    return { kind, size, type, contenders: byContender, ratios, cpuRatios, targets, ...(candidateVsPolyfill !== undefined && { candidateVsPolyfill }) };
  });
  const pausedReaders = environment.pausedReaders.map(({ contender, size, count, pauseMs, result }) => ({
    contender,
    messageSize: size,
    firehoseBytes: size * count,
    pauseMs,
    ...(result === null ? { failed: true } : pausedReaderFigures(result)),
  }));
  const streamFloor = streamFloorFigures(environment.streamFloors ?? [], rows);
  // Where an environment's time went, by workload: what to trim when a run takes too long.
  const secondsByKind = {};
  for (const run of environment.runs) {
    if (run.result?.jobMs !== undefined) secondsByKind[run.kind] = (secondsByKind[run.kind] ?? 0) + run.result.jobMs / 1000;
  }
  return {
    name: environment.name,
    userAgent: environment.hello?.userAgent ?? null,
    secondsByKind,
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
    pausedReaders,
    streamFloor,
  };
}

/**
 * The platform streams' own cost per message, beside the raw contender's whole cost per 16-byte
 * message in the same run: raw ÷ (raw + floor) is the best ratio any stream-based WebSocket can
 * reach over that socket, if it added nothing else. Receiving has two floors, for a reader that
 * is behind (messages queue) and one that is ahead (each message settles a waiting read).
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

const nanoseconds = (value) => (value === null ? '—' : value >= 1000 ? `${(value / 1000).toFixed(1)} µs` : `${value.toFixed(0)} ns`);
const nanosecondsSpread = (stats) => `${nanoseconds(stats.median)} (${nanoseconds(stats.min)}–${nanoseconds(stats.max)})`;

function streamFloorLine(environment) {
  const floor = environment.streamFloor;
  if (floor === null) return null;
  const { receive, send } = floor;
  return [
    "  stream floor (the platform's streams alone, per 16 B message):",
    `    read ${nanosecondsSpread(floor.readQueuedNs)} queued, ${nanosecondsSpread(floor.readWaitingNs)} into a waiting read, on top of raw's ${nanoseconds(receive.rawNsPerMessage)} → receive at most ${fixed(receive.ceilingWaiting)}–${fixed(receive.ceilingQueued)} × raw`,
    `    ready + write ${nanosecondsSpread(floor.writeNs)}, on top of raw's ${nanoseconds(send.rawNsPerMessage)} → send at most ${fixed(send.ceiling)} × raw`,
  ].join('\n');
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

export function summarize({ environments, settings, sizes, seconds }) {
  return {
    generatedAt: new Date().toISOString(),
    seconds,
    machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model ?? null, loadAverageAtEnd: os.loadavg() },
    settings,
    targets: TARGETS,
    environments: environments.map(summarizeEnvironment),
    bundleSizes: sizes,
  };
}

// ---------------------------------------------------------------------------------------------
// Text

const fixed = (value, digits = 2) => (value === null || value === undefined ? '—' : value.toFixed(digits));

function throughputCell(stats, size) {
  if (!stats) return '—';
  if (size < KIB) {
    const k = (value) => (value / 1000).toFixed(0);
    return `${k(stats.messagesPerSecond.median)}k msg/s (${k(stats.messagesPerSecond.min)}–${k(stats.messagesPerSecond.max)})`;
  }
  const mb = stats.megabytesPerSecond;
  const digits = mb.median < 100 ? 1 : 0;
  return `${mb.median.toFixed(digits)} MB/s (${mb.min.toFixed(digits)}–${mb.max.toFixed(digits)})`;
}

function latencyCell(stats) {
  if (!stats) return '—';
  const digits = stats.p50Ms.median < 1 ? 3 : 2;
  return `${stats.p50Ms.median.toFixed(digits)} ms (${stats.p50Ms.min.toFixed(digits)}–${stats.p50Ms.max.toFixed(digits)}) p99 ${stats.p99Ms.median.toFixed(digits)}`;
}

function ratioCell(ratio, targets, reference) {
  if (!ratio) return '—';
  const target = targets.find((candidate) => candidate.reference === reference);
  const mark = target ? (target.met ? ' ✓' : ' ✗') : '';
  return `${fixed(ratio.median)} (${fixed(ratio.min)}–${fixed(ratio.max)})${mark}`;
}

function table(header, rows) {
  const widths = header.map((_, column) => Math.max(...[header, ...rows].map((row) => String(row[column]).length)));
  const line = (row) => row.map((cell, column) => String(cell).padEnd(widths[column])).join('  ').trimEnd();
  return [line(header), line(widths.map((width) => '-'.repeat(width))), ...rows.map(line)].join('\n');
}

function environmentTitle(environment) {
  const timer = environment.timerResolutionMs === null ? '' : `; performance.now() step ${environment.timerResolutionMs.toFixed(3)} ms`;
  const state = environment.complete ? '' : ` — INCOMPLETE (${environment.outcome})`;
  const time = Object.entries(environment.secondsByKind).map(([kind, seconds]) => `${kind} ${seconds.toFixed(0)} s`);
  return `${environment.name}: ${environment.userAgent ?? 'did not start'}${timer}; ${fixed(environment.seconds, 0)} s (measured runs: ${time.join(', ')})${state}`;
}

const bytes = (value) => (value === null || value === undefined ? '—' : `${(value / (1024 * 1024)).toFixed(1)} MiB`);

export function toText(summary) {
  const out = [];
  out.push(`websocketstream-polyfill bench — ${summary.generatedAt}, ${summary.machine.cpus} cores, ${summary.settings.quick ? 'quick' : 'full'} run, ${summary.settings.repetitions} repetitions, ${fixed(summary.seconds, 0)} s`);
  out.push('Medians over repetitions (min–max in brackets). Ratios are polyfill / reference, paired per repetition;');
  out.push('throughput ratios above 1 and latency ratios below 1 favour the polyfill. ✓/✗: target met or not.');
  out.push("CPU ratios: CPU time of the client's whole process tree per message, polyfill / reference (below 1 is cheaper);");
  out.push('less disturbed by other load on the machine than wall-clock throughput.');
  for (const environment of summary.environments) {
    out.push('', environmentTitle(environment));
    const references = Object.keys(environment.rows[0]?.ratios ?? {});
    const hasCandidate = environment.contenders.includes('candidate');
    const header = [
      'workload',
      'size',
      'type',
      ...environment.contenders,
      ...references.map((reference) => `polyfill/${reference}`),
      ...references.map((reference) => `CPU polyfill/${reference}`),
      ...(hasCandidate ? ['candidate/polyfill', 'CPU candidate/polyfill'] : []),
    ];
    const rows = environment.rows.map((row) => [
      row.kind,
      sizeLabel(row.size),
      row.type,
      ...environment.contenders.map((contender) => (row.kind === 'echo' ? latencyCell(row.contenders[contender]) : throughputCell(row.contenders[contender], row.size))),
      ...references.map((reference) => ratioCell(row.ratios[reference], row.targets, reference)),
      ...references.map((reference) => ratioCell(row.cpuRatios[reference], [], null)),
      ...(hasCandidate ? [ratioCell(row.candidateVsPolyfill, [], null), ratioCell(row.candidateVsPolyfill?.cpu, [], null)] : []),
    ]);
    out.push(table(header, rows));
    if (environment.pausedReaders.length > 0) {
      out.push('', `  paused reader (${environment.pausedReaders[0].pauseMs / 1000} s pause on a ${bytes(environment.pausedReaders[0].firehoseBytes)} firehose of ${sizeLabel(environment.pausedReaders[0].messageSize)} messages):`);
      for (const paused of environment.pausedReaders) {
        if (paused.failed) {
          out.push(`    ${paused.contender}: failed`);
          continue;
        }
        const userSpace = paused.userSpaceBufferedBytes ? `, client user space holds at most ${(paused.userSpaceBufferedBytes.max / 1024).toFixed(0)} KiB` : '';
        out.push(`    ${paused.contender}: the server got ${bytes(paused.serverBytesTakenByEndOfPause)} out by the end of the pause (${bytes(paused.serverBytesTakenDuringPause)} during it); client memory grew ${bytes(paused.memoryGrowth)} from before the firehose (peak ${bytes(paused.memoryPeakGrowth)})${userSpace}; drained the rest in ${fixed(paused.drainMs, 0)} ms`);
      }
    }
    const floorLine = streamFloorLine(environment);
    if (floorLine !== null) out.push('', floorLine);
    for (const error of environment.errors.slice(0, 5)) out.push(`  error: ${JSON.stringify(error).slice(0, 300)}`);
  }
  out.push('', 'Bundle sizes (bytes: as built, gzip -9, brotli 11; budget from scripts/size-budget.json):');
  const sizeRows = Object.entries(summary.bundleSizes).map(([file, sizes]) => [
    file,
    sizes.minified,
    sizes.gzip,
    sizes.brotli,
    sizes.gzipBudget === null ? '' : `${sizes.gzipBudget} ${sizes.gzip <= sizes.gzipBudget ? '✓' : '✗'}`,
  ]);
  out.push(table(['file', 'bytes', 'gzip', 'brotli', 'gzip budget'], sizeRows).replace(/^/gm, '  '));
  return `${out.join('\n')}\n`;
}

// ---------------------------------------------------------------------------------------------
// Markdown (the README's table): ratios, one column per environment and reference

function columnsOf(summary) {
  const columns = [];
  for (const environment of summary.environments) {
    for (const reference of Object.keys(environment.rows[0]?.ratios ?? {})) {
      const referenceName = { raw: environment.name === 'node' ? 'raw ws' : 'raw WebSocket', native: 'native WSS', undici: 'undici WSS' }[reference] ?? reference;
      columns.push({ environment, reference, title: `${environment.name}: vs ${referenceName}` });
    }
  }
  return columns;
}

export function toMarkdown(summary) {
  const columns = columnsOf(summary);
  const keys = [];
  for (const environment of summary.environments) {
    for (const row of environment.rows) {
      const key = `${row.kind}|${row.size}|${row.type}`;
      if (!keys.includes(key)) keys.push(key);
    }
  }
  const lines = [];
  lines.push(`Polyfill ÷ reference, median of ${summary.settings.repetitions} paired repetitions (min–max); throughput for receive/send (higher is better), p50 round trip for echo (lower is better). ✓/✗ against the targets: receive ≥ 0.95 × raw and ≥ 1.0 × native, send ≥ 0.9 × raw, echo p50 ≤ 1.1 × raw.`);
  lines.push('');
  lines.push(`| workload | size | type | ${columns.map((column) => column.title).join(' | ')} |`);
  lines.push(`|---|---|---|${columns.map(() => '---').join('|')}|`);
  for (const key of keys) {
    const [kind, size, type] = key.split('|');
    const cells = columns.map(({ environment, reference }) => {
      const row = environment.rows.find((candidate) => `${candidate.kind}|${candidate.size}|${candidate.type}` === key);
      return row ? ratioCell(row.ratios[reference], row.targets, reference) : '—';
    });
    lines.push(`| ${kind} | ${sizeLabel(Number(size))} | ${type} | ${cells.join(' | ')} |`);
  }
  lines.push('');
  lines.push('Paused reader (the application stops reading while a firehose keeps sending):');
  lines.push('');
  lines.push('| environment | contender | sent by the server by the end of the pause | client memory growth (whole process tree) | user-space bytes held (Node) |');
  lines.push('|---|---|---|---|---|');
  for (const environment of summary.environments) {
    for (const paused of environment.pausedReaders) {
      if (paused.failed) continue;
      const userSpace = paused.userSpaceBufferedBytes ? `${(paused.userSpaceBufferedBytes.max / 1024).toFixed(0)} KiB` : '—';
      lines.push(`| ${environment.name} | ${paused.contender} | ${bytes(paused.serverBytesTakenByEndOfPause)} of ${bytes(paused.firehoseBytes)} | ${bytes(paused.memoryGrowth)} | ${userSpace} |`);
    }
  }
  const floors = summary.environments.filter((environment) => environment.streamFloor !== null);
  if (floors.length > 0) {
    lines.push('');
    lines.push("Stream floor — what the platform's own streams cost per 16 B message, with no socket: a read of a queued chunk (the reader is behind), a read that was already waiting (the reader is ahead), and `await writer.ready` + `write()` into a sink that settles at once; beside the raw contender's whole cost per 16 B binary message in the same run. raw ÷ (raw + floor) is the best ratio a stream-based WebSocket can reach there:");
    lines.push('');
    lines.push('| environment | read, queued | read, waiting | raw receive | receive ceiling | ready + write | raw send | send ceiling |');
    lines.push('|---|---|---|---|---|---|---|---|');
    for (const { name, streamFloor: floor } of floors) {
      const { receive, send } = floor;
      lines.push(`| ${name} | ${nanoseconds(floor.readQueuedNs.median)} | ${nanoseconds(floor.readWaitingNs.median)} | ${nanoseconds(receive.rawNsPerMessage)} | ${fixed(receive.ceilingWaiting)}–${fixed(receive.ceilingQueued)} | ${nanoseconds(floor.writeNs.median)} | ${nanoseconds(send.rawNsPerMessage)} | ${fixed(send.ceiling)} |`);
    }
  }
  lines.push('');
  lines.push(`Measured ${summary.generatedAt.slice(0, 10)} on ${summary.machine.cpus} cores: ${summary.environments.map((environment) => environment.userAgent).join('; ')}.`);
  return `${lines.join('\n')}\n`;
}

// ---------------------------------------------------------------------------------------------
// SVG: one panel per comparison, a row per size and type, a dot (median) and whisker (min–max) per environment

const COLOURS = { chromium: '#1a73e8', firefox: '#e66000', webkit: '#7b3fb5', node: '#3c873a' };
const PANELS = [
  { kind: 'receive', reference: 'raw', title: 'receive throughput: polyfill ÷ raw WebSocket / raw ws' },
  { kind: 'receive', reference: 'native', title: 'receive throughput: polyfill ÷ native WebSocketStream (Chromium), undici WebSocketStream (Node)' },
  { kind: 'send', reference: 'raw', title: 'send throughput with backpressure: polyfill ÷ raw loop on bufferedAmount' },
  { kind: 'echo', reference: 'raw', title: 'echo round trip p50: polyfill ÷ raw (lower is better)' },
];
const RATIO_TICKS = [0.25, 0.5, 0.75, 1, 1.5, 2, 3, 4];

export function toSvg(summary) {
  const width = 960;
  const left = 150;
  const right = 30;
  const rowHeight = 26;
  const plotWidth = width - left - right;
  const [low, high] = [RATIO_TICKS[0], RATIO_TICKS[RATIO_TICKS.length - 1]];
  const x = (ratio) => left + ((Math.log(Math.min(high, Math.max(low, ratio))) - Math.log(low)) / (Math.log(high) - Math.log(low))) * plotWidth;
  const parts = [];
  let top = 50;
  parts.push(`<text x="${left}" y="24" font-size="15" font-weight="bold">websocketstream-polyfill bench, ${escapeHtml(summary.generatedAt.slice(0, 16).replace('T', ' '))} UTC — dot: median, bar: min–max over ${summary.settings.repetitions} paired runs</text>`);
  summary.environments.forEach((environment, index) => {
    parts.push(`<circle cx="${left + 10 + index * 120}" cy="38" r="5" fill="${COLOURS[environment.name] ?? '#555'}"/><text x="${left + 20 + index * 120}" y="42" font-size="12">${escapeHtml(environment.name)}</text>`);
  });
  for (const panel of PANELS) {
    const keys = [];
    for (const environment of summary.environments) {
      for (const row of environment.rows) {
        if (row.kind === panel.kind && !keys.includes(`${row.size}|${row.type}`)) keys.push(`${row.size}|${row.type}`);
      }
    }
    const series = summary.environments
      .map((environment) => ({ environment, reference: panel.reference === 'native' ? environment.nativeReference : panel.reference }))
      .filter(({ reference }) => reference !== null);
    if (keys.length === 0 || series.length === 0) continue;
    const panelHeight = keys.length * rowHeight;
    top += 28;
    parts.push(`<text x="${left}" y="${top - 10}" font-size="13" font-weight="bold">${escapeHtml(panel.title)}</text>`);
    parts.push(`<rect x="${left}" y="${top}" width="${plotWidth}" height="${panelHeight}" fill="#fafafa" stroke="#ccc"/>`);
    for (const tick of RATIO_TICKS) {
      parts.push(`<line x1="${x(tick)}" y1="${top}" x2="${x(tick)}" y2="${top + panelHeight}" stroke="${tick === 1 ? '#888' : '#e4e4e4'}"/>`);
      parts.push(`<text x="${x(tick)}" y="${top + panelHeight + 14}" font-size="11" text-anchor="middle">${tick}</text>`);
    }
    const target = TARGETS.find((candidate) => candidate.kind === panel.kind && candidate.reference === panel.reference);
    if (target) {
      const threshold = target.atLeast ?? target.atMost;
      parts.push(`<line x1="${x(threshold)}" y1="${top}" x2="${x(threshold)}" y2="${top + panelHeight}" stroke="#d33" stroke-dasharray="4 3"/>`);
      parts.push(`<text x="${x(threshold) + 3}" y="${top + 11}" font-size="10" fill="#d33">target ${target.atLeast !== undefined ? '≥' : '≤'} ${threshold}</text>`);
    }
    keys.forEach((key, rowIndex) => {
      const [size, type] = key.split('|');
      const middle = top + rowIndex * rowHeight + rowHeight / 2;
      parts.push(`<text x="${left - 8}" y="${middle + 4}" font-size="12" text-anchor="end">${sizeLabel(Number(size))} ${type}</text>`);
      series.forEach(({ environment, reference }, seriesIndex) => {
        const row = environment.rows.find((candidate) => candidate.kind === panel.kind && `${candidate.size}|${candidate.type}` === key);
        const ratio = row?.ratios[reference];
        if (!ratio) return;
        const y = middle + (seriesIndex - (series.length - 1) / 2) * 5;
        const colour = COLOURS[environment.name] ?? '#555';
        parts.push(`<line x1="${x(ratio.min)}" y1="${y}" x2="${x(ratio.max)}" y2="${y}" stroke="${colour}" stroke-width="1.5"/>`);
        parts.push(`<circle cx="${x(ratio.median)}" cy="${y}" r="3.5" fill="${colour}"><title>${escapeHtml(`${environment.name} ÷ ${reference}: ${ratio.median.toFixed(3)} (${ratio.min.toFixed(3)}–${ratio.max.toFixed(3)})`)}</title></circle>`);
      });
    });
    top += panelHeight + 24;
  }
  const height = top + 10;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif">\n<rect width="100%" height="100%" fill="white"/>\n${parts.join('\n')}\n</svg>\n`;
}
