#!/usr/bin/env node
// The bad-input table: every argument of every member given values it must refuse (or accept),
// each case a source string evaluated in a real page, in one invocation against native Chromium
// and the polyfill (Chromium with the native interface deleted first; Firefox ESR; WebKitGTK). The error class
// and DOMException name must match native Chromium exactly, except on rows where native departs
// from the standard in a way docs/native-chromium.md lists: there the standard's outcome is
// required, and the row is marked. Output: stdout, reports/reliability/bad-input.{md,json}.
//
//   node reliability/bad-input.mjs [--engines chromium-native,chromium-polyfill,firefox-polyfill,webkit-polyfill]
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createDriver } from '../conformance/drivers/index.mjs';
import { detectBrowsers } from '../conformance/lib/browsers.mjs';
import { buildConfigurations } from '../conformance/lib/matrix.mjs';
import { startServer } from '../conformance/server/index.mjs';
import { POLYFILL_SCRIPT_PATH } from '../conformance/server/pages.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const THROWING = '({ toString() { throw new RangeError("no string for you"); } })';

// { member, input, source, standard? } — `source` is the body of an async function with `WSS`,
// `WSE` (the interfaces under test) and `URL_` (an echo endpoint) in scope; it returns a promise
// or value (outcome "ok"/"rejects") or throws (outcome "throws"). `standard` is given only on rows
// where docs/native-chromium.md lists native Chromium's departure, and is what is required there.

// Native Chromium's one listed departure on these rows (docs/native-chromium.md, section 5): the
// standard requires a TypeError there.
const OUT_OF_RANGE = {
  standard: { class: 'TypeError', name: 'TypeError' },
  departure: 'SPEC: Chromium throws InvalidAccessError, not TypeError, for close codes outside 0..65535 or non-finite',
};
/**
 * One row of the table, before it runs.
 * @typedef {object} BadInputCase
 * @property {string} member
 * @property {string} input
 * @property {string} source
 * @property {{ class: string, name: string }} [standard]  given only where native departs from the standard
 * @property {string} [departure]
 */
/** @typedef {{ outcome: string, class: string, name: string }} Outcome  outcome: 'ok', 'throws' or 'rejects' */
/** @typedef {Outcome & { matches: boolean|null }} Cell  matches: null on native's own departure */
/**
 * One row of the table, run: what is required and each column's outcome against it.
 * @typedef {object} BadInputRow
 * @property {string} member
 * @property {string} input
 * @property {string|null} departure
 * @property {Partial<Outcome>|undefined} required
 * @property {Record<string, Cell>} results  by engine
 */
/** @typedef {{ engines: string[], rows: BadInputRow[] }} BadInputTable  reports/reliability/bad-input.json */

/**
 * close() on a fresh stream with `argument`; the stream is closed whatever close(argument) does.
 * @param {string} argument
 */
const closeWith = (argument) => `const s = new WSS(URL_); try { s.close(${argument}); } finally { s.close(); }`;
/**
 * The cases of one member, each [input, source, departure?].
 * @param {string} member
 * @param {[input: string, source: string, departure?: { standard: { class: string, name: string }, departure: string }][]} cases
 * @returns {BadInputCase[]}
 */
const casesOf = (member, cases) => cases.map(([input, source, departure]) => ({ member, input, source, ...departure }));

/** @type {BadInputCase[]} */
export const CASES = [
  ...casesOf('constructor url', [
    ['missing', 'new WSS()'],
  ]),
  ...casesOf('constructor', [
    ['called without new', 'WSS(URL_)'],
  ]),
  ...casesOf('constructor url', [
    ['foo: scheme', 'new WSS("foo://127.0.0.1/")'],
    ['with a fragment', 'new WSS(URL_ + "#fragment")'],
    ['unparsable', 'new WSS("ws://[")'],
    ['a Symbol', 'new WSS(Symbol("u"))'],
    ['toString throws', `new WSS(${THROWING})`],
  ]),
  ...casesOf('constructor options', [
    ['true', 'new WSS(URL_, true)'],
    ['null', 'new WSS(URL_, null).close()'],
  ]),
  ...casesOf('constructor options.protocols', [
    ['a plain string', 'new WSS(URL_, { protocols: "chat" })'],
    ['a number', 'new WSS(URL_, { protocols: 5 })'],
    ['repeated entry', 'new WSS(URL_, { protocols: ["a", "a"] })'],
    ['not a token', 'new WSS(URL_, { protocols: ["bad token"] })'],
    ['empty string entry', 'new WSS(URL_, { protocols: [""] })'],
    ['a Symbol entry', 'new WSS(URL_, { protocols: [Symbol("p")] })'],
    ['entry whose toString throws', `new WSS(URL_, { protocols: [${THROWING}] })`],
  ]),
  ...casesOf('constructor options.signal', [
    ['a string', 'new WSS(URL_, { signal: "x" })'],
    ['a plain object', 'new WSS(URL_, { signal: {} })'],
  ]),
  ...casesOf('close()', [
    ['true', closeWith('true')],
  ]),
  ...casesOf('close() closeCode', [
    ['999', closeWith('{ closeCode: 999 }')],
    ['1005', closeWith('{ closeCode: 1005 }')],
    ['70000', closeWith('{ closeCode: 70000 }'), OUT_OF_RANGE],
    ['NaN', closeWith('{ closeCode: NaN }'), OUT_OF_RANGE],
    ['a Symbol', closeWith('{ closeCode: Symbol("c") }')],
  ]),
  ...casesOf('close() reason', [
    ['124 bytes', closeWith('{ closeCode: 1000, reason: "x".repeat(124) }')],
    ['toString throws', closeWith(`{ closeCode: 1000, reason: ${THROWING} }`)],
  ]),
  ...casesOf('close()', [
    ['foreign this', 'WSS.prototype.close.call({})'],
  ]),
  ...casesOf('WebSocketError()', [
    ['called without new', 'WSE("m")'],
  ]),
  ...casesOf('WebSocketError() message', [
    ['a Symbol', 'new WSE(Symbol("m"))'],
  ]),
  ...casesOf('WebSocketError() init', [
    ['true', 'new WSE("m", true)'],
  ]),
  ...casesOf('WebSocketError() closeCode', [
    ['999', 'new WSE("m", { closeCode: 999 })'],
    ['70000', 'new WSE("m", { closeCode: 70000 })', OUT_OF_RANGE],
    ['Infinity', 'new WSE("m", { closeCode: Infinity })', OUT_OF_RANGE],
  ]),
  ...casesOf('WebSocketError() reason', [
    ['124 bytes', 'new WSE("m", { closeCode: 1000, reason: "é".repeat(62) })'],
    ['toString throws', `new WSE("m", { closeCode: 1000, reason: ${THROWING} })`],
  ]),
  ...[
    ['a Symbol', 'Symbol("w")'],
    ['an object whose toString throws', THROWING],
    ['a number', '42'],
    ['null', 'null'],
    ['undefined', 'undefined'],
    ['a plain object', '({ a: 1 })'],
    ['a Blob', 'new Blob(["x"])'],
    ['a detached ArrayBuffer', '(() => { const b = new ArrayBuffer(8); structuredClone(b, { transfer: [b] }); return b; })()'],
    ['a resizable ArrayBuffer', 'new ArrayBuffer(8, { maxByteLength: 16 })'],
    ['a view on a resizable ArrayBuffer', 'new Uint8Array(new ArrayBuffer(8, { maxByteLength: 16 }))'],
    ['a view on a SharedArrayBuffer', 'new Uint8Array(new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true }).buffer)'],
    ['a DataView', 'new DataView(new ArrayBuffer(4))'],
    ['a lone surrogate string', '"\\uD800"'],
  ].map(([input, value]) => ({
    member: 'writable.getWriter().write()',
    input,
    source: `const s = new WSS(URL_); const { writable } = await s.opened; const w = writable.getWriter();
      try { return await w.write(${value}); } finally { s.close(); }`,
  })),
];

/**
 * The in-page half: evaluates every case source with the interfaces under test in scope. Sent to
 * the browser as source text, so it must not close over anything. → outcomes by index.
 * @param {{ sources: string[], echoUrl: string, polyfillUrl: string|null }} input
 * @returns {Promise<Outcome[]>}
 */
async function runCasesInPage({ sources, echoUrl, polyfillUrl }) {
  // The page's globals, as this code sees them: the interfaces under test may be missing.
  const page = /** @type {Record<string, unknown>} */ (/** @type {unknown} */ (globalThis));
  if (polyfillUrl) {
    delete page.WebSocketStream;
    delete page.WebSocketError;
    await new Promise((resolve, reject) => {
      const script = document.createElement('script');
      script.src = polyfillUrl;
      script.onload = resolve;
      script.onerror = () => reject(new Error(`could not load ${polyfillUrl}`));
      document.head.append(script);
    });
  }
  const describe = (/** @type {any} */ error) => ({
    class: error?.constructor?.name ?? typeof error,
    name: error?.name ?? String(error),
  });
  /** @type {Outcome[]} */
  const results = [];
  for (const source of sources) {
    // Expressions are returned; statement bodies (with `await`) run in an async function, whose
    // failures are rejections. A synchronous throw and a rejection are told apart.
    const body = source.includes('await') ? `return (async () => { ${source} })();`
      : source.includes(';') ? source : `return (${source});`;
    let outcome;
    let value;
    try {
      value = new Function('WSS', 'WSE', 'URL_', body)(page.WebSocketStream, page.WebSocketError, echoUrl);
    } catch (error) {
      results.push({ outcome: 'throws', ...describe(error) });
      continue;
    }
    try {
      if (value && typeof value.then === 'function') {
        await Promise.race([value, new Promise((_, reject) => setTimeout(() => reject(new Error('timed out')), 5000))]);
      }
      outcome = { outcome: 'ok', class: '', name: '' };
    } catch (error) {
      outcome = { outcome: 'rejects', ...describe(error) };
    }
    results.push(outcome);
  }
  return results;
}

// Each column of the table, driven by the conformance harness's own drivers (Playwright for
// Chromium and Firefox, WebDriver for WebKitGTK), so the browsers are found and started as there.
/** @type {Record<string, { browser: string, polyfill: boolean }>} */
const ENGINES = {
  'chromium-native': { browser: 'chromium', polyfill: false },
  'chromium-polyfill': { browser: 'chromium', polyfill: true },
  'firefox-polyfill': { browser: 'firefox', polyfill: true },
  'webkit-polyfill': { browser: 'webkit', polyfill: true },
};
const EVALUATE_BOUND_MS = 120_000;

/**
 * → { rows, engines } with every case's outcome per engine and its verdict against the reference.
 * @param {{ engines?: string[] }} [options]
 * @returns {Promise<BadInputTable>}
 */
export async function runBadInputTable({ engines = Object.keys(ENGINES) } = {}) {
  const server = await startServer();
  const input = (/** @type {boolean} */ polyfill) => ({
    sources: CASES.map((testCase) => testCase.source),
    echoUrl: `ws://127.0.0.1:${server.ports.ws}/echo`,
    polyfillUrl: polyfill ? `${server.httpOrigin}${POLYFILL_SCRIPT_PATH}` : null,
  });
  /** @type {Record<string, Outcome[]>} */
  const outcomes = {};
  try {
    // One browser at a time: each is closed once no later column needs it.
    const found = await detectBrowsers();
    for (const browser of [...new Set(engines.map((engine) => ENGINES[engine].browser))]) {
      const driver = await launchDriver(browser, found);
      try {
        for (const engine of engines.filter((name) => ENGINES[name].browser === browser)) {
          outcomes[engine] = /** @type {Outcome[]} */ (await driver.evaluate(`${server.httpOrigin}/`, `(${runCasesInPage})(${JSON.stringify(input(ENGINES[engine].polyfill))})`, { timeoutMs: EVALUATE_BOUND_MS }));
        }
      } finally {
        await driver.close().catch(() => {});
      }
    }
  } finally {
    await server.close();
  }
  return { engines, rows: CASES.map((testCase, index) => tableRow(testCase, engines, (engine) => outcomes[engine][index])) };
}

/**
 * The conformance harness's own driver for `browser`, launched.
 * @param {string} browser
 * @param {Awaited<ReturnType<typeof detectBrowsers>>} found
 */
async function launchDriver(browser, found) {
  const [configuration] = buildConfigurations({ browsers: [browser], modes: ['native', 'polyfill'], reference: false });
  const driver = createDriver(configuration, { found: found[configuration.engine] });
  await driver.launch();
  return driver;
}

/**
 * One case's row: what is required (native's outcome, or the standard's on a listed departure) and each column against it.
 * @param {BadInputCase} testCase
 * @param {string[]} engines
 * @param {(engine: string) => Outcome} outcomeIn
 * @returns {BadInputRow}
 */
function tableRow(testCase, engines, outcomeIn) {
  const native = engines.includes('chromium-native') ? outcomeIn('chromium-native') : undefined;
  const required = testCase.standard ? { outcome: native?.outcome, ...testCase.standard } : native;
  /** @type {BadInputRow} */
  const row = { member: testCase.member, input: testCase.input, departure: testCase.departure ?? null, required, results: {} };
  for (const engine of engines) {
    const result = outcomeIn(engine);
    const matches = engine === 'chromium-native' && testCase.standard ? null
      : result.outcome === required?.outcome && result.class === required.class && result.name === required.name;
    row.results[engine] = { ...result, matches };
  }
  return row;
}

/** @param {BadInputTable} table */
export function toMarkdown({ engines, rows }) {
  const cell = (/** @type {Partial<Cell>} */ { outcome, class: className, name, matches }) =>
    `${outcome}${className ? ` ${className}${name && name !== className ? `/${name}` : ''}` : ''}${matches === false ? ' **✗**' : matches === null ? ' (departure)' : ''}`;
  const lines = [
    '# Bad-input table',
    '',
    'Reference: native Chromium; rows marked † require the standard\'s outcome instead (a listed departure of native).',
    '',
    `| member | input | required | ${engines.join(' | ')} |`,
    `|---|---|---|${engines.map(() => '---').join('|')}|`,
  ];
  for (const row of rows) {
    const required = cell({ ...row.required, matches: true });
    lines.push(`| ${row.member} | ${row.input}${row.departure ? ' †' : ''} | ${required} | ${engines.map((engine) => cell(row.results[engine])).join(' | ')} |`);
  }
  for (const engine of engines.filter((name) => name !== 'chromium-native')) {
    const matched = rows.filter((row) => row.results[engine].matches).length;
    lines.push('', `${engine}: ${matched}/${rows.length} rows match.`);
  }
  return `${lines.join('\n')}\n`;
}

/** @param {BadInputTable} table */
export function saveReport(table) {
  const directory = path.join(here, '..', 'reports', 'reliability');
  mkdirSync(directory, { recursive: true });
  writeFileSync(path.join(directory, 'bad-input.json'), `${JSON.stringify(table, null, 2)}\n`);
  writeFileSync(path.join(directory, 'bad-input.md'), toMarkdown(table));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const enginesArgument = process.argv.indexOf('--engines');
  const engines = enginesArgument > 0 ? process.argv[enginesArgument + 1].split(',') : undefined;
  const table = await runBadInputTable({ engines });
  saveReport(table);
  console.log(toMarkdown(table));
  const mismatches = table.rows.filter((row) => Object.values(row.results).some((result) => result.matches === false));
  process.exitCode = mismatches.length > 0 ? 1 : 0;
}
