// The harness as a library, for a CI script that wants the report as a value rather than files:
//
//   import { parseOptions, runConformance } from 'websocketstream-conformance';
//   const options = parseOptions(['--browsers', 'chromium', '--filter', 'close']);
//   const report = options.help ? null : await runConformance(options);
//   if (report && report.unexpected.length > 0) process.exitCode = 1;
//
// The same functions the CLI calls, with the types of the report's JSON schema (docs/harness.md).
export { parseOptions, UsageError, USAGE } from './lib/options.mjs';
export { runConformance } from './lib/run.mjs';
export { mergeShards } from './lib/merge.mjs';
