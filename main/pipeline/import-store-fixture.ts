// For tests of the import pipeline: a migrated store in a temporary folder with one open batch,
// removed when the test ends.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openWritable } from '../store/database.ts';
import { createImportBatch } from '../store/import-writer.ts';
import { migrate } from '../store/migrations/index.ts';

export function importStoreFixture(t: { after(fn: () => void): void }, prefix: string): { dir: string; databaseFile: string; batchId: number } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const databaseFile = join(dir, 'dataspace.sqlite');
  const db = openWritable(databaseFile);
  migrate(db);
  const batchId = createImportBatch(db, { name: 'test', version: '1' });
  db.close();
  return { dir, databaseFile, batchId };
}
