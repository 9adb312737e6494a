// The byte-level fast path of the VCF reader. Most data lines of real files have one shape: bases in REF
// and ALT, a numeric QUAL, no INFO END, GT first in FORMAT and one-character allele indices. For such a
// line the scanner reads CHROM, POS, REF, ALT and every GT straight from the undecoded bytes, without
// making a string per column. Any line of another shape is declined and goes through `parseVcfRecord`,
// so the scanner accepts a subset of what the tokenizer accepts and gives the same REF, ALT and
// genotypes for it (vcf-site-scanner.test.ts checks both on the shared corpus and on edge cases).
import { DIPLOID, HAPLOID } from './vcf-record-parser.ts';
import type { VcfRecordContext } from './vcf-record-parser.ts';
import type { Genotype, VcfRecord } from './vcf-types.ts';

const TAB = 9;
const COLON = 58;
const COMMA = 44;
const DOT = 46;
const STAR = 42;
const SLASH = 47;
const PIPE = 124;
const HASH = 35;

/**
 * What a scanned line offers: enough for per-sample summaries and for deciding whether PGx needs it.
 * `codes` names each sample's genotype by its alleles (diploid a*11+b, haploid 121+a; '.' is 10), so
 * equal genotypes can be handled once per line.
 */
export type VcfSite = Pick<VcfRecord, 'chrom' | 'pos' | 'end' | 'ref' | 'alt' | 'genotypes'> & { readonly codes: Uint8Array };

/** One-character strings by byte, so single-base REF and ALT alleles allocate nothing. */
const SINGLE: string[] = Array.from({ length: 128 }, (_, c) => String.fromCharCode(c));

function isBaseCode(c: number): boolean {
  const l = c | 0x20;
  return l === 97 || l === 99 || l === 103 || l === 116 || l === 110; // a c g t n
}

/** 0..9 for a digit, 10 for '.', -1 otherwise. */
function alleleCode(c: number): number {
  if (c === DOT) return 10;
  const d = c - 48;
  return d >= 0 && d <= 9 ? d : -1;
}

/**
 * Reads lines of the common shape into one reused `VcfSite`; `scan` returns false for any other line.
 * The site (its arrays included) is overwritten by the next `scan`: use it before scanning again.
 */
export class VcfSiteScanner {
  private readonly site: { chrom: string; pos: number; end: number; ref: string; alt: string[]; genotypes: (Genotype | null)[]; codes: Uint8Array };
  private chromBytes = Buffer.alloc(0);
  private readonly columns: number;

  constructor(private readonly ctx: VcfRecordContext) {
    this.site = {
      chrom: '',
      pos: 0,
      end: 0,
      ref: '',
      alt: [],
      genotypes: new Array<Genotype | null>(ctx.sampleCount).fill(null),
      codes: new Uint8Array(ctx.sampleCount),
    };
    this.columns = ctx.hasFormatColumn ? 9 + ctx.sampleCount : 8;
  }

  /** The site read by the last successful `scan`. */
  get current(): VcfSite {
    return this.site;
  }

  scan(b: Buffer, start: number, end: number): boolean {
    if (start >= end || b[start] === HASH) return false;
    const site = this.site;
    // CHROM
    let p = start;
    while (p < end && b[p] !== TAB) p++;
    if (p === end || p === start) return false;
    this.readChrom(b, start, p);
    // POS: 1 to 15 digits
    const posStart = ++p;
    let pos = 0;
    for (let c = b[p]; p < end && c !== TAB; c = b[++p]) {
      const d = c! - 48;
      if (d < 0 || d > 9) return false;
      pos = pos * 10 + d;
    }
    if (p === end || p === posStart || p - posStart > 15) return false;
    // ID: anything
    p++;
    while (p < end && b[p] !== TAB) p++;
    if (p === end) return false;
    // REF: bases only
    const refStart = ++p;
    while (p < end && b[p] !== TAB) {
      if (!isBaseCode(b[p]!)) return false;
      p++;
    }
    const refLength = p - refStart;
    if (p === end || refLength === 0) return false;
    site.ref = refLength === 1 ? SINGLE[b[refStart]!]! : b.toString('latin1', refStart, p);
    // ALT: '.', or alleles of bases, or '*'
    p++;
    const alt = site.alt;
    alt.length = 0;
    if (b[p] === DOT && p + 1 < end && b[p + 1] === TAB) p += 1;
    else {
      for (;;) {
        const alleleStart = p;
        while (p < end && b[p] !== TAB && b[p] !== COMMA) {
          if (!isBaseCode(b[p]!) && !(b[p] === STAR && p === alleleStart && (p + 1 === end || b[p + 1] === TAB || b[p + 1] === COMMA))) return false;
          p++;
        }
        if (p === end || p === alleleStart) return false;
        alt.push(p - alleleStart === 1 ? SINGLE[b[alleleStart]!]! : b.toString('latin1', alleleStart, p));
        if (b[p] === TAB) break;
        p++; // comma
      }
    }
    // QUAL: empty, '.', or digits with at most one '.'
    const qualStart = ++p;
    let dots = 0;
    while (p < end && b[p] !== TAB) {
      const c = b[p]!;
      if (c === DOT) dots++;
      else if (c < 48 || c > 57) return false;
      p++;
    }
    const qualLength = p - qualStart;
    if (p === end || dots > 1 || (qualLength > 0 && qualLength === dots && qualLength !== 1)) return false;
    // FILTER: anything
    p++;
    while (p < end && b[p] !== TAB) p++;
    if (p === end) return false;
    // INFO: anything without END= (an END makes the tokenizer read it)
    p++;
    for (; p < end; p++) {
      const c = b[p];
      if (c === TAB) break;
      if (c === 69 && b[p + 1] === 78 && b[p + 2] === 68 && b[p + 3] === 61) return false; // END=
    }
    site.pos = pos;
    site.end = pos + refLength - 1;
    if (this.columns === 8) return p === end;
    if (p === end) return false;
    // FORMAT: GT first
    p++;
    if (p + 2 > end || b[p] !== 71 || b[p + 1] !== 84 || (p + 2 < end && b[p + 2] !== COLON && b[p + 2] !== TAB)) return false;
    p += 2;
    while (p < end && b[p] !== TAB) p++;
    if (this.site.genotypes.length === 0) return p === end;
    if (p === end) return false;
    return this.readGenotypes(b, p + 1, end, alt.length);
  }

  /** Every sample column: GT of one-character allele indices, then ':' or the column's end. */
  private readGenotypes(b: Buffer, from: number, end: number, altCount: number): boolean {
    const { genotypes, codes } = this.site;
    const samples = genotypes.length;
    let p = from;
    for (let s = 0; s < samples; s++) {
      const columnStart = p;
      while (p < end && b[p] !== TAB) p++;
      const length = p - columnStart;
      if (length === 0 || (p === end) !== (s === samples - 1)) return false;
      const c0 = alleleCode(b[columnStart]!);
      if (c0 < 0 || (c0 !== 10 && c0 > altCount)) return false;
      if (length === 1 || b[columnStart + 1] === COLON) {
        genotypes[s] = HAPLOID[c0]!;
        codes[s] = 121 + c0;
      } else {
        if (length < 3 || (length > 3 && b[columnStart + 3] !== COLON)) return false;
        const sep = b[columnStart + 1];
        const c2 = alleleCode(b[columnStart + 2]!);
        if (c2 < 0 || (c2 !== 10 && c2 > altCount)) return false;
        if (sep === SLASH) genotypes[s] = DIPLOID[0]![c0 * 11 + c2]!;
        else if (sep === PIPE) genotypes[s] = DIPLOID[1]![c0 * 11 + c2]!;
        else return false;
        codes[s] = c0 * 11 + c2;
      }
      p++;
    }
    return true;
  }

  /** CHROM changes rarely: the last one's string is reused while its bytes repeat. */
  private readChrom(b: Buffer, start: number, stop: number): void {
    const last = this.chromBytes;
    const length = stop - start;
    if (length === last.length) {
      let same = true;
      for (let i = 0; i < length; i++) {
        if (b[start + i] !== last[i]) {
          same = false;
          break;
        }
      }
      if (same) return;
    }
    this.chromBytes = Buffer.from(b.subarray(start, stop));
    this.site.chrom = b.toString('utf8', start, stop);
  }
}
