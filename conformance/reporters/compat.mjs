// @ts-check
// The compatibility file (lib/compat.mjs) as JSON, and as the Markdown table
// the README's "Supported engines" section is (scripts/supported-engines.mjs).
import { buildCompat } from '../lib/compat.mjs';

/** @typedef {import('../lib/compat.mjs').Compat} Compat */
/** @typedef {import('../lib/compat.mjs').CompatRow} CompatRow */

/** @param {import('../lib/types.mjs').Report} report */
export function renderCompatJson(report) {
  return `${JSON.stringify(buildCompat(report), null, 2)}\n`;
}

/** How the table names each engine; WebKit is WebKitGTK's MiniBrowser here, Safari elsewhere. */
const ENGINE_NAMES = /** @type {Record<string, string>} */ ({ chromium: 'Chromium', firefox: 'Firefox', webkit: 'WebKit', deno: 'Deno', bun: 'Bun', node: 'Node.js', jsdom: 'jsdom' });
/** The engines whose oldest measured version the README states, in its order. */
const OLDEST_OF = ['chromium', 'firefox', 'webkit', 'deno', 'bun', 'node'];

/** @param {string|null} version  "92.0.4512.0", "MiniBrowser 2.50.6" */
function versionParts(version) {
  return (/\d+(?:\.\d+)*/.exec(version ?? '')?.[0] ?? '').split('.').map(Number);
}

/**
 * @param {string|null} a
 * @param {string|null} b
 */
function compareVersions(a, b) {
  const [left, right] = [versionParts(a), versionParts(b)];
  for (let index = 0; index < Math.max(left.length, right.length); index += 1) {
    const difference = (left[index] ?? 0) - (right[index] ?? 0);
    if (difference !== 0) return difference;
  }
  return 0;
}

/**
 * The rows that ran, by engine and version; a native configuration skipped
 * for want of a WebSocketStream is said in the "own WebSocketStream" column instead.
 * @param {Compat} compat
 */
function tableRows(compat) {
  return compat.rows
    .filter((row) => !(row.mode === 'native' && row.skipped))
    .sort((a, b) => OLDEST_OF.indexOf(a.engine) - OLDEST_OF.indexOf(b.engine) || compareVersions(a.version, b.version)
      || a.configuration.localeCompare(b.configuration));
}

/**
 * @param {CompatRow} row
 * @param {Map<string, number>} notes  note text → its number, filled as rows need them
 */
function tableLine(row, notes) {
  const yesNo = row.native === null ? '?' : row.native ? 'yes' : 'no';
  let build = row.mode === 'native' ? 'native' : `polyfill: \`${row.polyfill ?? '?'}\``;
  if (row.note) {
    if (!notes.has(row.note)) notes.set(row.note, notes.size + 1);
    build += ` [${notes.get(row.note)}]`;
  }
  const passed = row.skipped ? `skipped: ${row.skipped}` : `${row.passed}/${row.total}`;
  const differences = row.isReference ? 'reference' : row.differences === null ? '—' : String(row.differences);
  const time = row.skipped ? '—' : `${Math.round(row.pageTimeMs / 1000)} s`;
  const cells = [`\`${row.configuration}\``, ENGINE_NAMES[row.engine] ?? row.engine, row.version ?? '—', row.obtained ?? '—', yesNo, build,
    row.scopes.join(', ') || '—', passed, differences, String(row.unexpected), time];
  return `| ${cells.map((cell) => cell.replace(/\|/g, '\\|')).join(' | ')} |`;
}

/**
 * The oldest version of each engine that ran, as a sentence.
 * @param {Compat} compat
 */
function oldestLine(compat) {
  const parts = OLDEST_OF.map((engine) => {
    const ran = compat.rows.filter((row) => row.engine === engine && !row.skipped && row.version !== null);
    if (ran.length === 0) return `${ENGINE_NAMES[engine]}: not measured`;
    const oldest = ran.reduce((a, b) => (compareVersions(b.version, a.version) < 0 ? b : a));
    return `${ENGINE_NAMES[engine]} ${oldest.version}`;
  });
  return `Oldest version measured per engine: ${parts.join(' · ')}.`;
}

/**
 * What the run's exit code says: every difference listed with its reason, or how many were not.
 * @param {Compat} compat
 */
function runVerdict(compat) {
  const unexpected = compat.rows.reduce((sum, row) => sum + row.unexpected, 0);
  const where = 'in [docs/compat.json](docs/compat.json) (schema: `conformance/lib/compat.mjs`)';
  if (compat.run.exitCode === 0) return `Every difference is listed with its reason ${where}.`;
  return `That run exited ${compat.run.exitCode}: ${unexpected} result${unexpected === 1 ? '' : 's'} its expectations did not list (column "unexpected"); every other difference is listed with its reason ${where}.`;
}

/**
 * The README's "Supported engines" table, with the oldest version of each
 * engine and the notes the rows refer to.
 * @param {Compat} compat
 * @returns {string}
 */
export function renderCompatMarkdown(compat) {
  /** @type {Map<string, number>} */
  const notes = new Map();
  const header = ['row', 'engine', 'version', 'obtained', 'own WebSocketStream', 'runs', 'scopes', 'passed', 'differences from native Chromium', 'unexpected', 'page time'];
  const lines = tableRows(compat).map((row) => tableLine(row, notes));
  const minutes = (compat.run.wallTimeMs / 60_000).toFixed(0);
  const excluded = compat.run.excludes.length > 0 ? ` (without ${compat.run.excludes.map((text) => `\`${text}\``).join(', ')})` : '';
  return [
    `Measured by \`npm run compat\` on ${compat.generatedAt.slice(0, 10)}: ${compat.run.files} test file${compat.run.files === 1 ? '' : 's'}${excluded}, every row over \`ws:\` and \`wss:\`,`,
    `in ${minutes} minutes on ${compat.run.cpus} cores. Reference: \`${compat.reference.configuration}\` ${compat.reference.version ?? '(did not run)'}.`,
    runVerdict(compat),
    '"page time" is what a row\'s pages took, summed; rows ran two at a time.',
    '',
    oldestLine(compat),
    '',
    `| ${header.join(' | ')} |`,
    `|${header.map(() => '---').join('|')}|`,
    ...lines,
    ...(notes.size > 0 ? ['', ...[...notes].map(([note, number]) => `[${number}] ${note}`)] : []),
  ].join('\n');
}
