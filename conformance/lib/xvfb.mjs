// One Xvfb start for everything that needs a display: WebKitGTK has no headless mode, so both its
// WebDriver service (the harness) and its MiniBrowser (the bench) run under a virtual X server.
import { spawnHelper, whenExited } from './processes.mjs';

const START_BOUND_MS = 20_000;

/**
 * Starts Xvfb as a helper process on a display it picks itself (-displayfd), so parallel runs
 * never collide. → { child, display } once the display is ready; rejects, with what Xvfb said,
 * if it exits first or gives no display within `boundMs`.
 * @param {string} xvfbPath
 * @returns {Promise<{ child: import('node:child_process').ChildProcess, display: string }>}
 */
export async function startXvfb(xvfbPath, { boundMs = START_BOUND_MS } = {}) {
  const child = spawnHelper(xvfbPath, ['-displayfd', '3', '-screen', '0', '1280x1024x24', '-nolisten', 'tcp'], {
    stdio: ['ignore', 'ignore', 'pipe', 'pipe'],
  });
  let errorOutput = '';
  /** @type {import('node:stream').Readable} */ (child.stderr).on('data', (chunk) => {
    errorOutput = (errorOutput + chunk).slice(-2000);
  });
  const display = await new Promise((/** @type {(display: string) => void} */ resolve, reject) => {
    let text = '';
    const timer = setTimeout(() => reject(new Error(`Xvfb gave no display within ${boundMs} ms`)), boundMs);
    // Xvfb writes the display number it took, and a newline, to fd 3 once it accepts clients.
    /** @type {import('node:stream').Readable} */ (child.stdio[3]).on('data', (chunk) => {
      text += chunk;
      if (text.includes('\n')) {
        clearTimeout(timer);
        resolve(`:${text.trim()}`);
      }
    });
    whenExited(child).then(({ code, error }) => {
      clearTimeout(timer);
      reject(new Error(`Xvfb exited before it was ready (${error?.message ?? `code ${code}`}): ${errorOutput.trim()}`));
    });
  });
  return { child, display };
}
