// One sample's alleles at one defining position, read the way PharmCAT's VcfReader reads them
// (PharmCAT v3, org.pharmgkb.pharmcat.haplotype.VcfReader#parseLine): a REF that differs from the
// definition, a no-call, a lone reference allele ('0/.'), a symbolic/N/'*' allele in the genotype, or a
// heterozygous GT contradicted by AD all make the position MISSING - never reference.
import { sampleSubfield } from '../../ingest/vcf/vcf-record-parser.ts';
import type { VcfRecord } from '../../ingest/vcf/vcf-types.ts';
import type { DefinitionPosition } from './pgx-resources.ts';

/** A sample's alleles at a defining position (PharmCAT SampleAllele). */
export interface PgxSampleAllele {
  /** The allele each strand contributes to matching: '.' for a missing strand, null for no second strand. */
  readonly computed1: string;
  readonly computed2: string | null;
  readonly phased: boolean;
  /** Phased, or homozygous (nothing to phase). */
  readonly effectivelyPhased: boolean;
  readonly phaseSet: number | null;
  /** The call as VCF alleles, e.g. 'C/T' or 'C|T'. */
  readonly call: string;
}

/** Why a position was discarded, or a warning about a kept one. */
export interface PgxPositionNote {
  readonly pos: number;
  readonly rsid: string | null;
  readonly note: string;
}

const ACGT = /^[ACGT]+$/;

/** FORMAT indices the reader needs, computed once per FORMAT string. */
export interface FormatIndices {
  readonly ad: number;
  readonly ps: number;
}

export function formatIndices(format: readonly string[]): FormatIndices {
  return { ad: format.indexOf('AD'), ps: format.indexOf('PS') };
}

export type SampleAlleleResult =
  | { readonly kind: 'allele'; readonly allele: PgxSampleAllele; readonly warning: string | null }
  | { readonly kind: 'discarded'; readonly reason: string };

function discarded(reason: string): SampleAlleleResult {
  return { kind: 'discarded', reason };
}

/**
 * Reads sample `s` of `record` at `position`. `treatUndocumentedAsReference` follows PharmCAT's
 * NamedAlleleMatcher.TREAT_UNDOCUMENTED_VARIATIONS_AS_REFERENCE (DPYD, NUDT15, TPMT among ours).
 * `adUsable` is false when the header defines AD with a Number other than R (PharmCAT then ignores AD).
 */
export function readSampleAllele(
  record: VcfRecord,
  s: number,
  position: DefinitionPosition,
  treatUndocumentedAsReference: boolean,
  indices: FormatIndices,
  adUsable: boolean,
): SampleAlleleResult {
  if (record.ref.toUpperCase() !== position.ref) {
    return discarded(
      `REF in the VCF (${record.ref.length} bp) does not match the definition's REF`,
    );
  }
  const gt = record.genotypes[s];
  if (gt === null || gt === undefined) return discarded('no genotype');
  const nonMissing = gt.alleles.filter((a) => a >= 0);
  if (nonMissing.length === 0) return discarded('no call');
  let warning: string | null = null;
  if (nonMissing.length === 1 && gt.alleles.length > 1) {
    // PharmCAT: "./0" or "0/." is a missing position; "./1" is kept so the variation is not lost.
    if (nonMissing[0] === 0) return discarded('only one allele called, and it is reference');
    warning = 'only one allele called';
  } else if (nonMissing.length === 1 && nonMissing[0] === 0) {
    return discarded('haploid reference call on an autosome');
  } else if (nonMissing.length > 2) {
    warning = 'more than two alleles called; the first two are used';
  }

  const vcfAlleles = [record.ref.toUpperCase(), ...record.alt.map((a) => a.toUpperCase())];
  if (!ACGT.test(vcfAlleles[0]!)) return discarded('REF contains bases other than A, C, G, T');
  for (const a of new Set(nonMissing)) {
    if (a > 0 && !ACGT.test(vcfAlleles[a]!)) {
      return discarded('the genotype uses a symbolic, N or * allele');
    }
  }

  if (adUsable && indices.ad >= 0 && new Set(nonMissing).size > 1) {
    const column = record.samples[s];
    const ad = column === undefined ? null : sampleSubfield(column, indices.ad);
    if (ad !== null && ad !== '.' && ad !== '') {
      const depths = ad
        .split(',')
        .filter((d) => d !== '.')
        .map(Number);
      if (depths.every((d) => Number.isInteger(d)) && depths.filter((d) => d > 0).length === 1) {
        // Reference-overlap style VCFs mark every site heterozygous; AD shows the truth (PharmCAT issue #90).
        return discarded('GT is heterozygous but AD shows reads for one allele only');
      }
    }
  }

  const undocumented = new Set<string>();
  const concreteAlts = record.alt.filter((a) => !a.startsWith('<')).map((a) => a.toUpperCase());
  const expectMultiBase = position.alts.some((a) => a.length > 1);
  const hasMultiBase = concreteAlts.some((a) => a.length > 1);
  if (!(expectMultiBase && !hasMultiBase)) {
    for (const a of new Set(nonMissing)) {
      if (a > 0 && !position.alts.includes(vcfAlleles[a]!)) undocumented.add(vcfAlleles[a]!);
    }
  }
  if (undocumented.size > 0) {
    warning = treatUndocumentedAsReference
      ? 'undocumented variation treated as reference'
      : 'variation not in the allele definition';
  }

  const first = gt.alleles[0]!;
  const second = gt.alleles.length > 1 ? gt.alleles[1]! : null;
  const a1 = first >= 0 ? vcfAlleles[first]! : null;
  const a2 = second !== null && second >= 0 ? vcfAlleles[second]! : null;
  const compute = (allele: string) =>
    treatUndocumentedAsReference && undocumented.has(allele) ? vcfAlleles[0]! : allele;
  const computed1 = a1 === null ? '.' : compute(a1);
  const computed2 = a2 !== null ? compute(a2) : second !== null ? '.' : null;

  const unique = new Set(nonMissing).size;
  let effectivelyPhased = true;
  let phaseSet: number | null = null;
  if (!gt.phased) {
    if (unique > 1) effectivelyPhased = false;
  } else if (indices.ps >= 0) {
    const column = record.samples[s];
    const ps = column === undefined ? null : sampleSubfield(column, indices.ps);
    if (ps !== null && /^\d+$/.test(ps)) {
      phaseSet = Number(ps);
      if (unique > 1) effectivelyPhased = false;
    }
  }
  const separator = gt.phased ? '|' : '/';
  const call = second === null ? (a1 ?? '.') : `${a1 ?? '.'}${separator}${a2 ?? '.'}`;
  return {
    kind: 'allele',
    allele: { computed1, computed2, phased: gt.phased, effectivelyPhased, phaseSet, call },
    warning,
  };
}

/** A reference call inside a gVCF reference block (the block asserts REF/REF; the base is the definition's). */
export function referenceBlockAllele(
  position: DefinitionPosition,
  ploidy: number,
): PgxSampleAllele {
  const ref = position.ref;
  return {
    computed1: ref,
    computed2: ploidy > 1 ? ref : null,
    phased: false,
    effectivelyPhased: true,
    phaseSet: null,
    call: ploidy > 1 ? `${ref}/${ref}` : ref,
  };
}
