import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openMemory } from '../database.ts';
import { sql } from '../sql.ts';
import { migration0080 } from './0080-pgx-position-sets.ts';
import { migrate, migrations, schemaVersion } from './index.ts';

const upTo0080 = [...migrations.filter((m) => m.version < migration0080.version), migration0080];

test('0080 moves PGx genotypes into shared position sets and per-row calls, losing nothing', () => {
  const db = openMemory();
  migrate(db, upTo0080.slice(0, -1));
  db.run(sql`INSERT INTO import_batch (id, started_at, status, policy_name, policy_version) VALUES (1, 'now', 'done', 'p', '1')`);
  const cyp = [{ pos: 94781859, rsid: 'rs4244285' }, { pos: 94842866, rsid: 'rs3758581' }, { pos: 94761900, rsid: null }];
  const rows = 2_500; // more than one page of the copy
  for (let i = 0; i < rows; i++) {
    const pseudonym = `p${i}`;
    db.run(sql`INSERT INTO patient (pseudonym, first_batch_id) VALUES (${pseudonym}, 1)`);
    db.run(sql`INSERT INTO genomic_sample (sample_key, pseudonym, sample_index, genome_build, records, called, snvs, indels,
      other_variants, multi_allelic, het, hom_alt, hom_ref, batch_id) VALUES (${`s${i}`}, ${pseudonym}, 0, 'GRCh38', 1, 1, 1, 0, 0, 0, 0, 0, 1, 1)`);
    const genotypes = cyp.map((p, k) => ({ ...p, call: (i + k) % 3 === 0 ? null : k === 0 ? 'G/A' : 'C|T' }));
    db.run(sql`INSERT INTO pgx_result (sample_key, gene, pseudonym, status, diplotype, candidates, phenotype, activity_score,
      genotypes, missing_positions, batch_id) VALUES (${`s${i}`}, 'CYP2C19', ${pseudonym}, 'called', '*1/*2', '["*1/*2"]',
      'Intermediate Metabolizer', NULL, ${JSON.stringify(genotypes)}, 1, 1)`);
    db.run(sql`INSERT INTO pgx_result (sample_key, gene, pseudonym, status, diplotype, candidates, phenotype, activity_score,
      genotypes, missing_positions, batch_id) VALUES (${`s${i}`}, 'VKORC1', ${pseudonym}, 'indeterminate', NULL, '[]', NULL, 1.5,
      ${JSON.stringify([{ pos: 31096368, rsid: 'rs9923231', call: null }])}, 1, 1)`);
  }
  const before = db.all<Record<string, unknown>>(sql`SELECT * FROM pgx_result ORDER BY sample_key, gene`);

  assert.deepEqual(migrate(db, upTo0080), [80]);
  assert.equal(schemaVersion(db), 80);
  assert.equal(db.pluck<number>(sql`SELECT strict FROM pragma_table_list WHERE name = 'pgx_result'`), 1);
  assert.equal(db.pluck<number>(sql`SELECT count(*) FROM pgx_position_set`), 2, 'one set per gene');
  const after = db.all<Record<string, unknown>>(sql`
    SELECT r.*, s.positions FROM pgx_result r JOIN pgx_position_set s ON s.id = r.position_set ORDER BY sample_key, gene`);
  assert.equal(after.length, before.length);
  after.forEach((a, i) => {
    const b = before[i]!;
    const positions = JSON.parse(a.positions as string) as [number, string | null][];
    const calls = JSON.parse(a.calls as string) as (string | null)[];
    assert.deepEqual(positions.map(([pos, rsid], k) => ({ pos, rsid, call: calls[k] })), JSON.parse(b.genotypes as string));
    for (const column of ['sample_key', 'gene', 'pseudonym', 'status', 'diplotype', 'candidates', 'phenotype', 'activity_score', 'missing_positions', 'batch_id']) {
      assert.equal(a[column], b[column], column);
    }
  });
  assert.deepEqual(
    db.all<{ name: string }>(sql`SELECT name FROM pragma_index_list('pgx_result') WHERE origin = 'c' ORDER BY name`).map((r) => r.name),
    ['pgx_result_by_gene', 'pgx_result_by_patient'],
  );
  db.close();
});
