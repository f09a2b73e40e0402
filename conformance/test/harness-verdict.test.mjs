// Expectation matching and parity classification, on records shaped exactly
// like the drivers' output.
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { mkdir, writeFile } from 'node:fs/promises';
import { ExpectationsError, findExpectation, loadExpectations, validateEntries } from '../lib/expectations.mjs';
import { judge } from '../lib/verdict.mjs';
import { makeScratch } from './harness-fixtures.mjs';

const EXPECTATIONS_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'expectations');
const FILE = 'websockets/stream/read.any.js';

/** @typedef {import('../lib/types.mjs').PageRecord} PageRecord */
/** @typedef {import('../lib/types.mjs').ExpectationEntry} ExpectationEntry */
/** @typedef {import('../lib/types.mjs').Mode} Mode */
/** @typedef {import('../lib/types.mjs').SubtestStatus} SubtestStatus */

/**
 * One page's record as records.mjs makes it, in the window scope of the default variant.
 * @param {string} configuration  "browser:mode"
 * @param {Record<string, SubtestStatus>} subtests  status by subtest name
 * @param {Partial<PageRecord>} [extra]  fields that differ
 * @returns {PageRecord}
 */
function record(configuration, subtests, extra = {}) {
  const [browser, mode] = configuration.split(':');
  return {
    file: FILE,
    configuration,
    browser,
    engine: browser.replace('-experimental', ''),
    mode: /** @type {Mode} */ (mode),
    expectations: browser,
    scope: 'window',
    variant: 'default',
    url: '/x',
    status: 'OK',
    message: null,
    timedOut: false,
    crashed: false,
    crashKind: null,
    durationMs: 1,
    subtests: Object.entries(subtests).map(([name, status]) => ({ name, status, message: null })),
    ...extra,
  };
}

/**
 * One checked expectations entry for FILE. It is declared in no file (declaredIn is unset),
 * which judge() only reads for entries another file inherited.
 * @param {Record<string, unknown>} fields
 * @returns {ExpectationEntry}
 */
function entry(fields) {
  return /** @type {ExpectationEntry} */ (validateEntries({ entries: [{ file: FILE, reason: 'a documented reason', ...fields }] })[0]);
}

describe('expectations', () => {
  it('requires a reason for every entry', () => {
    assert.throws(() => validateEntries({ entries: [{ file: FILE, test: 't', expected: 'FAIL' }] }), /needs a "reason"/);
    assert.throws(() => validateEntries({ entries: [{ file: FILE, test: 't', expected: 'FAIL', reason: '  ' }] }), /needs a "reason"/);
  });

  it('checks statuses and fields', () => {
    assert.throws(() => validateEntries({ entries: [{ file: FILE, test: 't', expected: 'CRASH', reason: 'r' }] }), /must be one of PASS/);
    assert.throws(() => validateEntries({ entries: [{ file: FILE, expected: 'FAIL', reason: 'r' }] }), /for a file/);
    assert.throws(() => validateEntries({ entries: [{ file: FILE, test: 't', expected: 'FAIL', reason: 'r', scope: 'serviceworker' }] }), /"scope" must be/);
    assert.throws(() => validateEntries({ list: [] }), /"entries" array/);
  });

  it('matches exactly on file and subtest, with wildcards, most specific first', () => {
    const entries = validateEntries({
      entries: [
        { file: FILE, test: 'binary', expected: 'FAIL', reason: 'any scope' },
        { file: FILE, test: 'binary', scope: 'worker', mode: 'native', expected: 'TIMEOUT', reason: 'worker only' },
        { file: FILE, expected: 'CRASH', mode: 'native', reason: 'whole file' },
      ],
    });
    const where = { file: FILE, scope: 'window', variant: 'wss', mode: 'native' };
    assert.equal(findExpectation(entries, { ...where, test: 'binary' })?.reason, 'any scope');
    assert.equal(findExpectation(entries, { ...where, scope: 'worker', test: 'binary' })?.reason, 'worker only');
    assert.equal(findExpectation(entries, { ...where, scope: 'worker', mode: 'polyfill', test: 'binary' })?.reason, 'any scope');
    assert.equal(findExpectation(entries, { ...where, test: 'Binary' }), null, 'names match exactly');
    assert.equal(findExpectation(entries, { ...where, test: undefined })?.expected, 'CRASH');
    assert.equal(findExpectation(entries, { ...where, mode: 'polyfill', test: undefined }), null);
    assert.equal(findExpectation(entries, { ...where, file: 'websockets/stream/other.any.js', test: 'binary' }), null);
  });

  it('reads the committed expectation files, all valid, every entry with a reason', async () => {
    const names = (await readdir(EXPECTATIONS_DIR)).filter((name) => name.endsWith('.json'));
    assert.ok(names.includes('chromium.json'));
    for (const name of names) {
      const { entries } = await loadExpectations(EXPECTATIONS_DIR, name.replace(/\.json$/, ''));
      JSON.parse(await readFile(path.join(EXPECTATIONS_DIR, name), 'utf8'));
      for (const item of entries) assert.ok(item.reason.length > 10, `${name}: ${item.file} ${item.test} has a real reason`);
    }
    assert.deepEqual((await loadExpectations(EXPECTATIONS_DIR, 'no-such-engine')).entries, []);
  });
});

describe('expectations that extend others', () => {
  let scratch = { directory: '', remove: async () => {} };
  /** @param {string} name */
  const folder = (name) => path.join(scratch.directory, name);
  /** @param {string} directory @param {string} name @param {unknown} document */
  const write = async (directory, name, document) => {
    await mkdir(directory, { recursive: true });
    await writeFile(path.join(directory, `${name}.json`), JSON.stringify(document));
  };
  const parentEntries = [
    { file: FILE, test: 'binary', mode: 'native', expected: 'FAIL', reason: 'stock Chromium delivers ArrayBuffer' },
    { file: FILE, test: 'close code', mode: 'native', expected: 'FAIL', reason: 'InvalidAccessError instead of TypeError' },
    { file: FILE, tests: ['backpressure', 'backpressure again'], mode: 'polyfill', expected: 'FAIL', reason: 'no receive backpressure' },
  ];

  before(async () => {
    scratch = await makeScratch('wss-conformance-extends-');
    await write(folder('ok'), 'base', { entries: parentEntries });
    await write(folder('ok'), 'child', { extends: 'base', entries: [
      { file: FILE, test: 'binary', mode: 'native', expected: 'PASS', reason: 'the flag makes binary messages Uint8Array' },
      { file: FILE, test: 'backpressure again', mode: 'polyfill', expected: ['FAIL', 'PASS'], reason: 'timing here' },
      { file: FILE, test: 'only here', expected: 'TIMEOUT', reason: 'a departure of the child alone' },
    ] });
    await write(folder('ok'), 'grandchild', { extends: 'child', entries: [] });
    await write(folder('cycle'), 'a', { extends: 'b', entries: [] });
    await write(folder('cycle'), 'b', { extends: 'c', entries: [] });
    await write(folder('cycle'), 'c', { extends: 'a', entries: [] });
    await write(folder('cycle'), 'self', { extends: 'self', entries: [] });
    await write(folder('orphan'), 'child', { extends: 'nobody', entries: [] });
    await write(folder('bad'), 'path', { extends: '../ok/base', entries: [] });
    await write(folder('bad'), 'suffix', { extends: 'base.json', entries: [] });
  });
  after(() => scratch.remove());

  it('inherits the parent\'s entries, and the child\'s entry for the same place wins', async () => {
    const { entries } = await loadExpectations(folder('ok'), 'child');
    const where = { file: FILE, scope: 'window', variant: 'default', mode: 'native' };
    const binary = findExpectation(entries, { ...where, test: 'binary' });
    assert.equal(binary?.expected, 'PASS');
    assert.equal(binary?.declaredIn, 'child');
    assert.equal(entries.filter((entry) => entry.test === 'binary').length, 1, 'the overridden entry is gone');
    assert.deepEqual(findExpectation(entries, { ...where, test: 'close code' }), { ...validateEntries({ entries: parentEntries })[1], declaredIn: 'base' });
    const polyfill = { ...where, mode: 'polyfill' };
    assert.equal(findExpectation(entries, { ...polyfill, test: 'backpressure' })?.declaredIn, 'base', 'one test of a several-test entry stays inherited');
    assert.deepEqual(findExpectation(entries, { ...polyfill, test: 'backpressure again' })?.expected, ['FAIL', 'PASS']);
    assert.equal(findExpectation(entries, { ...where, test: 'only here' })?.expected, 'TIMEOUT');
    const grandchild = (await loadExpectations(folder('ok'), 'grandchild')).entries;
    assert.deepEqual(grandchild.map((entry) => [entry.test, entry.declaredIn]), entries.map((entry) => [entry.test, entry.declaredIn]), 'through two links');
  });

  it('refuses cycles, missing parents and names that are not a file of the same folder', async () => {
    /** @param {string} directory @param {string} name @param {RegExp} message */
    const refused = async (directory, name, message) => {
      await assert.rejects(loadExpectations(folder(directory), name), (error) => error instanceof ExpectationsError && message.test(error.message));
    };
    await refused('cycle', 'a', /"extends" makes a cycle: a\.json → b\.json → c\.json → a\.json/);
    await refused('cycle', 'self', /makes a cycle: self\.json → self\.json/);
    await refused('orphan', 'child', /child\.json: extends "nobody", but .*nobody\.json does not exist/);
    await refused('bad', 'path', /"extends" must name another expectations file of the same folder/);
    await refused('bad', 'suffix', /without \.json/);
  });

  it('reports an inherited entry that matched nothing under the file that declares it', async () => {
    const { entries } = await loadExpectations(folder('ok'), 'child');
    const native = record('chromium-experimental:native', { binary: 'PASS', 'only here': 'TIMEOUT' });
    const verdict = judge([{ ...native, expectations: 'child' }], { child: entries });
    assert.deepEqual(verdict.unexpected, []);
    // "close code" is the parent's and did not come up. The parent's polyfill entries cannot apply
    // to a run of the child in native mode alone, so they are not called stale; the child's own are.
    assert.deepEqual(verdict.unusedExpectations.map((entry) => [entry.expectations, entry.test, entry.inheritedBy]), [
      ['base', 'close code', 'child'],
      ['child', 'backpressure again', null],
    ]);
  });

  it('makes chromium-experimental chromium with binary messages as the standard has them', async () => {
    const stock = (await loadExpectations(EXPECTATIONS_DIR, 'chromium')).entries;
    const experimental = (await loadExpectations(EXPECTATIONS_DIR, 'chromium-experimental')).entries;
    const own = experimental.filter((entry) => entry.declaredIn === 'chromium-experimental');
    assert.ok(own.length > 0 && own.every((entry) => entry.expected === 'PASS' && entry.mode === 'native'));
    const key = (/** @type {ExpectationEntry} */ entry) => JSON.stringify([entry.file, entry.test, entry.scope, entry.variant, entry.mode]);
    const overridden = new Set(own.map(key));
    assert.deepEqual(experimental.filter((entry) => entry.declaredIn === 'chromium').map(key), stock.filter((entry) => !overridden.has(key(entry))).map(key));
  });
});

describe('parity and verdict', () => {
  it('passes a run where everything matches', () => {
    const verdict = judge([
      record('chromium:native', { a: 'PASS', b: 'PASS' }),
      record('firefox:polyfill', { a: 'PASS', b: 'PASS' }),
    ], {});
    assert.deepEqual(verdict.unexpected, []);
    assert.deepEqual(verdict.records[1].subtests.map((subtest) => subtest.parity), ['same', 'same']);
    assert.equal(verdict.records[0].subtests[0].parity, null, 'the reference has no parity with itself');
  });

  it('flags a polyfill failure where native passes, unless expected with a reason', () => {
    const records = [record('chromium:native', { backpressure: 'PASS' }), record('firefox:polyfill', { backpressure: 'FAIL' })];
    const unexpected = judge(records, {});
    assert.equal(unexpected.records[1].subtests[0].parity, 'differs');
    assert.deepEqual(unexpected.unexpected.map((item) => [item.kind, item.test, item.status]), [['unexpected-result', 'backpressure', 'FAIL']]);

    const expected = judge(records, { firefox: [entry({ test: 'backpressure', mode: 'polyfill', expected: 'FAIL', reason: 'no receive backpressure over WebSocket' })] });
    assert.deepEqual(expected.unexpected, []);
    assert.equal(expected.records[1].subtests[0].reason, 'no receive backpressure over WebSocket');
    assert.equal(expected.summary.find((group) => group.configuration === 'firefox:polyfill')?.differences, 1);
  });

  it('classifies native departures from the standard and needs them listed', () => {
    const records = [record('chromium:native', { 'binary is Uint8Array': 'FAIL' }), record('chromium:polyfill', { 'binary is Uint8Array': 'PASS' })];
    const unlisted = judge(records, {});
    assert.equal(unlisted.records[1].subtests[0].parity, 'native-departs');
    assert.equal(unlisted.unexpected.length, 1);
    assert.equal(unlisted.unexpected[0].configuration, 'chromium:native');

    const listed = judge(records, { chromium: [entry({ test: 'binary is Uint8Array', mode: 'native', expected: 'FAIL', reason: 'stock Chromium delivers ArrayBuffer' })] });
    assert.deepEqual(listed.unexpected, []);
  });

  it('accepts any status of a listed set, and nothing outside it', () => {
    const timing = entry({ test: 't', expected: ['FAIL', 'PASS'], reason: 'depends on when the engine drains its buffer' });
    for (const status of /** @type {SubtestStatus[]} */ (['FAIL', 'PASS'])) {
      assert.deepEqual(judge([record('webkit:polyfill', { t: status })], { webkit: [timing] }).unexpected, [], status);
    }
    const timeout = judge([record('webkit:polyfill', { t: 'TIMEOUT' })], { webkit: [timing] });
    assert.deepEqual(timeout.unexpected.map((item) => item.kind), ['unexpected-result']);
    assert.throws(() => entry({ test: 't', expected: [], reason: 'r' }), /or a list of them/);
    assert.throws(() => entry({ test: 't', expected: ['FAIL', 'CRASH'], reason: 'r' }), /or a list of them/);
  });

  it('reports an expected failure that passes as unexpected', () => {
    const verdict = judge([record('webkit:polyfill', { t: 'PASS' })], { webkit: [entry({ test: 't', expected: 'FAIL' })] });
    assert.deepEqual(verdict.unexpected.map((item) => item.kind), ['unexpected-pass']);
  });

  it('treats crashes and hangs as failures unless the file is expected to do so', () => {
    const crash = record('chromium:native', {}, { status: 'CRASH', crashed: true });
    const hang = record('firefox:polyfill', {}, { status: 'TIMEOUT', timedOut: true });
    const verdict = judge([crash, hang], {});
    assert.deepEqual(verdict.unexpected.map((item) => item.kind).sort(), ['crash', 'harness-timeout']);

    const allowed = judge([crash], { chromium: [entry({ mode: 'native', expected: 'CRASH', reason: 'renderer crash in Chromium 156' })] });
    assert.deepEqual(allowed.unexpected, []);
    assert.equal(allowed.summary[0].crashes, 1);
  });

  it('shows subtests without a native result, and subtests a configuration lost', () => {
    const nativeCrash = record('chromium:native', {}, { status: 'CRASH', crashed: true });
    const polyfill = record('chromium:polyfill', { 'close after abort': 'PASS' });
    const verdict = judge([nativeCrash, polyfill], { chromium: [entry({ mode: 'native', expected: 'CRASH', reason: 'renderer crash' })] });
    assert.equal(verdict.records[1].subtests[0].parity, 'no-reference');
    assert.deepEqual(verdict.unexpected, []);

    const lost = judge([record('chromium:native', { a: 'PASS', b: 'PASS' }), record('webkit:polyfill', { a: 'PASS' })], {});
    const missing = lost.records[1].subtests.find((subtest) => subtest.name === 'b');
    assert.equal(missing?.status, 'MISSING');
    assert.equal(missing?.parity, 'missing');
    assert.deepEqual(lost.unexpected.map((item) => item.kind), ['missing']);
  });

  it('compares per scope and variant, never across them', () => {
    const nativeWss = record('chromium:native', { t: 'FAIL' }, { variant: 'wss' });
    const nativeWs = record('chromium:native', { t: 'PASS' });
    const polyfillWs = record('chromium:polyfill', { t: 'PASS' });
    const verdict = judge([nativeWss, nativeWs, polyfillWs], {});
    assert.equal(verdict.records[2].subtests[0].parity, 'same');
    assert.equal(verdict.records[2].subtests[0].reference?.status, 'PASS');
  });

  it('lists expectations that matched nothing', () => {
    const verdict = judge([record('chromium:native', { t: 'PASS' })], { chromium: [entry({ test: 'gone', expected: 'FAIL' })] });
    assert.equal(verdict.unusedExpectations.length, 1);
    assert.equal(verdict.unusedExpectations[0].test, 'gone');
  });
});
