// DICOM linked to the rest of the store: one study across separate imports, the same patient as
// FHIR through the Issuer of Patient ID → MRN system mapping, and the steward's quarantine review.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, sep } from 'node:path';
import Database from 'better-sqlite3';
import { syntheticCtInstance, writeInstanceWithDcmjs, type DcmjsDataset } from '../../main/deid/dicom/marker-fixture.ts';
import { findElement, stringValue } from '../../main/ingest/dicom/dicom-dataset.ts';
import { Tags, tagOf } from '../../main/ingest/dicom/dicom-tag.ts';
import { readDicom } from '../../main/ingest/dicom/read-dicom.ts';
import { REPO_ROOT, sharedData, tempDir, testEngine, TEST_PASSPHRASE } from './helpers.ts';

const CT = '1.2.840.10008.5.1.4.1.1.2';
const SECONDARY_CAPTURE = '1.2.840.10008.5.1.4.1.1.7';
const MRN_SYSTEM = 'http://hospital.example.org/fhir/mrn';

function writeDicom(dir: string, name: string, extra: DcmjsDataset): string {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, name);
  writeFileSync(path, writeInstanceWithDcmjs(syntheticCtInstance(extra)));
  return path;
}

/** `count` CT instances of one series in `dir`, SOP Instance UIDs `<uidRoot>.<i>`; returns `dir`. */
function writeInstances(dir: string, count: number, uidRoot: string): string {
  for (let i = 0; i < count; i++) {
    writeDicom(dir, `${String(i).padStart(4, '0')}.dcm`, { '00080018': { vr: 'UI', Value: [`${uidRoot}.${i}`] } });
  }
  return dir;
}

function storedInstances(dataDir: string): { sop_instance_uid: string; series_uid: string; relative_path: string }[] {
  const db = new Database(join(dataDir, 'dataspace.sqlite'), { readonly: true });
  const rows = db.prepare('SELECT sop_instance_uid, series_uid, relative_path FROM imaging_instance ORDER BY sop_instance_uid').all() as never[];
  db.close();
  return rows;
}

test('two imports of one study keep one study UID, and references between its instances resolve', { timeout: 120_000 }, async (t) => {
  const dir = tempDir('dicom-uids');
  t.after(dir.remove);
  const study = { '0020000D': { vr: 'UI', Value: ['1.2.826.0.1.3680043.10.777.1'] }, '00200052': { vr: 'UI', Value: ['1.2.826.0.1.3680043.10.777.9'] } };
  const first = writeDicom(join(dir.path, 'in-1'), 'a.dcm', { ...study, '0020000E': { vr: 'UI', Value: ['1.2.826.0.1.3680043.10.777.2'] }, '00080018': { vr: 'UI', Value: ['1.2.826.0.1.3680043.10.777.3.1'] } });
  const second = writeDicom(join(dir.path, 'in-2'), 'b.dcm', {
    ...study,
    '0020000E': { vr: 'UI', Value: ['1.2.826.0.1.3680043.10.777.4'] },
    '00080018': { vr: 'UI', Value: ['1.2.826.0.1.3680043.10.777.3.2'] },
    // Referenced Image Sequence → the first instance
    '00081140': { vr: 'SQ', Value: [{ '00081150': { vr: 'UI', Value: [CT] }, '00081155': { vr: 'UI', Value: ['1.2.826.0.1.3680043.10.777.3.1'] } }] },
  });
  const dataDir = join(dir.path, 'data');
  const engine = await testEngine(dataDir);
  for (const path of [first, second]) {
    const job = await engine.waitForImport((await engine.startImport({ paths: [path] })).jobId);
    assert.equal(job.totals.inserted, 1, JSON.stringify(job.issues));
  }
  const page = await engine.listImagingStudies({ offset: 0, limit: 10 });
  await engine.close();
  assert.equal(page.total, 1, 'one study');
  const [studyRow] = page.studies;
  assert.match(studyRow!.studyUid, /^2\.25\.\d+$/);
  assert.equal(studyRow!.series, 2);
  assert.equal(studyRow!.instances, 2);

  const rows = storedInstances(dataDir);
  const datasets = rows.map((r) => {
    const read = readDicom(readFileSync(join(dataDir, r.relative_path)));
    assert.ok(read.ok);
    return read.dataset;
  });
  for (const ds of datasets) {
    assert.equal(stringValue(ds, Tags.StudyInstanceUID), studyRow!.studyUid);
    assert.equal(stringValue(ds, Tags.FrameOfReferenceUID), stringValue(datasets[0]!, Tags.FrameOfReferenceUID));
  }
  const referencing = datasets.find((ds) => findElement(ds, tagOf(0x0008, 0x1140)))!;
  const referenced = datasets.find((ds) => ds !== referencing)!;
  const item = findElement(referencing, tagOf(0x0008, 0x1140))!.items![0]!.dataset;
  assert.equal(stringValue(item, Tags.ReferencedSOPInstanceUID), stringValue(referenced, Tags.SOPInstanceUID), 'the reference resolves');
  assert.ok(rows.some((r) => r.sop_instance_uid === stringValue(referenced, Tags.SOPInstanceUID)), 'and names a stored instance');
});

test('a DICOM file and a FHIR Patient with the same MRN end up under one pseudonym', { timeout: 120_000 }, async (t) => {
  const dir = tempDir('dicom-linkage');
  t.after(dir.remove);
  const fhir = join(dir.path, 'Patient.ndjson');
  writeFileSync(fhir, `${JSON.stringify({
    resourceType: 'Patient',
    id: 'linkage-1',
    identifier: [{ type: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0203', code: 'MR' }] }, system: MRN_SYSTEM, value: 'MRN-LINK-424242' }],
    gender: 'female',
    birthDate: '1961-03-04',
  })}\n`);
  const dicom = writeDicom(join(dir.path, 'dicom'), 'ct.dcm', {
    '00100020': { vr: 'LO', Value: ['MRN-LINK-424242'] },
    '00100021': { vr: 'LO', Value: ['HOSP_MRN'] },
  });
  const engine = await testEngine(join(dir.path, 'data'));
  engine.setSetting('dicom.mrn-system.HOSP_MRN', MRN_SYSTEM);
  const job = await engine.waitForImport((await engine.startImport({ paths: [fhir, dicom] })).jobId);
  assert.equal(job.state, 'done');
  assert.equal(job.totals.accepted, 2, JSON.stringify(job.issues));
  assert.ok(!job.issues.some((i) => i.severity === 'warning'), 'the issuer is mapped: no warning');
  const patients = await engine.listPatients({ offset: 0, limit: 10 });
  assert.equal(patients.total, 1, 'one patient');
  const detail = await engine.getPatient({ pseudonym: patients.patients[0]!.pseudonym });
  assert.equal(detail!.patient.sex, 'female', 'FHIR demographics kept');
  const imaging = detail!.timeline.filter((e) => e.type === 'ImagingStudy');
  assert.equal(imaging.length, 1, 'the timeline shows the imaging study');
  assert.deepEqual(imaging[0]!.codes, ['http://dicom.nema.org/resources/ontology/DCM|CT']);
  const audit = await engine.listAudit({ offset: 0, limit: 50, action: 'config.set' });
  assert.deepEqual(audit.entries[0]!.details, { key: 'dicom.mrn-system.HOSP_MRN', value: MRN_SYSTEM });

  // Without a mapping the same Patient ID under another issuer stays apart and is reported.
  const other = writeDicom(join(dir.path, 'dicom-2'), 'ct.dcm', {
    '00080018': { vr: 'UI', Value: ['1.2.826.0.1.3680043.10.777.8.1'] },
    '00100020': { vr: 'LO', Value: ['MRN-LINK-424242'] },
    '00100021': { vr: 'LO', Value: ['OTHER_SITE'] },
  });
  const unmapped = await engine.waitForImport((await engine.startImport({ paths: [other] })).jobId);
  assert.equal(unmapped.totals.accepted, 1);
  assert.ok(unmapped.issues.some((i) => i.severity === 'warning' && /no configured MRN system/.test(i.reason)));
  assert.equal((await engine.listPatients({ offset: 0, limit: 10 })).total, 2);
  assert.throws(() => engine.setSetting('dicom.mrn-system.', MRN_SYSTEM), /Unknown setting/);
  await engine.close();
});

test('held-back files are listed without path; discarding one is audited and the chain verifies', { timeout: 120_000 }, async (t) => {
  const dir = tempDir('dicom-quarantine');
  t.after(dir.remove);
  const input = writeDicom(join(dir.path, 'Doe_Jane_screenshot'), 'capture-Doe.dcm', {
    '00080016': { vr: 'UI', Value: [SECONDARY_CAPTURE] },
    '00080060': { vr: 'CS', Value: ['OT'] },
  });
  const dataDir = join(dir.path, 'data');
  const engine = await testEngine(dataDir);
  const job = await engine.waitForImport((await engine.startImport({ paths: [input] })).jobId);
  assert.equal(job.totals.accepted, 0);
  const held = job.issues.filter((i) => i.severity === 'quarantined');
  assert.equal(held.length, 1);
  assert.equal(held[0]!.file, input, 'the live report names the file');

  const list = await engine.listQuarantine({ offset: 0, limit: 10 });
  assert.equal(list.pending, 1);
  const item = list.items[0]!;
  assert.equal(item.sopClassUid, SECONDARY_CAPTURE);
  assert.equal(item.modality, 'OT');
  assert.match(item.pseudonym ?? '', /^[0-9a-f]{32}$/);
  assert.ok(!JSON.stringify(list).includes('Doe'), 'no path or name in the review list');
  const db = new Database(join(dataDir, 'dataspace.sqlite'), { readonly: true });
  const raw = JSON.stringify(db.prepare('SELECT * FROM dicom_quarantine').all());
  db.close();
  assert.ok(!raw.includes('Doe') && !raw.includes('MRN-0001') && !raw.includes('20200102'), 'no path, identifier or date stored');

  assert.deepEqual(await engine.discardQuarantined({ id: item.id }), { discarded: true });
  assert.deepEqual(await engine.discardQuarantined({ id: item.id }), { discarded: false });
  const entries = (await engine.listAudit({ offset: 0, limit: 10, action: 'dicom.quarantine.discard' })).entries;
  assert.equal(entries.length, 1, 'audited once');
  assert.deepEqual(entries[0]!.details, { id: item.id, reason: item.reason });
  assert.equal(entries[0]!.actor, 'test');
  const after = await engine.listQuarantine({ offset: 0, limit: 10 });
  assert.equal(after.pending, 0);
  assert.equal(after.items[0]!.state, 'discarded');
  assert.equal(after.items[0]!.decidedBy, 'test');
  assert.equal((await engine.verifyAudit()).ok, true);
  await engine.close();
});

test('a DICOMDIR is read, reported as skipped, and not stored', { timeout: 120_000 }, async (t) => {
  const dicomdir = sharedData('dicom/pydicom/src/pydicom/data/test_files/dicomdirtests/DICOMDIR');
  if (!dicomdir) return t.skip('shared DICOM test data (../shared/data/dicom) is absent');
  const dir = tempDir('dicom-dicomdir');
  t.after(dir.remove);
  const engine = await testEngine(dir.path);
  const job = await engine.waitForImport((await engine.startImport({ paths: [dicomdir] })).jobId);
  const studies = await engine.listImagingStudies({ offset: 0, limit: 1 });
  await engine.close();
  assert.equal(job.files[0]!.state, 'skipped');
  assert.equal(job.files[0]!.message, 'skipped: DICOMDIR index');
  assert.equal(studies.total, 0);
});

test('invalid DICOM options fail the import before anything is read', { timeout: 120_000 }, async (t) => {
  const dir = tempDir('dicom-options');
  t.after(dir.remove);
  const input = writeDicom(join(dir.path, 'in'), 'ct.dcm', {});
  const engine = await testEngine(join(dir.path, 'data'));
  const job = await engine.waitForImport((await engine.startImport({ paths: [input], dicom: { retainSafePrivate: true, safePrivateAllowlist: ['(0008,"EVEN",10)'] } })).jobId);
  await engine.close();
  assert.equal(job.state, 'failed');
  assert.match(job.error?.message ?? '', /odd group/);
});

test('the command line imports DICOM, lists studies and held-back files, and discards one', { timeout: 120_000 }, async (t) => {
  const { runCli } = await import('../../main/host/cli.ts');
  const dir = tempDir('dicom-cli');
  t.after(dir.remove);
  const previous = process.env.DATASPACE_PASSPHRASE;
  process.env.DATASPACE_PASSPHRASE = 'cli-test-passphrase-1';
  t.after(() => {
    if (previous === undefined) delete process.env.DATASPACE_PASSPHRASE;
    else process.env.DATASPACE_PASSPHRASE = previous;
  });
  const inputs = join(dir.path, 'in');
  writeDicom(inputs, 'ct.dcm', {});
  writeDicom(inputs, 'sc.dcm', { '00080016': { vr: 'UI', Value: [SECONDARY_CAPTURE] }, '00080018': { vr: 'UI', Value: ['1.2.826.0.1.3680043.10.777.5.1'] } });
  const cli = async (...args: string[]) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runCli([...args, '--data-dir', join(dir.path, 'data')], { out: (s) => out.push(s), err: (s) => err.push(s) });
    return { code, out: out.join('\n'), err: err.join('\n') };
  };
  assert.equal((await cli('config', 'set', 'dicom.default-mrn-system', MRN_SYSTEM)).code, 0);
  const imported = await cli('import', inputs, '--json', '--dicom-options', '{"retainPatientCharacteristics":true}');
  assert.equal(imported.code, 0, imported.err);
  assert.equal(JSON.parse(imported.out).import.totals.accepted, 1);
  const imaging = JSON.parse((await cli('imaging', '--json')).out) as { studies: { modalities: string[] }[] };
  assert.equal(imaging.studies.length, 1);
  assert.deepEqual(imaging.studies[0]!.modalities, ['CT']);
  const quarantine = JSON.parse((await cli('quarantine', '--json')).out) as { quarantine: { id: number; state: string }[] };
  assert.equal(quarantine.quarantine.length, 1);
  const discard = await cli('quarantine', 'discard', String(quarantine.quarantine[0]!.id), '--json');
  assert.deepEqual(JSON.parse(discard.out), { discarded: true, id: quarantine.quarantine[0]!.id });
  assert.equal((await cli('quarantine', 'discard', '999')).code, 1);
  const badOptions = await cli('import', inputs, '--dicom-options', '{"retainEverything":true}');
  assert.equal(badOptions.code, 1);
  assert.match(badOptions.err, /dicom-options/);
  assert.equal((await cli('audit', 'verify')).code, 0);
});

test('cancelling a DICOM import stops it; what was stored is complete and nothing partial is left', { timeout: 180_000 }, async (t) => {
  const dir = tempDir('dicom-cancel');
  t.after(dir.remove);
  const inputs = writeInstances(join(dir.path, 'in'), 400, '1.2.826.0.1.3680043.10.777.6');
  const dataDir = join(dir.path, 'data');
  const engine = await testEngine(dataDir);
  const { jobId } = await engine.startImport({ paths: [inputs] });
  let cancelled = false;
  let sawBytes = false;
  const off = engine.onEvent((event) => {
    if (event.type !== 'import.progress' || event.job.jobId !== jobId) return;
    if (event.job.totals.bytesRead > 0) sawBytes = true;
    if (!cancelled && event.job.files.some((f) => f.kind === 'dicom' && f.state === 'done')) {
      cancelled = true;
      void engine.cancelImport({ jobId });
    }
  });
  const job = await engine.waitForImport(jobId);
  off();
  const studies = await engine.listImagingStudies({ offset: 0, limit: 1 });
  const batches = await engine.listImportBatches();
  await engine.close();
  assert.ok(sawBytes, 'progress reports bytes read');
  assert.equal(job.state, 'cancelled');
  assert.equal(batches.batches[0]!.status, 'cancelled');
  const rows = storedInstances(dataDir);
  assert.ok(rows.length > 0 && rows.length < 400, `stored ${rows.length}`);
  assert.equal(studies.studies[0]?.instances, rows.length, 'counts match the stored instances');
  for (const row of rows) assert.ok(readDicom(readFileSync(join(dataDir, row.relative_path))).ok, 'every stored row has its complete file');
  const written = readdirSync(join(dataDir, 'dicom'), { recursive: true }) as string[];
  assert.ok(!written.some((name) => name.includes('.tmp-')), 'no temporary file left');
  assert.ok(job.files.filter((f) => f.state === 'done').length === rows.length);
  // Files de-identified ahead of the rows (while the job was still being classified) and never
  // reached are removed with the job, so nothing on disk lacks its row.
  const { files, rows: named } = filesAndRows(dataDir);
  assert.deepEqual(files, named, 'every stored file has its row');
});

/** Every stored file's name, relative to the data folder, and the file names the rows give. */
function filesAndRows(dataDir: string): { files: string[]; rows: string[] } {
  const files = (readdirSync(join(dataDir, 'dicom'), { recursive: true }) as string[])
    .filter((name) => name.endsWith('.dcm') || name.includes('.tmp-'))
    .map((name) => `dicom/${name.split(sep).join('/')}`)
    .sort();
  return { files, rows: storedInstances(dataDir).map((row) => row.relative_path).sort() };
}

test('killing a DICOM import mid-run: the next start removes the files it left without rows, and the re-run matches a clean import', { timeout: 300_000 }, async (t) => {
  const dir = tempDir('dicom-kill');
  t.after(dir.remove);
  const inputs = writeInstances(join(dir.path, 'in'), 600, '1.2.826.0.1.3680043.10.777.7');
  const killed = join(dir.path, 'killed');
  const clean = join(dir.path, 'clean');
  // One initialised folder, copied, so both imports use the same institution key (same bytes).
  await (await testEngine(killed)).close();
  cpSync(killed, clean, { recursive: true });
  const cli = (dataDir: string) =>
    spawn(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'main/host/cli.ts'), 'import', inputs, '--data-dir', dataDir, '--json'], {
      cwd: REPO_ROOT, env: { ...process.env, DATASPACE_PASSPHRASE: TEST_PASSPHRASE }, stdio: ['ignore', 'ignore', 'pipe'],
    });
  const exitOf = (child: ReturnType<typeof cli>) => new Promise<number | string | null>((resolve) => child.on('exit', (code, signal) => resolve(signal ?? code)));

  const victim = cli(killed);
  const victimExit = exitOf(victim);
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline && storedInstances(killed).length === 0) await new Promise((r) => setTimeout(r, 50));
  victim.kill('SIGKILL');
  assert.equal(await victimExit, 'SIGKILL');
  const left = filesAndRows(killed);
  assert.ok(left.rows.length > 0 && left.rows.length < 600, `killed mid-run (${left.rows.length} of 600 rows)`);
  // Files written by the de-identification threads whose rows were not committed yet, and one
  // planted for certain (named by its content hash, as the store names files).
  const planted = Buffer.from('a de-identified file whose row was never committed');
  const plantedSha = createHash('sha256').update(planted).digest('hex');
  mkdirSync(join(killed, 'dicom', plantedSha.slice(0, 2)), { recursive: true });
  writeFileSync(join(killed, 'dicom', plantedSha.slice(0, 2), `${plantedSha}.dcm`), planted);
  const orphans = filesAndRows(killed).files.filter((file) => !left.rows.includes(file));
  t.diagnostic(`killed after ${left.rows.length} rows; ${orphans.length - 1} file(s) without a row (finished or temporary), plus the planted one`);

  const reopened = await testEngine(killed);
  const audit = (await reopened.listAudit({ offset: 0, limit: 20 })).entries.map((e) => ({ action: e.action, details: e.details }));
  await reopened.close();
  assert.deepEqual(filesAndRows(killed).files, left.rows, 'every file left without a row is gone; every file with one stays');
  const interrupted = audit.find((e) => e.action === 'import.interrupted');
  assert.ok(interrupted, 'the killed import is recorded as interrupted');
  const sweepEntry = audit.find((e) => e.action === 'dicom.unreferenced-removed');
  const { files, temporary } = sweepEntry?.details as { files: number; temporary: number };
  assert.equal(files + temporary, orphans.length, 'the sweep is audited with its counts (finished files, temporary ones)');

  for (const dataDir of [killed, clean]) assert.equal(await exitOf(cli(dataDir)), 0);
  const after = filesAndRows(killed);
  assert.equal(after.rows.length, 600);
  assert.deepEqual(after, filesAndRows(clean), 'the same rows and files as an import that was never interrupted');
  // A later start has nothing more to sweep and says nothing.
  const again = await testEngine(killed);
  const sweeps = (await again.listAudit({ offset: 0, limit: 50 })).entries.filter((e) => e.action === 'dicom.unreferenced-removed');
  await again.close();
  assert.equal(sweeps.length, 1);
});
