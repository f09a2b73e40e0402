// The CLI's flags: defaults, validation, and bad flags → a message and exit 2.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { buildConfigurations, pagesForFile, REFERENCE_ID } from '../lib/matrix.mjs';
import { parseOptions, UsageError } from '../lib/options.mjs';
import { parseShard, selectShard } from '../lib/shard.mjs';
import { planFiles } from '../lib/run.mjs';

const CLI = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'cli.mjs');
const REPOSITORY_ROOT = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** @typedef {import('../lib/types.mjs').Options} Options */
/** @typedef {import('../lib/types.mjs').TestMeta} TestMeta */

/**
 * Runs the CLI (this one, or a copy of it). Bounded.
 * @param {string[]} args
 * @param {{ cli?: string, env?: Record<string, string> }} [how]
 */
function runCli(args, { cli = CLI, env = {} } = {}) {
  return spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', timeout: 30_000, env: { ...process.env, ...env } });
}

/**
 * The options of a command line that is not --help (parseOptions answers --help with { help: true }).
 * @param {string[]} args
 * @returns {Options}
 */
function optionsOf(args) {
  const options = parseOptions(args);
  assert.ok(!options.help, `${args.join(' ')} is not --help`);
  return options;
}

describe('parseOptions', () => {
  it('defaults to the full matrix with every reporter', () => {
    const options = optionsOf([]);
    assert.deepEqual(options.browsers, ['chromium', 'chromium-experimental', 'firefox', 'webkit']);
    assert.deepEqual(options.modes, ['native', 'polyfill']);
    assert.deepEqual(options.scopes, ['window', 'worker', 'shell'], 'shell is the runtimes\' scope; browsers never run it');
    assert.deepEqual(options.variants, ['default', 'wss']);
    assert.deepEqual(options.reporters, ['terminal', 'json', 'html']);
    assert.equal(options.outDir, 'reports/conformance');
    assert.equal(options.shard, null);
    assert.equal(options.reference, true);
    assert.equal(options.timeoutMultiplier, 1);
    assert.equal(options.workers, 2);
  });

  it('reads --workers: browser sessions at once, a whole number of at least one', () => {
    assert.equal(optionsOf(['--workers', '1']).workers, 1);
    assert.equal(optionsOf(['--workers=3']).workers, 3);
  });

  it('reads lists in canonical order and repeatable flags', () => {
    const options = optionsOf(['--browsers', 'webkit,chromium', '--variants=wss', '--filter', 'close', '--filter', 'read', '--reporter', 'json', '--shard', '2/3']);
    assert.deepEqual(options.browsers, ['chromium', 'webkit']);
    assert.deepEqual(options.variants, ['wss']);
    assert.deepEqual(options.filters, ['close', 'read']);
    assert.deepEqual(options.reporters, ['json']);
    assert.deepEqual(options.shard, { index: 2, count: 3 });
  });

  it('leaves out the files --exclude names, after --filter', async () => {
    const wptRoot = path.join(REPOSITORY_ROOT, 'wpt');
    const all = (await planFiles(wptRoot)).map(({ file }) => file);
    const options = optionsOf(['--filter', 'close', '--exclude', 'during-handshake', '--exclude', 'unsent']);
    assert.deepEqual(options.excludes, ['during-handshake', 'unsent']);
    const planned = (await planFiles(wptRoot, options)).map(({ file }) => file);
    assert.ok(planned.includes('websockets/stream/close.any.js'));
    assert.deepEqual(planned, all.filter((file) => file.includes('close') && !file.includes('during-handshake') && !file.includes('unsent')));
    assert.ok(planned.length < all.filter((file) => file.includes('close')).length, '--exclude removed something');
  });

  it('normalises --playwright-launch-options to one object per engine', () => {
    const flat = optionsOf(['--playwright-endpoint', 'ws://127.0.0.1:3000/', '--playwright-launch-options', '{"headless":true}']);
    assert.deepEqual(flat.playwrightLaunchOptions?.firefox, { headless: true });
    const perEngine = optionsOf(['--playwright-endpoint', 'ws://h:1/', '--playwright-launch-options', '{"chromium":{"args":["--x"]}}']);
    assert.deepEqual(perEngine.playwrightLaunchOptions, { chromium: { args: ['--x'] }, firefox: {}, webkit: {} });
  });

  it('reads WebDriver capabilities per browser, a lone JSON object as webkit\'s, and which browsers go through the endpoint', () => {
    const grid = ['--webdriver-url', 'http://grid.test:4444/wd/hub'];
    const perBrowser = optionsOf([...grid, '--webdriver-capabilities', 'chromium={"browserName":"chrome"}', '--webdriver-capabilities', '{"browserName":"MiniBrowser"}']);
    assert.deepEqual(perBrowser.webdriverCapabilities, { chromium: { browserName: 'chrome' }, webkit: { browserName: 'MiniBrowser' } });
    assert.deepEqual(perBrowser.webdriverBrowsers, ['chromium', 'chromium-experimental', 'webkit'], 'every browser but Firefox, by default');
    assert.deepEqual(optionsOf([...grid, '--webdriver-browsers', 'webkit,firefox,chromium']).webdriverBrowsers, ['chromium', 'firefox', 'webkit'], 'Firefox when named');
    const local = optionsOf([]);
    assert.equal(local.webdriverCapabilities, null);
    assert.equal(local.webdriverBrowsers, null, 'nothing goes through WebDriver without an endpoint');
  });

  /** @type {[string[], RegExp][]} */
  const bad = [
    [['--browsers', 'safari'], /--browsers: unknown value "safari"/],
    [['--modes', ''], /--modes needs at least one/],
    [['--scopes', 'sharedworker'], /--scopes: unknown value/],
    [['--shard', '0/2'], /--shard: I must be between 1 and 2/],
    [['--shard', 'half'], /--shard: expected I\/N/],
    [['--reporter', 'xml'], /--reporter: unknown value "xml"/],
    [['--timeout-multiplier=-1'], /positive number/],
    [['--timeout-multiplier', 'fast'], /positive number/],
    [['--workers', '0'], /--workers: expected an integer ≥ 1, got "0"/],
    [['--workers', '1.5'], /--workers: expected an integer ≥ 1/],
    [['--workers', 'two'], /--workers: expected an integer ≥ 1/],
    [['--workers', ''], /--workers: expected an integer ≥ 1/],
    [['--webdriver-url', 'ftp://x/'], /--webdriver-url: expected a http: or https: URL/],
    [['--playwright-endpoint', 'not a url'], /is not a URL/],
    [['--webdriver-capabilities', '{}'], /only applies with --webdriver-url/],
    [['--webdriver-url', 'http://h:4444/', '--webdriver-capabilities', '[1]'], /expected a JSON object/],
    [['--webdriver-url', 'http://h:4444/', '--webdriver-capabilities', 'safari={}'], /--webdriver-capabilities: unknown browser "safari"/],
    [['--webdriver-url', 'http://h:4444/', '--webdriver-capabilities', 'firefox={'], /--webdriver-capabilities: firefox: not valid JSON/],
    [['--webdriver-url', 'http://h:4444/', '--webdriver-capabilities', 'webkit={}', '--webdriver-capabilities', '{}'], /capabilities for webkit given twice/],
    [['--webdriver-url', 'http://h:4444/', '--webdriver-browsers', 'jsdom'], /--webdriver-browsers: unknown value "jsdom"/],
    [['--webdriver-browsers', 'webkit'], /--webdriver-browsers only applies with --webdriver-url/],
    [['--nope'], /Unknown option '--nope'/],
    [['stray'], /Unexpected argument 'stray'/],
  ];
  for (const [args, message] of bad) {
    it(`rejects ${args.join(' ')}`, () => {
      assert.throws(() => parseOptions(args), (error) => error instanceof UsageError && message.test(error.message));
    });
  }
});

describe('the CLI on bad input', () => {
  it('exits 2 with a message naming the flag', () => {
    const result = runCli(['--variants', 'h2']);
    assert.equal(result.status, 2);
    assert.match(result.stderr, /--variants: unknown value "h2" \(choose from default, wss\)/);
    assert.match(result.stderr, /--help/);
    assert.equal(result.stdout, '');
  });

  it('exits 2 for an unknown flag', () => {
    const result = runCli(['--browser', 'chromium']);
    assert.equal(result.status, 2);
    assert.match(result.stderr, /Unknown option '--browser'/);
  });

  it('exits 2 when --polyfill names a missing file, saying so', () => {
    const result = runCli(['--browsers', 'firefox', '--polyfill', '/nonexistent/polyfill.js', '--reporter', 'terminal']);
    assert.equal(result.status, 2);
    assert.match(result.stderr, /--polyfill \/nonexistent\/polyfill\.js: no such file/);
    assert.doesNotMatch(result.stderr, /npm run build/, 'a consumer has nothing to build');
  });

  it('exits 2 before any browser starts when --polyfill is an ES module, not a classic script', () => {
    const module = path.join(REPOSITORY_ROOT, 'dist', 'index.js');
    const result = runCli(['--browsers', 'chromium', '--polyfill', module, '--reporter', 'terminal']);
    assert.equal(result.status, 2, result.stderr);
    assert.match(result.stderr, /is an ES module; the pages load the polyfill as a classic script/);
    assert.doesNotMatch(result.stderr, /starting chromium/);
  });

  it('exits 2 when a CONFORMANCE_*_PATH names a file that does not exist', () => {
    const result = runCli(['--browsers', 'chromium', '--reporter', 'terminal'], { env: { CONFORMANCE_CHROMIUM_PATH: '/nonexistent/chromium' } });
    assert.equal(result.status, 2);
    assert.match(result.stderr, /CONFORMANCE_CHROMIUM_PATH=\/nonexistent\/chromium: no such file/);
  });

  it('exits 2 when --scopes leaves a configuration nothing to run', () => {
    const result = runCli(['--browsers', 'jsdom', '--scopes', 'worker', '--reporter', 'terminal']);
    assert.equal(result.status, 2);
    assert.match(result.stderr, /nothing to run for jsdom:polyfill: it runs only in window, and --scopes leaves that out/);
  });

  it('exits 2 when --filter matches no test file', () => {
    const result = runCli(['--browsers', 'chromium', '--modes', 'native', '--filter', 'no-such-test-file', '--reporter', 'terminal']);
    assert.equal(result.status, 2);
    assert.match(result.stderr, /no test files match/);
  });

  it('prints usage and exits 0 for --help', () => {
    const result = runCli(['--help']);
    assert.equal(result.status, 0);
    for (const flag of ['--browsers', '--modes', '--scopes', '--variants', '--filter', '--shard', '--wpt-root', '--polyfill', '--reporter', '--out', '--webdriver-url', '--playwright-endpoint']) {
      assert.ok(result.stdout.includes(flag), `usage mentions ${flag}`);
    }
  });
});

describe('the CLI where its dependencies are missing', () => {
  // A copy of the harness in a folder from which no node_modules can be reached.
  let copy = '';
  before(() => {
    copy = mkdtempSync(path.join(os.tmpdir(), 'harness-without-dependencies-'));
    for (const folder of ['lib', 'drivers', 'reporters', 'server', 'expectations']) {
      cpSync(path.join(REPOSITORY_ROOT, 'conformance', folder), path.join(copy, folder), { recursive: true });
    }
    for (const file of ['cli.mjs', 'package.json']) cpSync(path.join(REPOSITORY_ROOT, 'conformance', file), path.join(copy, file));
  });
  after(() => rmSync(copy, { recursive: true, force: true }));

  it('--help still prints the usage and exits 0', () => {
    const result = runCli(['--help'], { cli: path.join(copy, 'cli.mjs') });
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /^Usage: websocketstream-conformance/);
  });

  it('a run names the missing package in one line and exits 2, with no stack trace', () => {
    const result = runCli(['--browsers', 'chromium', '--polyfill', path.join(REPOSITORY_ROOT, 'dist', 'websocketstream-polyfill.js')], { cli: path.join(copy, 'cli.mjs') });
    assert.equal(result.status, 2, result.stderr);
    assert.match(result.stderr, /cannot load the package '[^']+', which websocketstream-conformance depends on: reinstall it/);
    assert.doesNotMatch(result.stderr, /\n\s+at /, 'no stack trace');
  });

  it('setup-browsers is a command of the CLI, and does not ask a consumer to run npm ci', () => {
    const result = runCli(['setup-browsers', '--no-playwright'], { cli: path.join(copy, 'cli.mjs') });
    assert.match(result.stdout, /setup-browsers: /);
    assert.doesNotMatch(`${result.stdout}${result.stderr}`, /npm ci/);
  });
});

describe('shards', () => {
  const files = Array.from({ length: 13 }, (_, index) => `websockets/stream/t${String(index).padStart(2, '0')}.any.js`);

  it('parses I/N', () => {
    assert.deepEqual(parseShard('1/1'), { index: 1, count: 1 });
    assert.deepEqual(parseShard(' 3/4 '), { index: 3, count: 4 });
    assert.throws(() => parseShard('5/4'), /between 1 and 4/);
    assert.throws(() => parseShard('1/0'), /at least 1/);
    assert.throws(() => parseShard('1-2'), /expected I\/N/);
  });

  it('puts every file in exactly one shard, balanced', () => {
    for (const count of [1, 2, 3, 5, 13, 20]) {
      const shards = Array.from({ length: count }, (_, index) => selectShard(files, { index: index + 1, count }));
      assert.deepEqual(shards.flat().sort(), [...files].sort(), `${count} shards cover every file once`);
      const sizes = shards.map((shard) => shard.length);
      assert.ok(Math.max(...sizes) - Math.min(...sizes) <= 1, `${count} shards differ by at most one file: ${sizes}`);
    }
  });

  it('keeps the order of the files inside a shard and is deterministic', () => {
    assert.deepEqual(selectShard(files, { index: 2, count: 4 }), [files[1], files[5], files[9]]);
    assert.deepEqual(selectShard(files, { index: 2, count: 4 }), selectShard([...files], { index: 2, count: 4 }));
    assert.deepEqual(selectShard(files, null), files);
  });
});

describe('the matrix', () => {
  it('builds the default configurations, chromium-experimental native only', () => {
    const ids = buildConfigurations(optionsOf([])).map((configuration) => configuration.id);
    assert.deepEqual(ids, ['chromium:native', 'chromium:polyfill', 'chromium-experimental:native', 'firefox:native', 'firefox:polyfill', 'webkit:native', 'webkit:polyfill']);
  });

  it('adds native Chromium as the reference when only polyfills are asked for', () => {
    const configurations = buildConfigurations(optionsOf(['--browsers', 'firefox', '--modes', 'polyfill']));
    assert.deepEqual(configurations.map((configuration) => configuration.id), [REFERENCE_ID, 'firefox:polyfill']);
    assert.equal(configurations[0].addedAsReference, true);
    const without = buildConfigurations(optionsOf(['--browsers', 'firefox', '--modes', 'polyfill', '--no-reference']));
    assert.deepEqual(without.map((configuration) => configuration.id), ['firefox:polyfill']);
  });

  it('gives chromium-experimental its flag and its own expectations', () => {
    const [experimental] = buildConfigurations(optionsOf(['--browsers', 'chromium-experimental', '--modes', 'native']));
    assert.deepEqual(experimental.args, ['--enable-experimental-web-platform-features']);
    assert.equal(experimental.engine, 'chromium');
    assert.equal(experimental.expectations, 'chromium-experimental');
  });

  it('turns META into pages, skipping variants it cannot serve', () => {
    /** @type {TestMeta} */
    const meta = { globals: ['window', 'worker'], variants: ['?default', '?wss', '?wpt_flags=h2'], scripts: [], timeout: 'normal' };
    const pages = pagesForFile('websockets/stream/tentative/x.any.js', meta, { scopes: ['window', 'worker'], variants: ['default', 'wss'] });
    assert.deepEqual(pages.map((page) => page.path), [
      '/websockets/stream/tentative/x.any.html',
      '/websockets/stream/tentative/x.any.html?wss',
      '/websockets/stream/tentative/x.any.worker.html',
      '/websockets/stream/tentative/x.any.worker.html?wss',
    ]);
    const windowOnly = pagesForFile('websockets/stream/y.any.js', { globals: ['window'], variants: [], scripts: [], timeout: 'normal' }, { scopes: ['window', 'worker'], variants: ['wss'] });
    assert.deepEqual(windowOnly, [], 'a file without variants runs only the default one');
  });
});
