// How this project starts a local browser, whoever starts it: the harness's Playwright driver, the
// bench (plain processes, no automation), the browser tests. The flags and environment are facts
// about the browsers on a closed network, so they live here once.
import os from 'node:os';

/** Chromium on a closed network: no background traffic, no component updater, no sync. */
export const QUIET_CHROMIUM_ARGS = ['--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** QUIET_CHROMIUM_ARGS, and --no-sandbox where the sandbox cannot start: as root. */
export function chromiumArgs() {
  return process.getuid?.() === 0 ? [...QUIET_CHROMIUM_ARGS, '--no-sandbox'] : [...QUIET_CHROMIUM_ARGS];
}

/** The environment of a stock Firefox: it needs a real HOME for its profile. */
export function firefoxEnv(env = process.env) {
  return { ...env, HOME: env.HOME || os.userInfo().homedir };
}

/**
 * Playwright launch options for a local `engine` as detectBrowsers() found it: a system Chromium
 * by its path, a stock Firefox over WebDriver BiDi (the `moz-firefox` channel), Playwright's own
 * builds as Playwright prefers them (no path). `extraArgs` go to the browser as they are.
 * @param {string} engine
 * @param {{ executablePath?: string } | null | undefined} found
 * @param {{ extraArgs?: string[], timeoutMs?: number }} [settings]
 * @returns {{ headless: boolean, timeout: number | undefined, args: string[], executablePath?: string, channel?: string, env?: NodeJS.ProcessEnv }}
 */
export function playwrightLaunchOptions(engine, found, { extraArgs = [], timeoutMs } = {}) {
  /** @type {ReturnType<typeof playwrightLaunchOptions>} */
  const options = { headless: true, timeout: timeoutMs, args: engine === 'chromium' ? [...chromiumArgs(), ...extraArgs] : [...extraArgs] };
  if (engine === 'chromium' && found?.executablePath) options.executablePath = found.executablePath;
  if (engine === 'firefox' && found?.executablePath) {
    Object.assign(options, { channel: 'moz-firefox', executablePath: found.executablePath, env: firefoxEnv() });
  }
  return options;
}
