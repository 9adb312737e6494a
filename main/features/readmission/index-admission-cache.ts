// The index_admission table (migration 0070): index admissions recomputed for the patients an
// import marked stale, then read as one narrow row each. Recomputation goes through
// extractIndexAdmissionsOf, so a cached admission is exactly what a full extraction gives.
import type { ReadableDB, WritableDB } from '../../store/database.ts';
import { sql } from '../../store/sql.ts';
import { CharlsonComorbidity } from './charlson-comorbidity.ts';
import { extractIndexAdmissionsOf, type IndexAdmission } from './index-admissions.ts';

/** Patients recomputed per transaction: large enough to amortise the scan, small enough to keep writers waiting briefly. */
const REFRESH_CHUNK = 2_000;

/**
 * Recomputes the index admissions of every patient marked stale when the refresh started. A mark
 * is cleared only if its generation is unchanged, so a patient an import touched meanwhile stays
 * marked for the next refresh.
 */
export function refreshIndexAdmissions(db: WritableDB, options: { charlson?: CharlsonComorbidity; signal?: AbortSignal } = {}): { patients: number; admissions: number } {
  const charlson = options.charlson ?? CharlsonComorbidity.load();
  const insert = db.prepare(`INSERT INTO index_admission (encounter_key, pseudonym, admission) VALUES (?, ?, ?)
    ON CONFLICT(encounter_key) DO UPDATE SET pseudonym = excluded.pseudonym, admission = excluded.admission`);
  const clear = db.prepare(`DELETE FROM admission_features_stale WHERE pseudonym = ? AND generation = ?`);
  let patients = 0;
  let admissions = 0;
  for (let after = ''; ; ) {
    options.signal?.throwIfAborted();
    const stale = db.all<{ pseudonym: string; generation: number }>(sql`SELECT pseudonym, generation FROM admission_features_stale
      WHERE pseudonym > ${after} ORDER BY pseudonym LIMIT ${REFRESH_CHUNK}`);
    if (stale.length === 0) break;
    after = stale[stale.length - 1]!.pseudonym;
    const pseudonyms = stale.map((s) => s.pseudonym);
    const computed = extractIndexAdmissionsOf(db, pseudonyms, { charlson });
    db.transaction(() => {
      db.run(sql`DELETE FROM index_admission WHERE pseudonym IN (SELECT value FROM json_each(${JSON.stringify(pseudonyms)}))`);
      for (const a of computed) insert.run(a.encounterKey, a.pseudonym, JSON.stringify(a));
      for (const s of stale) clear.run(s.pseudonym, s.generation);
    });
    patients += stale.length;
    admissions += computed.length;
  }
  return { patients, admissions };
}

/** Every cached index admission, by patient and then in the order extraction produced them. */
export function readIndexAdmissions(db: ReadableDB): IndexAdmission[] {
  return db.all<{ admission: string }>(sql`SELECT admission FROM index_admission ORDER BY pseudonym, rowid`).map((r) => JSON.parse(r.admission) as IndexAdmission);
}
