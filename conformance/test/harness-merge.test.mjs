// `merge` on real shard reports: two shards of a jsdom run (the quickest configuration, ws: pages
// only) merge into one report judged as one run; shards that do not belong together are refused
// (the CLI prints a SetupError as one line, exit 2, as harness-webdriver.test.mjs checks). The
// equality with an unsharded run, through a real grid, is test/grid.test.mjs's.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { mergeShards } from '../lib/merge.mjs';
import { validateReport } from '../lib/schema.mjs';
import { SetupError } from '../lib/setup-error.mjs';
import { REPOSITORY, runCli } from './harness-fixtures.mjs';

const FILES = ['idl.any.js', 'websocket-error.any.js'];

/** @typedef {import('../lib/types.mjs').Report} Report */
/** @typedef {import('../lib/merge.mjs').Shard} Shard */

describe('merge', () => {
  let scratch = '';
  /** @type {string[]} */
  const shards = [];

  before(async () => {
    scratch = mkdtempSync(path.join(os.tmpdir(), 'merge-test-'));
    const runs = await Promise.all([1, 2].map((index) => runCli(['--browsers', 'jsdom', ...FILES.flatMap((file) => ['--filter', file]),
      '--variants', 'default', '--shard', `${index}/2`, '--out', path.join(scratch, `shard-${index}`), '--reporter', 'json', '--quiet'])));
    for (const run of runs) assert.equal(run.code, 0, run.stderr);
    shards.push(...[1, 2].map((index) => path.join(scratch, `shard-${index}`, 'results.json')));
  });
  after(() => rmSync(scratch, { recursive: true, force: true }));

  it('gives one valid report of every file, with each shard and the sessions counted', async () => {
    const out = path.join(scratch, 'merged');
    const { code, stdout, stderr } = await runCli(['merge', ...shards, '--out', out, '--reporter', 'json,terminal']);
    assert.equal(code, 0, stderr + stdout);
    assert.match(stdout, /merged from 2 shards: 1\/2 1 files in [\d.]+ s, 2\/2 1 files in [\d.]+ s/);
    const merged = /** @type {Report} */ (JSON.parse(readFileSync(path.join(out, 'results.json'), 'utf8')));
    assert.deepEqual(validateReport(merged), []);
    const parts = shards.map((file) => /** @type {Report} */ (JSON.parse(readFileSync(file, 'utf8'))));
    assert.deepEqual([...merged.run.files].sort(), FILES.map((file) => `websockets/stream/${file}`).sort());
    assert.equal(merged.results.length, parts[0].results.length + parts[1].results.length);
    // A shard written by this harness counts its sessions (the field is optional for older reports).
    const sessionsOf = (/** @type {Report} */ report) => /** @type {number} */ (report.run.sessions);
    assert.equal(merged.run.sessions, sessionsOf(parts[0]) + sessionsOf(parts[1]));
    assert.equal(merged.run.options.shard, null);
    assert.deepEqual(merged.run.shards?.map((shard) => `${shard.index}/${shard.count}`), ['1/2', '2/2']);
  });

  it('refuses shards that are not every shard of one run, naming what is wrong', async () => {
    const [first, second] = shards.map((file) => ({ name: path.basename(path.dirname(file)), report: /** @type {Report} */ (JSON.parse(readFileSync(file, 'utf8'))) }));
    const otherRun = { name: 'other-run', report: structuredClone(second.report) };
    otherRun.report.run.options.timeoutMultiplier = 3;
    /** @type {[Shard[], RegExp][]} */
    const cases = [
      [[first], /^merge: shard 2\/2 missing: every shard of the run is needed$/],
      [[first, first, second], /^merge: shard 1\/2 is given twice \(shard-1, shard-1\)$/],
      [[first, otherRun], /^merge: other-run and shard-1 are not shards of one run: their options differ: timeoutMultiplier 1 vs 3$/],
    ];
    for (const [given, message] of cases) {
      await assert.rejects(mergeShards(given, { cwd: REPOSITORY, expectationsDir: null }),
        (error) => error instanceof SetupError && message.test(error.message), String(message));
    }
  });
});
