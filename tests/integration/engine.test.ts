import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { createEngine } from '../../main/engine.ts';
import { passphraseKeyProtector } from '../../main/store/key-protector.ts';
import { LATEST_SCHEMA_VERSION } from '../../main/store/migrations/index.ts';
import { syntheticCtInstance, writeInstanceWithDcmjs } from '../../main/deid/dicom/marker-fixture.ts';
import { REPO_ROOT, tempDir, testEngine, TEST_PASSPHRASE } from './helpers.ts';

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

test('one engine per data folder: a second is refused while the first is open, in this process or another, and a killed holder frees it', { timeout: 120_000 }, async (t) => {
  const dir = tempDir('engine-lock');
  t.after(dir.remove);
  const first = await testEngine(dir.path);
  const inUse = (holder: RegExp) => (e: Error & { code?: string }) => e.code === 'data-folder-in-use' && holder.test(e.message);
  await assert.rejects(testEngine(dir.path), inUse(new RegExp(`in use by another DataSpace Node engine \\(test, process ${process.pid}, this process, since \\d{4}-`)));
  await first.close();
  await (await testEngine(dir.path)).close();

  // Another process holds it (as the desktop app would while a scheduled import starts).
  const holderScript = `const { createEngine } = await import(${JSON.stringify(join(REPO_ROOT, 'main/engine.ts'))});
    const { passphraseKeyProtector } = await import(${JSON.stringify(join(REPO_ROOT, 'main/store/key-protector.ts'))});
    await createEngine({ dataDir: ${JSON.stringify(dir.path)}, keyProtector: passphraseKeyProtector(${JSON.stringify(TEST_PASSPHRASE)}, 'test'), actor: 'desktop' });
    console.log('holding'); setInterval(() => {}, 1000);`;
  const holder = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', holderScript], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise<string | null>((resolve) => holder.on('exit', (_code, signal) => resolve(signal)));
  await new Promise<void>((resolve, reject) => {
    holder.stdout.on('data', (d: Buffer) => d.toString().includes('holding') && resolve());
    holder.on('exit', () => reject(new Error('the holding process ended early')));
  });
  await assert.rejects(testEngine(dir.path), inUse(new RegExp(`\\(desktop, process ${holder.pid}, since `)));
  // The CLI says so and exits with EX_TEMPFAIL (75), so a scheduler can tell "try later" from a failure.
  const cli = spawnSync(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'main/host/cli.ts'), 'status', '--data-dir', dir.path], {
    cwd: REPO_ROOT, encoding: 'utf8', env: { ...process.env, DATASPACE_PASSPHRASE: TEST_PASSPHRASE },
  });
  assert.equal(cli.status, 75, cli.stderr);
  assert.match(cli.stderr, new RegExp(`dataspace status: The data folder .* is in use by another DataSpace Node engine \\(desktop, process ${holder.pid}`));
  // With --wait it waits instead: still 75 if the holder outlasts the wait; when the holder goes
  // within it, the command runs.
  const cliArgs = (...extra: string[]) => ['--import', 'tsx', join(REPO_ROOT, 'main/host/cli.ts'), 'status', '--json', '--data-dir', dir.path, ...extra];
  const cliEnv = { ...process.env, DATASPACE_PASSPHRASE: TEST_PASSPHRASE };
  const shortWait = spawnSync(process.execPath, cliArgs('--wait', '1'), { cwd: REPO_ROOT, encoding: 'utf8', env: cliEnv });
  assert.equal(shortWait.status, 75, shortWait.stderr);
  assert.match(shortWait.stderr, /Waiting up to 1 s for it/);
  const waiting = spawn(process.execPath, cliArgs('--wait', '120'), { cwd: REPO_ROOT, env: cliEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  let waitingOut = '';
  let waitingErr = '';
  waiting.stdout.on('data', (d: Buffer) => (waitingOut += d.toString()));
  const waitingExit = new Promise<number | null>((resolve) => waiting.on('exit', (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    waiting.stderr.on('data', (d: Buffer) => {
      waitingErr += d.toString();
      if (waitingErr.includes('Waiting up to 120 s')) resolve();
    });
    waiting.on('exit', () => reject(new Error(`the waiting CLI ended before the holder did: ${waitingErr}`)));
  });

  holder.kill('SIGKILL');
  assert.equal(await exited, 'SIGKILL');
  assert.equal(await waitingExit, 0, waitingErr);
  assert.equal(JSON.parse(waitingOut).status.institution.id, 'test-inst', 'the waiting command ran once the folder was free');
  assert.equal(spawnSync(process.execPath, cliArgs('--wait', 'soon'), { cwd: REPO_ROOT, encoding: 'utf8', env: cliEnv }).status, 2, 'a --wait that is not a number is a usage error');
  const after = await testEngine(dir.path);
  assert.equal((await after.getStatus()).institution.id, 'test-inst', 'the lock went with the killed process; nothing else was touched');
  await after.close();
});

test('an engine that keeps an import thread ready runs FHIR and DICOM imports on it, one after another, cancels on it, and closes without waiting for the idle thread', async (t) => {
  const dir = tempDir('engine-ready-worker');
  t.after(dir.remove);
  const { writeFileSync } = await import('node:fs');
  const patients = (prefix: string, count: number) =>
    Array.from({ length: count }, (_, i) => JSON.stringify({ resourceType: 'Patient', id: `${prefix}${i}`, gender: 'other', identifier: [{ system: 'urn:x', value: `${prefix}-MRN-${i}` }] })).join('\n');
  const first = join(dir.path, 'first.ndjson');
  const second = join(dir.path, 'second.dcm');
  writeFileSync(first, patients('a', 2));
  // The ready import thread has its DICOM threads started too: this job uses them.
  writeFileSync(second, writeInstanceWithDcmjs(syntheticCtInstance({ '00100020': { vr: 'LO', Value: ['READY-MRN-1'] } })));
  const engine = await createEngine({ dataDir: join(dir.path, 'data'), keyProtector: passphraseKeyProtector(TEST_PASSPHRASE, 'test'), actor: 'test', keepImportWorkerReady: true });
  // The first job takes the thread started with the engine; the second, the one started after the first ended.
  for (const [input, expected] of [[first, 2], [second, 1]] as const) {
    const job = await engine.waitForImport((await engine.startImport({ paths: [input] })).jobId);
    assert.equal(job.state, 'done', JSON.stringify(job.error));
    assert.equal(job.totals.accepted, expected);
  }
  // Options refused before any file is read: the job fails with the reason, and the DICOM threads
  // started ahead for it are stopped with its thread (close below would wait for them otherwise).
  const refused = await engine.waitForImport((await engine.startImport({ paths: [second], dicom: { retainSafePrivate: true, safePrivateAllowlist: ['(0008,"EVEN",10)'] } })).jobId);
  assert.equal(refused.state, 'failed');
  // A cancel sent before the thread has even read its job still ends the job.
  const { jobId } = await engine.startImport({ paths: [first] });
  await engine.cancelImport({ jobId });
  assert.match((await engine.waitForImport(jobId)).state, /^(cancelled|done)$/);
  await engine.settleImports();
  const { batches } = await engine.listImportBatches();
  assert.equal(batches.length, 4);
  assert.equal((await engine.listImagingStudies({ offset: 0, limit: 10 })).total, 1);
  await engine.close();
});
