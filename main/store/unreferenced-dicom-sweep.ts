// After an import that did not finish cleanly, the DICOM folder may hold files without rows: the
// de-identification threads write each file before the writer commits its row, so a crash, a kill
// or a failed write leaves up to a transaction's worth (plus the files in flight) on disk. A
// re-import of the same input reuses them (the names are content hashes), but an input that is
// never imported again would leave them for good. The engine sweeps them when it opens, holding
// the data folder, once per interrupted or failed import.
import { removeAbandonedTemporaryFiles, removeUnreferencedDicomFiles } from './dicom-file-store.ts';
import type { WritableDB } from './database.ts';
import { sql } from './sql.ts';

const SWEPT_THROUGH_KEY = 'dicom.unreferenced-swept-through-batch';

export interface DicomSweep {
  /** The newest interrupted or failed import batch the sweep answers for. */
  throughBatch: number;
  removedFiles: number;
  removedTemporary: number;
}

/** Sweeps if an import batch was interrupted or failed since the last sweep; null when none was. */
export async function sweepAfterUncleanImports(db: WritableDB, dataDir: string): Promise<DicomSweep | null> {
  const sweptThrough = Number(db.pluck<string>(sql`SELECT value FROM meta WHERE key = ${SWEPT_THROUGH_KEY}`) ?? 0);
  const throughBatch = db.pluck<number | null>(
    sql`SELECT MAX(id) FROM import_batch WHERE id > ${sweptThrough} AND status IN ('interrupted', 'failed')`,
  );
  if (throughBatch === null || throughBatch === undefined) return null;
  const referenced = new Set(db.all<{ file_sha256: string }>(sql`SELECT file_sha256 FROM imaging_instance`).map((row) => row.file_sha256));
  const removedTemporary = await removeAbandonedTemporaryFiles(dataDir);
  const removedFiles = await removeUnreferencedDicomFiles(dataDir, (sha256) => referenced.has(sha256));
  db.run(sql`INSERT INTO meta (key, value) VALUES (${SWEPT_THROUGH_KEY}, ${String(throughBatch)})
    ON CONFLICT(key) DO UPDATE SET value = excluded.value`);
  return { throughBatch, removedFiles, removedTemporary };
}
