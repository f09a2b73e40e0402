// Every driver has the same shape, so the runner never cares which it has:
//   { kind, engine, source, version, launch(), runPage(url, { timeoutMs }) → outcome (see outcome.mjs),
//     evaluate(url, expression) → value, close() }
import { createPlaywrightDriver } from './playwright.mjs';
import { createWebDriverDriver } from './webdriver.mjs';

export class DriverUnavailableError extends Error {
  name = 'DriverUnavailableError';
}

/**
 * Picks the driver for a browser configuration:
 * - webkit: a --webdriver-url endpoint if given; else Playwright's WebKit when its
 *   build is installed (or a --playwright-endpoint is given); else WebKitGTK over WebDriver;
 * - chromium, firefox: Playwright, local or through --playwright-endpoint.
 */
export function createDriver(configuration, { found, playwrightEndpoint = null, playwrightLaunchOptions = null, webdriverUrl = null, webdriverCapabilities = null }) {
  const { engine, args } = configuration;
  const remoteLaunchOptions = playwrightLaunchOptions?.[engine] ?? {};
  if (engine === 'webkit') {
    if (webdriverUrl) return createWebDriverDriver({ engine, url: webdriverUrl, capabilities: webdriverCapabilities });
    if (playwrightEndpoint) return createPlaywrightDriver({ engine, args, endpoint: playwrightEndpoint, remoteLaunchOptions });
    if (found?.source === 'playwright') return createPlaywrightDriver({ engine, args, found });
    if (found) return createWebDriverDriver({ engine, found });
  } else {
    if (playwrightEndpoint) return createPlaywrightDriver({ engine, args, endpoint: playwrightEndpoint, remoteLaunchOptions });
    if (found) return createPlaywrightDriver({ engine, args, found });
  }
  throw new DriverUnavailableError(`no ${engine} here: run websocketstream-conformance setup-browsers, or point --playwright-endpoint/--webdriver-url at a remote one`);
}
