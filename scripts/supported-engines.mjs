#!/usr/bin/env node
// README.md's "Supported engines" table is generated: this rewrites what lies between its
// markers from docs/compat.json, the compatibility file `npm run compat` commits (the harness's
// `--reporter compat`). With --check it changes nothing and exits 1 when the README's table is
// not what the committed file makes (npm test checks that, through test/supported-engines.test.mjs).
//
//   node scripts/supported-engines.mjs [--check] [--compat FILE]
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { validateCompat } from '../conformance/lib/compat.mjs';
import { renderCompatMarkdown } from '../conformance/reporters/compat.mjs';

export const ROOT = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
export const README = path.join(ROOT, 'README.md');
export const COMPAT_FILE = path.join(ROOT, 'docs', 'compat.json');
export const START_MARKER = '<!-- supported-engines:start -->';
export const END_MARKER = '<!-- supported-engines:end -->';

/**
 * The compat file, checked against its schema.
 * @returns {import('../conformance/lib/compat.mjs').Compat}
 */
export function readCompat(file = COMPAT_FILE) {
  const compat = JSON.parse(readFileSync(file, 'utf8'));
  const problems = validateCompat(compat);
  if (problems.length > 0) throw new Error(`${file} does not follow the compat schema: ${problems.join('; ')}`);
  return compat;
}

/**
 * The README with its table replaced by what `compat` makes; throws when the markers are missing.
 * @param {string} readme
 * @param {import('../conformance/lib/compat.mjs').Compat} compat
 */
export function readmeWithTable(readme, compat) {
  const start = readme.indexOf(START_MARKER);
  const end = readme.indexOf(END_MARKER);
  if (start < 0 || end < start) throw new Error(`README.md needs the markers ${START_MARKER} … ${END_MARKER}`);
  return `${readme.slice(0, start + START_MARKER.length)}\n${renderCompatMarkdown(compat)}\n${readme.slice(end)}`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const compatIndex = args.indexOf('--compat');
  const compat = readCompat(compatIndex >= 0 ? path.resolve(args[compatIndex + 1]) : COMPAT_FILE);
  const readme = readFileSync(README, 'utf8');
  const expected = readmeWithTable(readme, compat);
  if (args.includes('--check')) {
    if (expected !== readme) {
      console.error('README.md: the Supported engines table is not what docs/compat.json makes; run node scripts/supported-engines.mjs');
      process.exit(1);
    }
    console.log('README.md: the Supported engines table matches docs/compat.json');
  } else if (expected !== readme) {
    writeFileSync(README, expected);
    console.log('README.md: Supported engines table rewritten from docs/compat.json');
  }
}
