import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openMemory } from '../database.ts';
import { sql } from '../sql.ts';
import { migration0010 } from './0010-initial.ts';
import { migration0020 } from './0020-dicom.ts';
import { migrate, schemaVersion } from './index.ts';

function migrated() {
  const db = openMemory();
  migrate(db, [migration0010, migration0020]);
  db.run(sql`INSERT INTO import_batch (id, started_at, status, policy_name, policy_version) VALUES (1, 'now', 'running', 'p', '1')`);
  db.run(sql`INSERT INTO patient (pseudonym, first_batch_id) VALUES ('p1', 1)`);
  return db;
}

const columns = (db: ReturnType<typeof openMemory>, table: string) =>
  db.all<{ name: string }>(sql`SELECT name FROM pragma_table_info(${table})`).map((c) => c.name);

test('0020-dicom upgrades a 0010 database and creates STRICT imaging and quarantine tables', () => {
  const db = openMemory();
  migrate(db, [migration0010]);
  assert.deepEqual(migrate(db, [migration0010, migration0020]), [20]);
  assert.equal(schemaVersion(db), 20);
  for (const table of ['imaging_study', 'imaging_series', 'imaging_instance', 'dicom_quarantine']) {
    const strict = db.pluck<number>(sql`SELECT strict FROM pragma_table_list WHERE name = ${table}`);
    assert.equal(strict, 1, `${table} is STRICT`);
  }
  assert.ok(columns(db, 'import_batch').includes('dicom_policy'));
  db.close();
});

test('no column can hold a source path, name or calendar date', () => {
  const db = migrated();
  const all = ['imaging_study', 'imaging_series', 'imaging_instance', 'dicom_quarantine'].flatMap((t) => columns(db, t));
  for (const name of all) assert.doesNotMatch(name, /(source_path|file_name|patient_name|_date$|description)/, name);
  assert.ok(!columns(db, 'imaging_study').includes('description'), 'no free-text description');
  assert.deepEqual(columns(db, 'dicom_quarantine'), [
    'id', 'reason', 'sop_class_uid', 'modality', 'pseudonym', 'study_day', 'bytes', 'source_fingerprint', 'state', 'batch_id', 'decided_at', 'decided_by',
  ]);
  db.close();
});

test('types, keys and states are enforced', () => {
  const db = migrated();
  db.run(sql`INSERT INTO imaging_study (study_uid, pseudonym, modalities, study_day, batch_id) VALUES ('2.25.1', 'p1', 'CT', 100, 1)`);
  assert.throws(() => db.run(sql`INSERT INTO imaging_study (study_uid, pseudonym, modalities, study_day, batch_id) VALUES ('2.25.2', 'p1', 'CT', '2020-01-01', 1)`), /cannot store TEXT value in INTEGER column/);
  assert.throws(() => db.run(sql`INSERT INTO imaging_study (study_uid, pseudonym, modalities, batch_id) VALUES ('2.25.3', 'nobody', 'CT', 1)`), /FOREIGN KEY/);
  assert.throws(() => db.run(sql`INSERT INTO imaging_series (series_uid, study_uid, sop_class_uid) VALUES ('2.25.9', '2.25.404', '1.2')`), /FOREIGN KEY/);
  const quarantine = (fingerprint: string, state = 'pending') =>
    db.run(sql`INSERT INTO dicom_quarantine (reason, bytes, source_fingerprint, state, batch_id) VALUES ('r', 10, ${fingerprint}, ${state}, 1)`);
  quarantine('f1');
  assert.throws(() => quarantine('f1'), /UNIQUE/);
  assert.throws(() => quarantine('f2', 'released'), /CHECK/);
  db.close();
});
