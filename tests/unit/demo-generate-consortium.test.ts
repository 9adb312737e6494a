// The synthetic consortium end to end on a small set: determinism, site differences, validity
// of every file except the listed defects, and ground truth recoverable from the files alone.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { generateConsortium, trueMechanismAuroc, trueReadmissionLogit } from '../../main/demo/index.ts';
import type { GenerationReport } from '../../main/demo/index.ts';
import { ndjsonLines, readPgxByMrn, readResources, readTruth, recomputeAdmissions } from './demo-export-reader.ts';

const dcmjs = createRequire(import.meta.url)('dcmjs') as {
  data: { DicomMessage: { readFile(buffer: ArrayBuffer): { dict: Record<string, { Value?: unknown[] }> } } };
};

function listFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => statSync(join(dir, f)).isFile()).sort();
}

let root: string;
let out: string;
let report: GenerationReport;
const defectAt = (institution: string) => {
  const set = new Set(report.defects.filter((d) => d.institution === institution && d.line !== undefined).map((d) => `${d.file}#${d.line}`));
  return (file: string, line: number) => set.has(`${institution}/fhir/${file}#${line}`);
};

before(async () => {
  root = mkdtempSync(join(tmpdir(), 'dsn-demo-'));
  out = join(root, 'consortium');
  report = await generateConsortium({ outDir: out, institutions: [], patients: 200, seed: 'unit-test' });
});

after(() => rmSync(root, { recursive: true, force: true }));

describe('generateConsortium', () => {
  test('writes byte-identical files for the same seed and different files for another seed', async () => {
    const a = join(root, 'a');
    const b = join(root, 'b');
    const c = join(root, 'c');
    await generateConsortium({ outDir: a, institutions: ['ukhd', 'site-x'], patients: 60, seed: 7 });
    await generateConsortium({ outDir: b, institutions: ['ukhd', 'site-x'], patients: 60, seed: 7 });
    await generateConsortium({ outDir: c, institutions: ['ukhd', 'site-x'], patients: 60, seed: 8 });
    const files = listFiles(a);
    assert.deepEqual(listFiles(b), files);
    assert.ok(files.length > 20);
    for (const f of files) assert.ok(readFileSync(join(a, f)).equals(readFileSync(join(b, f))), `${f} differs between identical runs`);
    const differs = files.filter((f) => !listFiles(c).includes(f) || !readFileSync(join(a, f)).equals(readFileSync(join(c, f))));
    assert.ok(differs.length >= files.length / 2, 'another seed changes most files');
  });

  test('keeps each site within the documented readmission bounds, with different rates', () => {
    for (const site of report.institutions) {
      assert.ok(site.indexAdmissions >= 40, `${site.institution} has index admissions`);
      assert.ok(site.meanTrueProbability > 0.08 && site.meanTrueProbability < 0.22, `${site.institution} mean risk ${site.meanTrueProbability}`);
    }
    assert.ok(report.totals.prevalence > 0.08 && report.totals.prevalence < 0.22, `overall prevalence ${report.totals.prevalence}`);
    const risks = report.institutions.map((s) => s.meanTrueProbability);
    assert.ok(Math.max(...risks) - Math.min(...risks) > 0.02, 'sites differ in baseline risk');
  });

  test('codes diagnoses in SNOMED CT only, ICD-10-CM only, or both, per site', () => {
    const systemsOf = (institution: string) => {
      const systems = new Set<string>();
      for (const c of readResources(join(out, institution, 'fhir'), defectAt(institution)).get('Condition')!) {
        for (const coding of c.code.coding) systems.add(coding.system);
      }
      return [...systems].sort();
    };
    assert.deepEqual(systemsOf('dkfz'), ['http://hl7.org/fhir/sid/icd-10-cm']);
    assert.deepEqual(systemsOf('embl'), ['http://snomed.info/sct']);
    assert.deepEqual(systemsOf('ukhd'), ['http://hl7.org/fhir/sid/icd-10-cm', 'http://snomed.info/sct']);
  });

  test('gives every patient an MR identifier in the site system', () => {
    for (const site of report.institutions) {
      const patients = readResources(join(out, site.institution, 'fhir'), defectAt(site.institution)).get('Patient')!;
      assert.equal(patients.length, 200);
      for (const p of patients) {
        const mr = p.identifier.find((i: { type?: { coding: { code: string; system: string }[] } }) => i.type?.coding[0]!.code === 'MR');
        assert.equal(mr.type.coding[0].system, 'http://terminology.hl7.org/CodeSystem/v2-0203');
        assert.equal(mr.system, site.profile.mrnSystem);
      }
      assert.equal(new Set(patients.map((p) => p.identifier[0].value)).size, 200, 'MRNs are unique');
    }
  });

  test('parses every NDJSON line as JSON except the listed invalid-json lines', () => {
    for (const site of report.institutions) {
      const expected = site.defects.filter((d) => d.reason === 'invalid-json').map((d) => `${d.file}#${d.line}`).sort();
      const failed: string[] = [];
      for (const { file, line, text } of ndjsonLines(join(out, site.institution, 'fhir'))) {
        try {
          JSON.parse(text);
        } catch {
          failed.push(`${site.institution}/fhir/${file}#${line}`);
        }
      }
      assert.ok(expected.length > 0);
      assert.deepEqual(failed.sort(), expected);
      const kinds = new Set(site.defects.map((d) => d.reason));
      for (const kind of ['invalid-json', 'invalid-code', 'invalid-value', 'duplicate-resource', 'truncated', 'column-count']) {
        assert.ok(kinds.has(kind as never), `${site.institution} lists a ${kind} defect`);
      }
      const lines = Object.values(site.ndjsonLines).reduce((a, b) => a + b, 0);
      const lineDefects = site.defects.filter((d) => d.line !== undefined && d.file.includes('/fhir/')).length;
      assert.ok(lineDefects / lines > 0.002 && lineDefects / lines < 0.01, `about 0.5% malformed lines (${lineDefects}/${lines})`);
    }
  });

  test('lists every NDJSON file in the bulk manifest with its line count', () => {
    for (const site of report.institutions) {
      const fhir = join(out, site.institution, 'fhir');
      const manifest = JSON.parse(readFileSync(join(fhir, 'manifest.json'), 'utf8'));
      assert.equal(manifest.transactionTime, '2025-06-30T04:00:00Z');
      assert.equal(manifest.requiresAccessToken, true);
      assert.deepEqual(manifest.error, []);
      const files = readdirSync(fhir).filter((f) => f.endsWith('.ndjson')).sort();
      assert.deepEqual(manifest.output.map((o: { url: string }) => o.url.split('/').at(-1)).sort(), files);
      for (const o of manifest.output) {
        const name = o.url.split('/').at(-1);
        assert.equal(o.type, name.split('.')[0]);
        assert.equal(readFileSync(join(fhir, name), 'utf8').split('\n').length - 1, o.count, name);
      }
      assert.ok(files.includes('Condition.001.ndjson'), 'the duplicated Condition part exists');
      assert.ok(!listFiles(fhir).some((f) => f.includes('truth')), 'no ground truth inside fhir/');
    }
  });

  test('parses every DICOM file with dcmjs except the listed truncated one, linked by MRN', () => {
    for (const site of report.institutions) {
      const base = join(out, site.institution);
      const mrns = new Set(readResources(join(base, 'fhir'), defectAt(site.institution)).get('Patient')!.map((p) => p.identifier[0].value));
      const truncated = site.defects.filter((d) => d.reason === 'truncated').map((d) => d.file);
      assert.equal(truncated.length, 1);
      const failed: string[] = [];
      let burnedIn = 0;
      let encapsulated = 0;
      const files = listFiles(join(base, 'dicom'));
      assert.equal(files.length, site.dicomFiles);
      for (const f of files) {
        const bytes = readFileSync(join(base, 'dicom', f));
        try {
          const parsed = dcmjs.data.DicomMessage.readFile(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
          assert.ok(mrns.has(parsed.dict['00100020']!.Value![0]), 'PatientID is an MRN of the FHIR export');
          assert.equal(parsed.dict['00100021']!.Value![0], site.institution === 'dkfz' ? 'DKFZ-NCT' : site.institution === 'ukhd' ? 'UKHD' : 'EMBL-CRU');
          if (parsed.dict['00280301']!.Value![0] === 'YES') burnedIn++;
          if (bytes.includes(Buffer.from('1.2.840.10008.1.2.5'))) encapsulated++;
        } catch (error) {
          if (error instanceof assert.AssertionError) throw error;
          failed.push(relative(out, join(base, 'dicom', f)));
        }
      }
      assert.deepEqual(failed, truncated);
      assert.ok(burnedIn > 0 && encapsulated > 0, `${site.institution}: some burned-in and some RLE files`);
    }
  });

  test('writes a BGZF VCF whose lines all have the header column count except the listed one', () => {
    for (const site of report.institutions) {
      const base = join(out, site.institution);
      const raw = readFileSync(join(base, 'vcf', 'cohort.vcf.gz'));
      assert.ok(raw.subarray(-28).equals(Buffer.from('1f8b08040000000000ff0600424302001b0003000000000000000000', 'hex')), 'BGZF EOF block');
      assert.equal(raw.subarray(12, 14).toString(), 'BC');
      const lines = gunzipSync(raw).toString('utf8').split('\n').slice(0, -1);
      assert.ok(lines[0] === '##fileformat=VCFv4.2' && lines.includes('##contig=<ID=chr10,length=133797422,assembly=GRCh38>'));
      const width = lines.find((l) => l.startsWith('#CHROM'))!.split('\t').length;
      assert.equal(width, 9 + site.vcfSamples);
      const wrong = lines.map((l, i) => (!l.startsWith('#') && l.split('\t').length !== width ? i + 1 : 0)).filter((i) => i > 0);
      assert.deepEqual(wrong, site.defects.filter((d) => d.reason === 'column-count').map((d) => d.line));
      const sheet = readFileSync(join(base, 'vcf', 'samples.csv'), 'utf8').trim().split('\n');
      assert.equal(sheet[0], 'sample_id,mrn_system,mrn_value');
      assert.equal(sheet.length - 1, site.vcfSamples);
      const header = lines.find((l) => l.startsWith('#CHROM'))!.split('\t').slice(9);
      assert.deepEqual(sheet.slice(1).map((r) => r.split(',')[0]), header);
      assert.ok(sheet.slice(1).every((r) => !header.includes(r.split(',')[2]!)), 'sample ids are not MRNs');
    }
  });

  test('lets the ground truth be recomputed from the exported files alone', () => {
    for (const site of report.institutions) {
      const base = join(out, site.institution);
      const truth = readTruth(join(base, 'ground-truth', 'truth.csv'));
      assert.equal(truth.length, site.indexAdmissions);
      const resources = readResources(join(base, 'fhir'), defectAt(site.institution));
      const pgx = readPgxByMrn(join(base, 'vcf', 'cohort.vcf.gz'), join(base, 'vcf', 'samples.csv'));
      const recomputed = recomputeAdmissions(resources, pgx, truth.map((r) => r.encounter_id!));
      for (const row of truth) {
        const got = recomputed.get(row.encounter_id!)!;
        const f = got.features;
        const expected = {
          lengthOfStayDays: +row.length_of_stay_days!, emergencyAdmission: row.emergency_admission === '1',
          charlsonIndex: +row.charlson_index!, priorEdVisits6m: +row.prior_ed_visits_6m!, priorAdmissions12m: +row.prior_admissions_12m!,
          dischargeHemoglobinGdl: row.discharge_hemoglobin_g_dl === '' ? null : +row.discharge_hemoglobin_g_dl!,
          dischargeSodiumMmolL: row.discharge_sodium_mmol_l === '' ? null : +row.discharge_sodium_mmol_l!,
          activeMedications: +row.active_medications!, ageYears: +row.age_years!, oncology: row.oncology === '1',
          clopidogrelCyp2c19Poor: row.clopidogrel_cyp2c19_poor === '1', clopidogrelCyp2c19Intermediate: row.clopidogrel_cyp2c19_intermediate === '1',
          capecitabineDpydReduced: row.capecitabine_dpyd_reduced === '1', azathioprineThiopurineIntolerant: row.azathioprine_thiopurine_intolerant === '1',
          warfarinHighSensitivity: row.warfarin_high_sensitivity === '1', simvastatinSlco1b1Decreased: row.simvastatin_slco1b1_decreased === '1',
        };
        assert.deepEqual(f, expected, `${site.institution} ${row.encounter_id}`);
        assert.equal(got.readmittedWithin30Days, row.outcome === '1', `label of ${row.encounter_id}`);
        assert.equal(trueReadmissionLogit({ ...f, siteEffect: +row.site_effect! }).toFixed(6), row.linear_predictor);
      }
    }
  });

  test('reports an AUROC of the true mechanism well above chance', () => {
    const auroc = trueMechanismAuroc(report.institutions.map((s) => join(out, s.paths.truth)));
    assert.ok(auroc > 0.65 && auroc < 0.95, `AUROC ${auroc}`);
  });
});
