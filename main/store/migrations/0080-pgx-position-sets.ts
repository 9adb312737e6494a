// PGx genotypes stored as the calls alone: a gene's defining positions (GRCh38 position and rsid) are
// the same for every sample called with one version of the allele definitions, so they are kept once
// per distinct list in pgx_position_set and each result row keeps only its calls, in that order. A
// 35,000-sample cohort stored ~15 KB of repeated positions per sample before.
import type { Migration } from './index.ts';

export const migration0080: Migration = {
  version: 80,
  name: 'pgx-position-sets',
  up(db) {
    db.exec(`
      CREATE TABLE pgx_position_set (
        id INTEGER PRIMARY KEY,
        gene TEXT NOT NULL,
        -- the gene's GRCh38 defining positions in definition order, JSON [[pos, rsid], ...]
        positions TEXT NOT NULL,
        UNIQUE (gene, positions)
      ) STRICT;

      CREATE TABLE pgx_result_v2 (
        sample_key TEXT NOT NULL REFERENCES genomic_sample(sample_key),
        gene TEXT NOT NULL,
        pseudonym TEXT NOT NULL REFERENCES patient(pseudonym),
        status TEXT NOT NULL CHECK (status IN ('called', 'ambiguous', 'indeterminate', 'not-callable')),
        diplotype TEXT,
        -- every top-scoring diplotype, JSON array
        candidates TEXT NOT NULL,
        phenotype TEXT,
        activity_score REAL,
        position_set INTEGER NOT NULL REFERENCES pgx_position_set(id),
        -- the call at each position of position_set, JSON array, null when missing
        calls TEXT NOT NULL,
        missing_positions INTEGER NOT NULL,
        batch_id INTEGER NOT NULL REFERENCES import_batch(id),
        PRIMARY KEY (sample_key, gene)
      ) STRICT;
    `);
    const insertSet = db.prepare('INSERT OR IGNORE INTO pgx_position_set (gene, positions) VALUES (?, ?)');
    const setId = db.prepare('SELECT id FROM pgx_position_set WHERE gene = ? AND positions = ?').pluck();
    const insertRow = db.prepare(`
      INSERT INTO pgx_result_v2 (sample_key, gene, pseudonym, status, diplotype, candidates, phenotype, activity_score,
        position_set, calls, missing_positions, batch_id)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
    // Paged by rowid: a statement cannot write while another on the connection is still reading.
    const page = db.prepare('SELECT rowid AS row, * FROM pgx_result WHERE rowid > ? ORDER BY rowid LIMIT 1000');
    const setIds = new Map<string, number>();
    for (let after = 0; ; ) {
      const rows = page.all(after) as {
        row: number;
        sample_key: string;
        gene: string;
        pseudonym: string;
        status: string;
        diplotype: string | null;
        candidates: string;
        phenotype: string | null;
        activity_score: number | null;
        genotypes: string;
        missing_positions: number;
        batch_id: number;
      }[];
      if (rows.length === 0) break;
      for (const r of rows) {
        const genotypes = JSON.parse(r.genotypes) as { pos: number; rsid: string | null; call: string | null }[];
        const positions = JSON.stringify(genotypes.map((g) => [g.pos, g.rsid]));
        const key = `${r.gene}\t${positions}`;
        let set = setIds.get(key);
        if (set === undefined) {
          insertSet.run(r.gene, positions);
          set = setId.get(r.gene, positions) as number;
          setIds.set(key, set);
        }
        insertRow.run(r.sample_key, r.gene, r.pseudonym, r.status, r.diplotype, r.candidates, r.phenotype,
          r.activity_score, set, JSON.stringify(genotypes.map((g) => g.call)), r.missing_positions, r.batch_id);
      }
      after = rows[rows.length - 1]!.row;
    }
    db.exec(`
      DROP TABLE pgx_result;
      ALTER TABLE pgx_result_v2 RENAME TO pgx_result;
      CREATE INDEX pgx_result_by_patient ON pgx_result(pseudonym, gene);
      CREATE INDEX pgx_result_by_gene ON pgx_result(gene, phenotype);
    `);
  },
};
