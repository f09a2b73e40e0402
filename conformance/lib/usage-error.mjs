// @ts-check
// The error for anything the user must fix (a flag, an input, an engine that
// cannot be had): the CLI prints its message and exits with 2. Its own module,
// so that modules options.mjs depends on can throw it without an import cycle.
export class UsageError extends Error {
  name = 'UsageError';
}
