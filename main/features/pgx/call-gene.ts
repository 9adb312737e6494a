// Turns one sample's alleles at a gene's defining positions into a reported gene call: diplotype (or the
// tied candidates), status, CPIC phenotype and activity score, and what was missing.
import { callDpyd } from './dpyd-matcher.ts';
import { compareHaplotypeNames, matchDiplotypes } from './named-allele-matcher.ts';
import { activityValue, phenotypeForPair } from './pgx-phenotype.ts';
import type { GeneSampleAlleles } from './named-allele-matcher.ts';
import type { CompactGenePhenotypes, GeneDefinition } from './pgx-resources.ts';
import type { PgxPositionNote } from './pgx-sample-allele.ts';

export type GeneCallStatus = 'called' | 'ambiguous' | 'indeterminate' | 'not-callable';

/** A sample's genotype at one defining position; `call` is null when the position is missing. */
export interface PositionGenotype {
  readonly pos: number;
  readonly rsid: string | null;
  readonly call: string | null;
}

/** One gene's result for one sample. */
export interface GeneCall {
  readonly gene: string;
  readonly status: GeneCallStatus;
  /** The diplotype when `status` is 'called' (e.g. '*1/*2'), else null. */
  readonly diplotype: string | null;
  /** Every top-scoring diplotype (one when called, several when ambiguous). */
  readonly candidates: readonly string[];
  /** CPIC phenotype; for ambiguous calls only when every candidate has the same phenotype. */
  readonly phenotype: string | null;
  readonly activityScore: number | null;
  /** DPYD: how the diplotype was formed ('lowest-function' follows CPIC for unphased data). */
  readonly method?: 'phased' | 'lowest-function';
  /** DPYD: every variant allele found, one entry per copy. */
  readonly haplotypes?: readonly string[];
  /** Genotypes at the gene's defining positions (GRCh38), missing ones with `call: null`. */
  readonly genotypes: readonly PositionGenotype[];
  readonly missingPositions: number;
  /** Non-reference alleles that could not be tested because a defining position is missing. */
  readonly untestableAlleles: readonly string[];
  readonly notes: readonly string[];
}

const SLCO1B1_FALLBACK_RSID = 'rs4149056';
// CPIC statin guideline (PMID 35152405): c.521T>C alone decides function when no star allele is called.
const SLCO1B1_FALLBACK = ['Normal Function', 'Decreased Function', 'Poor Function'];

function diplotypeName(names: readonly string[]): string {
  return [...names].sort(compareHaplotypeNames).join('/');
}

/** Alleles with a defining difference from the reference at a missing position. */
function untestable(definition: GeneDefinition, sample: GeneSampleAlleles): string[] {
  const reference = definition.alleles.find((a) => a.reference)!;
  const out: string[] = [];
  for (const na of definition.alleles) {
    if (na.reference) continue;
    const missingCore = na.alleles.some(
      (a, i) => a !== null && a !== reference.alleles[i] && sample[i] === undefined,
    );
    if (missingCore) out.push(na.name);
  }
  return out;
}

/** The parts of a gene call every outcome shares. */
type CallBase = Pick<
  GeneCall,
  'gene' | 'genotypes' | 'missingPositions' | 'untestableAlleles' | 'notes'
>;

function indeterminate(base: CallBase, why: string): GeneCall {
  return {
    ...base,
    status: 'indeterminate',
    diplotype: null,
    candidates: [],
    phenotype: null,
    activityScore: null,
    notes: [...base.notes, why],
  };
}

/** Calls one gene for one sample. */
export function callGene(
  definition: GeneDefinition,
  table: CompactGenePhenotypes,
  sample: GeneSampleAlleles,
  positionNotes: readonly PgxPositionNote[],
): GeneCall {
  const genotypes = definition.positions.map((p) => ({
    pos: p.pos,
    rsid: p.rsid,
    call: sample[p.index]?.call ?? null,
  }));
  const missingPositions = genotypes.filter((g) => g.call === null).length;
  const notes = positionNotes.map(
    (n) => `${n.rsid ?? `${definition.chromosome}:${n.pos}`}: ${n.note}`,
  );
  if (missingPositions > 0) {
    notes.push(
      `${missingPositions} of ${genotypes.length} defining positions are missing from the VCF`,
    );
  }
  const base: CallBase = {
    gene: definition.gene,
    genotypes,
    missingPositions,
    untestableAlleles: untestable(definition, sample),
    notes,
  };
  if (missingPositions === genotypes.length)
    return indeterminate(base, 'no defining position is present in the VCF');
  return definition.gene === 'DPYD'
    ? dpydCall(base, definition, table, sample)
    : namedAlleleCall(base, definition, table, sample);
}

function dpydCall(
  base: CallBase,
  definition: GeneDefinition,
  table: CompactGenePhenotypes,
  sample: GeneSampleAlleles,
): GeneCall {
  const outcome = callDpyd(definition, sample, (name) => activityValue(table, name) ?? 1);
  if (outcome === null) return indeterminate(base, 'no defining position is present in the VCF');
  const phenotype = phenotypeForPair(
    table,
    outcome.phenotypeAlleles[0],
    outcome.phenotypeAlleles[1],
  );
  const diplotype = outcome.diplotype.join('/');
  return {
    ...base,
    status: 'called',
    diplotype,
    candidates: [diplotype],
    phenotype: phenotype.phenotype,
    activityScore: phenotype.activityScore,
    method: outcome.method,
    haplotypes: outcome.haplotypes,
    notes: [...base.notes, ...outcome.warnings, ...(phenotype.note ? [phenotype.note] : [])],
  };
}

function namedAlleleCall(
  base: CallBase,
  definition: GeneDefinition,
  table: CompactGenePhenotypes,
  sample: GeneSampleAlleles,
): GeneCall {
  const outcome = matchDiplotypes(definition, sample);
  if (outcome.kind !== 'matched') {
    const why =
      outcome.kind === 'no-match'
        ? 'no pair of named alleles explains the genotypes (possibly a novel allele)'
        : `too many unphased heterozygous positions (${outcome.permutations}+ strand permutations)`;
    const call = indeterminate(base, why);
    return definition.gene === 'SLCO1B1' ? withSlco1b1Fallback(call, definition, sample) : call;
  }
  const candidates = [
    ...new Set(outcome.candidates.map((c) => diplotypeName(c.haplotypes))),
  ].sort();
  // Sub-alleles (SLCO1B1 *45.001) take their core allele's function.
  const core = (name: string) => definition.suballeles[name] ?? name;
  const phenotypes = outcome.candidates.map((c) =>
    c.haplotypes.length === 2
      ? phenotypeForPair(table, core(c.haplotypes[0]), core(c.haplotypes[1]!))
      : { phenotype: null, activityScore: null, note: 'haploid call' },
  );
  const first = phenotypes[0]!;
  const agree = phenotypes.every(
    (p) => p.phenotype === first.phenotype && p.activityScore === first.activityScore,
  );
  const notes = [
    ...base.notes,
    ...new Set(phenotypes.map((p) => p.note).filter((n): n is string => n !== null)),
  ];
  if (candidates.length === 1) {
    const [diplotype] = candidates as [string];
    return {
      ...base,
      status: 'called',
      diplotype,
      candidates,
      phenotype: first.phenotype,
      activityScore: first.activityScore,
      notes,
    };
  }
  notes.push(
    `${candidates.length} diplotypes fit equally well` +
      (agree ? ' and share one phenotype' : ' with different phenotypes'),
  );
  return {
    ...base,
    status: 'ambiguous',
    diplotype: null,
    candidates,
    phenotype: agree ? first.phenotype : null,
    activityScore: agree ? first.activityScore : null,
    notes,
  };
}

/** PharmCAT's SLCO1B1 exception: without a star-allele call, rs4149056 alone gives the function. */
function withSlco1b1Fallback(
  call: GeneCall,
  definition: GeneDefinition,
  sample: GeneSampleAlleles,
): GeneCall {
  const position = definition.positions.find((p) => p.rsid === SLCO1B1_FALLBACK_RSID);
  const s = position === undefined ? undefined : sample[position.index];
  if (position === undefined || s === undefined || s.computed2 === null) return call;
  const alt = position.alts[0];
  const strands = [s.computed1, s.computed2];
  if (strands.some((a) => a !== position.ref && a !== alt)) return call;
  const altCount = strands.filter((a) => a === alt).length;
  return {
    ...call,
    phenotype: SLCO1B1_FALLBACK[altCount]!,
    notes: [
      ...call.notes,
      `phenotype from ${SLCO1B1_FALLBACK_RSID} (c.521T>C) alone, as CPIC allows when no star allele is called`,
    ],
  };
}

/** The entry reported for a gene that is not called from VCF. */
export function notCallable(gene: string, reason: string): GeneCall {
  return {
    gene,
    status: 'not-callable',
    diplotype: null,
    candidates: [],
    phenotype: null,
    activityScore: null,
    genotypes: [],
    missingPositions: 0,
    untestableAlleles: [],
    notes: [reason],
  };
}
