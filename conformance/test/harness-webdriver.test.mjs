// Every browser through --webdriver-url, on its own: the capabilities each
// browser asks for, which driver a configuration gets, how a grid's slots are
// matched (stereotypes and messages as Selenium Grid 4.48 gives them), and an
// endpoint nothing listens on. A real grid — sessions, a missing node, a
// refused capability, shards merged — is test/grid.test.mjs's.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { createDriver } from '../drivers/index.mjs';
import { slotMatches, matchingSlots } from '../lib/grid-slots.mjs';
import { buildConfigurations } from '../lib/matrix.mjs';
import { parseOptions } from '../lib/options.mjs';
import { freePort } from '../lib/processes.mjs';
import { reasonOf } from '../lib/webdriver-preflight.mjs';
import { sessionCapabilities } from '../lib/webdriver-options.mjs';

const CHROME_STEREOTYPE = { browserName: 'chrome', platformName: 'linux', 'goog:chromeOptions': { binary: '/usr/bin/chromium' } };
const WEBKIT_STEREOTYPE = { browserName: 'MiniBrowser', platformName: 'linux', 'webkitgtk:browserOptions': { binary: '/usr/lib/MiniBrowser', args: ['--automation'] } };
const GRID_MESSAGE = 'Could not start a new session. Error while creating session with the driver service. Stopping driver service: Could not start a new session. Response code 400. Message: invalid argument: entry 0 of \'firstMatch\' is invalid\n'
  + 'from invalid argument: cannot parse capability: goog:chromeOptions\nfrom invalid argument: unrecognized chrome option: bogus\n'
  + "Host info: host: 'vm', ip: '127.0.0.1'\nBuild info: version: '4.48.0', revision: '27f5213'\nSystem info: os.name: 'Linux'\nDriver info: driver.version: unknown";

/** @param {string[]} args */
function configurationsOf(args) {
  const options = parseOptions(args);
  assert.ok(!options.help);
  return { options, configurations: buildConfigurations(options) };
}

describe('capabilities per browser', () => {
  it('asks for the W3C browser names by default, accepts the self-signed certificate, and passes chromium-experimental its flag', () => {
    const { options, configurations } = configurationsOf(['--webdriver-url', 'http://grid.test/']);
    const byId = Object.fromEntries(configurations.map((configuration) => [configuration.id, sessionCapabilities(configuration, options.webdriverCapabilities)]));
    assert.deepEqual(byId['chromium:native'], { acceptInsecureCerts: true, browserName: 'chrome' });
    assert.deepEqual(byId['chromium-experimental:native'], { acceptInsecureCerts: true, browserName: 'chrome', 'goog:chromeOptions': { args: ['--enable-experimental-web-platform-features'] } });
    assert.deepEqual(byId['firefox:polyfill'], { acceptInsecureCerts: true, browserName: 'firefox' }, 'when --webdriver-browsers names Firefox');
    assert.deepEqual(byId['webkit:polyfill'], { acceptInsecureCerts: true, browserName: 'safari' });
  });

  it("gives chromium-experimental chromium's capabilities plus its flag, and keeps an acceptInsecureCerts that was given", () => {
    const given = { browserName: 'chrome', acceptInsecureCerts: false, 'goog:chromeOptions': { binary: '/opt/chromium', args: ['--headless=new'] } };
    const { options, configurations } = configurationsOf(['--webdriver-url', 'http://grid.test/', '--webdriver-capabilities', `chromium=${JSON.stringify(given)}`, '--browsers', 'chromium-experimental']);
    const [experimental] = configurations;
    assert.deepEqual(sessionCapabilities(experimental, options.webdriverCapabilities), {
      ...given, 'goog:chromeOptions': { binary: '/opt/chromium', args: ['--headless=new', '--enable-experimental-web-platform-features'] },
    });
    assert.deepEqual(given['goog:chromeOptions'].args, ['--headless=new'], 'what was given is not changed');
  });

  it('sends chromium, chromium-experimental and webkit through the endpoint, Firefox only when named, or those --webdriver-browsers names', () => {
    const found = { source: 'system', executablePath: '/usr/bin/chromium' };
    /** @param {string[]} args */
    const kindsOf = (args) => {
      const { options, configurations } = configurationsOf(['--webdriver-url', 'http://grid.test/', ...args]);
      return Object.fromEntries(configurations.map((configuration) => {
        const driver = createDriver(configuration, { found, ...options });
        if (driver.kind === 'webdriver') assert.match(driver.source, /^WebDriver endpoint http:\/\/grid\.test\/ \((chrome|firefox|safari)\)$/);
        return [configuration.id, driver.kind];
      }));
    };
    const byDefault = kindsOf([]);
    for (const id of ['chromium:native', 'chromium:polyfill', 'chromium-experimental:native', 'webkit:native', 'webkit:polyfill']) assert.equal(byDefault[id], 'webdriver', id);
    assert.equal(byDefault['firefox:polyfill'], 'playwright', 'Firefox stays on Playwright: no grid here has a geckodriver');
    assert.equal(kindsOf(['--webdriver-browsers', 'chromium,firefox,webkit'])['firefox:polyfill'], 'webdriver');
    const some = kindsOf(['--webdriver-browsers', 'webkit']);
    assert.equal(some['webkit:polyfill'], 'webdriver');
    assert.equal(some['chromium:native'], 'playwright', 'the reference runs here, beside Safari through safaridriver');
  });
});

describe("a grid's slots", () => {
  it('match as the grid matches them: browserName exactly, extension options of the stereotype only when equal', () => {
    assert.ok(slotMatches(CHROME_STEREOTYPE, { browserName: 'chrome', acceptInsecureCerts: true, 'goog:chromeOptions': { binary: '/elsewhere', args: ['--x'] } }), 'goog: options are the driver\'s');
    assert.ok(!slotMatches(CHROME_STEREOTYPE, { browserName: 'chromium' }), '"chromium" matches no chrome slot');
    assert.ok(slotMatches(WEBKIT_STEREOTYPE, { browserName: 'MiniBrowser', acceptInsecureCerts: true }), 'the relay adds its own options');
    assert.ok(!slotMatches(WEBKIT_STEREOTYPE, { browserName: 'minibrowser' }), 'case matters');
    assert.ok(slotMatches(WEBKIT_STEREOTYPE, { browserName: 'MiniBrowser', 'webkitgtk:browserOptions': { args: ['--automation'], binary: '/usr/lib/MiniBrowser' } }));
    assert.ok(!slotMatches(WEBKIT_STEREOTYPE, { browserName: 'MiniBrowser', 'webkitgtk:browserOptions': { binary: '/usr/lib/MiniBrowser' } }), 'a different one queues forever');
    assert.ok(!slotMatches(CHROME_STEREOTYPE, { browserName: 'chrome', browserVersion: '156' }), 'a version the stereotype does not declare');
    assert.ok(slotMatches({ ...CHROME_STEREOTYPE, browserVersion: '156.0.8078.114' }, { browserName: 'chrome', browserVersion: '156' }));
    assert.ok(slotMatches(CHROME_STEREOTYPE, { browserName: 'chrome', platformName: 'LINUX' }));
    assert.ok(!slotMatches(CHROME_STEREOTYPE, { browserName: 'chrome', platformName: 'windows' }));
  });

  it('are counted on UP nodes only, and never past a node\'s max-sessions', () => {
    const nodes = [
      { availability: 'UP', maxSessions: 2, slots: [CHROME_STEREOTYPE, CHROME_STEREOTYPE, CHROME_STEREOTYPE, WEBKIT_STEREOTYPE].map((stereotype) => ({ stereotype })) },
      { availability: 'DOWN', maxSessions: 1, slots: [{ stereotype: WEBKIT_STEREOTYPE }] },
    ];
    assert.equal(matchingSlots(nodes, { browserName: 'chrome' }), 2);
    assert.equal(matchingSlots(nodes, { browserName: 'MiniBrowser' }), 1);
    assert.equal(matchingSlots(nodes, { browserName: 'firefox' }), 0);
  });

  it("keep the grid's own message, on one line, without its host and build details", () => {
    assert.equal(reasonOf(new Error(`POST /session: session not created: ${GRID_MESSAGE}`)),
      "session not created: Could not start a new session. Error while creating session with the driver service. Stopping driver service: Could not start a new session. Response code 400. Message: invalid argument: entry 0 of 'firstMatch' is invalid / from invalid argument: cannot parse capability: goog:chromeOptions / from invalid argument: unrecognized chrome option: bogus");
  });
});

describe('an endpoint nothing listens on', () => {
  it('fails the run at once: one line naming the browsers and the connection error, exit 2, no stack trace', async () => {
    const port = await freePort();
    const cli = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'cli.mjs');
    const child = spawn(process.execPath, [cli, '--webdriver-url', `http://127.0.0.1:${port}/`, '--browsers', 'chromium,webkit', '--modes', 'polyfill',
      '--filter', 'constructor.any.js', '--reporter', 'terminal', '--quiet'], { stdio: ['ignore', 'pipe', 'pipe'], timeout: 60_000 });
    let stderr = '';
    child.stderr.on('data', (chunk) => { stderr += chunk; });
    const [code] = await new Promise((resolve) => child.on('exit', (...outcome) => resolve(outcome)));
    assert.equal(code, 2, stderr);
    assert.equal(stderr, `websocketstream-conformance: chromium, webkit: cannot reach the WebDriver endpoint http://127.0.0.1:${port}/ (connection failed (connect ECONNREFUSED 127.0.0.1:${port}))\n`);
  });
});
