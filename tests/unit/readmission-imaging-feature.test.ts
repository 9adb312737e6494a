// The imaging-during-stay feature counts the patient's dated DICOM studies within the stay, and
// storing a study marks the patient's cached admissions for recomputation.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readIndexAdmissions, refreshIndexAdmissions } from '../../main/features/readmission/index-admission-cache.ts';
import { extractIndexAdmissions, extractIndexAdmissionsOf } from '../../main/features/readmission/index-admissions.ts';
import { FEATURE_SET, featureVector } from '../../main/features/readmission/feature-set.ts';
import { openMemory } from '../../main/store/database.ts';
import { ImagingWriter } from '../../main/store/imaging-writer.ts';
import { migrate } from '../../main/store/migrations/index.ts';
import { sql } from '../../main/store/sql.ts';

const IMP = 'http://terminology.hl7.org/CodeSystem/v3-ActCode|IMP';

/** A migrated in-memory store with one import batch and one patient with one inpatient stay. */
function storeWithStay(pseudonym: string, n: number, startDay: number, endDay: number, demographics = sql`NULL, NULL`) {
  const db = openMemory();
  migrate(db);
  db.run(sql`INSERT INTO import_batch (id, started_at, status, policy_name, policy_version) VALUES (1, '2026-01-01T00:00:00Z', 'done', 'p', '1')`);
  db.run(sql`INSERT INTO patient (pseudonym, sex, age_group, first_batch_id) VALUES (${pseudonym}, ${demographics}, 1)`);
  const stay = { resourceType: 'Encounter', id: `enc-${n}`, status: 'finished', class: { code: 'IMP' } };
  db.run(sql`INSERT INTO resource (key, type, pseudonym, start_day, end_day, codes, body, batch_id)
    VALUES (${`k-enc-${n}`}, 'Encounter', ${pseudonym}, ${startDay}, ${endDay}, ${JSON.stringify([IMP])}, ${JSON.stringify(stay)}, 1)`);
  return db;
}

test('imaging studies dated within the stay are counted, those outside are not', () => {
  const db = storeWithStay('aa11', 1, 1000, 1006, sql`'female', '60-64'`);
  for (const [uid, day] of [['2.25.1', 999], ['2.25.2', 1000], ['2.25.3', 1004], ['2.25.4', 1006], ['2.25.5', 1007], ['2.25.6', null]] as const) {
    db.run(sql`INSERT INTO imaging_study (study_uid, pseudonym, modalities, study_day, batch_id) VALUES (${uid}, 'aa11', 'CT', ${day}, 1)`);
  }
  const [full] = extractIndexAdmissions(db);
  assert.equal(full!.features.imagingStudiesDuringStay, 3, 'days 1000, 1004 and 1006 of a stay from 1000 to 1006');
  assert.deepEqual(extractIndexAdmissionsOf(db, ['aa11']), [full]);
  const column = FEATURE_SET.features.findIndex((f) => f.name === 'imaging_during_stay');
  assert.equal(featureVector(full!.features)[column], 3);
});

test('storing a dated study marks the patient stale, and a refresh picks the study up', () => {
  const db = storeWithStay('bb22', 2, 50, 53);
  db.run(sql`INSERT INTO admission_features_stale (pseudonym) VALUES ('bb22')`);
  refreshIndexAdmissions(db);
  assert.equal(readIndexAdmissions(db)[0]!.features.imagingStudiesDuringStay, 0);
  assert.equal(db.pluck<number>(sql`SELECT count(*) FROM admission_features_stale`), 0);

  const writer = new ImagingWriter(db, 1);
  db.transaction(() =>
    writer.addInstance({
      pseudonym: 'bb22', studyUid: '2.25.9', studyDay: 51, seriesUid: '2.25.10', modality: 'MR', bodyPart: null,
      sopClassUid: '1.2.840.10008.5.1.4.1.1.4', sopInstanceUid: '2.25.11', fileSha256: 'a'.repeat(64), relativePath: 'dicom/aa/x.dcm',
      pixelSha256: null, frames: 1, bytes: 100, transferSyntax: '1.2.840.10008.1.2.1',
    }),
  );
  assert.equal(db.pluck<number>(sql`SELECT count(*) FROM admission_features_stale WHERE pseudonym = 'bb22'`), 1);
  refreshIndexAdmissions(db);
  assert.equal(readIndexAdmissions(db)[0]!.features.imagingStudiesDuringStay, 1);
});

test('a cache computed under another feature-set version is recomputed before it is read', () => {
  const db = storeWithStay('cc33', 3, 10, 12);
  refreshIndexAdmissions(db);
  // As an older version would have left it: a row without the newer feature, no stale mark.
  const [row] = readIndexAdmissions(db);
  const { imagingStudiesDuringStay: _dropped, ...older } = row!.features;
  db.run(sql`UPDATE index_admission SET admission = ${JSON.stringify({ ...row, features: older })}`);
  db.run(sql`UPDATE meta SET value = 'readmission-30d 1.0.0' WHERE key = 'index-admission-cache:feature-set'`);
  assert.equal(readIndexAdmissions(db)[0]!.features.imagingStudiesDuringStay, undefined);
  refreshIndexAdmissions(db);
  assert.equal(readIndexAdmissions(db)[0]!.features.imagingStudiesDuringStay, 0);
});
