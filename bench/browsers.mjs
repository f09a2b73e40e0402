// The three engines, and old Chromium builds, launched as plain processes on a URL: headless
// (WebKitGTK under Xvfb, which has no headless mode), a fresh profile each time, no automation
// protocol attached. Under CDP, Chromium mirrors every WebSocket frame to the automation client,
// which slows receiving several times over and would make every ratio meaningless.
import { rmSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { BROWSER_ARGUMENTS } from '../conformance/drivers/browser-process.mjs';
import { detectBrowsers } from '../conformance/lib/browsers.mjs';
import { chromiumArgs, firefoxEnv } from '../conformance/lib/launch-options.mjs';
import { killAllHelpers, spawnHelper, stopHelper, whenExited } from '../conformance/lib/processes.mjs';
import { startXvfb } from '../conformance/lib/xvfb.mjs';
import { isOldChromium } from './old-chromium.mjs';

/**
 * How one engine is started: its command, and for WebKitGTK the Xvfb to run it under.
 * @typedef {{ command: string, xvfb?: string|null }} FoundEngine
 * @typedef {{ chromium: FoundEngine|null, firefox: FoundEngine|null, webkit: FoundEngine|null }} FoundEngines
 * @typedef {import('node:child_process').ChildProcess} ChildProcess
 * @typedef {(found: FoundEngine, profile: string, url: string, extraArgs: string[]) =>
 *   { browser: ChildProcess, helpers: ChildProcess[] }|Promise<{ browser: ChildProcess, helpers: ChildProcess[] }>} Spawn
 */

/** Throwaway profiles still on disk, removed even when the bench is interrupted. */
const liveProfiles = new Set();

/** For signal handlers: kills every browser (and Xvfb) the bench started and removes their profiles. */
export function stopEverythingNow() {
  killAllHelpers();
  for (const profile of liveProfiles) rmSync(profile, { recursive: true, force: true });
  liveProfiles.clear();
}

// What the bench asks of every Chromium, current or old, on top of the command line that starts it.
const BENCH_CHROMIUM_ARGS = [
  '--no-default-browser-check',
  '--disable-extensions',
  // A page that is the only thing running must not be treated as a background tab.
  '--disable-background-timer-throttling',
  '--disable-renderer-backgrounding',
  '--disable-backgrounding-occluded-windows',
  // performance.memory in steps of bytes rather than coarse buckets.
  '--enable-precise-memory-info',
];
const CHROMIUM_ARGS = ['--headless=new', ...chromiumArgs(), '--disable-gpu', '--no-first-run', ...BENCH_CHROMIUM_ARGS];

// A fresh Firefox profile: no first-run pages, no network chatter, and full timer precision (the
// page is cross-origin isolated as well, which is what allows fine timers in the first place).
const FIREFOX_PREFS = {
  'browser.shell.checkDefaultBrowser': false,
  'browser.startup.homepage_override.mstone': 'ignore',
  'browser.aboutwelcome.enabled': false,
  'datareporting.policy.dataSubmissionEnabled': false,
  'toolkit.telemetry.reportingpolicy.firstRun': false,
  'app.update.disabledForTesting': true,
  'app.normandy.enabled': false,
  'extensions.update.enabled': false,
  'network.captive-portal-service.enabled': false,
  'network.connectivity-service.enabled': false,
  'privacy.reduceTimerPrecision': false,
  'dom.min_background_timeout_value': 0,
};

/**
 * → { engine: { command, xvfb? } | null } for the engines found on this machine.
 * @returns {Promise<FoundEngines>}
 */
export async function findEngines() {
  const found = await detectBrowsers();
  /** @typedef {'chromium'|'firefox'} PlainEngine */
  const playwrightExecutable = async (/** @type {PlainEngine} */ engine) => (await import('playwright'))[engine].executablePath();
  /** @returns {Promise<string|null>} */
  const command = async (/** @type {PlainEngine} */ engine) => {
    const entry = found[engine];
    if (!entry) return null;
    // Found outside Playwright means found at a path.
    return entry.source === 'playwright' ? playwrightExecutable(engine) : /** @type {string} */ (entry.executablePath);
  };
  // Playwright's own WebKit is not a plain browser one can point at a URL; WebKitGTK's MiniBrowser is.
  const webkit = found.webkit?.miniBrowser ? { command: found.webkit.miniBrowser, xvfb: found.webkit.xvfb } : null;
  return {
    // command() is null only for an engine that was not found.
    chromium: found.chromium ? { command: /** @type {string} */ (await command('chromium')) } : null,
    firefox: found.firefox ? { command: /** @type {string} */ (await command('firefox')) } : null,
    webkit,
  };
}

/** @type {{ stdio: import('node:child_process').StdioOptions }} */
const QUIETLY = { stdio: ['ignore', 'ignore', 'ignore'] };

/**
 * How each engine starts on `url` with the throwaway `profile`: → { browser, helpers }, the
 * browser process and the helper processes (Xvfb) started for it.
 * @type {Record<string, Spawn>}
 */
const SPAWN = {
  chromium(found, profile, url, extraArgs) {
    return { browser: spawnHelper(found.command, [...CHROMIUM_ARGS, ...extraArgs, `--user-data-dir=${profile}`, url], QUIETLY), helpers: [] };
  },

  // An old Chromium (old-chromium.mjs) starts with the conformance launcher's command line, which
  // is what those headless_shell builds need (no sandbox helper; a DevTools port, or they do not
  // load the URL at all). Nobody connects to that port, so no automation client sees the frames.
  oldChromium(found, profile, url, extraArgs) {
    return { browser: spawnHelper(found.command, [...BROWSER_ARGUMENTS.chromium(profile), ...BENCH_CHROMIUM_ARGS, ...extraArgs, url], QUIETLY), helpers: [] };
  },

  async firefox(found, profile, url, extraArgs) {
    await writeFile(path.join(profile, 'user.js'), Object.entries(FIREFOX_PREFS).map(([name, value]) => `user_pref(${JSON.stringify(name)}, ${JSON.stringify(value)});\n`).join(''));
    const env = { ...firefoxEnv(), MOZ_CRASHREPORTER_DISABLE: '1' };
    return { browser: spawnHelper(found.command, ['--headless', '--no-remote', '--profile', profile, ...extraArgs, url], { ...QUIETLY, env }), helpers: [] };
  },

  async webkit(found, profile, url, extraArgs) {
    const xvfb = found.xvfb ? await startXvfb(found.xvfb) : null;
    const display = xvfb?.display ?? process.env.DISPLAY;
    if (!display) throw new Error('WebKitGTK needs a display: install Xvfb or set DISPLAY');
    // MiniBrowser keeps its state under HOME and the XDG folders: all of them in the profile.
    const env = {
      ...process.env,
      DISPLAY: display,
      HOME: profile,
      XDG_CONFIG_HOME: path.join(profile, 'config'),
      XDG_CACHE_HOME: path.join(profile, 'cache'),
      XDG_DATA_HOME: path.join(profile, 'data'),
    };
    try {
      return { browser: spawnHelper(found.command, ['--private', ...extraArgs, url], { ...QUIETLY, env }), helpers: xvfb ? [xvfb.child] : [] };
    } catch (error) {
      await stopHelper(xvfb?.child);
      throw error;
    }
  },
};

/**
 * Starts `engine` on `url` with a throwaway profile. → { pid, userDataDirectory, exited, stop() }; stop() kills the
 * browser's process group (and Xvfb) and removes the profile. `extraArgs` go to the browser as they
 * are (a feature switch, say).
 * @param {string} engine
 * @param {FoundEngine} found
 * @param {string} url
 * @param {{ extraArgs?: string[] }} [options]
 */
export async function launchEngine(engine, found, url, { extraArgs = [] } = {}) {
  const spawn = SPAWN[isOldChromium(engine) ? 'oldChromium' : engine];
  if (spawn === undefined) throw new Error(`unknown engine ${engine}`);
  const profile = await mkdtemp(path.join(os.tmpdir(), `bench-${engine}-`));
  liveProfiles.add(profile);
  const removeProfile = async () => {
    await rm(profile, { recursive: true, force: true, maxRetries: 3 });
    liveProfiles.delete(profile);
  };
  let started;
  try {
    started = await spawn(found, profile, url, extraArgs);
  } catch (error) {
    await removeProfile();
    throw error;
  }
  const { browser, helpers } = started;
  return {
    pid: browser.pid,
    userDataDirectory: profile,
    exited: whenExited(browser),
    async stop() {
      for (const helper of [browser, ...helpers]) await stopHelper(helper);
      await removeProfile();
    },
  };
}
