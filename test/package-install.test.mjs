// The two packages as users install them: both are packed, the tarballs are installed into an empty
// project outside this repository (so nothing resolves to its node_modules), and from there:
// - the polyfill's tarball carries dist/, README, LICENSE and CHANGELOG, and nothing of the harness;
// - the harness's tarball carries its CLI, server, drivers, reporters, expectations and the suite;
// - `npx websocketstream-conformance --help` works, and a one-file matrix in Chromium runs against
//   the polyfill the project installed (found without --polyfill);
// - a TypeScript consumer compiles: the global declarations after
//   `import 'websocketstream-polyfill/polyfill'`, and the ponyfill's types.
// The dependencies come from the npm registry (or npm's cache), as they would for a user.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ensureBuild } from '../scripts/bootstrap.mjs';

ensureBuild();

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const project = mkdtempSync(path.join(os.tmpdir(), 'wss-consumer-'));
const INSTALL_MS = 5 * 60_000;
after(() => rmSync(project, { recursive: true, force: true }));

/**
 * Runs a command to its end. → { status, output (stdout and stderr), stdout }
 * @param {string} command
 * @param {string[]} args
 * @param {{ cwd?: string, timeout?: number, env?: Record<string, string> }} [options]
 */
function run(command, args, { cwd = project, timeout = 120_000, env = {} } = {}) {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', timeout, env: { ...process.env, ...env } });
  return { status: result.status, output: `${result.stdout ?? ''}${result.stderr ?? ''}`, stdout: result.stdout ?? '' };
}

/**
 * Packs the package in `folder` into the project folder; → { tarball, files }.
 * @param {string} folder
 */
function pack(folder) {
  const result = run('npm', ['pack', '--json', '--pack-destination', project], { cwd: folder });
  assert.equal(result.status, 0, `npm pack in ${folder}:\n${result.output}`);
  /** @type {{ filename: string, files: { path: string }[] }[]} what npm pack --json prints, in part */
  const [info] = JSON.parse(result.stdout.slice(result.stdout.indexOf('[')));
  return { tarball: path.join(project, info.filename), files: info.files.map((file) => file.path) };
}

// Both packed in before().
/** @type {ReturnType<typeof pack>} */
let polyfill;
/** @type {ReturnType<typeof pack>} */
let harness;
before(() => {
  polyfill = pack(root);
  harness = pack(path.join(root, 'conformance'));
  writeFileSync(path.join(project, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
  const install = run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', polyfill.tarball, harness.tarball, 'typescript@~5.9.3'], { timeout: INSTALL_MS });
  assert.equal(install.status, 0, `npm install of the tarballs:\n${install.output}`);
});

test('the polyfill has no dependencies and no peers, so it changes nothing in a project\'s own installs', async () => {
  const manifest = JSON.parse(run('cat', ['node_modules/websocketstream-polyfill/package.json']).stdout);
  assert.deepEqual([manifest.dependencies, manifest.peerDependencies, manifest.optionalDependencies], [undefined, undefined, undefined]);
});

test('with ws 7 in the project (no pause/resume), the /node entry uses the global WebSocket and says so', () => {
  const install = run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', 'ws@7'], { timeout: INSTALL_MS });
  assert.equal(install.status, 0, install.output);
  const probe = run(process.execPath, ['--experimental-websocket', '--input-type=module', '-e',
    "const m = await import('websocketstream-polyfill/node'); console.log(m.socketImplementation, typeof new m.WebSocketStream('ws://127.0.0.1:9/', { signal: AbortSignal.abort() }).url);"]);
  assert.equal(probe.status, 0, probe.output);
  assert.equal(probe.stdout.trim(), 'global string');
});

test('the polyfill\'s tarball carries the build and its documents, and nothing of the harness', () => {
  const topLevel = new Set(polyfill.files.map((file) => file.split('/')[0]));
  assert.deepEqual([...topLevel].sort(), ['CHANGELOG.md', 'LICENSE', 'README.md', 'dist', 'package.json']);
  assert.ok(polyfill.files.includes('dist/websocketstream-polyfill.min.js'), 'the classic script');
});

test('the harness\'s tarball carries its CLI, server, drivers, reporters, expectations and the suite', () => {
  for (const file of ['cli.mjs', 'lib/run.mjs', 'server/index.mjs', 'reporters/html.mjs', 'expectations/chromium.json', 'wpt/websockets/stream/close.any.js', 'LICENSE']) {
    assert.ok(harness.files.includes(file), `${file} is packed`);
  }
  assert.equal(readdirSync(path.join(root, 'conformance')).includes('wpt'), false, 'packing removed its copy of the suite');
});

test('npx websocketstream-conformance --help works in the project', () => {
  const help = run('npx', ['--no-install', 'websocketstream-conformance', '--help']);
  assert.equal(help.status, 0, help.output);
  assert.match(help.stdout, /^Usage: websocketstream-conformance/);
});

test('a one-file matrix in Chromium runs against the installed polyfill, found without --polyfill', () => {
  const result = run('npx', ['--no-install', 'websocketstream-conformance', '--browsers', 'chromium', '--modes', 'polyfill', '--no-reference',
    '--filter', 'websocket-error.any', '--scopes', 'window', '--variants', 'default', '--reporter', 'terminal,json', '--out', 'report', '--quiet'], { timeout: 180_000 });
  assert.equal(result.status, 0, result.output);
  assert.match(result.stdout, /chromium:polyfill\s+window\s+ws\s+(\d+)\/\1/, 'every subtest passed');
  const report = JSON.parse(run('cat', ['report/results.json']).stdout);
  assert.equal(report.run.options.polyfill, path.join('node_modules', 'websocketstream-polyfill', 'dist', 'websocketstream-polyfill.js'));
});

test('the harness is also a library: its entry runs in Node and its types check a CI script', () => {
  const names = run(process.execPath, ['--input-type=module', '-e', "const m = await import('websocketstream-conformance'); console.log(Object.keys(m).sort().join(' '))"]);
  assert.equal(names.status, 0, names.output);
  assert.equal(names.stdout.trim(), 'USAGE UsageError mergeShards parseOptions runConformance');
  writeFileSync(path.join(project, 'ci.ts'), `import { parseOptions, runConformance } from 'websocketstream-conformance';
export async function conforms(): Promise<boolean> {
  const options = parseOptions(['--browsers', 'chromium', '--filter', 'close']);
  if (options.help) return false;
  const report = await runConformance(options);
  return report.unexpected.length === 0 && report.summary.every((row) => row.configuration.length > 0);
}
// @ts-expect-error parseOptions takes the command line's words
parseOptions(42);
`);
  writeFileSync(path.join(project, 'tsconfig.harness.json'), JSON.stringify({
    // skipLibCheck: the declarations name Node's types, which this project does not install.
    compilerOptions: { module: 'node16', moduleResolution: 'node16', target: 'es2022', lib: ['es2022'], types: [], strict: true, noEmit: true, skipLibCheck: true },
    files: ['ci.ts'],
  }));
  const result = run(process.execPath, [path.join(project, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.harness.json']);
  assert.equal(result.status, 0, result.output);
});

test('a TypeScript consumer compiles against the global declarations and the ponyfill\'s types', () => {
  writeFileSync(path.join(project, 'globals.ts'), `import 'websocketstream-polyfill/polyfill';
export const stream: WebSocketStream = new WebSocketStream('wss://example.test/', { protocols: ['chat'] });
export const error: WebSocketError = new WebSocketError('m', { closeCode: 4000 });
// @ts-expect-error a misspelt option
new WebSocketStream('wss://example.test/', { protocl: 'typo' });
`);
  writeFileSync(path.join(project, 'ponyfill.ts'), `import { WebSocketError, WebSocketStream } from 'websocketstream-polyfill';
export async function open(url: string): Promise<ReadableStream<string | Uint8Array>> {
  const { readable } = await new WebSocketStream(url).opened;
  return readable;
}
export const error = new WebSocketError('m', { closeCode: 4000 });
`);
  writeFileSync(path.join(project, 'tsconfig.json'), JSON.stringify({
    compilerOptions: { module: 'node16', moduleResolution: 'node16', target: 'es2022', lib: ['dom', 'es2022'], types: [], strict: true, noEmit: true },
    files: ['globals.ts', 'ponyfill.ts'],
  }));
  const result = run(process.execPath, [path.join(project, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json']);
  assert.equal(result.status, 0, result.output);
});
