import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { copyFileSync, cpSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import {
  collectFhirMarkers,
  foreignKeyViolations,
  readJsonInputs,
  REPO_ROOT,
  scanForMarkers,
  sharedData,
  tempDir,
  testEngine,
  TEST_PASSPHRASE,
  writtenText,
} from './helpers.ts';

const fhirDir = sharedData('fhir');
const SKIP_REASON = 'shared FHIR test data (../shared/data/fhir) is absent';

function tableCounts(databaseFile: string): { patient: number; patient_alias: number; resource: number } {
  const db = new Database(databaseFile, { readonly: true });
  const counts = { patient: 0, patient_alias: 0, resource: 0 };
  for (const table of ['patient', 'patient_alias', 'resource'] as const) {
    counts[table] = Number(db.prepare(`SELECT count(*) FROM ${table}`).pluck().get());
  }
  db.close();
  return counts;
}

test('importing the shared FHIR data leaves no identifier anywhere in the data folder', { timeout: 600_000 }, async (t) => {
  if (!fhirDir) return t.skip(SKIP_REASON);
  const dir = tempDir('fhir-privacy');
  t.after(dir.remove);
  const engine = await testEngine(dir.path);
  const { jobId } = await engine.startImport({ paths: [fhirDir] });
  const job = await engine.waitForImport(jobId);
  const status = await engine.getStatus();
  await engine.close();

  assert.equal(job.state, 'done', JSON.stringify(job.error));
  // 30 Synthea bundles + 13 bulk patients + the HL7 example patients
  assert.ok(status.counts.patients >= 43, `patients: ${status.counts.patients}`);
  assert.ok(status.counts.encounters > 1000 && status.counts.observations > 1000, JSON.stringify(status.counts));
  assert.ok(job.totals.skipped > 0 && job.skippedByType.Claim! > 0, 'unsupported types are counted as skipped');
  assert.ok(job.totals.rejected > 0 && job.issues.every((i) => i.position && i.reason), 'rejections carry a position and reason');

  const markers = collectFhirMarkers(readJsonInputs(fhirDir));
  // The only dates the node writes are its own timestamps (audit, batches): today, never a patient's.
  const today = new Date().toISOString().slice(0, 10);
  markers.dates.delete(today);
  const classes = Object.entries(markers) as [string, Set<string>][];
  for (const [name, set] of classes) assert.ok(set.size > 0 || name === 'emails', `collected some ${name}`);
  const views = writtenText(dir.path);
  for (const [name, set] of classes) {
    const hits = scanForMarkers(views, set);
    assert.deepEqual(hits, [], `${name} found in the data folder (${set.size} searched)`);
  }
});

test('re-importing the same files, or a copy of one, adds no rows', { timeout: 300_000 }, async (t) => {
  const bulk = sharedData('fhir/bulk-ndjson-smart/10-patients');
  if (!bulk) return t.skip(SKIP_REASON);
  const dir = tempDir('fhir-reimport');
  t.after(dir.remove);
  const engine = await testEngine(join(dir.path, 'data'));
  const first = await engine.waitForImport((await engine.startImport({ paths: [bulk] })).jobId);
  assert.equal(first.state, 'done');
  assert.ok(first.totals.inserted > 0);
  const database = join(dir.path, 'data', 'dataspace.sqlite');
  const before = tableCounts(database);

  const second = await engine.waitForImport((await engine.startImport({ paths: [bulk] })).jobId);
  assert.equal(second.totals.inserted, 0);
  assert.ok(second.files.every((f) => f.state === 'skipped'), 'unchanged files are recognised');

  // A copy under another name is read again record by record: every record is already there.
  const copyDir = join(dir.path, 'copy');
  mkdirSync(copyDir);
  copyFileSync(join(bulk, 'Patient.000.ndjson'), join(copyDir, 'Patient.000.ndjson'));
  copyFileSync(join(bulk, 'Encounter.000.ndjson'), join(copyDir, 'Encounter.000.ndjson'));
  const third = await engine.waitForImport((await engine.startImport({ paths: [copyDir] })).jobId);
  assert.equal(third.state, 'done');
  assert.equal(third.totals.inserted, 13, 'patients are upserted, counted again');
  assert.equal(third.totals.unchanged, 1215, 'every encounter was already stored unchanged');
  assert.deepEqual(tableCounts(database), before);
  await engine.close();
});

/** A Bulk-export-like workload big enough that an import takes a few seconds. */
/**
 * Patients in Patient.000.ndjson and their encounters in Encounter.000.ndjson; with `mixed`, every
 * third Patient is written into the encounter file instead, after its encounters (a file holding
 * several types, where each import shard must find the other shard's Patient lines).
 */
function writeWorkload(dir: string, patients: number, encountersPerPatient: number, mixed = false): number {
  mkdirSync(dir, { recursive: true });
  const p: string[] = [];
  const e: string[] = [];
  for (let i = 0; i < patients; i++) {
    const patientLines = mixed && i % 3 === 0 ? e : p;
    const patientLine = JSON.stringify({
      resourceType: 'Patient', id: `p${i}`, gender: i % 2 ? 'male' : 'female', birthDate: `19${50 + (i % 40)}-0${1 + (i % 9)}-1${i % 10}`,
      identifier: [{ type: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0203', code: 'MR' }] }, system: 'urn:test:mrn', value: `MRN-${i}` }],
      name: [{ family: `Family${i}`, given: [`Given${i}`] }],
    });
    if (patientLines === p) p.push(patientLine);
    for (let j = 0; j < encountersPerPatient; j++) {
      e.push(JSON.stringify({
        resourceType: 'Encounter', id: `e${i}-${j}`, status: 'finished',
        class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: j % 3 ? 'AMB' : 'IMP' },
        subject: { reference: `Patient/p${i}` },
        period: { start: `2019-0${1 + (j % 9)}-10T08:00:00Z`, end: `2019-0${1 + (j % 9)}-1${2 + (j % 7)}T08:00:00Z` },
      }));
    }
    if (patientLines === e) e.push(patientLine);
  }
  writeFileSync(join(dir, 'Patient.000.ndjson'), p.join('\n') + '\n');
  writeFileSync(join(dir, 'Encounter.000.ndjson'), e.join('\n') + '\n');
  return patients + patients * encountersPerPatient;
}

/**
 * A Claim file (a type the store does not keep) of `lines` lines: one in the middle is not JSON
 * but looks complete, the last is cut short. Claims are counted from their leading resourceType
 * without being parsed, so the first is counted as skipped; the cut one is parsed and rejected.
 */
function writeClaims(dir: string, lines: number): { skipped: number; cutLine: string } {
  const claim = (i: number) => JSON.stringify({ resourceType: 'Claim', id: `c${i}`, status: 'active', patient: { reference: `Patient/p${i}` } });
  const out = Array.from({ length: lines - 1 }, (_, i) => claim(i));
  out[Math.floor(lines / 2)] = '{"resourceType":"Claim","id":"broken" "status":}';
  out.push(claim(lines).slice(0, 40));
  writeFileSync(join(dir, 'Claim.000.ndjson'), out.join('\n') + '\n');
  return { skipped: lines - 1, cutLine: `line ${lines}` };
}

function runCliImport(dataDir: string, input: string, env: Record<string, string> = {}) {
  const child = spawn(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'main/host/cli.ts'), 'import', input, '--data-dir', dataDir, '--json'], {
    cwd: REPO_ROOT,
    env: { ...process.env, DATASPACE_PASSPHRASE: TEST_PASSPHRASE, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  child.stdout.on('data', (d) => (stdout += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, exited, stdout: () => stdout };
}

test('killing the import process mid-run loses no committed work and the re-run matches a clean import', { timeout: 600_000 }, async (t) => {
  const dir = tempDir('fhir-kill');
  t.after(dir.remove);
  const input = join(dir.path, 'input');
  writeWorkload(input, 3000, 12);

  // Initialise both data folders first so the kill lands in the import, not in set-up.
  for (const name of ['killed', 'clean']) await (await testEngine(join(dir.path, name))).close();
  const killedDb = join(dir.path, 'killed', 'dataspace.sqlite');

  const victim = runCliImport(join(dir.path, 'killed'), input);
  const deadline = Date.now() + 120_000;
  let seen = 0;
  while (Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
    seen = tableCounts(killedDb).resource;
    if (seen > 0) break;
  }
  assert.ok(seen > 0, 'the import committed something before the kill');
  victim.child.kill('SIGKILL');
  await victim.exited;
  const partial = tableCounts(killedDb).resource;
  assert.ok(partial < 36000, `killed before the end (${partial} of 36000 stored)`);

  const rerun = runCliImport(join(dir.path, 'killed'), input);
  assert.equal(await rerun.exited, 0);
  const clean = runCliImport(join(dir.path, 'clean'), input);
  assert.equal(await clean.exited, 0);
  const cleanJob = JSON.parse(clean.stdout()).import;
  assert.equal(cleanJob.totals.accepted, 3000 + 36000);
  assert.deepEqual(tableCounts(killedDb), tableCounts(join(dir.path, 'clean', 'dataspace.sqlite')));
  assert.deepEqual(foreignKeyViolations(killedDb), [], 'every resource row has its patient and batch');

  const db = new Database(killedDb, { readonly: true });
  const statuses = db.prepare('SELECT status FROM import_batch ORDER BY id').pluck().all();
  db.close();
  assert.deepEqual(statuses, ['interrupted', 'done'], 'the killed batch is marked interrupted on the next start');
});

test('an import split across two threads stores exactly what a single-threaded import stores', { timeout: 600_000 }, async (t) => {
  const dir = tempDir('fhir-shards');
  t.after(dir.remove);
  const input = join(dir.path, 'input');
  writeWorkload(input, 6000, 12, true); // about 20 MB: over the size at which imports are split
  const claims = writeClaims(input, 3000);
  // One initialised data folder, copied, so both imports use the same institution key.
  await (await testEngine(join(dir.path, 'single'))).close();
  cpSync(join(dir.path, 'single'), join(dir.path, 'sharded'), { recursive: true });
  const single = runCliImport(join(dir.path, 'single'), input, { DATASPACE_IMPORT_SHARDS: '1' });
  assert.equal(await single.exited, 0);
  const sharded = runCliImport(join(dir.path, 'sharded'), input, { DATASPACE_IMPORT_SHARDS: '2' });
  assert.equal(await sharded.exited, 0);
  const a = JSON.parse(single.stdout()).import;
  const b = JSON.parse(sharded.stdout()).import;
  assert.deepEqual(b.totals.accepted, a.totals.accepted);
  assert.equal(a.totals.accepted, 6000 + 72000);
  assert.equal(b.totals.inserted, a.totals.inserted);
  for (const job of [a, b]) {
    assert.equal(job.skippedByType.Claim, claims.skipped, 'Claim lines are counted by type, once, in both modes');
    assert.deepEqual(job.issues.map((i: { position: string }) => i.position), [claims.cutLine], 'the cut Claim line is reported');
  }
  const dump = (name: string) => {
    const db = new Database(join(dir.path, name, 'dataspace.sqlite'), { readonly: true });
    const rows = {
      resources: db.prepare('SELECT key, type, pseudonym, start_day, end_day, codes, body FROM resource ORDER BY key').raw().all(),
      patients: db.prepare('SELECT pseudonym, sex, age_group, birth_year, birth_day, encounters FROM patient ORDER BY pseudonym').raw().all(),
      aliases: db.prepare('SELECT ref_key, pseudonym FROM patient_alias ORDER BY ref_key').raw().all(),
      files: db.prepare('SELECT completed, content_sha256, accepted FROM source_file ORDER BY content_sha256').raw().all(),
    };
    db.close();
    return rows;
  };
  for (const name of ['single', 'sharded']) assert.deepEqual(foreignKeyViolations(join(dir.path, name, 'dataspace.sqlite')), [], name);
  const singleRows = dump('single');
  assert.deepEqual(dump('sharded'), singleRows);
  // A file is marked complete only once the resources that waited for a later Patient line are
  // stored too (a re-run after a crash skips complete files), so its count includes them.
  assert.deepEqual(singleRows.files.map((f) => (f as unknown[])[2]).sort(), [0, 4000, 72000 + 2000]); // Claims are skipped
});

test('a tampered audit row is reported by dataspace audit verify', { timeout: 120_000 }, async (t) => {
  const dir = tempDir('audit-cli');
  t.after(dir.remove);
  await (await testEngine(dir.path)).close();
  const verify = () =>
    new Promise<{ code: number | null; out: string }>((resolve) => {
      const child = spawn(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'main/host/cli.ts'), 'audit', 'verify', '--json', '--data-dir', dir.path], {
        cwd: REPO_ROOT,
        env: { ...process.env, DATASPACE_PASSPHRASE: TEST_PASSPHRASE },
      });
      let out = '';
      child.stdout.on('data', (d) => (out += d));
      child.on('exit', (code) => resolve({ code, out }));
    });
  const ok = await verify();
  assert.equal(ok.code, 0);
  assert.equal(JSON.parse(ok.out).verify.ok, true);

  const db = new Database(join(dir.path, 'dataspace.sqlite'));
  db.prepare(`UPDATE audit SET actor = 'someone-else' WHERE seq = 1`).run();
  db.close();
  const broken = await verify();
  assert.equal(broken.code, 1);
  const result = JSON.parse(broken.out);
  assert.equal(result.verify.ok, false);
  assert.deepEqual(result.problems.map((p: { seq: number; kind: string }) => [p.seq, p.kind]), [[1, 'edited']]);
});
