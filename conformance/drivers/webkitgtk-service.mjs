// The local WebDriver service for WebKitGTK: an Xvfb display (WebKitGTK needs
// one even for automation) and WebKitWebDriver on a free port. Both are helper
// processes in their own groups, stopped on close() and on any harness exit.
import { sendCommand } from './webdriver-client.mjs';
import { freePort, pollUntil, spawnHelper, stopHelper, whenExited } from '../lib/processes.mjs';

const START_TIMEOUT_MS = 20_000;

/** Starts Xvfb on a display it picks itself (-displayfd), so parallel runs never collide. */
async function startXvfb(xvfbPath) {
  const child = spawnHelper(xvfbPath, ['-displayfd', '3', '-screen', '0', '1280x1024x24', '-nolisten', 'tcp'], {
    stdio: ['ignore', 'ignore', 'pipe', 'pipe'],
  });
  let errorOutput = '';
  child.stderr.on('data', (chunk) => {
    errorOutput = (errorOutput + chunk).slice(-2000);
  });
  const display = await new Promise((resolve, reject) => {
    let text = '';
    const timer = setTimeout(() => reject(new Error(`Xvfb gave no display within ${START_TIMEOUT_MS} ms`)), START_TIMEOUT_MS);
    child.stdio[3].on('data', (chunk) => {
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
  driverChild.stderr.on('data', (chunk) => {
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
    async stop() {
      await stopHelper(driverChild);
      await stopHelper(xvfbChild);
    },
  };
}
