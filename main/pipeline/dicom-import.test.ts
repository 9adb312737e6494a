// DicomImporter with files handed to the workers early (while a job is still being classified):
// rows are written for every file whatever the order of prefetch, and copies whose turn never
// comes do not stay behind in the data folder.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_DICOM_DEID_OPTIONS } from '../deid/dicom/dicom-deid-options.ts';
import { syntheticCtInstance, writeInstanceWithDcmjs } from '../deid/dicom/marker-fixture.ts';
import { EMPTY_MRN_SYSTEM_MAPPING } from '../deid/dicom/mrn-system-mapping.ts';
import { createPseudonymKey } from '../deid/pseudonym-key.ts';
import type { InputFile } from '../ingest/input-files.ts';
import { openReadable } from '../store/database.ts';
import { sql } from '../store/sql.ts';
import { DicomImporter } from './dicom-import.ts';
import { importStoreFixture } from './import-store-fixture.ts';
import { newTally } from './import-progress.ts';
import { ImportSink } from './store-sink.ts';

function setup(t: { after(fn: () => void): void }, count: number) {
  const { dir, databaseFile, batchId } = importStoreFixture(t, 'dicom-importer-');
  const files: InputFile[] = [];
  for (let i = 0; i < count; i++) {
    const path = join(dir, `in-${i}.dcm`);
    writeFileSync(path, writeInstanceWithDcmjs(syntheticCtInstance({ '00080018': { vr: 'UI', Value: [`1.2.3.999.1.${i}`] } })));
    const info = statSync(path);
    files.push({ path, bytes: info.size, mtimeMs: info.mtimeMs });
  }
  const secret = randomBytes(32);
  const sink = new ImportSink({ databaseFile, batchId }, () => {});
  const importer = new DicomImporter({
    sink, key: createPseudonymKey(secret), secret, report: () => {}, signal: new AbortController().signal, onStateChange: () => {},
    run: { dataDir: join(dir, 'data'), options: { ...DEFAULT_DICOM_DEID_OPTIONS }, mrnSystems: EMPTY_MRN_SYSTEM_MAPPING, threads: 2 },
  });
  const storedFiles = () => {
    const root = join(dir, 'data', 'dicom');
    try {
      return readdirSync(root).flatMap((prefix) => readdirSync(join(root, prefix)));
    } catch {
      return [];
    }
  };
  const close = async () => {
    await importer.close();
    await sink.close('done', () => ({ files: count, accepted: count, inserted: 0, rejected: 0, skipped: 0 }));
  };
  return { databaseFile, files, importer, storedFiles, close };
}

test('files prefetched in any order, and files not prefetched, are all stored with their rows', async (t) => {
  const { databaseFile, files, importer, storedFiles, close } = setup(t, 8);
  for (const i of [5, 1, 6, 2]) importer.prefetch(files[i]!);
  const tallies = files.map((f, i) => newTally(i, f.path, f.bytes));
  await importer.importFiles(files.map((file, i) => ({ file, tally: tallies[i]! })));
  await close();
  assert.deepEqual(tallies.map((tally) => [tally.state, tally.accepted]), files.map(() => ['done', 1]));
  const db = openReadable(databaseFile);
  const rows = db.all<{ relative_path: string }>(sql`SELECT relative_path FROM imaging_instance`);
  const completed = db.pluck<number>(sql`SELECT count(*) FROM source_file WHERE completed = 1`);
  db.close();
  assert.equal(rows.length, 8);
  assert.equal(completed, 8);
  assert.deepEqual(rows.map((r) => r.relative_path.split('/').pop()).sort(), storedFiles().sort());
});

test('copies de-identified ahead whose turn never comes are removed when the importer closes', async (t) => {
  const { files, importer, storedFiles, close } = setup(t, 5);
  for (const file of files) importer.prefetch(file);
  // The job ends (failed or cancelled before its DICOM files) without importFiles.
  await close();
  assert.deepEqual(storedFiles(), []);
});
