// `npm run bench -- --cpu-profile DIR`: a real, short bench run in Chromium writes a DevTools CPU
// profile of the bench page, in which the polyfill's own functions appear, and the profile's self
// times can be listed. Engines the bench cannot profile are refused before anything starts.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { selfTimes } from '../bench/cpu-profile.mjs';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const RUN_MS = 120_000;

/** @param {string[]} args */
function bench(args) {
  return spawnSync(process.execPath, [path.join(root, 'bench', 'run.mjs'), ...args], { encoding: 'utf8', timeout: RUN_MS });
}

test('a Chromium bench run with --cpu-profile writes a profile of the page that shows the polyfill at work', () => {
  const directory = mkdtempSync(path.join(os.tmpdir(), 'bench-profile-'));
  try {
    const run = bench([
      '--only', 'chromium', '--contenders', 'polyfill', '--kinds', 'send', '--sizes', '16', '--types', 'binary',
      '--repetitions', '1', '--no-docs', '--cpu-profile', path.join(directory, 'profiles'), '--out', path.join(directory, 'report'),
    ]);
    assert.equal(run.status, 0, `${run.stdout}\n${run.stderr}`);
    const files = readdirSync(path.join(directory, 'profiles'));
    assert.deepEqual(files, ['chromium-throughput-and-latency.cpuprofile']);
    const profile = JSON.parse(readFileSync(path.join(directory, 'profiles', files[0]), 'utf8'));
    const times = selfTimes(profile);
    const total = times.reduce((sum, { share }) => sum + share, 0);
    assert.ok(Math.abs(total - 1) < 1e-9, `the shares add up to ${total}`);
    assert.ok(times.some(({ url }) => url.endsWith('/dist/websocketstream-polyfill.min.js')), 'a function of the polyfill among the samples');
    const listed = spawnSync(process.execPath, [path.join(root, 'bench', 'cpu-profile.mjs'), path.join(directory, 'profiles', files[0]), '5'], { encoding: 'utf8' });
    assert.equal(listed.status, 0, listed.stderr);
    assert.equal(listed.stdout.trim().split('\n').length, 5);
    assert.match(listed.stdout, /^ *\d+\.\d % {2}\S/);
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
});

test('--cpu-profile refuses Firefox and WebKit with one line, before any browser starts', () => {
  for (const engine of ['firefox', 'webkit']) {
    const run = bench(['--only', engine, '--cpu-profile', path.join(os.tmpdir(), 'never-written')]);
    assert.equal(run.status, 2);
    assert.equal(run.stderr.trim().split('\n').length, 1, run.stderr);
    assert.match(run.stderr, new RegExp(`^\\[bench\\] --cpu-profile: ${engine} has no profiler`));
  }
});
