// The bench's report, from a small record of made-up outcomes: every section a full run prints
// (ratios and verdicts, stream ceilings and flags, the paused reader, the stream floor) comes out
// with the figures put in, in the text report and on the performance page generated from the
// summary's JSON; an old Chromium gets columns of its own and a sentence on where its own WebSocket
// is the limit. A bench run takes ten minutes; a mistake in the report must show here first.
// The committed page (docs/performance.md and its chart) must be what the generator makes of the
// committed summary (docs/performance.json): no number on it is copied by hand.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { performancePage } from '../bench/performance-page.mjs';
import { benchmarkPlan, emptyRecord, planSettings } from '../bench/plan.mjs';
import { toSvg, toText } from '../bench/report.mjs';
import { summarize } from '../bench/summary.mjs';
import { latencySummary } from '../bench/workloads.mjs';

/** @typedef {import('../bench/types.mjs').Run} Run */
/** @typedef {import('../bench/types.mjs').PausedReaderRun} PausedReaderRun */
/** @typedef {import('../bench/types.mjs').BenchSummary} BenchSummary */

const KIB = 1024;
const docs = path.join(path.dirname(path.dirname(fileURLToPath(import.meta.url))), 'docs');

/**
 * A made-up run: it has what the summary reads of one, not every field a real one has.
 * @type {(kind: Run['kind'], size: number, contender: string, repetition: number, result: object) => Run}
 */
const run = (kind, size, contender, repetition, result) => /** @type {Run} */ ({ kind, size, type: 'binary', contender, repetition, count: 1000, roundTrips: 100, result });

/**
 * Made-up outcomes: each run and result has what the summary reads of it, not every field a real one has.
 * @returns {import('../bench/types.mjs').EnvironmentRecord}
 */
function environmentRecord() {
  const record = emptyRecord();
  for (let repetition = 0; repetition < 3; repetition++) {
    // Receiving 16 B, the polyfill gets 900 messages in 1 ms where raw gets 1000: a ratio of 0.9.
    record.runs.push(run('receive', 16, 'polyfill', repetition, { ms: 1, messages: 900, bytes: 900 * 16 }));
    record.runs.push(run('receive', 16, 'raw', repetition, { ms: 1, messages: 1000, bytes: 1000 * 16 }));
    // Receiving 64 KiB, raw takes 10 µs a message and the polyfill twice that: 0.5 × raw.
    record.runs.push(run('receive', 64 * KIB, 'polyfill', repetition, { ms: 1, messages: 50, bytes: 50 * 64 * KIB }));
    record.runs.push(run('receive', 64 * KIB, 'raw', repetition, { ms: 1, messages: 100, bytes: 100 * 64 * KIB }));
    record.runs.push(run('send', 16, 'polyfill', repetition, { ms: 2, messages: 1000, bytes: 1000 * 16 }));
    record.runs.push(run('send', 16, 'raw', repetition, { ms: 2, messages: 1000, bytes: 1000 * 16 }));
    record.runs.push(run('echo', 16, 'polyfill', repetition, { p50: 1.2, p99: 2 }));
    record.runs.push(run('echo', 16, 'raw', repetition, { p50: 1, p99: 2 }));
    record.streamFloors.push({ repetition, messages: 1000, readQueuedNs: 250, readWaitingNs: 1000, writeNs: 500 });
  }
  record.pausedReaders.push(/** @type {PausedReaderRun} */ ({
    contender: 'polyfill',
    size: 64 * KIB,
    count: 100,
    pauseMs: 2000,
    result: {
      serverBytes: { total: 6400 * KIB, acceptedAtStart: 0, acceptedAtEnd: 1024 * KIB },
      anonymousBytes: { before: 0, peak: 2048 * KIB, atEnd: 2048 * KIB },
      userSpaceBufferedBytes: { max: 100 * KIB, atEnd: 0 },
      drainMs: 12,
    },
  }));
  return { name: 'node', hello: { userAgent: 'test agent', contenders: ['polyfill', 'raw'], timerResolutionMs: 0.001 }, complete: true, outcome: 'done', seconds: 1, ...record };
}

const bundleSizes = {
  'dist/websocketstream-polyfill.min.js': { minified: 12345, gzip: 4567, brotli: 4111, gzipBudget: 4800 },
  'dist/websocketstream-polyfill.legacy.min.js': { minified: 80000, gzip: 23456, brotli: 20000, gzipBudget: 24000 },
};

/** The summary as the page generator reads it: through JSON. */
/** @type {BenchSummary} */
const summary = JSON.parse(JSON.stringify(summarize({ environments: [environmentRecord()], settings: planSettings({ repetitions: 3 }), sizes: bundleSizes, seconds: 600 })));
const [environment] = summary.environments;
const rowOf = (/** @type {string} */ kind, /** @type {number} */ size) => {
  const row = environment.rows.find((candidate) => candidate.kind === kind && candidate.size === size);
  assert.ok(row, `the summary has a ${kind} ${size} row`);
  return row;
};

test('the summary carries ratios, verdicts, the paused reader and the stream floor', () => {
  assert.equal(rowOf('receive', 16).ratios.raw?.median, 0.9);
  assert.deepEqual(rowOf('receive', 16).targets.map((target) => target.met), [false], 'receive 0.9 × raw misses the 0.95 target');
  assert.equal(rowOf('send', 16).targets[0].met, true, 'send 1.0 × raw meets 0.9');
  assert.equal(environment.pausedReaders[0].serverBytesTakenByEndOfPause, 1024 * KIB);
  assert.equal(environment.pausedReaders[0].memoryGrowth, 2048 * KIB);
  // Raw receives one 16 B message per µs; 1000 ns of waiting read on top gives 0.5, 250 ns queued 0.8.
  const floor = environment.streamFloor;
  assert.ok(floor, 'the stream floor was measured');
  assert.equal(floor.receive.rawNsPerMessage, 1000);
  assert.equal(floor.receive.ceilingWaiting, 0.5);
  assert.equal(floor.receive.ceilingQueued, 0.8);
  assert.equal(floor.send.ceiling, 2000 / 2500);
});

test("every receive and send cell has its own ceiling, from the dearer read for receive; cells below 0.95 × ceiling and echoes above 1.1 × raw are flagged", () => {
  // 16 B: raw 1000 ns + the waiting read's 1000 ns → 0.5 (0.8 with the queued read); 0.9 is 1.8 of it.
  assert.deepEqual(rowOf('receive', 16).ceiling, { basis: 'readWaitingNs', floorNs: 1000, rawNsPerMessage: 1000, value: 0.5, best: 0.8, ratio: 0.9, ratioToCeiling: 1.8, below: false, flagged: false });
  // 64 KiB: raw 10 µs a message → 10 ÷ 11 ≈ 0.91; the polyfill's 0.5 is 0.55 of it, flagged.
  const large = rowOf('receive', 64 * KIB).ceiling;
  assert.ok(large, 'the 64 KiB receive cell has a ceiling');
  assert.equal(large.value, 10_000 / 11_000);
  assert.equal(large.below, true);
  // Send: raw 2 µs + ready and write 0.5 µs → 0.8; the polyfill's 1.0 is 1.25 of it.
  assert.equal(rowOf('send', 16).ceiling?.value, 0.8);
  assert.equal(rowOf('send', 16).ceiling?.below, false);
  assert.equal(rowOf('echo', 16).ceiling, null, 'echo has no ceiling');
  assert.deepEqual(rowOf('echo', 16).echo, { limit: 1.1, ratio: 1.2, above: true, flagged: true }, 'no streams contender (Node): flagged above 1.1 × raw');
  assert.deepEqual(summary.flags.checked, { ceiling: 3, echo: 1, echoCeiling: 0, ceilingStreams: 0 });
  assert.deepEqual(
    summary.flags.flagged.map((cell) => `${cell.environment} ${cell.kind} ${cell.size}`),
    ['node receive 65536', 'node echo 16'],
  );
});

test('the text report shows every ratio with its ceiling and flag', () => {
  const text = toText(summary);
  assert.match(text, /0\.90 \(0\.90–0\.90\) ✗\s+ceiling 0\.50–0\.80, 1\.80 of it\s/);
  assert.match(text, /0\.50 \(0\.50–0\.50\) ✗\s+ceiling 0\.91–0\.98, 0\.55 of it ⚑/);
  assert.match(text, /1\.20 \(1\.20–1\.20\) ✗\s+limit 1\.1 ⚑/);
  assert.match(text, /receive at most 0\.50–0\.80 × raw/);
  assert.match(text, /the server got 1\.0 MiB out by the end of the pause/);
  assert.match(text, /3 receive and send cells checked against 0\.95 × their stream ceiling, 1 echo cells against 1\.1 × raw; 2 flagged ⚑/);
  assert.match(toSvg(summary), /^<svg [^]*stream ceiling 0\.909/);
});

test('the performance page generated from the JSON shows its numbers, ceilings and flags', () => {
  const page = performancePage(summary);
  assert.match(page, /\| workload \| size \| type \| node: vs raw ws \| node: ceiling \|/);
  assert.match(page, /\| receive \| 16 B \| binary \| 0\.90 \(0\.90–0\.90\) ✗ \| ceiling 0\.50–0\.80, 1\.80 of it \|/);
  assert.match(page, /\| receive \| 64 KiB \| binary \| 0\.50 \(0\.50–0\.50\) ✗ \| ceiling 0\.91–0\.98, 0\.55 of it ⚑ \|/);
  assert.match(page, /\| send \| 16 B \| binary \| 1\.00 \(1\.00–1\.00\) ✓ \| ceiling 0\.80, 1\.25 of it \|/);
  assert.match(page, /\| echo \| 16 B \| binary \| 1\.20 \(1\.20–1\.20\) ✗ \| limit 1\.1 ⚑ \|/);
  assert.match(page, /- node receive 64 KiB binary: 0\.50 × raw, ceiling 0\.91 \(0\.55 of it\)\n- node echo 16 B binary: 1\.20 × raw, above 1\.1\n/);
  assert.match(page, /\*\*receive\*\* cells use the dearer of the stream floor's two reads/);
  assert.match(page, /\| node \| polyfill \| 1\.0 MiB of 6\.3 MiB \| 2\.0 MiB \| 100 KiB \|/);
  assert.match(page, /\| node \| 250 ns \| 1\.0 µs \| 1\.0 µs \| 0\.50–0\.80 \| 500 ns \| 2\.0 µs \| 0\.80 \|/);
  assert.match(page, /Node's streams, written in JavaScript, take 250 ns–1\.0 µs per message on their own, so no stream-based receiver can pass about 0\.50–0\.80 × raw there/);
  assert.match(page, /receive at least 0\.95 × raw in 0 of 2 \(misses: 1 at 16 B and 1 at 64 KiB\)/);
  assert.match(page, /1 of 3 receive and send cells are ⚑ in the table, below 0\.95 × their own ceiling, which is where/);
  assert.match(page, /The modern IIFE is 12,345 B minified, 4,567 B min\+gzip \(budget 4,800 B: within\)/);
  assert.match(page, /this run: 10 minutes/);
  assert.match(page, /!\[[^\]]*\]\(performance\.svg\)/);
  assert.match(page, /Measured \d{4}-\d\d-\d\d on \d+ cores \(load average \d+\.\d at the end of the run\): test agent\./);
  assert.doesNotMatch(page, /undefined|NaN|null/);
});

test('the committed performance page and chart are what the generator makes of the committed summary', () => {
  const committed = JSON.parse(readFileSync(path.join(docs, 'performance.json'), 'utf8'));
  assert.equal(readFileSync(path.join(docs, 'performance.md'), 'utf8'), performancePage(committed), 'regenerate: node bench/performance-page.mjs docs/performance.json --out docs/performance.md');
  assert.equal(readFileSync(path.join(docs, 'performance.svg'), 'utf8'), toSvg(committed));
  assert.equal(committed.settings.quick, false, 'the committed page comes from a full run');
});

/**
 * A made-up Chromium whose raw WebSocket receives `receiving` 16 B messages a millisecond (the
 * polyfill 0.9 × as many) and sends 1000, with an old build's `build`.
 * @param {string} name
 * @param {string} version
 * @param {number} receiving
 * @param {import('../bench/types.mjs').EngineBuild|null} build
 * @returns {import('../bench/types.mjs').EnvironmentRecord}
 */
function chromiumRecord(name, version, receiving, build) {
  const record = emptyRecord();
  for (let repetition = 0; repetition < 3; repetition++) {
    record.runs.push(run('receive', 16, 'raw', repetition, { ms: 1, messages: receiving, bytes: receiving * 16 }));
    record.runs.push(run('receive', 16, 'polyfill', repetition, { ms: 1, messages: 0.9 * receiving, bytes: 0.9 * receiving * 16 }));
    record.runs.push(run('send', 16, 'raw', repetition, { ms: 1, messages: 1000, bytes: 1000 * 16 }));
    record.runs.push(run('send', 16, 'polyfill', repetition, { ms: 1, messages: 1000, bytes: 1000 * 16 }));
    record.streamFloors.push({ repetition, messages: 1000, readQueuedNs: 100, readWaitingNs: 100, writeNs: 100 });
  }
  const hello = { userAgent: `Mozilla/5.0 HeadlessChrome/${version} Safari/537.36`, contenders: ['polyfill', 'raw'], timerResolutionMs: 0.005 };
  return { name, hello, complete: true, outcome: 'done', seconds: 1, build, ...record };
}

/** @type {import('../bench/types.mjs').EngineBuild} */
const chromium92 = { spec: 'chromium@92', version: '92.0.4512.0', obtainedFrom: 'npm:@sparticuz/chromium@92.0.0', bundle: 'legacy', note: 'needs legacy: the modern build does not load here' };

test("an old Chromium gets columns labelled with its build, its ceilings, and a sentence on where its own WebSocket is the limit", () => {
  const environments = [chromiumRecord('chromium', '156.0.0.0', 1000, null), chromiumRecord('chromium@92', '92.0.4512.0', 600, chromium92)];
  /** @type {BenchSummary} */
  const withOld = JSON.parse(JSON.stringify(summarize({ environments, settings: planSettings({ repetitions: 3 }), sizes: bundleSizes, seconds: 60 })));
  const old = withOld.environments[1];
  // 600 ÷ 1000 messages a millisecond: below 0.9 ×, and the polyfill does not outrun it (0.9 × of it).
  assert.deepEqual(old.ownWebSocket?.cells.map((cell) => [cell.kind, cell.ratio, cell.limit]), [['receive', 0.6, true], ['send', 1, false]]);
  assert.ok(old.rows.every((row) => row.ceiling), 'every cell of the old build has its stream ceiling');
  const page = performancePage(withOld);
  assert.match(page, /\| chromium: vs raw WebSocket \| chromium: ceiling \| chromium@92 \(legacy build\): vs raw WebSocket \| chromium@92 \(legacy build\): ceiling \|/);
  assert.match(page, /chromium@92 \(Chromium 92\.0\.4512\.0, from npm:@sparticuz\/chromium@92\.0\.0\) at 16 B, with the legacy build — needs legacy/);
  assert.match(
    page,
    /- \*\*chromium@92\*\* \(Chromium 92\.0\.4512\.0, the legacy build\): beside chromium 156's, its own `WebSocket` receives 0\.60 × as many messages at 16 B binary; sends 1\.00 × as many at 16 B binary\. It is the limit at receive 16 B binary \(the polyfill 0\.90 × of it\)\./,
  );
  assert.doesNotMatch(page, /undefined|NaN|null/);
  const text = toText(withOld);
  assert.match(text, /chromium@92: [^\n]*npm:@sparticuz\/chromium@92\.0\.0, the legacy build of the polyfill \(needs legacy/);
  assert.match(text, /own WebSocket ÷ chromium 156's raw WebSocket[^\n]*\n {4}receive 16 B binary 0\.60 ×, send 16 B binary 1\.00 ×\n {4}the limit [^:]*: receive 16 B binary \(the polyfill 0\.90 × of it\)/);
  assert.match(toSvg(withOld), />chromium@92<\/text>/);
});

test('an old Chromium measured without the current one says there is nothing to compare its WebSocket with', () => {
  const environments = [chromiumRecord('chromium@92', '92.0.4512.0', 600, chromium92)];
  /** @type {BenchSummary} */
  const alone = JSON.parse(JSON.stringify(summarize({ environments, settings: planSettings({ repetitions: 3 }), sizes: bundleSizes, seconds: 60 })));
  assert.equal(alone.environments[0].ownWebSocket, null);
  assert.match(performancePage(alone), /\*\*chromium@92\*\* \(Chromium 92\.0\.4512\.0, the legacy build\): no current Chromium ran in this run to compare its `WebSocket` with\./);
  assert.match(toText(alone), /own WebSocket: no current chromium in this run to compare it with/);
});

test('echo is judged on the p50 of all round trips pooled across the interleaved runs, not on the median of the runs\' ratios', () => {
  const record = emptyRecord();
  /** @type {(contender: string, repetition: number, samples: number[]) => void} */
  const echo = (contender, repetition, samples) => {
    record.runs.push(run('echo', 16, contender, repetition, { ...latencySummary(samples), samples }));
  };
  // Raw takes 1 ms for every round trip. The polyfill takes 1 ms for most of three runs' round
  // trips and 2 ms for the rest and for all of a fourth: each of the first three runs' p50 is 1 ms,
  // so the runs' ratios are 1, 1, 1 and 2 (median 1.0, within 1.1 × raw), but 11 of its 20 round
  // trips took 2 ms: the p50 of them all is 2 ms, 2.0 × raw.
  for (let repetition = 0; repetition < 4; repetition++) {
    echo('raw', repetition, [1, 1, 1, 1, 1]);
    echo('polyfill', repetition, repetition === 3 ? [2, 2, 2, 2, 2] : [2, 1, 1, 2, 1]);
  }
  const hello = { userAgent: 'test agent', contenders: ['polyfill', 'raw'], timerResolutionMs: 0.001 };
  const settings = { ...planSettings({ repetitions: 1 }), sizes: [16], echoSlices: 4 };
  /** @type {BenchSummary} */
  const pooled = JSON.parse(JSON.stringify(summarize({ environments: [{ name: 'node', hello, complete: true, outcome: 'done', seconds: 1, ...record }], settings, sizes: bundleSizes, seconds: 60 })));
  const [row] = pooled.environments[0].rows;
  assert.deepEqual(row.ratios.raw, { pooled: 2, median: 1, min: 1, max: 2, n: 4 }, 'pooled p50 ÷ pooled p50, with the paired runs\' spread beside it');
  assert.equal(row.targets[0].met, false, 'the pooled p50, 2 × raw, misses the 1.1 target the median of ratios (1.0) would meet');
  assert.deepEqual(row.echo, { limit: 1.1, ratio: 2, above: true, flagged: true });
  assert.equal(row.contenders.polyfill.pooledP50Ms, 2);
  assert.equal(row.contenders.polyfill.pooledRoundTrips, 20);
  assert.equal(row.contenders.polyfill.p50Ms?.median, 1, 'the runs\' own p50s are kept as they were');
  assert.equal(row.contenders.raw.pooledP50Ms, 1);
  assert.equal(pooled.method.echoPooled, true);
  assert.ok(!JSON.stringify(pooled).includes('samples'), 'the summary keeps no samples');
  const page = performancePage(pooled);
  assert.match(page, /\| echo \| 16 B \| binary \| 2\.00 \(1\.00–2\.00\) ✗ \| limit 1\.1 ⚑ \|/);
  assert.match(page, /every round trip of a contender in the cell, from all its 4 runs, goes into one pool/);
  assert.match(toText(pooled), /2\.00 \(1\.00–2\.00\) ✗\s+limit 1\.1 ⚑/);
  assert.match(toText(pooled), /2\.00 ms \(1\.00–2\.00\) p99 2\.00 {2}1\.00 ms/);
});

/**
 * A made-up browser's echo at 16 B: `raw`, `streams` and `polyfill` take these many ms for every
 * round trip of their four interleaved runs.
 * @param {Record<string, number>} p50s
 * @returns {import('../bench/types.mjs').EnvironmentRecord}
 */
function browserEchoRecord(p50s) {
  const record = emptyRecord();
  for (let repetition = 0; repetition < 4; repetition++) {
    for (const [contender, ms] of Object.entries(p50s)) {
      const samples = [ms, ms, ms, ms, ms];
      record.runs.push(run('echo', 16, contender, repetition, { ...latencySummary(samples), samples }));
    }
  }
  const hello = { userAgent: 'Mozilla/5.0 HeadlessChrome/156.0.0.0 Safari/537.36', contenders: ['polyfill', 'raw', 'native', 'streams'], timerResolutionMs: 0.005 };
  return { name: 'chromium', hello, complete: true, outcome: 'done', seconds: 1, ...record };
}

/** @param {Record<string, number>} p50s @returns {BenchSummary} */
const browserEchoSummary = (p50s) =>
  JSON.parse(JSON.stringify(summarize({ environments: [browserEchoRecord(p50s)], settings: { ...planSettings({ repetitions: 1 }), sizes: [16], echoSlices: 4 }, sizes: bundleSizes, seconds: 60 })));

test('an echo above 1.1 × raw but within 1/0.95 of the streams alone misses its target and is not flagged', () => {
  // Chromium 156 at 16 B, as measured: raw 0.180 ms, the streams alone 0.200, the polyfill 0.210 —
  // 1.17 × raw (✗), but the streams alone are 1.11 × raw, and the polyfill 1.05 × them (≤ 1/0.95).
  const within = browserEchoSummary({ polyfill: 0.21, raw: 0.18, streams: 0.2 });
  const [row] = within.environments[0].rows;
  assert.equal(row.targets[0].met, false, 'the ✓/✗ verdict is still against 1.1 × raw');
  assert.equal(row.ceiling, null, 'no stream-floor ceiling');
  assert.ok(row.echo);
  assert.equal(row.echo.above, true);
  assert.equal(row.echo.flagged, false);
  assert.ok(Math.abs(/** @type {number} */ (row.echo.ceiling) - 0.2 / 0.18) < 1e-9);
  assert.ok(Math.abs(/** @type {number} */ (row.echo.ratioToCeiling) - 0.21 / 0.2) < 1e-9);
  assert.equal(row.ratios.streams, undefined, 'streams is a ceiling, not a reference');
  assert.deepEqual(within.flags.flagged, []);
  assert.deepEqual(within.flags.checked, { ceiling: 0, echo: 1, echoCeiling: 1, ceilingStreams: 0 });
  const page = performancePage(within);
  assert.match(page, /\| echo \| 16 B \| binary \| 1\.17 \(1\.17–1\.17\) ✗ \| streams alone 1\.11, 1\.05 of it \|/);
  assert.match(page, /- \*\*echo\*\* cells use the `streams` contender's round trip over raw's \(pooled p50s\): `streams` is [^]*`bench\/baselines\/bare-streams\.js` in browsers/);
  assert.match(page, /0 receive and send cells checked against 0\.95 × their stream ceiling, 1 echo cells against 1\.1 × raw \(1 of them also against 1\.05 × the streams alone\): none flagged\./);
  assert.doesNotMatch(page, /undefined|NaN|null/);
  const text = toText(within);
  assert.match(text, /1\.17 \(1\.17–1\.17\) ✗\s+streams alone 1\.11, 1\.05 of it\s/);
  assert.match(text, /polyfill\s+raw\s+streams\s+polyfill\/raw/, 'the streams contender has a column of its own');
  assert.match(text, /0\.180 ms \(0\.180–0\.180\) p99 0\.180\s+0\.200 ms/);
});

test('an echo beyond 1/0.95 of the streams alone is flagged', () => {
  // raw 0.180, the streams alone 0.200, the polyfill 0.220: 1.10 × the streams alone, beyond 1.0526.
  const beyond = browserEchoSummary({ polyfill: 0.22, raw: 0.18, streams: 0.2 });
  const [row] = beyond.environments[0].rows;
  assert.equal(row.targets[0].met, false);
  assert.equal(row.echo?.flagged, true);
  assert.deepEqual(beyond.flags.flagged.map((cell) => [cell.kind, cell.limit, cell.ratioToCeiling?.toFixed(2)]), [['echo', 1.1, '1.10']]);
  const page = performancePage(beyond);
  assert.match(page, /\| echo \| 16 B \| binary \| 1\.22 \(1\.22–1\.22\) ✗ \| streams alone 1\.11, 1\.10 of it ⚑ \|/);
  assert.match(page, /- chromium echo 16 B binary: 1\.22 × raw, above 1\.1, 1\.10 × the streams alone \(1\.11 × raw\)\n/);
  // Within 1.1 × raw: not flagged however slow the streams alone are beside it.
  const fast = browserEchoSummary({ polyfill: 0.19, raw: 0.18, streams: 0.15 });
  assert.equal(fast.environments[0].rows[0].echo?.flagged, false);
  assert.equal(fast.environments[0].rows[0].targets[0].met, true);
});

/**
 * A made-up browser's receive at 16 B with the stream floor of the Node record (ceiling 0.5): raw
 * gets 1000 messages a millisecond, `streams` and `polyfill` these many per run.
 * @param {{ polyfill: number, streams: number }} messages
 * @returns {BenchSummary}
 */
function browserReceiveSummary({ polyfill, streams }) {
  const record = emptyRecord();
  for (let repetition = 0; repetition < 3; repetition++) {
    for (const [contender, count] of Object.entries({ polyfill, raw: 1000, streams })) {
      record.runs.push(run('receive', 16, contender, repetition, { ms: 1, messages: count, bytes: count * 16 }));
    }
    record.streamFloors.push({ repetition, messages: 1000, readQueuedNs: 250, readWaitingNs: 1000, writeNs: 500 });
  }
  const hello = { userAgent: 'Mozilla/5.0 (X11; Linux x86_64; rv:153.0) Gecko/20100101 Firefox/153.0', contenders: ['polyfill', 'raw', 'streams'], timerResolutionMs: 0.02 };
  const environment = { name: 'firefox', hello, complete: true, outcome: 'done', seconds: 1, ...record };
  return JSON.parse(JSON.stringify(summarize({ environments: [environment], settings: { ...planSettings({ repetitions: 3 }), sizes: [16] }, sizes: bundleSizes, seconds: 60 })));
}

test('a receive or send cell below its stream ceiling is flagged only when it is also below 0.95 × the streams alone', () => {
  // Ceiling 0.5; the polyfill at 0.40 × raw is 0.80 of it. The streams alone reach 0.41: 0.98 of them.
  const within = browserReceiveSummary({ polyfill: 400, streams: 410 });
  const [row] = within.environments[0].rows;
  assert.equal(row.ceiling?.below, true);
  assert.equal(row.ceiling?.flagged, false, 'the streams alone do no better');
  assert.equal(row.streamsAlone?.vsRaw.median, 0.41);
  assert.deepEqual(within.flags.flagged, []);
  assert.deepEqual(within.flags.checked, { ceiling: 1, echo: 0, echoCeiling: 0, ceilingStreams: 1 });
  const page = performancePage(within);
  assert.match(page, /\| receive \| 16 B \| binary \| 0\.40 \(0\.40–0\.40\) ✗ \| ceiling 0\.50–0\.80, 0\.80 of it; streams alone 0\.41, 0\.98 of it \|/);
  assert.match(page, /0 of 1 receive and send cells are ⚑ in the table, below 0\.95 × their own ceiling and the streams alone, [^]*1 more are below their stream ceiling but within 0\.95 × the platform's streams alone/);
  assert.match(page, /1 receive and send cells checked against 0\.95 × their stream ceiling \(1 of them also against 0\.95 × the streams alone\)/);
  assert.doesNotMatch(page, /undefined|NaN|null/);
  assert.match(toText(within), /0\.40 \(0\.40–0\.40\) ✗\s+ceiling 0\.50–0\.80, 0\.80 of it; streams alone 0\.41, 0\.98 of it\s/);

  // The streams alone reach 0.45: the polyfill's 0.40 is 0.89 of them, its own cost.
  const beyond = browserReceiveSummary({ polyfill: 400, streams: 450 });
  assert.equal(beyond.environments[0].rows[0].ceiling?.flagged, true);
  assert.deepEqual(beyond.flags.flagged.map((cell) => [cell.kind, cell.streams, cell.ratioToStreams?.toFixed(2)]), [['receive', 0.45, '0.89']]);
  assert.match(performancePage(beyond), /- firefox receive 16 B binary: 0\.40 × raw, ceiling 0\.50 \(0\.80 of it\), streams alone 0\.45 \(0\.89 of them\)\n/);
});

test('the streams contender runs in receive, send and echo jobs as often as raw, and --contenders can leave it out', () => {
  const hello = { userAgent: 'test agent', contenders: ['polyfill', 'raw', 'streams'], timerResolutionMs: 0.001 };
  /** @param {string[]|null} contenders */
  const jobsOf = (contenders) => {
    const settings = planSettings({ quick: true, repetitions: 1, sizes: [16], types: ['binary'], kinds: ['receive', 'send', 'echo'], contenders });
    const plan = benchmarkPlan(hello, settings, emptyRecord());
    /** @type {import('../bench/types.mjs').Job[]} */
    const jobs = [];
    // Every job succeeds with a result of both kinds' shape: the plan reads only what it calibrates with.
    const outcome = (/** @type {number} */ id) => /** @type {import('../bench/types.mjs').JobOutcome} */ (/** @type {unknown} */ ({ id, result: { ms: 1, messages: 100, bytes: 1600, p50: 1, p99: 1 } }));
    for (let step = plan.next(); !step.done; step = plan.next(outcome(step.value.id))) jobs.push(step.value);
    return jobs.map((job) => `${job.kind} ${job.contender}`);
  };
  const all = jobsOf(null);
  assert.deepEqual([...new Set(all.filter((job) => job.endsWith(' streams')))], ['receive streams', 'send streams', 'echo streams']);
  for (const kind of ['receive', 'send', 'echo']) {
    assert.equal(all.filter((job) => job === `${kind} streams`).length, all.filter((job) => job === `${kind} raw`).length, `as many ${kind} runs as raw`);
  }
  assert.ok(!jobsOf(['polyfill', 'raw']).some((job) => job.endsWith(' streams')));
});

test('the bench lists its options on --help, and stops on an unknown one with one line', () => {
  const bench = (/** @type {string} */ option) => spawnSync(process.execPath, [path.join(path.dirname(docs), 'bench', 'run.mjs'), option], { encoding: 'utf8', timeout: 30_000 });
  const help = bench('--help');
  assert.equal(help.status, 0);
  assert.match(help.stdout, /^Usage:\n {2}npm run bench {2,}everything/);
  assert.match(help.stdout, /--candidate OTHER_DIST/);
  const unknown = bench('--sise');
  assert.equal(unknown.status, 2);
  assert.equal(unknown.stderr.trim().split('\n').length, 1, unknown.stderr);
  assert.match(unknown.stderr, /^\[bench\] Unknown option '--sise'.*--help lists the options/);
});

test('a recheck plan measures only the flagged cells it is given', () => {
  const hello = { userAgent: 'test agent', contenders: ['polyfill', 'raw'], timerResolutionMs: 0.001 };
  /** @type {import('../bench/types.mjs').Cell[]} */
  const cells = [{ kind: 'receive', size: 64 * KIB, type: 'binary' }, { kind: 'echo', size: 16, type: 'text' }];
  const settings = { ...planSettings({ quick: true, repetitions: 2, sizes: [16, 64 * KIB], kinds: ['receive', 'echo'] }), cells };
  const plan = benchmarkPlan(hello, settings, emptyRecord());
  /** @type {Set<string>} */
  const measured = new Set();
  const outcome = (/** @type {number} */ id) => /** @type {import('../bench/types.mjs').JobOutcome} */ (/** @type {unknown} */ ({ id, result: { ms: 1, messages: 100, bytes: 1600, p50: 1, p99: 1 } }));
  for (let step = plan.next(); !step.done; step = plan.next(outcome(step.value.id))) measured.add(`${step.value.kind} ${step.value.size} ${step.value.type}`);
  assert.deepEqual([...measured], ['receive 65536 binary', 'echo 16 text']);
});

/**
 * The recheck of the made-up run: receiving 64 KiB now 0.95 × raw (1.05 of its ceiling), echo as before.
 * @param {{ withEcho: boolean }} options
 * @returns {import('../bench/types.mjs').EnvironmentRecord}
 */
function recheckRecord({ withEcho }) {
  const record = emptyRecord();
  for (let repetition = 0; repetition < 9; repetition++) {
    record.runs.push(run('receive', 64 * KIB, 'polyfill', repetition, { ms: 1, messages: 95, bytes: 95 * 64 * KIB }));
    record.runs.push(run('receive', 64 * KIB, 'raw', repetition, { ms: 1, messages: 100, bytes: 100 * 64 * KIB }));
    if (!withEcho) continue;
    record.runs.push(run('echo', 16, 'polyfill', repetition, { p50: 1.3, p99: 2 }));
    record.runs.push(run('echo', 16, 'raw', repetition, { p50: 1, p99: 2 }));
  }
  const { streamFloors } = environmentRecord();
  return { name: 'node', hello: { userAgent: 'test agent', contenders: ['polyfill', 'raw'], timerResolutionMs: 0.001 }, complete: true, outcome: 'done', seconds: 1, ...record, streamFloors };
}

test('each flagged cell carries its recheck, judged by the same rule, in the JSON, the text report and the page', () => {
  const rechecked = /** @type {BenchSummary} */ (JSON.parse(JSON.stringify(summarize({
    environments: [environmentRecord()], settings: planSettings({ repetitions: 3 }), sizes: bundleSizes, seconds: 600,
    rechecks: { repetitions: 9, environments: [recheckRecord({ withEcho: true })] },
  }))));
  const [receive, echo] = rechecked.flags.flagged;
  assert.deepEqual(receive.recheck, { repetitions: 9, ratio: 0.95, ratioToCeiling: 0.95 / (10_000 / 11_000), confirmed: false });
  assert.deepEqual(echo.recheck, { repetitions: 9, ratio: 1.3, confirmed: true });
  const text = toText(rechecked);
  assert.match(text, /2 flagged ⚑ \(1 of 2 flagged again by a recheck\):/);
  assert.match(text, /node receive 64 KiB binary: 0\.50 × raw, ceiling 0\.91 \(0\.55 of it\); rechecked over 9 repetitions: 0\.95 × raw, 1\.04 of the ceiling, not flagged/);
  assert.match(text, /node echo 16 B binary: 1\.20 × raw, above 1\.1; rechecked over 9 repetitions: 1\.30 × raw, flagged again/);
  const page = performancePage(rechecked);
  assert.match(page, /After the run every flagged cell was measured again, in a session of its own, over 9 repetitions of it alone/);
  assert.match(page, /1 of 3 receive and send cells are ⚑ in the table \(0 of them flagged again by the recheck below\)/);
});

test('a flag whose recheck measured nothing stays flagged', () => {
  const rechecked = summarize({
    environments: [environmentRecord()], settings: planSettings({ repetitions: 3 }), sizes: bundleSizes, seconds: 600,
    rechecks: { repetitions: 9, environments: [recheckRecord({ withEcho: false })] },
  });
  assert.deepEqual(rechecked.flags.flagged[1].recheck, { repetitions: 9, ratio: null, confirmed: true });
  assert.match(toText(rechecked), /node echo 16 B binary: 1\.20 × raw, above 1\.1; the recheck \(9 repetitions\) measured nothing: still flagged/);
});
