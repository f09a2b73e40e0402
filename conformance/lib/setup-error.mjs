// @ts-check
// A problem with what the run stands on rather than with what it found: a
// WebDriver endpoint that cannot be reached, a grid with no slot for a browser
// asked for, a capability refused; shard reports that do not belong together.
// The CLI prints its message — one line per problem, no stack trace, no usage
// hint (the flags were fine) — and exits 2, as for bad usage. A conformance
// failure is exit 1.
export class SetupError extends Error {
  name = 'SetupError';
}
