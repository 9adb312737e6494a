// The writer thread groups batches into larger transactions: what a flush, a quiet spell, a failure
// and close each mean for what is committed, seen from another connection as the app would see it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openReadable, openWritable } from '../store/database.ts';
import { createImportBatch } from '../store/import-writer.ts';
import type { StoredPatient, StoredResource } from '../store/import-writer.ts';
import { migrate } from '../store/migrations/index.ts';
import { ImportSink } from './store-sink.ts';

function setup(t: { after(fn: () => void): void }): { databaseFile: string; batchId: number } {
  const dir = mkdtempSync(join(tmpdir(), 'store-sink-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const databaseFile = join(dir, 'dataspace.sqlite');
  const db = openWritable(databaseFile);
  migrate(db);
  const batchId = createImportBatch(db, { name: 'test', version: '1' });
  db.close();
  return { databaseFile, batchId };
}

const patient = (pseudonym: string): StoredPatient => ({
  pseudonym,
  sex: null,
  ageGroup: null,
  birthYear: null,
  birthDay: null,
  deceased: false,
  deceasedDay: null,
  zip3: null,
  state: null,
  country: null,
});

const resource = (key: string, pseudonym: string): StoredResource => ({
  key,
  type: 'Condition',
  pseudonym,
  startDay: 1,
  endDay: null,
  codes: [],
  body: '{}',
});

function committedResources(databaseFile: string): number {
  const db = openReadable(databaseFile);
  try {
    return Number(db.pluck(sql('SELECT count(*) FROM resource')));
  } finally {
    db.close();
  }
}

// A constant query for the readable connection.
function sql(text: string) {
  return { text, params: [] };
}

test('flush commits everything sent so far; a batch left alone is committed after a quiet spell', async (t) => {
  const { databaseFile, batchId } = setup(t);
  const sink = new ImportSink({ databaseFile, batchId }, () => undefined);
  sink.upsertPatient(patient('p1'));
  sink.upsertResource(0, resource('r1', 'p1'));
  await sink.flush();
  assert.equal(committedResources(databaseFile), 1, 'flushed rows are visible to other connections');

  sink.upsertResource(0, resource('r2', 'p1'));
  await sink.endBatch();
  const deadline = Date.now() + 5_000;
  while (committedResources(databaseFile) < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  assert.equal(committedResources(databaseFile), 2, 'the writer commits an idle transaction by itself');
  await sink.close('done', () => ({ files: 0, accepted: 2, inserted: 2, rejected: 0, skipped: 0 }));
});

test('a failing batch rolls back the whole open transaction and fails the sink; close commits what was applied', async (t) => {
  const { databaseFile, batchId } = setup(t);
  const sink = new ImportSink({ databaseFile, batchId }, () => undefined);
  sink.upsertPatient(patient('p1'));
  await sink.flush();
  // Two batches back to back: the second breaks a constraint (a resource without a type).
  sink.upsertResource(0, resource('r1', 'p1'));
  await sink.endBatch();
  sink.upsertResource(0, { ...resource('r2', 'p1'), type: null as unknown as string });
  await sink.endBatch();
  await assert.rejects(sink.flush(), /The store writer failed: NOT NULL constraint failed: resource.type/);
  assert.equal(committedResources(databaseFile), 0, 'nothing of the failed transaction stays, not even the batch before');
  await assert.rejects(sink.close('failed', () => ({ files: 0, accepted: 0, inserted: 0, rejected: 0, skipped: 0 })));

  const again = new ImportSink({ databaseFile, batchId }, () => undefined);
  again.upsertResource(0, resource('r3', 'p1'));
  await again.endBatch();
  await again.close('done', () => ({ files: 0, accepted: 1, inserted: 1, rejected: 0, skipped: 0 }));
  assert.equal(committedResources(databaseFile), 1, 'close commits the open transaction');
  const db = openReadable(databaseFile);
  assert.equal(db.pluck(sql(`SELECT status FROM import_batch WHERE id = ${batchId}`)), 'done');
  db.close();
});

test('after a failed batch the writer applies no later one: a file is never marked complete without its rows', async (t) => {
  const { databaseFile, batchId } = setup(t);
  const sink = new ImportSink({ databaseFile, batchId }, () => undefined);
  sink.upsertPatient(patient('p1'));
  sink.beginFile({ fingerprint: 'f1', kind: 'fhir-ndjson', bytes: 10 });
  await sink.flush();
  // Three batches sent before the writer answers any: the file's last row, a row that breaks a
  // constraint (rolling both back), and the file's completion, already on its way.
  sink.upsertResource(0, resource('r1', 'p1'));
  const first = sink.endBatch();
  sink.upsertResource(0, { ...resource('r2', 'p1'), type: null as unknown as string });
  const second = sink.endBatch();
  sink.completeFile('f1', 'sha', { accepted: 1, rejected: 0, skipped: 0 });
  const third = sink.endBatch();
  await Promise.all([first, second, third]);
  await assert.rejects(sink.flush(), /The store writer failed: NOT NULL constraint failed: resource.type/);
  await assert.rejects(sink.close('failed', () => ({ files: 0, accepted: 0, inserted: 0, rejected: 0, skipped: 0 })));

  // close() gave up at once on the failed sink; wait until the writer thread holds no transaction.
  const deadline = Date.now() + 5_000;
  for (;;) {
    const probe = openWritable(databaseFile);
    try {
      probe.exec('BEGIN IMMEDIATE; ROLLBACK');
      break;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((r) => setTimeout(r, 20));
    } finally {
      probe.close();
    }
  }
  const db = openReadable(databaseFile);
  try {
    assert.equal(committedResources(databaseFile), 0, 'the rolled-back row is not there');
    assert.equal(db.pluck(sql(`SELECT completed FROM source_file WHERE fingerprint = 'f1'`)), 0, 'so the file is not marked complete, and a re-run imports it again');
  } finally {
    db.close();
  }
});
