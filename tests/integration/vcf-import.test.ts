// VCF import through the engine: PGx calls from PharmCAT's test VCFs, every htslib/bcftools test VCF
// imported or refused with a reason, nothing identifying in the data folder, one pseudonym across FHIR,
// VCF (and DICOM), drug-gene alerts from FHIR medications, and idempotent re-imports.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { Engine } from '../../main/engine.ts';
import type { ImportJobState, PgxPatient, VcfImportOptions } from '../../main/api/contract.ts';
import { syntheticCtInstance, writeInstanceWithDcmjs } from '../../main/deid/dicom/marker-fixture.ts';
import { VcfCohortWriter } from '../../main/demo/vcf-cohort-writer.ts';
import { PGX_SITES } from '../../main/demo/pgx-defining-positions.ts';
import { foreignKeyViolations, REPO_ROOT, scanForMarkers, sharedData, tempDir, testEngine, TEST_PASSPHRASE, writtenText } from './helpers.ts';

const vcfDir = sharedData('vcf');
const SKIP_REASON = 'shared VCF test data (../shared/data/vcf) is absent';
const HAPLOTYPES = 'pharmcat/src/test/resources/org/pharmgkb/pharmcat/haplotype';
const MRN_SYSTEM = 'http://hospital.example.org/mrn';
const V2_0203 = 'http://terminology.hl7.org/CodeSystem/v2-0203';
const RXNORM = 'http://www.nlm.nih.gov/research/umls/rxnorm';

async function importWith(engine: Engine, paths: string[], vcf?: VcfImportOptions): Promise<ImportJobState> {
  const { jobId } = await engine.startImport({ paths, ...(vcf ? { vcf } : {}) });
  return engine.waitForImport(jobId);
}

function runCli(args: string[]): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'main/host/cli.ts'), ...args], {
      cwd: REPO_ROOT,
      env: { ...process.env, DATASPACE_PASSPHRASE: TEST_PASSPHRASE },
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('exit', (code) => resolve({ code, out, err }));
  });
}

function sampleSheet(path: string, rows: [sample: string, system: string, mrn: string][]): string {
  writeFileSync(path, `sample_id,mrn_system,mrn\n${rows.map((r) => r.join(',')).join('\n')}\n`);
  return path;
}

/** The first sample column's name (PharmCAT's files use NA12878, TEST2, PharmCAT...). */
function firstSampleId(vcf: string): string {
  const header = readFileSync(vcf, 'utf8').split('\n').find((l) => l.startsWith('#CHROM'))!;
  return header.split('\t')[9]!;
}

function tableCounts(databaseFile: string): Record<string, number> {
  const db = new Database(databaseFile, { readonly: true });
  const counts: Record<string, number> = {};
  for (const table of ['patient', 'resource', 'genomic_sample', 'pgx_result']) {
    counts[table] = Number(db.prepare(`SELECT count(*) FROM ${table}`).pluck().get());
  }
  db.close();
  return counts;
}

/** A FHIR Patient with an MRN (identifier typed MR) and, optionally, a clopidogrel order. */
function fhirPatientNdjson(dir: string, id: string, mrn: string, rxnormCode?: string, display = 'clopidogrel'): string {
  mkdirSync(dir, { recursive: true });
  const patient = {
    resourceType: 'Patient',
    id,
    identifier: [{ type: { coding: [{ system: V2_0203, code: 'MR' }] }, system: MRN_SYSTEM, value: mrn }],
    gender: 'female',
    birthDate: '1961-04-12',
  };
  writeFileSync(join(dir, 'Patient.ndjson'), `${JSON.stringify(patient)}\n`);
  if (rxnormCode) {
    const order = {
      resourceType: 'MedicationRequest',
      id: `${id}-order`,
      status: 'active',
      intent: 'order',
      medicationCodeableConcept: { coding: [{ system: RXNORM, code: rxnormCode, display }] },
      subject: { reference: `Patient/${id}` },
      authoredOn: '2021-06-01',
    };
    writeFileSync(join(dir, 'MedicationRequest.ndjson'), `${JSON.stringify(order)}\n`);
  }
  return dir;
}

const pharmcatCases: { file: string; gene: string; diplotype: string; phenotype?: string }[] = [
  { file: 'cyp2c19/s2s3.vcf', gene: 'CYP2C19', diplotype: '*2/*3', phenotype: 'Poor Metabolizer' },
  { file: 'cyp2c19/s1s2.vcf', gene: 'CYP2C19', diplotype: '*1/*2', phenotype: 'Intermediate Metabolizer' },
  { file: 'cyp2c9/s2s3.vcf', gene: 'CYP2C9', diplotype: '*2/*3' },
  { file: 'TPMT/het3a.vcf', gene: 'TPMT', diplotype: '*1/*3A', phenotype: 'Intermediate Metabolizer' },
  { file: 'SLCO1B1/SLCO1B1_s1_s15_t1.vcf', gene: 'SLCO1B1', diplotype: '*1/*15' },
];

test('PharmCAT test VCFs imported through the engine give their diplotypes in `dataspace pgx --json`', { timeout: 300_000 }, async (t) => {
  if (!vcfDir) return t.skip(SKIP_REASON);
  const dir = tempDir('vcf-pharmcat');
  t.after(dir.remove);
  const dataDir = join(dir.path, 'data');
  const engine = await testEngine(dataDir);
  const expected = new Map<string, (typeof pharmcatCases)[number]>();
  try {
    for (const [i, c] of pharmcatCases.entries()) {
      // Most PharmCAT files name their sample NA12878: a sheet per file makes each one its own patient.
      const vcf = join(vcfDir, HAPLOTYPES, c.file);
      const sheet = sampleSheet(join(dir.path, `sheet-${i}.csv`), [[firstSampleId(vcf), MRN_SYSTEM, `MRN-PGX-${i}`]]);
      const before = new Set((await engine.listPgxPatients({ offset: 0, limit: 1000 })).patients.map((p) => p.pseudonym));
      const job = await importWith(engine, [vcf], { sampleSheet: sheet });
      assert.equal(job.state, 'done', JSON.stringify(job.error));
      assert.equal(job.files[0]!.state, 'done', job.files[0]!.message);
      const added = (await engine.listPgxPatients({ offset: 0, limit: 1000 })).patients.filter((p) => !before.has(p.pseudonym));
      assert.equal(added.length, 1, c.file);
      expected.set(added[0]!.pseudonym, c);
    }
    // The API's patient detail carries the same calls.
    const [first] = expected;
    const detail = await engine.getPatient({ pseudonym: first![0] });
    assert.equal(detail?.pgx?.find((r) => r.gene === 'CYP2C19')?.diplotype, '*2/*3');
  } finally {
    await engine.close();
  }

  const cli = await runCli(['pgx', '--json', '--data-dir', dataDir]);
  assert.equal(cli.code, 0, cli.err);
  const { patients } = JSON.parse(cli.out) as { patients: PgxPatient[] };
  assert.equal(patients.length, pharmcatCases.length);
  for (const p of patients) {
    const c = expected.get(p.pseudonym);
    assert.ok(c, `unexpected patient ${p.pseudonym}`);
    const call = p.results.find((r) => r.gene === c.gene);
    assert.equal(call?.status, 'called', `${c.file}: ${JSON.stringify(call)}`);
    assert.equal(call.diplotype, c.diplotype, c.file);
    if (c.phenotype) assert.equal(call.phenotype, c.phenotype, c.file);
    assert.ok(p.results.some((r) => r.gene === 'CYP2D6' && r.status === 'not-callable'), 'CYP2D6 is reported as not callable');
    assert.deepEqual(p.alerts, [], 'no medications, no alerts');
  }
});

test('every htslib and bcftools test VCF imports through the engine or fails with a reason', { timeout: 600_000 }, async (t) => {
  if (!vcfDir) return t.skip(SKIP_REASON);
  const dir = tempDir('vcf-corpus');
  t.after(dir.remove);
  const paths: string[] = [];
  for (const lib of ['htslib', 'bcftools']) {
    const inventory = readFileSync(join(vcfDir, lib, 'VCF_INVENTORY.csv'), 'utf8').trim().split('\n').slice(1);
    for (const row of inventory) paths.push(join(vcfDir, lib, row.split(',')[0]!));
  }
  assert.ok(paths.length > 500, `inventory lists ${paths.length} files`);
  const engine = await testEngine(join(dir.path, 'data'));
  let job: ImportJobState;
  try {
    job = await importWith(engine, paths);
  } finally {
    await engine.close();
  }
  assert.equal(job.state, 'done', JSON.stringify(job.error));
  assert.equal(job.files.length, paths.length);
  const states: Record<string, number> = {};
  for (const f of job.files) {
    states[`${f.kind} ${f.state}`] = (states[`${f.kind} ${f.state}`] ?? 0) + 1;
    assert.ok(['done', 'failed', 'skipped'].includes(f.state), `${f.file}: ${f.state}`);
    if (f.state !== 'done') assert.ok(f.message && f.message.length > 10, `${f.file} ${f.state} without a reason`);
    // 'the file could not be read' is what an unexpected error (a bug) looks like to the user.
    assert.notEqual(f.message, 'the file could not be read', `${f.file} hit an unexpected error`);
  }
  t.diagnostic(`outcomes: ${JSON.stringify(states)}`);
  assert.ok((states['vcf done'] ?? 0) > 200, 'most GRCh38 or build-less files import');
  assert.ok(job.files.some((f) => f.state === 'failed' && /GRCh37.*Only GRCh38 is supported/.test(f.message ?? '')), 'GRCh37 files are refused with the reason');
});

// Every identifying value carries a ZZVCF marker (or is one of the dates) so one scan proves it gone.
const VCF_MARKERS = [
  'ZZVCF',
  'Jane Doe-Vcfmarker',
  '1970-01-01',
  '2019-03-12',
  '20190314',
  'Mar 12 10:00',
  '/home/zzvcfuser',
  '/mnt/zzvcfstore',
  'ZZMRN-5501',
  'ZZMRN-5502',
];
const IDENTIFYING_VCF = [
  '##fileformat=VCFv4.2',
  '##fileDate=20190314',
  '##source=ZZVCF_PIPELINE v1 run by ZZVCF_OPERATOR',
  '##reference=file:///home/zzvcfuser/refs/GRCh38/Homo_sapiens_assembly38.fasta',
  '##contig=<ID=chr10,length=133797422,assembly=GRCh38,URL=file:///mnt/zzvcfstore/chr10.fa>',
  '##SAMPLE=<ID=ZZVCF_S01,Individual="Jane Doe-Vcfmarker",DOB=1970-01-01,Description="ZZVCF_DESCRIPTION">',
  '##PEDIGREE=<Child=ZZVCF_S01,Mother=ZZVCF_S02>',
  '##bcftools_viewCommand=view -s ZZVCF_S01 /home/zzvcfuser/cohort/ZZVCF_FILE.vcf.gz; Date=Tue Mar 12 10:00:00 2019',
  '##GATKCommandLine=<ID=HaplotypeCaller,CommandLine="HaplotypeCaller -I /mnt/zzvcfstore/ZZVCF_BAM.bam",Date="2019-03-12">',
  '##INFO=<ID=DP,Number=1,Type=Integer,Description="Total depth">',
  '##INFO=<ID=NOTE,Number=.,Type=String,Description="Curator note">',
  '##FILTER=<ID=LowQual,Description="Low quality">',
  '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">',
  '##FORMAT=<ID=DP,Number=1,Type=Integer,Description="Read depth">',
  '##FORMAT=<ID=CMT,Number=.,Type=String,Description="Per-sample comment">',
  '#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tZZVCF_S01\tZZVCF_S02\tZZVCF_S03',
  'chr10\t94761900\trs12248560\tC\tT\t50\tPASS\tDP=30;NOTE=ZZVCF_called_by_Jane_Doe\tGT:DP:CMT\t0/1:12:ZZVCF_ok\t0/0:10:x\t0/1:9:y',
  'chr10\t94775367\trs12769205\tA\tG\t50\tPASS\tDP=30\tGT:DP:CMT\t0/1:12:ZZVCF_c\t0/0:11:x\t0/0:9:y',
  'chr10\t94781859\trs4244285\tG\tA\t50\tLowQual\tDP=30\tGT:DP:CMT\t0/1:12:ZZVCF_d\t0/0:13:x\t0/0:9:y',
  'chr10\t94842866\trs3758581\tA\tG\t50\tPASS\tDP=30\tGT:DP:CMT\t1/1:12:ZZVCF_e\t1/1:14:x\t1/1:9:y',
].join('\n');

test('a VCF with identifiers in its header, sample names and path leaves none in the data folder, copy included', { timeout: 120_000 }, async (t) => {
  const dir = tempDir('vcf-privacy');
  t.after(dir.remove);
  const inputDir = join(dir.path, 'ZZVCF_Jane_Doe-Vcfmarker');
  mkdirSync(inputDir);
  const input = join(inputDir, 'ZZVCF_S01_exome.vcf');
  writeFileSync(input, `${IDENTIFYING_VCF}\n`);
  const sheet = sampleSheet(join(inputDir, 'ZZVCF_sheet.csv'), [
    ['ZZVCF_S01', MRN_SYSTEM, 'ZZMRN-5501'],
    ['ZZVCF_S02', MRN_SYSTEM, 'ZZMRN-5502'],
  ]);
  const dataDir = join(dir.path, 'data');
  const engine = await testEngine(dataDir);
  let job: ImportJobState;
  try {
    job = await importWith(engine, [input], { sampleSheet: sheet, writeDeidentifiedCopy: true });
    assert.equal(job.state, 'done', JSON.stringify(job.error));
    assert.equal(job.files[0]!.state, 'done', job.files[0]!.message);
    assert.equal(job.totals.accepted, 2);
    assert.equal(job.totals.skipped, 1, 'the sample missing from the sheet is reported, not imported');
    const unlinked = job.issues.find((i) => i.position === 'sample 3');
    assert.ok(unlinked && /not listed in the sample sheet/.test(unlinked.reason));
    assert.ok(!unlinked.reason.includes('ZZVCF'), 'the reason does not name the sample');
    assert.equal((await engine.listGenomicSamples({ offset: 0, limit: 10 })).total, 2);
  } finally {
    await engine.close();
  }
  const copies = readdirSync(join(dataDir, 'genomics'));
  assert.equal(copies.length, 1);
  assert.match(copies[0]!, /^[0-9a-f]{64}\.vcf\.gz$/);
  const views = writtenText(dataDir);
  assert.ok(views.some((v) => v.file.endsWith('.vcf.gz gunzipped') && v.text.includes('rs12248560')), 'the copy is scanned decompressed');
  assert.deepEqual(scanForMarkers(views, VCF_MARKERS), []);
});

test('a VCF sample, a FHIR Patient and a DICOM study with the same MRN share one pseudonym', { timeout: 180_000 }, async (t) => {
  if (!vcfDir) return t.skip(SKIP_REASON);
  const dir = tempDir('vcf-linkage');
  t.after(dir.remove);
  const mrn = 'MRN-LINK-77';
  const fhir = fhirPatientNdjson(join(dir.path, 'fhir'), 'link-patient-1', mrn);
  const vcf = join(vcfDir, HAPLOTYPES, 'cyp2c19/s1s2.vcf');
  const sheet = sampleSheet(join(dir.path, 'sheet.csv'), [[firstSampleId(vcf), MRN_SYSTEM, mrn]]);
  const dicom = join(dir.path, 'study.dcm');
  writeFileSync(dicom, writeInstanceWithDcmjs(syntheticCtInstance({ '00100020': { vr: 'LO', Value: [mrn] } })));

  const engine = await testEngine(join(dir.path, 'data'));
  try {
    engine.setSetting('dicom.default-mrn-system', MRN_SYSTEM);
    const job = await importWith(engine, [fhir, vcf, dicom], { sampleSheet: sheet });
    assert.equal(job.state, 'done', JSON.stringify(job.error));
    for (const f of job.files) assert.equal(f.state, 'done', `${f.kind} ${f.file}: ${f.message}`);

    const page = await engine.listPatients({ offset: 0, limit: 10 });
    assert.equal(page.total, 1, 'one patient across FHIR, VCF and DICOM');
    const pseudonym = page.patients[0]!.pseudonym;
    assert.equal(page.patients[0]!.sex, 'female', 'the FHIR demographics are on the linked patient');
    const samples = await engine.listGenomicSamples({ offset: 0, limit: 10 });
    assert.deepEqual(samples.samples.map((s) => s.pseudonym), [pseudonym]);
    const detail = await engine.getPatient({ pseudonym });
    assert.equal(detail?.pgx?.find((r) => r.gene === 'CYP2C19')?.diplotype, '*1/*2');
    assert.deepEqual(foreignKeyViolations(join(dir.path, 'data', 'dataspace.sqlite')), [], 'every row of the three imports has its patient');
    const db = new Database(join(dir.path, 'data', 'dataspace.sqlite'), { readonly: true });
    const studyPseudonyms = db.prepare('SELECT DISTINCT pseudonym FROM imaging_study').pluck().all();
    db.close();
    assert.deepEqual(studyPseudonyms, [pseudonym], 'the DICOM study is on the same patient');

    // Without a sample sheet the sample id is the MRN in vcf.default-mrn-system.
    const renamed = join(dir.path, 'renamed.vcf');
    writeFileSync(renamed, readFileSync(vcf, 'utf8').replace(`\t${firstSampleId(vcf)}\n`, `\t${mrn}\n`));
    engine.setSetting('vcf.default-mrn-system', MRN_SYSTEM);
    const second = await importWith(engine, [renamed]);
    assert.equal(second.files[0]!.state, 'done', second.files[0]!.message);
    assert.equal((await engine.listPatients({ offset: 0, limit: 10 })).total, 1);
    const again = await engine.listGenomicSamples({ offset: 0, limit: 10 });
    assert.equal(again.total, 2);
    assert.ok(again.samples.every((s) => s.pseudonym === pseudonym));
    const audit = await engine.listAudit({ offset: 0, limit: 50, action: 'config.set' });
    assert.ok(audit.entries.some((e) => e.details.key === 'vcf.default-mrn-system'), 'the setting change is audited');
  } finally {
    await engine.close();
  }
});

test('a clopidogrel order (ingredient or product code) and a CYP2C19 *2/*2 VCF raise the CPIC alert, whichever arrives first', { timeout: 180_000 }, async (t) => {
  if (!vcfDir) return t.skip(SKIP_REASON);
  const dir = tempDir('vcf-alert');
  t.after(dir.remove);
  const source = join(vcfDir, HAPLOTYPES, 'cyp2c19/s2s2.vcf');
  const engine = await testEngine(join(dir.path, 'data'));
  try {
    for (const [order, mrn] of [['vcf-first', 'MRN-ALERT-1'], ['fhir-first', 'MRN-ALERT-2']] as const) {
      // One file per patient: a sample is identified by its file's content and column.
      const vcf = join(dir.path, `${order}.vcf`);
      writeFileSync(vcf, readFileSync(source, 'utf8').replace(`\t${firstSampleId(source)}\n`, `\tS-${order}\n`));
      // One order coded by ingredient, one by product (RxNorm SCD 309362, as exports usually are):
      // the ingredient is derived from the name at import, before Safe Harbor drops the name.
      const fhir =
        order === 'vcf-first'
          ? fhirPatientNdjson(join(dir.path, order), `${order}-patient`, mrn, '32968')
          : fhirPatientNdjson(join(dir.path, order), `${order}-patient`, mrn, '309362', 'clopidogrel 75 MG Oral Tablet');
      const sheet = sampleSheet(join(dir.path, `${order}.csv`), [[`S-${order}`, MRN_SYSTEM, mrn]]);
      const steps = order === 'vcf-first' ? [[vcf], [fhir]] : [[fhir], [vcf]];
      for (const paths of steps) {
        const job = await importWith(engine, paths, { sampleSheet: sheet });
        assert.ok(job.files.every((f) => f.state === 'done'), JSON.stringify(job.files));
      }
    }
    const page = await engine.listPgxPatients({ offset: 0, limit: 10 });
    assert.equal(page.total, 2);
    for (const p of page.patients) {
      const cyp2c19 = p.results.find((r) => r.gene === 'CYP2C19')!;
      assert.equal(cyp2c19.diplotype, '*2/*2');
      assert.equal(cyp2c19.phenotype, 'Poor Metabolizer');
      assert.equal(p.alerts.length, 1, JSON.stringify(p.alerts));
      const alert = p.alerts[0]!;
      assert.deepEqual([alert.drug, alert.rxnorm, alert.gene, alert.phenotype, alert.severity], ['clopidogrel', '32968', 'CYP2C19', 'Poor Metabolizer', 'high']);
      assert.match(alert.recommendation, /alternative P2Y12 inhibitor/);
      const detail = await engine.getPatient({ pseudonym: p.pseudonym });
      assert.deepEqual(detail?.alerts, p.alerts);
    }
    const summary = await engine.getPgxSummary();
    const cyp2c19 = summary.genes.find((g) => g.gene === 'CYP2C19');
    assert.deepEqual(cyp2c19?.phenotypes, [{ phenotype: 'Poor Metabolizer', patients: 2 }]);
    assert.ok(!summary.genes.some((g) => g.gene === 'CYP2D6'), 'genes not callable from VCF are not charted');
  } finally {
    await engine.close();
  }
});

test('re-importing the same VCFs, or a renamed copy, adds no rows and no files', { timeout: 180_000 }, async (t) => {
  if (!vcfDir) return t.skip(SKIP_REASON);
  const dir = tempDir('vcf-reimport');
  t.after(dir.remove);
  const dataDir = join(dir.path, 'data');
  const multi = join(vcfDir, 'pharmcat/src/test/resources/org/pharmgkb/pharmcat/100samples.vcf.bgz');
  const single = join(vcfDir, HAPLOTYPES, 'cyp2c19/s2s3.vcf');
  const fhir = fhirPatientNdjson(join(dir.path, 'fhir'), 'reimport-1', 'MRN-RE-1', '32968');
  const sheet = sampleSheet(join(dir.path, 'sheet.csv'), [['NA12878', MRN_SYSTEM, 'MRN-RE-1']]);
  const engine = await testEngine(dataDir);
  try {
    engine.setSetting('vcf.default-mrn-system', MRN_SYSTEM);
    const first = await importWith(engine, [multi, fhir], { writeDeidentifiedCopy: true });
    assert.ok(first.files.every((f) => f.state === 'done'), JSON.stringify(first.files));
    const withSheet = await importWith(engine, [single], { sampleSheet: sheet, writeDeidentifiedCopy: true });
    assert.equal(withSheet.files[0]!.state, 'done');
    const database = join(dataDir, 'dataspace.sqlite');
    const before = tableCounts(database);
    assert.equal(before.genomic_sample, 101);
    const copies = readdirSync(join(dataDir, 'genomics')).sort();
    assert.equal(copies.length, 2);

    const again = await importWith(engine, [multi, fhir], { writeDeidentifiedCopy: true });
    assert.ok(again.files.every((f) => f.state === 'skipped'), 'unchanged files are recognised');
    const againSheet = await importWith(engine, [single], { sampleSheet: sheet, writeDeidentifiedCopy: true });
    assert.equal(againSheet.totals.inserted, 0);

    // A renamed copy is read again, sample by sample: everything is already there.
    const copy = join(dir.path, 'renamed-100samples.vcf.gz');
    copyFileSync(multi, copy);
    const renamed = await importWith(engine, [copy], { writeDeidentifiedCopy: true });
    assert.equal(renamed.files[0]!.state, 'done');
    assert.equal(renamed.totals.accepted, 100);
    assert.equal(renamed.totals.inserted, 0);
    assert.equal(renamed.totals.unchanged, 100);
    assert.deepEqual(tableCounts(database), before);
    assert.deepEqual(readdirSync(join(dataDir, 'genomics')).sort(), copies, 'the same copy, by content hash');
  } finally {
    await engine.close();
  }
});

test('a GRCh37 VCF is refused with the reason and how to fix it', async (t) => {
  const dir = tempDir('vcf-grch37');
  t.after(dir.remove);
  const path = join(dir.path, 'grch37.vcf');
  writeFileSync(path, '##fileformat=VCFv4.2\n##contig=<ID=1,length=249250621>\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tS1\n1\t100\t.\tA\tG\t.\t.\t.\tGT\t0/1\n');
  const engine = await testEngine(join(dir.path, 'data'));
  try {
    const job = await importWith(engine, [path], { writeDeidentifiedCopy: true });
    assert.equal(job.state, 'done');
    assert.equal(job.files[0]!.state, 'failed');
    assert.match(job.files[0]!.message ?? '', /GRCh37.*Only GRCh38 is supported.*[Ll]ift/);
    assert.equal(existsSync(join(dir.path, 'data', 'genomics')) ? readdirSync(join(dir.path, 'data', 'genomics')).length : 0, 0, 'no partial copy is left');
    assert.equal((await engine.listGenomicSamples({ offset: 0, limit: 1 })).total, 0);
  } finally {
    await engine.close();
  }
});

test('a VCF import reports progress in bytes and cancels cleanly, leaving no rows and no partial copy', { timeout: 180_000 }, async (t) => {
  const dir = tempDir('vcf-cancel');
  t.after(dir.remove);
  // ~60 MB of plain VCF: long enough to be cancelled mid-file on any machine.
  const path = join(dir.path, 'large.vcf');
  const lines = ['##fileformat=VCFv4.2', '##contig=<ID=chr1,length=248956422>', '#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tS1'];
  const chunk: string[] = [];
  for (let i = 1; i <= 20_000; i++) chunk.push(`chr1\t${i}\t.\tA\tG\t50\tPASS\tDP=30\tGT:DP\t0/1:30`);
  writeFileSync(path, `${lines.join('\n')}\n`);
  const body = `${chunk.join('\n')}\n`;
  for (let i = 0; i < 100; i++) writeFileSync(path, body, { flag: 'a' });
  const dataDir = join(dir.path, 'data');
  const engine = await testEngine(dataDir);
  try {
    const { jobId } = await engine.startImport({ paths: [path], vcf: { writeDeidentifiedCopy: true } });
    let sawProgress = false;
    const cancelled = new Promise<void>((resolve) => {
      const off = engine.onEvent((event) => {
        if (event.type !== 'import.progress' || event.job.jobId !== jobId) return;
        const file = event.job.files[0];
        if (file?.kind === 'vcf' && file.state === 'running' && file.bytesRead > 0 && file.bytesRead < file.bytesTotal) {
          sawProgress = true;
          off();
          void engine.cancelImport({ jobId }).then(() => resolve());
        }
      });
    });
    const job = await engine.waitForImport(jobId);
    await Promise.race([cancelled, Promise.resolve()]);
    assert.ok(sawProgress, 'progress events carry the bytes read');
    assert.equal(job.state, 'cancelled');
    assert.equal(job.files[0]!.state, 'cancelled');
    assert.equal((await engine.listGenomicSamples({ offset: 0, limit: 1 })).total, 0);
    const genomics = join(dataDir, 'genomics');
    assert.deepEqual(existsSync(genomics) ? readdirSync(genomics) : [], [], 'no partial copy is left');
  } finally {
    await engine.close();
  }
});

test('a cohort VCF with 8,000 sample columns imports within the import worker heap limit', { timeout: 300_000 }, async (t) => {
  // Regression: per-sample PGx state and every sample's gene calls were held at once, so a wide cohort
  // VCF (35,000 columns at the 100k-patient demo site) ran the worker out of its 160 MB heap.
  const dir = tempDir('vcf-wide');
  t.after(dir.remove);
  const samples = 8_000;
  const writer = new VcfCohortWriter(11, 'wide');
  for (let i = 0; i < samples; i++) writer.add(`WIDE-${i + 1}`, `W${i + 1}`, new Uint8Array(PGX_SITES.length * 2));
  const vcf = join(dir.path, 'cohort.vcf.gz');
  const sheet = join(dir.path, 'samples.csv');
  await writer.write(vcf, sheet, MRN_SYSTEM, null);
  const engine = await testEngine(join(dir.path, 'data'));
  try {
    const job = await importWith(engine, [vcf], { sampleSheet: sheet });
    assert.equal(job.state, 'done', JSON.stringify(job.error));
    assert.equal(job.files[0]!.state, 'done', job.files[0]!.message ?? '');
    assert.equal(job.files[0]!.accepted, samples);
    assert.equal((await engine.listGenomicSamples({ offset: 0, limit: 1 })).total, samples);
    const last = (await engine.listPatients({ offset: samples - 1, limit: 1 })).patients[0]!;
    const detail = await engine.getPatient({ pseudonym: last.pseudonym });
    // Every generated sample is reference at every defining position the cohort file carries.
    assert.equal(detail?.pgx?.find((r) => r.gene === 'CYP2C19')?.diplotype, '*38/*38');
  } finally {
    await engine.close();
  }
});
