// Engine rows as the matrix sees them, without starting an engine: how --browsers items and
// --browser-executable become configurations (lib/rows.mjs, matrix.mjs), their pages and URLs
// (jobs.mjs), which expectations file each uses, how a runtime's shell page is compared with the
// reference, the server's legacy-build pages, and the compatibility file made from a report
// (lib/compat.mjs, reporters/compat.mjs). Rows with real engines: launcher-driver.test.mjs,
// runtime-driver.test.mjs, and the engine slice of npm test (scripts/engine-slice.mjs).
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { buildCompat, validateCompat } from '../lib/compat.mjs';
import { buildJobs } from '../lib/jobs.mjs';
import { buildConfigurations, pagesForFile, pageUrl } from '../lib/matrix.mjs';
import { parseOptions, UsageError } from '../lib/options.mjs';
import { resolveExpectationNames } from '../lib/prepare-rows.mjs';
import { judge } from '../lib/verdict.mjs';
import { renderCompatMarkdown } from '../reporters/compat.mjs';
import { startServer } from '../server/index.mjs';
import { makeScratch } from './harness-fixtures.mjs';

/** @typedef {import('../lib/types.mjs').ConfigurationReport} ConfigurationReport */
/** @typedef {import('../lib/types.mjs').ConfigurationRowReport} ConfigurationRowReport */
/** @typedef {import('../lib/types.mjs').Mode} Mode */
/** @typedef {import('../lib/types.mjs').Options} Options */
/** @typedef {import('../lib/types.mjs').PageRecord} PageRecord */
/** @typedef {import('../lib/types.mjs').Parity} Parity */
/** @typedef {import('../lib/types.mjs').Report} Report */
/** @typedef {import('../lib/types.mjs').Scope} Scope */
/** @typedef {import('../lib/types.mjs').SubtestStatus} SubtestStatus */
/** @typedef {import('../lib/types.mjs').TestMeta} TestMeta */

/**
 * The options of a command line that is not --help (parseOptions answers --help with { help: true }).
 * @param {string[]} argv
 * @returns {Options}
 */
function optionsOf(argv) {
  const options = parseOptions(argv);
  assert.ok(!options.help, `${argv.join(' ')} is not --help`);
  return options;
}

const configurationsOf = (/** @type {string[]} */ argv) => buildConfigurations(optionsOf(argv));
/** @type {TestMeta} */
const ANY = { globals: ['window', 'worker'], variants: ['?default', '?wss'], scripts: [], timeout: 'normal' };

describe('engine rows in --browsers', () => {
  it('each item is a row with its driver, scopes, modes and pinned binary', () => {
    const configurations = configurationsOf(['--browsers', 'node@22/global,chromium@92,deno,bun,node@18,firefox']);
    assert.deepEqual(configurations.map(({ id }) => id), [
      'chromium:native', 'firefox:native', 'firefox:polyfill',
      'node@22/global:polyfill', 'chromium@92:native', 'chromium@92:polyfill', 'deno:native', 'deno:polyfill',
      'bun:native', 'bun:polyfill', 'node@18:native', 'node@18:polyfill',
    ], 'standard browsers first (the reference added), then rows as given; a /global row has no native configuration');
    const byId = Object.fromEntries(configurations.map((configuration) => [configuration.id, configuration]));
    assert.deepEqual(byId['chromium@92:polyfill'].scopes, ['window', 'worker']);
    assert.deepEqual(byId['chromium@92:polyfill'].row, { driver: 'launcher', spec: 'chromium@92', executable: null, obtainedFrom: null, version: null, socket: null, bundle: null, note: null });
    assert.equal(byId['chromium@92:native'].row, byId['chromium@92:polyfill'].row, 'one row object: obtained and probed once');
    assert.deepEqual(byId['deno:native'].scopes, ['shell']);
    assert.equal(byId['deno:native'].row?.spec, 'deno@2.9.6');
    assert.equal(byId['deno:polyfill'].row?.socket, 'global', 'Deno runs the polyfill over its own WebSocket');
    assert.equal(byId['bun:polyfill'].row?.socket, 'ws');
    assert.equal(byId['node@18:polyfill'].row?.spec, 'node@18.20.8');
    assert.equal(byId['node@22/global:polyfill'].row?.socket, 'global');
    assert.deepEqual(byId['node@22/global:polyfill'].expectationCandidates, ['node-22-global', 'node-global', 'node-22', 'node']);
    assert.ok(configurations.every((configuration) => configuration.comparedWithReference || configuration.isReference));
  });

  it('bad rows are usage errors that say what would do', () => {
    const refused = (/** @type {string} */ item, /** @type {RegExp} */ pattern) => assert.throws(() => parseOptions(['--browsers', item]), (error) => error instanceof UsageError && pattern.test(error.message), item);
    refused('chromium@124', /@sparticuz\/chromium has no build of Chromium 124; it has 92, 103/);
    refused('chromium@92/ws', /is for runtimes/);
    refused('node', /name a Node major \(node@18, node@20, node@22, node@24, node@26\)/);
    refused('node@19', /give an exact version x\.y\.z, or one measured here: 18 \(18\.20\.8\)/);
    refused('node@18/global', /Node 18 has no global WebSocket; the \/node entry needs the ws package there/);
    refused('deno/ws', /over Deno's own WebSocket/);
    refused('safari@17', /unknown value "safari@17"/);
  });

  it('--browser-executable NAME=PATH is a launcher row named NAME, the whole run when --browsers is not given', () => {
    const options = optionsOf(['--browser-executable', 'my-chrome=/opt/chrome/chrome']);
    assert.deepEqual(options.browsers, ['my-chrome']);
    const configurations = buildConfigurations(options);
    assert.deepEqual(configurations.map(({ id }) => id), ['chromium:native', 'my-chrome:native', 'my-chrome:polyfill']);
    assert.deepEqual(configurations[1].row?.executable, '/opt/chrome/chrome');
    assert.deepEqual(configurations[1].expectationCandidates, ['my-chrome', 'chromium']);
    assert.throws(() => parseOptions(['--browser-executable', 'chromium=/x']), /that name is taken/);
    assert.throws(() => parseOptions(['--browser-executable', 'node@22=/x']), /that name is taken|a name is lower-case/);
    assert.throws(() => parseOptions(['--browser-executable', '/x']), /expected NAME=PATH/);
  });
});

describe('pages and jobs of engine rows', () => {
  it('a runtime has one shell page per variant, the window page; a window-only file none', () => {
    assert.deepEqual(pagesForFile('websockets/stream/close.any.js', ANY, { scopes: ['shell'], variants: ['default', 'wss'] }).map(({ path: page }) => page),
      ['/websockets/stream/close.any.html', '/websockets/stream/close.any.html?wss']);
    assert.deepEqual(pagesForFile('websockets/stream/fuzz.any.js', { ...ANY, globals: ['window'] }, { scopes: ['shell'], variants: ['default'] }), []);
  });

  it('rows run first; a browser row needing the legacy build gets /_polyfill_legacy/, a runtime /_polyfill/ for its polyfill pages', () => {
    const configurations = configurationsOf(['--browsers', 'chromium,chromium@92,deno', '--modes', 'native,polyfill']);
    const legacyRow = configurations.find(({ id }) => id === 'chromium@92:polyfill')?.row;
    assert.ok(legacyRow);
    legacyRow.bundle = 'legacy';
    const jobs = buildJobs(configurations, [{ file: 'websockets/stream/close.any.js', meta: ANY }], { scopes: ['window', 'worker', 'shell'], variants: ['wss'], timeoutMultiplier: 1 }, 'http://h');
    assert.deepEqual(jobs.map((job) => `${job.configuration.id} ${job.url}`), [
      'chromium@92:native http://h/websockets/stream/close.any.html?wss',
      'chromium@92:polyfill http://h/_polyfill_legacy/websockets/stream/close.any.html?wss',
      'chromium@92:native http://h/websockets/stream/close.any.worker.html?wss',
      'chromium@92:polyfill http://h/_polyfill_legacy/websockets/stream/close.any.worker.html?wss',
      'deno:native http://h/websockets/stream/close.any.html?wss',
      'deno:polyfill http://h/_polyfill/websockets/stream/close.any.html?wss',
      'chromium:native http://h/websockets/stream/close.any.html?wss',
      'chromium:polyfill http://h/_polyfill/websockets/stream/close.any.html?wss',
      'chromium:native http://h/websockets/stream/close.any.worker.html?wss',
      'chromium:polyfill http://h/_polyfill/websockets/stream/close.any.worker.html?wss',
    ]);
    assert.equal(pageUrl('http://h', { scope: 'window', variant: 'default', path: '/a.any.html' }, 'native', 'legacy'), 'http://h/a.any.html', 'native pages load no build');
  });

  it('--scopes that leave a row nothing is refused by the run, as for any browser', () => {
    const [, deno] = configurationsOf(['--browsers', 'deno', '--scopes', 'window']);
    assert.deepEqual(deno.scopes, ['shell']);
  });
});

describe('expectations and comparison of engine rows', () => {
  /** @type {{ directory: string, remove: () => Promise<void> }|undefined} */
  let scratch;
  before(async () => {
    scratch = await makeScratch('wss-rows-');
    for (const name of ['chromium', 'chromium-92', 'node', 'node-global']) await writeFile(path.join(scratch.directory, `${name}.json`), '{ "entries": [] }\n');
  });
  after(() => scratch?.remove());

  it('a row takes its most specific expectations file that exists', () => {
    const configurations = configurationsOf(['--browsers', 'chromium@92,chromium@103,node@22/global,node@18,bun']);
    assert.ok(scratch, 'before() made the scratch folder');
    resolveExpectationNames(configurations, scratch.directory);
    const names = Object.fromEntries(configurations.map(({ id, expectations }) => [id, expectations]));
    assert.equal(names['chromium@92:polyfill'], 'chromium-92');
    assert.equal(names['chromium@103:polyfill'], 'chromium');
    assert.equal(names['node@22/global:polyfill'], 'node-global');
    assert.equal(names['node@18:polyfill'], 'node');
    assert.equal(names['bun:polyfill'], 'bun', 'no file at all: the engine\'s own name (no entries)');
  });

  it('a shell page is compared with the reference\'s worker page (neither has a document)', () => {
    /**
     * @param {string} configuration  "browser:mode"
     * @param {Scope} scope
     * @param {SubtestStatus} status  of its one subtest
     * @returns {PageRecord}
     */
    const record = (configuration, scope, status) => ({
      file: 'websockets/stream/a.any.js', configuration, browser: configuration.split(':')[0], engine: 'x', mode: /** @type {Mode} */ (configuration.split(':')[1]), expectations: 'none',
      scope, variant: 'wss', url: '/a', status: 'OK', message: null, timedOut: false, crashed: false, crashKind: null, durationMs: 1,
      subtests: [{ name: 't', status, message: null }],
    });
    const { records } = judge([record('chromium:native', 'window', 'FAIL'), record('chromium:native', 'worker', 'PASS'), record('deno:native', 'shell', 'FAIL')], {});
    const deno = records.find((judged) => judged.configuration === 'deno:native');
    assert.equal(deno?.subtests[0].reference?.status, 'PASS', 'the worker page, not the window');
    assert.equal(deno?.subtests[0].parity, 'differs');
  });
});

describe('the server\'s legacy-build pages', () => {
  /** @type {{ directory: string, remove: () => Promise<void> }|undefined} */
  let scratch;
  /** @type {import('../server/index.mjs').TestServer|undefined} */
  let server;
  before(async () => {
    scratch = await makeScratch('wss-legacy-');
    await mkdir(path.join(scratch.directory, 'dist'));
    await writeFile(path.join(scratch.directory, 'dist', 'websocketstream-polyfill.js'), '/* modern */\n');
    await writeFile(path.join(scratch.directory, 'dist', 'websocketstream-polyfill.legacy.min.js'), '/* legacy */\n');
    server = await startServer({ polyfillFile: path.join(scratch.directory, 'dist', 'websocketstream-polyfill.js') });
  });
  after(async () => {
    await server?.close();
    await scratch?.remove();
  });

  it('/_polyfill_legacy/ pages load the legacy build beside the modern one, in the window and in the worker', async () => {
    assert.ok(server, 'before() started the server');
    const origin = server.httpOrigin;
    const text = async (/** @type {string} */ pathname) => (await fetch(`${origin}${pathname}`)).text();
    assert.match(await text('/_polyfill_legacy/websockets/stream/close.any.html?wss'), /<script src="\/_polyfill_legacy\/websocketstream-polyfill\.js"><\/script>/);
    assert.match(await text('/_polyfill_legacy/websockets/stream/close.any.worker.js'), /importScripts\("\/_polyfill_legacy\/websocketstream-polyfill\.js"\)/);
    assert.equal(await text('/_polyfill_legacy/websocketstream-polyfill.js'), '/* legacy */\n');
    assert.equal(await text('/_polyfill/websocketstream-polyfill.js'), '/* modern */\n');
  });
});

/**
 * The parts of a report a test builds, as the code under test receives a whole one.
 * @param {unknown} parts
 * @returns {Report}
 */
const asReport = (parts) => /** @type {Report} */ (parts);

/**
 * A small report with an old Chromium row (legacy build), a runtime and the reference: the parts
 * buildCompat() reads, the rest of a report left out.
 * @returns {Report}
 */
function sampleReport() {
  /** @param {string} id @param {Partial<ConfigurationReport>} fields */
  const configuration = (id, fields) => ({
    id, browser: id.split(':')[0], engine: 'chromium', mode: id.split(':')[1], args: [], expectations: 'chromium', isReference: false, comparedWithReference: true,
    driver: 'launcher', source: 'x', browserVersion: null, skipped: null, skip: null, sessions: 1, row: null, ...fields,
  });
  /** @param {SubtestStatus} status @param {string|null} referenceStatus @param {Parity|null} parity @param {string|null} [reason] */
  const subtest = (status, referenceStatus, parity, reason = null) => ({ name: 't', status, message: null, expected: 'PASS', unexpected: false, reason, reference: referenceStatus ? { status: referenceStatus, message: null } : null, parity });
  /** @param {string} id @param {Scope} scope @param {ReturnType<typeof subtest>[]} subtests */
  const result = (id, scope, subtests) => ({ file: 'websockets/stream/a.any.js', configuration: id, scope, variant: 'wss', status: 'OK', timedOut: false, reason: null, durationMs: 1400, subtests });
  /** @param {string} spec @param {string|null} polyfillEntry @param {string|null} [note] @returns {ConfigurationRowReport} */
  const rowOf = (spec, polyfillEntry, note = null) => ({ spec, obtainedFrom: `npm:${spec}`, socket: null, polyfillEntry, bundle: null, note });
  return asReport({
    run: {
      finishedAt: '2026-12-02T10:00:00.000Z', wallTimeMs: 600_000, exitCode: 0, cpus: 2, workers: 2, tool: { name: 'websocketstream-conformance', version: '0.1.0' },
      options: { excludes: ['websockets/stream/fuzz.any.js'], filters: [], polyfill: 'dist/websocketstream-polyfill.js' },
      reference: 'chromium:native', files: ['websockets/stream/a.any.js'],
      configurations: [
        configuration('chromium:native', { isReference: true, comparedWithReference: false, driver: 'playwright', source: 'system /usr/bin/chromium', browserVersion: '156.0.1' }),
        configuration('chromium@92:native', { skipped: 'no native', skip: { kind: 'no-native-implementation', message: 'no native' }, browserVersion: '92.0.4512.0', row: rowOf('chromium@92', null) }),
        configuration('chromium@92:polyfill', { browserVersion: '92.0.4512.0', row: rowOf('chromium@92', 'websocketstream-polyfill.legacy.min.js', 'needs legacy: SyntaxError') }),
        configuration('deno:native', { engine: 'deno', driver: 'runtime', browserVersion: '2.9.6', row: rowOf('deno@2.9.6', null) }),
      ],
    },
    summary: [],
    unexpected: [],
    results: [
      result('chromium:native', 'window', [subtest('FAIL', null, null, 'Chromium departs')]),
      result('chromium@92:polyfill', 'window', [subtest('PASS', 'FAIL', 'native-departs')]),
      result('chromium@92:polyfill', 'worker', [subtest('PASS', 'FAIL', 'native-departs')]),
      result('deno:native', 'shell', [subtest('FAIL', 'FAIL', 'same')]),
    ],
  });
}

describe('the compatibility file', () => {
  it('says per configuration: version, how obtained (no machine path), native or not, build, counts and each difference with its reason', () => {
    const compat = buildCompat(sampleReport());
    assert.deepEqual(validateCompat(compat), []);
    const row = (/** @type {string} */ id) => compat.rows.find(({ configuration }) => configuration === id);
    assert.equal(row('chromium:native')?.obtained, 'system package');
    assert.equal(row('chromium:native')?.differences, null, 'the reference is not compared with itself');
    assert.equal(row('chromium@92:polyfill')?.native, false, 'its native configuration was skipped for want of one');
    assert.equal(row('chromium@92:polyfill')?.polyfill, 'websocketstream-polyfill.legacy.min.js');
    assert.equal(row('chromium@92:polyfill')?.note, 'needs legacy: SyntaxError');
    assert.deepEqual(row('chromium@92:polyfill')?.departures, [
      { file: 'websockets/stream/a.any.js', test: 't', status: 'PASS', referenceStatus: 'FAIL', places: ['window/wss', 'worker/wss'], reason: 'Chromium departs' },
    ]);
    assert.equal(row('chromium@92:polyfill')?.differences, 2);
    assert.equal(row('chromium@92:polyfill')?.pageTimeMs, 2800, 'its two pages\' time, summed');
    assert.equal(row('deno:native')?.native, true);
    assert.equal(row('deno:native')?.differences, 0);
    assert.deepEqual(validateCompat({ ...compat, rows: [{ ...row('deno:native'), obtained: 'system /usr/bin/chromium' }] }), ['rows[0] (deno:native).obtained names a machine path']);
  });

  it('as the README\'s table: rows by engine and version, the oldest per engine, notes', () => {
    const markdown = renderCompatMarkdown(buildCompat(sampleReport()));
    assert.match(markdown, /^Measured by `npm run compat` on 2026-12-02: 1 test file \(without `websockets\/stream\/fuzz\.any\.js`\)/);
    assert.match(markdown, /Oldest version measured per engine: Chromium 92\.0\.4512\.0 · Firefox: not measured · WebKit: not measured · Deno 2\.9\.6 · Bun: not measured · Node\.js: not measured\./);
    assert.match(markdown, /\| `chromium@92:polyfill` \| Chromium \| 92\.0\.4512\.0 \| npm:chromium@92 \| no \| polyfill: `websocketstream-polyfill\.legacy\.min\.js` \[1\] \| window, worker \| 2\/2 \| 2 \| 0 \| 3 s \|/);
    assert.match(markdown, /\| `chromium:native` \| Chromium \| 156\.0\.1 \| system package \| yes \| native \| window \| 0\/1 \| reference \| 0 \| 1 s \|/);
    assert.doesNotMatch(markdown, /chromium@92:native/, 'a native configuration skipped for want of one is the "no" of its row');
    assert.match(markdown, /\n\[1\] needs legacy: SyntaxError$/);
    assert.match(markdown, /Every difference is listed with its reason in \[docs\/compat\.json\]/);
    const failed = buildCompat({ ...sampleReport(), run: { ...sampleReport().run, exitCode: 1 } });
    assert.match(renderCompatMarkdown(failed), /That run exited 1: 0 results its expectations did not list/, 'a run that failed says so');
  });
});
