// DICOM through the whole engine: the shared public corpus (fuzz included), the marker fixture
// scanned for in every written byte, and re-imports that add nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import Database from 'better-sqlite3';
import type { DicomImportOptions } from '../../main/api/contract.ts';
import { buildMarkerFixture, containsMarkerText, survivingMarkers } from '../../main/deid/dicom/marker-fixture.ts';
import type { DicomDataset } from '../../main/ingest/dicom/dicom-dataset.ts';
import { elementValueBytes, findElement } from '../../main/ingest/dicom/dicom-dataset.ts';
import { Tags } from '../../main/ingest/dicom/dicom-tag.ts';
import { readDicom } from '../../main/ingest/dicom/read-dicom.ts';
import { dcmdumpAvailable, dcmdumpProblems } from '../../main/ingest/dicom/shared-test-data.ts';
import { filesUnder, foreignKeyViolations, scanForMarkers, sharedData, tempDir, testEngine, writtenText } from './helpers.ts';

const dicomDir = sharedData('dicom');
const SKIP_REASON = 'shared DICOM test data (../shared/data/dicom) is absent';

function pixelHash(dataset: DicomDataset): string | null {
  const element = findElement(dataset, Tags.PixelData) ?? findElement(dataset, Tags.FloatPixelData) ?? findElement(dataset, Tags.DoubleFloatPixelData);
  return element ? createHash('sha256').update(elementValueBytes(dataset, element)).digest('hex') : null;
}

const COUNTED_TABLES = ['patient', 'imaging_study', 'imaging_series', 'imaging_instance', 'dicom_quarantine', 'source_file'] as const;

function rowCounts(databaseFile: string): Record<(typeof COUNTED_TABLES)[number], number> {
  const db = new Database(databaseFile, { readonly: true });
  const count = (table: string) => Number(db.prepare(`SELECT count(*) FROM ${table}`).pluck().get());
  const counts = Object.fromEntries(COUNTED_TABLES.map((t) => [t, count(t)])) as Record<(typeof COUNTED_TABLES)[number], number>;
  db.close();
  return counts;
}

const dicomFilesUnder = (dataDir: string) => filesUnder(dataDir).filter((f) => relative(dataDir, f).startsWith('dicom'));

test('every shared DICOM file imports, or is rejected, held back or skipped with a reason; outputs parse and keep their pixels', { timeout: 900_000 }, async (t) => {
  if (!dicomDir) return t.skip(SKIP_REASON);
  const dir = tempDir('dicom-corpus');
  t.after(dir.remove);
  const engine = await testEngine(dir.path);
  const job = await engine.waitForImport((await engine.startImport({ paths: [dicomDir] })).jobId);
  await engine.close();
  assert.equal(job.state, 'done', JSON.stringify(job.error));

  const inputs = filesUnder(dicomDir);
  assert.equal(job.files.length, inputs.length, 'every file is in the report');
  const issuesByFile = new Map<string, number>();
  for (const issue of job.issues) issuesByFile.set(issue.file, (issuesByFile.get(issue.file) ?? 0) + 1);
  const outcomes: Record<string, number> = {};
  for (const file of job.files) {
    const key = `${file.kind} ${file.state}`;
    outcomes[key] = (outcomes[key] ?? 0) + 1;
    assert.ok(['done', 'failed', 'skipped'].includes(file.state), `${file.file}: ${file.state}`);
    if (file.state === 'done' && file.kind === 'dicom' && file.accepted === 1) continue;
    // Anything not imported says why: a file message, or issues naming the file.
    assert.ok((file.message?.length ?? 0) > 5 || (issuesByFile.get(file.file) ?? 0) > 0, `${file.file} (${file.state}) has no reason`);
  }
  t.diagnostic(`outcomes: ${JSON.stringify(outcomes)}; skipped by type ${JSON.stringify(job.skippedByType)}`);
  assert.ok((outcomes['dicom done'] ?? 0) > 200, 'most DICOM files import');
  assert.ok((outcomes['dicom failed'] ?? 0) > 30, 'broken fuzz files are rejected');
  assert.ok((job.skippedByType.DICOMDIR ?? 0) > 0, 'DICOMDIR indexes are skipped');
  assert.ok((job.skippedByType['DICOM held back for review'] ?? 0) > 0, 'risky instances are held back');
  assert.ok(job.issues.filter((i) => i.severity === 'quarantined').every((i) => i.reason.length > 10));

  // Every stored instance: its file exists, parses, and carries pixel data found in some input.
  const inputPixels = new Set<string>();
  for (const path of inputs) {
    const read = readDicom(readFileSync(path));
    const hash = read.ok ? pixelHash(read.dataset) : null;
    if (hash) inputPixels.add(hash);
  }
  assert.deepEqual(foreignKeyViolations(join(dir.path, 'dataspace.sqlite')), [], 'every instance has its study, series and patient');
  const db = new Database(join(dir.path, 'dataspace.sqlite'), { readonly: true });
  const instances = db.prepare('SELECT relative_path, file_sha256, pixel_sha256 FROM imaging_instance').all() as { relative_path: string; file_sha256: string; pixel_sha256: string | null }[];
  db.close();
  assert.ok(instances.length > 200);
  const outputs = dicomFilesUnder(dir.path);
  assert.equal(outputs.length, new Set(instances.map((i) => i.file_sha256)).size, 'one file per distinct stored content, nothing else');
  for (const instance of instances) {
    const bytes = readFileSync(join(dir.path, instance.relative_path));
    assert.equal(createHash('sha256').update(bytes).digest('hex'), instance.file_sha256, instance.relative_path);
    const read = readDicom(bytes);
    assert.ok(read.ok, `${instance.relative_path} re-reads`);
    const hash = pixelHash(read.dataset);
    assert.equal(hash, instance.pixel_sha256, `${instance.relative_path}: stored pixel hash`);
    if (hash) assert.ok(inputPixels.has(hash), `${instance.relative_path}: pixel data is byte-identical to an input's`);
  }
  await t.test('dcmdump parses every written file', (st) => {
    if (!dcmdumpAvailable()) return st.skip('dcmdump (dcmtk) is not installed');
    for (const path of outputs) {
      const { status, problems } = dcmdumpProblems(path);
      assert.equal(status, 0, `${path}: dcmdump exit ${status}`);
      assert.deepEqual(problems, [], path);
    }
  });
});

test('no marker of the marker fixture reaches any byte of the data folder', { timeout: 300_000 }, async (t) => {
  const fixture = buildMarkerFixture();
  const inputs = tempDir('dicom-marker-in');
  t.after(inputs.remove);
  const input = join(inputs.path, 'marker.dcm');
  writeFileSync(input, fixture.bytes);
  const run = async (name: string, dicom: DicomImportOptions) => {
    const dir = tempDir(`dicom-marker-${name}`);
    t.after(dir.remove);
    const engine = await testEngine(dir.path);
    const job = await engine.waitForImport((await engine.startImport({ paths: [input], dicom })).jobId);
    await engine.close();
    assert.equal(job.state, 'done');
    assert.equal(job.totals.accepted, 1, JSON.stringify(job.issues));
    const textMarkers = fixture.markers.filter((m) => m.text !== null);
    // Byte search (UIDs, dates, text) over raw files and a logical dump of every table...
    const views = writtenText(dir.path);
    const rawHits = textMarkers.filter((m) => views.some((v) => containsMarkerText(v.text, m.text!)));
    // ...the word-bounded scanner the FHIR privacy test uses, and a structural check for binary values.
    const scanned = scanForMarkers(views, textMarkers.map((m) => m.text!));
    const structural = dicomFilesUnder(dir.path).flatMap((f) => survivingMarkers(readFileSync(f), fixture.markers));
    return { rawHits, scanned, structural, files: dicomFilesUnder(dir.path).length };
  };

  const basic = await run('basic', { retainLongitudinalModifiedDates: false });
  assert.equal(basic.files, 1);
  assert.deepEqual(basic.rawHits.map((m) => m.tag), [], 'Basic Profile: markers found');
  assert.deepEqual(basic.scanned, []);
  assert.deepEqual(basic.structural.map((m) => m.tag), []);

  // With the default options (modified dates) time of day is kept by design (PS3.15 E.3.6: the
  // shift is whole days); nothing else may survive.
  const defaults = await run('default', {});
  assert.deepEqual(defaults.rawHits.filter((m) => m.vr !== 'TM').map((m) => m.tag), [], 'default options: markers found');
  assert.deepEqual(defaults.structural.filter((m) => m.vr !== 'TM').map((m) => m.tag), []);
  assert.ok(!defaults.rawHits.some((m) => m.kind === 'date'), 'no planted date appears unshifted');
});

test('re-importing the same files, or a copy of them elsewhere, adds no row and no file', { timeout: 300_000 }, async (t) => {
  const source = sharedData('dicom/pydicom/src/pydicom/data/test_files');
  if (!source) return t.skip(SKIP_REASON);
  const dir = tempDir('dicom-reimport');
  t.after(dir.remove);
  const dataDir = join(dir.path, 'data');
  const engine = await testEngine(dataDir);
  const first = await engine.waitForImport((await engine.startImport({ paths: [source] })).jobId);
  assert.equal(first.state, 'done');
  assert.ok(first.totals.inserted > 20, `inserted ${first.totals.inserted}`);
  const database = join(dataDir, 'dataspace.sqlite');
  const before = rowCounts(database);
  const filesBefore = dicomFilesUnder(dataDir).sort();
  assert.ok(before.dicom_quarantine > 0 && before.imaging_instance > 20, JSON.stringify(before));

  const second = await engine.waitForImport((await engine.startImport({ paths: [source] })).jobId);
  assert.equal(second.totals.inserted, 0);
  assert.ok(second.files.filter((f) => f.kind === 'dicom').every((f) => f.state !== 'done'), 'unchanged files are recognised and skipped');
  const afterSecond = rowCounts(database);
  assert.deepEqual({ ...afterSecond, source_file: 0 }, { ...before, source_file: 0 });

  // A copy elsewhere is read and de-identified again: the same output, already stored.
  const copy = join(dir.path, 'copy');
  cpSync(source, copy, { recursive: true });
  const third = await engine.waitForImport((await engine.startImport({ paths: [copy] })).jobId);
  await engine.close();
  assert.equal(third.state, 'done');
  assert.equal(third.totals.inserted, 0, 'nothing new from the copy');
  assert.ok(third.totals.unchanged > 20, `unchanged ${third.totals.unchanged}`);
  const after = rowCounts(database);
  for (const table of ['patient', 'imaging_study', 'imaging_series', 'imaging_instance', 'dicom_quarantine'] as const) {
    assert.equal(after[table], before[table], table);
  }
  assert.deepEqual(dicomFilesUnder(dataDir).sort(), filesBefore, 'no new file in the data folder');
});
