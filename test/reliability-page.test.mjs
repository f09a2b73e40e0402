// The reliability page (docs/reliability.md) is generated from the reports the checks write: a
// made-up bad-input table, fuzz summary and soak come out on it with their figures, and the
// committed page is what the generator makes of the committed reports in docs/reliability/.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { DOCS_DIRECTORY, readInputs, reliabilityPage } from '../reliability/reliability-page.mjs';

const result = (/** @type {boolean|null} */ matches) => ({ outcome: 'throws', class: 'TypeError', name: 'TypeError', matches });
const badInput = {
  engines: ['chromium-native', 'chromium-polyfill', 'firefox-polyfill'],
  rows: [
    { member: 'constructor url', input: 'missing', departure: null, required: result(true), results: { 'chromium-native': result(true), 'chromium-polyfill': result(true), 'firefox-polyfill': result(true) } },
    { member: 'close() closeCode', input: '70000', departure: 'SPEC: …', required: result(true), results: { 'chromium-native': result(null), 'chromium-polyfill': result(true), 'firefox-polyfill': result(false) } },
  ],
};
const phase = (/** @type {string} */ name, /** @type {number} */ expected) => ({ name, expected, received: expected, errors: [], seconds: 9.2, samples: 39, rssStartMiB: 56, rssEndMiB: 98, rssPeakMiB: 113, rssSlopeMiBPerMinute: 200.5 });
const soak = {
  node: 'v20.0.0',
  machine: { cpus: 2, loadAverageAtEnd: [3.5, 2, 1] },
  parameters: { messages: 1_000_000, connections: 1000, perConnection: 1000 },
  results: [{ adapter: 'ws', ok: true, exitCode: 0, phases: [phase('one connection', 1_000_000), phase('1000 concurrent connections', 1_000_000)] }],
};
const fuzz = { adapter: 'ws', seeds: 1000, failed: 0, unhandled: 0, seconds: 12.3 };

test('the reliability page shows the figures of the reports it is made from', () => {
  const page = reliabilityPage({ badInput, fuzz, soak });
  assert.match(page, /2 cases × chromium-native, chromium-polyfill and firefox-polyfill; rows matching the requirement: 2\/2 in chromium-polyfill and 1\/2 in firefox-polyfill \(1 rows marked †\)/);
  assert.match(page, /\[docs\/reliability\/bad-input\.md\]\(reliability\/bad-input\.md\)/);
  assert.match(page, /1,000 seeds through the `ws` adapter in 12\.3 s; no seed failed and no rejection went unhandled/);
  assert.match(page, /In the kept run \(Node v20\.0\.0, 2 cores, load average 3\.5 at the end\)/);
  assert.match(page, /one connection carrying 1,000,000 messages, then 1,000 concurrent connections each exchanging 1,000/);
  assert.match(page, /\| `ws` \| one connection \| 1,000,000 of 1,000,000 \| 9\.2 s \| 56 → 98 MiB \| 113 MiB \| 200\.5 MiB\/min \(39 samples\) \| all accounted for \|/);
  assert.match(page, /`drop-while-queued`/);
  assert.doesNotMatch(page, /undefined|NaN/);
});

test('without its reports the page says what to run instead of showing figures', () => {
  const page = reliabilityPage({});
  assert.match(page, /No bad-input report is kept yet: run `npm run bad-input`/);
  assert.doesNotMatch(page, /In the kept/);
});

test('the committed reliability page is what the generator makes of the committed reports', () => {
  const inputs = readInputs();
  for (const [name, input] of Object.entries(inputs)) assert.notEqual(input, null, `docs/reliability/ keeps the ${name} report`);
  assert.equal(readFileSync(path.join(DOCS_DIRECTORY, 'reliability.md'), 'utf8'), reliabilityPage(inputs), 'regenerate: node reliability/reliability-page.mjs');
});
