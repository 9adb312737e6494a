// Per-sample variant summary, accumulated record by record in fixed-size counters (memory independent of
// file size). Definitions follow `bcftools stats` PSC where one exists (transitions are A<->G and C<->T).
import type { Genotype, VcfRecord } from './vcf-types.ts';

/** Summary of one sample's genotypes across a file. */
export interface VcfSampleSummary {
  /** Data records read (malformed lines excluded). */
  readonly records: number;
  /** Records with every GT allele called. */
  readonly called: number;
  /** Records with some but not all GT alleles called (e.g. 0/.). */
  readonly partial: number;
  /** Records with no GT or only missing alleles. */
  readonly missing: number;
  readonly homRef: number;
  readonly het: number;
  readonly homAlt: number;
  /** Haploid calls (e.g. chrY, chrM). */
  readonly haploidRef: number;
  readonly haploidAlt: number;
  /** Records where the sample carries a single-base substitution allele. */
  readonly snvs: number;
  /** Records where the sample carries an insertion or deletion allele. */
  readonly indels: number;
  /** Records where the sample carries another kind of allele (MNP, symbolic, breakend, '*'). */
  readonly otherVariants: number;
  /** Records with two or more concrete ALT alleles where the sample carries a non-reference allele. */
  readonly multiAllelicSites: number;
  /** Records whose lowest non-reference allele carried is a transition SNV (as bcftools stats PSC counts). */
  readonly transitions: number;
  readonly transversions: number;
  /** Transitions / transversions, or null without transversions. */
  readonly tiTv: number | null;
  /** Heterozygous / homozygous-alternate calls, or null without homozygous-alternate calls. */
  readonly hetHomRatio: number | null;
  /** called / records, or null for a file without records. */
  readonly callRate: number | null;
}

const enum Counter {
  Called,
  Partial,
  Missing,
  HomRef,
  Het,
  HomAlt,
  HaploidRef,
  HaploidAlt,
  Snvs,
  Indels,
  Other,
  MultiAllelic,
  Ti,
  Tv,
  Count,
}

const enum AlleleKind {
  Ref,
  Snv,
  Indel,
  Other,
}

function isBases(allele: string): boolean {
  for (let i = 0; i < allele.length; i++) {
    const l = allele.charCodeAt(i) | 0x20;
    if (l !== 97 && l !== 99 && l !== 103 && l !== 116 && l !== 110) return false;
  }
  return allele.length > 0;
}

/** A<->G or C<->T (either case). */
function isTransition(ref: string, alt: string): boolean {
  const r = ref.charCodeAt(0) | 0x20;
  const a = alt.charCodeAt(0) | 0x20;
  return (
    (r === 97 && a === 103) ||
    (r === 103 && a === 97) ||
    (r === 99 && a === 116) ||
    (r === 116 && a === 99)
  );
}

/** Accumulates `VcfSampleSummary` counters for a fixed set of sample columns. */
export class VcfSampleStats {
  private records = 0;
  private readonly counts: Float64Array;
  private readonly kinds: AlleleKind[] = [];
  private readonly ti: boolean[] = [];

  /** `sampleIndices`: the sample columns to summarise; summaries are then asked for by slot (0, 1, ...). */
  constructor(private readonly sampleIndices: readonly number[]) {
    this.counts = new Float64Array(sampleIndices.length * Counter.Count);
  }

  add(record: VcfRecord): void {
    this.records += 1;
    const alt = record.alt;
    this.kinds[0] = AlleleKind.Ref;
    let concreteAlts = 0;
    for (let a = 0; a < alt.length; a++) {
      const allele = alt[a]!;
      let kind: AlleleKind;
      if (!isBases(allele)) kind = AlleleKind.Other;
      else if (allele.length === 1 && record.ref.length === 1) kind = AlleleKind.Snv;
      else if (allele.length !== record.ref.length) kind = AlleleKind.Indel;
      else kind = AlleleKind.Other; // MNP
      this.kinds[a + 1] = kind;
      this.ti[a + 1] = kind === AlleleKind.Snv && isTransition(record.ref, allele);
      if (kind !== AlleleKind.Other || (allele !== '<NON_REF>' && allele !== '<*>'))
        concreteAlts += 1;
    }
    const multiAllelic = concreteAlts > 1;
    for (let slot = 0; slot < this.sampleIndices.length; slot++) {
      this.addGenotype(
        slot * Counter.Count,
        record.genotypes[this.sampleIndices[slot]!] ?? null,
        multiAllelic,
      );
    }
  }

  private addGenotype(base: number, gt: Genotype | null, multiAllelic: boolean): void {
    const c = this.counts;
    if (gt === null) {
      c[base + Counter.Missing]! += 1;
      return;
    }
    const alleles = gt.alleles;
    // Fast path for the commonest call in multi-sample files: diploid hom-ref.
    if (alleles.length === 2 && alleles[0] === 0 && alleles[1] === 0) {
      c[base + Counter.Called]! += 1;
      c[base + Counter.HomRef]! += 1;
      return;
    }
    let calledAlleles = 0;
    for (let i = 0; i < alleles.length; i++) if (alleles[i]! >= 0) calledAlleles += 1;
    if (calledAlleles === 0) {
      c[base + Counter.Missing]! += 1;
      return;
    }
    if (calledAlleles < alleles.length) {
      c[base + Counter.Partial]! += 1;
      return;
    }
    c[base + Counter.Called]! += 1;
    if (alleles.length === 1) {
      c[base + (alleles[0] === 0 ? Counter.HaploidRef : Counter.HaploidAlt)]! += 1;
    } else {
      const first = alleles[0]!;
      let same = true;
      for (let i = 1; i < alleles.length; i++) if (alleles[i] !== first) same = false;
      if (!same) c[base + Counter.Het]! += 1;
      else c[base + (first === 0 ? Counter.HomRef : Counter.HomAlt)]! += 1;
    }
    let snv = false;
    let indel = false;
    let other = false;
    let lowest = Infinity;
    for (let i = 0; i < alleles.length; i++) {
      const a = alleles[i]!;
      if (a === 0) continue;
      if (a < lowest) lowest = a;
      const kind = this.kinds[a];
      if (kind === AlleleKind.Snv) snv = true;
      else if (kind === AlleleKind.Indel) indel = true;
      else other = true;
    }
    if (snv) c[base + Counter.Snvs]! += 1;
    if (indel) c[base + Counter.Indels]! += 1;
    if (other) c[base + Counter.Other]! += 1;
    // As bcftools stats PSC: one Ti or Tv per record, from the genotype's lowest non-reference allele
    // (a 1/2 call of T>A,C counts as a transversion).
    if (lowest !== Infinity && this.kinds[lowest] === AlleleKind.Snv) {
      c[base + (this.ti[lowest] ? Counter.Ti : Counter.Tv)]! += 1;
    }
    if (multiAllelic && (snv || indel || other)) c[base + Counter.MultiAllelic]! += 1;
  }

  /** The summary of the sample in `slot` (its position in the constructor's `sampleIndices`). */
  summary(slot: number): VcfSampleSummary {
    const c = this.counts;
    const base = slot * Counter.Count;
    const get = (k: Counter) => c[base + k]!;
    const called = get(Counter.Called);
    const transitions = get(Counter.Ti);
    const transversions = get(Counter.Tv);
    const het = get(Counter.Het);
    const homAlt = get(Counter.HomAlt);
    return {
      records: this.records,
      called,
      partial: get(Counter.Partial),
      missing: get(Counter.Missing),
      homRef: get(Counter.HomRef),
      het,
      homAlt,
      haploidRef: get(Counter.HaploidRef),
      haploidAlt: get(Counter.HaploidAlt),
      snvs: get(Counter.Snvs),
      indels: get(Counter.Indels),
      otherVariants: get(Counter.Other),
      multiAllelicSites: get(Counter.MultiAllelic),
      transitions,
      transversions,
      tiTv: transversions > 0 ? transitions / transversions : null,
      hetHomRatio: homAlt > 0 ? het / homAlt : null,
      callRate: this.records > 0 ? called / this.records : null,
    };
  }
}
