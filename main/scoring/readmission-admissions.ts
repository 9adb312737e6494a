// The store's index admissions as training and scoring see them: with the PGx alert feature when
// the store holds genotypes (features/pgx), else without (the feature is then 0 for everyone).
import { patientPgxAlerts } from '../features/pgx/patient-pgx-alerts.ts';
import { extractIndexAdmissions, type IndexAdmission } from '../features/readmission/index-admissions.ts';
import type { ReadableDB } from '../store/database.ts';
import { GenomicsStore } from '../store/genomics-store.ts';

/** Index admissions with the PGx alert feature when the store holds genotypes. */
export function loadIndexAdmissions(db: ReadableDB): IndexAdmission[] {
  const genomics = new GenomicsStore(db);
  if (genomics.countSamples() === 0) return extractIndexAdmissions(db);
  const calls = new Map<string, ReturnType<GenomicsStore['pgxFor']>>();
  return extractIndexAdmissions(db, {
    pgxAlert: (pseudonym, codes) => {
      let results = calls.get(pseudonym);
      if (!results) calls.set(pseudonym, (results = genomics.pgxFor(pseudonym)));
      return patientPgxAlerts(results, codes).length > 0;
    },
  });
}
