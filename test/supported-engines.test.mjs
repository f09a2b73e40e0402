// README.md's "Supported engines" table is generated from docs/compat.json, the compatibility
// file `npm run compat` writes (scripts/supported-engines.mjs). This checks that the committed
// README holds exactly what the committed file makes, and that the file follows its schema.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { validateCompat } from '../conformance/lib/compat.mjs';
import { COMPAT_FILE, README, readmeWithTable } from '../scripts/supported-engines.mjs';

describe('README.md: Supported engines', () => {
  const compat = JSON.parse(readFileSync(COMPAT_FILE, 'utf8'));

  test('docs/compat.json follows the compat schema', () => {
    assert.deepEqual(validateCompat(compat), []);
  });

  test('the table between the markers is what docs/compat.json makes (node scripts/supported-engines.mjs rewrites it)', () => {
    const readme = readFileSync(README, 'utf8');
    assert.equal(readme, readmeWithTable(readme, compat));
  });

  test('every difference from the reference has a reason, but for the results the run counted unexpected', () => {
    for (const row of compat.rows) {
      const unexplained = row.departures.filter((/** @type {any} */ departure) => !departure.reason).length;
      assert.ok(unexplained <= row.unexpected, `${row.configuration}: ${unexplained} differences without a reason, ${row.unexpected} unexpected`);
    }
    if (compat.run.exitCode === 0) assert.deepEqual(compat.rows.filter((/** @type {any} */ row) => row.unexpected > 0).map((/** @type {any} */ row) => row.configuration), []);
  });
});
