// The stream ceiling of every receive and send cell: the best polyfill ÷ raw ratio any
// stream-based WebSocket can reach in that environment, at that size and type, if it added
// nothing but the platform's own streams. raw ÷ (raw + floor), with raw the raw contender's median
// cost per message in the cell and floor what the environment's streams cost per message (the
// stream floor, measured in the same run). A cell below CEILING_FACTOR × its ceiling loses more
// than the streams explain: that is the polyfill's own cost, and the report flags it.
//
// The `streams` contender (bench/baselines/bare-streams.js in browsers, bare-streams-ws.mjs in
// Node) measures a second ceiling in the same runs: the platform's streams fed straight from the socket. A receive or send cell is
// flagged only below CEILING_FACTOR × both (STREAMS_CEILING_BASIS); echo cells have that one alone
// (ECHO_CEILING_BASIS): streams ÷ raw round trip, flagged above ECHO_LIMIT × raw only beyond
// 1 / CEILING_FACTOR × it.

/** @typedef {import('./types.mjs').Ceiling} Ceiling */
/** @typedef {import('./types.mjs').CeilingBasis} CeilingBasis */
/** @typedef {import('./types.mjs').EchoCheck} EchoCheck */
/** @typedef {import('./types.mjs').EnvironmentSummary} EnvironmentSummary */
/** @typedef {import('./types.mjs').Flags} Flags */
/** @typedef {import('./types.mjs').StreamFloorFigures} StreamFloorFigures */
/** @typedef {import('./types.mjs').SummaryRow} SummaryRow */

/** A cell is flagged below this fraction of its ceiling: the rest is run-to-run noise on a busy machine. */
export const CEILING_FACTOR = 0.95;

/**
 * Which stream-floor figures each workload's ceiling is computed from, and why. Receiving has two,
 * for a reader that is ahead (each message settles a read already waiting) and one that is behind
 * (messages queue): the flag uses the dearer of the two, the other gives the top of the range.
 * @type {Record<string, CeilingBasis>}
 */
export const CEILING_BASIS = {
  receive: {
    floors: ['readWaitingNs', 'readQueuedNs'],
    label: "the dearer of the stream floor's two reads (normally the read into a waiting read)",
    why:
      'a receiver that keeps up with the socket — what the firehose asks of it — finds its read already waiting when each message ' +
      'arrives, and that read costs more than taking a queued chunk; a cell is flagged only when even that dearer read leaves ' +
      'the loss unexplained, and the cheaper read (a reader that is behind) gives the top of the range shown',
  },
  send: {
    floors: ['writeNs'],
    label: "the stream floor's `await writer.ready` + `write()`",
    why: 'every message a stream sends costs one of each, whether or not the socket keeps up',
  },
};

/** The echo target is a ratio of its own: a round trip is mostly latency, which the floor does not bound. */
export const ECHO_LIMIT = 1.1;

/**
 * Where echo cells get their ceiling instead: a contender of its own, measured in the same echo
 * jobs, since the floor's tight loop keeps warm what a round trip pays for cold.
 * @type {import('./types.mjs').EchoCeilingBasis}
 */
export const ECHO_CEILING_BASIS = {
  contender: 'streams',
  label: "the `streams` contender's round trip over raw's (pooled p50s)",
  why:
    "`streams` is the platform's own ReadableStream and WritableStream fed straight from the socket with none of the standard's checks " +
    '(`bench/baselines/bare-streams.js` in browsers, `bench/baselines/bare-streams-ws.mjs` over `ws` in Node), run beside the other contenders in every job. ' +
    "Echo uses it rather than the stream floor because a round trip pays the streams' cost on paths the floor's tight loop keeps warm: " +
    'each message waits for the one before, so every read, write and promise in between starts cold. ' +
    `A cell above ${ECHO_LIMIT} × raw still misses its target (✗), but is flagged only when it also takes more than 1/${CEILING_FACTOR} × as long as the streams alone`,
};

/**
 * What receive and send cells are also measured against: the same contender as echo's
 * ceiling, by throughput.
 * @type {import('./types.mjs').EchoCeilingBasis}
 */
export const STREAMS_CEILING_BASIS = {
  contender: 'streams',
  label: "the `streams` contender's throughput over raw's (median of the paired runs)",
  why:
    'the stream floor is timed in a tight loop with no socket, and beside a real socket some engines pay more for the same streams than the floor says; ' +
    'what the platform\'s streams alone reach in the cell, fed straight from the socket and waiting on `bufferedAmount` as raw\'s loop does, is the most any ' +
    `stream-based WebSocket reaches there. A cell below ${CEILING_FACTOR} × its stream ceiling is flagged only when it is also below ${CEILING_FACTOR} × the streams alone: ` +
    'that share is the polyfill\'s own',
};

/**
 * The figure a ratio is judged and shown by: the pooled one where there is one (echo), else the
 * median of the paired runs' ratios (undefined only for a partial ratio without either).
 * @template {Partial<import('./types.mjs').Ratio>} R
 * @param {R} ratio
 * @returns {number | R['median']}
 */
export const ratioValue = (ratio) => ratio.pooled ?? ratio.median;

const ceilingOf = (/** @type {number} */ rawNs, /** @type {number} */ floorNs) => rawNs / (rawNs + floorNs);

/**
 * The ceiling of one row of an environment (vs raw), or null where there is none (echo rows, no
 * raw contender, no stream floor). → { basis, floorNs, rawNsPerMessage, value, best, ratio,
 * ratioToCeiling, below, flagged }: `value` from the dearest basis figure (named by `basis`), which
 * `below` uses; `best` from the cheapest; `flagged` also asks the streams alone, where measured.
 * @param {Omit<SummaryRow, 'ceiling'|'echo'>} row
 * @param {StreamFloorFigures|null} floor
 * @returns {Ceiling|null}
 */
export function rowCeiling(row, floor) {
  const basis = CEILING_BASIS[row.kind];
  const rate = row.contenders.raw?.messagesPerSecond?.median;
  const ratio = row.ratios.raw?.median;
  if (!basis || !floor || !rate || ratio === undefined) return null;
  const rawNsPerMessage = 1e9 / rate;
  const floors = basis.floors.map((name) => floor[name].median);
  const floorNs = Math.max(...floors);
  const value = ceilingOf(rawNsPerMessage, floorNs);
  const best = ceilingOf(rawNsPerMessage, Math.min(...floors));
  const ratioToCeiling = ratio / value;
  const below = ratioToCeiling < CEILING_FACTOR;
  const ratioToStreams = row.streamsAlone?.polyfillVsStreams.median;
  const flagged = below && (ratioToStreams === undefined || ratioToStreams < CEILING_FACTOR);
  return { basis: basis.floors.find((name) => floor[name].median === floorNs), floorNs, rawNsPerMessage, value, best, ratio, ratioToCeiling, below, flagged };
}

/**
 * Whether a receive or send cell is flagged: summaries from before the streams contender ran there
 * have no `flagged`, and flagged every cell below its ceiling.
 * @param {Ceiling} ceiling
 */
export const ceilingFlagged = (ceiling) => ceiling.flagged ?? ceiling.below;

/**
 * A contender's p50 round trip in an echo row: of all its round trips pooled where they were kept,
 * else the median of its runs'.
 * @param {import('./types.mjs').ContenderFigures|undefined} figures
 */
export const echoP50 = (figures) => figures?.pooledP50Ms ?? figures?.p50Ms?.median;

/**
 * The echo row's check against ECHO_LIMIT × raw, in the same shape as a flag. Where the row has the
 * `streams` contender, also its ceiling: `ceiling` = streams ÷ raw, what the platform's
 * streams alone add to a round trip, and `ratioToCeiling` = polyfill ÷ streams; then the row is
 * `flagged` only when it is above the limit and ratioToCeiling > 1 / CEILING_FACTOR (the throughput
 * rule, for a figure where lower is better). Without it, flagged when above the limit, as before.
 * @param {Omit<SummaryRow, 'ceiling'|'echo'>} row
 * @returns {EchoCheck|null}
 */
export function echoCheck(row) {
  const ratio = row.ratios.raw ? ratioValue(row.ratios.raw) : undefined;
  if (row.kind !== 'echo' || ratio === undefined) return null;
  const above = ratio > ECHO_LIMIT;
  const [polyfill, raw, streams] = [row.contenders.polyfill, row.contenders.raw, row.contenders[ECHO_CEILING_BASIS.contender]].map(echoP50);
  if (!polyfill || !raw || !streams) return { limit: ECHO_LIMIT, ratio, above, flagged: above };
  const ratioToCeiling = polyfill / streams;
  return { limit: ECHO_LIMIT, ratio, above, ceiling: streams / raw, ratioToCeiling, flagged: above && ratioToCeiling > 1 / CEILING_FACTOR };
}

/**
 * Whether an echo check is flagged: summaries from before the streams ceiling have no `flagged`,
 * and flagged every cell above the limit.
 * @param {EchoCheck} echo
 */
export const echoFlagged = (echo) => echo.flagged ?? echo.above;

/**
 * Every flagged cell of a summary: receive and send cells below CEILING_FACTOR × their ceiling (and,
 * where measured, × the streams alone), echo cells above ECHO_LIMIT × raw (and, where measured, beyond 1 / CEILING_FACTOR × the streams alone). → { checked, flagged: [{ environment, kind, size, type, ... }] }.
 * @param {EnvironmentSummary[]} environments
 * @returns {Flags}
 */
export function flaggedCells(environments) {
  const checked = { ceiling: 0, echo: 0, echoCeiling: 0, ceilingStreams: 0 };
  /** @type {Flags['flagged']} */
  const flagged = [];
  for (const environment of environments) {
    for (const row of environment.rows) {
      const where = { environment: environment.name, kind: row.kind, size: row.size, type: row.type };
      if (row.ceiling) {
        checked.ceiling++;
        const streams = row.streamsAlone;
        if (streams) checked.ceilingStreams++;
        if (ceilingFlagged(row.ceiling)) {
          const alone = streams ? { streams: streams.vsRaw.median, ratioToStreams: streams.polyfillVsStreams.median } : {};
          flagged.push({ ...where, ratio: row.ceiling.ratio, ceiling: row.ceiling.value, ratioToCeiling: row.ceiling.ratioToCeiling, ...alone });
        }
      }
      if (row.echo) {
        checked.echo++;
        if (row.echo.ceiling !== undefined) checked.echoCeiling++;
        if (echoFlagged(row.echo)) {
          const { ceiling, ratioToCeiling } = row.echo;
          flagged.push({ ...where, ratio: row.echo.ratio, limit: row.echo.limit, ...(ceiling === undefined ? {} : { ceiling, ratioToCeiling }) });
        }
      }
    }
  }
  return { factor: CEILING_FACTOR, echoLimit: ECHO_LIMIT, checked, flagged };
}

/**
 * The cells a recheck measures again: every flagged one, by environment.
 * @param {Flags} flags
 * @returns {Map<string, import('./types.mjs').Cell[]>}
 */
export function flaggedCellsByEnvironment(flags) {
  /** @type {Map<string, import('./types.mjs').Cell[]>} */
  const byEnvironment = new Map();
  for (const { environment, kind, size, type } of flags.flagged) {
    const cell = /** @type {import('./types.mjs').Cell} */ ({ kind, size, type });
    byEnvironment.set(environment, [...(byEnvironment.get(environment) ?? []), cell]);
  }
  return byEnvironment;
}

/**
 * One flagged cell as its recheck measured it: the row of the same configuration, checked by the
 * same rule as the flag (the echo limit and streams alone for an echo, the ceiling else).
 * @param {import('./types.mjs').FlaggedCell} cell
 * @param {EnvironmentSummary[]} rechecked
 * @param {number} repetitions
 * @returns {import('./types.mjs').Recheck}
 */
function recheckOf(cell, rechecked, repetitions) {
  const row = rechecked
    .find((environment) => environment.name === cell.environment)
    ?.rows.find((candidate) => candidate.kind === cell.kind && candidate.size === cell.size && candidate.type === cell.type);
  if (cell.limit !== undefined && row?.echo) {
    const { ratio, ratioToCeiling } = row.echo;
    return { repetitions, ratio, ...(ratioToCeiling === undefined ? {} : { ratioToCeiling }), confirmed: echoFlagged(row.echo) };
  }
  if (cell.limit === undefined && row?.ceiling) {
    const ratioToStreams = row.streamsAlone?.polyfillVsStreams.median;
    const figures = { ratio: row.ceiling.ratio, ratioToCeiling: row.ceiling.ratioToCeiling, ...(ratioToStreams === undefined ? {} : { ratioToStreams }) };
    return { repetitions, ...figures, confirmed: ceilingFlagged(row.ceiling) };
  }
  return { repetitions, ratio: null, confirmed: true };
}

/**
 * `flags` with each flagged cell's recheck beside it. A flag stands on the run's own figures; the
 * recheck says whether more repetitions, moments later, find the same, or the run's noise made it.
 * @param {Flags} flags
 * @param {EnvironmentSummary[]} rechecked  the recheck sessions, summarized with their run's stream floors
 * @param {number} repetitions
 * @returns {Flags}
 */
export function withRechecks(flags, rechecked, repetitions) {
  return { ...flags, flagged: flags.flagged.map((cell) => ({ ...cell, recheck: recheckOf(cell, rechecked, repetitions) })) };
}
