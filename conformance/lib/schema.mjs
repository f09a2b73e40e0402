// @ts-check
// The one result schema every reporter reads (and `--reporter json` writes).
// Stable: fields are only ever added; a change that removes or renames one
// bumps SCHEMA_VERSION. The same shapes as JSDoc types: Report in types.mjs.
//
// Added within version 1 (older reports lack them; readers must not require them):
//   run.workers                      sessions allowed at once (--workers N)
//   run.options.workers              the same, as given
//   run.sessions                     browser sessions the run opened (all workers, all browsers)
//   run.configurations[].skip        null | { "kind": "browser-unavailable"|"no-native-implementation",
//                                    "message" } — why it did not run, as a value ("skipped" keeps the message;
//                                    only browser-unavailable fails a run)
//   run.configurations[].sessions    how many browser sessions ran its pages (0 when skipped)
//   run.configurations[].comparedWithReference  false on the reference and on configurations with
//                                    no native counterpart (jsdom): their parity is null
//   summary[].wallTimeMs             the wall-clock time the row's pages took, added up (a retried
//                                    page's two attempts both count); rows overlap in time when
//                                    sessions run in parallel, so they add up to more than run.wallTimeMs
//   results[].crashKind              null | "page-crashed"|"browser-exited"|"session-failed" (on CRASH)
//   results[].firstAttempt.crashKind the same, for the first attempt of a page run again
//   unusedExpectations[].declaredIn  the file that declares the entry (same as "expectations")
//   unusedExpectations[].inheritedBy null | the expectations file that inherited the entry through
//                                    "extends" and matched nothing with it
//   run.shards                       only on a report merged from shards (`merge`): one entry per shard,
//                                    { "index", "count", "report", "startedAt", "finishedAt", "wallTimeMs",
//                                    "workers", "exitCode", "files" } — each shard's own run and verdict.
//                                    The merged run's startedAt/finishedAt span the shards, wallTimeMs is
//                                    that span, options.shard is null, and the rest is judged again as one run
//   run.configurations[].row         null | an engine row's binary and build (lib/rows.mjs):
//                                    { "spec": "chromium@92"|"node@18.20.8"|null (a --browser-executable),
//                                      "obtainedFrom": "npm:@sparticuz/chromium@92.0.0"|…, "socket": "ws"|"global"|null,
//                                      "polyfillEntry": the build its polyfill pages load (websocketstream-polyfill.js,
//                                        websocketstream-polyfill.legacy.min.js, node.js, index.js), null in native mode,
//                                      "bundle": "modern"|"legacy"|null (browsers), "note": "needs legacy: …"|null }
//   scope "shell"                    results[].scope, summary[].scope: a runtime's page (Deno, Bun, Node), compared
//                                    with the reference's worker page of the same file and variant
//
// {
//   "schema": "websocketstream-conformance-report", "schemaVersion": 1,
//   "run": {
//     "startedAt": ISO time, "finishedAt": ISO time, "wallTimeMs": number, "exitCode": 0|1,
//     "tool": { "name", "version" }, "node": "v20…", "platform": "linux", "arch": "x64", "cpus": 2, "workers": 2,
//     "options": { "browsers", "modes", "scopes", "variants", "filters", "excludes", "shard": {index,count}|null,
//                  "wptRoot", "polyfill", "expectationsDir", "timeoutMultiplier" },
//     "reference": "chromium:native",
//     "configurations": [ { "id": "firefox:polyfill", "browser", "engine", "mode", "args": [],
//                           "expectations": "firefox", "isReference": bool,
//                           "driver": "playwright"|"webdriver"|"jsdom"|"launcher"|"runtime", "source": how the browser was found,
//                           "browserVersion": string|null, "skipped": null | "why it did not run",
//                           "skip": null | { "kind", "message" }, "sessions": number,
//                           "comparedWithReference": bool } ],
//     "files": [ "websockets/stream/x.any.js", … ]            // after --filter, --exclude and --shard
//   },
//   "summary": [ { "configuration", "scope", "variant", "files", "crashes", "timeouts",
//                  "passed", "total", "differences", "unexpected", "wallTimeMs" } ],
//   "unexpected": [ { "configuration", "file", "scope", "variant", "test": name|null (null: the file),
//                     "kind": "unexpected-result"|"unexpected-pass"|"missing"|"crash"|"harness-timeout"|"file-status",
//                     "status", "expected", "referenceStatus"?, "message" } ],
//   "unusedExpectations": [ { "expectations": name of the declaring file, …the entry, "inheritedBy": name|null } ],
//   "results": [ {                                           // one per file × configuration × scope × variant
//       "file", "configuration", "browser", "engine", "mode", "expectations", "scope", "variant", "url",
//       "status": "OK"|"ERROR"|"TIMEOUT"|"PRECONDITION_FAILED"|"CRASH",
//       "message": string|null, "timedOut": bool (our per-file bound ran out), "crashed": bool, "crashKind",
//       "durationMs": number, "expected": file status expected, "unexpected": bool, "reason": string|null,
//       "firstAttempt"?: { "status": "CRASH", "message", "durationMs" },  // only on a native page run
//                                                            // again after an unexpected crash
//       "reference": { "status" } | null,                    // native Chromium's file status; null on the reference itself
//       "subtests": [ { "name", "status": "PASS"|"FAIL"|"TIMEOUT"|"NOTRUN"|"PRECONDITION_FAILED"|"MISSING",
//                       "message", "expected", "unexpected": bool, "reason": string|null,
//                       "reference": { "status", "message" } | null,
//                       "parity": null (reference, or not compared) | "same"|"native-departs"|"differs"|"differs-non-pass"|"no-reference"|"missing" } ]
//   } ]
// }
import { FILE_STATUSES, SUBTEST_STATUSES } from './expectations.mjs';
import { PARITY_CLASSES } from './verdict.mjs';

export const SKIP_KINDS = ['browser-unavailable', 'no-native-implementation'];
export const CRASH_KINDS = ['page-crashed', 'browser-exited', 'session-failed'];

export const SCHEMA_NAME = 'websocketstream-conformance-report';
export const SCHEMA_VERSION = 1;

/**
 * @param {{ run: import('./types.mjs').RunInfo, verdict: import('./types.mjs').Verdict }} parts
 * @returns {import('./types.mjs').Report}
 */
export function buildReport({ run, verdict }) {
  return {
    schema: SCHEMA_NAME,
    schemaVersion: SCHEMA_VERSION,
    run,
    summary: verdict.summary,
    unexpected: verdict.unexpected,
    unusedExpectations: verdict.unusedExpectations,
    results: verdict.records,
  };
}

/**
 * Problems with a report's shape, as readable strings; empty when it conforms.
 * Fields added within version 1 are checked when present.
 * @param {any} report  parsed JSON, of any shape
 * @returns {string[]}
 */
export function validateReport(report) {
  /** @type {string[]} */
  const problems = [];
  /** @type {Check} */
  const check = (condition, message) => {
    if (!condition) problems.push(message);
  };
  check(report?.schema === SCHEMA_NAME, 'schema name');
  check(report?.schemaVersion === SCHEMA_VERSION, 'schemaVersion');
  validateRun(report?.run ?? {}, check);
  check(Array.isArray(report?.summary), 'summary');
  for (const group of report?.summary ?? []) {
    for (const field of ['files', 'passed', 'total', 'differences', 'unexpected']) check(Number.isInteger(group[field]), `summary.${field}`);
    check(group.wallTimeMs === undefined || Number.isFinite(group.wallTimeMs), 'summary.wallTimeMs');
  }
  check(Array.isArray(report?.unexpected), 'unexpected');
  check(Array.isArray(report?.results), 'results');
  for (const [index, record] of (report?.results ?? []).entries()) validateResult(record, `results[${index}]`, check);
  return problems;
}

/** @typedef {(condition: unknown, message: string) => void} Check */

/**
 * @param {any} run
 * @param {Check} check
 */
function validateRun(run, check) {
  for (const field of ['startedAt', 'finishedAt']) check(typeof run[field] === 'string' && !Number.isNaN(Date.parse(run[field])), `run.${field}`);
  check(Number.isFinite(run.wallTimeMs), 'run.wallTimeMs');
  check(run.exitCode === 0 || run.exitCode === 1, 'run.exitCode');
  check(run.workers === undefined || (Number.isInteger(run.workers) && run.workers >= 1), 'run.workers');
  check(run.sessions === undefined || (Number.isInteger(run.sessions) && run.sessions >= 0), 'run.sessions');
  check(Array.isArray(run.configurations) && run.configurations.every((/** @type {any} */ c) => typeof c.id === 'string' && 'skipped' in c), 'run.configurations');
  for (const configuration of Array.isArray(run.configurations) ? run.configurations : []) {
    const { skip, sessions } = configuration;
    check(skip === undefined || skip === null || (SKIP_KINDS.includes(skip.kind) && skip.message === configuration.skipped), `run.configurations ${configuration.id} skip`);
    check(sessions === undefined || Number.isInteger(sessions), `run.configurations ${configuration.id} sessions`);
  }
  check(Array.isArray(run.files), 'run.files');
  check(run.shards === undefined || (Array.isArray(run.shards) && run.shards.every((/** @type {any} */ shard) => Number.isInteger(shard.index) && Number.isFinite(shard.wallTimeMs))), 'run.shards');
}

/**
 * @param {any} record
 * @param {string} at
 * @param {Check} check
 */
function validateResult(record, at, check) {
  for (const field of ['file', 'configuration', 'mode', 'scope', 'variant', 'url']) check(typeof record[field] === 'string', `${at}.${field}`);
  check(FILE_STATUSES.includes(record.status), `${at}.status`);
  check(typeof record.unexpected === 'boolean' && typeof record.timedOut === 'boolean', `${at} flags`);
  check(record.crashKind === undefined || record.crashKind === null || CRASH_KINDS.includes(record.crashKind), `${at}.crashKind`);
  check(Array.isArray(record.subtests), `${at}.subtests`);
  for (const subtest of record.subtests ?? []) {
    check(typeof subtest.name === 'string', `${at} subtest name`);
    check([...SUBTEST_STATUSES, 'MISSING'].includes(subtest.status), `${at} subtest status ${subtest.status}`);
    check(subtest.parity === null || PARITY_CLASSES.includes(subtest.parity), `${at} subtest parity ${subtest.parity}`);
  }
}
