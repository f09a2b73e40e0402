#!/usr/bin/env node
// Runs every reproduction page in one Chromium binary, with no driver attached, and prints what
// each did: how docs/native-chromium.md finds since which version a finding is seen.
//
//   node conformance/repro/probe.mjs --chromium PATH [--page NAME]... [--arg ARG]... [--json]
//   node conformance/repro/probe.mjs --sparticuz VERSION ...
//
// --sparticuz VERSION takes the headless Chromium that the npm package @sparticuz/chromium@VERSION
// ships (one per Chromium major; bin/chromium.br is the binary, brotli-compressed): `npm pack`s it
// into a new temporary folder, unpacks the binary there, and removes the folder at the end. Its
// SwiftShader libraries (bin/swiftshader.tar.br) are unpacked beside the binary: without them
// these builds, in --single-process, keep failing to make a GPU context and never load the page.
// (For --chromium with such a build unpacked by hand, put them beside it the same way.)
//
// Each page gets a browser process of its own, started with the page's URL as its last argument
// and --single-process, so a renderer crash ends the whole process: the page's outcome is its
// POST to /result (serve.mjs), or "crash" when the process died after the page reported reaching
// its trigger, or "no result" when neither happened within the bound.
import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliDecompressSync } from 'node:zlib';
import { startReproServer } from './serve.mjs';

/** @typedef {import('./serve.mjs').PageResult} PageResult */
/** @typedef {Awaited<ReturnType<typeof startReproServer>>} ReproServer */
/** @typedef {{ code: number|null, signal: NodeJS.Signals|null }} Exit */
/**
 * What one page did in one process.
 * @typedef {{ page: string, outcome: string, observed?: unknown, userAgent?: string, exit?: Exit|null,
 *   reachedTrigger?: boolean, stderrTail?: string }} ProbeResult
 */
/** @typedef {{ pages: string[], args: string[], json: boolean, chromium?: string, sparticuz?: string }} ProbeOptions */

const here = path.dirname(fileURLToPath(import.meta.url));
// A page's own bounds add up to at most about 30 s (close-clean-with-queued-data, 8 attempts).
const PAGE_BOUND_MS = 45_000;
const KILL_GRACE_MS = 3000;
const BASE_ARGS = [
  '--headless',
  '--no-sandbox',
  '--no-zygote',
  // The renderer runs in the browser process: its crash ends the process, which is how a crash
  // is seen without a driver.
  '--single-process',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  // Some older headless builds exit once the command line's page has loaded unless DevTools
  // listens; port 0 keeps them running without anyone connecting.
  '--remote-debugging-port=0',
];

/**
 * @param {string[]} argv
 * @returns {ProbeOptions}
 */
function parseArguments(argv) {
  /** @type {ProbeOptions} */
  const options = { pages: [], args: [], json: false };
  for (let i = 0; i < argv.length; i++) {
    const argument = argv[i];
    const value = () => {
      if (i + 1 >= argv.length) throw new Error(`${argument} needs a value`);
      return argv[++i];
    };
    if (argument === '--chromium') options.chromium = value();
    else if (argument === '--sparticuz') options.sparticuz = value();
    else if (argument === '--page') options.pages.push(value());
    else if (argument === '--arg') options.args.push(value());
    else if (argument === '--json') options.json = true;
    else throw new Error(`unknown argument ${argument}`);
  }
  if (!options.chromium === !options.sparticuz) throw new Error('give one of --chromium PATH or --sparticuz VERSION');
  return options;
}

/**
 * Unpacks @sparticuz/chromium@version's binary into `folder`. → its path
 * @param {string} version
 * @param {string} folder
 */
function unpackSparticuz(version, folder) {
  // npm pack prints the tarball's name last.
  const tarball = /** @type {string} */ (execFileSync('npm', ['pack', `@sparticuz/chromium@${version}`, '--silent'], { cwd: folder, encoding: 'utf8' }).trim().split('\n').pop());
  execFileSync('tar', ['-xzf', path.join(folder, tarball), '-C', folder, 'package/bin/chromium.br', 'package/bin/swiftshader.tar.br']);
  rmSync(path.join(folder, tarball));
  const packed = path.join(folder, 'package', 'bin');
  const binary = path.join(folder, 'chromium');
  writeFileSync(binary, brotliDecompressSync(readFileSync(path.join(packed, 'chromium.br'))));
  execFileSync('tar', ['-x', '-C', folder], { input: brotliDecompressSync(readFileSync(path.join(packed, 'swiftshader.tar.br'))) });
  rmSync(path.join(folder, 'package'), { recursive: true });
  chmodSync(binary, 0o755);
  return binary;
}

/** @param {string} binary */
function browserVersion(binary) {
  try {
    return execFileSync(binary, ['--version'], { encoding: 'utf8', timeout: 20_000, stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return '(--version did not answer)';
  }
}

/**
 * Runs one page in a fresh process. → { page, outcome: 'crash'|'no result'|verdict, observed?, userAgent?, exit? }
 * @param {ReproServer} server
 * @param {string} binary
 * @param {string[]} extraArgs
 * @param {string} page
 * @returns {Promise<ProbeResult>}
 */
async function probePage(server, binary, extraArgs, page) {
  const run = `${page}-${Date.now()}`;
  const userDataDir = mkdtempSync(path.join(tmpdir(), 'repro-profile-'));
  const url = `${server.origin}/${page}.html?run=${encodeURIComponent(run)}`;
  const child = spawn(binary, [...BASE_ARGS, ...extraArgs, `--user-data-dir=${userDataDir}`, url], {
    stdio: ['ignore', 'ignore', 'pipe'],
    // A group of its own, so that ending it ends every process it started.
    detached: true,
  });
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk) => {
    stderr = (stderr + chunk).slice(-4000);
  });
  /** @type {Promise<Exit>} */
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const ofThisRun = (/** @type {string} */ phase) => server.results.find((result) => result.run === run && result.phase === phase);

  /** @type {Promise<PageResult>} */
  const done = new Promise((resolve) => {
    const listener = (/** @type {PageResult} */ result) => {
      if (result.run === run && result.phase === 'done') {
        server.events.off('result', listener);
        resolve(result);
      }
    };
    server.events.on('result', listener);
    const already = ofThisRun('done');
    if (already) resolve(already);
  });
  /** @type {ReturnType<typeof setTimeout>|undefined} */
  let timer;
  /** @type {Promise<{ result?: undefined, exit?: undefined }>} */
  const bound = new Promise((resolve) => {
    timer = setTimeout(() => resolve({}), PAGE_BOUND_MS);
  });

  /** @type {{ result?: PageResult, exit?: Exit }} */
  const first = await Promise.race([done.then((result) => ({ result })), exited.then((exit) => ({ exit })), bound]);
  clearTimeout(timer);
  const exit = first.exit;
  if (!exit) {
    // Ours to end: the process group we started, and only it.
    // Spawned, so it has a pid (a failed spawn exits, with no pid, and is not here).
    const group = -(/** @type {number} */ (child.pid));
    try { process.kill(group, 'SIGTERM'); } catch {}
    const killTimer = setTimeout(() => { try { process.kill(group, 'SIGKILL'); } catch {} }, KILL_GRACE_MS);
    await exited;
    clearTimeout(killTimer);
  }
  rmSync(userDataDir, { recursive: true, force: true });

  const started = ofThisRun('before-trigger');
  const finished = first.result ?? ofThisRun('done');
  // repro.js reports 'done' with the page's verdict.
  if (finished) return { page, outcome: /** @type {string} */ (finished.verdict), observed: finished.observed, userAgent: finished.userAgent };
  if (exit && started) return { page, outcome: 'crash', exit, userAgent: started.userAgent, stderrTail: stderr.split('\n').slice(-6).join('\n') };
  return { page, outcome: 'no result', exit: exit ?? null, reachedTrigger: Boolean(started), stderrTail: stderr.split('\n').slice(-6).join('\n') };
}

async function main() {
  /** @type {ProbeOptions} */
  let options;
  try {
    options = parseArguments(process.argv.slice(2));
  } catch (error) {
    console.error(`probe.mjs: ${/** @type {Error} */ (error).message}`);
    process.exit(2);
  }
  const scratch = options.sparticuz ? mkdtempSync(path.join(tmpdir(), 'repro-chromium-')) : null;
  const server = await startReproServer();
  try {
    // parseArguments() asks for one of the two.
    const binary = options.sparticuz ? unpackSparticuz(options.sparticuz, /** @type {string} */ (scratch)) : /** @type {string} */ (options.chromium);
    let version = browserVersion(binary);
    const pages = options.pages.length > 0 ? options.pages
      : readdirSync(here).filter((name) => name.endsWith('.html') && name !== 'index.html').map((name) => name.slice(0, -'.html'.length)).sort();
    /** @type {ProbeResult[]} */
    const results = [];
    for (const page of pages) {
      const result = await probePage(server, binary, options.args, page);
      results.push(result);
      if (!options.json) console.log(`${result.outcome.padEnd(9)} ${page}${result.observed ? `  ${JSON.stringify(result.observed)}` : ''}${result.exit ? `  (exit ${JSON.stringify(result.exit)})` : ''}`);
    }
    // headless_shell builds may not answer --version; their pages' user agent names the version.
    const userAgent = results.find((result) => result.userAgent)?.userAgent;
    if (version.startsWith('(') && userAgent) version = userAgent.match(/Chrome\/[\d.]+/)?.[0] ?? version;
    if (!options.json) console.log(`— ${version}${options.sparticuz ? ` (@sparticuz/chromium@${options.sparticuz})` : ''}`);
    if (options.json) console.log(JSON.stringify({ version, sparticuz: options.sparticuz ?? null, args: options.args, results }, null, 2));
  } finally {
    await server.close();
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  }
}

await main().catch((/** @type {Error} */ error) => {
  console.error(`probe.mjs: ${error.message}`);
  process.exitCode = 1;
});
