// @ts-check
// Which browsers go through --webdriver-url, and with what capabilities.
//
// Every browser row can be driven over W3C WebDriver: a Selenium Grid (or a
// cloud grid) serves several, safaridriver serves Safari alone. With
// --webdriver-url, chromium, chromium-experimental and webkit go through the
// endpoint unless --webdriver-browsers says otherwise. Firefox stays on
// Playwright (WebDriver BiDi, launched here) unless named: its classic
// driver, geckodriver, is in neither Debian's packages nor the npm registry
// (the npm wrapper downloads it from GitHub), so no grid the project can
// start or test offers Firefox. Capabilities are given per browser,
// NAME=JSON; a lone JSON object is webkit's, as it was before there was more
// than one.
//
// Parsing throws plain Errors; options.mjs turns them into usage errors.

/** The browsers WebDriver can drive, in the matrix's order. */
export const WEBDRIVER_BROWSERS = ['chromium', 'chromium-experimental', 'firefox', 'webkit'];
/** Those that go through --webdriver-url when --webdriver-browsers is not given (not Firefox: see above). */
export const DEFAULT_WEBDRIVER_BROWSERS = ['chromium', 'chromium-experimental', 'webkit'];

/**
 * What a browser asks an endpoint for when not told otherwise: the W3C browser
 * names that chromedriver, geckodriver and safaridriver (and the grids in
 * front of them) match. By engine: chromium-experimental is Chromium.
 * @type {Record<string, Record<string, unknown>>}
 */
export const DEFAULT_CAPABILITIES = {
  chromium: { browserName: 'chrome' },
  firefox: { browserName: 'firefox' },
  webkit: { browserName: 'safari' },
};

/**
 * Where each engine takes extra command-line flags (a configuration's args,
 * such as chromium-experimental's). WebKit has no such capability, and no row
 * of it has flags.
 * @type {Record<string, string>}
 */
export const BROWSER_ARGS_CAPABILITY = {
  chromium: 'goog:chromeOptions',
  firefox: 'moz:firefoxOptions',
};

/**
 * --webdriver-capabilities values (repeatable) → capabilities by browser.
 * @param {string[]} values  each `NAME=JSON`, or a lone JSON object (webkit's)
 * @returns {Record<string, Record<string, unknown>>}
 */
export function parseWebDriverCapabilities(values) {
  /** @type {Record<string, Record<string, unknown>>} */
  const byBrowser = {};
  for (const value of values) {
    const text = value.trim();
    const named = /^([a-z][a-z-]*)=([\s\S]*)$/.exec(text);
    const browser = named ? named[1] : 'webkit';
    if (!WEBDRIVER_BROWSERS.includes(browser)) throw new Error(`unknown browser "${browser}" (choose from ${WEBDRIVER_BROWSERS.join(', ')})`);
    if (browser in byBrowser) throw new Error(`capabilities for ${browser} given twice`);
    byBrowser[browser] = jsonObject(named ? named[2] : text, named ? `${browser}: ` : '');
  }
  return byBrowser;
}

/**
 * @param {string} text
 * @param {string} prefix  for messages: "chromium: ", or nothing for the lone form
 * @returns {Record<string, unknown>}
 */
function jsonObject(text, prefix) {
  const form = prefix ? '' : ` (give NAME=JSON, NAME one of ${WEBDRIVER_BROWSERS.join(', ')}, or one JSON object for webkit)`;
  let value;
  try {
    value = JSON.parse(text);
  } catch {
    throw new Error(`${prefix}not valid JSON${form}`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new Error(`${prefix}expected a JSON object${form}`);
  return value;
}

/**
 * --webdriver-browsers → the browsers that go through the endpoint, in the matrix's order.
 * @param {string|undefined} text
 * @returns {string[]}
 */
export function parseWebDriverBrowsers(text) {
  if (text === undefined) return [...DEFAULT_WEBDRIVER_BROWSERS];
  const names = text.split(',').map((name) => name.trim()).filter(Boolean);
  if (names.length === 0) throw new Error(`needs at least one of: ${WEBDRIVER_BROWSERS.join(', ')}`);
  for (const name of names) {
    if (!WEBDRIVER_BROWSERS.includes(name)) throw new Error(`unknown value "${name}" (choose from ${WEBDRIVER_BROWSERS.join(', ')})`);
  }
  return WEBDRIVER_BROWSERS.filter((name) => names.includes(name));
}

/**
 * The capabilities a browser was given, or its engine's default. chromium-experimental
 * without its own takes chromium's: it is the same browser with one more flag.
 * @param {{ browser: string, engine: string }} configuration
 * @param {Record<string, Record<string, unknown>>|null|undefined} given  by browser
 * @returns {Record<string, unknown>}
 */
export function givenCapabilities({ browser, engine }, given) {
  return given?.[browser] ?? (browser === 'chromium-experimental' ? given?.chromium : undefined) ?? DEFAULT_CAPABILITIES[engine] ?? {};
}

/**
 * The capabilities a configuration's sessions ask for: what was given, with
 * `acceptInsecureCerts` (the wss pages use a self-signed certificate; a value
 * given is kept) and the configuration's browser flags added to its engine's
 * options (chromium-experimental's --enable-experimental-web-platform-features).
 * @param {{ browser: string, engine: string, args: string[] }} configuration
 * @param {Record<string, Record<string, unknown>>|null|undefined} given
 * @returns {Record<string, unknown>}
 */
export function sessionCapabilities(configuration, given) {
  /** @type {Record<string, any>} */
  const capabilities = { acceptInsecureCerts: true, ...structuredClone(givenCapabilities(configuration, given)) };
  const key = BROWSER_ARGS_CAPABILITY[configuration.engine];
  if (key && configuration.args.length > 0) {
    const vendor = capabilities[key] ?? {};
    const args = Array.isArray(vendor.args) ? vendor.args : [];
    capabilities[key] = { ...vendor, args: [...args, ...configuration.args.filter((arg) => !args.includes(arg))] };
  }
  return capabilities;
}

/**
 * Whether a configuration's pages go through --webdriver-url.
 * @param {{ browser: string }} configuration
 * @param {{ webdriverUrl?: string|null, webdriverBrowsers?: string[]|null }} options
 */
export function goesThroughWebDriver({ browser }, { webdriverUrl = null, webdriverBrowsers = null }) {
  return Boolean(webdriverUrl) && (webdriverBrowsers ?? DEFAULT_WEBDRIVER_BROWSERS).includes(browser);
}
