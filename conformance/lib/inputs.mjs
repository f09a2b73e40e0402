// Where a run's inputs come from — the WPT tree, the polyfill build, the expectations — and the
// checks that turn a wrong input into one clear line before any browser starts.
//
// The harness is its own package (websocketstream-conformance). Installed from npm, it carries the
// suite in its wpt/ folder (copied in when it is packed) and finds the polyfill the project
// installed, node_modules/websocketstream-polyfill. In the repository, the suite is ../wpt and the
// build ../dist.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';
import { UsageError } from './options.mjs';

/** The harness package's own folder (conformance/ in the repository). */
export const HARNESS_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const POLYFILL_PACKAGE_SCRIPT = 'websocketstream-polyfill/dist/websocketstream-polyfill.js';

/** The harness package's name and version, for reports. */
export function harnessPackage() {
  const { name, version } = JSON.parse(readFileSync(path.join(HARNESS_ROOT, 'package.json'), 'utf8'));
  return { name, version };
}

/**
 * The suite: the repository's wpt/ beside the harness when there is one, else the copy the
 * package carries. The repository comes first because packing copies the suite into the harness
 * only for a moment, and a run beside the packing must not read a copy that goes away.
 */
export function defaultWptRoot() {
  const repository = path.resolve(HARNESS_ROOT, '..', 'wpt');
  return existsSync(path.join(repository, 'websockets', 'stream')) ? repository : path.join(HARNESS_ROOT, 'wpt');
}

/**
 * The classic script to test when --polyfill is not given: the one the project installed (resolved
 * from the working directory, as the project's own code would), else the repository's build.
 * @param {string} cwd
 */
export function defaultPolyfill(cwd) {
  try {
    return createRequire(path.join(cwd, 'noop.js')).resolve(POLYFILL_PACKAGE_SCRIPT);
  } catch {
    const repositoryBuild = path.resolve(HARNESS_ROOT, '..', 'dist', 'websocketstream-polyfill.js');
    return existsSync(repositoryBuild) ? repositoryBuild : null;
  }
}

/**
 * → { wptRoot, polyfill, expectationsDir }, absolute; polyfill is null when none was found.
 * @param {Pick<import('./types.mjs').Options, 'wptRoot'|'polyfill'|'expectationsDir'>} options
 */
export function resolveInputs(options, cwd = process.cwd()) {
  return {
    wptRoot: options.wptRoot ? path.resolve(cwd, options.wptRoot) : defaultWptRoot(),
    polyfill: options.polyfill ? path.resolve(cwd, options.polyfill) : defaultPolyfill(cwd),
    expectationsDir: path.resolve(cwd, options.expectationsDir ?? path.join(HARNESS_ROOT, 'expectations')),
  };
}

/**
 * The polyfill must exist and be a classic script: pages load it with <script src> and
 * importScripts. An ES module would load as a script and fail every test with a ReferenceError.
 * @param {string|null} polyfill
 * @param {{ given: boolean }} how  whether --polyfill named it
 */
export function checkPolyfill(polyfill, { given }) {
  if (polyfill === null) {
    throw new UsageError(`no polyfill build found: install websocketstream-polyfill in this project (npm install websocketstream-polyfill), or pass --polyfill FILE`);
  }
  if (!existsSync(polyfill)) {
    throw new UsageError(given ? `--polyfill ${polyfill}: no such file` : `no polyfill build at ${polyfill}: build it (npm run build in the repository), or pass --polyfill FILE`);
  }
  try {
    new vm.Script(readFileSync(polyfill, 'utf8'), { filename: polyfill });
  } catch (error) {
    if (!(error instanceof SyntaxError)) throw error;
    if (/\b(import|export)\b/.test(error.message)) {
      throw new UsageError(`--polyfill ${polyfill} is an ES module; the pages load the polyfill as a classic script (<script src>, importScripts): give a classic build such as node_modules/${POLYFILL_PACKAGE_SCRIPT}`);
    }
    throw new UsageError(`--polyfill ${polyfill} does not parse as a classic script: ${error.message}`);
  }
}
