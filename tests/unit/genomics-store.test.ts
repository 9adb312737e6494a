import { test } from 'node:test';
import assert from 'node:assert/strict';
import { patientPgxAlerts } from '../../main/features/pgx/patient-pgx-alerts.ts';
import { openMemory, type WritableDB } from '../../main/store/database.ts';
import { readSetting, settingValue, writeSetting } from '../../main/store/engine-settings.ts';
import { GenomicsStore } from '../../main/store/genomics-store.ts';
import { GenomicsWriter, PgxGenotypeEncoder, type StoredGenomicSample, type StoredPgxResult } from '../../main/store/genomics-writer.ts';
import { migrate } from '../../main/store/migrations/index.ts';
import { sql } from '../../main/store/sql.ts';

function migrated(): WritableDB {
  const db = openMemory();
  migrate(db);
  db.run(sql`INSERT INTO import_batch (id, started_at, status, policy_name, policy_version) VALUES (1, 'now', 'running', 'p', '1'), (2, 'now', 'running', 'p', '1')`);
  return db;
}

function call(gene: string, status: StoredPgxResult['status'], diplotype: string | null, phenotype: string | null): StoredPgxResult {
  return {
    gene,
    status,
    diplotype,
    candidates: diplotype ? [diplotype] : [],
    phenotype,
    activityScore: null,
    ...new PgxGenotypeEncoder().encode(gene, [{ pos: 94781859, rsid: 'rs4244285', call: diplotype ? 'A/A' : null }]),
    missingPositions: diplotype ? 0 : 1,
  };
}

function sample(key: string, pseudonym: string, pgx: StoredPgxResult[]): StoredGenomicSample {
  return {
    sampleKey: key,
    pseudonym,
    sampleIndex: 0,
    genomeBuild: 'GRCh38',
    records: 100,
    called: 98,
    snvs: 80,
    indels: 10,
    otherVariants: 0,
    multiAllelic: 3,
    het: 50,
    homAlt: 25,
    homRef: 23,
    tiTv: 2.1,
    hetHomRatio: 2,
    callRate: 0.98,
    deidentifiedCopy: null,
    pgx,
  };
}

test('0030-genomics creates STRICT genomic tables that refuse wrong types and statuses', () => {
  const db = migrated();
  const tables = db.all<{ name: string; strict: number }>(sql`SELECT name, strict FROM pragma_table_list WHERE name IN ('genomic_sample', 'pgx_result')`);
  assert.deepEqual(tables.map((t) => [t.name, t.strict]).sort(), [['genomic_sample', 1], ['pgx_result', 1]]);
  const writer = new GenomicsWriter(db, 1);
  writer.upsertSample(sample('s1', 'p1', []));
  assert.throws(() => db.run(sql`UPDATE genomic_sample SET records = 'many' WHERE sample_key = 's1'`));
  assert.throws(() => db.run(sql`UPDATE genomic_sample SET genome_build = 'GRCh37' WHERE sample_key = 's1'`));
  const set = db.run(sql`INSERT INTO pgx_position_set (gene, positions) VALUES ('CYP2C19', '[]')`).lastInsertRowid;
  assert.throws(() =>
    db.run(sql`INSERT INTO pgx_result (sample_key, gene, pseudonym, status, candidates, position_set, calls, missing_positions, batch_id)
      VALUES ('s1', 'CYP2C19', 'p1', 'guessed', '[]', ${set}, '[]', 0, 1)`),
    /CHECK/,
  );
  db.close();
});

test('storing a sample creates its patient once and a repeat store changes nothing', () => {
  const db = migrated();
  const writer = new GenomicsWriter(db, 1);
  const s = sample('s1', 'p1', [call('CYP2C19', 'called', '*2/*2', 'Poor Metabolizer'), call('CYP2D6', 'not-callable', null, null)]);
  assert.equal(writer.upsertSample(s), true);
  assert.equal(new GenomicsWriter(db, 2).upsertSample(s), false, 'the same sample again is unchanged');
  assert.equal(db.pluck(sql`SELECT count(*) FROM patient`), 1);
  assert.equal(db.pluck(sql`SELECT count(*) FROM pgx_result`), 2);
  assert.equal(db.pluck(sql`SELECT batch_id FROM genomic_sample`), 1, 'an unchanged row keeps its batch');
  // A FHIR Patient arriving later fills in the same row (its upsert updates on conflict).
  db.run(sql`UPDATE patient SET sex = 'female' WHERE pseudonym = 'p1'`);
  assert.equal(new GenomicsWriter(db, 2).upsertSample(s), false);
  assert.equal(db.pluck(sql`SELECT sex FROM patient`), 'female', 'the VCF does not overwrite demographics');
  db.close();
});

test('a patient shows one call per gene, the most decisive one, and the summary counts patients', () => {
  const db = migrated();
  new GenomicsWriter(db, 1).upsertSample(sample('a1', 'pa', [call('CYP2C19', 'called', '*1/*2', 'Intermediate Metabolizer')]));
  new GenomicsWriter(db, 2).upsertSample(sample('a2', 'pa', [call('CYP2C19', 'indeterminate', null, null)]));
  new GenomicsWriter(db, 2).upsertSample(sample('b1', 'pb', [call('CYP2C19', 'called', '*2/*2', 'Poor Metabolizer'), call('CYP2D6', 'not-callable', null, null)]));
  new GenomicsWriter(db, 2).upsertSample(sample('c1', 'pc', [call('CYP2C19', 'indeterminate', null, null)]));
  const store = new GenomicsStore(db);
  const pa = store.pgxFor('pa');
  assert.deepEqual(pa.map((r) => [r.gene, r.diplotype, r.sampleKey]), [['CYP2C19', '*1/*2', 'a1']]);
  assert.deepEqual(pa[0]!.genotypes, [{ pos: 94781859, rsid: 'rs4244285', call: 'A/A' }], 'positions and calls read back as written');
  assert.deepEqual(store.pgxFor('pc')[0]!.genotypes, [{ pos: 94781859, rsid: 'rs4244285', call: null }]);
  assert.equal(db.pluck(sql`SELECT count(*) FROM pgx_position_set`), 2, 'one positions list per gene, shared by the samples');
  assert.deepEqual(store.pgxSummary(), {
    genes: [
      {
        gene: 'CYP2C19',
        patients: 3,
        phenotypes: [
          { phenotype: 'Indeterminate', patients: 1 },
          { phenotype: 'Intermediate Metabolizer', patients: 1 },
          { phenotype: 'Poor Metabolizer', patients: 1 },
        ],
      },
    ],
  });
  const page = store.listSamples({ offset: 0, limit: 10 });
  assert.equal(page.total, 4);
  assert.equal(page.samples.find((s) => s.sampleKey === 'b1')?.genesCalled, 1);
  assert.deepEqual(store.pgxPatients({ offset: 1, limit: 1 }), { total: 3, pseudonyms: ['pb'] });
  db.close();
});

test('alerts come from RxNorm ingredient codes of the patient medications and their phenotypes', () => {
  const results = [{ ...call('CYP2C19', 'called', '*2/*2', 'Poor Metabolizer'), sampleKey: 's', genotypes: [] }];
  const rxnorm = 'http://www.nlm.nih.gov/research/umls/rxnorm';
  const alerts = patientPgxAlerts(results, [`${rxnorm}|32968`, 'http://snomed.info/sct|12345']);
  assert.deepEqual(alerts.map((a) => [a.drug, a.gene, a.phenotype, a.severity]), [['clopidogrel', 'CYP2C19', 'Poor Metabolizer', 'high']]);
  assert.deepEqual(patientPgxAlerts(results, [`${rxnorm}|36567`]), [], 'simvastatin does not involve CYP2C19');
  const normal = [{ ...call('CYP2C19', 'called', '*1/*1', 'Normal Metabolizer'), sampleKey: 's', genotypes: [] }];
  assert.deepEqual(patientPgxAlerts(normal, [`${rxnorm}|32968`]), []);
});

test('vcf.default-mrn-system is validated, stored and defaulted', () => {
  const db = migrated();
  assert.equal(readSetting(db, 'vcf.default-mrn-system'), null);
  assert.equal(settingValue(db, 'vcf.default-mrn-system'), 'urn:dataspace:mrn');
  writeSetting(db, 'vcf.default-mrn-system', 'http://hospital.example.org/mrn');
  assert.equal(readSetting(db, 'vcf.default-mrn-system'), 'http://hospital.example.org/mrn');
  assert.throws(() => writeSetting(db, 'vcf.default-mrn-system', ' spaced '), /vcf.default-mrn-system/);
  assert.throws(() => writeSetting(db, 'vcf.no-such-setting', 'x'), /Unknown setting/);
  db.close();
});
