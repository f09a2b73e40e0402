// The local WebDriver service for WebKitGTK: an Xvfb display (WebKitGTK needs
// one even for automation) and WebKitWebDriver on a free port. Both are helper
// processes in their own groups, stopped on close() and on any harness exit.
import { sendCommand } from './webdriver-client.mjs';
import { freePort, pollUntil, spawnHelper, stopHelper, whenExited } from '../lib/processes.mjs';
import { startXvfb } from '../lib/xvfb.mjs';

const START_TIMEOUT_MS = 20_000;

/** @param {{ webDriver: string, xvfb?: string|null }} found  as detectBrowsers() found WebKitGTK */
export async function startWebKitGtkService({ webDriver, xvfb }) {
  let display = process.env.DISPLAY ?? null;
  let xvfbChild = null;
  if (xvfb) {
    ({ child: xvfbChild, display } = await startXvfb(xvfb));
  } else if (!display) {
    throw new Error('WebKitGTK needs a display: install Xvfb (apt-get install xvfb) or set DISPLAY');
  }

  const port = await freePort();
  const driverChild = spawnHelper(webDriver, [`--port=${port}`, '--host=127.0.0.1'], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, DISPLAY: display },
  });
  let driverOutput = '';
  /** @type {import('node:stream').Readable} */ (driverChild.stderr).on('data', (chunk) => {
    driverOutput = (driverOutput + chunk).slice(-2000);
  });
  const url = `http://127.0.0.1:${port}`;
  const exited = whenExited(driverChild).then(({ code, error }) => {
    throw new Error(`WebKitWebDriver exited (${error?.message ?? `code ${code}`}): ${driverOutput.trim()}`);
  });
  exited.catch(() => {});
  try {
    await Promise.race([
      exited,
      pollUntil(async () => (await sendCommand(url, 'GET', '/status', undefined, { timeoutMs: 2000 }))?.ready !== false, {
        timeoutMs: START_TIMEOUT_MS,
        what: 'WebKitWebDriver',
      }),
    ]);
  } catch (error) {
    await stopHelper(driverChild);
    await stopHelper(xvfbChild);
    throw error;
  }

  return {
    url,
    display,
    // Process groups of its helpers (MiniBrowser runs in WebKitWebDriver's), for checks that nothing stays behind.
    groups: [driverChild.pid, xvfbChild?.pid].filter((pid) => pid !== undefined),
    async stop() {
      await stopHelper(driverChild);
      await stopHelper(xvfbChild);
    },
  };
}
