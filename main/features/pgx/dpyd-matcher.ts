// DPYD calling, following PharmCAT v3 (NamedAlleleMatcher#callDpyd, DpydHapB3Matcher) and the CPIC
// fluoropyrimidine guideline (PMID 29152729, 2024 update): DPYD alleles are single variants, so the sample
// carries each one 0, 1 or 2 times. HapB3 is called from its intronic variant c.1129-5923C>G (rs75017182),
// or from the exonic c.1236G>A (rs56038477) when the intronic one is missing.
//  - Phased (or homozygous everywhere): each strand is Reference, one allele, or a combination "A + B";
//    a combination counts with its lowest-function component.
//  - Unphased with several variants: CPIC's lowest-function rule - "the DPD phenotype is assigned using a
//    gene activity score, which is calculated as the sum of the activity scores of the two DPYD variants
//    with the lowest variant activity score"; two different variants are presumed on different copies.
import { compareHaplotypeNames } from './named-allele-matcher.ts';
import type { DefinitionPosition, GeneDefinition } from './pgx-resources.ts';
import type { GeneSampleAlleles } from './named-allele-matcher.ts';

export const HAPB3_ALLELE = 'c.1129-5923C>G, c.1236G>A (HapB3)';
const HAPB3_INTRONIC_RSID = 'rs75017182';
const HAPB3_EXONIC_RSID = 'rs56038477';
/** The intronic variant's own allele; PharmCAT never calls it separately from HapB3. */
const HAPB3_INTRONIC_ONLY_ALLELE = 'c.1129-5923C>G';

/** A DPYD result: the two strands (or lowest-function pair) and every allele seen. */
export interface DpydOutcome {
  /** Strand names; a strand with several alleles is 'A + B'. */
  readonly diplotype: readonly [string, string];
  /** Allele names that decide the phenotype for each strand (the lowest-function component). */
  readonly phenotypeAlleles: readonly [string, string];
  /** Every non-reference allele found, one entry per copy. */
  readonly haplotypes: readonly string[];
  readonly method: 'phased' | 'lowest-function';
  readonly warnings: readonly string[];
}

/**
 * Calls DPYD. `activity(name)` gives the CPIC activity value used to pick the lowest-function alleles.
 * Returns null when no DPYD position is present.
 */
export function callDpyd(
  definition: GeneDefinition,
  sample: GeneSampleAlleles,
  activity: (name: string) => number,
): DpydOutcome | null {
  const present = definition.positions.filter((p) => sample[p.index] !== undefined);
  if (present.length === 0) return null;
  const warnings: string[] = [];
  const hapB3 = definition.alleles.find((a) => a.name === HAPB3_ALLELE);
  const intronic = definition.positions.find((p) => p.rsid === HAPB3_INTRONIC_RSID);
  const exonic = definition.positions.find((p) => p.rsid === HAPB3_EXONIC_RSID);
  if (hapB3 === undefined || intronic === undefined || exonic === undefined) {
    throw new Error('DPYD definition lacks HapB3');
  }

  // Strand-wise allele lists: [strand1, strand2].
  const strands: [string[], string[]] = [[], []];
  let hapB3Position: DefinitionPosition | null = null;
  if (sample[intronic.index] !== undefined) {
    hapB3Position = intronic;
  } else if (sample[exonic.index] !== undefined) {
    hapB3Position = exonic;
    warnings.push(
      'HapB3 called from the exonic variant c.1236G>A only (intronic c.1129-5923C>G is missing)',
    );
  }
  if (hapB3Position !== null) {
    const s = sample[hapB3Position.index]!;
    const allele = hapB3.alleles[hapB3Position.index]!;
    if (s.computed1 === allele) strands[0].push(HAPB3_ALLELE);
    if (s.computed2 === allele) strands[1].push(HAPB3_ALLELE);
    if (hapB3Position === intronic && sample[exonic.index] !== undefined) {
      const e = sample[exonic.index]!;
      const exonAllele = hapB3.alleles[exonic.index]!;
      const exonCount = Number(e.computed1 === exonAllele) + Number(e.computed2 === exonAllele);
      const intronCount = Number(s.computed1 === allele) + Number(s.computed2 === allele);
      if (exonCount !== intronCount) {
        warnings.push(
          'HapB3 intronic and exonic variants disagree; the intronic c.1129-5923C>G call is used',
        );
      }
    }
  }
  for (const na of definition.alleles) {
    if (na.reference || na.name === HAPB3_ALLELE || na.name === HAPB3_INTRONIC_ONLY_ALLELE)
      continue;
    const index = na.alleles.findIndex((a) => a !== null);
    const s = sample[index];
    if (s === undefined) continue;
    const allele = na.alleles[index]!;
    if (s.computed1 === allele) strands[0].push(na.name);
    if (s.computed2 === allele) strands[1].push(na.name);
  }
  for (const strand of strands) strand.sort(compareHaplotypeNames);
  const haplotypes = [...strands[0], ...strands[1]].sort(compareHaplotypeNames);
  const effectivelyPhased = present.every((p) => sample[p.index]!.effectivelyPhased);
  const lowest = (names: readonly string[]) =>
    names.reduce((a, b) =>
      activity(b) < activity(a) || (activity(b) === activity(a) && compareHaplotypeNames(b, a) < 0)
        ? b
        : a,
    );

  if (effectivelyPhased) {
    const name = (strand: readonly string[]) =>
      strand.length === 0 ? 'Reference' : strand.join(' + ');
    const decisive = (strand: readonly string[]) =>
      strand.length === 0 ? 'Reference' : lowest(strand);
    const pair = orderPair(
      [name(strands[0]), decisive(strands[0])],
      [name(strands[1]), decisive(strands[1])],
    );
    return {
      diplotype: [pair[0][0], pair[1][0]],
      phenotypeAlleles: [pair[0][1], pair[1][1]],
      haplotypes,
      method: 'phased',
      warnings,
    };
  }

  // Unphased: keep the two lowest-function copies (CPIC); fewer than two copies pair with Reference.
  const byFunction = [...haplotypes].sort(
    (a, b) => activity(a) - activity(b) || compareHaplotypeNames(a, b),
  );
  const chosen = [...byFunction.slice(0, 2)];
  while (chosen.length < 2) chosen.unshift('Reference');
  chosen.sort(compareHaplotypeNames);
  if (haplotypes.length > 2) {
    warnings.push(
      `${haplotypes.length} DPYD variant copies found unphased; the two lowest-function ones decide (CPIC)`,
    );
  }
  return {
    diplotype: [chosen[0]!, chosen[1]!],
    phenotypeAlleles: [chosen[0]!, chosen[1]!],
    haplotypes,
    method: 'lowest-function',
    warnings,
  };
}

function orderPair(a: [string, string], b: [string, string]): [[string, string], [string, string]] {
  return compareHaplotypeNames(a[0], b[0]) <= 0 ? [a, b] : [b, a];
}
