// Helper processes the harness starts itself (Xvfb, WebKitWebDriver): each in
// its own process group, so stopping it also stops what it started (a
// WebKitWebDriver's MiniBrowser), and all of them are stopped when the harness
// exits, however it exits (normal end, an error, Ctrl-C, SIGTERM).
import { spawn } from 'node:child_process';
import net from 'node:net';

/** @typedef {import('node:child_process').ChildProcess} ChildProcess */

/** @type {Set<ChildProcess>} */
const running = new Set();
let exitHooksInstalled = false;

/**
 * @param {ChildProcess} child
 * @param {NodeJS.Signals} signal
 */
function killGroup(child, signal) {
  try {
    // A spawned helper has a pid; one that failed to spawn has none, and the kill throws.
    process.kill(-(/** @type {number} */ (child.pid)), signal);
  } catch {
    // Already gone.
  }
}

function installExitHooks() {
  if (exitHooksInstalled) return;
  exitHooksInstalled = true;
  // 'exit' handlers must be synchronous: a kill is.
  process.on('exit', () => {
    for (const child of running) killGroup(child, 'SIGKILL');
  });
}

/**
 * Spawns a helper in its own process group and registers it for cleanup.
 * @template {import('node:child_process').SpawnOptions} O
 * @param {string} command
 * @param {readonly string[]} args
 * @param {O} [options]
 */
export function spawnHelper(command, args, options = /** @type {O} */ ({})) {
  installExitHooks();
  const child = spawn(command, args, { ...options, detached: true });
  running.add(child);
  child.once('exit', () => running.delete(child));
  // A spawn failure (ENOENT) is reported through 'error'; callers await readiness.
  child.once('error', () => running.delete(child));
  return child;
}

/**
 * Stops a helper: SIGTERM to its group, SIGKILL if it is still there after `graceMs`.
 * @param {ChildProcess|null|undefined} child
 */
export async function stopHelper(child, graceMs = 2000) {
  if (!child || child.exitCode !== null || child.signalCode !== null || !running.has(child)) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  killGroup(child, 'SIGTERM');
  const timer = setTimeout(() => killGroup(child, 'SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
  // The group may still hold children that ignored SIGTERM.
  killGroup(child, 'SIGKILL');
}

/** Synchronous last-resort cleanup, for signal handlers. */
export function killAllHelpers() {
  for (const child of running) killGroup(child, 'SIGKILL');
  running.clear();
}

/**
 * A TCP port that was free a moment ago on `host`.
 * @returns {Promise<number>}
 */
export function freePort(host = '127.0.0.1') {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, host, () => {
      const { port } = /** @type {net.AddressInfo} */ (server.address());
      server.close(() => resolve(port));
    });
  });
}

/**
 * Polls `probe` until it returns a truthy value, for services that give no
 * readiness signal of their own (a WebDriver server's /status). Bounded.
 * @template T
 * @param {() => T|Promise<T>} probe
 * @param {{ timeoutMs: number, intervalMs?: number, what: string }} options
 * @returns {Promise<T>}
 */
export async function pollUntil(probe, { timeoutMs, intervalMs = 100, what }) {
  const deadline = Date.now() + timeoutMs;
  /** @type {Error|null} */
  let lastError = null;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value) return value;
    } catch (error) {
      lastError = /** @type {Error} */ (error);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  throw new Error(`${what} not ready after ${timeoutMs} ms${lastError ? `: ${lastError.message}` : ''}`);
}

/**
 * Resolves when `child` exits or fails to spawn; never rejects.
 * @param {ChildProcess} child
 * @returns {Promise<{ code: number|null, signal: NodeJS.Signals|null, error?: Error }>}
 */
export function whenExited(child) {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve({ code: child.exitCode, signal: child.signalCode });
    child.once('exit', (code, signal) => resolve({ code, signal }));
    child.once('error', (error) => resolve({ code: null, signal: null, error }));
  });
}
