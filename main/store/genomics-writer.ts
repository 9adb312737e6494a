// Write side of a VCF import: genomic samples with their summaries and PGx gene calls. Idempotent:
// rows are keyed by (sample key) and (sample key, gene), and an upsert that changes nothing writes
// nothing, so re-importing the same VCF adds and changes no row. A call's positions are stored once per
// distinct list (pgx_position_set, migration 0080); the row keeps the calls in that order.
import type { WritableDB } from './database.ts';

/** One linked VCF sample, de-identified: its patient, summary and PGx calls. */
export interface StoredGenomicSample {
  sampleKey: string;
  pseudonym: string;
  sampleIndex: number;
  genomeBuild: 'GRCh38' | 'unknown';
  records: number;
  called: number;
  snvs: number;
  indels: number;
  otherVariants: number;
  multiAllelic: number;
  het: number;
  homAlt: number;
  homRef: number;
  tiTv: number | null;
  hetHomRatio: number | null;
  callRate: number | null;
  deidentifiedCopy: string | null;
  pgx: StoredPgxResult[];
}

/** One gene call of a sample. */
export interface StoredPgxResult {
  gene: string;
  status: 'called' | 'ambiguous' | 'indeterminate' | 'not-callable';
  diplotype: string | null;
  candidates: string[];
  phenotype: string | null;
  activityScore: number | null;
  /** The gene's defining positions, JSON [[pos, rsid], ...] (see PgxGenotypeEncoder). */
  positions: string;
  /** The call at each position, JSON array with null where missing. */
  calls: string;
  missingPositions: number;
}

type PositionGenotype = { readonly pos: number; readonly rsid: string | null; readonly call: string | null };

/**
 * Encodes a gene call's genotypes as stored: the positions list, identical for every sample of a gene,
 * is serialised once per gene and reused while it stays the same; only the calls are per sample. The
 * result is two strings, which also cross to the writer thread far cheaper than an object per position.
 */
export class PgxGenotypeEncoder {
  private readonly lastByGene = new Map<string, { list: { pos: number; rsid: string | null }[]; json: string }>();

  encode(gene: string, genotypes: readonly PositionGenotype[]): { positions: string; calls: string } {
    const last = this.lastByGene.get(gene);
    let positions: string;
    if (last !== undefined && samePositions(last.list, genotypes)) {
      positions = last.json;
    } else {
      const list = genotypes.map(({ pos, rsid }) => ({ pos, rsid }));
      positions = JSON.stringify(list.map((p) => [p.pos, p.rsid]));
      this.lastByGene.set(gene, { list, json: positions });
    }
    return { positions, calls: JSON.stringify(genotypes.map((g) => g.call)) };
  }
}

function samePositions(a: readonly { pos: number; rsid: string | null }[], b: readonly PositionGenotype[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i]!.pos !== b[i]!.pos || a[i]!.rsid !== b[i]!.rsid) return false;
  return true;
}

export class GenomicsWriter {
  private readonly insertPatientStmt;
  private readonly upsertSampleStmt;
  private readonly upsertPgxStmt;
  private readonly insertPositionSetStmt;
  private readonly positionSetIdStmt;
  /** Position-set ids by gene and positions JSON: a gene has one list per allele-definition version. */
  private readonly positionSets = new Map<string, number>();

  constructor(
    db: WritableDB,
    private readonly batchId: number,
  ) {
    // A VCF may arrive before the patient's FHIR export: the patient row starts empty, and a later
    // FHIR import fills in the demographics (its upsert updates on conflict).
    this.insertPatientStmt = db.prepare(`INSERT OR IGNORE INTO patient (pseudonym, first_batch_id) VALUES (?, ?)`);
    this.upsertSampleStmt = db.prepare(`
      INSERT INTO genomic_sample (sample_key, pseudonym, sample_index, genome_build, records, called, snvs, indels,
        other_variants, multi_allelic, het, hom_alt, hom_ref, ti_tv, het_hom_ratio, call_rate, deidentified_copy, batch_id)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT(sample_key) DO UPDATE SET
        pseudonym = excluded.pseudonym, genome_build = excluded.genome_build,
        deidentified_copy = coalesce(excluded.deidentified_copy, genomic_sample.deidentified_copy),
        batch_id = excluded.batch_id
      WHERE genomic_sample.pseudonym <> excluded.pseudonym OR genomic_sample.genome_build <> excluded.genome_build
        OR genomic_sample.deidentified_copy IS NOT coalesce(excluded.deidentified_copy, genomic_sample.deidentified_copy)`);
    this.upsertPgxStmt = db.prepare(`
      INSERT INTO pgx_result (sample_key, gene, pseudonym, status, diplotype, candidates, phenotype, activity_score,
        position_set, calls, missing_positions, batch_id)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT(sample_key, gene) DO UPDATE SET
        pseudonym = excluded.pseudonym, status = excluded.status, diplotype = excluded.diplotype,
        candidates = excluded.candidates, phenotype = excluded.phenotype, activity_score = excluded.activity_score,
        position_set = excluded.position_set, calls = excluded.calls, missing_positions = excluded.missing_positions,
        batch_id = excluded.batch_id
      WHERE pgx_result.pseudonym <> excluded.pseudonym OR pgx_result.status <> excluded.status
        OR pgx_result.diplotype IS NOT excluded.diplotype OR pgx_result.candidates <> excluded.candidates
        OR pgx_result.phenotype IS NOT excluded.phenotype OR pgx_result.activity_score IS NOT excluded.activity_score
        OR pgx_result.position_set <> excluded.position_set OR pgx_result.calls <> excluded.calls`);
    this.insertPositionSetStmt = db.prepare('INSERT OR IGNORE INTO pgx_position_set (gene, positions) VALUES (?, ?)');
    this.positionSetIdStmt = db.prepare('SELECT id FROM pgx_position_set WHERE gene = ? AND positions = ?').pluck();
  }

  /**
   * Stores a sample and its gene calls (creating the patient row when the pseudonym is new).
   * Returns true when any row was inserted or changed. The summary is a function of the file content,
   * which the sample key already names, so an existing sample's summary is never rewritten.
   */
  upsertSample(s: StoredGenomicSample): boolean {
    let changes = this.insertPatientStmt.run(s.pseudonym, this.batchId).changes;
    changes += this.upsertSampleStmt.run(
      s.sampleKey, s.pseudonym, s.sampleIndex, s.genomeBuild, s.records, s.called, s.snvs, s.indels,
      s.otherVariants, s.multiAllelic, s.het, s.homAlt, s.homRef, s.tiTv, s.hetHomRatio, s.callRate,
      s.deidentifiedCopy, this.batchId,
    ).changes;
    for (const r of s.pgx) {
      changes += this.upsertPgxStmt.run(
        s.sampleKey, r.gene, s.pseudonym, r.status, r.diplotype, JSON.stringify(r.candidates), r.phenotype,
        r.activityScore, this.positionSet(r), r.calls, r.missingPositions,
        this.batchId,
      ).changes;
    }
    return changes > 0;
  }

  private positionSet(r: StoredPgxResult): number {
    const key = `${r.gene}\t${r.positions}`;
    let id = this.positionSets.get(key);
    if (id === undefined) {
      this.insertPositionSetStmt.run(r.gene, r.positions);
      id = this.positionSetIdStmt.get(r.gene, r.positions) as number;
      this.positionSets.set(key, id);
    }
    return id;
  }
}
