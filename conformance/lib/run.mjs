// One conformance run: test files → jobs (jobs.mjs) → the scheduler, which
// runs them in drivers' sessions (scheduler.mjs) → records (records.mjs) →
// the verdict (verdict.mjs) → the report (schema.mjs). How many browsers run
// at once, and everything about sessions, is the scheduler's business.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { createDriver } from '../drivers/index.mjs';
import { listTestFiles, parseMeta, startServer } from '../server/index.mjs';
import { detectBrowsers } from './browsers.mjs';
import { findExpectation, isExpectedStatus, loadExpectations } from './expectations.mjs';
import { buildJobs } from './jobs.mjs';
import { buildConfigurations } from './matrix.mjs';
import { UsageError } from './options.mjs';
import { checkPolyfill, harnessPackage, resolveInputs } from './inputs.mjs';
import { obtainRows, probeBundles, resolveExpectationNames } from './prepare-rows.mjs';
import { recordOf, sortRecords } from './records.mjs';
import { describeRun } from './run-info.mjs';
import { DEFAULT_WORKERS, runSchedule } from './scheduler.mjs';
import { buildReport } from './schema.mjs';
import { selectShard } from './shard.mjs';
import { judgeRun } from './verdict.mjs';
import { checkWebDriverEndpoint } from './webdriver-preflight.mjs';


/**
 * The test files to run after --filter, --exclude and --shard, with their META.
 * @param {string} wptRoot
 * @param {Partial<Pick<Options, 'filters'|'excludes'|'shard'>>} [options]
 */
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

/** @typedef {import('./types.mjs').Configuration} Configuration */
/** @typedef {import('./types.mjs').ExpectationsByName} ExpectationsByName */
/** @typedef {import('./types.mjs').Job} Job */
/** @typedef {import('./types.mjs').Options} Options */
/** @typedef {import('./types.mjs').ProgressEvent} ProgressEvent */
/**
 * @typedef {{ inputs: { wptRoot: string, polyfill: string|null, expectationsDir: string }, configurations: Configuration[],
 *   planned: { file: string, meta: import('./types.mjs').TestMeta }[], expectationsByName: ExpectationsByName }} PreparedRun
 */

/**
 * @param {import('./types.mjs').Options} options  parsed CLI options (see options.mjs)
 *   (engine rows' binaries are obtained first: from the cache, or the npm registry into it)
 * @param {{ progress?: (event: import('./types.mjs').ProgressEvent) => void, cwd?: string, signal?: AbortSignal }} [hooks]
 *   progress is called as pages finish, for the terminal
 * @returns {Promise<import('./types.mjs').Report>}
 */
export async function runConformance(options, { progress = () => {}, cwd = process.cwd(), signal } = {}) {
  const startedAt = new Date();
  const prepared = await prepareRun(options, cwd, progress);
  await checkWebDriverEndpoint(prepared.configurations, options, { notice: (message) => progress({ type: 'notice', message }) });
  const schedule = await runOnServer(prepared, options, { progress, signal });
  const records = sortRecords(schedule.runs.map(recordOf), prepared.configurations);
  const judged = prepared.configurations.map((configuration) => ({ ...configuration, skip: schedule.configurations.get(configuration.id)?.skip ?? null }));
  const verdict = judgeRun(records, prepared.expectationsByName, judged);
  const run = describeRun({
    startedAt, options, cwd, inputs: prepared.inputs, configurations: prepared.configurations, planned: prepared.planned,
    schedule, verdict, interrupted: Boolean(signal?.aborted), tool: harnessPackage(),
  });
  return buildReport({ run, verdict });
}

/**
 * Everything a run needs before a browser starts; a UsageError for anything the user must fix.
 * @param {Options} options
 * @param {string} cwd
 * @param {(event: ProgressEvent) => void} progress
 * @returns {Promise<PreparedRun>}
 */
async function prepareRun(options, cwd, progress) {
  const inputs = resolveInputs(options, cwd);
  const configurations = buildConfigurations(options);
  resolveExpectationNames(configurations, inputs.expectationsDir);
  if (configurations.length === 0) throw new UsageError('nothing to run: no browser supports the chosen --modes');
  for (const configuration of configurations) {
    if (!configuration.scopes.some((scope) => options.scopes.includes(scope))) {
      throw new UsageError(`nothing to run for ${configuration.id}: it runs only in ${configuration.scopes.join(', ')}, and --scopes leaves that out`);
    }
  }
  if (configurations.some((configuration) => configuration.mode === 'polyfill')) checkPolyfill(inputs.polyfill, { given: Boolean(options.polyfill) });
  const planned = await planFiles(inputs.wptRoot, options);
  if (planned.length === 0) throw new UsageError('no test files match --filter/--exclude/--shard');
  await obtainRows(configurations, { log: (line) => progress({ type: 'notice', message: line }) });
  /** @type {import('./types.mjs').ExpectationsByName} */
  const expectationsByName = {};
  for (const configuration of configurations) {
    expectationsByName[configuration.expectations] ??= (await loadExpectations(inputs.expectationsDir, configuration.expectations)).entries;
  }
  return { inputs, configurations, planned, expectationsByName };
}

/**
 * Starts the test server, runs every page through the scheduler, stops the server.
 * @param {PreparedRun} prepared
 * @param {Options} options
 * @param {{ progress: (event: ProgressEvent) => void, signal: AbortSignal|undefined }} hooks
 */
async function runOnServer({ inputs, configurations, planned, expectationsByName }, options, { progress, signal }) {
  // What detectBrowsers() found, by engine (types.mjs's FoundBrowser says what each holds).
  const found = await detectBrowsers();
  // No polyfill found (a native-only run): the server's default path, which answers 404 if asked.
  const server = await startServer({ wptRoot: inputs.wptRoot, polyfillFile: inputs.polyfill ?? undefined, host: options.host });
  const workers = options.workers ?? DEFAULT_WORKERS;
  // Engine rows: the build each browser row loads is settled before any job exists.
  const rowOptions = { serverOrigin: server.httpOrigin, distDir: path.dirname(inputs.polyfill ?? ''), timeoutMultiplier: options.timeoutMultiplier };
  try {
    await probeBundles(configurations, { serverOrigin: server.httpOrigin, workers });
    return await runSchedule({
      jobs: buildJobs(configurations, planned, options, server.httpOrigin),
      workers,
      createDriver: (configuration) => createDriver(configuration, { found: found[configuration.engine], ...options, ...rowOptions }),
      probeUrl: `${server.httpOrigin}/`,
      crashIsExpected: (job) => crashIsExpected(job, expectationsByName),
      progress: (event) => progress(progressEventOf(event)),
      signal,
    });
  } finally {
    await server.close();
  }
}

/**
 * Whether the expectations allow this page to crash (then a native crash is not run again).
 * @param {Job} job
 * @param {ExpectationsByName} expectationsByName
 */
function crashIsExpected({ file, page, configuration }, expectationsByName) {
  const entry = findExpectation(expectationsByName[configuration.expectations] ?? [], {
    file, test: undefined, scope: page.scope, variant: page.variant, mode: configuration.mode,
  });
  return entry !== null && isExpectedStatus('CRASH', entry.expected);
}

/**
 * The scheduler speaks of jobs and outcomes; the CLI prints records.
 * @param {import('./scheduler.mjs').SchedulerEvent} event
 * @returns {ProgressEvent}
 */
function progressEventOf(event) {
  if (event.type === 'page') return { type: 'page', done: event.done, total: event.total, record: recordOf(event.run) };
  if (event.type === 'retry') return { type: 'retry', record: recordOf(event.run) };
  return event;
}
