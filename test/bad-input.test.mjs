// The bad-input table (reliability/bad-input.mjs): native WebSocketStream in Chromium against the
// polyfill in Chromium (native deleted first), Firefox ESR and WebKitGTK. Every row's outcome, error
// class and DOMException name must match native, except where native departs from the standard
// as docs/native-chromium.md lists, where the standard's outcome is required.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ensureBuild } from '../scripts/bootstrap.mjs';
import { runBadInputTable, saveReport, toMarkdown } from '../reliability/bad-input.mjs';

ensureBuild();

const POLYFILL_COLUMNS = ['chromium-polyfill', 'firefox-polyfill', 'webkit-polyfill'];

test('bad input: the polyfill in Chromium, Firefox and WebKit fails exactly as native Chromium does (standard on listed departures)', { timeout: 240_000 }, async () => {
  const table = await runBadInputTable({ engines: ['chromium-native', ...POLYFILL_COLUMNS] });
  saveReport(table);
  assert.ok(table.rows.length >= 40, 'every member and argument is covered');
  assert.ok(table.rows.some((row) => row.departure), 'the listed departures are marked');
  const mismatches = table.rows.flatMap((row) => POLYFILL_COLUMNS
    .filter((engine) => row.results[engine].matches !== true)
    .map((engine) => `${engine}: ${row.member} / ${row.input}`));
  assert.deepEqual(mismatches, [], toMarkdown(table));
});
