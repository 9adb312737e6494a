// Whether the store holds synthetic (demo) patients: a `meta` key set once by "Load sample data"
// and never cleared, so the UI keeps saying so for as long as those rows may be in the store.
import type { ReadableDB, WritableDB } from './database.ts';
import { sql } from './sql.ts';

const SYNTHETIC_DATA_KEY = 'synthetic-data';

/** Records that synthetic data was loaded (first time only; the value is when). */
export function markSyntheticData(db: WritableDB, at: string): void {
  db.run(sql`INSERT INTO meta (key, value) VALUES (${SYNTHETIC_DATA_KEY}, ${at}) ON CONFLICT(key) DO NOTHING`);
}

/** True once synthetic data has been loaded into this store. */
export function containsSyntheticData(db: ReadableDB): boolean {
  return db.pluck<number>(sql`SELECT 1 FROM meta WHERE key = ${SYNTHETIC_DATA_KEY}`) !== undefined;
}
