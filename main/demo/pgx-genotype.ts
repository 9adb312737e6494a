// A patient's pharmacogene diplotypes (drawn from the table's haplotype frequencies under
// Hardy-Weinberg) and the phenotypes the readmission mechanism needs, following the CPIC
// function assignments in the table (CPIC guidelines for clopidogrel/CYP2C19,
// fluoropyrimidines/DPYD, thiopurines/TPMT+NUDT15, warfarin, simvastatin/SLCO1B1).
import { PGX_GENES, PGX_SITES } from './pgx-defining-positions.ts';
import type { PgxGene } from './pgx-defining-positions.ts';
import type { SeededRandom } from './seeded-random.ts';

/** Two haplotype indices per gene, in PGX_GENES order. */
export type PgxDiplotypes = Uint8Array;

export function drawDiplotypes(rng: SeededRandom): PgxDiplotypes {
  const out = new Uint8Array(PGX_GENES.length * 2);
  PGX_GENES.forEach((gene, g) => {
    for (let h = 0; h < 2; h++) {
      let u = rng.next();
      let index = 0;
      for (; index < gene.haplotypes.length - 1; index++) {
        u -= gene.haplotypes[index]!.frequency;
        if (u < 0) break;
      }
      out[g * 2 + h] = index;
    }
  });
  return out;
}

const GENE_INDEX = new Map(PGX_GENES.map((g, i) => [g.gene, i]));

function haplotypesOf(diplotypes: PgxDiplotypes, gene: PgxGene) {
  const g = GENE_INDEX.get(gene)!;
  const def = PGX_GENES[g]!;
  return [def.haplotypes[diplotypes[g * 2]!]!, def.haplotypes[diplotypes[g * 2 + 1]!]!] as const;
}

/** "*2/*17"-style diplotype name, for the ground truth. */
export function diplotypeName(diplotypes: PgxDiplotypes, gene: PgxGene): string {
  const [a, b] = haplotypesOf(diplotypes, gene);
  return `${a.name}/${b.name}`;
}

const countNoFunction = (diplotypes: PgxDiplotypes, gene: PgxGene) =>
  haplotypesOf(diplotypes, gene).filter((h) => h.function === 'No function').length;

/** The drug-gene phenotypes the mechanism uses. */
export interface PgxPhenotypes {
  /** CYP2C19 two no-function alleles (CPIC: poor metabolizer). */
  cyp2c19PoorMetabolizer: boolean;
  /** CYP2C19 one no-function allele (CPIC: intermediate metabolizer, incl. *17 partners). */
  cyp2c19IntermediateMetabolizer: boolean;
  /** DPYD activity score below 2 (CPIC: intermediate or poor metabolizer). */
  dpydReducedActivity: boolean;
  /** Any TPMT or NUDT15 no-function allele (CPIC thiopurine guideline: reduced dose). */
  thiopurineIntolerance: boolean;
  /** CYP2C9 activity score <= 1 with a VKORC1 -1639A allele, or VKORC1 A/A with score <= 1.5. */
  warfarinHighSensitivity: boolean;
  /** SLCO1B1 decreased/poor function (a rs4149056 C allele: *5 or *15). */
  slco1b1DecreasedFunction: boolean;
}

export function pgxPhenotypes(diplotypes: PgxDiplotypes): PgxPhenotypes {
  const cyp2c19NoFunction = countNoFunction(diplotypes, 'CYP2C19');
  const dpydActivity = haplotypesOf(diplotypes, 'DPYD').reduce((s, h) => s + (h.activity ?? 1), 0);
  const cyp2c9Activity = haplotypesOf(diplotypes, 'CYP2C9').reduce((s, h) => s + (h.activity ?? 1), 0);
  const vkorc1Variant = haplotypesOf(diplotypes, 'VKORC1').filter((h) => h.name.includes('variant')).length;
  return {
    cyp2c19PoorMetabolizer: cyp2c19NoFunction === 2,
    cyp2c19IntermediateMetabolizer: cyp2c19NoFunction === 1,
    dpydReducedActivity: dpydActivity < 2,
    thiopurineIntolerance: countNoFunction(diplotypes, 'TPMT') + countNoFunction(diplotypes, 'NUDT15') > 0,
    warfarinHighSensitivity: (cyp2c9Activity <= 1 && vkorc1Variant >= 1) || (vkorc1Variant === 2 && cyp2c9Activity <= 1.5),
    slco1b1DecreasedFunction: countNoFunction(diplotypes, 'SLCO1B1') > 0,
  };
}

const SITE_INDEX = new Map(PGX_SITES.map((s, i) => [s.rsid, i]));

/**
 * The VCF allele index (0 = REF) each haplotype carries at each PGx site, per sample: for site
 * `s` and haplotype `h` the value is at [s * 2 + h].
 */
export function pgxSiteAlleles(diplotypes: PgxDiplotypes): Uint8Array {
  const out = new Uint8Array(PGX_SITES.length * 2);
  PGX_GENES.forEach((gene, g) => {
    for (let h = 0; h < 2; h++) {
      const haplotype = gene.haplotypes[diplotypes[g * 2 + h]!]!;
      for (const [rsid, allele] of Object.entries(haplotype.alleles)) {
        const s = SITE_INDEX.get(rsid)!;
        out[s * 2 + h] = PGX_SITES[s]!.alts.indexOf(allele) + 1;
      }
    }
  });
  return out;
}
