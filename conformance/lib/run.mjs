// One conformance run: test files → server pages → drivers → judged results.
// At most two browsers run at once (the machines have two cores): two workers
// share one queue of pages, each reusing its browser for as long as the queue
// stays on that browser, with a new document per file.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createDriver } from '../drivers/index.mjs';
import { listTestFiles, parseMeta, startServer } from '../server/index.mjs';
import { detectBrowsers } from './browsers.mjs';
import { findExpectation, isExpectedStatus, loadExpectations } from './expectations.mjs';
import { buildConfigurations, fileTimeoutMs, pageUrl, pagesForFile, REFERENCE_ID } from './matrix.mjs';
import { UsageError } from './options.mjs';
import { checkPolyfill, harnessPackage, resolveInputs } from './inputs.mjs';
import { buildReport } from './schema.mjs';
import { selectShard } from './shard.mjs';
import { judge } from './verdict.mjs';

export const MAX_BROWSERS = 2;

// Slowest engines first, so the end of the run is short Chromium pages that
// both workers can share.
const BROWSER_ORDER = ['webkit', 'firefox', 'chromium', 'chromium-experimental'];

/** The test files to run after --filter, --exclude and --shard, with their META. */
export async function planFiles(wptRoot, { filters = [], excludes = [], shard = null } = {}) {
  if (!existsSync(path.join(wptRoot, 'websockets/stream'))) {
    throw new UsageError(`no websockets/stream/ folder under the WPT root ${wptRoot}`);
  }
  let files = await listTestFiles(wptRoot, 'websockets/stream');
  if (filters.length > 0) files = files.filter((file) => filters.some((text) => file.includes(text)));
  if (excludes.length > 0) files = files.filter((file) => !excludes.some((text) => file.includes(text)));
  files = selectShard(files, shard);
  const planned = [];
  for (const file of files) {
    planned.push({ file, meta: parseMeta(await readFile(path.join(wptRoot, file), 'utf8')) });
  }
  return planned;
}

/**
 * Every page of the run as one queue, grouped by browser (slowest engine
 * first) and, within a browser, native configurations first (their engine is
 * probed for a native WebSocketStream on first use), then file, page and mode.
 */
export function buildQueue(configurations, planned, options) {
  const queue = [];
  const browsers = [...new Set(configurations.map((configuration) => configuration.browser))]
    .sort((a, b) => BROWSER_ORDER.indexOf(a) - BROWSER_ORDER.indexOf(b));
  for (const browser of browsers) {
    const ofBrowser = configurations.filter((configuration) => configuration.browser === browser)
      .sort((a, b) => (a.mode === 'native' ? 0 : 1) - (b.mode === 'native' ? 0 : 1));
    for (const { file, meta } of planned) {
      for (const page of pagesForFile(file, meta, options)) {
        for (const configuration of ofBrowser) queue.push({ file, meta, page, configuration });
      }
    }
  }
  return queue;
}

/**
 * @param options parsed CLI options (see options.mjs)
 * @param hooks { progress(event) } — called as pages finish, for the terminal
 * @returns the report (see schema.mjs)
 */
function createDriverOrExplain(configuration, found, options) {
  try {
    return { driver: createDriver(configuration, { found: found[configuration.engine], ...options }) };
  } catch (error) {
    return { error: error.message };
  }
}

function crashIsExpected(record, expectationsByName) {
  const entry = findExpectation(expectationsByName[record.expectations] ?? [], {
    file: record.file, test: undefined, scope: record.scope, variant: record.variant, mode: record.mode,
  });
  return entry !== null && isExpectedStatus('CRASH', entry.expected);
}

async function runItem(driver, item, server, options) {
  const url = pageUrl(server.httpOrigin, item.page, item.configuration.mode);
  const outcome = await driver.runPage(url, { timeoutMs: fileTimeoutMs(item.meta, options.timeoutMultiplier) });
  const { pathname, search } = new URL(url);
  return {
    file: item.file,
    configuration: item.configuration.id,
    browser: item.configuration.browser,
    engine: item.configuration.engine,
    mode: item.configuration.mode,
    expectations: item.configuration.expectations,
    scope: item.page.scope,
    variant: item.page.variant,
    url: pathname + search,
    status: outcome.status,
    message: outcome.message,
    timedOut: outcome.timedOut,
    crashed: outcome.crashed,
    durationMs: outcome.durationMs,
    subtests: outcome.subtests,
  };
}

export async function runConformance(options, { progress = () => {}, cwd = process.cwd(), signal } = {}) {
  const startedAt = new Date();
  const inputs = resolveInputs(options, cwd);
  const configurations = buildConfigurations(options);
  if (configurations.length === 0) throw new UsageError('nothing to run: no browser supports the chosen --modes');
  if (configurations.some((configuration) => configuration.mode === 'polyfill')) checkPolyfill(inputs.polyfill, { given: Boolean(options.polyfill) });
  const planned = await planFiles(inputs.wptRoot, options);
  if (planned.length === 0) throw new UsageError('no test files match --filter/--exclude/--shard');

  const expectationsByName = {};
  for (const configuration of configurations) {
    expectationsByName[configuration.expectations] ??= (await loadExpectations(inputs.expectationsDir, configuration.expectations)).entries;
  }

  const found = await detectBrowsers();
  const server = await startServer({ wptRoot: inputs.wptRoot, polyfillFile: inputs.polyfill, host: options.host });
  const records = [];
  const configurationInfo = new Map(configurations.map((configuration) => [configuration.id, { ...configuration, driver: null, source: null, browserVersion: null, skipped: null }]));

  // Two workers, each with at most one browser open, take pages from one
  // queue; a worker that reaches another browser's pages closes its browser
  // and starts that one. Both stay busy to the end, whatever the engines cost.
  const queue = buildQueue(configurations, planned, options);
  const counter = { done: 0, total: queue.length };
  const unavailable = new Map(); // browser → why it could not start
  const nativeProbes = new Map(); // browser → Promise<boolean>
  const skipConfiguration = (configuration, reason) => {
    const info = configurationInfo.get(configuration.id);
    if (info.skipped) return;
    info.skipped = reason;
    counter.total -= queue.filter((item) => item.configuration === configuration).length;
    progress({ type: 'skip', configuration: configuration.id, reason });
  };

  const worker = async () => {
    let driver = null;
    let driverBrowser = null;
    const openDriver = async (item) => {
      const { browser } = item.configuration;
      await driver?.close().catch(() => {});
      driver = null;
      driverBrowser = browser;
      if (unavailable.has(browser)) return;
      const candidate = createDriverOrExplain(item.configuration, found, options);
      if (candidate.error) {
        unavailable.set(browser, candidate.error);
        return;
      }
      progress({ type: 'launch', browser, source: candidate.driver.source });
      try {
        await candidate.driver.launch();
        driver = candidate.driver;
      } catch (error) {
        unavailable.set(browser, `could not start ${browser}: ${error.message.split('\n')[0]}`);
        await candidate.driver.close().catch(() => {});
      }
    };

    try {
      while (counter.next < queue.length && !signal?.aborted) {
        const item = queue[counter.next++];
        const { configuration } = item;
        const info = configurationInfo.get(configuration.id);
        if (info.skipped) continue;
        if (driverBrowser !== configuration.browser) await openDriver(item);
        if (!driver) {
          for (const other of configurations.filter((candidate) => candidate.browser === configuration.browser)) {
            skipConfiguration(other, unavailable.get(configuration.browser));
          }
          continue;
        }
        info.driver ??= driver.kind;
        info.source ??= driver.source;
        info.browserVersion ??= driver.version;
        if (configuration.mode === 'native' && configuration.engine !== 'chromium') {
          if (!nativeProbes.has(configuration.browser)) {
            nativeProbes.set(configuration.browser, driver.evaluate(`${server.httpOrigin}/`, "typeof WebSocketStream === 'function'").catch(() => false));
          }
          if (!(await nativeProbes.get(configuration.browser))) {
            skipConfiguration(configuration, `${configuration.browser} has no native WebSocketStream`);
            continue;
          }
        }
        let record = await runItem(driver, item, server, options);
        if (record.status === 'CRASH' && configuration.mode === 'native' && !crashIsExpected(record, expectationsByName)) {
          // Native Chromium's renderer now and then dies on a file it passes every other time;
          // that is the reference browser's flakiness, not a finding about the polyfill. Such a
          // crash gets one more try, and the report keeps the first attempt. Polyfill
          // configurations get no second chance.
          progress({ type: 'retry', record });
          const retried = await runItem(driver, item, server, options);
          record = { ...retried, firstAttempt: { status: record.status, message: record.message, durationMs: record.durationMs } };
        }
        records.push(record);
        counter.done += 1;
        progress({ type: 'page', done: counter.done, total: counter.total, record: records[records.length - 1] });
      }
    } finally {
      await driver?.close().catch(() => {});
    }
  };
  counter.next = 0;

  try {
    await Promise.all(Array.from({ length: Math.min(MAX_BROWSERS, queue.length) }, worker));
  } finally {
    await server.close();
  }

  const order = new Map(configurations.map((configuration, index) => [configuration.id, index]));
  records.sort((a, b) => a.file.localeCompare(b.file) || order.get(a.configuration) - order.get(b.configuration) || a.scope.localeCompare(b.scope) || a.variant.localeCompare(b.variant));
  const verdict = judge(records, expectationsByName);

  // A configuration that could not run for want of a browser is a failure, loudly;
  // one skipped because the engine has no native WebSocketStream is not.
  const missingBrowsers = [...configurationInfo.values()].filter((info) => info.skipped && !info.skipped.endsWith('has no native WebSocketStream'));
  for (const info of missingBrowsers) {
    verdict.unexpected.push({ configuration: info.id, file: null, scope: null, variant: null, test: null, kind: 'browser-unavailable', status: null, expected: null, message: info.skipped });
  }

  const finishedAt = new Date();
  const packageJson = harnessPackage();
  const run = {
    startedAt: startedAt.toISOString(),
    finishedAt: finishedAt.toISOString(),
    wallTimeMs: finishedAt - startedAt,
    exitCode: verdict.unexpected.length > 0 || signal?.aborted ? 1 : 0,
    tool: { name: packageJson.name, version: packageJson.version },
    node: process.version,
    platform: process.platform,
    arch: process.arch,
    cpus: os.cpus().length,
    options: {
      browsers: options.browsers,
      modes: options.modes,
      scopes: options.scopes,
      variants: options.variants,
      filters: options.filters,
      excludes: options.excludes,
      shard: options.shard,
      wptRoot: path.relative(cwd, inputs.wptRoot) || '.',
      polyfill: inputs.polyfill === null ? null : path.relative(cwd, inputs.polyfill),
      expectationsDir: path.relative(cwd, inputs.expectationsDir),
      timeoutMultiplier: options.timeoutMultiplier,
    },
    reference: REFERENCE_ID,
    configurations: [...configurationInfo.values()].map(({ id, browser, engine, mode, args, expectations, isReference, driver, source, browserVersion, skipped }) => ({
      id, browser, engine, mode, args, expectations, isReference, driver, source, browserVersion, skipped,
    })),
    files: planned.map(({ file }) => file),
  };
  return buildReport({ run, verdict });
}
