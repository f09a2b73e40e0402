// @ts-check
// The report's `run` section: what ran, where, with what, and how it ended.
import os from 'node:os';
import path from 'node:path';
import { REFERENCE_ID } from './matrix.mjs';

/** @typedef {import('./types.mjs').Configuration} Configuration */
/** @typedef {import('./types.mjs').ConfigurationReport} ConfigurationReport */
/** @typedef {import('./types.mjs').ConfigurationRun} ConfigurationRun */

/**
 * @param {object} facts
 * @param {Date} facts.startedAt
 * @param {import('./types.mjs').Options} facts.options
 * @param {string} facts.cwd
 * @param {{ wptRoot: string, polyfill: string|null, expectationsDir: string }} facts.inputs
 * @param {Configuration[]} facts.configurations
 * @param {{ file: string }[]} facts.planned
 * @param {{ configurations: Map<string, ConfigurationRun>, sessions: number }} facts.schedule
 * @param {import('./types.mjs').Verdict} facts.verdict
 * @param {boolean} facts.interrupted
 * @param {{ name: string, version: string }} facts.tool
 * @returns {import('./types.mjs').RunInfo}
 */
export function describeRun({ startedAt, options, cwd, inputs, configurations, planned, schedule, verdict, interrupted, tool }) {
  const finishedAt = new Date();
  return {
    startedAt: startedAt.toISOString(),
    finishedAt: finishedAt.toISOString(),
    wallTimeMs: finishedAt.getTime() - startedAt.getTime(),
    exitCode: verdict.unexpected.length > 0 || interrupted ? 1 : 0,
    tool,
    node: process.version,
    platform: process.platform,
    arch: process.arch,
    cpus: os.cpus().length,
    workers: options.workers,
    sessions: schedule.sessions,
    options: describeOptions(options, inputs, cwd),
    reference: REFERENCE_ID,
    configurations: configurations.map((configuration) => describeConfiguration(configuration, schedule.configurations.get(configuration.id))),
    files: planned.map(({ file }) => file),
  };
}

/**
 * @param {import('./types.mjs').Options} options
 * @param {{ wptRoot: string, polyfill: string|null, expectationsDir: string }} inputs
 * @param {string} cwd
 */
function describeOptions(options, inputs, cwd) {
  return {
    browsers: options.browsers,
    modes: options.modes,
    scopes: options.scopes,
    variants: options.variants,
    filters: options.filters,
    excludes: options.excludes,
    shard: options.shard,
    wptRoot: path.relative(cwd, inputs.wptRoot) || '.',
    polyfill: inputs.polyfill === null ? null : path.relative(cwd, inputs.polyfill),
    expectationsDir: path.relative(cwd, inputs.expectationsDir),
    timeoutMultiplier: options.timeoutMultiplier,
    workers: options.workers,
  };
}

/**
 * A configuration that never got a job (every page filtered out for its scope) has no run.
 * @param {Configuration} configuration
 * @param {ConfigurationRun|undefined} ran
 * @returns {ConfigurationReport}
 */
function describeConfiguration({ id, browser, engine, mode, args, expectations, isReference, comparedWithReference, row }, ran) {
  return {
    id, browser, engine, mode, args, expectations, isReference, comparedWithReference,
    driver: ran?.driver ?? null,
    source: ran?.source ?? null,
    // A row's version is the binary's own (a current user agent rounds it to 156.0.0.0).
    browserVersion: row?.version ?? ran?.browserVersion ?? null,
    skipped: ran?.skip?.message ?? null,
    skip: ran?.skip ?? null,
    sessions: ran?.sessions ?? 0,
    row: row ? describeRow(row, mode) : null,
  };
}

/** The builds a polyfill page of each kind of row loads, by file name. */
const POLYFILL_ENTRY_FILES = {
  modern: 'websocketstream-polyfill.js', legacy: 'websocketstream-polyfill.legacy.min.js', ws: 'node.js', global: 'index.js',
};

/**
 * An engine row as the report describes it: where its binary came from, and
 * which build its polyfill pages loaded (and why, when it is the legacy one).
 * @param {import('./types.mjs').EngineRow} row
 * @param {import('./types.mjs').Mode} mode
 * @returns {import('./types.mjs').ConfigurationRowReport}
 */
function describeRow(row, mode) {
  const kind = row.driver === 'runtime' ? row.socket : row.bundle ?? 'modern';
  return {
    spec: row.spec,
    obtainedFrom: row.obtainedFrom,
    socket: row.socket,
    polyfillEntry: mode === 'polyfill' && kind ? POLYFILL_ENTRY_FILES[kind] : null,
    bundle: row.driver === 'launcher' ? row.bundle : null,
    note: mode === 'polyfill' ? row.note : null,
  };
}
