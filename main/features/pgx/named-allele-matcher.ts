// Diplotype matching ported from PharmCAT's NamedAlleleMatcher (v3: MatchData, CombinationUtil,
// DiplotypeMatcher; docs/methods/NamedAlleleMatcher-101.md), in its default mode: top candidates only,
// no combinations or partial alleles, assume reference for positions a named allele leaves blank.
//  - Positions absent from the sample are MISSING: they are dropped from every definition (never read as
//    reference), alleles defined only there cannot be matched, and the score shrinks accordingly.
//  - Unphased heterozygous positions are expanded into every strand permutation; each permutation is
//    compared with every named allele; pairs of matches whose strands explain the genotype are scored by
//    the number of defined positions (IUPAC wobbles that only matched the reference base score nothing),
//    and all top-scoring pairs are returned.
import type { GeneDefinition, NamedAlleleDefinition } from './pgx-resources.ts';
import type { PgxSampleAllele } from './pgx-sample-allele.ts';

/**
 * Beyond this many strand permutations (12 unphased heterozygous positions in one gene) a gene is not called.
 * PharmCAT has no limit; real samples stay far below it, and the bound keeps a pathological file from
 * stalling an import (cost grows as permutations x named alleles x positions).
 */
export const MAX_PERMUTATIONS = 1 << 12;

const IUPAC: Readonly<Record<string, string>> = {
  A: 'A',
  C: 'C',
  G: 'G',
  T: 'T',
  U: 'T',
  R: 'AG',
  Y: 'CT',
  S: 'CG',
  W: 'AT',
  K: 'GT',
  M: 'AC',
  B: 'CGT',
  D: 'AGT',
  H: 'ACT',
  V: 'ACG',
  N: 'ACGT',
};

function isWobble(allele: string): boolean {
  return allele.length === 1 && !'ACGT'.includes(allele);
}

function alleleMatches(definition: string | null, sample: string): boolean {
  if (definition === null) return true;
  if (definition.length === 1)
    return sample.length === 1 && (IUPAC[definition] ?? definition).includes(sample);
  return definition === sample;
}

/** A named allele restricted to the sample's available positions. */
interface Haplotype {
  readonly name: string;
  readonly reference: boolean;
  /** Allele per available position after assuming reference for blanks. */
  readonly alleles: readonly (string | null)[];
  readonly score: number;
  /** Available-position indices where the definition itself uses an IUPAC wobble. */
  readonly wobbles: readonly number[];
}

/** One candidate diplotype. */
export interface DiplotypeCandidate {
  readonly haplotypes: readonly [string, string] | readonly [string];
  readonly score: number;
}

export type MatchOutcome =
  | { readonly kind: 'matched'; readonly candidates: readonly DiplotypeCandidate[] }
  | { readonly kind: 'no-match' }
  | { readonly kind: 'too-many-permutations'; readonly permutations: number };

/** Natural order of allele names (*2 < *10; 'Reference' < 'c.1156G>T'), as PharmCAT prints diplotypes. */
export function compareHaplotypeNames(a: string, b: string): number {
  const ta = a.match(/\d+|\D+/g) ?? [];
  const tb = b.match(/\d+|\D+/g) ?? [];
  for (let i = 0; i < Math.min(ta.length, tb.length); i++) {
    const x = ta[i]!;
    const y = tb[i]!;
    if (x === y) continue;
    const nx = /^\d/.test(x);
    const ny = /^\d/.test(y);
    if (nx && ny) return Number(x) - Number(y) || x.length - y.length;
    return x < y ? -1 : 1;
  }
  return ta.length - tb.length;
}

/** The sample's alleles at the gene's positions, index-aligned with `definition.positions` (undefined = missing). */
export type GeneSampleAlleles = readonly (PgxSampleAllele | undefined)[];

/** Builds the haplotypes PharmCAT's MatchData#marshallHaplotypes + defaultMissingAllelesToReference yield. */
function marshalHaplotypes(
  named: readonly NamedAlleleDefinition[],
  available: readonly number[],
  definitionRefs: readonly string[],
): Haplotype[] {
  const reference = named.find((n) => n.reference);
  if (reference === undefined) throw new Error('allele definition has no reference allele');
  const out: Haplotype[] = [];
  for (const na of named) {
    const own = available.map((p) => na.alleles[p] ?? null);
    const score = own.filter((a) => a !== null).length;
    if (score === 0) continue; // every defining position is missing: this allele cannot be seen
    const wobbles: number[] = [];
    const alleles = own.map((a, i) => {
      if (a !== null) {
        if (isWobble(a)) wobbles.push(i);
        return a;
      }
      if (na.reference) return null;
      const refAllele = reference.alleles[available[i]!] ?? null;
      return refAllele !== null && isWobble(refAllele) ? definitionRefs[available[i]!]! : refAllele;
    });
    out.push({ name: na.name, reference: na.reference, alleles, score, wobbles });
  }
  return out;
}

/** PharmCAT CombinationUtil#generatePermutations: strand sequences consistent with the phasing. */
function generatePermutations(
  samples: readonly PgxSampleAllele[],
  limit: number,
): string[][] | number {
  const isS2Blank = samples.every((s) => s.computed2 === null);
  const out = new Map<string, string[]>();
  let count = 0;
  const walk = (
    i: number,
    first: boolean,
    soFar: string[],
    phaseSets: Map<number, boolean> | null,
  ): boolean => {
    if (i === samples.length) {
      const key = soFar.join('\u0000');
      if (!out.has(key)) {
        out.set(key, [...soFar]);
        count += 1;
      }
      return count <= limit;
    }
    const s = samples[i]!;
    const strand = (useFirst: boolean) => (useFirst ? s.computed1 : (s.computed2 ?? '.'));
    if (s.effectivelyPhased || isS2Blank) {
      soFar.push(strand(first));
      const ok = walk(i + 1, first, soFar, phaseSets);
      soFar.pop();
      return ok;
    }
    if (s.phaseSet !== null && phaseSets !== null) {
      const known = phaseSets.get(s.phaseSet);
      if (known !== undefined) {
        soFar.push(strand(known));
        const ok = walk(i + 1, first, soFar, phaseSets);
        soFar.pop();
        return ok;
      }
      for (const inPhase of [true, false]) {
        const next = new Map(phaseSets).set(s.phaseSet, inPhase);
        soFar.push(strand(inPhase));
        const ok = walk(i + 1, first, soFar, next);
        soFar.pop();
        if (!ok) return false;
      }
      return true;
    }
    for (const useFirst of [true, false]) {
      soFar.push(strand(useFirst));
      const ok = walk(i + 1, first, soFar, phaseSets);
      soFar.pop();
      if (!ok) return false;
    }
    return true;
  };
  const hasPhaseSets = samples.some((s) => s.phaseSet !== null);
  if (!walk(0, true, [], hasPhaseSets ? new Map() : null)) return count;
  if (!isS2Blank && !walk(0, false, [], hasPhaseSets ? new Map() : null)) return count;
  return [...out.values()];
}

/** A haplotype and the indices of the strand permutations it explains. */
interface HaplotypeMatch {
  readonly hap: Haplotype;
  readonly seqs: readonly number[];
}

/** What pairing and scoring need: the permutations, the sample's zygosity and the definition's REF bases. */
interface PairingContext {
  readonly permutations: readonly (readonly string[])[];
  /** Heterozygous positions: the only ones where permutations differ. */
  readonly het: readonly number[];
  /** REF base per available position, for wobble scoring. */
  readonly refs: readonly string[];
}

/**
 * MatchData#comparePermutations: which strand sequences each haplotype explains. Permutations agree at
 * homozygous positions, so a haplotype is first checked there once; per permutation only the
 * heterozygous positions remain to compare (a handful, against up to ~80 defining positions).
 */
function comparePermutations(
  haplotypes: readonly Haplotype[],
  permutations: readonly (readonly string[])[],
  homozygousAt: readonly boolean[],
): HaplotypeMatch[] {
  const first = permutations[0]!;
  const het: number[] = [];
  for (let i = 0; i < homozygousAt.length; i++) if (!homozygousAt[i]) het.push(i);
  const matches: HaplotypeMatch[] = [];
  for (const hap of haplotypes) {
    let possible = true;
    for (let i = 0; i < first.length && possible; i++) {
      if (homozygousAt[i] && !alleleMatches(hap.alleles[i] ?? null, first[i]!)) possible = false;
    }
    if (!possible) continue;
    const seqs: number[] = [];
    for (let k = 0; k < permutations.length; k++) {
      const seq = permutations[k]!;
      let ok = true;
      for (let h = 0; h < het.length && ok; h++)
        ok = alleleMatches(hap.alleles[het[h]!] ?? null, seq[het[h]!]!);
      if (ok) seqs.push(k);
    }
    if (seqs.length > 0) matches.push({ hap, seqs });
  }
  return matches.sort((a, b) => compareHaplotypeNames(a.hap.name, b.hap.name));
}

/** DiplotypeMatcher#scoreForSample: defined positions, less wobbles that matched only the REF base. */
function scoreOf(ctx: PairingContext, hap: Haplotype, seqs: readonly number[]): number {
  let score = hap.score;
  for (const w of hap.wobbles) {
    if (seqs.every((k) => ctx.permutations[k]![w] === ctx.refs[w])) score -= 1;
  }
  return score;
}

/** DiplotypeMatcher#determineHomozygousPairs: one permutation, so any two matches pair. */
function homozygousCandidates(
  ctx: PairingContext,
  matches: readonly HaplotypeMatch[],
  haploid: boolean,
) {
  const candidates: DiplotypeCandidate[] = [];
  if (matches.length === 1) {
    const only = matches[0]!.hap;
    const s = scoreOf(ctx, only, [0]);
    candidates.push(
      haploid
        ? { haplotypes: [only.name], score: s }
        : { haplotypes: [only.name, only.name], score: 2 * s },
    );
    return candidates;
  }
  for (let x = 0; x < matches.length; x++) {
    for (let y = x; y < matches.length; y++) {
      const a = matches[x]!.hap;
      const b = matches[y]!.hap;
      candidates.push({
        haplotypes: [a.name, b.name],
        score: scoreOf(ctx, a, [0]) + scoreOf(ctx, b, [0]),
      });
    }
  }
  return candidates;
}

/**
 * DiplotypeMatcher#determineHeterozygousPairs: two matches pair when some of their strands complement
 * each other (equal where the sample is homozygous, different where heterozygous); the best such
 * strand pair gives the score.
 */
function heterozygousCandidates(ctx: PairingContext, matches: readonly HaplotypeMatch[]) {
  const viable = (k1: number, k2: number) => {
    const s1 = ctx.permutations[k1]!;
    const s2 = ctx.permutations[k2]!;
    // Homozygous positions are equal in every permutation; heterozygous ones must differ.
    for (const i of ctx.het) if (s1[i] === s2[i]) return false;
    return true;
  };
  const candidates: DiplotypeCandidate[] = [];
  for (let x = 0; x < matches.length; x++) {
    for (let y = x; y < matches.length; y++) {
      const m1 = matches[x]!;
      const m2 = matches[y]!;
      if (x === y && m1.seqs.length === 1) continue;
      let best = -Infinity;
      for (const k1 of m1.seqs) {
        for (const k2 of m2.seqs) {
          if (!viable(k1, k2)) continue;
          const score =
            x === y
              ? scoreOf(ctx, m1.hap, [k1]) + scoreOf(ctx, m2.hap, [k2])
              : scoreOf(ctx, m1.hap, relevant(m1.seqs, k1, k2)) +
                scoreOf(ctx, m2.hap, relevant(m2.seqs, k1, k2));
          if (score > best) best = score;
        }
      }
      if (best > -Infinity)
        candidates.push({ haplotypes: [m1.hap.name, m2.hap.name], score: best });
    }
  }
  return candidates;
}

/**
 * Calls a gene's diplotype(s) from the sample's alleles at its defining positions. Positions with
 * `undefined` are missing. Returns every top-scoring candidate (more than one means ambiguous).
 */
export function matchDiplotypes(
  definition: GeneDefinition,
  sample: GeneSampleAlleles,
): MatchOutcome {
  const available: number[] = [];
  for (let i = 0; i < definition.positions.length; i++)
    if (sample[i] !== undefined) available.push(i);
  const samples = available.map((i) => sample[i]!);
  const refs = available.map((i) => definition.positions[i]!.ref);
  const haplotypes = marshalHaplotypes(
    definition.alleles,
    available,
    definition.positions.map((p) => p.ref),
  );
  const permutations = generatePermutations(samples, MAX_PERMUTATIONS);
  if (typeof permutations === 'number') return { kind: 'too-many-permutations', permutations };
  const homozygousAt = samples.map((s) => s.computed1 === s.computed2);
  const matches = comparePermutations(haplotypes, permutations, homozygousAt);
  if (matches.length === 0) return { kind: 'no-match' };
  const het = homozygousAt.flatMap((hom, i) => (hom ? [] : [i]));
  const ctx: PairingContext = { permutations, het, refs };
  const candidates =
    permutations.length === 1
      ? homozygousCandidates(
          ctx,
          matches,
          samples.every((s) => s.computed2 === null),
        )
      : heterozygousCandidates(ctx, matches);
  if (candidates.length === 0) return { kind: 'no-match' };
  const top = Math.max(...candidates.map((c) => c.score));
  return { kind: 'matched', candidates: candidates.filter((c) => c.score === top) };
}

/** DiplotypeMatcher#sequencesForBaseMatch: a match's own sequences within the pair being scored. */
function relevant(seqs: readonly number[], k1: number, k2: number): number[] {
  if (seqs.length === 1) return [...seqs];
  return seqs.filter((k) => k === k1 || k === k2);
}
