// The store's index admissions as training, scoring and statistics see them: the feature cache
// (features/readmission/index-admission-cache.ts) brought up to date, then read, with the PGx
// alert feature computed from the genotypes now in the store (else null: the feature is 0).
import { patientPgxAlerts } from '../features/pgx/patient-pgx-alerts.ts';
import { readIndexAdmissions, refreshIndexAdmissions } from '../features/readmission/index-admission-cache.ts';
import type { IndexAdmission } from '../features/readmission/index-admissions.ts';
import type { WritableDB } from '../store/database.ts';
import { GenomicsStore } from '../store/genomics-store.ts';

/** Refreshes the patients imports touched, then returns every index admission. */
export function loadIndexAdmissions(db: WritableDB, options: { signal?: AbortSignal } = {}): IndexAdmission[] {
  refreshIndexAdmissions(db, options);
  const admissions = readIndexAdmissions(db);
  const genomics = new GenomicsStore(db);
  if (genomics.countSamples() === 0) return admissions;
  const calls = new Map<string, ReturnType<GenomicsStore['pgxFor']>>();
  for (const a of admissions) {
    let results = calls.get(a.pseudonym);
    if (!results) calls.set(a.pseudonym, (results = genomics.pgxFor(a.pseudonym)));
    a.features.pgxAlert = patientPgxAlerts(results, a.medicationCodes ?? []).length > 0;
  }
  return admissions;
}
