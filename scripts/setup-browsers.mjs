// Makes sure the three engines the conformance harness drives are here, and
// says which will be used. Idempotent: when they are all present it changes
// nothing. Otherwise it first tries Playwright's own builds (they need the
// Playwright download hosts) and then, as root on Debian, the distribution's
// packages: chromium, firefox-esr, webkit2gtk-driver (+ xvfb for its display).
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { run as runCommand } from '../conformance/lib/command.mjs';
import { DEBIAN_PACKAGES, ENGINES, describeBrowser, detectBrowsers } from '../conformance/lib/browsers.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const PLAYWRIGHT_INSTALL_TIMEOUT_MS = 10 * 60_000;
const APT_TIMEOUT_MS = 15 * 60_000;

function say(line) {
  console.log(`setup-browsers: ${line}`);
}

/** Engines that cannot run yet. System WebKitGTK also needs a display: Xvfb, or DISPLAY set. */
function missingEngines(found) {
  return ENGINES.filter((engine) => {
    const browser = found[engine];
    if (!browser) return true;
    return engine === 'webkit' && browser.source === 'system' && !browser.xvfb && !process.env.DISPLAY;
  });
}

function run(command, args, timeoutMs) {
  say(`$ ${command} ${args.join(' ')}`);
  return runCommand(command, args, { cwd: root, timeoutMs, env: { DEBIAN_FRONTEND: 'noninteractive' } }).ok;
}

function tryPlaywrightBuilds(engines) {
  const cli = path.join(root, 'node_modules', 'playwright', 'cli.js');
  if (!existsSync(cli)) {
    say('Playwright is not installed (npm ci first); skipping its browser builds');
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

function tryDebianPackages(engines) {
  if (process.getuid?.() !== 0) {
    say('not root: cannot apt-get install; as root run:');
    say(`  apt-get update && apt-get install -y ${engines.flatMap((engine) => DEBIAN_PACKAGES[engine]).join(' ')}`);
    return;
  }
  if (!existsSync('/usr/bin/apt-get')) {
    say('no apt-get here: install Chromium, Firefox and WebKitGTK (WebKitWebDriver) yourself, or use Playwright\'s builds');
    return;
  }
  const packages = [...new Set(engines.flatMap((engine) => DEBIAN_PACKAGES[engine]))];
  if (run('apt-get', ['update'], APT_TIMEOUT_MS)) {
    run('apt-get', ['install', '-y', '--no-install-recommends', ...packages], APT_TIMEOUT_MS);
  }
}

async function main() {
  let found = await detectBrowsers();
  let missing = missingEngines(found);
  if (missing.length === 0) {
    say('all three engines are present; nothing to install. Will use:');
    for (const engine of ENGINES) say(`  ${describeBrowser(engine, found[engine])}`);
    return 0;
  }

  say(`missing: ${missing.join(', ')}`);
  if (!process.argv.includes('--no-playwright')) {
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

process.exitCode = await main();
