// Genomics: per-sample VCF summaries and pharmacogenomic (PGx) gene calls, linked to patient
// pseudonyms. No column holds a sample name, header text, file path or date: a sample is known by a
// keyed id of (file content hash, sample column), its patient by the pseudonym FHIR and DICOM also use.
// Drug-gene alerts are not stored: they are computed on read from these calls and the patient's
// medication codes, so they follow every later FHIR or VCF import without a recompute step.
import type { Migration } from './index.ts';

export const migration0030: Migration = {
  version: 30,
  name: 'genomics',
  up(db) {
    db.exec(`
      CREATE TABLE genomic_sample (
        -- opaqueKey('genomic-sample', sha256 of the VCF || '|' || sample column index)
        sample_key TEXT PRIMARY KEY,
        pseudonym TEXT NOT NULL REFERENCES patient(pseudonym),
        sample_index INTEGER NOT NULL,
        genome_build TEXT NOT NULL CHECK (genome_build IN ('GRCh38', 'unknown')),
        records INTEGER NOT NULL,
        called INTEGER NOT NULL,
        snvs INTEGER NOT NULL,
        indels INTEGER NOT NULL,
        other_variants INTEGER NOT NULL,
        multi_allelic INTEGER NOT NULL,
        het INTEGER NOT NULL,
        hom_alt INTEGER NOT NULL,
        hom_ref INTEGER NOT NULL,
        ti_tv REAL,
        het_hom_ratio REAL,
        call_rate REAL,
        -- sha256 of the de-identified BGZF copy under genomics/ (its file name), when one was written
        deidentified_copy TEXT,
        batch_id INTEGER NOT NULL REFERENCES import_batch(id)
      ) STRICT;
      CREATE INDEX genomic_sample_by_patient ON genomic_sample(pseudonym);

      CREATE TABLE pgx_result (
        sample_key TEXT NOT NULL REFERENCES genomic_sample(sample_key),
        gene TEXT NOT NULL,
        pseudonym TEXT NOT NULL REFERENCES patient(pseudonym),
        status TEXT NOT NULL CHECK (status IN ('called', 'ambiguous', 'indeterminate', 'not-callable')),
        diplotype TEXT,
        -- every top-scoring diplotype, JSON array
        candidates TEXT NOT NULL,
        phenotype TEXT,
        activity_score REAL,
        -- genotypes at the gene's GRCh38 defining positions, JSON [{pos, rsid, call}], call null when missing
        genotypes TEXT NOT NULL,
        missing_positions INTEGER NOT NULL,
        batch_id INTEGER NOT NULL REFERENCES import_batch(id),
        PRIMARY KEY (sample_key, gene)
      ) STRICT;
      CREATE INDEX pgx_result_by_patient ON pgx_result(pseudonym, gene);
      CREATE INDEX pgx_result_by_gene ON pgx_result(gene, phenotype);
    `);
  },
};
