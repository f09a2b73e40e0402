// The bench summary (summary.mjs) as a text table for the terminal and an SVG chart, and the
// formatting both share with the performance page (performance-page.mjs). Every renderer works
// on the summary as JSON holds it, so a report rendered now and one rendered later from the
// saved JSON are the same.
import { escapeHtml } from '../conformance/lib/escape-html.mjs';
import { ceilingFlagged, echoFlagged, ratioValue } from './ceilings.mjs';

/** @typedef {import('./types.mjs').BenchSummary} BenchSummary */
/** @typedef {import('./types.mjs').Ceiling} Ceiling */
/** @typedef {import('./types.mjs').ContenderFigures} ContenderFigures */
/** @typedef {import('./types.mjs').EchoCheck} EchoCheck */
/** @typedef {import('./types.mjs').EnvironmentSummary} EnvironmentSummary */
/** @typedef {import('./types.mjs').Flags} Flags */
/** @typedef {import('./types.mjs').JudgedTarget} JudgedTarget */
/** @typedef {import('./types.mjs').Spread} Spread */
/** @typedef {import('./types.mjs').SummaryRow} SummaryRow */
/** @typedef {import('./types.mjs').Target} Target */
/** A number a report may not have. @typedef {number|null|undefined} Maybe */
/** One comparison of the chart. @typedef {{ kind: SummaryRow['kind'], reference: string, title: string }} Panel */

const KIB = 1024;
const MIB = KIB * KIB;

/** @param {number} size */
export function sizeLabel(size) {
  if (size >= MIB) return `${size / MIB} MiB`;
  if (size >= KIB) return `${size / KIB} KiB`;
  return `${size} B`;
}

export const fixed = (/** @type {Maybe} */ value, digits = 2) => (value === null || value === undefined ? '—' : value.toFixed(digits));
export const nanoseconds = (/** @type {Maybe} */ value) => (value === null || value === undefined ? '—' : value >= 1000 ? `${(value / 1000).toFixed(1)} µs` : `${value.toFixed(0)} ns`);
export const mebibytes = (/** @type {Maybe} */ value) => (value === null || value === undefined ? '—' : `${(value / MIB).toFixed(1)} MiB`);
/**
 * Two ceilings as "low–high", whichever of them is lower (noise can swap the two reads' costs).
 * A null ceiling (no raw run to compute it from) counts as 0, as Math.min and Math.max take it.
 * @param {number|null} a
 * @param {number|null} b
 */
export const ceilingRange = (a, b) => {
  const [low, high] = [Math.min(Number(a), Number(b)), Math.max(Number(a), Number(b))];
  return fixed(low) === fixed(high) ? fixed(a) : `${fixed(low)}–${fixed(high)}`;
};
const nanosecondsSpread = (/** @type {Spread} */ stats) => `${nanoseconds(stats.median)} (${nanoseconds(stats.min)}–${nanoseconds(stats.max)})`;

/**
 * A ratio as "value (min–max)": the pooled ratio for echo, else the median of the paired runs'
 * ratios, with their range; ✓/✗ against the target of `reference` among `targets`.
 * @param {Partial<import('./types.mjs').Ratio>|null|undefined} ratio
 * @param {JudgedTarget[]} targets
 * @param {string|null} reference
 */
export function ratioCell(ratio, targets, reference) {
  if (!ratio) return '—';
  const target = targets.find((candidate) => candidate.reference === reference);
  const mark = target ? (target.met ? ' ✓' : ' ✗') : '';
  return `${fixed(ratioValue(ratio))} (${fixed(ratio.min)}–${fixed(ratio.max)})${mark}`;
}

/** The flag of a cell below its ceiling (or, for echo, above its limit). */
export const FLAG = '⚑';

/**
 * A row's ceilings beside its ratio: "ceiling 0.70–0.85, 0.91 of it; streams alone 0.86, 0.97 of it ⚑"
 * (receive shows its range; the streams alone where they ran).
 * @param {Ceiling} ceiling
 * @param {SummaryRow['streamsAlone']} streams
 */
function ceilingCell(ceiling, streams) {
  const alone = streams ? `; streams alone ${fixed(streams.vsRaw.median)}, ${fixed(streams.polyfillVsStreams.median)} of it` : '';
  return `ceiling ${ceilingRange(ceiling.value, ceiling.best)}, ${fixed(ceiling.ratioToCeiling)} of it${alone}${ceilingFlagged(ceiling) ? ` ${FLAG}` : ''}`;
}

/**
 * An echo row's check beside its ratio: "streams alone 1.11, 1.05 of it" where the run had the
 * streams contender (its round trip ÷ raw's, and the polyfill's ÷ its), else "limit 1.1"; ⚑ if flagged.
 * @param {EchoCheck|null|undefined} echo
 */
export function echoCell(echo) {
  if (!echo) return '—';
  const flag = echoFlagged(echo) ? ` ${FLAG}` : '';
  if (echo.ceiling !== undefined) return `streams alone ${fixed(echo.ceiling)}, ${fixed(echo.ratioToCeiling)} of it${flag}`;
  return `limit ${fixed(echo.limit, 1)}${flag}`;
}

/** The check beside a vs-raw ratio: the ceiling for receive and send, the streams alone (or the limit) for echo. */
export const checkCell = (/** @type {SummaryRow} */ row) => (row.ceiling ? ceilingCell(row.ceiling, row.streamsAlone) : echoCell(row.echo));

/**
 * An environment as the reports name it: an old Chromium with the polyfill build it ran, chromium@92 (legacy build).
 * @param {EnvironmentSummary} environment
 */
export const environmentLabel = (environment) => (environment.build ? `${environment.name} (${environment.build.bundle} build)` : environment.name);

/**
 * A cell of an old engine's WebSocket beside the current Chromium's: "receive 16 B binary".
 * @param {import('./types.mjs').OwnWebSocketCell} cell
 */
export const cellName = (cell) => `${cell.kind} ${sizeLabel(cell.size)} ${cell.type}`;

/**
 * What an old engine's own WebSocket does beside the current Chromium's, from the summary: →
 * { reference, compared, limits, outrun }: the current Chromium as "chromium 156", each cell as
 * "receive 16 B binary 0.60 ×" (echo: its p50 as a multiple of the current one's), the cells where
 * the old WebSocket is the limit, and those where it measured slower but the polyfill on it went
 * faster still; null where the run had no current Chromium to compare with.
 * @param {EnvironmentSummary} environment
 */
export function ownWebSocketFigures(environment) {
  const own = environment.ownWebSocket;
  if (!own || own.cells.length === 0) return null;
  const figure = (/** @type {import('./types.mjs').OwnWebSocketCell} */ cell) => `${cellName(cell)} ${fixed(cell.ratio)} ×`;
  const reference = own.referenceVersion ? `${own.reference} ${own.referenceVersion.split('.')[0]}` : own.reference;
  return { reference, compared: own.cells.map(figure), limits: own.cells.filter((cell) => cell.limit), outrun: own.cells.filter((cell) => cell.slower && !cell.limit) };
}

/**
 * Cells of an old WebSocket, each with the polyfill's ratio to it there: "receive 16 B binary (the polyfill 0.87 × of it)".
 * @param {import('./types.mjs').OwnWebSocketCell[]} cells
 */
export const cellsWithPolyfill = (cells) => cells.map((cell) => `${cellName(cell)}${cell.polyfillVsRaw === null ? '' : ` (the polyfill ${fixed(cell.polyfillVsRaw)} × of it)`}`);

// ---------------------------------------------------------------------------------------------
// Text

/**
 * @param {ContenderFigures|undefined} stats  a throughput row's
 * @param {number} size
 */
function throughputCell(stats, size) {
  if (!stats) return '—';
  if (size < KIB) {
    const k = (/** @type {number} */ value) => (value / 1000).toFixed(0);
    const rate = /** @type {Spread} */ (stats.messagesPerSecond);
    return `${k(rate.median)}k msg/s (${k(rate.min)}–${k(rate.max)})`;
  }
  const mb = /** @type {Spread} */ (stats.megabytesPerSecond);
  const digits = mb.median < 100 ? 1 : 0;
  return `${mb.median.toFixed(digits)} MB/s (${mb.min.toFixed(digits)}–${mb.max.toFixed(digits)})`;
}

/**
 * An echo row's p50 and p99: of all round trips pooled where the summary has them (else the median
 * run's), with the range of the single runs' p50s.
 * @param {ContenderFigures|undefined} figures  an echo row's
 */
function latencyCell(figures) {
  if (!figures) return '—';
  const stats = /** @type {{ p50Ms: Spread, p99Ms: Spread }} */ (figures);
  const [p50, p99] = [figures.pooledP50Ms ?? stats.p50Ms.median, figures.pooledP99Ms ?? stats.p99Ms.median];
  const digits = p50 < 1 ? 3 : 2;
  return `${p50.toFixed(digits)} ms (${stats.p50Ms.min.toFixed(digits)}–${stats.p50Ms.max.toFixed(digits)}) p99 ${p99.toFixed(digits)}`;
}

/**
 * @param {string[]} header
 * @param {(string|number)[][]} rows
 */
function table(header, rows) {
  const widths = header.map((_, column) => Math.max(...[header, ...rows].map((row) => String(row[column]).length)));
  const line = (/** @type {(string|number)[]} */ row) => row.map((cell, column) => String(cell).padEnd(widths[column])).join('  ').trimEnd();
  return [line(header), line(widths.map((width) => '-'.repeat(width))), ...rows.map(line)].join('\n');
}

/** @param {EnvironmentSummary} environment */
function environmentTitle(environment) {
  const timer = environment.timerResolutionMs === null ? '' : `; performance.now() step ${environment.timerResolutionMs.toFixed(3)} ms`;
  const state = environment.complete ? '' : ` — INCOMPLETE (${environment.outcome})`;
  const time = Object.entries(environment.secondsByKind).map(([kind, seconds]) => `${kind} ${seconds.toFixed(0)} s`);
  const { build } = environment;
  const from = build ? `; ${build.obtainedFrom}, the ${build.bundle} build of the polyfill${build.note ? ` (${build.note})` : ''}` : '';
  return `${environment.name}: ${environment.userAgent ?? 'did not start'}${from}${timer}; ${fixed(environment.seconds, 0)} s (measured runs: ${time.join(', ')})${state}`;
}

/**
 * An old engine's own WebSocket beside the current Chromium's, and where it is the limit.
 * @param {EnvironmentSummary} environment
 * @param {number|undefined} factor  the summary's method.ownWebSocketFactor
 */
function ownWebSocketLines(environment, factor) {
  if (!environment.build) return [];
  const figures = ownWebSocketFigures(environment);
  if (figures === null || factor === undefined) return ['', '  own WebSocket: no current chromium in this run to compare it with'];
  const limits = cellsWithPolyfill(figures.limits);
  const outrun = cellsWithPolyfill(figures.outrun);
  return [
    '',
    `  own WebSocket ÷ ${figures.reference}'s raw WebSocket (medians; echo: p50 round trip, above 1 is slower):`,
    `    ${figures.compared.join(', ')}`,
    `    the limit (below ${factor} ×, echo above ${fixed(1 / factor)} ×, and the polyfill not faster): ${limits.length > 0 ? limits.join(', ') : 'nowhere'}`,
    ...(outrun.length > 0 ? [`    slower, but the polyfill on it was faster still (noise, not a limit): ${outrun.join(', ')}`] : []),
  ];
}

/** @param {EnvironmentSummary} environment */
function environmentTable(environment) {
  const references = Object.keys(environment.rows[0]?.ratios ?? {});
  const hasCandidate = environment.contenders.includes('candidate');
  const header = [
    'workload',
    'size',
    'type',
    ...environment.contenders,
    ...references.flatMap((reference) => (reference === 'raw' ? ['polyfill/raw', 'stream ceiling (or echo limit)'] : [`polyfill/${reference}`])),
    ...references.map((reference) => `CPU polyfill/${reference}`),
    ...(hasCandidate ? ['candidate/polyfill', 'CPU candidate/polyfill'] : []),
  ];
  const rows = environment.rows.map((row) => [
    row.kind,
    sizeLabel(row.size),
    row.type,
    ...environment.contenders.map((contender) => (row.kind === 'echo' ? latencyCell(row.contenders[contender]) : throughputCell(row.contenders[contender], row.size))),
    ...references.flatMap((reference) => {
      const ratio = ratioCell(row.ratios[reference], row.targets, reference);
      return reference === 'raw' ? [ratio, checkCell(row)] : [ratio];
    }),
    ...references.map((reference) => ratioCell(row.cpuRatios[reference], [], null)),
    ...(hasCandidate ? [ratioCell(row.candidateVsPolyfill, [], null), ratioCell(row.candidateVsPolyfill?.cpu, [], null)] : []),
  ]);
  return table(header, rows);
}

/** @param {EnvironmentSummary} environment */
function pausedReaderLines(environment) {
  const [first] = environment.pausedReaders;
  if (first === undefined) return [];
  const lines = ['', `  paused reader (${first.pauseMs / 1000} s pause on a ${mebibytes(first.firehoseBytes)} firehose of ${sizeLabel(first.messageSize)} messages):`];
  for (const paused of environment.pausedReaders) {
    if (paused.failed) {
      lines.push(`    ${paused.contender}: failed`);
      continue;
    }
    const userSpace = paused.userSpaceBufferedBytes ? `, client user space holds at most ${(paused.userSpaceBufferedBytes.max / 1024).toFixed(0)} KiB` : '';
    lines.push(
      `    ${paused.contender}: the server got ${mebibytes(paused.serverBytesTakenByEndOfPause)} out by the end of the pause (${mebibytes(paused.serverBytesTakenDuringPause)} during it); ` +
        `client memory grew ${mebibytes(paused.memoryGrowth)} from before the firehose (peak ${mebibytes(paused.memoryPeakGrowth)})${userSpace}; drained the rest in ${fixed(paused.drainMs, 0)} ms`,
    );
  }
  return lines;
}

/** @param {EnvironmentSummary} environment */
function streamFloorLines(environment) {
  const floor = environment.streamFloor;
  if (floor === null) return [];
  const { receive, send } = floor;
  return [
    '',
    "  stream floor (the platform's streams alone, per 16 B message):",
    `    read ${nanosecondsSpread(floor.readQueuedNs)} queued, ${nanosecondsSpread(floor.readWaitingNs)} into a waiting read, on top of raw's ${nanoseconds(receive.rawNsPerMessage)} → receive at most ${ceilingRange(receive.ceilingWaiting, receive.ceilingQueued)} × raw`,
    `    ready + write ${nanosecondsSpread(floor.writeNs)}, on top of raw's ${nanoseconds(send.rawNsPerMessage)} → send at most ${fixed(send.ceiling)} × raw`,
  ];
}

/**
 * Every flagged cell, one line each, or a line saying there are none.
 * @param {Flags} flags
 */
export function flagLines(flags) {
  const alsoStreams = (/** @type {number|undefined} */ count, /** @type {number} */ factor) => (count ? ` (${count} of them also against ${fixed(factor)} × the streams alone)` : '');
  const checked =
    `${flags.checked.ceiling} receive and send cells checked against ${flags.factor} × their stream ceiling${alsoStreams(flags.checked.ceilingStreams, flags.factor)}, ` +
    `${flags.checked.echo} echo cells against ${flags.echoLimit} × raw${alsoStreams(flags.checked.echoCeiling, 1 / flags.factor)}`;
  if (flags.flagged.length === 0) return [`${checked}: none flagged.`];
  const rechecked = flags.flagged.filter((cell) => cell.recheck !== undefined);
  const confirmed = rechecked.filter((cell) => cell.recheck?.confirmed).length;
  const recheckCount = rechecked.length ? ` (${confirmed} of ${rechecked.length} flagged again by a recheck)` : '';
  return [
    `${checked}; ${flags.flagged.length} flagged ${FLAG}${recheckCount}:`,
    ...flags.flagged.map((cell) => {
      const where = `${cell.environment} ${cell.kind} ${sizeLabel(cell.size)} ${cell.type}`;
      return `  ${where}: ${flagFigures(cell)}${cell.recheck ? `; ${recheckLine(cell, cell.recheck)}` : ''}`;
    }),
  ];
}

/**
 * A flagged cell's figures: ratio to raw, and what it was checked against.
 * @param {import('./types.mjs').FlaggedCell} cell
 */
function flagFigures(cell) {
  if (cell.limit !== undefined && cell.ceiling !== undefined) {
    return `${fixed(cell.ratio)} × raw, above ${cell.limit}, ${fixed(cell.ratioToCeiling)} × the streams alone (${fixed(cell.ceiling)} × raw)`;
  }
  return cell.limit !== undefined
    ? `${fixed(cell.ratio)} × raw, above ${cell.limit}`
    : `${fixed(cell.ratio)} × raw, ceiling ${fixed(cell.ceiling)} (${fixed(cell.ratioToCeiling)} of it)` +
        (cell.streams === undefined ? '' : `, streams alone ${fixed(cell.streams)} (${fixed(cell.ratioToStreams)} of them)`);
}

/**
 * What the recheck of a flagged cell found, in the flag's own terms.
 * @param {import('./types.mjs').FlaggedCell} cell
 * @param {import('./types.mjs').Recheck} recheck
 */
function recheckLine(cell, recheck) {
  const verdict = recheck.confirmed ? 'flagged again' : 'not flagged';
  if (recheck.ratio === null) return `the recheck (${recheck.repetitions} repetitions) measured nothing: still flagged`;
  const against =
    cell.limit !== undefined
      ? recheck.ratioToCeiling === undefined ? '' : `, ${fixed(recheck.ratioToCeiling)} × the streams alone`
      : `, ${fixed(recheck.ratioToCeiling)} of the ceiling` + (recheck.ratioToStreams === undefined ? '' : `, ${fixed(recheck.ratioToStreams)} of the streams alone`);
  return `rechecked over ${recheck.repetitions} repetitions: ${fixed(recheck.ratio)} × raw${against}, ${verdict}`;
}

/** @param {BenchSummary['bundleSizes']} bundleSizes */
function bundleSizeLines(bundleSizes) {
  const sizeRows = Object.entries(bundleSizes).map(([file, sizes]) => [
    file,
    sizes.minified,
    sizes.gzip,
    sizes.brotli,
    sizes.gzipBudget === null ? '' : `${sizes.gzipBudget} ${sizes.gzip <= sizes.gzipBudget ? '✓' : '✗'}`,
  ]);
  return ['', 'Bundle sizes (bytes: as built, gzip -9, brotli 11; budget from scripts/size-budget.json):', table(['file', 'bytes', 'gzip', 'brotli', 'gzip budget'], sizeRows).replace(/^/gm, '  ')];
}

/** @param {BenchSummary} summary */
export function toText(summary) {
  const out = [
    `websocketstream-polyfill bench — ${summary.generatedAt}, ${summary.machine.cpus} cores, ${summary.settings.quick ? 'quick' : 'full'} run, ${summary.settings.repetitions} repetitions, ${fixed(summary.seconds, 0)} s`,
    'Medians over repetitions (min–max in brackets). Ratios are polyfill / reference, paired per repetition;',
    'throughput ratios above 1 and latency ratios below 1 favour the polyfill. ✓/✗: target met or not.',
    ...(summary.method.echoPooled ? ['Echo: p50 and p99 of all round trips of the interleaved runs pooled; the ratio is pooled p50 ÷ pooled p50 (range: single runs paired).'] : []),
    `Stream ceiling: raw ÷ (raw + stream floor) for the cell; ${FLAG} below ${summary.method.ceilingFactor} × ceiling${
      summary.method.streamsCeilingBasis ? ` and, where the streams contender ran, below ${summary.method.ceilingFactor} × its throughput ("streams alone": streams ÷ raw)` : ''
    } (echo: above ${summary.method.echoLimit} × raw${
      summary.method.echoCeilingBasis ? `, and where the streams contender ran, above ${fixed(1 / summary.method.ceilingFactor)} × its round trip` : ''
    }).`,
    "CPU ratios: CPU time of the client's whole process tree per message, polyfill / reference (below 1 is cheaper);",
    'less disturbed by other load on the machine than wall-clock throughput.',
  ];
  for (const environment of summary.environments) {
    out.push('', environmentTitle(environment), environmentTable(environment), ...pausedReaderLines(environment), ...streamFloorLines(environment));
    out.push(...ownWebSocketLines(environment, summary.method.ownWebSocketFactor));
    for (const error of environment.errors.slice(0, 5)) out.push(`  error: ${JSON.stringify(error).slice(0, 300)}`);
  }
  out.push('', ...flagLines(summary.flags), ...bundleSizeLines(summary.bundleSizes));
  return `${out.join('\n')}\n`;
}

// ---------------------------------------------------------------------------------------------
// SVG: one panel per comparison, a row per size and type, a dot (median) and whisker (min–max) per
// environment; on the vs-raw panels of receive and send, a tick at each cell's stream ceiling.

/** @type {Record<string, string>} */
const COLOURS = { chromium: '#1a73e8', firefox: '#e66000', webkit: '#7b3fb5', node: '#3c873a' };
/** @type {Panel[]} */
const PANELS = [
  { kind: 'receive', reference: 'raw', title: 'receive throughput: polyfill ÷ raw WebSocket / raw ws (tick: stream ceiling)' },
  { kind: 'receive', reference: 'native', title: 'receive throughput: polyfill ÷ native WebSocketStream (Chromium), undici WebSocketStream (Node)' },
  { kind: 'send', reference: 'raw', title: 'send throughput with backpressure: polyfill ÷ raw loop on bufferedAmount (tick: stream ceiling)' },
  { kind: 'echo', reference: 'raw', title: 'echo round trip p50: polyfill ÷ raw (lower is better)' },
];
const RATIO_TICKS = [0.25, 0.5, 0.75, 1, 1.5, 2, 3, 4];
const CHART = { width: 960, left: 150, right: 30, rowHeight: 26 };
const PLOT_WIDTH = CHART.width - CHART.left - CHART.right;

/** The x of a ratio on the charts' logarithmic axis. */
/** @param {number} ratio */
function xOf(ratio) {
  const [low, high] = [RATIO_TICKS[0], RATIO_TICKS[RATIO_TICKS.length - 1]];
  const clamped = Math.min(high, Math.max(low, ratio));
  return CHART.left + ((Math.log(clamped) - Math.log(low)) / (Math.log(high) - Math.log(low))) * PLOT_WIDTH;
}

/** Old Chromium builds in lighter and darker blues than the current one, by their order in the run. */
const OLD_CHROMIUM_COLOURS = ['#8ab4f8', '#0b3d91', '#5e97f6', '#174ea6'];

/**
 * @param {EnvironmentSummary} environment
 * @param {EnvironmentSummary[]} environments
 */
const colourOf = (environment, environments) => {
  const old = environments.filter((candidate) => candidate.build);
  return COLOURS[environment.name] ?? (environment.build ? OLD_CHROMIUM_COLOURS[old.indexOf(environment) % OLD_CHROMIUM_COLOURS.length] : '#555');
};

/** @param {BenchSummary} summary */
function legend(summary) {
  const title = `<text x="${CHART.left}" y="24" font-size="15" font-weight="bold">websocketstream-polyfill bench, ${escapeHtml(summary.generatedAt.slice(0, 16).replace('T', ' '))} UTC — dot: median${summary.method.echoPooled ? ' (echo: pooled p50s)' : ''}, bar: min–max over ${summary.settings.repetitions} paired runs</text>`;
  const keys = summary.environments.map(
    (environment, index) =>
      `<circle cx="${CHART.left + 10 + index * 120}" cy="38" r="5" fill="${colourOf(environment, summary.environments)}"/><text x="${CHART.left + 20 + index * 120}" y="42" font-size="12">${escapeHtml(environment.name)}</text>`,
  );
  return [title, ...keys];
}

/**
 * @param {BenchSummary} summary
 * @param {Panel} panel
 */
function panelKeys(summary, panel) {
  /** @type {string[]} */
  const keys = [];
  for (const environment of summary.environments) {
    for (const row of environment.rows) {
      if (row.kind === panel.kind && !keys.includes(`${row.size}|${row.type}`)) keys.push(`${row.size}|${row.type}`);
    }
  }
  return keys;
}

/**
 * The dashed line of `panel`'s target, if the summary has one for it.
 * @param {Target[]} targets
 * @param {Panel} panel
 * @param {number} top
 * @param {number} height
 */
function targetLine(targets, panel, top, height) {
  const target = targets.find((candidate) => candidate.kind === panel.kind && candidate.reference === panel.reference);
  if (!target) return [];
  // Every target has one or the other.
  const at = /** @type {number} */ (target.atLeast ?? target.atMost);
  return [
    `<line x1="${xOf(at)}" y1="${top}" x2="${xOf(at)}" y2="${top + height}" stroke="#d33" stroke-dasharray="4 3"/>`,
    `<text x="${xOf(at) + 3}" y="${top + 11}" font-size="10" fill="#d33">target ${target.atLeast !== undefined ? '≥' : '≤'} ${at}</text>`,
  ];
}

/**
 * @param {Panel} panel
 * @param {number} top
 * @param {number} height
 * @param {Target[]} targets
 */
function panelFrame(panel, top, height, targets) {
  const parts = [
    `<text x="${CHART.left}" y="${top - 10}" font-size="13" font-weight="bold">${escapeHtml(panel.title)}</text>`,
    `<rect x="${CHART.left}" y="${top}" width="${PLOT_WIDTH}" height="${height}" fill="#fafafa" stroke="#ccc"/>`,
  ];
  for (const tick of RATIO_TICKS) {
    parts.push(`<line x1="${xOf(tick)}" y1="${top}" x2="${xOf(tick)}" y2="${top + height}" stroke="${tick === 1 ? '#888' : '#e4e4e4'}"/>`);
    parts.push(`<text x="${xOf(tick)}" y="${top + height + 14}" font-size="11" text-anchor="middle">${tick}</text>`);
  }
  return [...parts, ...targetLine(targets, panel, top, height)];
}

/**
 * @param {EnvironmentSummary} environment
 * @param {SummaryRow|undefined} row
 * @param {string} reference
 * @param {{ y: number, colour: string }} mark
 */
function seriesMarks(environment, row, reference, { y, colour }) {
  const ratio = row?.ratios[reference];
  if (!ratio) return [];
  const value = ratioValue(ratio);
  const label = `${environment.name} ÷ ${reference}: ${value.toFixed(3)} (${ratio.min.toFixed(3)}–${ratio.max.toFixed(3)})`;
  const marks = [
    `<line x1="${xOf(ratio.min)}" y1="${y}" x2="${xOf(ratio.max)}" y2="${y}" stroke="${colour}" stroke-width="1.5"/>`,
    `<circle cx="${xOf(value)}" cy="${y}" r="3.5" fill="${colour}"><title>${escapeHtml(label)}</title></circle>`,
  ];
  if (reference === 'raw' && row?.ceiling) {
    const x = xOf(row.ceiling.value);
    marks.push(`<line x1="${x}" y1="${y - 4}" x2="${x}" y2="${y + 4}" stroke="${colour}" stroke-width="2"><title>${escapeHtml(`${environment.name} stream ceiling ${row.ceiling.value.toFixed(3)}`)}</title></line>`);
  }
  return marks;
}

/**
 * @param {BenchSummary} summary
 * @param {Panel} spec
 * @param {number} top
 */
function panel(summary, spec, top) {
  const keys = panelKeys(summary, spec);
  const series = summary.environments
    .map((environment) => ({ environment, reference: spec.reference === 'native' ? environment.nativeReference : spec.reference }))
    .filter(/** @returns {entry is { environment: EnvironmentSummary, reference: string }} */ (entry) => entry.reference !== null);
  if (keys.length === 0 || series.length === 0) return null;
  const height = keys.length * CHART.rowHeight;
  const parts = panelFrame(spec, top, height, summary.targets);
  keys.forEach((key, rowIndex) => {
    const [size, type] = key.split('|');
    const middle = top + rowIndex * CHART.rowHeight + CHART.rowHeight / 2;
    parts.push(`<text x="${CHART.left - 8}" y="${middle + 4}" font-size="12" text-anchor="end">${sizeLabel(Number(size))} ${type}</text>`);
    series.forEach(({ environment, reference }, seriesIndex) => {
      const row = environment.rows.find((candidate) => candidate.kind === spec.kind && `${candidate.size}|${candidate.type}` === key);
      const y = middle + (seriesIndex - (series.length - 1) / 2) * 5;
      parts.push(...seriesMarks(environment, row, reference, { y, colour: colourOf(environment, summary.environments) }));
    });
  });
  return { parts, height };
}

/** @param {BenchSummary} summary */
export function toSvg(summary) {
  const parts = legend(summary);
  let top = 50;
  for (const spec of PANELS) {
    const drawn = panel(summary, spec, top + 28);
    if (drawn === null) continue;
    parts.push(...drawn.parts);
    top += 28 + drawn.height + 24;
  }
  const height = top + 10;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${CHART.width}" height="${height}" viewBox="0 0 ${CHART.width} ${height}" font-family="sans-serif">\n<rect width="100%" height="100%" fill="white"/>\n${parts.join('\n')}\n</svg>\n`;
}
