// @ts-check
// What a Selenium Grid 4 offers, read from its /status: which of its slots a
// session request would match. A grid queues a request that no slot matches
// until its --session-request-timeout (300 s by default) unless it was started
// with --reject-unsupported-caps, so the harness reads the slots first and
// fails at once, naming the browser (webdriver-preflight.mjs).
//
// The matching follows Selenium 4's DefaultSlotMatcher as far as it decides
// anything here, and leans towards "matches" where it is unsure (platform
// names it does not know, version prefixes): a wrong "no slot" would stop a
// run the grid could serve; a wrong "matches" only costs the wait the grid
// would have cost anyway.

/** @typedef {Record<string, unknown>} Capabilities */
/**
 * A node as /status describes it (Selenium 4.x: value.nodes[]).
 * @typedef {{ availability?: string, maxSessions?: number, slots?: { stereotype?: Capabilities }[] }} GridNode
 */

// Vendor options a grid leaves to the driver; any other "prefix:name" in a
// stereotype must be what the request says, if the request says it.
const DRIVER_PREFIXES = ['goog:', 'moz:', 'ms:', 'se:'];

/**
 * The nodes of a Selenium Grid's /status value, or null when the endpoint is
 * not a grid (a single driver answers /status without nodes).
 * @param {unknown} status  the `value` of GET /status
 * @returns {GridNode[]|null}
 */
export function gridNodes(status) {
  const nodes = /** @type {{ nodes?: unknown }|null} */ (status)?.nodes;
  return Array.isArray(nodes) ? nodes : null;
}

/**
 * How many sessions with these capabilities the grid's UP nodes can hold at once.
 * @param {GridNode[]} nodes
 * @param {Capabilities} capabilities
 */
export function matchingSlots(nodes, capabilities) {
  let count = 0;
  for (const node of nodes) {
    if (node.availability !== 'UP') continue;
    const matching = (node.slots ?? []).filter((slot) => slotMatches(slot.stereotype ?? {}, capabilities)).length;
    count += Math.min(matching, node.maxSessions ?? matching);
  }
  return count;
}

/**
 * The browsers the UP nodes offer, for messages: "chrome, MiniBrowser".
 * @param {GridNode[]} nodes
 */
export function offeredBrowsers(nodes) {
  const names = nodes.filter((node) => node.availability === 'UP')
    .flatMap((node) => (node.slots ?? []).map((slot) => String(slot.stereotype?.browserName ?? '(no browserName)')));
  // Sorted: the grid lists its nodes in no fixed order.
  return [...new Set(names)].sort();
}

/**
 * @param {Capabilities} stereotype  a slot's
 * @param {Capabilities} capabilities  a session request's
 */
export function slotMatches(stereotype, capabilities) {
  const { browserName, browserVersion, platformName } = capabilities;
  if (typeof browserName === 'string' && browserName !== '' && stereotype.browserName !== browserName) return false;
  if (!versionMatches(stereotype.browserVersion, browserVersion)) return false;
  if (!platformMatches(stereotype.platformName, platformName)) return false;
  for (const [name, value] of Object.entries(stereotype)) {
    if (['browserName', 'browserVersion', 'platformName'].includes(name)) continue;
    if (DRIVER_PREFIXES.some((prefix) => name.startsWith(prefix))) continue;
    if (capabilities[name] === undefined || capabilities[name] === null) continue;
    if (!sameValue(value, capabilities[name])) return false;
  }
  return true;
}

/**
 * @param {unknown} offered
 * @param {unknown} wanted
 */
function versionMatches(offered, wanted) {
  if (typeof wanted !== 'string' || wanted === '' || wanted === 'stable') return true;
  return typeof offered === 'string' && (offered === wanted || offered.startsWith(`${wanted}.`));
}

/** @param {string} name */
function platformFamily(name) {
  const lower = name.toLowerCase();
  if (lower.startsWith('win') || lower === 'xp' || lower === 'vista') return 'windows';
  if (lower.startsWith('mac') || lower.includes('os x') || lower === 'darwin') return 'mac';
  if (lower === 'linux' || lower === 'unix' || lower === 'any') return lower;
  return null;
}

/**
 * @param {unknown} offered
 * @param {unknown} wanted
 */
function platformMatches(offered, wanted) {
  if (typeof wanted !== 'string' || wanted === '') return true;
  if (typeof offered !== 'string') return false;
  const [have, want] = [platformFamily(offered), platformFamily(wanted)];
  if (have === null || want === null || want === 'any') return true;
  if (want === 'unix') return have !== 'windows';
  return offered.toLowerCase() === wanted.toLowerCase() || have === want;
}

/**
 * Deep equality of JSON values; strings without regard to case, as the grid compares them.
 * @param {unknown} a
 * @param {unknown} b
 */
function sameValue(a, b) {
  if (typeof a === 'string' && typeof b === 'string') return a.toLowerCase() === b.toLowerCase();
  return canonicalJson(a) === canonicalJson(b);
}

/** @param {unknown} value */
function canonicalJson(value) {
  return JSON.stringify(value, (_, item) => (item && typeof item === 'object' && !Array.isArray(item)
    ? Object.fromEntries(Object.entries(item).sort(([x], [y]) => x.localeCompare(y)))
    : item));
}
