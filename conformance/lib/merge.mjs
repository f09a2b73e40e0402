// @ts-check
// `websocketstream-conformance merge SHARD.json… --out DIR`: the reports of a
// sharded run (--shard 1/N … N/N, each on its own machine or process) as the
// one report an unsharded run would have written.
//
// The shards' verdicts are not added up: the raw records are taken back out of
// them (records.mjs) and judged again, once, with the expectations, by the
// same code that judges a run (verdict.mjs's judgeRun: the verdict and the
// "browser unavailable" rule live there). A shard holds every configuration of
// its files, the reference included, so the parity of each record is what an
// unsharded run gives; and only the whole run can tell an expectation that
// matched nothing.
//
// Shards belong together when they ran with the same options but for the
// shard (and --workers, which changes no result), the same harness version,
// and each index of the same count is there once; anything else is exit 2.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { writeReports } from '../reporters/index.mjs';
import { loadExpectations } from './expectations.mjs';
import { REPORTERS, UsageError } from './options.mjs';
import { rawRecordOf, sortRecords } from './records.mjs';
import { buildReport, validateReport } from './schema.mjs';
import { SetupError } from './setup-error.mjs';
import { judgeRun } from './verdict.mjs';

/** @typedef {import('./types.mjs').Report} Report */
/** @typedef {import('./types.mjs').ConfigurationReport} ConfigurationReport */
/** @typedef {{ name: string, report: Report }} Shard */

export const MERGE_USAGE = `Usage: websocketstream-conformance merge SHARD.json... [--out DIR] [--reporter LIST] [--expectations DIR]

Merges the results.json of every shard of a run (--shard 1/N ... N/N) into one
report, judged again as one run: JSON, HTML and the terminal table, with the
verdict an unsharded run gives. The shards must have run with the same options
but for --shard (and --workers), and each index must be there once.

  --out DIR             where results.json and report.html go (default: reports/conformance)
  --reporter LIST       terminal,json,html (default: all three)
  --expectations DIR    expectations to judge with (default: the folder the shards
                        name, from the working directory)
`;

// Options that do not change what a shard's results are.
const OPTIONS_FREE_PER_SHARD = ['shard', 'workers'];

/**
 * @param {string[]} argv  after "merge"
 * @param {{ cwd?: string, color?: boolean, write?: (text: string) => void }} [io]
 * @returns {Promise<number>}  the merged run's exit code: 0, or 1 for unexpected results
 */
export async function mergeCommand(argv, { cwd = process.cwd(), color = Boolean(process.stdout.isTTY), write = (text) => process.stdout.write(text) } = {}) {
  const options = parseMergeOptions(argv);
  if (options.help) {
    write(MERGE_USAGE);
    return 0;
  }
  const shards = await Promise.all(options.files.map((file) => readShard(path.resolve(cwd, file), file)));
  const report = await mergeShards(shards, { cwd, expectationsDir: options.expectationsDir });
  const outDir = path.resolve(cwd, options.outDir);
  const { terminal, files } = await writeReports(report, { reporters: options.reporters, outDir, color });
  if (terminal) write(terminal);
  for (const file of files) write(`report: ${path.relative(cwd, file) || file}\n`);
  return report.run.exitCode;
}

/**
 * @param {string[]} argv
 * @returns {{ help: boolean, files: string[], outDir: string, reporters: string[], expectationsDir: string|null }}
 */
function parseMergeOptions(argv) {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, strict: true, options: {
      out: { type: 'string' }, reporter: { type: 'string', multiple: true }, expectations: { type: 'string' }, help: { type: 'boolean', short: 'h' },
    } });
  } catch (error) {
    throw new UsageError(`merge: ${String(/** @type {Error} */ (error).message).split('. ')[0]}`);
  }
  const { values, positionals } = parsed;
  const reporters = (values.reporter ?? REPORTERS).join(',').split(',').map((name) => name.trim()).filter(Boolean);
  const unknown = reporters.find((name) => !REPORTERS.includes(name));
  if (unknown) throw new UsageError(`merge: --reporter: unknown value "${unknown}" (choose from ${REPORTERS.join(', ')})`);
  if (!values.help && positionals.length === 0) throw new UsageError('merge: give the results.json of every shard');
  return { help: Boolean(values.help), files: positionals, outDir: values.out ?? 'reports/conformance', reporters, expectationsDir: values.expectations ?? null };
}

/**
 * @param {string} file
 * @param {string} name  as the user gave it, for messages
 * @returns {Promise<Shard>}
 */
async function readShard(file, name) {
  let text;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    throw new UsageError(`merge: ${name}: no such file`);
  }
  let report;
  try {
    report = JSON.parse(text);
  } catch {
    throw new UsageError(`merge: ${name}: not JSON`);
  }
  const problems = validateReport(report);
  if (problems.length > 0) throw new UsageError(`merge: ${name} is not a websocketstream-conformance report (${problems.slice(0, 3).join(', ')})`);
  return { name, report };
}

/**
 * The merged report. Throws a SetupError when the shards do not belong together.
 * @param {Shard[]} shards
 * @param {{ cwd: string, expectationsDir: string|null }} where
 * @returns {Promise<Report>}
 */
export async function mergeShards(shards, { cwd, expectationsDir }) {
  const ordered = checkShards(shards);
  const first = ordered[0].report;
  const configurations = mergeConfigurations(ordered.map(({ report }) => report));
  const records = sortRecords(ordered.flatMap(({ report }) => report.results.map(rawRecordOf)), /** @type {any} */ (configurations));
  const expectationsByName = await loadAll(expectationsFolder(first, cwd, expectationsDir), configurations);
  const verdict = judgeRun(records, expectationsByName, configurations);
  const startedAt = Math.min(...ordered.map(({ report }) => Date.parse(report.run.startedAt)));
  const finishedAt = Math.max(...ordered.map(({ report }) => Date.parse(report.run.finishedAt)));
  // A shard that failed with nothing unexpected to show was interrupted: its files are not all there.
  const interrupted = ordered.some(({ report }) => report.run.exitCode !== 0 && report.unexpected.length === 0);
  /** @type {import('./types.mjs').RunInfo} */
  const run = {
    ...first.run,
    startedAt: new Date(startedAt).toISOString(),
    finishedAt: new Date(finishedAt).toISOString(),
    wallTimeMs: finishedAt - startedAt,
    sessions: ordered.reduce((sum, { report }) => sum + (report.run.sessions ?? 0), 0),
    exitCode: verdict.unexpected.length > 0 || interrupted ? 1 : 0,
    options: { ...first.run.options, shard: null },
    configurations,
    files: interleaveFiles(ordered.map(({ report }) => report.run.files)),
    shards: ordered.map(({ name, report }) => describeShard(name, report)),
  };
  return buildReport({ run, verdict });
}

/**
 * Every shard of one run, once: → the shards in index order; a SetupError otherwise.
 * @param {Shard[]} shards
 * @returns {Shard[]}
 */
function checkShards(shards) {
  const [first] = shards;
  for (const { name, report } of shards) {
    if (!shardOf(report)) throw new SetupError(`merge: ${name} is not a shard: it ran without --shard`);
  }
  const count = /** @type {{ count: number }} */ (shardOf(first.report)).count;
  for (const shard of shards.slice(1)) {
    const difference = differenceBetween(first.report, shard.report);
    if (difference) throw new SetupError(`merge: ${shard.name} and ${first.name} are not shards of one run: ${difference}`);
  }
  /** @type {Shard[]} */
  const byIndex = [];
  for (const shard of shards) {
    const { index } = /** @type {{ index: number }} */ (shardOf(shard.report));
    if (byIndex[index - 1]) throw new SetupError(`merge: shard ${index}/${count} is given twice (${byIndex[index - 1].name}, ${shard.name})`);
    byIndex[index - 1] = shard;
  }
  const missing = Array.from({ length: count }, (_, index) => index + 1).filter((index) => !byIndex[index - 1]);
  if (missing.length > 0) throw new SetupError(`merge: shard${missing.length > 1 ? 's' : ''} ${missing.map((index) => `${index}/${count}`).join(', ')} missing: every shard of the run is needed`);
  return byIndex;
}

/**
 * @param {Report} report
 * @returns {{ index: number, count: number }|null}
 */
function shardOf(report) {
  return /** @type {any} */ (report.run.options).shard ?? null;
}

/**
 * What keeps two reports from being shards of one run, in words; null when nothing does.
 * @param {Report} a
 * @param {Report} b
 */
function differenceBetween(a, b) {
  if (shardOf(a)?.count !== shardOf(b)?.count) return `one is a shard of ${shardOf(a)?.count}, the other of ${shardOf(b)?.count}`;
  if (a.run.tool?.version !== b.run.tool?.version) return `they ran with different versions of the harness (${a.run.tool?.version}, ${b.run.tool?.version})`;
  const names = new Set([...Object.keys(a.run.options), ...Object.keys(b.run.options)]);
  const differing = [...names].filter((name) => !OPTIONS_FREE_PER_SHARD.includes(name)
    && JSON.stringify(a.run.options[name]) !== JSON.stringify(b.run.options[name]));
  if (differing.length > 0) return `their options differ: ${differing.map((name) => `${name} ${JSON.stringify(a.run.options[name])} vs ${JSON.stringify(b.run.options[name])}`).join('; ')}`;
  const ids = (/** @type {Report} */ report) => report.run.configurations.map(({ id }) => id).join(',');
  if (ids(a) !== ids(b)) return `their configurations differ (${ids(a)} vs ${ids(b)})`;
  return null;
}

/**
 * One entry per configuration across the shards: the browser as the first
 * shard that started it saw it; sessions added up; a browser that could not
 * start in some shard is unavailable for the run (its files there did not run).
 * @param {Report[]} reports
 * @returns {ConfigurationReport[]}
 */
function mergeConfigurations(reports) {
  return reports[0].run.configurations.map((configuration) => {
    const all = reports.map((report) => /** @type {ConfigurationReport} */ (report.run.configurations.find(({ id }) => id === configuration.id)));
    const ran = all.find((entry) => entry.driver) ?? configuration;
    const skip = all.find((entry) => entry.skip?.kind === 'browser-unavailable')?.skip
      ?? all.find((entry) => entry.skip)?.skip ?? null;
    return {
      ...configuration,
      driver: ran.driver ?? null,
      source: ran.source ?? null,
      browserVersion: ran.browserVersion ?? null,
      skip,
      skipped: skip?.message ?? null,
      sessions: all.reduce((sum, entry) => sum + (entry.sessions ?? 0), 0),
    };
  });
}

/**
 * Shards deal the files round-robin (shard.mjs); dealing them back gives the unsharded order.
 * @param {string[][]} filesByShard  in shard order
 */
function interleaveFiles(filesByShard) {
  /** @type {string[]} */
  const files = [];
  const longest = Math.max(...filesByShard.map((files) => files.length));
  for (let position = 0; position < longest; position += 1) {
    for (const shardFiles of filesByShard) if (position < shardFiles.length) files.push(shardFiles[position]);
  }
  return files;
}

/**
 * @param {string} name
 * @param {Report} report
 */
function describeShard(name, report) {
  const { run } = report;
  const { index, count } = /** @type {{ index: number, count: number }} */ (shardOf(report));
  return { index, count, report: name, startedAt: run.startedAt, finishedAt: run.finishedAt, wallTimeMs: run.wallTimeMs, workers: run.workers ?? null, exitCode: run.exitCode, files: run.files.length };
}

/**
 * @param {Report} report
 * @param {string} cwd
 * @param {string|null} given  --expectations
 */
function expectationsFolder(report, cwd, given) {
  if (given !== null) {
    const folder = path.resolve(cwd, given);
    if (!existsSync(folder)) throw new UsageError(`merge: --expectations ${given}: no such folder`);
    return folder;
  }
  const recorded = String(/** @type {any} */ (report.run.options).expectationsDir);
  const folder = path.resolve(cwd, recorded);
  if (!existsSync(folder)) throw new UsageError(`merge: the shards were judged with the expectations in ${recorded}, which is not here (relative to ${cwd}): run merge where the shards ran, or pass --expectations DIR`);
  return folder;
}

/**
 * @param {string} folder
 * @param {{ expectations: string }[]} configurations
 * @returns {Promise<import('./types.mjs').ExpectationsByName>}
 */
async function loadAll(folder, configurations) {
  /** @type {import('./types.mjs').ExpectationsByName} */
  const byName = {};
  for (const { expectations } of configurations) byName[expectations] ??= (await loadExpectations(folder, expectations)).entries;
  return byName;
}
