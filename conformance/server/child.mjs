// Runs the conformance server in a child Node process (cli.mjs --for-parent),
// for a caller whose own event loop is busy (jsdom) and must not delay the
// server's timers and measurements. Same result shape as startServer().
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const CLI = fileURLToPath(new URL('./cli.mjs', import.meta.url));
const START_TIMEOUT_MS = 15_000;
const STOP_TIMEOUT_MS = 5_000;

/**
 * @param {{ wptRoot?: string|null, polyfillFile?: string|null, host?: string, log?: boolean }} [options]
 * @returns {Promise<import('./index.mjs').TestServer>}
 */
export function startServerProcess({ wptRoot, polyfillFile, host, log = false } = {}) {
  const args = [CLI, '--for-parent'];
  if (wptRoot) args.push('--wpt-root', wptRoot);
  if (polyfillFile) args.push('--polyfill', polyfillFile);
  if (host) args.push('--host', host);
  if (log) args.push('--log');
  const child = spawn(process.execPath, args, { stdio: ['pipe', 'pipe', 'inherit'] });
  const exited = new Promise((resolve) => child.once('exit', resolve));

  // The server's description is its first line of output.
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => fail(new Error(`the server process did not start within ${START_TIMEOUT_MS} ms`)), START_TIMEOUT_MS);
    const fail = (/** @type {Error} */ error) => {
      clearTimeout(timer);
      child.kill();
      reject(error);
    };
    child.once('error', fail);
    const exitedEarly = (/** @type {number|null} */ code) => fail(new Error(`the server process exited (code ${code}) before it was ready`));
    child.once('exit', exitedEarly);
    child.stdout.on('data', function onData(chunk) {
      output += chunk;
      const newline = output.indexOf('\n');
      if (newline < 0) return;
      clearTimeout(timer);
      child.stdout.off('data', onData);
      child.off('exit', exitedEarly);
      child.off('error', fail);
      child.stdout.resume();
      resolve({ ...JSON.parse(output.slice(0, newline)), close: () => stop(child, exited) });
    });
  });
}

// Closing its standard input asks the server to close; a server that does
// not exit in time is killed.
/**
 * @param {import('node:child_process').ChildProcessByStdio<import('node:stream').Writable, import('node:stream').Readable, null>} child
 * @param {Promise<unknown>} exited
 */
async function stop(child, exited) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.stdin.end();
  /** @type {NodeJS.Timeout|undefined} */
  let timer;
  const late = new Promise((/** @type {(value?: void) => void} */ resolve) => {
    timer = setTimeout(() => {
      child.kill('SIGKILL');
      resolve();
    }, STOP_TIMEOUT_MS);
  });
  await Promise.race([exited, late]);
  clearTimeout(timer);
  await exited;
}
