// Read side of the genomic tables: sample summaries, each patient's PGx calls, the phenotype
// distribution per gene, and the medication codes alerts are computed from.
import type { GenomicSamplePage, PgxGeneResult, PgxSummary } from '../api/contract.ts';
import type { ReadableDB } from './database.ts';
import { sql, type SqlQuery } from './sql.ts';

interface PgxDbRow {
  pseudonym: string;
  sample_key: string;
  gene: string;
  status: PgxGeneResult['status'];
  diplotype: string | null;
  candidates: string;
  phenotype: string | null;
  activity_score: number | null;
  position_set: number;
  calls: string;
  missing_positions: number;
}

// A patient may have several samples (several files) calling one gene: the shown call is the most
// decisive one (called > ambiguous > indeterminate > not callable), then the most recently imported.
const STATUS_RANK = sql`CASE status WHEN 'called' THEN 0 WHEN 'ambiguous' THEN 1 WHEN 'indeterminate' THEN 2 ELSE 3 END`;
function effectivePgx(where: SqlQuery = sql`1`): SqlQuery {
  return sql`
    SELECT * FROM (
      SELECT pseudonym, sample_key, gene, status, diplotype, candidates, phenotype, activity_score, position_set,
             calls, missing_positions,
             row_number() OVER (PARTITION BY pseudonym, gene ORDER BY ${STATUS_RANK}, batch_id DESC, sample_key) AS pick
      FROM pgx_result WHERE ${where}) WHERE pick = 1`;
}

function toResult(r: PgxDbRow, positions: readonly (readonly [number, string | null])[]): PgxGeneResult {
  const calls = JSON.parse(r.calls) as (string | null)[];
  return {
    gene: r.gene,
    status: r.status,
    diplotype: r.diplotype,
    candidates: JSON.parse(r.candidates) as string[],
    phenotype: r.phenotype,
    activityScore: r.activity_score,
    genotypes: positions.map(([pos, rsid], i) => ({ pos, rsid, call: calls[i] ?? null })),
    missingPositions: r.missing_positions,
    sampleKey: r.sample_key,
  };
}

/** The label a call counts under in the phenotype distribution. */
function phenotypeLabel(status: PgxGeneResult['status'], phenotype: string | null): string {
  if (phenotype) return phenotype;
  return status === 'ambiguous' ? 'Ambiguous' : 'Indeterminate';
}

export class GenomicsStore {
  private readonly positionSets = new Map<number, readonly (readonly [number, string | null])[]>();

  constructor(private readonly db: ReadableDB) {}

  countSamples(): number {
    return this.db.pluck<number>(sql`SELECT count(*) FROM genomic_sample`) ?? 0;
  }

  listSamples(request: { offset: number; limit: number }): GenomicSamplePage {
    const rows = this.db.all<{
      sample_key: string;
      pseudonym: string;
      genome_build: string;
      records: number;
      called: number;
      snvs: number;
      indels: number;
      multi_allelic: number;
      het: number;
      hom_alt: number;
      ti_tv: number | null;
      het_hom_ratio: number | null;
      call_rate: number | null;
      deidentified_copy: string | null;
      batch_id: number;
      genes_called: number;
    }>(sql`
      SELECT s.*, (SELECT count(*) FROM pgx_result r WHERE r.sample_key = s.sample_key AND r.status = 'called') AS genes_called
      FROM genomic_sample s ORDER BY s.batch_id DESC, s.pseudonym, s.sample_key
      LIMIT ${request.limit} OFFSET ${request.offset}`);
    return {
      total: this.countSamples(),
      offset: request.offset,
      samples: rows.map((r) => ({
        sampleKey: r.sample_key,
        pseudonym: r.pseudonym,
        genomeBuild: r.genome_build,
        records: r.records,
        called: r.called,
        snvs: r.snvs,
        indels: r.indels,
        multiAllelic: r.multi_allelic,
        het: r.het,
        homAlt: r.hom_alt,
        tiTv: r.ti_tv,
        hetHomRatio: r.het_hom_ratio,
        callRate: r.call_rate,
        genesCalled: r.genes_called,
        deidentifiedCopy: r.deidentified_copy !== null,
        batchId: r.batch_id,
      })),
    };
  }

  /** The patient's effective call per gene, in gene order. */
  pgxFor(pseudonym: string): PgxGeneResult[] {
    return this.db
      .all<PgxDbRow>(sql`${effectivePgx(sql`pseudonym = ${pseudonym}`)} ORDER BY gene`)
      .map((r) => toResult(r, this.positions(r.position_set)));
  }

  /** A position set's [pos, rsid] list; a handful exist (one per gene and definition version), so kept. */
  private positions(id: number): readonly (readonly [number, string | null])[] {
    let list = this.positionSets.get(id);
    if (list === undefined) {
      const json = this.db.pluck<string>(sql`SELECT positions FROM pgx_position_set WHERE id = ${id}`);
      list = JSON.parse(json ?? '[]') as [number, string | null][];
      this.positionSets.set(id, list);
    }
    return list;
  }

  /** Patients with PGx results, a page at a time, by pseudonym. */
  pgxPatients(request: { offset: number; limit: number }): { total: number; pseudonyms: string[] } {
    const total = this.db.pluck<number>(sql`SELECT count(DISTINCT pseudonym) FROM pgx_result`) ?? 0;
    const pseudonyms = this.db
      .all<{ pseudonym: string }>(sql`SELECT DISTINCT pseudonym FROM pgx_result ORDER BY pseudonym
        LIMIT ${request.limit} OFFSET ${request.offset}`)
      .map((r) => r.pseudonym);
    return { total, pseudonyms };
  }

  /** Patients per phenotype for every called gene; genes reported as not callable are left out. */
  pgxSummary(): PgxSummary {
    const rows = this.db.all<{ gene: string; status: PgxGeneResult['status']; phenotype: string | null; n: number }>(sql`
      SELECT gene, status, phenotype, count(*) AS n FROM (${effectivePgx()})
      WHERE status <> 'not-callable' GROUP BY gene, status, phenotype ORDER BY gene`);
    const genes = new Map<string, Map<string, number>>();
    for (const r of rows) {
      const byPhenotype = genes.get(r.gene) ?? new Map<string, number>();
      const label = phenotypeLabel(r.status, r.phenotype);
      byPhenotype.set(label, (byPhenotype.get(label) ?? 0) + r.n);
      genes.set(r.gene, byPhenotype);
    }
    return {
      genes: [...genes].map(([gene, byPhenotype]) => ({
        gene,
        patients: [...byPhenotype.values()].reduce((a, b) => a + b, 0),
        phenotypes: [...byPhenotype]
          .map(([phenotype, patients]) => ({ phenotype, patients }))
          .sort((a, b) => b.patients - a.patients || a.phenotype.localeCompare(b.phenotype)),
      })),
    };
  }

  /** `system|code` of the patient's MedicationRequest and MedicationStatement codes. */
  medicationCodes(pseudonym: string): string[] {
    const rows = this.db.all<{ codes: string }>(sql`
      SELECT codes FROM resource
      WHERE pseudonym = ${pseudonym} AND type IN ('MedicationRequest', 'MedicationStatement')`);
    return rows.flatMap((r) => JSON.parse(r.codes) as string[]);
  }
}
