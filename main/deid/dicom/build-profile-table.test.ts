import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import {
  DEFAULT_TABLE_CSV, PROFILE_TABLE_RESOURCE, buildProfileTableFromFile, parseCsv, serializeProfileTable,
} from './build-profile-table.ts';
import { PROFILE_ROWS, PROFILE_TABLE } from './profile-table.ts';

test('the resource table matches the Table E.1-1 CSV it was generated from', (t) => {
  if (!existsSync(DEFAULT_TABLE_CSV)) {
    t.skip('the shared Table E.1-1 CSV (../shared/data/dicom/ps315-table-e1-1) is absent');
    return;
  }
  const rebuilt = buildProfileTableFromFile(DEFAULT_TABLE_CSV);
  assert.deepEqual(PROFILE_TABLE, rebuilt);
  assert.equal(readFileSync(PROFILE_TABLE_RESOURCE, 'utf8'), serializeProfileTable(rebuilt));
});

test('the resource records its source and edition and holds every row of Table E.1-1', () => {
  assert.equal(PROFILE_TABLE.version, '2024b');
  assert.match(PROFILE_TABLE.source.extraction, /innolitics\/dicom-standard/);
  assert.match(PROFILE_TABLE.source.csvSha256, /^[0-9a-f]{64}$/);
  assert.equal(PROFILE_ROWS.length, 621);
  const counts = new Map<string, number>();
  for (const row of PROFILE_ROWS) counts.set(row.basic, (counts.get(row.basic) ?? 0) + 1);
  assert.deepEqual(Object.fromEntries(counts), { X: 384, D: 92, U: 54, Z: 42, 'X/D': 22, 'X/Z': 11, 'X/Z/D': 8, 'Z/D': 6, 'X/Z/U*': 2 });
  for (const wildcard of ['(50XX,XXXX)', '(60XX,3000)', '(60XX,4000)', '(GGGG,EEEE) WHERE GGGG IS ODD']) {
    assert.ok(PROFILE_ROWS.some((row) => row.tag === wildcard), wildcard);
  }
});

test('the CSV reader handles quoted commas, doubled quotes and CRLF', () => {
  assert.deepEqual(parseCsv('a,"b,c","say ""hi"""\r\n1,2,3\n'), [['a', 'b,c', 'say "hi"'], ['1', '2', '3']]);
});
