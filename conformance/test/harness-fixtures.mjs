// Small WPT trees and polyfill builds made on the fly for the harness's own
// tests: each behaves one known way (passes, hangs, crashes native Chromium).
import { spawn } from 'node:child_process';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository, and the harness's CLI in it. */
export const REPOSITORY = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const CLI = path.join(REPOSITORY, 'conformance', 'cli.mjs');

/**
 * Runs the CLI from the repository; resolves with its exit code and output. Bounded: interrupted
 * (SIGINT, as a user would) and rejected at `timeoutMs`.
 * @param {string[]} args
 * @param {{ timeoutMs?: number }} [options]
 * @returns {Promise<{ code: number|null, stdout: string, stderr: string }>}
 */
export function runCli(args, { timeoutMs = 120_000 } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: REPOSITORY, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => { stdout += chunk; });
    child.stderr.on('data', (chunk) => { stderr += chunk; });
    const timer = setTimeout(() => {
      child.kill('SIGINT');
      reject(new Error(`CLI ${args.join(' ')} still running after ${timeoutMs} ms:\n${stderr}`));
    }, timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** @type {Record<string, string>} the fixture files' texts, by name */
export const FIXTURE_TESTS = {
  // Passes everywhere, natively and with any polyfill that installs a constructor.
  'ok.any.js': `// META: global=window,worker
// META: variant=?default
// META: variant=?wss
test(() => { assert_equals(typeof WebSocketStream, 'function'); }, 'WebSocketStream is a constructor');
test(() => { assert_true(location.search === '' || location.search === '?wss'); }, 'the variant is in location.search');
`,
  // Blocks the window's event loop forever: testharness cannot even time out.
  'hang.any.js': `// META: global=window
test(() => {}, 'registered before the hang');
while (true) {}
`,
  // Native Chromium 156's renderer crashes on close() after abort() during the handshake.
  'crash.any.js': `// META: global=window
// META: script=fixture-urls.sub.js
promise_test(async () => {
  const controller = new AbortController();
  const stream = new WebSocketStream(SLOW_HANDSHAKE_URL, { signal: controller.signal });
  controller.abort();
  stream.close();
  await stream.closed.catch(() => {});
}, 'close() after abort() during the handshake');
`,
  // Crashes native Chromium on its first visit only (the server's stash remembers the visit),
  // as a flaky renderer crash does; passes when run again.
  'dies-once.any.js': `// META: global=window
// META: script=fixture-urls.sub.js
promise_test(async () => {
  const stash = (what) => fetch('/fetch/api/resources/' + what).then((response) => response.json());
  if ((await stash('stash-take.py?key=dies-once')) !== null) return;
  await fetch('/fetch/api/resources/stash-put.py?key=dies-once&value=1');
  const controller = new AbortController();
  const stream = new WebSocketStream(SLOW_HANDSHAKE_URL, { signal: controller.signal });
  controller.abort();
  stream.close();
  await stream.closed.catch(() => {});
}, 'passes on the second visit');
`,
};

// Support file (not a test): the server fills in its ws port.
const SUPPORT_FILES = {
  'fixture-urls.sub.js': "const SLOW_HANDSHAKE_URL = 'ws://{{host}}:{{ports[ws][0]}}/handshake_sleep_2';\n",
};

/**
 * A WPT root with the chosen fixture files under websockets/stream/.
 * @param {string[]} [names]  keys of FIXTURE_TESTS
 */
export async function makeWptRoot(names = Object.keys(FIXTURE_TESTS)) {
  const root = await mkdtemp(path.join(os.tmpdir(), 'wss-conformance-wpt-'));
  const directory = path.join(root, 'websockets', 'stream');
  await mkdir(directory, { recursive: true });
  for (const name of names) await writeFile(path.join(directory, name), FIXTURE_TESTS[name]);
  for (const [name, text] of Object.entries(SUPPORT_FILES)) await writeFile(path.join(directory, name), text);
  return { root, remove: () => rm(root, { recursive: true, force: true }) };
}

/**
 * A scratch folder (for expectations, reports, broken polyfills).
 * @param {string} [prefix]
 */
export async function makeScratch(prefix = 'wss-conformance-') {
  const directory = await mkdtemp(path.join(os.tmpdir(), prefix));
  return { directory, remove: () => rm(directory, { recursive: true, force: true }) };
}
