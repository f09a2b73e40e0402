// One conformance run: test files → server pages → drivers → judged results.
// At most two browsers run at once (the machines have two cores); each browser
// is reused for all the files of its configurations, with a fresh page per file.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createDriver } from '../drivers/index.mjs';
import { listTestFiles, parseMeta, startServer } from '../server/index.mjs';
import { detectBrowsers } from './browsers.mjs';
import { loadExpectations } from './expectations.mjs';
import { buildConfigurations, fileTimeoutMs, pageUrl, pagesForFile, REFERENCE_ID } from './matrix.mjs';
import { UsageError } from './options.mjs';
import { buildReport } from './schema.mjs';
import { selectShard } from './shard.mjs';
import { judge } from './verdict.mjs';

export const PACKAGE_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const MAX_BROWSERS = 2;

// Rough cost of one page per engine, to start the slowest lanes first.
const ENGINE_WEIGHT = { chromium: 1, firefox: 1.4, webkit: 1.6 };

export function resolveInputs(options, cwd = process.cwd()) {
  const wptRoot = path.resolve(cwd, options.wptRoot ?? path.join(PACKAGE_ROOT, 'wpt'));
  const polyfill = path.resolve(cwd, options.polyfill ?? path.join(PACKAGE_ROOT, 'dist/websocketstream-polyfill.js'));
  const expectationsDir = path.resolve(cwd, options.expectationsDir ?? path.join(PACKAGE_ROOT, 'conformance/expectations'));
  return { wptRoot, polyfill, expectationsDir };
}

/** The test files to run after --filter and --shard, with their META. */
export async function planFiles(wptRoot, { filters = [], shard = null } = {}) {
  if (!existsSync(path.join(wptRoot, 'websockets/stream'))) {
    throw new UsageError(`no websockets/stream/ folder under the WPT root ${wptRoot}`);
  }
  let files = await listTestFiles(wptRoot, 'websockets/stream');
  if (filters.length > 0) files = files.filter((file) => filters.some((text) => file.includes(text)));
  files = selectShard(files, shard);
  const planned = [];
  for (const file of files) {
    planned.push({ file, meta: parseMeta(await readFile(path.join(wptRoot, file), 'utf8')) });
  }
  return planned;
}

/** Configurations grouped by the browser that runs them: one driver (and browser) per lane. */
function buildLanes(configurations) {
  const lanes = new Map();
  for (const configuration of configurations) {
    if (!lanes.has(configuration.browser)) lanes.set(configuration.browser, { browser: configuration.browser, engine: configuration.engine, args: configuration.args, configurations: [] });
    lanes.get(configuration.browser).configurations.push(configuration);
  }
  return [...lanes.values()];
}

function laneItems(lane, planned, options) {
  const items = [];
  for (const { file, meta } of planned) {
    for (const page of pagesForFile(file, meta, options)) {
      for (const configuration of lane.configurations) {
        items.push({ file, meta, page, configuration });
      }
    }
  }
  return items;
}

/** Runs `tasks` (functions returning promises) with at most `limit` at once. */
async function runLimited(tasks, limit) {
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) {
      const task = tasks[next++];
      await task();
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker));
}

/**
 * @param options parsed CLI options (see options.mjs)
 * @param hooks { progress(event) } — called as pages finish, for the terminal
 * @returns the report (see schema.mjs)
 */
export async function runConformance(options, { progress = () => {}, cwd = process.cwd(), signal } = {}) {
  const startedAt = new Date();
  const inputs = resolveInputs(options, cwd);
  const configurations = buildConfigurations(options);
  if (configurations.length === 0) throw new UsageError('nothing to run: no browser supports the chosen --modes');
  if (configurations.some((configuration) => configuration.mode === 'polyfill') && !existsSync(inputs.polyfill)) {
    throw new UsageError(`polyfill build not found: ${inputs.polyfill} (run npm run build, or pass --polyfill FILE)`);
  }
  const planned = await planFiles(inputs.wptRoot, options);
  if (planned.length === 0) throw new UsageError('no test files match --filter/--shard');

  const expectationsByName = {};
  for (const configuration of configurations) {
    expectationsByName[configuration.expectations] ??= (await loadExpectations(inputs.expectationsDir, configuration.expectations)).entries;
  }

  const found = await detectBrowsers();
  const server = await startServer({ wptRoot: inputs.wptRoot, polyfillFile: inputs.polyfill, host: options.host });
  const records = [];
  const configurationInfo = new Map(configurations.map((configuration) => [configuration.id, { ...configuration, driver: null, source: null, browserVersion: null, skipped: null }]));

  const lanes = buildLanes(configurations).map((lane) => ({ ...lane, items: laneItems(lane, planned, options) }));
  const counter = { done: 0, total: lanes.reduce((sum, lane) => sum + lane.items.length, 0) };
  lanes.sort((a, b) => b.items.length * ENGINE_WEIGHT[b.engine] - a.items.length * ENGINE_WEIGHT[a.engine]);

  const runLane = async (lane) => {
    const skip = (configuration, reason) => {
      configurationInfo.get(configuration.id).skipped = reason;
      const skipped = lane.items.filter((item) => item.configuration === configuration).length;
      lane.items = lane.items.filter((item) => item.configuration !== configuration);
      counter.total -= skipped;
      progress({ type: 'skip', configuration: configuration.id, reason });
    };
    let driver;
    try {
      driver = createDriver(lane, { found: found[lane.engine], ...options });
      progress({ type: 'launch', browser: lane.browser, source: driver.source });
      await driver.launch();
    } catch (error) {
      for (const configuration of lane.configurations) skip(configuration, `could not start ${lane.browser}: ${error.message.split('\n')[0]}`);
      await driver?.close().catch(() => {});
      return;
    }
    try {
      for (const configuration of lane.configurations) {
        Object.assign(configurationInfo.get(configuration.id), { driver: driver.kind, source: driver.source, browserVersion: driver.version });
        if (configuration.mode === 'native' && configuration.engine !== 'chromium') {
          const hasNative = await driver.evaluate(`${server.httpOrigin}/`, "typeof WebSocketStream === 'function'").catch(() => false);
          if (!hasNative) skip(configuration, `${lane.browser} has no native WebSocketStream`);
        }
      }
      for (const item of lane.items) {
        if (signal?.aborted) break;
        const url = pageUrl(server.httpOrigin, item.page, item.configuration.mode);
        const outcome = await driver.runPage(url, { timeoutMs: fileTimeoutMs(item.meta, options.timeoutMultiplier) });
        const record = {
          file: item.file,
          configuration: item.configuration.id,
          browser: item.configuration.browser,
          engine: item.configuration.engine,
          mode: item.configuration.mode,
          expectations: item.configuration.expectations,
          scope: item.page.scope,
          variant: item.page.variant,
          url: new URL(url).pathname + new URL(url).search,
          status: outcome.status,
          message: outcome.message,
          timedOut: outcome.timedOut,
          crashed: outcome.crashed,
          durationMs: outcome.durationMs,
          subtests: outcome.subtests,
        };
        records.push(record);
        counter.done += 1;
        progress({ type: 'page', done: counter.done, total: counter.total, record });
      }
    } finally {
      await driver.close().catch(() => {});
    }
  };

  try {
    await runLimited(lanes.map((lane) => () => runLane(lane)), MAX_BROWSERS);
  } finally {
    await server.close();
  }

  const order = new Map(configurations.map((configuration, index) => [configuration.id, index]));
  records.sort((a, b) => a.file.localeCompare(b.file) || order.get(a.configuration) - order.get(b.configuration) || a.scope.localeCompare(b.scope) || a.variant.localeCompare(b.variant));
  const verdict = judge(records, expectationsByName);

  // A configuration that could not run for want of a browser is a failure, loudly;
  // one skipped because the engine has no native WebSocketStream is not.
  const missingBrowsers = [...configurationInfo.values()].filter((info) => info.skipped && info.skipped.startsWith('could not start'));
  for (const info of missingBrowsers) {
    verdict.unexpected.push({ configuration: info.id, file: null, scope: null, variant: null, test: null, kind: 'browser-unavailable', status: null, expected: null, message: info.skipped });
  }

  const finishedAt = new Date();
  const packageJson = JSON.parse(await readFile(path.join(PACKAGE_ROOT, 'package.json'), 'utf8'));
  const run = {
    startedAt: startedAt.toISOString(),
    finishedAt: finishedAt.toISOString(),
    wallTimeMs: finishedAt - startedAt,
    exitCode: verdict.unexpected.length > 0 || signal?.aborted ? 1 : 0,
    tool: { name: `${packageJson.name} conformance`, version: packageJson.version },
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
      shard: options.shard,
      wptRoot: path.relative(cwd, inputs.wptRoot) || '.',
      polyfill: path.relative(cwd, inputs.polyfill),
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
