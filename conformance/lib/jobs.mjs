// @ts-check
// Every page of a run as one ordered list of jobs, which the scheduler then
// hands out. The order is chosen for the scheduler:
//   - by browser, slowest engine first, so the end of the run is short
//     Chromium pages that every session can share;
//   - within a browser, file by file and page by page, native configurations
//     first (an engine is probed for a native WebSocketStream on first use,
//     and a session stays on one browser for as long as the list does).
// Engine rows (chromium@92, deno, node@22…) come first, in the order given:
// an old Chromium row is as slow as WebKit's, and a runtime's pages are short.
import { fileTimeoutMs, pageUrl, pagesForFile } from './matrix.mjs';

/** @typedef {import('./types.mjs').Configuration} Configuration */
/** @typedef {import('./types.mjs').Job} Job */
/** @typedef {import('./types.mjs').TestMeta} TestMeta */

const BROWSER_ORDER = ['webkit', 'firefox', 'chromium', 'chromium-experimental', 'jsdom'];

/**
 * @param {Configuration[]} configurations
 * @param {{ file: string, meta: TestMeta }[]} planned  the test files, in order
 * @param {{ scopes: string[], variants: string[], timeoutMultiplier: number }} options
 * @param {string} origin  the test server's http origin
 * @returns {Job[]}
 */
export function buildJobs(configurations, planned, options, origin) {
  /** @type {Job[]} */
  const jobs = [];
  for (const browser of browsersInRunOrder(configurations)) {
    const ofBrowser = configurations.filter((configuration) => configuration.browser === browser)
      .sort((a, b) => (a.mode === 'native' ? 0 : 1) - (b.mode === 'native' ? 0 : 1));
    // A browser's configurations share its scopes.
    const scopes = ofBrowser[0].scopes.filter((scope) => options.scopes.includes(scope));
    for (const { file, meta } of planned) {
      const timeoutMs = fileTimeoutMs(meta, options.timeoutMultiplier);
      for (const page of pagesForFile(file, meta, { scopes, variants: options.variants })) {
        for (const configuration of ofBrowser) {
          jobs.push({ file, page, configuration, url: pageUrl(origin, page, configuration.mode, configuration.row?.bundle), timeoutMs });
        }
      }
    }
  }
  return jobs;
}

/** @param {Configuration[]} configurations */
function browsersInRunOrder(configurations) {
  // indexOf is -1 for an engine row: before every standard browser, and the sort keeps their order.
  return [...new Set(configurations.map((configuration) => configuration.browser))]
    .sort((a, b) => BROWSER_ORDER.indexOf(a) - BROWSER_ORDER.indexOf(b));
}
