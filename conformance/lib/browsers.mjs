// Which browser binaries this machine has, and so how each engine is driven.
// Order of preference: an explicit path from the environment, then
// Playwright's own builds (`npx playwright install`), then the system
// browsers Debian packages (chromium, firefox-esr, webkit2gtk-driver + xvfb).
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { UsageError } from './options.mjs';

export const ENGINES = ['chromium', 'firefox', 'webkit'];

/** @type {Record<string, string>} */
export const ENVIRONMENT_OVERRIDES = {
  chromium: 'CONFORMANCE_CHROMIUM_PATH',
  firefox: 'CONFORMANCE_FIREFOX_PATH',
  webkitWebDriver: 'CONFORMANCE_WEBKITWEBDRIVER_PATH',
  miniBrowser: 'CONFORMANCE_MINIBROWSER_PATH',
};

/** @type {Record<string, string[]>} */
const SYSTEM_CANDIDATES = {
  chromium: ['/usr/bin/chromium', '/usr/bin/chromium-browser'],
  firefox: ['/usr/bin/firefox-esr', '/usr/bin/firefox'],
  webkitWebDriver: ['/usr/bin/WebKitWebDriver', '/usr/libexec/webkit2gtk-4.1/WebKitWebDriver'],
  xvfb: ['/usr/bin/Xvfb'],
  // What a Selenium Grid of Debian's browsers needs beside them (the tests start one:
  // test/support/selenium-grid.mjs): Java for the grid, chromedriver for its Chromium node
  // (WebKitWebDriver and Xvfb, above, serve its WebKit relays).
  java: ['/usr/bin/java'],
  chromedriver: ['/usr/bin/chromedriver'],
};

/** Debian packages that provide what a grid of Debian's browsers needs (setup-browsers --grid). */
export const GRID_DEBIAN_PACKAGES = {
  java: ['openjdk-17-jre-headless'],
  // Built from the same source as Debian's chromium, so apt keeps the two at one version.
  chromedriver: ['chromium-driver'],
  // Debian's, even where Playwright's own Chromium serves local runs: chromedriver drives its own version.
  chromium: ['chromium'],
  // The relays' WebKitGTK, even where Playwright's own WebKit serves local runs.
  webkitWebDriver: ['webkit2gtk-driver'],
  miniBrowser: ['webkit2gtk-driver'],
  xvfb: ['xvfb'],
};

/**
 * The system binaries a Selenium Grid of Debian's browsers runs on; null where missing.
 * Chromium is Debian's (not Playwright's build): chromedriver must be of its version.
 * WebKit is WebKitGTK (its WebKitWebDriver behind a relay node), whatever detectBrowsers() prefers.
 */
export function detectGridTools() {
  return {
    java: firstExisting(SYSTEM_CANDIDATES.java),
    chromedriver: firstExisting(SYSTEM_CANDIDATES.chromedriver),
    chromium: firstExisting(SYSTEM_CANDIDATES.chromium),
    webkitWebDriver: firstExisting(SYSTEM_CANDIDATES.webkitWebDriver),
    miniBrowser: firstExisting(miniBrowserCandidates()),
    xvfb: firstExisting(SYSTEM_CANDIDATES.xvfb),
  };
}

/** Debian packages that provide each engine, for setup and for messages. */
/** @type {Record<string, string[]>} */
export const DEBIAN_PACKAGES = {
  chromium: ['chromium'],
  firefox: ['firefox-esr'],
  webkit: ['webkit2gtk-driver', 'xvfb'],
};

/** @typedef {import('./types.mjs').FoundBrowser} FoundBrowser */
/** @typedef {import('./types.mjs').FoundBrowsers} FoundBrowsers */

/**
 * @param {(string|null|undefined)[]} candidates
 * @returns {string|null}
 */
function firstExisting(candidates) {
  return candidates.find((candidate) => candidate && existsSync(candidate)) ?? null;
}

// MiniBrowser sits in an architecture-specific library folder on Debian.
function miniBrowserCandidates() {
  const candidates = [];
  for (const root of ['/usr/lib', '/usr/libexec']) {
    /** @type {string[]} */
    let names;
    try {
      names = readdirSync(root);
    } catch {
      continue;
    }
    for (const name of ['', ...names]) {
      for (const api of ['webkit2gtk-4.1', 'webkit2gtk-4.0', 'webkitgtk-6.0']) {
        candidates.push(path.join(root, name, api, 'MiniBrowser'));
      }
    }
  }
  return candidates;
}

/** @returns {Promise<Record<string, string|null>>} */
async function playwrightBuilds() {
  /** @type {Record<string, string|null>} */
  const builds = {};
  try {
    const playwright = await import('playwright');
    for (const engine of ENGINES) {
      let executable = null;
      try {
        executable = playwright[/** @type {'chromium'|'firefox'|'webkit'} */ (engine)].executablePath();
      } catch {
        executable = null;
      }
      builds[engine] = executable && existsSync(executable) ? executable : null;
    }
  } catch {
    // Playwright itself is not installed: no builds of its own either.
  }
  return builds;
}

/**
 * The path an environment variable names, or null when it is unset; a path that does not exist is an error.
 * @param {NodeJS.ProcessEnv} env
 * @param {string} variable
 */
function explicitPath(env, variable) {
  const value = env[variable];
  if (value === undefined || value === '') return null;
  if (!existsSync(value)) throw new UsageError(`${variable}=${value}: no such file`);
  return value;
}

/**
 * How each engine can be run here: null when it cannot. Each found engine is
 * { source: 'environment'|'playwright'|'system', executablePath?, webDriver?, miniBrowser?, xvfb? }.
 * A Playwright build is launched without executablePath, as Playwright prefers.
 * @returns {Promise<FoundBrowsers>}
 */
export async function detectBrowsers(env = process.env) {
  const builds = await playwrightBuilds();
  /** @type {FoundBrowsers} */
  const found = {};

  const fromEnvironment = (/** @type {string} */ name) => explicitPath(env, ENVIRONMENT_OVERRIDES[name]);

  for (const engine of ['chromium', 'firefox']) {
    const explicit = fromEnvironment(engine);
    if (explicit) found[engine] = { source: 'environment', executablePath: explicit };
    else if (builds[engine]) found[engine] = { source: 'playwright' };
    else {
      const system = firstExisting(SYSTEM_CANDIDATES[engine]);
      found[engine] = system ? { source: 'system', executablePath: system } : null;
    }
  }

  const webDriver = fromEnvironment('webkitWebDriver') ?? firstExisting(SYSTEM_CANDIDATES.webkitWebDriver);
  const miniBrowser = fromEnvironment('miniBrowser') ?? firstExisting(miniBrowserCandidates());
  const xvfb = firstExisting(SYSTEM_CANDIDATES.xvfb);
  if (builds.webkit) found.webkit = { source: 'playwright' };
  else if (webDriver && miniBrowser) found.webkit = { source: 'system', webDriver, miniBrowser, xvfb };
  else found.webkit = null;

  return found;
}

/**
 * @param {string} engine
 * @param {FoundBrowser|null|undefined} found
 */
export function describeBrowser(engine, found) {
  if (!found) return `${engine}: not found (Debian: apt-get install ${DEBIAN_PACKAGES[engine].join(' ')})`;
  if (found.source === 'playwright') return `${engine}: Playwright's own build`;
  if (engine === 'webkit') return `webkit: WebKitGTK via ${found.webDriver} (MiniBrowser ${found.miniBrowser}${found.xvfb ? ', under Xvfb' : ''})`;
  return `${engine}: ${found.source === 'environment' ? 'from the environment' : 'system browser'} ${found.executablePath}`;
}
