// Command-line options of the conformance harness. Parsing is pure: it turns
// argv into a plain options object or throws a UsageError, which the CLI turns
// into a message and exit code 2.
import { parseArgs } from 'node:util';
import { BROWSER_NAMES, DEFAULT_BROWSERS, MODES, SCOPES, VARIANTS } from './matrix.mjs';
import { DEFAULT_WORKERS } from './scheduler.mjs';
import { browsersOption, executablesOption } from './rows.mjs';
import { parseShard } from './shard.mjs';
import { UsageError } from './usage-error.mjs';
import { parseWebDriverBrowsers, parseWebDriverCapabilities } from './webdriver-options.mjs';

export const REPORTERS = ['terminal', 'json', 'html', 'compat'];
// compat (the compatibility file, compat.json) is asked for by name: npm run compat.
const DEFAULT_REPORTERS = ['terminal', 'json', 'html'];

export { UsageError };

export const USAGE = `Usage: websocketstream-conformance [options]
       websocketstream-conformance setup-browsers [--no-playwright] [--grid]
       websocketstream-conformance merge SHARD.json... [--out DIR]   (merge --help)

Runs the WebSocketStream WPT suite in real browsers, natively and with the
polyfill, and compares every subtest with native Chromium. setup-browsers
installs what drives Chromium, Firefox and WebKit here (Playwright's builds,
else Debian's packages as root) and says which will be used.

Matrix
  --browsers LIST       ${BROWSER_NAMES.join(',')} (default: ${DEFAULT_BROWSERS.join(',')})
                        chromium-experimental is Chromium started with
                        --enable-experimental-web-platform-features (native mode only);
                        jsdom runs the window pages in Node (polyfill mode only)
                        Engine rows, obtained from the npm registry into a cache:
                        chromium@92 (an old Chromium; majors of @sparticuz/chromium),
                        deno[@x.y.z], bun[@x.y.z][/global], node@<major>[/global]
                        (runtimes run in scope shell; /global: the polyfill over the
                        runtime's own WebSocket instead of the ws package)
  --browser-executable NAME=PATH  a Chromium build of your own as row NAME (repeatable);
                        without --browsers, those rows are the run
  --modes LIST          native,polyfill (default: both; native runs only where
                        the engine has its own WebSocketStream)
  --scopes LIST         window,worker,shell (default: all; shell is the runtimes' one)
  --variants LIST       default,wss (default: both; "default" is ws:)
  --filter TEXT         only test files whose path contains TEXT (repeatable)
  --exclude TEXT        leave out test files whose path contains TEXT (repeatable)
  --shard I/N           run shard I of N (1-based): every N-th test file from the I-th
  --no-reference        do not add native Chromium as the reference automatically

Inputs
  --wpt-root DIR        WPT tree to run (default: the suite this package carries); an
                        upstream checkout runs its websockets/stream/ files unmodified
  --polyfill FILE       the classic-script build to test (default: the project's
                        node_modules/websocketstream-polyfill/dist/websocketstream-polyfill.js)
  --expectations DIR    expectations folder (default: this package's expectations/)

Browsers
  --playwright-endpoint WS   drive Chromium/Firefox (and Playwright's WebKit) through
                        a remote \`playwright run-server\` instead of launching locally
  --playwright-launch-options JSON  launch options sent to that server, either one
                        object or one per engine ({"chromium": {...}, "firefox": {...}});
                        executablePath and args need \`run-server --unsafe\`
  --webdriver-url URL   drive the browsers through a W3C WebDriver endpoint (a Selenium
                        Grid, a cloud grid, safaridriver) instead of launching them here
  --webdriver-browsers LIST  which browsers go through it (default: chromium,
                        chromium-experimental,webkit; the rest run here, Firefox
                        through Playwright)
  --webdriver-capabilities NAME=JSON  capabilities for browser NAME (repeatable);
                        a lone JSON object is webkit's. Defaults: chrome, firefox,
                        safari as browserName; acceptInsecureCerts true unless given.
                        Grid browsers load pages from this machine: see --host
  --host ADDR           address the test server listens on and pages are opened at
                        (default 127.0.0.1; remote browsers need one they can reach)
  --timeout-multiplier X  scale every per-file time bound (default 1)
  --workers N           browser sessions at once (default 2)

Output
  --reporter LIST       terminal,json,html,compat (default: terminal,json,html;
                        compat writes compat.json, one line per configuration)
  --out DIR             where report files go (default: reports/conformance)
  --quiet               no per-file progress lines
  -h, --help            this text
`;

/** @typedef {import('./types.mjs').Options} Options */

/** @satisfies {NonNullable<import('node:util').ParseArgsConfig['options']>} */
const OPTION_SPEC = {
  browsers: { type: 'string' },
  'browser-executable': { type: 'string', multiple: true },
  modes: { type: 'string' },
  scopes: { type: 'string' },
  variants: { type: 'string' },
  filter: { type: 'string', multiple: true },
  exclude: { type: 'string', multiple: true },
  shard: { type: 'string' },
  'no-reference': { type: 'boolean' },
  'wpt-root': { type: 'string' },
  polyfill: { type: 'string' },
  expectations: { type: 'string' },
  'playwright-endpoint': { type: 'string' },
  'playwright-launch-options': { type: 'string' },
  'webdriver-url': { type: 'string' },
  'webdriver-capabilities': { type: 'string', multiple: true },
  'webdriver-browsers': { type: 'string' },
  host: { type: 'string' },
  'timeout-multiplier': { type: 'string' },
  workers: { type: 'string' },
  reporter: { type: 'string', multiple: true },
  out: { type: 'string' },
  quiet: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
};

/**
 * @param {string[]} argv
 * @returns {(Options & { help: false }) | { help: true }}
 */
export function parseOptions(argv) {
  let values;
  try {
    ({ values } = parseArgs({ args: argv, options: OPTION_SPEC, strict: true, allowPositionals: false }));
  } catch (error) {
    // node:util's messages are clear but long; keep their first sentence.
    throw new UsageError(/** @type {Error} */ (error).message.split('. ')[0].replace(/\.$/, ''));
  }
  if (values.help) return { help: true };

  const browserExecutables = executablesOption(values['browser-executable'], BROWSER_NAMES);
  return {
    help: false,
    browsers: browsersOption(values.browsers, { names: BROWSER_NAMES, defaults: DEFAULT_BROWSERS, executables: browserExecutables }),
    browserExecutables,
    modes: listOption(values.modes, 'modes', MODES),
    scopes: listOption(values.scopes, 'scopes', SCOPES),
    variants: listOption(values.variants, 'variants', VARIANTS),
    filters: (values.filter ?? []).map((text) => nonEmpty(text, '--filter')),
    excludes: (values.exclude ?? []).map((text) => nonEmpty(text, '--exclude')),
    shard: values.shard === undefined ? null : shardOption(values.shard),
    reference: !values['no-reference'],
    wptRoot: values['wpt-root'] ?? null,
    polyfill: values.polyfill ?? null,
    expectationsDir: values.expectations ?? null,
    playwrightEndpoint: values['playwright-endpoint'] === undefined ? null : urlOption(values['playwright-endpoint'], '--playwright-endpoint', ['ws:', 'wss:']),
    playwrightLaunchOptions: launchOptionsOption(values['playwright-launch-options'], values['playwright-endpoint']),
    webdriverUrl: values['webdriver-url'] === undefined ? null : urlOption(values['webdriver-url'], '--webdriver-url', ['http:', 'https:']),
    webdriverCapabilities: capabilitiesOption(values['webdriver-capabilities'], values['webdriver-url']),
    webdriverBrowsers: webdriverBrowsersOption(values['webdriver-browsers'], values['webdriver-url']),
    host: values.host ?? '127.0.0.1',
    timeoutMultiplier: multiplierOption(values['timeout-multiplier']),
    workers: workersOption(values.workers),
    reporters: listOption(values.reporter?.join(','), 'reporter', REPORTERS, DEFAULT_REPORTERS),
    outDir: values.out ?? 'reports/conformance',
    quiet: Boolean(values.quiet),
  };
}

/**
 * @template {string} T
 * @param {string|undefined} text
 * @param {string} name
 * @param {readonly T[]} allowed
 * @returns {T[]}
 */
function listOption(text, name, allowed, fallback = allowed) {
  if (text === undefined) return [...fallback];
  const items = text.split(',').map((item) => item.trim()).filter(Boolean);
  if (items.length === 0) throw new UsageError(`--${name} needs at least one of: ${allowed.join(', ')}`);
  for (const item of items) {
    if (!(/** @type {readonly string[]} */ (allowed)).includes(item)) throw new UsageError(`--${name}: unknown value "${item}" (choose from ${allowed.join(', ')})`);
  }
  // Keep the canonical order whatever order the user wrote them in.
  return allowed.filter((value) => items.includes(value));
}

/**
 * @param {string} text
 * @param {string} flag
 */
function nonEmpty(text, flag) {
  if (text.trim() === '') throw new UsageError(`${flag} needs a non-empty value`);
  return text;
}

/** @param {string} text */
function shardOption(text) {
  try {
    return parseShard(text);
  } catch (error) {
    throw new UsageError(`--shard: ${/** @type {Error} */ (error).message}`);
  }
}

/**
 * @param {string} text
 * @param {string} flag
 * @param {string[]} protocols
 */
function urlOption(text, flag, protocols) {
  let url;
  try {
    url = new URL(text);
  } catch {
    throw new UsageError(`${flag}: "${text}" is not a URL`);
  }
  if (!protocols.includes(url.protocol)) throw new UsageError(`${flag}: expected a ${protocols.join(' or ')} URL, got "${text}"`);
  return url.href;
}

/**
 * @param {string} text
 * @param {string} flag
 * @returns {Record<string, unknown>}
 */
function jsonObject(text, flag) {
  let value;
  try {
    value = JSON.parse(text);
  } catch {
    throw new UsageError(`${flag}: not valid JSON`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new UsageError(`${flag}: expected a JSON object`);
  return value;
}

/**
 * Capabilities by browser (webdriver-options.mjs).
 * @param {string[]|undefined} values
 * @param {string|undefined} webdriverUrl
 */
function capabilitiesOption(values, webdriverUrl) {
  if (values === undefined) return null;
  if (webdriverUrl === undefined) throw new UsageError('--webdriver-capabilities only applies with --webdriver-url');
  try {
    return parseWebDriverCapabilities(values);
  } catch (error) {
    throw new UsageError(`--webdriver-capabilities: ${/** @type {Error} */ (error).message}`);
  }
}

/**
 * @param {string|undefined} text
 * @param {string|undefined} webdriverUrl
 */
function webdriverBrowsersOption(text, webdriverUrl) {
  if (webdriverUrl === undefined) {
    if (text !== undefined) throw new UsageError('--webdriver-browsers only applies with --webdriver-url');
    return null;
  }
  try {
    return parseWebDriverBrowsers(text);
  } catch (error) {
    throw new UsageError(`--webdriver-browsers: ${/** @type {Error} */ (error).message}`);
  }
}

/**
 * Normalised to one object per engine.
 * @param {string|undefined} text
 * @param {string|undefined} endpoint
 * @returns {Record<string, object>|null}
 */
function launchOptionsOption(text, endpoint) {
  if (text === undefined) return null;
  if (endpoint === undefined) throw new UsageError('--playwright-launch-options only applies with --playwright-endpoint');
  const value = jsonObject(text, '--playwright-launch-options');
  const engines = ['chromium', 'firefox', 'webkit'];
  if (Object.keys(value).some((name) => engines.includes(name))) {
    for (const [name, options] of Object.entries(value)) {
      if (!engines.includes(name)) throw new UsageError(`--playwright-launch-options: unknown engine "${name}"`);
      if (options === null || typeof options !== 'object' || Array.isArray(options)) throw new UsageError(`--playwright-launch-options: "${name}" must be an object`);
    }
    return Object.fromEntries(engines.map((name) => [name, /** @type {object|undefined} */ (value[name]) ?? {}]));
  }
  return Object.fromEntries(engines.map((name) => [name, value]));
}

/** @param {string|undefined} text */
function multiplierOption(text) {
  if (text === undefined) return 1;
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0) throw new UsageError(`--timeout-multiplier: expected a positive number, got "${text}"`);
  return value;
}

/** @param {string|undefined} text */
function workersOption(text) {
  if (text === undefined) return DEFAULT_WORKERS;
  const value = Number(text);
  if (!/^\s*[1-9]\d*\s*$/.test(text)) throw new UsageError(`--workers: expected an integer ≥ 1, got "${text}"`);
  return value;
}
