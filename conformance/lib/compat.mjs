// @ts-check
// The compatibility file (`--reporter compat` writes compat.json): one entry
// per configuration of a run — which engine, which version, how the harness
// got it, whether it has a WebSocketStream of its own, which polyfill build
// its pages loaded, and how it fared against its expectations and against the
// reference (native Chromium). It is made from the report alone, so any
// results.json can be turned into one. The README's "Supported engines"
// table is generated from the committed one (scripts/supported-engines.mjs).
//
// Stable like the report: fields are only ever added; a removal or rename
// bumps COMPAT_SCHEMA_VERSION.
//
// {
//   "schema": "websocketstream-conformance-compat", "schemaVersion": 1,
//   "generatedAt": ISO time (the run's end), "tool": { "name", "version" },
//   "run": { "wallTimeMs", "exitCode": 0|1, "cpus", "workers", "files": number of test files,
//            "excludes": [ --exclude texts ], "filters": [ --filter texts ] },
//   "reference": { "configuration": "chromium:native", "version": string|null },
//   "rows": [ {
//     "configuration": "chromium@92:polyfill", "engine": "chromium"|"firefox"|"webkit"|"deno"|"bun"|"node"|"jsdom",
//     "version": the engine's own version string, or null when it never ran,
//     "mode": "native"|"polyfill", "isReference": bool,
//     "obtained": how the binary was had, without machine paths: "npm:@sparticuz/chromium@92.0.0",
//                 "Playwright's build", "system package", "a local binary", "remote …",
//     "driver": "playwright"|"webdriver"|"jsdom"|"launcher"|"runtime"|null,
//     "native": true|false|null   — whether the engine has its own WebSocketStream: a native
//                                    configuration of the same engine and version ran (true) or was
//                                    skipped for want of one (false); null when nothing asked,
//     "polyfill": the build its polyfill pages loaded (websocketstream-polyfill.js,
//                 websocketstream-polyfill.legacy.min.js, node.js, index.js), null in native mode,
//     "note": why, when it is not the usual build ("needs legacy: …"), else null,
//     "skipped": null | why it did not run,
//     "expectations": the expectations file it was judged by (without .json),
//     "scopes": [ "window", … ], "variants": [ "default", "wss" ],
//     "pages", "passed", "total", "crashes", "timeouts", "unexpected": numbers (0 when skipped),
//     "pageTimeMs": the time its pages took, summed (pages of several rows run at once, so
//                   this is the row's cost, not a share of the run's wall time),
//     "differences": subtests whose status differs from the reference's (null: not compared),
//     "departures": [ { "file", "test", "status", "referenceStatus", "places": [ "scope/variant" ],
//                       "reason": string|null } ]   — each difference, grouped over scopes and variants
//   } ]
// }
import { referenceReasons } from '../reporters/reference.mjs';

export const COMPAT_SCHEMA_NAME = 'websocketstream-conformance-compat';
export const COMPAT_SCHEMA_VERSION = 1;

/** @typedef {import('./types.mjs').Report} Report */
/** @typedef {import('./types.mjs').ConfigurationReport} ConfigurationReport */
/** @typedef {import('./types.mjs').JudgedRecord} JudgedRecord */

/**
 * @typedef {object} CompatDeparture
 * @property {string} file
 * @property {string} test
 * @property {string} status
 * @property {string|null} referenceStatus
 * @property {string[]} places
 * @property {string|null} reason
 */

/**
 * @typedef {object} CompatRow
 * @property {string} configuration
 * @property {string} engine
 * @property {string|null} version
 * @property {string} mode
 * @property {boolean} isReference
 * @property {string|null} obtained
 * @property {string|null} driver
 * @property {boolean|null} native
 * @property {string|null} polyfill
 * @property {string|null} note
 * @property {string|null} skipped
 * @property {string} expectations
 * @property {string[]} scopes
 * @property {string[]} variants
 * @property {number} pages
 * @property {number} passed
 * @property {number} total
 * @property {number} crashes
 * @property {number} timeouts
 * @property {number} unexpected
 * @property {number} pageTimeMs
 * @property {number|null} differences
 * @property {CompatDeparture[]} departures
 */

/**
 * @typedef {object} Compat
 * @property {string} schema
 * @property {number} schemaVersion
 * @property {string} generatedAt
 * @property {{ name: string, version: string }} tool
 * @property {{ wallTimeMs: number, exitCode: number, cpus: number, workers: number|undefined, files: number, excludes: string[], filters: string[] }} run
 * @property {{ configuration: string, version: string|null }} reference
 * @property {CompatRow[]} rows
 */

/**
 * @param {Report} report
 * @returns {Compat}
 */
export function buildCompat(report) {
  const { run } = report;
  const options = /** @type {{ excludes?: string[], filters?: string[] }} */ (run.options);
  const reference = run.configurations.find((configuration) => configuration.id === run.reference);
  return {
    schema: COMPAT_SCHEMA_NAME,
    schemaVersion: COMPAT_SCHEMA_VERSION,
    generatedAt: run.finishedAt,
    tool: run.tool,
    run: { wallTimeMs: run.wallTimeMs, exitCode: run.exitCode, cpus: run.cpus, workers: run.workers, files: run.files.length, excludes: options.excludes ?? [], filters: options.filters ?? [] },
    reference: { configuration: run.reference, version: reference && !reference.skipped ? reference.browserVersion : null },
    rows: run.configurations.map((configuration) => compatRow(configuration, report)),
  };
}

/**
 * @param {ConfigurationReport} configuration
 * @param {Report} report
 * @returns {CompatRow}
 */
function compatRow(configuration, report) {
  const records = report.results.filter((record) => record.configuration === configuration.id);
  const subtests = records.flatMap((record) => record.subtests.filter((subtest) => subtest.status !== 'MISSING'));
  const departures = configuration.comparedWithReference && !configuration.skipped ? departuresOf(records, report) : null;
  return {
    configuration: configuration.id,
    engine: configuration.engine,
    version: configuration.skipped && configuration.skip?.kind === 'browser-unavailable' ? null : configuration.browserVersion,
    mode: configuration.mode,
    isReference: configuration.isReference,
    obtained: obtainedOf(configuration),
    driver: configuration.driver,
    native: nativePresence(configuration, report.run.configurations),
    polyfill: configuration.mode !== 'polyfill' ? null : configuration.row?.polyfillEntry ?? polyfillFileOf(report),
    note: configuration.row?.note ?? null,
    skipped: configuration.skipped,
    expectations: configuration.expectations,
    scopes: [...new Set(records.map((record) => record.scope))],
    variants: [...new Set(records.map((record) => record.variant))],
    pages: records.length,
    passed: subtests.filter((subtest) => subtest.status === 'PASS').length,
    total: subtests.length,
    crashes: records.filter((record) => record.status === 'CRASH').length,
    timeouts: records.filter((record) => record.timedOut).length,
    unexpected: report.unexpected.filter((item) => item.configuration === configuration.id).length,
    pageTimeMs: records.reduce((sum, record) => sum + record.durationMs, 0),
    differences: departures === null ? null : departures.reduce((sum, departure) => sum + departure.places.length, 0),
    departures: departures ?? [],
  };
}

/**
 * How the binary was had, in words without machine paths (the file is committed).
 * @param {ConfigurationReport} configuration
 */
function obtainedOf(configuration) {
  const { source, driver, row } = configuration;
  if (row) return row.spec === null ? 'a local binary' : row.obtainedFrom;
  if (source === null) return null;
  if (/Playwright's own build/.test(source)) return "Playwright's build";
  if (/^remote|^WebDriver endpoint/.test(source)) return source.split(' ').slice(0, -1).join(' ') || source;
  if (driver === 'jsdom') return 'jsdom (wpt-runner)';
  return 'system package';
}

/** @param {Report} report */
function polyfillFileOf(report) {
  const polyfill = /** @type {{ polyfill?: string|null }} */ (report.run.options).polyfill;
  return polyfill ? polyfill.split(/[\\/]/).pop() ?? null : null;
}

/**
 * Whether the engine has its own WebSocketStream, from its native configuration
 * of the same engine and version (a /global row shares its engine's).
 * @param {ConfigurationReport} configuration
 * @param {ConfigurationReport[]} all
 * @returns {boolean|null}
 */
function nativePresence(configuration, all) {
  const version = configuration.browserVersion;
  const sameEngine = all.filter((other) => other.mode === 'native' && other.engine === configuration.engine
    && (other.browser === configuration.browser || (version !== null && other.browserVersion === version)));
  if (sameEngine.some((other) => !other.skipped && other.driver !== null)) return true;
  if (sameEngine.some((other) => other.skip?.kind === 'no-native-implementation')) return false;
  return null;
}

/**
 * Every subtest of the configuration whose status differs from the
 * reference's, grouped over scopes and variants, with its reason (its own
 * expectation's, else the reference's own departure).
 * @param {JudgedRecord[]} records
 * @param {Report} report
 * @returns {CompatDeparture[]}
 */
function departuresOf(records, report) {
  const referenceReason = referenceReasons(report);
  /** @type {Map<string, CompatDeparture>} */
  const groups = new Map();
  for (const record of records) {
    for (const subtest of record.subtests) {
      if (!subtest.parity || subtest.parity === 'same') continue;
      const referenceStatus = subtest.reference?.status ?? null;
      const id = [record.file, subtest.name, subtest.status, referenceStatus].join('\u0000');
      if (!groups.has(id)) {
        const reason = subtest.reason ?? referenceReason(record.file, subtest.name);
        groups.set(id, { file: record.file, test: subtest.name, status: subtest.status, referenceStatus, places: [], reason });
      }
      /** @type {CompatDeparture} */ (groups.get(id)).places.push(`${record.scope}/${record.variant}`);
    }
  }
  return [...groups.values()];
}

/**
 * Problems with a compat file's shape, as readable strings; empty when it conforms.
 * @param {any} compat  parsed JSON, of any shape
 * @returns {string[]}
 */
export function validateCompat(compat) {
  /** @type {string[]} */
  const problems = [];
  const check = (/** @type {unknown} */ condition, /** @type {string} */ message) => {
    if (!condition) problems.push(message);
  };
  check(compat?.schema === COMPAT_SCHEMA_NAME, 'schema name');
  check(compat?.schemaVersion === COMPAT_SCHEMA_VERSION, 'schemaVersion');
  check(typeof compat?.generatedAt === 'string' && !Number.isNaN(Date.parse(compat.generatedAt)), 'generatedAt');
  check(Array.isArray(compat?.rows), 'rows');
  for (const [index, row] of (Array.isArray(compat?.rows) ? compat.rows : []).entries()) {
    const at = `rows[${index}] (${row?.configuration})`;
    for (const field of ['configuration', 'engine', 'mode', 'expectations']) check(typeof row?.[field] === 'string', `${at}.${field}`);
    for (const field of ['pages', 'passed', 'total', 'crashes', 'timeouts', 'unexpected', 'pageTimeMs']) check(Number.isInteger(row?.[field]), `${at}.${field}`);
    check(row?.differences === null || Number.isInteger(row?.differences), `${at}.differences`);
    check([true, false, null].includes(row?.native), `${at}.native`);
    check(Array.isArray(row?.departures) && row.departures.every((/** @type {any} */ d) => typeof d.file === 'string' && typeof d.test === 'string' && Array.isArray(d.places)), `${at}.departures`);
    check(typeof row?.obtained !== 'string' || !/(^|\s)\/(usr|home|root|tmp|opt)\//.test(row.obtained), `${at}.obtained names a machine path`);
  }
  return problems;
}
