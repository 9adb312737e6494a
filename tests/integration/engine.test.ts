import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { createEngine } from '../../main/engine.ts';
import { passphraseKeyProtector } from '../../main/store/key-protector.ts';
import { LATEST_SCHEMA_VERSION } from '../../main/store/migrations/index.ts';
import { tempDir, testEngine, TEST_PASSPHRASE } from './helpers.ts';

test('first run creates the store, the institution profile, an init audit entry and activates the bundled model', async (t) => {
  const dir = tempDir('engine-init');
  t.after(dir.remove);
  const engine = await testEngine(dir.path, { id: 'uk-test', displayName: 'University Hospital Test' });
  const status = await engine.getStatus();
  assert.deepEqual(status.institution, { id: 'uk-test', displayName: 'University Hospital Test' });
  assert.equal(status.schemaVersion, LATEST_SCHEMA_VERSION);
  assert.equal(status.policy.name, 'HIPAA Safe Harbor');
  assert.equal(status.counts.patients, 0);
  const audit = await engine.listAudit({ offset: 0, limit: 10 });
  // Newest first: the bundled baseline model is registered and activated once, after init.
  assert.deepEqual(audit.entries.map((e) => e.action), ['model.activate', 'model.register', 'init']);
  assert.equal((await engine.listModels()).models[0]?.stage, 'active');
  await engine.close();

  const db = new Database(join(dir.path, 'dataspace.sqlite'), { readonly: true });
  assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
  db.close();

  const again = await testEngine(dir.path, { id: 'other-id', displayName: 'ignored on later runs' });
  assert.equal((await again.getStatus()).institution.id, 'uk-test');
  assert.equal((await again.listAudit({ offset: 0, limit: 10 })).total, 3, 'a later run registers nothing again');
  await again.close();
});

test('a wrong passphrase is refused with a clear error', async (t) => {
  const dir = tempDir('engine-pass');
  t.after(dir.remove);
  await (await testEngine(dir.path)).close();
  await assert.rejects(
    createEngine({ dataDir: dir.path, keyProtector: passphraseKeyProtector('not the passphrase') }),
    (e: Error & { code?: string }) => e.code === 'wrong-passphrase',
  );
});

test('a data folder from a newer version is refused and left as it was', async (t) => {
  const dir = tempDir('engine-newer');
  t.after(dir.remove);
  await (await testEngine(dir.path)).close();
  const file = join(dir.path, 'dataspace.sqlite');
  const db = new Database(file);
  db.pragma(`user_version = ${LATEST_SCHEMA_VERSION + 10}`);
  db.close();
  await assert.rejects(
    createEngine({ dataDir: dir.path, keyProtector: passphraseKeyProtector(TEST_PASSPHRASE, 'test') }),
    (e: Error & { code?: string }) => e.code === 'schema-newer',
  );
  const after = new Database(file, { readonly: true });
  assert.equal(after.pragma('user_version', { simple: true }), LATEST_SCHEMA_VERSION + 10);
  after.close();
});

test('an import of a path that does not exist fails with the reason, and the batch says so', async (t) => {
  const dir = tempDir('engine-missing');
  t.after(dir.remove);
  const engine = await testEngine(dir.path);
  const job = await engine.waitForImport((await engine.startImport({ paths: [join(dir.path, 'no-such-export')] })).jobId);
  assert.equal(job.state, 'failed');
  assert.match(job.error?.message ?? '', /no-such-export|not exist|not found/i);
  const { batches } = await engine.listImportBatches();
  assert.equal(batches[0]?.status, 'failed');
  await engine.close();
});

test('cancelling an import stops it and records the batch as cancelled', async (t) => {
  const dir = tempDir('engine-cancel');
  t.after(dir.remove);
  const { writeFileSync } = await import('node:fs');
  const lines: string[] = [];
  for (let i = 0; i < 20000; i++) {
    lines.push(JSON.stringify({ resourceType: 'Patient', id: `c${i}`, gender: 'other', identifier: [{ system: 'urn:x', value: `MRN-${i}` }] }));
  }
  const input = join(dir.path, 'Patient.ndjson');
  writeFileSync(input, lines.join('\n'));
  const engine = await testEngine(join(dir.path, 'data'));
  const { jobId } = await engine.startImport({ paths: [input] });
  await new Promise<void>((resolve) => {
    const off = engine.onEvent((e) => {
      if (e.type === 'import.progress' && e.job.jobId === jobId && e.job.totals.accepted > 0) {
        off();
        resolve();
      }
    });
  });
  assert.equal((await engine.cancelImport({ jobId })).cancelled, true);
  const job = await engine.waitForImport(jobId);
  assert.equal(job.state, 'cancelled');
  assert.ok(job.totals.accepted < 20000);
  const { batches } = await engine.listImportBatches();
  assert.equal(batches[0]?.status, 'cancelled');
  await engine.close();
});
