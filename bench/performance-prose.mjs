// "Where the time goes" on the performance page: the explanations are prose written here, the
// figures they quote are read from the bench summary. A paragraph whose figures the run did not
// measure (a quick run, an environment that was skipped) is left out rather than shown stale.
import { FLAG, cellsWithPolyfill, fixed, mebibytes, nanoseconds, ownWebSocketFigures, sizeLabel } from './report.mjs';

/** @typedef {import('./types.mjs').BenchSummary} BenchSummary */
/** @typedef {import('./types.mjs').EnvironmentSummary} EnvironmentSummary */
/** @typedef {import('./types.mjs').Spread} Spread */
/** @typedef {import('./types.mjs').SummaryRow} SummaryRow */
/** @typedef {import('./types.mjs').Target} Target */
/** @typedef {number|null|undefined} Maybe */

const KIB = 1024;
const MIB = KIB * KIB;

const environmentNamed = (/** @type {BenchSummary} */ summary, /** @type {string} */ name) => summary.environments.find((environment) => environment.name === name);
/** @type {(environment: EnvironmentSummary|undefined, kind: string, size: number, type: string) => import('./types.mjs').SummaryRow|undefined} */
const rowOf = (environment, kind, size, type) => environment?.rows.find((row) => row.kind === kind && row.size === size && row.type === type);
const medianOf = (/** @type {Spread|null|undefined} */ ratio) => ratio?.median;
/**
 * The values from lowest to highest as "low–high" in `format`, one value where they print alike; null when none is known.
 * @param {Maybe[]} values
 * @param {(value: number) => string} format
 */
const spanOf = (values, format) => {
  const known = values.filter((value) => value !== undefined && value !== null);
  if (known.length === 0) return null;
  const [low, high] = [format(Math.min(...known)), format(Math.max(...known))];
  return low === high ? low : `${low}–${high}`;
};
const range = (/** @type {Maybe[]} */ values) => spanOf(values, (value) => fixed(value));
const list = (/** @type {string[]} */ items) => (items.length <= 1 ? items.join('') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`);

/** @param {BenchSummary} summary */
export function timeGoesParagraphs(summary) {
  const bullets = [nodeBullet, firefoxBullet, smallSendsBullet, nativeChromiumBullet, largeMessagesBullet].map((bullet) => bullet(summary)).filter(Boolean);
  return [
    '## Where the time goes',
    targetsParagraph(summary),
    bullets.length > 0 ? `How much of what is left the platform's streams explain, and what else there is:\n\n${bullets.map((bullet) => `- ${bullet}`).join('\n')}` : null,
    ...oldWebSocketSection(summary),
    ...removedCosts(),
  ];
}

/**
 * "met in N of M cells", with where the misses fall by size.
 * @param {BenchSummary} summary
 * @param {string} kind
 * @param {string} reference
 */
function targetTally(summary, kind, reference) {
  const cells = summary.environments.flatMap((environment) => environment.rows.filter((row) => row.kind === kind).map((row) => row.targets.find((target) => target.reference === reference)).filter((target) => target !== undefined));
  if (cells.length === 0) return null;
  const misses = summary.environments.flatMap((environment) => environment.rows.filter((row) => row.kind === kind && row.targets.some((target) => target.reference === reference && target.met === false)));
  const bySize = [...new Set(misses.map((row) => row.size))].sort((a, b) => a - b).map((size) => `${misses.filter((row) => row.size === size).length} at ${sizeLabel(size)}`);
  return `${cells.filter((target) => target.met).length} of ${cells.length}${misses.length > 0 ? ` (misses: ${list(bySize)})` : ''}`;
}

/** @param {BenchSummary} summary */
function targetsParagraph(summary) {
  const target = (/** @type {string} */ kind, /** @type {string} */ reference) => summary.targets.find((candidate) => candidate.kind === kind && candidate.reference === reference);
  const parts = /** @type {[string, string, (target: Target) => string][]} */ ([
    ['echo', 'raw', (t) => `echo p50 within ${t.atMost} × raw`],
    ['send', 'raw', (t) => `send at least ${t.atLeast} × raw`],
    ['receive', 'raw', (t) => `receive at least ${t.atLeast} × raw`],
    ['receive', 'native', (t) => `receive at least ${t.atLeast} × native Chromium`],
  ])
    .map(([kind, reference, words]) => {
      const tally = target(kind, reference) && targetTally(summary, kind, reference);
      return tally ? `${words(/** @type {Target} */ (target(kind, reference)))} in ${tally}` : null;
    })
    .filter(Boolean);
  const { flags } = summary;
  const throughputFlags = flags.flagged.filter((cell) => cell.limit === undefined);
  const flagged = throughputFlags.length;
  const rechecked = throughputFlags.filter((cell) => cell.recheck);
  const confirmed = rechecked.length ? ` (${rechecked.filter((cell) => cell.recheck?.confirmed).length} of them flagged again by the recheck below)` : '';
  const belowFloorOnly = summary.environments.flatMap((environment) => environment.rows).filter((row) => row.ceiling?.below && row.ceiling.flagged === false).length;
  const streamsExplain = belowFloorOnly
    ? ` ${belowFloorOnly} more are below their stream ceiling but within ${flags.factor} × the platform's streams alone, fed from the same socket in the same run: there the streams cost more beside a socket than the floor's tight loop says, and no stream-based WebSocket does better.`
    : '';
  return (
    `Against the targets in this run: ${parts.join('; ')}. The targets are the same for every environment; the stream ceilings are not: ` +
    `${flagged} of ${flags.checked.ceiling} receive and send cells are ${FLAG} in the table${confirmed}, below ${flags.factor} × their own ceiling${flags.checked.ceilingStreams ? ' and the streams alone' : ''}, ` +
    `which is where the polyfill itself costs more than the platform's streams.${streamsExplain}`
  );
}

/** @param {BenchSummary} summary */
function nodeBullet(summary) {
  const node = environmentNamed(summary, 'node');
  const floor = node?.streamFloor;
  if (!floor?.receive.rawNsPerMessage) return null;
  const receive16 = rowOf(node, 'receive', 16, 'binary');
  const parts = [
    `**Node**: raw \`ws\` hands a small message to its handler in about ${nanoseconds(floor.receive.rawNsPerMessage)}; Node's streams, written in JavaScript, take ` +
      `${spanOf([floor.readQueuedNs.median, floor.readWaitingNs.median], nanoseconds)} per message on their own, so no stream-based receiver can pass about ` +
      `${range([floor.receive.ceilingWaiting, floor.receive.ceilingQueued])} × raw there (measured: the polyfill ${fixed(medianOf(receive16?.ratios.raw))} × raw at 16 B binary).`,
  ];
  const undici = ['receive'].flatMap((kind) => [16, 64 * KIB, MIB].map((size) => /** @type {[number, string|null]} */ ([size, range([medianOf(rowOf(node, kind, size, 'binary')?.ratios.undici), medianOf(rowOf(node, kind, size, 'text')?.ratios.undici)])])));
  const known = undici.filter(([, ratio]) => ratio !== null).map(([size, ratio], index) => `${ratio} ×${index === 0 ? " undici's `WebSocketStream`" : ''} at ${sizeLabel(size)}`);
  if (known.length > 0) parts.push(`Through \`ws\` the polyfill receives at ${list(known)}.`);
  const kib = rowOf(node, 'receive', KIB, 'binary');
  if (kib?.ratios.raw) {
    parts.push(
      "At 1 KiB binary the standard's chunk — a `Uint8Array` over an ArrayBuffer of its own — costs more in V8, which keeps all but the smallest buffers outside its heap; " +
        "raw `ws` hands out a view of its read buffer, and undici's `WebSocketStream` a view of a buffer shared between messages (which the polyfill does not do: " +
        `\`test/support/suite/reading.mjs\` requires a buffer of its own): there the polyfill receives at ${fixed(kib.ratios.raw.median)} × raw.`,
    );
  }
  return parts.join(' ');
}

/** @param {BenchSummary} summary */
function firefoxBullet(summary) {
  const firefox = environmentNamed(summary, 'firefox');
  const floor = firefox?.streamFloor;
  if (!floor?.receive.rawNsPerMessage) return null;
  const measured = range([medianOf(rowOf(firefox, 'receive', 16, 'binary')?.ratios.raw), medianOf(rowOf(firefox, 'receive', 16, 'text')?.ratios.raw)]);
  return (
    '**Firefox** delivers each message in a task of its own, so a reader keeping up settles a read that was already waiting, which costs about ' +
    `${nanoseconds(floor.readWaitingNs.median)} beside raw's ${nanoseconds(floor.receive.rawNsPerMessage)} per message: at most about ${fixed(floor.receive.ceilingWaiting)} × raw at 16 B` +
    `${measured ? `; measured ${measured}` : ''}.`
  );
}

/** @param {BenchSummary} summary */
function smallSendsBullet(summary) {
  const withFloor = summary.environments.filter(
    /** @returns {environment is EnvironmentSummary & { streamFloor: import('./types.mjs').StreamFloorFigures }} */ (environment) => Boolean(environment.streamFloor?.send.rawNsPerMessage),
  );
  if (withFloor.length === 0) return null;
  const each = withFloor.map(({ name, streamFloor: floor }) => `${nanoseconds(floor.writeNs.median)} in ${name} beside raw's ${nanoseconds(floor.send.rawNsPerMessage)} (ceiling ${fixed(floor.send.ceiling)})`);
  return `**Sending small messages** costs an \`await writer.ready\` and a write promise per message: ${list(each)}. Node's raw loop (a bare \`send()\` per message, woken by \`ws\`'s send callbacks) is the hardest to match.`;
}

/** @param {BenchSummary} summary */
function nativeChromiumBullet(summary) {
  const chromium = environmentNamed(summary, 'chromium');
  const cells = (chromium?.rows ?? []).filter(/** @returns {row is SummaryRow & { rawVsNative: Spread }} */ (row) => row.kind === 'receive' && Boolean(row.rawVsNative)).sort((a, b) => a.rawVsNative.median - b.rawVsNative.median).slice(0, 2);
  if (cells.length === 0) return null;
  const slowest = cells.map((row) => `${sizeLabel(row.size)} ${row.type} at ${fixed(row.rawVsNative.median)} × native (the polyfill ${fixed(medianOf(row.ratios.raw))} × raw)`);
  return `**Against native Chromium** the polyfill can go no faster than Chromium's own \`WebSocket\`, which it is built on: in this run the raw \`WebSocket\` received ${list(slowest)}.`;
}

/** @param {BenchSummary} summary */
function largeMessagesBullet(summary) {
  const large = summary.environments.flatMap((environment) =>
    environment.rows.filter(/** @returns {row is SummaryRow & { ceiling: import('./types.mjs').Ceiling }} */ (row) => row.size >= 64 * KIB && Boolean(row.ceiling)),
  );
  if (large.length === 0) return null;
  /** @type {(string|null)[]} */
  const parts = [`From ${sizeLabel(64 * KIB)} up these costs vanish into the transfer: the stream ceilings there are ${range(large.map((row) => row.ceiling.value))}.`];
  const chromium = environmentNamed(summary, 'chromium');
  const nativeSends = (chromium?.rows ?? []).filter((row) => row.kind === 'send' && row.size >= 64 * KIB && row.ratios.native).map((row) => row.ratios.native?.median);
  if (nativeSends.length > 0) {
    parts.push(
      `Sending messages of ${sizeLabel(64 * KIB)} and more, the polyfill reaches ${range(nativeSends)} × native Chromium's rate: native writes resolve once Chromium's network ` +
        'service holds the data, while the polyfill, on the `WebSocket` API, waits for `bufferedAmount`.',
    );
  }
  parts.push(pausedReaderSentence(summary));
  return parts.filter(Boolean).join(' ');
}

/**
 * Which paused readers let the server send (nearly) everything, and which stopped it.
 * @param {BenchSummary} summary
 */
function pausedReaderSentence(summary) {
  /** @typedef {{ environment: EnvironmentSummary, paused: import('./types.mjs').PausedReaderRow & { serverBytesTakenByEndOfPause: number } }} Reader */
  // A reader that did not fail has its figures; those the server could not take are null.
  const readers = /** @type {Reader[]} */ (
    summary.environments.flatMap((environment) => environment.pausedReaders.filter((paused) => !paused.failed && paused.serverBytesTakenByEndOfPause !== null).map((paused) => ({ environment, paused })))
  );
  if (readers.length === 0) return null;
  const heldAll = readers.filter(({ paused }) => paused.serverBytesTakenByEndOfPause >= 0.9 * paused.firehoseBytes);
  const stopped = readers.filter((reader) => !heldAll.includes(reader));
  const name = (/** @type {Reader} */ { environment, paused }) => `${environment.name} ${paused.contender}`;
  /** @type {string[]} */
  const clauses = [];
  if (heldAll.length > 0) clauses.push(`the server sent all but a little of the firehose to ${list(heldAll.map(name))}, whose memory holds what it sent`);
  if (stopped.length > 0) clauses.push(`${list(stopped.map((reader) => `${name(reader)} (${mebibytes(reader.paused.serverBytesTakenByEndOfPause)})`))} stopped it`);
  return `The paused-reader rows show the receive-backpressure limit plainly: ${clauses.join('; ')}.`;
}

/**
 * Where an old Chromium's own WebSocket is the limit: the polyfill, built on it, cannot move more
 * than it does. Each old engine's raw WebSocket beside the current Chromium's raw one in the same run.
 * @param {BenchSummary} summary
 */
function oldWebSocketSection(summary) {
  const old = summary.environments.filter((environment) => environment.build);
  const factor = summary.method.ownWebSocketFactor;
  if (old.length === 0 || factor === undefined) return [];
  return [
    '### Older Chromium: where its own WebSocket is the limit',
    `The polyfill is built on the engine's \`WebSocket\`, so it can go no faster than that. Each old build's raw \`WebSocket\` beside the current Chromium's in this run ` +
      `(medians of separate sessions, so differences of a few percent are noise); it counts as the limit where it moves less than ${factor} × as much ` +
      `(for an echo, takes more than ${fixed(1 / factor)} × as long) and the polyfill on it did not clearly go faster than it:`,
    old.map((environment) => `- ${oldWebSocketBullet(environment)}`).join('\n'),
  ];
}

/** @param {EnvironmentSummary} environment  an old Chromium's */
function oldWebSocketBullet(environment) {
  const { version, bundle } = /** @type {import('./types.mjs').EngineBuild} */ (environment.build);
  const title = `**${environment.name}** (Chromium ${version}, the ${bundle} build)`;
  const figures = ownWebSocketFigures(environment);
  const cells = environment.ownWebSocket?.cells ?? [];
  if (figures === null) return `${title}: no current Chromium ran in this run to compare its \`WebSocket\` with.`;
  /** @type {Record<string, (ratio: string) => string>} */
  const verbs = { receive: (ratio) => `receives ${ratio} as many messages`, send: (ratio) => `sends ${ratio} as many`, echo: (ratio) => `takes ${ratio} as long for a round trip` };
  const at = (/** @type {import('./types.mjs').OwnWebSocketCell} */ cell) => `at ${sizeLabel(cell.size)} ${cell.type}`;
  const byKind = ['receive', 'send', 'echo'].flatMap((kind) => {
    const [first, ...rest] = cells.filter((cell) => cell.kind === kind);
    if (first === undefined) return [];
    return [list([`${verbs[kind](`${fixed(first.ratio)} ×`)} ${at(first)}`, ...rest.map((cell) => `${fixed(cell.ratio)} × ${at(cell)}`)])];
  });
  const verdict = figures.limits.length > 0 ? `It is the limit at ${list(cellsWithPolyfill(figures.limits))}.` : 'It is not the limit anywhere in this run.';
  const outrun = figures.outrun.length > 0 ? ` At ${list(cellsWithPolyfill(figures.outrun))} it measured slower too, but the polyfill on it went faster still: a slow patch, not a limit.` : '';
  return `${title}: beside ${figures.reference}'s, its own \`WebSocket\` ${byKind.join('; ')}. ${verdict}${outrun}`;
}

/** Costs that were the polyfill's own and are gone: what they were, not figures from an old run. */
function removedCosts() {
  return [
    '### Costs the polyfill had, and removed',
    [
      "- **The readable's `size()` callback**, a call from the engine back into script for every message, cost more than the rest of receiving a small message in Firefox. " +
        'The readable now counts messages with a high-water mark of 0, and the polyfill keeps the byte size of what is queued itself, to pause `ws` at the same mark.',
      "- **`ws`'s conversion of each binary message to an ArrayBuffer** (`ArrayBuffer.prototype.slice`, the largest single cost of receiving small binary messages in Node). " +
        'The adapter takes `ws`\'s Buffers, hands on those that own their ArrayBuffer, and copies only slices of a shared one.',
      '- **A copy of every binary chunk before sending**, a large share of the time it takes to send a megabyte. The engines\' own WebSockets take the bytes at `send()`, ' +
        "as the standard says, so they are handed a view; a `WebSocket` written in script (jsdom's sends later) and `ws` when permessage-deflate was negotiated (it compresses on zlib's thread, after `send()` returned) still get a copy; without compression `ws` copies into the masked frame within `send()`.",
      '- **A read of the readable\'s `desiredSize` after every message**, which only a socket that can stop reading (`ws`) weighs: browsers no longer make it.',
      '- **Two `setImmediate` calls per message sent over `ws`**, the watch that tells a write Node finished within `send()` from one that waited for the network. ' +
        'Sends made before a watch\'s first check phase now share it: a burst of small writes costs three immediates in all.',
      '- **Two getter calls per binary write** (a brand check and `resizable`): one getter now answers both, which counted most in WebKit.',
      "- **The readable's pull algorithm over the `WebSocket` API**, a call and a promise on every read that found the queue empty, to resume a socket that cannot pause. " +
        'Only a socket that can stop reading (`ws`) now gives the readable a pull.',
      '- **A predicted sleep of up to 16 ms while a large write waited for `bufferedAmount` to drop**: the watcher now looks on every timer task while the buffer drains, ' +
        'as an application\'s send loop does, and backs off to every 16 ms only while nothing drains.',
      '- **A 4 ms clamp on every look at `bufferedAmount`**: each wait\'s first look was a timer set from the look that settled the write before, so all of them formed one nested timer chain. ' +
        'The first look is now a task of its own (`scheduler.postTask`, where the engine has it), and each wait starts a new chain.',
    ].join('\n'),
    'The figures before and after each change are in the commits that made them: "Readable: count messages and track queued bytes in handleMessage, not through a size() callback", ' +
      '"ws adapter: hand on a message\'s Buffer without copying when its ArrayBuffer is its own", "Send: hand a browser\'s WebSocket a view of the chunk", ' +
      '"ws adapter: one promptness watch per burst of sends, not two immediates per message", "write: one getter call tells an ArrayBuffer from a shared one and whether it is resizable", ' +
      '"Readable without a pull algorithm where the socket cannot stop reading", "WebSocket adapter: look at bufferedAmount on every timer task while it drains, instead of predicting" ' +
      'and "polyfill: a wait for bufferedAmount starts with a posted task, not a nested timer".',
  ];
}
