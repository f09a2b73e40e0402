// @ts-check
// Before any page runs through --webdriver-url, make sure the endpoint can
// serve every browser sent to it, and say so in one line per problem (exit 2)
// when it cannot — instead of a run that fails page by page, or a session
// request that waits in a grid's queue for minutes:
//
//   1. GET /status, bounded: an endpoint that does not answer is unreachable.
//   2. A Selenium Grid lists its nodes' slots there: a browser no UP slot
//      matches would be queued until the grid's --session-request-timeout
//      (the grid only refuses it at once when started with
//      --reject-unsupported-caps), so it is refused here, from the slots
//      (grid-slots.mjs). Other endpoints (safaridriver, a cloud grid) list no
//      slots; step 3 alone speaks for them.
//   3. One session per distinct set of capabilities, opened and closed: what
//      only a driver can refuse (an option chromedriver does not know, a
//      browser binary missing on the node) is refused now, with the grid's
//      own message.
import { sendCommand, WebDriverSession } from '../drivers/webdriver-client.mjs';
import { gridNodes, matchingSlots, offeredBrowsers } from './grid-slots.mjs';
import { SetupError } from './setup-error.mjs';
import { goesThroughWebDriver, sessionCapabilities } from './webdriver-options.mjs';

/** @typedef {import('./types.mjs').Configuration} Configuration */
/** @typedef {import('./types.mjs').Options} Options */
/** @typedef {{ browsers: string[], capabilities: Record<string, unknown> }} Route */

const STATUS_BOUND_MS = 15_000;
// As the driver's own session request (drivers/webdriver.mjs): a grid whose
// matching slots are all busy queues the request until one is free.
const TRIAL_SESSION_BOUND_MS = 300_000;
const DELETE_BOUND_MS = 15_000;

/**
 * Throws a SetupError naming each browser the endpoint cannot serve; tells
 * `notice` what it found (slots, browser versions).
 * @param {Configuration[]} configurations
 * @param {Pick<Options, 'webdriverUrl'|'webdriverBrowsers'|'webdriverCapabilities'>} options
 * @param {{ notice?: (message: string) => void }} [hooks]
 */
export async function checkWebDriverEndpoint(configurations, options, { notice = () => {} } = {}) {
  const routes = routesOf(configurations, options);
  const url = options.webdriverUrl;
  if (!url || routes.length === 0) return;
  const status = await readStatus(url, routes);
  const nodes = gridNodes(status);
  if (nodes) {
    checkSlots(url, nodes, routes, /** @type {{ message?: string }} */ (status)?.message);
    notice(`Selenium Grid at ${url}: ${routes.map(({ browsers, capabilities }) => `${browsers.join(', ')}: ${matchingSlots(nodes, capabilities)} slot(s)`).join('; ')}`);
  }
  const versions = await openTrialSessions(url, routes);
  notice(`WebDriver endpoint ${url} serves ${routes.map(({ browsers }, index) => `${browsers.join(', ')} (${versions[index]})`).join('; ')}`);
}

/**
 * The browsers that go through the endpoint, grouped by the capabilities
 * their sessions ask for (chromium's native and polyfill rows share theirs).
 * @param {Configuration[]} configurations
 * @param {Pick<Options, 'webdriverUrl'|'webdriverBrowsers'|'webdriverCapabilities'>} options
 * @returns {Route[]}
 */
export function routesOf(configurations, options) {
  /** @type {Map<string, Route>} */
  const routes = new Map();
  for (const configuration of configurations) {
    if (!goesThroughWebDriver(configuration, options)) continue;
    const capabilities = sessionCapabilities(configuration, options.webdriverCapabilities);
    const key = JSON.stringify(capabilities);
    const route = routes.get(key) ?? { browsers: [], capabilities };
    if (!route.browsers.includes(configuration.browser)) route.browsers.push(configuration.browser);
    routes.set(key, route);
  }
  return [...routes.values()];
}

/**
 * GET /status. An endpoint that answers anything is reachable (some answer
 * /status with an error); one that does not answer in time is not.
 * @param {string} url
 * @param {Route[]} routes
 * @returns {Promise<unknown>}  the status value; null when the endpoint answered without one
 */
async function readStatus(url, routes) {
  try {
    return await sendCommand(url, 'GET', '/status', undefined, { timeoutMs: STATUS_BOUND_MS });
  } catch (error) {
    const { code, status } = /** @type {{ code?: string|null, status?: number|null }} */ (error);
    if (status !== null && status !== undefined) return null;
    const why = code === 'harness timeout' ? `no answer within ${STATUS_BOUND_MS / 1000} s` : reasonOf(error);
    throw new SetupError(`${allBrowsers(routes)}: cannot reach the WebDriver endpoint ${url} (${why})`);
  }
}

/**
 * @param {string} url
 * @param {import('./grid-slots.mjs').GridNode[]} nodes
 * @param {Route[]} routes
 * @param {string|undefined} statusMessage  the grid's own word on itself ("Selenium Grid not ready.")
 */
function checkSlots(url, nodes, routes, statusMessage) {
  const offered = offeredBrowsers(nodes);
  const lines = routes.filter(({ capabilities }) => matchingSlots(nodes, capabilities) === 0).map(({ browsers, capabilities }) => {
    const what = offered.length === 0 ? `it has no node up (its /status says: ${statusMessage ?? 'nothing'})` : `no slot of its UP nodes matches ${abbreviate(JSON.stringify(capabilities))} (they offer: ${offered.join(', ')})`;
    return `${browsers.join(', ')}: the Selenium Grid at ${url} cannot serve it: ${what}; it would queue the session request until its timeout`;
  });
  if (lines.length > 0) throw new SetupError(lines.join('\n'));
}

/**
 * Opens and closes one session per route, all at once: there are at most four
 * (a session start is most of the check's time), and a grid queues what its
 * slots cannot take yet.
 * @param {string} url
 * @param {Route[]} routes
 * @returns {Promise<string[]>}  each route's browser name and version, as the endpoint reports them
 */
async function openTrialSessions(url, routes) {
  /** @type {string[]} */
  const versions = [];
  /** @type {string[]} */
  const problems = [];
  await Promise.all(routes.map(async (route, index) => {
    try {
      versions[index] = await openTrialSession(url, route.capabilities);
    } catch (error) {
      problems.push(`${route.browsers.join(', ')}: the WebDriver endpoint ${url} refused a session for ${JSON.stringify(route.capabilities.browserName ?? null)}: ${reasonOf(error)}`);
    }
  }));
  if (problems.length > 0) throw new SetupError(problems.join('\n'));
  return versions;
}

/**
 * @param {string} url
 * @param {Record<string, unknown>} capabilities
 */
async function openTrialSession(url, capabilities) {
  const session = await WebDriverSession.create(url, capabilities, { timeoutMs: TRIAL_SESSION_BOUND_MS });
  await session.delete({ timeoutMs: DELETE_BOUND_MS }).catch(() => {});
  const { browserName, browserVersion } = session.capabilities;
  return [browserName, browserVersion].filter(Boolean).join(' ') || 'version unknown';
}

/**
 * The endpoint's own words, on one line: a grid's message runs over several
 * (the driver's reason on the next ones) and ends with host and build
 * details, which say nothing about the problem.
 * @param {unknown} error
 */
export function reasonOf(error) {
  const text = String(/** @type {{ message?: string }} */ (error)?.message ?? error).replace(/^(GET|POST|DELETE) \/\S*: /, '');
  /** @type {string[]} */
  const lines = [];
  for (const line of text.split('\n')) {
    if (/^\s*(Host info|Build info|System info|Driver info|Stacktrace|\(Session info)/.test(line)) break;
    if (line.trim() !== '') lines.push(line.trim());
  }
  return abbreviate(lines.join(' / '), 600);
}

/** @param {Route[]} routes */
function allBrowsers(routes) {
  return routes.flatMap(({ browsers }) => browsers).join(', ');
}

/**
 * @param {string} text
 * @param {number} [limit]
 */
function abbreviate(text, limit = 300) {
  return text.length > limit ? `${text.slice(0, limit - 1)}…` : text;
}
