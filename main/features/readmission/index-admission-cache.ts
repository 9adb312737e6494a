// The index_admission table (migration 0070): index admissions recomputed for the patients an
// import marked stale, then read as one narrow row each. Recomputation goes through
// extractIndexAdmissionsOf, so a cached admission is exactly what a full extraction gives.
import type { ReadableDB, WritableDB } from '../../store/database.ts';
import { sql } from '../../store/sql.ts';
import { CharlsonComorbidity } from './charlson-comorbidity.ts';
import { FEATURE_SET } from './feature-set.ts';
import { extractIndexAdmissionsOf, type IndexAdmission } from './index-admissions.ts';

/** Patients recomputed per transaction: a Synthea-like patient brings hundreds of rows, so chunks stay small to keep memory flat. */
const REFRESH_CHUNK = 100;

const VERSION_KEY = 'index-admission-cache:feature-set';

/**
 * Cached rows follow the AdmissionFeatures of the version that computed them: after an upgrade
 * that changes the feature set, every patient is recomputed (once) before anything reads them.
 */
function invalidateOnFeatureSetChange(db: WritableDB): void {
  const current = `${FEATURE_SET.name} ${FEATURE_SET.version}`;
  if (db.pluck<string>(sql`SELECT value FROM meta WHERE key = ${VERSION_KEY}`) === current) return;
  db.transaction(() => {
    db.run(sql`INSERT INTO admission_features_stale (pseudonym) SELECT pseudonym FROM patient WHERE true
      ON CONFLICT(pseudonym) DO UPDATE SET generation = generation + 1`);
    db.run(sql`INSERT INTO meta (key, value) VALUES (${VERSION_KEY}, ${current}) ON CONFLICT(key) DO UPDATE SET value = excluded.value`);
  });
}

/** One chunk of stale patients after `after` (by pseudonym): recomputed and written; null when none is left. */
function refreshChunk(db: WritableDB, after: string, charlson: CharlsonComorbidity): { last: string; patients: number; admissions: number } | null {
  const stale = db.all<{ pseudonym: string; generation: number }>(sql`SELECT pseudonym, generation FROM admission_features_stale
    WHERE pseudonym > ${after} ORDER BY pseudonym LIMIT ${REFRESH_CHUNK}`);
  if (stale.length === 0) return null;
  const pseudonyms = stale.map((s) => s.pseudonym);
  const computed = extractIndexAdmissionsOf(db, pseudonyms, { charlson });
  db.transaction(() => {
    db.run(sql`DELETE FROM index_admission WHERE pseudonym IN (SELECT value FROM json_each(${JSON.stringify(pseudonyms)}))`);
    for (const a of computed) {
      db.run(sql`INSERT INTO index_admission (encounter_key, pseudonym, admission) VALUES (${a.encounterKey}, ${a.pseudonym}, ${JSON.stringify(a)})
        ON CONFLICT(encounter_key) DO UPDATE SET pseudonym = excluded.pseudonym, admission = excluded.admission`);
    }
    // A patient whose generation moved on was changed meanwhile: the mark stays for the next refresh.
    for (const s of stale) db.run(sql`DELETE FROM admission_features_stale WHERE pseudonym = ${s.pseudonym} AND generation = ${s.generation}`);
  });
  return { last: pseudonyms[pseudonyms.length - 1]!, patients: stale.length, admissions: computed.length };
}

/**
 * Recomputes the index admissions of every patient marked stale when the refresh started. A mark
 * is cleared only if its generation is unchanged, so a patient an import touched meanwhile stays
 * marked for the next refresh.
 */
export function refreshIndexAdmissions(db: WritableDB, options: { charlson?: CharlsonComorbidity; signal?: AbortSignal } = {}): { patients: number; admissions: number } {
  const charlson = options.charlson ?? CharlsonComorbidity.load();
  invalidateOnFeatureSetChange(db);
  const total = { patients: 0, admissions: 0 };
  for (let chunk = refreshChunk(db, '', charlson); chunk; chunk = refreshChunk(db, chunk.last, charlson)) {
    total.patients += chunk.patients;
    total.admissions += chunk.admissions;
    options.signal?.throwIfAborted();
  }
  return total;
}

/** The same, yielding to the event loop between chunks so a cancel message is heard. */
export async function refreshIndexAdmissionsInBackground(db: WritableDB, signal: AbortSignal): Promise<void> {
  const charlson = CharlsonComorbidity.load();
  invalidateOnFeatureSetChange(db);
  for (let chunk = refreshChunk(db, '', charlson); chunk && !signal.aborted; chunk = refreshChunk(db, chunk.last, charlson)) {
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/** Every cached index admission, by patient and then in the order extraction produced them. */
export function readIndexAdmissions(db: ReadableDB): IndexAdmission[] {
  return db.all<{ admission: string }>(sql`SELECT admission FROM index_admission ORDER BY pseudonym, rowid`).map((r) => JSON.parse(r.admission) as IndexAdmission);
}
