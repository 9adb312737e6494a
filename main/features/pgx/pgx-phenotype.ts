// Diplotype → phenotype with CPIC's tables (resources/pgx/phenotypes.json, derived from PharmCAT's
// phenotype files): each allele has a function (or activity value, for CYP2C9 and DPYD) and the pair of
// those lookup keys decides the phenotype, exactly as the CPIC diplotype tables do.
import type { CompactGenePhenotypes } from './pgx-resources.ts';

/** A phenotype, the CPIC activity score where the gene uses one, and why a phenotype is missing. */
export interface PhenotypeResult {
  readonly phenotype: string | null;
  readonly activityScore: number | null;
  readonly note: string | null;
}

function parseScore(text: string | null): number | null {
  if (text === null || text === '' || text === 'n/a') return null;
  const n = Number(text);
  return Number.isFinite(n) ? n : null;
}

/** The CPIC activity value of one allele, or null when the gene has none or the allele is unassigned. */
export function activityValue(table: CompactGenePhenotypes, allele: string): number | null {
  return parseScore(table.alleles[allele]?.activityValue ?? null);
}

/** Looks up the phenotype of a two-allele diplotype. */
export function phenotypeForPair(
  table: CompactGenePhenotypes,
  a: string,
  b: string,
): PhenotypeResult {
  const keys: string[] = [];
  for (const name of [a, b]) {
    const key = table.alleles[name]?.lookupKey;
    if (key === undefined || key === null) {
      return { phenotype: null, activityScore: null, note: `CPIC assigns no function to ${name}` };
    }
    keys.push(key);
  }
  const row = table.byLookupKeys[keys.sort().join('|')];
  if (row === undefined) {
    return {
      phenotype: null,
      activityScore: null,
      note: 'the CPIC table has no phenotype for this allele pair',
    };
  }
  return { phenotype: row.phenotype, activityScore: parseScore(row.activityScore), note: null };
}
