// Runs a command to its end: builds, installs, the test steps, a child test run. One place knows
// how a finished child is run and judged, so every script reports a failure the same way. (Helper
// processes that run beside the harness, such as Xvfb or a browser, are processes.mjs's.)
import { spawn, spawnSync } from 'node:child_process';

/**
 * Runs `command` with `args` and waits for it to end. Its output goes to this process's own, or
 * with `capture` is returned as text. `env` is laid over this process's environment (a key set to
 * undefined is left out); `timeoutMs` bounds the run (SIGTERM at the bound).
 * → { ok, status, signal, timedOut, stdout, stderr, error }.
 * @param {string} command
 * @param {readonly string[]} args
 * @param {RunOptions} [options]
 * @returns {RunResult}
 */
export function run(command, args, { cwd, env, timeoutMs, capture = false } = {}) {
  const result = spawnSync(command, args, {
    cwd,
    env: childEnvironment(env),
    timeout: timeoutMs,
    stdio: capture ? 'pipe' : 'inherit',
    encoding: 'utf8',
  });
  return {
    ok: result.status === 0,
    status: result.status,
    signal: result.signal,
    timedOut: /** @type {NodeJS.ErrnoException|undefined} */ (result.error)?.code === 'ETIMEDOUT',
    stdout: result.stdout ?? '',
    stderr: result.stderr ?? '',
    error: result.error ?? null,
  };
}

/**
 * As run(), without blocking this process: for steps that run beside each other. With `capture`,
 * the output is kept and returned (shown when the step ends, so parallel steps do not interleave).
 * @param {string} command
 * @param {readonly string[]} args
 * @param {Omit<RunOptions, 'timeoutMs'>} [options]
 * @returns {Promise<RunResult>}
 */
export function runAsync(command, args, { cwd, env, capture = false } = {}) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd, env: childEnvironment(env), stdio: capture ? ['ignore', 'pipe', 'pipe'] : 'inherit' });
    let stdout = '';
    let stderr = '';
    child.stdout?.setEncoding('utf8').on('data', (/** @type {string} */ text) => { stdout += text; });
    child.stderr?.setEncoding('utf8').on('data', (/** @type {string} */ text) => { stderr += text; });
    const end = (/** @type {number|null} */ status, /** @type {NodeJS.Signals|null} */ signal, /** @type {Error|null} */ error) =>
      resolve({ ok: status === 0, status, signal, timedOut: false, stdout, stderr, error });
    child.on('error', (error) => end(null, null, error));
    child.on('close', (status, signal) => end(status, signal, null));
  });
}

/** @param {Record<string, string|undefined>|undefined} env */
function childEnvironment(env) {
  return env === undefined ? process.env : { ...process.env, ...env };
}

/**
 * @typedef {object} RunOptions
 * @property {string} [cwd]
 * @property {Record<string, string|undefined>} [env]
 * @property {number} [timeoutMs]
 * @property {boolean} [capture]
 */

/**
 * @typedef {object} RunResult
 * @property {boolean} ok
 * @property {number|null} status
 * @property {NodeJS.Signals|null} signal
 * @property {boolean} timedOut
 * @property {string} stdout
 * @property {string} stderr
 * @property {Error|null} error
 */

/**
 * How a run that did not succeed ended, for a message.
 * @param {Pick<RunResult, 'status'|'signal'|'timedOut'|'error'>} result
 */
export function describeEnd({ status, signal, timedOut, error }) {
  if (timedOut) return 'ran out of time';
  if (error) return `could not run (${error.message})`;
  return `exited with ${status ?? signal}`;
}

/**
 * As run(), but throws, naming the command and how it ended, unless it exits with 0.
 * @param {string} command
 * @param {readonly string[]} args
 * @param {RunOptions} [options]
 */
export function runOrThrow(command, args, options) {
  const result = run(command, args, options);
  if (!result.ok) throw new Error(`${command} ${args.join(' ')} ${describeEnd(result)}`);
  return result;
}
