// `websocketstream-conformance setup-browsers`: makes sure the three engines the harness drives are
// here, and says which will be used. Idempotent: when they are all present it changes
// nothing. Otherwise it first tries Playwright's own builds (they need the
// Playwright download hosts) and then, as root on Debian, the distribution's
// packages: chromium, firefox-esr, webkit2gtk-driver (+ xvfb for its display).
// With --grid, also what a Selenium Grid of those browsers needs (setup-grid.mjs).
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { DEBIAN_PACKAGES, ENGINES, describeBrowser, detectBrowsers } from './browsers.mjs';
import { run as runCommand } from './command.mjs';
import { setupGridTools } from './setup-grid.mjs';

const PLAYWRIGHT_INSTALL_TIMEOUT_MS = 10 * 60_000;
const APT_TIMEOUT_MS = 15 * 60_000;

/** @param {string} line */
function say(line) {
  console.log(`setup-browsers: ${line}`);
}

/**
 * Engines that cannot run yet. System WebKitGTK also needs a display: Xvfb, or DISPLAY set.
 * @param {import('./types.mjs').FoundBrowsers} found
 */
function missingEngines(found) {
  return ENGINES.filter((engine) => {
    const browser = found[engine];
    if (!browser) return true;
    return engine === 'webkit' && browser.source === 'system' && !browser.xvfb && !process.env.DISPLAY;
  });
}

/**
 * @param {string} command
 * @param {string[]} args
 * @param {number} timeoutMs
 */
function run(command, args, timeoutMs) {
  say(`$ ${command} ${args.join(' ')}`);
  return runCommand(command, args, { timeoutMs, env: { DEBIAN_FRONTEND: 'noninteractive' } }).ok;
}

/** Playwright's own command line, from the Playwright this package depends on; null if it is missing. */
function playwrightCli() {
  try {
    const cli = path.join(path.dirname(createRequire(import.meta.url).resolve('playwright/package.json')), 'cli.js');
    return existsSync(cli) ? cli : null;
  } catch {
    return null;
  }
}

/** @param {string[]} engines */
function tryPlaywrightBuilds(engines) {
  const cli = playwrightCli();
  if (cli === null) {
    say('Playwright is missing (reinstall websocketstream-conformance); skipping its browser builds');
    return;
  }
  // Browsers first: on a closed network this fails before any system change.
  if (!run(process.execPath, [cli, 'install', ...engines], PLAYWRIGHT_INSTALL_TIMEOUT_MS)) {
    say("Playwright's browser builds could not be downloaded");
    return;
  }
  if (process.getuid?.() === 0) run(process.execPath, [cli, 'install-deps', ...engines], APT_TIMEOUT_MS);
  else say('not root: if the browsers fail to start, run `sudo npx playwright install-deps`');
}

/** @param {string[]} engines */
function tryDebianPackages(engines) {
  installDebianPackages(engines.flatMap((engine) => DEBIAN_PACKAGES[engine]));
}

/**
 * apt-get install as root; otherwise, or without apt-get, says what to install.
 * @param {string[]} wanted
 */
export function installDebianPackages(wanted) {
  const packages = [...new Set(wanted)];
  if (process.getuid?.() !== 0) {
    say('not root: cannot apt-get install; as root run:');
    say(`  apt-get update && apt-get install -y ${packages.join(' ')}`);
    return;
  }
  if (!existsSync('/usr/bin/apt-get')) {
    say(`no apt-get here: install ${packages.join(', ')} (or what provides them) yourself`);
    return;
  }
  if (run('apt-get', ['update'], APT_TIMEOUT_MS)) {
    run('apt-get', ['install', '-y', '--no-install-recommends', ...packages], APT_TIMEOUT_MS);
  }
}

/**
 * → the exit code: 0 when all three engines can run (and with --grid, the grid's tools are here),
 * 1 when one is still missing.
 * @param {string[]} argv
 */
export async function setupBrowsers(argv) {
  const browsers = await setupEngines(argv);
  const grid = argv.includes('--grid') ? setupGridTools({ say, install: installDebianPackages }) : true;
  return browsers === 0 && grid ? 0 : 1;
}

/** @param {string[]} argv */
async function setupEngines(argv) {
  let found = await detectBrowsers();
  let missing = missingEngines(found);
  if (missing.length === 0) {
    say('all three engines are present; nothing to install. Will use:');
    for (const engine of ENGINES) say(`  ${describeBrowser(engine, found[engine])}`);
    return 0;
  }

  say(`missing: ${missing.join(', ')}`);
  if (!argv.includes('--no-playwright')) {
    tryPlaywrightBuilds(missing);
    found = await detectBrowsers();
    missing = missingEngines(found);
  }
  if (missing.length > 0) {
    say(`falling back to Debian's packages for: ${missing.join(', ')}`);
    tryDebianPackages(missing);
    found = await detectBrowsers();
    missing = missingEngines(found);
  }

  say('will use:');
  for (const engine of ENGINES) say(`  ${describeBrowser(engine, found[engine])}`);
  if (missing.length > 0) {
    say(`still missing: ${missing.join(', ')}`);
    return 1;
  }
  return 0;
}
