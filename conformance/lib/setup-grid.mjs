// @ts-check
// `setup-browsers --grid`: beside the browsers, what a Selenium Grid of
// Debian's browsers runs on — Java for the grid itself, chromedriver and Debian's
// Chromium for its Chromium node, WebKitGTK's WebKitWebDriver and Xvfb for its
// WebKit relays, even where Playwright's own builds serve local runs — installed
// from Debian's packages when missing, as the browsers are. The repository's bootstrap asks for it: `npm test` starts such
// a grid (test/grid.test.mjs). The grid's jar is an npm devDependency.
import { spawnSync } from 'node:child_process';
import { DEBIAN_PACKAGES, GRID_DEBIAN_PACKAGES, detectGridTools } from './browsers.mjs';

const VERSION_BOUND_MS = 20_000;

/** @typedef {(line: string) => void} Say */
/** @typedef {(packages: string[]) => void} Install  apt-get install as root, or say how */

/**
 * → whether the grid's tools are all here after it.
 * @param {{ say: Say, install: Install }} io
 */
export function setupGridTools({ say, install }) {
  let tools = detectGridTools();
  /** @type {(keyof typeof GRID_DEBIAN_PACKAGES)[]} */
  const names = ['java', 'chromedriver', 'chromium', 'webkitWebDriver', 'miniBrowser', 'xvfb'];
  let missing = names.filter((name) => !tools[name]);
  if (missing.length > 0) {
    const packages = [...new Set(missing.flatMap((name) => GRID_DEBIAN_PACKAGES[name]))];
    // chromium-driver wants the chromium of its own version: ask for both, apt keeps them in step.
    if (missing.includes('chromedriver')) packages.push(...DEBIAN_PACKAGES.chromium);
    say(`grid: missing ${missing.join(', ')}; installing Debian's ${packages.join(' ')}`);
    install(packages);
    tools = detectGridTools();
    missing = names.filter((name) => !tools[name]);
  }
  say(`grid: java ${tools.java ?? 'missing'}, chromedriver ${tools.chromedriver ?? 'missing'}${versionNote(tools)}, WebKitWebDriver ${tools.webkitWebDriver ?? 'missing'}`);
  if (missing.length > 0) say(`grid: still missing ${missing.join(', ')}`);
  return missing.length === 0;
}

/**
 * chromedriver drives only the Chromium of its own version; say when they differ.
 * @param {{ chromedriver: string|null, chromium: string|null }} tools
 */
function versionNote({ chromedriver, chromium }) {
  if (!chromedriver || !chromium) return '';
  const [driverVersion, browserVersion] = [versionOf(chromedriver), versionOf(chromium)];
  if (!driverVersion || !browserVersion) return '';
  if (driverVersion === browserVersion) return ` (${driverVersion}, as ${chromium})`;
  return ` (${driverVersion}, but ${chromium} is ${browserVersion}: apt-get install chromium chromium-driver brings them to one version)`;
}

/** @param {string} binary */
export function versionOf(binary) {
  const result = spawnSync(binary, ['--version'], { encoding: 'utf8', timeout: VERSION_BOUND_MS });
  return /(\d+\.\d+\.\d+\.\d+)/.exec(result.stdout ?? '')?.[1] ?? null;
}
