#!/usr/bin/env node
// Brings a fresh clone to the point where tests can run: dependencies, the build, the browsers.
// Each step is skipped when it is already done, so running it again costs about a second.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { run, runOrThrow } from '../conformance/lib/command.mjs';

export const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));

/** @param {string} directory */
function newestModification(directory) {
  let newest = 0;
  for (const entry of readdirSync(directory, { withFileTypes: true })) {
    const full = path.join(directory, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestModification(full) : statSync(full).mtimeMs);
  }
  return newest;
}

export function ensureDependencies() {
  const installed = path.join(root, 'node_modules', '.package-lock.json');
  if (existsSync(installed) && statSync(installed).mtimeMs >= statSync(path.join(root, 'package-lock.json')).mtimeMs) return;
  console.log('bootstrap: installing dependencies (npm ci)');
  const ci = run('npm', ['ci', '--no-audit', '--no-fund'], { cwd: root, capture: true });
  if (ci.ok) {
    process.stdout.write(ci.stdout);
    return;
  }
  // `npm ci` also insists on lock entries for every platform's optional packages (rollup's
  // native builds); a registry that serves only some platforms cannot produce those, while
  // `npm install` installs the same locked versions without them. npm's own explanation is
  // long; its first error line says enough.
  const firstError = `${ci.stderr}`.split('\n').find((line) => line.includes('npm error') && line.trim() !== 'npm error') ?? `exit ${ci.status}`;
  console.log(`bootstrap: npm ci refused (${firstError.trim()}); installing with npm install instead`);
  runOrThrow('npm', ['install', '--no-audit', '--no-fund'], { cwd: root });
}

export function ensureBuild() {
  const bundle = path.join(root, 'dist', 'websocketstream-polyfill.js');
  const sources = Math.max(
    newestModification(path.join(root, 'polyfill')),
    statSync(path.join(root, 'rollup.config.mjs')).mtimeMs,
    statSync(path.join(root, 'package.json')).mtimeMs,
  );
  if (existsSync(bundle) && statSync(bundle).mtimeMs >= sources) return;
  console.log('bootstrap: building dist/');
  runOrThrow(process.execPath, [path.join('scripts', 'build.mjs')], { cwd: root });
}

export function ensureBrowsers({ grid = true } = {}) {
  const setup = [path.join(root, 'conformance', 'cli.mjs'), 'setup-browsers'];
  // --grid: also Java and chromedriver, for the Selenium Grid the tests start (test/grid.test.mjs).
  if (grid) {
    if (run(process.execPath, [...setup, '--grid'], { cwd: root }).ok) return;
    // Without them that test skips and says why, except under CI, where it has to run.
    if (process.env.CI === 'true') throw new Error('bootstrap: setup-browsers --grid could not provide the browsers, Java and chromedriver (CI=true needs them all)');
  }
  runOrThrow(process.execPath, setup, { cwd: root });
}

export function bootstrap({ browsers = true, grid = true } = {}) {
  ensureDependencies();
  ensureBuild();
  if (browsers) ensureBrowsers({ grid });
}

// `node scripts/bootstrap.mjs [--no-browsers] [--no-grid]`: `npm run bench` runs it first, since
// the bench's own modules import its dependencies and cannot install them.
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  bootstrap({ browsers: !process.argv.includes('--no-browsers'), grid: !process.argv.includes('--no-grid') });
}
