#!/usr/bin/env node
// websocketstream-conformance: runs the WPT-format WebSocketStream suite in
// Chromium, Firefox and WebKit, natively and with the polyfill, and exits
// non-zero when any result is not what native Chromium and the expectations
// say it should be. Exit codes: 0 all as expected, 1 unexpected results,
// 2 bad usage or inputs, 130/143 interrupted.
//
//   websocketstream-conformance [options]          run the matrix
//   websocketstream-conformance setup-browsers     install what drives the three engines
//   websocketstream-conformance merge SHARD.json…  one report from the shards of a run
//
// Only what parses the command line is loaded up front; the runner and its dependencies
// (Playwright, ws, jsdom) load after, so --help and usage errors work even where one is missing.
import path from 'node:path';
import { ExpectationsError } from './lib/expectations.mjs';
import { parseOptions, USAGE, UsageError } from './lib/options.mjs';
import { killAllHelpers } from './lib/processes.mjs';
import { SetupError } from './lib/setup-error.mjs';

const PROGRAM = 'websocketstream-conformance';
/** @type {Record<string, (argv: string[]) => Promise<number>>} */
const SUBCOMMANDS = {
  'setup-browsers': async (argv) => (await import('./lib/setup-browsers.mjs')).setupBrowsers(argv),
  merge: async (argv) => (await import('./lib/merge.mjs')).mergeCommand(argv),
};

/**
 * @param {boolean} quiet
 * @returns {(event: import('./lib/types.mjs').ProgressEvent) => void}
 */
function progressPrinter(quiet) {
  return (event) => {
    if (event.type === 'launch') process.stderr.write(`starting ${event.browser}: ${event.source}\n`);
    else if (event.type === 'notice') process.stderr.write(`${event.message}\n`);
    else if (event.type === 'skip') process.stderr.write(`skipping ${event.configuration}: ${event.reason}\n`);
    else if (event.type === 'retry') process.stderr.write(`crashed: ${event.record.configuration} ${event.record.scope} ${event.record.variant} ${event.record.file} (${event.record.message}); the native reference gets one more try\n`);
    else if (event.type === 'page' && !quiet) {
      const { record, done, total } = event;
      const passed = record.subtests.filter((subtest) => subtest.status === 'PASS').length;
      const width = String(total).length;
      const counts = record.status === 'OK' ? `${passed}/${record.subtests.length}` : `${record.status}${record.timedOut ? ' (hung)' : ''} ${passed}/${record.subtests.length}`;
      process.stderr.write(`[${String(done).padStart(width)}/${total}] ${record.configuration.padEnd(30)} ${record.scope.padEnd(6)} ${(record.variant === 'default' ? 'ws' : record.variant).padEnd(3)} ${record.file}  ${counts}  ${(record.durationMs / 1000).toFixed(1)}s\n`);
    }
  };
}

function exitOnSignals() {
  for (const [signal, code] of /** @type {[NodeJS.Signals, number][]} */ ([['SIGINT', 130], ['SIGTERM', 143]])) {
    process.once(signal, () => {
      process.stderr.write(`\n${PROGRAM}: interrupted, stopping browsers and helpers\n`);
      killAllHelpers();
      // Playwright stops the browsers it launched when the process exits.
      process.exit(code);
    });
  }
}

/**
 * A package the harness depends on could not be loaded: say which, not a stack trace.
 * @param {any} error  whatever main() caught
 */
function missingDependency(error) {
  if (error?.code !== 'ERR_MODULE_NOT_FOUND') return null;
  const name = /Cannot find package '([^']+)'/.exec(error.message)?.[1];
  return name === undefined ? null : `cannot load the package '${name}', which ${PROGRAM} depends on: reinstall it (npm install ${PROGRAM})`;
}

/** @param {import('./lib/types.mjs').Options} options */
async function runMatrix(options) {
  exitOnSignals();
  const { runConformance } = await import('./lib/run.mjs');
  const { writeReports } = await import('./reporters/index.mjs');
  const report = await runConformance(options, { progress: progressPrinter(options.quiet) });
  const { terminal, files } = await writeReports(report, {
    reporters: options.reporters,
    outDir: path.resolve(options.outDir),
    color: Boolean(process.stdout.isTTY),
  });
  if (terminal) process.stdout.write(terminal);
  for (const file of files) process.stdout.write(`report: ${path.relative(process.cwd(), file) || file}\n`);
  return report.run.exitCode;
}

/** @param {string[]} argv */
async function main(argv) {
  const subcommand = SUBCOMMANDS[argv[0]];
  try {
    if (subcommand) return await subcommand(argv.slice(1));
    const options = parseOptions(argv);
    if (options.help) {
      process.stdout.write(USAGE);
      return 0;
    }
    return await runMatrix(options);
  } catch (error) {
    if (error instanceof UsageError || error instanceof ExpectationsError) return usageFailure(error.message);
    if (error instanceof SetupError) return setupFailure(error.message);
    const missing = missingDependency(error);
    if (missing) return usageFailure(missing);
    throw error;
  }
}

/**
 * One line per problem; the flags were fine, so no pointer to --help.
 * @param {string} message
 */
function setupFailure(message) {
  for (const line of message.split('\n')) process.stderr.write(`${PROGRAM}: ${line}\n`);
  return 2;
}

/** @param {string} message */
function usageFailure(message) {
  process.stderr.write(`${PROGRAM}: ${message}\nRun ${PROGRAM} --help for the options.\n`);
  return 2;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    process.stderr.write(`${PROGRAM}: ${error.stack ?? error}\n`);
    killAllHelpers();
    process.exitCode = 1;
  },
);
