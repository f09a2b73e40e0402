// META parsing, scope/variant expansion and test discovery, as WPT defines them.
import assert from 'node:assert/strict';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { listTestFiles, parseMeta, testPages, variantName, variantQuery } from '../server/index.mjs';

test('parseMeta reads scripts in order, globals, variants and timeout', () => {
  const meta = parseMeta([
    '// META: global=window,worker',
    '// META: script=../constants.sub.js',
    '//META:script=resources/helpers.js',
    '// META: variant=?default',
    '// META: variant=?wss',
    '// META: timeout=long',
    "'use strict';",
  ].join('\n'));
  assert.deepEqual(meta, {
    scripts: ['../constants.sub.js', 'resources/helpers.js'],
    globals: ['window', 'worker'],
    variants: ['?default', '?wss'],
    timeout: 'long',
  });
});

test('parseMeta stops at the first line that is not META, as WPT does', () => {
  const meta = parseMeta('// META: script=a.js\n// a comment\n// META: script=b.js\n// META: timeout=long\n');
  assert.deepEqual(meta.scripts, ['a.js']);
  assert.equal(meta.timeout, 'normal');
});

test('parseMeta tolerates CRLF line ends', () => {
  assert.deepEqual(parseMeta('// META: script=a.js\r\n// META: global=window\r\n').scripts, ['a.js']);
});

test('global= defaults to window and dedicated worker; other worker kinds are not run here', () => {
  assert.deepEqual(parseMeta('test(() => {});').globals, ['window', 'worker']);
  assert.deepEqual(parseMeta('// META: global=window').globals, ['window']);
  assert.deepEqual(parseMeta('// META: global=dedicatedworker').globals, ['worker']);
  assert.deepEqual(parseMeta('// META: global=worker,window').globals, ['window', 'worker']);
  assert.deepEqual(parseMeta('// META: global=sharedworker,serviceworker').globals, []);
  assert.deepEqual(parseMeta('// META: global=!worker').globals, ['window']);
  assert.deepEqual(parseMeta('// META: global=window,dedicatedworker,shadowrealm').globals, ['window', 'worker']);
});

test('variant names and queries: ?default is opened with no query', () => {
  assert.equal(variantName('?default'), 'default');
  assert.equal(variantName(''), 'default');
  assert.equal(variantName('?wss'), 'wss');
  assert.equal(variantQuery('?default'), '');
  assert.equal(variantQuery('?wss'), '?wss');
  assert.equal(variantQuery('?wpt_flags=h2'), '?wpt_flags=h2');
});

test('testPages lists one page per scope and variant', () => {
  const meta = parseMeta('// META: global=window,worker\n// META: variant=?default\n// META: variant=?wss\n');
  assert.deepEqual(testPages('websockets/stream/x.any.js', meta), [
    { scope: 'window', variant: 'default', path: '/websockets/stream/x.any.html' },
    { scope: 'window', variant: 'wss', path: '/websockets/stream/x.any.html?wss' },
    { scope: 'worker', variant: 'default', path: '/websockets/stream/x.any.worker.html' },
    { scope: 'worker', variant: 'wss', path: '/websockets/stream/x.any.worker.html?wss' },
  ]);
  assert.deepEqual(testPages('a/y.any.js', parseMeta('// META: global=window\n')), [
    { scope: 'window', variant: 'default', path: '/a/y.any.html' },
  ]);
});

test('listTestFiles finds .any.js files recursively, sorted, relative to the root', async () => {
  const root = await mkdtemp(path.join(tmpdir(), 'wpt-list-'));
  try {
    for (const file of ['websockets/stream/b.any.js', 'websockets/stream/a.any.js',
      'websockets/stream/tentative/c.any.js', 'websockets/stream/resources/helpers.js',
      'websockets/stream/d.window.js', 'websockets/other.any.js']) {
      await mkdir(path.dirname(path.join(root, file)), { recursive: true });
      await writeFile(path.join(root, file), '');
    }
    assert.deepEqual(await listTestFiles(root), [
      'websockets/stream/a.any.js', 'websockets/stream/b.any.js', 'websockets/stream/tentative/c.any.js',
    ]);
    assert.deepEqual(await listTestFiles(root, 'websockets'), [
      'websockets/other.any.js', 'websockets/stream/a.any.js', 'websockets/stream/b.any.js',
      'websockets/stream/tentative/c.any.js',
    ]);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});
