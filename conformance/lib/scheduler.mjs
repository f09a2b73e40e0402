// @ts-check
// The scheduler: which job runs when, and in which browser session.
//
// Up to `workers` sessions run at once (--workers; the machines here have two
// cores, hence the default of 2). Each worker takes the next job from one
// shared list and runs it in its own session: one driver, one browser, pages
// one at a time. A worker whose next job is for another browser closes its
// browser and starts that one, so every worker stays busy to the end whatever
// each engine costs, and never more than `workers` browsers are open.
//
// Parallelism lives here and nowhere else: a driver runs one page at a time
// and knows nothing of the others. Each page stays bounded and crash-isolated
// by its driver (a hung or crashed page costs its own session a restart, not
// the run), and this module bounds the driver too, in case one breaks its word.
//
// Results do not depend on the number of workers: the same jobs run, each
// exactly as it would alone; only the order they finish in differs, and the
// runner sorts the records.
//
// The scheduler also owns four decisions about a run as a whole:
//   - a browser that cannot start skips its configurations, with the reason;
//   - but a further session of a browser that already runs in another worker
//     is only a session fewer: a grid with fewer free slots than workers
//     queues the extra request and may give up on it. That worker leaves the
//     browser's pages to the sessions that have it and goes on with others;
//   - an engine with no WebSocketStream of its own skips its native
//     configurations (looked at once per browser, in its first session);
//   - a native page that crashes where no crash is expected runs once more:
//     native Chromium's renderer now and then dies on a file it passes every
//     other time, which is the reference's flakiness, not a finding about the
//     polyfill. Polyfill pages never get a second try.
import { bounded, crashedOutcome, deadline } from '../drivers/outcome.mjs';
import { needsNativeProbe } from './matrix.mjs';

/** @typedef {import('./types.mjs').Configuration} Configuration */
/** @typedef {import('./types.mjs').ConfigurationRun} ConfigurationRun */
/** @typedef {import('./types.mjs').Driver} Driver */
/** @typedef {import('./types.mjs').Job} Job */
/** @typedef {import('./types.mjs').PageOutcome} PageOutcome */
/** @typedef {import('./types.mjs').PageRun} PageRun */
/** @typedef {import('./types.mjs').Skip} Skip */

/**
 * @typedef {{ type: 'launch', browser: string, source: string }
 *   | { type: 'notice', message: string }
 *   | { type: 'skip', configuration: string, reason: string, skip: Skip }
 *   | { type: 'retry', run: PageRun }
 *   | { type: 'page', done: number, total: number, run: PageRun }} SchedulerEvent
 */

/**
 * @typedef {object} Plan
 * @property {Job[]} jobs  every page of the run, in the order to hand them out
 * @property {number} workers  sessions at once, at least 1
 * @property {(configuration: Configuration) => Driver} createDriver  throws when the browser cannot be had here
 * @property {string} probeUrl  a page to look for a native WebSocketStream on
 * @property {(job: Job) => boolean} crashIsExpected  whether the expectations allow this page to crash
 * @property {(event: SchedulerEvent) => void} [progress]
 * @property {AbortSignal} [signal]  stops handing out jobs
 */

/** @typedef {{ runs: PageRun[], configurations: Map<string, ConfigurationRun>, sessions: number }} Schedule  sessions: browser sessions opened */

export const DEFAULT_WORKERS = 2;

// The drivers bound their own steps; these bound the drivers, generously,
// so that a driver that breaks its contract still cannot stop the run. A page
// may legitimately take its own bound plus a browser restart (a driver
// relaunches inside runPage after a crash or a hang: up to a minute each for
// Playwright and WebDriver), so the page's grace is a launch bound.
const LAUNCH_BOUND_MS = 180_000;
const CLOSE_BOUND_MS = 30_000;
const PAGE_GRACE_MS = LAUNCH_BOUND_MS;
const PROBE_BOUND_MS = 30_000;
// A driver that may wait longer to launch (launchTimeoutMs: a grid's queue)
// gets that, and this much more before the scheduler gives up on it.
const LAUNCH_SLACK_MS = 30_000;

/**
 * How long a driver's launch may take, and so a relaunch within a page.
 * @param {Driver} driver
 */
function launchBoundOf(driver) {
  return Math.max(LAUNCH_BOUND_MS, (driver.launchTimeoutMs ?? 0) + LAUNCH_SLACK_MS);
}

/**
 * Runs every job; resolves when all have run or been skipped.
 * @param {Plan} plan
 * @returns {Promise<Schedule>}
 */
export async function runSchedule(plan) {
  if (!Number.isInteger(plan.workers) || plan.workers < 1) throw new RangeError(`workers must be an integer ≥ 1, got ${plan.workers}`);
  const state = new ScheduleState(plan);
  const workers = Math.min(plan.workers, plan.jobs.length);
  await Promise.all(Array.from({ length: workers }, () => runWorker(state)));
  return state.result();
}

/**
 * What the workers share: the job list, what each configuration became, and
 * the answers that hold for a whole browser (can it start, has it a native
 * WebSocketStream).
 */
class ScheduleState {
  /** @param {Plan} plan */
  constructor(plan) {
    this.plan = plan;
    // Jobs are handed out in order; one a worker could not start goes back.
    /** @type {boolean[]} */
    this.taken = plan.jobs.map(() => false);
    this.firstUntaken = 0;
    /** @type {Map<Job, number>} */
    this.positions = new Map(plan.jobs.map((job, index) => [job, index]));
    /** @type {Map<string, number>} browser → sessions of it open now */
    this.open = new Map();
    this.done = 0;
    this.total = plan.jobs.length;
    this.sessionsOpened = 0;
    /** @type {PageRun[]} */
    this.runs = [];
    /** @type {Map<string, ConfigurationRun & { sessionIds: Set<number>, finished: number }>} */
    this.configurations = new Map();
    for (const { configuration } of plan.jobs) {
      if (this.configurations.has(configuration.id)) continue;
      this.configurations.set(configuration.id, { driver: null, source: null, browserVersion: null, skip: null, sessions: 0, sessionIds: new Set(), finished: 0 });
    }
    /** @type {Map<string, Skip>} browser → why it could not start */
    this.unavailable = new Map();
    /** @type {Map<string, Promise<boolean>>} browser → whether it has a native WebSocketStream */
    this.nativeProbes = new Map();
  }

  /** @param {SchedulerEvent} event */
  emit(event) {
    this.plan.progress?.(event);
  }

  /**
   * The next job that still has to run, leaving out browsers this worker gave up
   * on; null when there is none (or the run was interrupted).
   * @param {Set<string>} declined
   */
  take(declined) {
    const { jobs } = this.plan;
    while (this.firstUntaken < jobs.length && this.taken[this.firstUntaken]) this.firstUntaken += 1;
    for (let index = this.firstUntaken; index < jobs.length && !this.plan.signal?.aborted; index += 1) {
      if (this.taken[index] || declined.has(jobs[index].configuration.browser)) continue;
      this.taken[index] = true;
      if (!this.stateOf(jobs[index].configuration).skip) return jobs[index];
    }
    return null;
  }

  /** @param {Job} job  taken, and not run: another worker will take it */
  putBack(job) {
    const index = /** @type {number} */ (this.positions.get(job));
    this.taken[index] = false;
    this.firstUntaken = Math.min(this.firstUntaken, index);
  }

  /**
   * @param {string} browser
   * @param {1|-1} change
   */
  countOpen(browser, change) {
    this.open.set(browser, (this.open.get(browser) ?? 0) + change);
  }

  /** @param {Configuration} configuration */
  stateOf(configuration) {
    return /** @type {ConfigurationRun & { sessionIds: Set<number>, finished: number }} */ (this.configurations.get(configuration.id));
  }

  /**
   * @param {Configuration} configuration
   * @param {Skip} skip
   */
  skip(configuration, skip) {
    const state = this.stateOf(configuration);
    if (state.skip) return;
    state.skip = skip;
    const jobs = this.plan.jobs.filter((job) => job.configuration.id === configuration.id).length;
    this.total -= jobs - state.finished;
    this.emit({ type: 'skip', configuration: configuration.id, reason: skip.message, skip });
  }

  /** @param {string} browser */
  skipBrowser(browser) {
    const skip = /** @type {Skip} */ (this.unavailable.get(browser));
    for (const { configuration } of this.plan.jobs) {
      if (configuration.browser === browser) this.skip(configuration, skip);
    }
  }

  /** @param {PageRun} run */
  finish(run) {
    this.runs.push(run);
    this.stateOf(run.job.configuration).finished += 1;
    this.done += 1;
    this.emit({ type: 'page', done: this.done, total: this.total, run });
  }

  /** @returns {Schedule} */
  result() {
    /** @type {Map<string, ConfigurationRun>} */
    const configurations = new Map();
    for (const [id, { sessionIds, finished, ...state }] of this.configurations) {
      configurations.set(id, { ...state, sessions: sessionIds.size });
    }
    return { runs: this.runs, configurations, sessions: this.sessionsOpened };
  }
}

/**
 * One worker: one session at a time, for as long as there are jobs.
 * @param {ScheduleState} state
 */
async function runWorker(state) {
  /** @type {Session} */
  const session = { id: 0, browser: null, driver: null, declined: new Set() };
  try {
    for (let job = state.take(session.declined); job; job = state.take(session.declined)) {
      await runJobInSession(state, session, job);
    }
  } finally {
    await closeSession(state, session);
  }
}

/**
 * One worker's session. `declined`: browsers whose further session could not
 * start while another worker had one; this worker leaves their pages alone.
 * @typedef {{ id: number, browser: string|null, driver: Driver|null, declined: Set<string> }} Session
 */

/**
 * @param {ScheduleState} state
 * @param {Session} session
 * @param {Job} job
 */
async function runJobInSession(state, session, job) {
  const { configuration } = job;
  if (session.browser !== configuration.browser) await openSession(state, session, job);
  if (!session.driver && session.declined.has(configuration.browser)) return;
  if (!session.driver) {
    state.skipBrowser(configuration.browser);
    return;
  }
  const configurationState = state.stateOf(configuration);
  noteDriver(configurationState, session.driver);
  if (needsNativeProbe(configuration) && !(await hasNativeImplementation(state, session.driver, configuration.browser))) {
    state.skip(configuration, { kind: 'no-native-implementation', message: `${configuration.browser} has no native WebSocketStream` });
    return;
  }
  configurationState.sessionIds.add(session.id);
  state.finish(await runWithCrashRetry(state, session, job));
}

/**
 * What the report says of a configuration's browser, from the first session
 * that had it (also for one then skipped for want of a native WebSocketStream).
 * @param {ConfigurationRun} configurationState
 * @param {Driver} driver
 */
function noteDriver(configurationState, driver) {
  configurationState.driver ??= driver.kind;
  configurationState.source ??= driver.source;
  configurationState.browserVersion ??= driver.version;
}

/**
 * Closes the session's browser and starts the one the job needs. Leaves
 * `session.driver` null when that browser cannot start here, and records why,
 * once for every session; or, when other sessions have that browser, hands
 * the job back to them (in the same turn as it looks: a worker ending in
 * between would leave the job to nobody).
 * @param {ScheduleState} state
 * @param {Session} session
 * @param {Job} job
 */
async function openSession(state, session, job) {
  const { configuration } = job;
  await closeSession(state, session);
  const { browser } = configuration;
  session.browser = browser;
  if (state.unavailable.has(browser)) return;
  /** @type {Driver} */
  let driver;
  try {
    driver = state.plan.createDriver(configuration);
  } catch (error) {
    state.unavailable.set(browser, { kind: 'browser-unavailable', message: messageOf(error) });
    return;
  }
  state.emit({ type: 'launch', browser, source: driver.source });
  const bound = launchBoundOf(driver);
  try {
    await withinBound(driver.launch(), bound, `${browser} did not start within ${bound} ms`);
    session.driver = driver;
    session.id = ++state.sessionsOpened;
    state.countOpen(browser, 1);
  } catch (error) {
    const why = messageOf(error).split('\n')[0];
    await bounded(driver.close(), CLOSE_BOUND_MS);
    if ((state.open.get(browser) ?? 0) > 0) {
      session.declined.add(browser);
      state.putBack(job);
      state.emit({ type: 'notice', message: `one more ${browser} session could not start (${why}); the ${browser} sessions already open run its pages` });
      return;
    }
    state.unavailable.set(browser, { kind: 'browser-unavailable', message: `could not start ${browser}: ${why}` });
  }
}

/**
 * @param {ScheduleState} state
 * @param {Session} session
 */
async function closeSession(state, session) {
  const { driver, browser } = session;
  session.driver = null;
  session.browser = null;
  if (driver && browser) state.countOpen(browser, -1);
  if (driver) await bounded(driver.close(), CLOSE_BOUND_MS);
}

/**
 * Asked once per browser, whichever session gets there first; the others wait for that answer.
 * @param {ScheduleState} state
 * @param {Driver} driver
 * @param {string} browser
 */
function hasNativeImplementation(state, driver, browser) {
  if (!state.nativeProbes.has(browser)) {
    const probe = withinBound(driver.evaluate(state.plan.probeUrl, "typeof WebSocketStream === 'function'"), PROBE_BOUND_MS, 'probe timed out');
    state.nativeProbes.set(browser, probe.then((answer) => answer === true, () => false));
  }
  return /** @type {Promise<boolean>} */ (state.nativeProbes.get(browser));
}

/**
 * @param {ScheduleState} state
 * @param {Session} session
 * @param {Job} job
 * @returns {Promise<PageRun>}
 */
async function runWithCrashRetry(state, session, job) {
  const first = await runPage(state, session, job);
  const retry = first.status === 'CRASH' && job.configuration.mode === 'native' && !state.plan.crashIsExpected(job);
  if (!retry || !session.driver) return { job, outcome: first, firstAttempt: null, session: session.id };
  state.emit({ type: 'retry', run: { job, outcome: first, firstAttempt: null, session: session.id } });
  const second = await runPage(state, session, job);
  return { job, outcome: second, firstAttempt: first, session: session.id };
}

/**
 * The driver bounds the page by job.timeoutMs. Should it not answer even
 * long after that, its session is given up (the next job starts a new one)
 * and the page counts as crashed.
 * @param {ScheduleState} state
 * @param {Session} session
 * @param {Job} job
 * @returns {Promise<PageOutcome>}
 */
async function runPage(state, session, job) {
  const driver = /** @type {Driver} */ (session.driver);
  const started = Date.now();
  const grace = Math.max(PAGE_GRACE_MS, launchBoundOf(driver));
  const limit = deadline(job.timeoutMs + grace);
  try {
    const outcome = await Promise.race([driver.runPage(job.url, { timeoutMs: job.timeoutMs }), limit.promise.then(() => null)]);
    if (outcome) return outcome;
  } catch (error) {
    // runPage must not reject; one that does has lost track of its browser.
    await closeSession(state, session);
    return crashedOutcome(`the driver failed: ${messageOf(error).split('\n')[0]}`, Date.now() - started, 'session-failed');
  } finally {
    limit.cancel();
  }
  await closeSession(state, session);
  return crashedOutcome(`the driver did not answer within ${job.timeoutMs + grace} ms`, Date.now() - started, 'session-failed');
}

/**
 * @template T
 * @param {Promise<T>} promise
 * @param {number} ms
 * @param {string} message  the rejection's message when time runs out
 * @returns {Promise<T>}
 */
async function withinBound(promise, ms, message) {
  const limit = deadline(ms);
  try {
    return await Promise.race([promise, limit.promise.then(() => Promise.reject(new Error(message)))]);
  } finally {
    limit.cancel();
  }
}

/** @param {unknown} error */
function messageOf(error) {
  return error instanceof Error ? error.message : String(error);
}
