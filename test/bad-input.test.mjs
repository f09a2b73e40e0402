// The bad-input table (reliability/bad-input.mjs) in Chromium: native WebSocketStream against the
// polyfill (native deleted first). Every row's error class and DOMException name must match native,
// except SPEC.md's listed departures of native, where the standard's outcome is required.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ensureBuild } from '../scripts/bootstrap.mjs';
import { runBadInputTable, saveReport, toMarkdown } from '../reliability/bad-input.mjs';

ensureBuild();

test('bad input: the polyfill in Chromium fails exactly as native Chromium does (standard on listed departures)', { timeout: 90_000 }, async () => {
  const table = await runBadInputTable({ engines: ['chromium-native', 'chromium-polyfill'] });
  saveReport(table);
  const mismatches = table.rows.filter((row) => row.results['chromium-polyfill'].matches !== true);
  assert.ok(table.rows.length >= 40, 'every member and argument is covered');
  assert.ok(table.rows.some((row) => row.departure), 'the listed departures are marked');
  assert.deepEqual(mismatches.map((row) => `${row.member} / ${row.input}`), [], toMarkdown(table));
});
