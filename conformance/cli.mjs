#!/usr/bin/env node
// websocketstream-conformance: runs the WPT-format WebSocketStream suite in
// Chromium, Firefox and WebKit, natively and with the polyfill, and exits
// non-zero when any result is not what native Chromium and the expectations
// say it should be. Exit codes: 0 all as expected, 1 unexpected results,
// 2 bad usage or inputs, 130/143 interrupted.
import path from 'node:path';
import { ExpectationsError } from './lib/expectations.mjs';
import { parseOptions, USAGE, UsageError } from './lib/options.mjs';
import { killAllHelpers } from './lib/processes.mjs';
import { runConformance } from './lib/run.mjs';
import { writeReports } from './reporters/index.mjs';

const PROGRAM = 'websocketstream-conformance';

function progressPrinter(quiet) {
  return (event) => {
    if (event.type === 'launch') process.stderr.write(`starting ${event.browser}: ${event.source}\n`);
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
  for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]]) {
    process.once(signal, () => {
      process.stderr.write(`\n${PROGRAM}: interrupted, stopping browsers and helpers\n`);
      killAllHelpers();
      // Playwright stops the browsers it launched when the process exits.
      process.exit(code);
    });
  }
}

async function main(argv) {
  let options;
  try {
    options = parseOptions(argv);
  } catch (error) {
    if (error instanceof UsageError) return usageFailure(error.message);
    throw error;
  }
  if (options.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  exitOnSignals();
  let report;
  try {
    report = await runConformance(options, { progress: progressPrinter(options.quiet) });
  } catch (error) {
    if (error instanceof UsageError || error instanceof ExpectationsError) return usageFailure(error.message);
    throw error;
  }
  const { terminal, files } = await writeReports(report, {
    reporters: options.reporters,
    outDir: path.resolve(options.outDir),
    color: Boolean(process.stdout.isTTY),
  });
  if (terminal) process.stdout.write(terminal);
  for (const file of files) process.stdout.write(`report: ${path.relative(process.cwd(), file) || file}\n`);
  return report.run.exitCode;
}

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
