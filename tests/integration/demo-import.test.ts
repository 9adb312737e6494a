// The synthetic consortium against the real importers: every generated resource imports except
// the generator's listed deliberate defects, which are rejected for the expected reasons; the
// repeated export part adds nothing; DICOM and VCF link to the FHIR patients; the ground truth
// stays out. Also "Load sample data": one job, a synthetic store, an audited load, no leftovers.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, relative, sep } from 'node:path';
import type { ImportIssue, ImportJobState } from '../../main/api/contract.ts';
import { generateConsortium, siteProfileFor, type DeliberateDefect, type GenerationReport } from '../../main/demo/index.ts';
import type { Engine } from '../../main/engine.ts';
import { runCli } from '../../main/host/cli.ts';
import { tempDir, testEngine } from './helpers.ts';

const SEED = 20250630;
const PATIENTS = 150;
const INSTITUTIONS = ['dkfz', 'ukhd', 'embl'];

/** What an importer must say for each kind of NDJSON line defect (FHIR element path, reason). */
const EXPECTED_REJECTION: Record<string, (defect: DeliberateDefect) => { path?: string; reason: RegExp }> = {
  'invalid-json': () => ({ reason: /^malformed JSON/ }),
  'invalid-code': (d) => ({ path: `${d.resourceType}.status`, reason: /not one of the allowed values/ }),
  'invalid-value': () => ({ path: 'Observation.valueQuantity.value', reason: /must be a number/ }),
};

const where = (file: string, position: string) => `${basename(file)} ${position}`;

async function importPaths(engine: Engine, request: Parameters<Engine['startImport']>[0]): Promise<ImportJobState> {
  const { jobId } = await engine.startImport(request);
  return engine.waitForImport(jobId);
}

let out: ReturnType<typeof tempDir>;
let report: GenerationReport;

before(async () => {
  out = tempDir('demo-import');
  report = await generateConsortium({ outDir: out.path, institutions: INSTITUTIONS, patients: PATIENTS, seed: SEED });
});

after(() => out.remove());

// The institutions are independent (own engine, own data folder): run them side by side.
describe('the generated exports through the importers', { concurrency: true }, () => {
  for (const institution of INSTITUTIONS) {
    test(`${institution}: imports every resource but the deliberate defects, links DICOM and VCF, and never sees the ground truth`, { timeout: 120_000 }, async (t) => {
      const generated = report.institutions.find((r) => r.institution === institution)!;
      const defects = report.defects.filter((d) => d.institution === institution);
      const data = tempDir(`demo-${institution}`);
      const engine = await testEngine(data.path, { id: `${institution}-node`, displayName: institution });
      t.after(() => engine.close());
      t.after(data.remove); // after the engine has closed: its import worker may still be refreshing features

      // One job, as a site would run it: the bulk export folder (manifest included), the DICOM
      // folder and the VCF with its sample sheet, DICOM linked through the site's MRN system.
      const site = siteProfileFor(institution, SEED);
      engine.setSetting(`dicom.mrn-system.${site.issuerOfPatientId}`, site.mrnSystem);
      const fhirDir = join(out.path, generated.paths.fhir);
      const dicomDir = join(out.path, generated.paths.dicom);
      const job = await importPaths(engine, {
        paths: [fhirDir, dicomDir, join(out.path, generated.paths.vcf!)],
        vcf: { sampleSheet: join(out.path, generated.paths.sampleSheet!) },
      });
      assert.equal(job.state, 'done', JSON.stringify(job.error));
      const truth = join(out.path, generated.paths.truth);
      assert.ok(existsSync(truth) && !job.files.some((f) => f.file.includes('ground-truth')), 'the ground truth lies outside the imported folders');

      // FHIR: exactly the line defects are rejected, each for its reason.
      const inFhir = (i: { file: string }) => !relative(fhirDir, i.file).startsWith('..');
      const fhirIssues = job.issues.filter(inFhir);
      const lineDefects = defects.filter((d) => d.reason in EXPECTED_REJECTION);
      assert.equal(new Set(lineDefects.map((d) => d.reason)).size, 3, 'every kind of line defect was generated');
      const issueAt = new Map<string, ImportIssue>(fhirIssues.map((i) => [where(i.file, i.position), i]));
      for (const defect of lineDefects) {
        const issue = issueAt.get(where(defect.file, defect.position));
        assert.ok(issue, `${defect.reason} at ${defect.file} ${defect.position} was not rejected`);
        const expected = EXPECTED_REJECTION[defect.reason]!(defect);
        assert.equal(issue.severity, 'rejected');
        assert.equal(issue.path, expected.path, `${defect.file} ${defect.position}`);
        assert.match(issue.reason, expected.reason, `${defect.file} ${defect.position}`);
      }
      // Nothing else is rejected; the Bulk Data manifest is recognised and skipped.
      const unexpected = fhirIssues.filter((i) => !lineDefects.some((d) => where(d.file, d.position) === where(i.file, i.position)));
      assert.deepEqual(unexpected.map((i) => [basename(i.file), i.position, i.reason]), []);
      const manifest = job.files.find((f) => basename(f.file) === 'manifest.json');
      assert.equal(manifest?.state, 'skipped');
      assert.match(manifest?.message ?? '', /manifest/);

      // The repeated Condition part: accepted, and every line unchanged.
      const duplicate = defects.find((d) => d.reason === 'duplicate-resource')!;
      const repeatedLines = Number(/lines 1-(\d+)/.exec(duplicate.position)![1]);
      const repeatedFile = job.files.find((f) => basename(f.file) === basename(duplicate.file))!;
      assert.equal(repeatedFile.accepted, repeatedLines);
      assert.equal(job.totals.unchanged, repeatedLines, 'the repeated part adds no rows');

      // DICOM and VCF: one truncated file and one short line rejected, the rest linked to FHIR patients.
      const truncated = defects.find((d) => d.reason === 'truncated')!;
      const badLine = defects.find((d) => d.reason === 'column-count')!;
      const rejectedMedia = job.issues.filter((i) => !inFhir(i) && i.severity === 'rejected');
      assert.deepEqual(
        rejectedMedia.map((i) => (i.file.endsWith('.dcm') ? relative(out.path, i.file).split(sep).join('/') : where(i.file, i.position))).sort(),
        [where(badLine.file, badLine.position), truncated.file].sort(),
      );
      assert.equal(job.totals.rejected, lineDefects.length + rejectedMedia.length);
      assert.ok(!job.issues.some((i) => i.severity === 'warning' && /not linked/.test(i.reason)), 'every DICOM file links to a FHIR patient');
      assert.equal(job.files.filter((f) => f.kind === 'dicom').length, generated.dicomFiles);
      assert.equal((await engine.listGenomicSamples({ offset: 0, limit: 1 })).total, generated.vcfSamples);

      // The store holds exactly the generated patients and resources.
      const counts = (await engine.getStatus()).counts;
      const r = generated.resources;
      assert.deepEqual(
        { patients: counts.patients, encounters: counts.encounters, conditions: counts.conditions, observations: counts.observations, medications: counts.medications, procedures: counts.procedures },
        { patients: PATIENTS, encounters: r.Encounter, conditions: r.Condition, observations: r.Observation, medications: r.MedicationRequest, procedures: r.Procedure },
      );
    });
  }
});

describe('Load sample data', () => {
  test('generates outside the data folder, imports as one job, marks the store synthetic, audits the load and removes its folder', { timeout: 120_000 }, async (t) => {
    const data = tempDir('demo-sample');
    const engine = await testEngine(data.path);
    let closed = false;
    t.after(() => (closed ? undefined : engine.close()));
    t.after(data.remove); // after the engine has closed: its import worker may still be refreshing features
    assert.equal((await engine.getStatus()).synthetic, false);

    const events: string[] = [];
    engine.onEvent((e) => events.push(e.type));
    const { jobId, patients } = await engine.loadSampleData({ patients: 40 });
    assert.equal(patients, 40);
    const job = await engine.waitForImport(jobId);
    assert.equal(job.state, 'done', JSON.stringify(job.error));
    assert.ok(events.includes('import.progress') && events.includes('import.finished'));
    const folder = job.files[0]!.file.split(`${sep}test-inst${sep}`)[0]!;
    assert.ok(relative(data.path, folder).startsWith('..'), 'generated outside the data folder');
    assert.ok(!job.files.some((f) => f.file.includes('ground-truth') || (basename(f.file) === 'manifest.json' && f.state !== 'skipped')));
    assert.deepEqual(new Set(job.files.map((f) => f.kind)), new Set(['fhir', 'dicom', 'vcf']));
    assert.ok(job.issues.filter((i) => i.severity === 'rejected').every((i) => /\.(ndjson|dcm|vcf\.gz)$/.test(i.file)));

    const status = await engine.getStatus();
    assert.equal(status.synthetic, true);
    assert.equal(status.counts.patients, 40);
    const audit = await engine.listAudit({ offset: 0, limit: 10, action: 'demo.load' });
    assert.equal(audit.entries.length, 1);
    assert.equal(audit.entries[0]!.details.patients, 40);

    closed = true;
    await engine.close();
    assert.ok(!existsSync(folder), 'the temporary folder is removed once the job has ended');
  });

  test('closing the engine while sample data is being generated cancels it and removes the folder', { timeout: 60_000 }, async (t) => {
    const data = tempDir('demo-sample-close');
    t.after(data.remove);
    const engine = await testEngine(data.path);
    const sampleFolders = () => new Set(readdirSync(tmpdir()).filter((name) => name.startsWith('dataspace-sample-')));
    const before = sampleFolders();
    const loading = engine.loadSampleData({ patients: 5000 });
    let created: string | undefined;
    while (!created) {
      created = [...sampleFolders()].find((name) => !before.has(name));
      await new Promise((resolve) => setImmediate(resolve));
    }
    await engine.close();
    await assert.rejects(loading, { name: 'CancellationError' });
    assert.ok(!existsSync(join(tmpdir(), created)), 'the temporary folder is removed');
  });

  test('refuses to mix synthetic patients into a store that holds imported ones', { timeout: 120_000 }, async (t) => {
    const data = tempDir('demo-sample-real');
    const engine = await testEngine(data.path);
    t.after(() => engine.close());
    t.after(data.remove); // after the engine has closed: its import worker may still be refreshing features
    const generated = report.institutions[0]!;
    const job = await importPaths(engine, { paths: [join(out.path, generated.paths.fhir, 'Patient.000.ndjson')] });
    assert.equal(job.state, 'done');
    await assert.rejects(engine.loadSampleData({}), { name: 'InvalidInputError', code: 'store-not-empty' });
    assert.equal((await engine.getStatus()).synthetic, false);
  });
});

describe('dataspace demo', () => {
  test('generate writes the consortium without a data folder and prints the report; auroc reads the ground truth back', { timeout: 60_000 }, async (t) => {
    const dir = tempDir('demo-cli');
    t.after(dir.remove);
    const dataDir = join(dir.path, 'must-not-exist');
    const previous = process.env.DATASPACE_DATA_DIR;
    process.env.DATASPACE_DATA_DIR = dataDir;
    t.after(() => (previous === undefined ? delete process.env.DATASPACE_DATA_DIR : (process.env.DATASPACE_DATA_DIR = previous)));
    const lines: string[] = [];
    const io = { out: (text: string) => lines.push(text), err: (text: string) => lines.push(`stderr: ${text}`) };

    const out = join(dir.path, 'consortium');
    assert.equal(await runCli(['demo', 'generate', '--out', out, '--institutions', 'ukhd,clinic-b', '--patients', '40', '--seed', '7', '--json'], io), 0);
    const { report } = JSON.parse(lines.pop()!) as { report: GenerationReport };
    assert.deepEqual(report.institutions.map((r) => [r.institution, r.patients]), [['ukhd', 40], ['clinic-b', 40]]);
    assert.ok(report.defects.length > 0 && existsSync(join(out, 'clinic-b', 'ground-truth', 'truth.csv')));
    assert.ok(!existsSync(dataDir), 'no data folder is created');

    assert.equal(await runCli(['demo', 'auroc', out, join(out, 'ukhd', 'ground-truth', 'truth.csv'), '--json'], io), 0);
    const result = JSON.parse(lines.pop()!) as { auroc: number; truthFiles: { file: string; auroc: number }[] };
    assert.equal(result.truthFiles.length, 3);
    assert.ok(result.auroc > 0.5 && result.auroc < 1, String(result.auroc));

    assert.equal(await runCli(['demo', 'generate', '--out', out, '--institutions', 'ukhd', '--patients', '1'], io), 1, 'a non-empty institution folder is refused');
    assert.match(lines.join('\n'), /already exists and is not empty/);
    assert.equal(await runCli(['demo', 'auroc', join(dir.path, 'nowhere')], io), 1);
    assert.equal(await runCli(['demo'], io), 2);
  });
});
