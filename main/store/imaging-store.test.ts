import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openMemory } from './database.ts';
import { ImagingWriter, type StoredImagingInstance } from './imaging-writer.ts';
import { ImagingStore, discardQuarantinedFile } from './imaging-store.ts';
import { migrate } from './migrations/index.ts';
import { ResearchStore } from './research-store.ts';
import { sql } from './sql.ts';

function store() {
  const db = openMemory();
  migrate(db);
  db.run(sql`INSERT INTO import_batch (id, started_at, status, policy_name, policy_version) VALUES (1, 'now', 'running', 'p', '1')`);
  return { db, writer: new ImagingWriter(db, 1), reads: new ImagingStore(db) };
}

const instance = (n: number, extra: Partial<StoredImagingInstance> = {}): StoredImagingInstance => ({
  pseudonym: 'aaaa0000aaaa0000',
  studyUid: '2.25.100',
  studyDay: 18000,
  seriesUid: '2.25.200',
  modality: 'CT',
  bodyPart: 'CHEST',
  sopClassUid: '1.2.840.10008.5.1.4.1.1.2',
  sopInstanceUid: `2.25.300${n}`,
  fileSha256: String(n).repeat(64).slice(0, 64),
  relativePath: `dicom/00/${n}.dcm`,
  pixelSha256: null,
  frames: 1,
  bytes: 1000,
  transferSyntax: '1.2.840.10008.1.2.1',
  ...extra,
});

test('instances add up per series and study, modalities merge, and a second write changes nothing', () => {
  const { db, writer, reads } = store();
  writer.addPatient({ pseudonym: 'aaaa0000aaaa0000', sex: 'female', ageGroup: '40-44' });
  assert.equal(writer.addInstance(instance(1)), true);
  assert.equal(writer.addInstance(instance(2)), true);
  assert.equal(writer.addInstance(instance(3, { seriesUid: '2.25.201', modality: 'PT' })), true);
  assert.equal(writer.addInstance(instance(1)), false, 'the same instance again is not new');
  const page = reads.listStudies({ offset: 0, limit: 10 });
  assert.equal(page.total, 1);
  assert.deepEqual(page.studies[0]!.modalities, ['CT', 'PT']);
  assert.equal(page.studies[0]!.series, 2);
  assert.equal(page.studies[0]!.instances, 3);
  assert.deepEqual(page.byModality, [{ modality: 'CT', studies: 1 }, { modality: 'PT', studies: 1 }]);
  assert.equal(reads.listStudies({ offset: 0, limit: 10, modality: 'PT' }).total, 1);
  assert.equal(reads.listStudies({ offset: 0, limit: 10, modality: 'P' }).total, 0, 'whole modality codes only');
  db.close();
});

test('a patient first seen in DICOM never overwrites FHIR demographics', () => {
  const { db, writer } = store();
  db.run(sql`INSERT INTO patient (pseudonym, sex, age_group, first_batch_id) VALUES ('bbbb', 'male', '60-64', 1)`);
  writer.addPatient({ pseudonym: 'bbbb', sex: 'female', ageGroup: null });
  assert.deepEqual(db.get(sql`SELECT sex, age_group FROM patient WHERE pseudonym = 'bbbb'`), { sex: 'male', age_group: '60-64' });
  db.close();
});

test('imaging studies join the patient timeline as ImagingStudy events with modality codes', () => {
  const { db, writer } = store();
  writer.addPatient({ pseudonym: 'aaaa0000aaaa0000', sex: null, ageGroup: null });
  writer.addInstance(instance(1));
  db.run(sql`INSERT INTO resource (key, type, pseudonym, start_day, end_day, codes, body, batch_id)
    VALUES ('r1', 'Encounter', 'aaaa0000aaaa0000', 17990, 17991, '[]', '{"class":{"code":"IMP"}}', 1)`);
  const detail = new ResearchStore(db).getPatient('aaaa0000aaaa0000')!;
  assert.deepEqual(detail.timeline.map((e) => [e.day, e.type]), [[0, 'Encounter'], [10, 'ImagingStudy']]);
  assert.deepEqual(detail.timeline[1]!.codes, ['http://dicom.nema.org/resources/ontology/DCM|CT']);
  assert.equal(detail.timeline[1]!.detail, '1 series, 1 instances');
  db.close();
});

test('held-back files are kept once per fingerprint; discarding records who and when, once', () => {
  const { db, writer, reads } = store();
  const record = { reason: 'Burned In Annotation (0028,0301) is YES', sopClassUid: '1.2.840.10008.5.1.4.1.1.7', modality: 'OT', pseudonym: 'cccc', studyDay: null, bytes: 42, sourceFingerprint: 'f'.repeat(32) };
  assert.equal(writer.quarantine(record), true);
  assert.equal(writer.quarantine(record), false);
  const page = reads.listQuarantine({ offset: 0, limit: 10 });
  assert.equal(page.total, 1);
  assert.equal(page.pending, 1);
  const id = page.items[0]!.id;
  assert.equal(discardQuarantinedFile(db, id, 'steward', new Date('2030-01-01T00:00:00Z')), record.reason);
  assert.equal(discardQuarantinedFile(db, id, 'steward'), null, 'already discarded');
  assert.throws(() => discardQuarantinedFile(db, 999, 'steward'), /no held-back DICOM file/);
  const after = reads.listQuarantine({ offset: 0, limit: 10 });
  assert.equal(after.pending, 0);
  assert.equal(after.items[0]!.state, 'discarded');
  assert.equal(after.items[0]!.decidedBy, 'steward');
  db.close();
});
