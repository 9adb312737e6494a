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

const bit = (counter: Counter) => 1 << counter;

/** A data line as the summary reads it; `codes` (from `VcfSiteScanner`) names each sample's genotype. */
export type StatsInput = Pick<VcfRecord, 'ref' | 'alt' | 'genotypes'> & { readonly codes?: Uint8Array };

/** Accumulates `VcfSampleSummary` counters for a fixed set of sample columns. */
export class VcfSampleStats {
  private records = 0;
  private stamp = 0;
  private readonly masks = new Int32Array(256);
  private readonly maskStamp = new Int32Array(256);
  private readonly counts: Float64Array;
  private readonly kinds: AlleleKind[] = [];
  private readonly ti: boolean[] = [];

  /** `sampleIndices`: the sample columns to summarise; summaries are then asked for by slot (0, 1, ...). */
  constructor(private readonly sampleIndices: readonly number[]) {
    this.counts = new Float64Array(sampleIndices.length * Counter.Count);
  }

  /** One data line: a full record, or a site read by the byte scanner (with its genotype codes). */
  add(record: StatsInput): void {
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
    const genotypes = record.genotypes;
    const codes = record.codes;
    const indices = this.sampleIndices;
    if (codes === undefined) {
      for (let slot = 0; slot < indices.length; slot++) {
        this.count(slot * Counter.Count, this.classify(genotypes[indices[slot]!] ?? null, multiAllelic));
      }
      return;
    }
    // Genotypes from the byte scanner carry a small code: each distinct one is classified once per line.
    const stamp = ++this.stamp;
    for (let slot = 0; slot < indices.length; slot++) {
      const index = indices[slot]!;
      const code = codes[index]!;
      let mask: number;
      if (this.maskStamp[code] === stamp) mask = this.masks[code]!;
      else {
        mask = this.classify(genotypes[index] ?? null, multiAllelic);
        this.masks[code] = mask;
        this.maskStamp[code] = stamp;
      }
      this.count(slot * Counter.Count, mask);
    }
  }

  private count(base: number, mask: number): void {
    const c = this.counts;
    for (let m = mask; m !== 0; m &= m - 1) c[base + 31 - Math.clz32(m & -m)]! += 1;
  }

  /** The counters one genotype adds to, as a bit mask over `Counter`. */
  private classify(gt: Genotype | null, multiAllelic: boolean): number {
    if (gt === null) return bit(Counter.Missing);
    const alleles = gt.alleles;
    // Fast path for the commonest call in multi-sample files: diploid hom-ref.
    if (alleles.length === 2 && alleles[0] === 0 && alleles[1] === 0) return bit(Counter.Called) | bit(Counter.HomRef);
    let calledAlleles = 0;
    for (let i = 0; i < alleles.length; i++) if (alleles[i]! >= 0) calledAlleles += 1;
    if (calledAlleles === 0) return bit(Counter.Missing);
    if (calledAlleles < alleles.length) return bit(Counter.Partial);
    let mask = bit(Counter.Called);
    if (alleles.length === 1) {
      mask |= bit(alleles[0] === 0 ? Counter.HaploidRef : Counter.HaploidAlt);
    } else {
      const first = alleles[0]!;
      let same = true;
      for (let i = 1; i < alleles.length; i++) if (alleles[i] !== first) same = false;
      if (!same) mask |= bit(Counter.Het);
      else mask |= bit(first === 0 ? Counter.HomRef : Counter.HomAlt);
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
    if (snv) mask |= bit(Counter.Snvs);
    if (indel) mask |= bit(Counter.Indels);
    if (other) mask |= bit(Counter.Other);
    // As bcftools stats PSC: one Ti or Tv per record, from the genotype's lowest non-reference allele
    // (a 1/2 call of T>A,C counts as a transversion).
    if (lowest !== Infinity && this.kinds[lowest] === AlleleKind.Snv) {
      mask |= bit(this.ti[lowest] ? Counter.Ti : Counter.Tv);
    }
    if (multiAllelic && (snv || indel || other)) mask |= bit(Counter.MultiAllelic);
    return mask;
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
