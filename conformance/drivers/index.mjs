// @ts-check
// Every driver has the same shape, the Driver type of lib/types.mjs, so the
// scheduler never cares which it has.
import { createJsdomDriver } from './jsdom.mjs';
import { createPlaywrightDriver } from './playwright.mjs';
import { createRowDriver } from './rows.mjs';
import { createWebDriverDriver } from './webdriver.mjs';
import { goesThroughWebDriver, sessionCapabilities } from '../lib/webdriver-options.mjs';

/** @typedef {import('../lib/types.mjs').Configuration} Configuration */
/** @typedef {import('../lib/types.mjs').Driver} Driver */

export class DriverUnavailableError extends Error {
  name = 'DriverUnavailableError';
}

/**
 * Picks the driver for a browser configuration:
 * - chromium, chromium-experimental, firefox, webkit: the --webdriver-url endpoint
 *   when given and the browser is among --webdriver-browsers (webdriver-options.mjs);
 * - webkit: else Playwright's WebKit when its
 *   build is installed (or a --playwright-endpoint is given); else WebKitGTK over WebDriver;
 * - chromium, firefox: Playwright, local or through --playwright-endpoint;
 * - jsdom: jsdom in a worker thread of this process;
 * - an engine row (chromium@92, deno, node@22, a --browser-executable): drivers/rows.mjs.
 * @param {Pick<Configuration, 'browser'|'engine'|'args'|'row'>} configuration
 * @param {{ found?: any, playwrightEndpoint?: string|null, playwrightLaunchOptions?: Record<string, object>|null,
 *   webdriverUrl?: string|null, webdriverCapabilities?: Record<string, Record<string, unknown>>|null, webdriverBrowsers?: string[]|null,
 *   serverOrigin?: string|null, distDir?: string, timeoutMultiplier?: number }} options
 * @returns {Driver}
 */
export function createDriver(configuration, { found, playwrightEndpoint = null, playwrightLaunchOptions = null, webdriverUrl = null, webdriverCapabilities = null, webdriverBrowsers = null, ...rowOptions }) {
  if (configuration.row) return createRowDriver(configuration, rowOptions);
  const { engine, args } = configuration;
  const remoteLaunchOptions = playwrightLaunchOptions?.[engine] ?? {};
  if (engine === 'jsdom') return createJsdomDriver();
  if (engine !== 'chromium' && engine !== 'firefox' && engine !== 'webkit') throw new DriverUnavailableError(`no driver for the engine "${engine}"`);
  if (webdriverUrl && goesThroughWebDriver(configuration, { webdriverUrl, webdriverBrowsers })) {
    return createWebDriverDriver({ engine, url: webdriverUrl, capabilities: sessionCapabilities(configuration, webdriverCapabilities) });
  }
  if (engine === 'webkit') {
    if (playwrightEndpoint) return createPlaywrightDriver({ engine, args, endpoint: playwrightEndpoint, remoteLaunchOptions });
    if (found?.source === 'playwright') return createPlaywrightDriver({ engine, args, found });
    if (found) return createWebDriverDriver({ engine, found });
  } else {
    if (playwrightEndpoint) return createPlaywrightDriver({ engine, args, endpoint: playwrightEndpoint, remoteLaunchOptions });
    if (found) return createPlaywrightDriver({ engine, args, found });
  }
  throw new DriverUnavailableError(`no ${engine} here: run websocketstream-conformance setup-browsers, or point --playwright-endpoint/--webdriver-url at a remote one`);
}
