// The scheduler on its own, with fake drivers: the thing under test is which
// page runs where and what becomes of sessions, skips and crashes, so the
// drivers here only answer with outcomes chosen by URL (after a short, varied
// delay, so that sessions really interleave). Real drivers are exercised in
// harness-e2e.test.mjs.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { completedOutcome, crashedOutcome } from '../drivers/outcome.mjs';
import { buildJobs } from '../lib/jobs.mjs';
import { buildConfigurations } from '../lib/matrix.mjs';
import { parseOptions } from '../lib/options.mjs';
import { recordOf, sortRecords } from '../lib/records.mjs';
import { DEFAULT_WORKERS, runSchedule } from '../lib/scheduler.mjs';

/** @typedef {import('../lib/types.mjs').Configuration} Configuration */
/** @typedef {import('../lib/types.mjs').Driver} Driver */
/** @typedef {import('../lib/types.mjs').Options} Options */
/** @typedef {import('../lib/types.mjs').PageOutcome} PageOutcome */
/** @typedef {import('../lib/types.mjs').TestMeta} TestMeta */
/** @typedef {import('../lib/scheduler.mjs').Plan} Plan */
/** @typedef {import('../lib/scheduler.mjs').Schedule} Schedule */
/** @typedef {import('../lib/scheduler.mjs').SchedulerEvent} SchedulerEvent */
/** @typedef {(url: string, visit: number) => PageOutcome|null} Behaviour */

const ORIGIN = 'http://127.0.0.1:1';
/** @type {TestMeta} */
const META = { globals: ['window', 'worker'], variants: ['?default', '?wss'], scripts: [], timeout: 'normal' };
const PLANNED = ['a', 'b', 'c', 'd', 'e'].map((name) => ({ file: `websockets/stream/${name}.any.js`, meta: META }));

/**
 * A driver that answers every page after a few milliseconds. `behaviour(url, visit)`
 * may return an outcome to use instead of a pass; `visit` counts earlier visits to the URL
 * in any session of the test.
 * @param {{ behaviour?: Behaviour, failLaunch?: string[], noNative?: string[], log?: string[] }} [how]
 *   failLaunch: browsers whose launch() rejects ("create": webkit's driver cannot even be made)
 */
function fakeDriverFactory({ behaviour = () => null, failLaunch = [], noNative = [], log = [] } = {}) {
  /** @type {Map<string, number>} */
  const visits = new Map();
  let open = 0;
  /** @param {Configuration} configuration */
  const factory = (configuration) => {
    if (configuration.browser === 'webkit' && failLaunch.includes('create')) throw new Error('no webkit here: run scripts/setup-browsers');
    /** @type {Driver} */
    const driver = {
      // No kind of the harness's own: the reports would name it as the driver that ran.
      kind: /** @type {Driver['kind']} */ (/** @type {string} */ ('fake')),
      engine: configuration.engine,
      source: `fake ${configuration.browser}`,
      version: null,
      async launch() {
        if (failLaunch.includes(configuration.browser)) throw new Error(`${configuration.browser} refused to start\nwith details`);
        open += 1;
        factory.maxOpen = Math.max(factory.maxOpen, open);
        this.version = `${configuration.browser} 1.0`;
        log.push(`launch ${configuration.browser}`);
      },
      async runPage(url, { timeoutMs }) {
        assert.ok(timeoutMs > 0);
        const visit = visits.get(url) ?? 0;
        visits.set(url, visit + 1);
        await new Promise((resolve) => setTimeout(resolve, 1 + (url.length % 5)));
        return behaviour(url, visit) ?? completedOutcome({ status: { status: 'OK' }, tests: [{ name: `t of ${url}`, status: 'PASS' }] }, 3);
      },
      async evaluate() {
        return !noNative.includes(configuration.browser);
      },
      async close() {
        if (this.version) open -= 1;
        this.version = null;
      },
    };
    return driver;
  };
  factory.maxOpen = 0;
  return factory;
}

/**
 * The configurations of a command line and the scheduler's plan for them over PLANNED.
 * @param {string[]} args  not --help
 * @param {(configuration: Configuration) => Driver} driverFactory
 * @param {Partial<Plan>} [extra]  what differs from the plan the runner would make
 */
function plan(args, driverFactory, extra = {}) {
  const options = parseOptions(args);
  assert.ok(!options.help);
  const configurations = buildConfigurations(options);
  return {
    configurations,
    plan: {
      jobs: buildJobs(configurations, PLANNED, options, ORIGIN),
      workers: options.workers,
      createDriver: driverFactory,
      probeUrl: `${ORIGIN}/`,
      crashIsExpected: () => false,
      ...extra,
    },
  };
}

/**
 * What a run produced, without timings or session numbers: what must not depend on --workers.
 * @param {Schedule} schedule
 * @param {Configuration[]} configurations
 */
function comparable(schedule, configurations) {
  return sortRecords(schedule.runs.map(recordOf), configurations).map(({ durationMs, ...record }) => record);
}

describe('the scheduler', () => {
  it('gives the same records with one session as with two, and opens at most N browsers', async () => {
    const args = ['--browsers', 'chromium,firefox,webkit', '--modes', 'polyfill'];
    const flaky = (/** @type {string} */ url) => (url.includes('/c.any.worker') ? completedOutcome({ status: { status: 'OK' }, tests: [{ name: 't', status: 'FAIL', message: 'no' }] }, 2) : null);
    const serialFactory = fakeDriverFactory({ behaviour: flaky });
    const serial = plan([...args, '--workers', '1'], serialFactory);
    const one = await runSchedule(serial.plan);
    const parallelFactory = fakeDriverFactory({ behaviour: flaky });
    const parallel = plan([...args, '--workers', '2'], parallelFactory);
    const two = await runSchedule(parallel.plan);

    assert.equal(one.runs.length, 5 * 4 * 4, '5 files × 4 pages × (3 polyfills + the reference)');
    assert.deepEqual(comparable(two, parallel.configurations), comparable(one, serial.configurations));
    assert.equal(serialFactory.maxOpen, 1);
    assert.equal(parallelFactory.maxOpen, 2);
    assert.deepEqual(new Set(two.runs.map((run) => run.session)).size > 1, true, 'both sessions ran pages');
    assert.equal(two.configurations.get('webkit:polyfill')?.sessions, 2);
    assert.equal(one.configurations.get('webkit:polyfill')?.sessions, 1);
    assert.equal(two.configurations.get('firefox:polyfill')?.browserVersion, 'firefox 1.0');
  });

  it('defaults to two sessions and refuses fewer than one', async () => {
    assert.equal(DEFAULT_WORKERS, 2);
    const defaults = parseOptions([]);
    assert.ok(!defaults.help);
    assert.equal(defaults.workers, 2);
    const { plan: zero } = plan(['--browsers', 'chromium'], fakeDriverFactory(), { workers: 0 });
    await assert.rejects(runSchedule(zero), /workers must be an integer ≥ 1/);
  });

  it('skips every configuration of a browser that cannot start, with the reason, and runs the rest', async () => {
    for (const how of ['webkit', 'create']) {
      /** @type {SchedulerEvent[]} */
      const events = [];
      const { plan: failing } = plan(['--browsers', 'chromium,webkit'], fakeDriverFactory({ failLaunch: [how], noNative: ['webkit'] }), { progress: (event) => events.push(event) });
      const schedule = await runSchedule(failing);
      for (const id of ['webkit:native', 'webkit:polyfill']) {
        const configurationRun = schedule.configurations.get(id);
        assert.ok(configurationRun, id);
        const { skip, sessions } = configurationRun;
        assert.equal(skip?.kind, 'browser-unavailable', `${how}: ${id}`);
        assert.match(skip?.message ?? '', how === 'create' ? /no webkit here/ : /^could not start webkit: webkit refused to start$/);
        assert.equal(sessions, 0);
      }
      assert.equal(schedule.runs.filter((run) => run.job.configuration.browser === 'webkit').length, 0);
      assert.equal(schedule.runs.length, 5 * 4 * 2, 'chromium native and polyfill still ran');
      assert.deepEqual(events.filter((event) => event.type === 'skip').map((event) => event.configuration).sort(), ['webkit:native', 'webkit:polyfill']);
      const last = events.filter((event) => event.type === 'page').at(-1);
      assert.deepEqual([last?.done, last?.total], [40, 40], 'the progress total leaves out what was skipped');
    }
  });

  it("skips a native configuration whose engine has no WebSocketStream, as a kind that does not fail the run", async () => {
    const { plan: probing } = plan(['--browsers', 'firefox', '--workers', '2'], fakeDriverFactory({ noNative: ['firefox'] }));
    const schedule = await runSchedule(probing);
    assert.deepEqual(schedule.configurations.get('firefox:native')?.skip, { kind: 'no-native-implementation', message: 'firefox has no native WebSocketStream' });
    assert.equal(schedule.configurations.get('firefox:native')?.sessions, 0, 'no page of it ran');
    assert.equal(schedule.configurations.get('firefox:native')?.browserVersion, 'firefox 1.0', 'but its browser is known');
    assert.equal(schedule.configurations.get('firefox:polyfill')?.skip, null);
    assert.equal(schedule.runs.filter((run) => run.job.configuration.id === 'firefox:polyfill').length, 20);
  });

  it('runs a crashed native page once more and keeps the first attempt; a polyfill page never', async () => {
    /** @type {Behaviour} */
    const crashesOnce = (url, visit) => (url.includes('/b.any.html') && visit === 0 ? crashedOutcome('renderer gone', 5, 'page-crashed') : null);
    /** @type {SchedulerEvent[]} */
    const events = [];
    const { plan: crashing, configurations } = plan(['--browsers', 'chromium', '--variants', 'default', '--scopes', 'window'], fakeDriverFactory({ behaviour: crashesOnce }), { progress: (event) => events.push(event) });
    const schedule = await runSchedule(crashing);
    const records = sortRecords(schedule.runs.map(recordOf), configurations).filter((record) => record.file.endsWith('/b.any.js'));
    const native = records.find((record) => record.mode === 'native');
    assert.equal(native?.status, 'OK');
    assert.deepEqual(native?.firstAttempt, { status: 'CRASH', message: 'renderer gone', durationMs: 5, crashKind: 'page-crashed' });
    assert.deepEqual(events.filter((event) => event.type === 'retry').map((event) => event.run.job.configuration.id), ['chromium:native']);

    // The polyfill page of the same file is visited after the native one: its first visit crashes for good.
    const alwaysCrashes = (/** @type {string} */ url) => (url.includes('/_polyfill/') && url.includes('/b.any.html') ? crashedOutcome('renderer gone', 5, 'page-crashed') : null);
    const { plan: polyfillCrash } = plan(['--browsers', 'chromium', '--variants', 'default', '--scopes', 'window'], fakeDriverFactory({ behaviour: alwaysCrashes }));
    const polyfillRun = (await runSchedule(polyfillCrash)).runs.find((run) => run.job.configuration.mode === 'polyfill' && run.job.file.endsWith('/b.any.js'));
    assert.equal(polyfillRun?.outcome.status, 'CRASH');
    assert.equal(polyfillRun?.firstAttempt, null);
  });

  it('does not run a native page again when its crash is expected', async () => {
    let visits = 0;
    const crashes = (/** @type {string} */ url) => {
      if (!url.includes('/_polyfill/') && url.includes('/a.any.html')) {
        visits += 1;
        return crashedOutcome('renderer gone', 5, 'page-crashed');
      }
      return null;
    };
    const { plan: expected } = plan(['--browsers', 'chromium', '--modes', 'native', '--variants', 'default', '--scopes', 'window'], fakeDriverFactory({ behaviour: crashes }), {
      crashIsExpected: (job) => job.file.endsWith('/a.any.js'),
    });
    const run = (await runSchedule(expected)).runs.find((item) => item.job.file.endsWith('/a.any.js'));
    assert.equal(run?.outcome.status, 'CRASH');
    assert.equal(visits, 1);
  });

  it('stops handing out pages once the signal is aborted', async () => {
    const controller = new AbortController();
    const { plan: interrupted } = plan(['--browsers', 'chromium', '--workers', '1'], fakeDriverFactory(), {
      signal: controller.signal,
      progress: (event) => {
        if (event.type === 'page' && event.done === 3) controller.abort();
      },
    });
    assert.equal((await runSchedule(interrupted)).runs.length, 3);
  });

  it('gives up on a driver that breaks its word: a rejected runPage is a crash, and the next page gets a new session', async () => {
    const factory = fakeDriverFactory();
    let broken = true;
    const breaking = (/** @type {Configuration} */ configuration) => {
      const driver = factory(configuration);
      const { runPage } = driver;
      driver.runPage = async (url, options) => {
        if (broken && url.includes('/a.any.html')) {
          broken = false;
          throw new Error('lost the browser');
        }
        return runPage.call(driver, url, options);
      };
      return driver;
    };
    const { plan: failing } = plan(['--browsers', 'chromium', '--modes', 'polyfill', '--no-reference', '--workers', '1'], breaking);
    const schedule = await runSchedule(failing);
    const first = schedule.runs[0];
    assert.equal(first.outcome.status, 'CRASH');
    assert.equal(first.outcome.crashKind, 'session-failed');
    assert.match(first.outcome.message ?? '', /the driver failed: lost the browser/);
    assert.equal(schedule.runs.length, 20);
    assert.ok(schedule.runs.slice(1).every((run) => run.outcome.status === 'OK'));
    assert.equal(schedule.configurations.get('chromium:polyfill')?.sessions, 2, 'a new session after the broken one');
  });
});
