// The bench's report, from a small record of made-up outcomes: every section a full run prints
// (ratios and verdicts, the paused reader, the stream floor) comes out with the figures put in.
// A bench run takes ten minutes; a mistake in the report must show here first.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { emptyRecord, planSettings } from '../bench/plan.mjs';
import { summarize, toMarkdown, toSvg, toText } from '../bench/report.mjs';

const KIB = 1024;

function environmentRecord() {
  const record = emptyRecord();
  const run = (kind, contender, repetition, result) => ({ kind, size: 16, type: 'binary', contender, repetition, count: 1000, result });
  for (let repetition = 0; repetition < 3; repetition++) {
    // The polyfill receives 900 messages in 1 ms where raw receives 1000: a ratio of 0.9.
    record.runs.push(run('receive', 'polyfill', repetition, { ms: 1, messages: 900, bytes: 900 * 16 }));
    record.runs.push(run('receive', 'raw', repetition, { ms: 1, messages: 1000, bytes: 1000 * 16 }));
    record.runs.push(run('send', 'polyfill', repetition, { ms: 2, messages: 1000, bytes: 1000 * 16 }));
    record.runs.push(run('send', 'raw', repetition, { ms: 2, messages: 1000, bytes: 1000 * 16 }));
    record.streamFloors.push({ repetition, messages: 1000, readQueuedNs: 250, readWaitingNs: 1000, writeNs: 500 });
  }
  record.pausedReaders.push({
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
  });
  return { name: 'node', hello: { userAgent: 'test agent', contenders: ['polyfill', 'raw'], timerResolutionMs: 0.001 }, complete: true, outcome: 'done', seconds: 1, ...record };
}

test('the report carries ratios, verdicts, the paused reader and the stream floor', () => {
  const summary = summarize({ environments: [environmentRecord()], settings: planSettings({ repetitions: 3 }), sizes: {}, seconds: 1 });
  const [environment] = summary.environments;

  const receive = environment.rows.find((row) => row.kind === 'receive');
  assert.equal(receive.ratios.raw.median, 0.9);
  assert.deepEqual(receive.targets.map((target) => target.met), [false], 'receive 0.9 × raw misses the 0.95 target');
  assert.equal(environment.rows.find((row) => row.kind === 'send').targets[0].met, true, 'send 1.0 × raw meets 0.9');

  assert.equal(environment.pausedReaders[0].serverBytesTakenByEndOfPause, 1024 * KIB);
  assert.equal(environment.pausedReaders[0].memoryGrowth, 2048 * KIB);

  // Raw receives one message per µs; 1000 ns of waiting read on top gives 0.5, 250 ns queued 0.8.
  const floor = environment.streamFloor;
  assert.equal(floor.receive.rawNsPerMessage, 1000);
  assert.equal(floor.receive.ceilingWaiting, 0.5);
  assert.equal(floor.receive.ceilingQueued, 0.8);
  assert.equal(floor.send.ceiling, 2000 / 2500);

  const text = toText(summary);
  assert.match(text, /0\.90 \(0\.90–0\.90\) ✗/);
  assert.match(text, /receive at most 0\.50–0\.80 × raw/);
  assert.match(text, /the server got 1\.0 MiB out by the end of the pause/);
  const markdown = toMarkdown(summary);
  assert.match(markdown, /\| receive \| 16 B \| binary \| 0\.90 \(0\.90–0\.90\) ✗ \|/);
  assert.match(markdown, /\| node \| 250 ns \| 1\.0 µs \| 1\.0 µs \| 0\.50–0\.80 \| 500 ns \| 2\.0 µs \| 0\.80 \|/);
  assert.match(markdown, /\| node \| polyfill \| 1\.0 MiB of 6\.3 MiB \| 2\.0 MiB \| 100 KiB \|/);
  assert.match(toSvg(summary), /^<svg /);
});
