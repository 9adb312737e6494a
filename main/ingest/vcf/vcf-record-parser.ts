// Data-line tokenizer (VCFv4.3 section 1.6, VCFv4.4 section 1.6.2 for GT phasing prefixes).
// Hand-written rather than @gmod/vcf: the measurement is summarised in index.ts (bench-vcf.ts reruns it).
// Reasons name columns and sample column numbers, never values, so they can be shown without leaking data.
import type { Genotype, VcfRecord } from './vcf-types.ts';

const SLASH = 47;
const PIPE = 124;
const DOT = 46;
const ZERO = 48;
const NINE = 57;

const BASES = /^[ACGTNacgtn]+$/;
// htslib accepts IUPAC ambiguity codes in REF; so do we (they never match a PGx definition).
const IUPAC_BASES = /^[ACGTNRYSWKMBDHVUacgtnryswkmbdhvu]+$/;
const SYMBOLIC = /^<[^<>\s]+>$/;
const BREAKEND =
  /^(?:[ACGTNacgtn]*[[\]][^[\]\s]+[[\]][ACGTNacgtn]*|\.[ACGTNacgtn]+|[ACGTNacgtn]+\.)$/;
const QUAL = /^(?:[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?|nan|NaN|inf|Inf|INF)$/;

/** What the tokenizer needs to know from the header. */
export interface VcfRecordContext {
  readonly sampleCount: number;
  readonly hasFormatColumn: boolean;
}

const COLUMN_NAMES = ['CHROM', 'POS', 'ID', 'REF', 'ALT', 'QUAL', 'FILTER', 'INFO'];
const NO_ALLELES: readonly string[] = Object.freeze([]);

// Records are immutable, so FORMAT key lists and the common GT values are shared between records instead
// of being allocated per line (allocation dominated the profile of the first version).
let lastFormatText = '';
let lastFormat: readonly string[] = NO_ALLELES;
let lastGtIndex = -1;

/** Frozen genotypes for one-character alleles, keyed by a1*11+a2 (a = 0..9, or 10 for '.'), per phasing. */
export const DIPLOID: readonly Genotype[][] = [[], []];
/** Frozen haploid genotypes keyed by allele code (0..9, or 10 for '.'). */
export const HAPLOID: Genotype[] = [];
for (let a = 0; a <= 10; a++) {
  HAPLOID[a] = Object.freeze({ alleles: Object.freeze([a === 10 ? -1 : a]), phased: true });
  for (let b = 0; b <= 10; b++) {
    const alleles = Object.freeze([a === 10 ? -1 : a, b === 10 ? -1 : b]);
    DIPLOID[0]![a * 11 + b] = Object.freeze({ alleles, phased: false });
    DIPLOID[1]![a * 11 + b] = Object.freeze({ alleles, phased: true });
  }
}

// Positions beyond 2^31 occur in non-human assemblies (htslib reads 64-bit positions); stay within exact doubles.
function isPosDigits(text: string): boolean {
  const n = text.length;
  if (n === 0 || n > 15) return false;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c < ZERO || c > NINE) return false;
  }
  return true;
}

function isBaseCode(c: number): boolean {
  const l = c | 0x20;
  return l === 97 || l === 99 || l === 103 || l === 116 || l === 110; // a c g t n
}

function isRef(ref: string): boolean {
  for (let i = 0; i < ref.length; i++) {
    if (!isBaseCode(ref.charCodeAt(i))) return IUPAC_BASES.test(ref);
  }
  return ref.length > 0;
}

function isQual(qual: string): boolean {
  if (qual === '.') return true;
  let dots = 0;
  for (let i = 0; i < qual.length; i++) {
    const c = qual.charCodeAt(i);
    if (c === DOT) dots += 1;
    else if (c < ZERO || c > NINE) return QUAL.test(qual);
  }
  return dots <= 1 && qual.length > dots;
}

/** Parses one data line; returns a reason string when the line is malformed. */
export function parseVcfRecord(
  text: string,
  line: number,
  ctx: VcfRecordContext,
): VcfRecord | string {
  const fields = text.split('\t');
  const expected = ctx.hasFormatColumn ? 9 + ctx.sampleCount : 8;
  if (fields.length === expected + 1 && fields[expected] === '') fields.pop();
  if (fields.length !== expected) {
    return `expected ${expected} tab-separated columns, found ${fields.length}`;
  }
  for (let i = 0; i < 5; i++) {
    if (i !== 2 && fields[i] === '') return `${COLUMN_NAMES[i]} column is empty`;
  }
  const chrom = fields[0]!;
  const posText = fields[1]!;
  const idText = fields[2]!;
  const ref = fields[3]!;
  const altText = fields[4]!;
  // htslib reads empty ID, QUAL, FILTER and INFO columns as missing; PharmCAT's own test files rely on it.
  const qual = fields[5] || '.';
  const filter = fields[6] || '.';
  const info = fields[7] || '.';
  if (!isPosDigits(posText)) return 'POS is not a non-negative integer';
  const pos = Number(posText);
  if (!isRef(ref)) return 'REF is not a string of bases';

  let alt: readonly string[];
  if (altText === '.') alt = NO_ALLELES;
  else if (altText.length === 1) alt = [altText];
  else alt = altText.split(',');
  for (let a = 0; a < alt.length; a++) {
    if (!isValidAlt(alt[a]!)) return 'ALT allele is not bases, *, a symbolic <ID> or a breakend';
  }
  if (!isQual(qual)) return 'QUAL is not a number or .';

  let end = pos + ref.length - 1;
  if (info.includes('END=')) {
    const endText = infoValue(info, 'END');
    if (endText !== null) {
      if (!isPosDigits(endText)) return 'INFO END is not a non-negative integer';
      end = Number(endText);
      if (end < pos) return 'INFO END is before POS';
    }
  }

  const id = idText === '' ? '.' : idText; // an empty ID (seen in PharmCAT test files) means missing
  if (!ctx.hasFormatColumn) {
    return {
      kind: 'record',
      line,
      chrom,
      pos,
      id,
      ref,
      alt,
      qual,
      filter,
      info,
      end,
      format: NO_ALLELES,
      samples: NO_ALLELES,
      genotypes: [],
    };
  }
  const formatText = fields[8]!;
  if (formatText === '') return 'FORMAT column is empty';
  if (formatText !== lastFormatText) {
    lastFormatText = formatText;
    lastFormat = Object.freeze(formatText === '.' ? [] : formatText.split(':'));
    lastGtIndex = lastFormat.indexOf('GT');
  }
  const format = lastFormat;
  const gtIndex = lastGtIndex;
  const samples = fields.slice(9);
  const genotypes: (Genotype | null)[] = new Array(samples.length);
  for (let s = 0; s < samples.length; s++) {
    const column = samples[s]!;
    if (column === '') return `sample column ${s + 1} is empty`;
    if (gtIndex < 0) {
      genotypes[s] = null;
      continue;
    }
    const gt = gtIndex === 0 ? fastGenotype(column, alt.length) : null;
    const parsed = gt ?? parseGenotypeField(column, gtIndex, alt.length);
    if (typeof parsed === 'string') return `sample column ${s + 1}: ${parsed}`;
    genotypes[s] = parsed;
  }
  return {
    kind: 'record',
    line,
    chrom,
    pos,
    id,
    ref,
    alt,
    qual,
    filter,
    info,
    end,
    format,
    samples,
    genotypes,
  };
}

function alleleCode(c: number): number {
  if (c === DOT) return 10;
  if (c >= ZERO && c <= NINE) return c - ZERO;
  return -1;
}

/** Shared genotype for 'a/b', 'a|b' or 'a' with single-character alleles when GT is the first field; else null. */
function fastGenotype(column: string, altCount: number): Genotype | null {
  const n = column.length;
  const c0 = alleleCode(column.charCodeAt(0));
  if (c0 < 0 || (c0 !== 10 && c0 > altCount)) return null;
  if (n === 1 || column.charCodeAt(1) === 58) return HAPLOID[c0]!;
  if (n < 3 || (n > 3 && column.charCodeAt(3) !== 58)) return null;
  const sep = column.charCodeAt(1);
  const c2 = alleleCode(column.charCodeAt(2));
  if (c2 < 0 || (c2 !== 10 && c2 > altCount)) return null;
  if (sep === SLASH) return DIPLOID[0]![c0 * 11 + c2]!;
  if (sep === PIPE) return DIPLOID[1]![c0 * 11 + c2]!;
  return null;
}

function isValidAlt(allele: string): boolean {
  if (allele.length === 1) {
    const c = allele.charCodeAt(0) | 0x20; // lower-case letters
    return c === 97 || c === 99 || c === 103 || c === 116 || c === 110 || allele === '*';
  }
  return BASES.test(allele) || SYMBOLIC.test(allele) || BREAKEND.test(allele);
}

/** The value of `key` in an INFO column, '' for a flag, or null when absent. */
export function infoValue(info: string, key: string): string | null {
  if (info === '.') return null;
  let from = 0;
  while (from <= info.length) {
    const at = info.indexOf(key, from);
    if (at < 0) return null;
    const after = at + key.length;
    const boundaryBefore = at === 0 || info.charCodeAt(at - 1) === 59;
    const next = info.charCodeAt(after);
    if (boundaryBefore && (after === info.length || next === 59 || next === 61)) {
      if (next !== 61) return '';
      const stop = info.indexOf(';', after + 1);
      return info.slice(after + 1, stop < 0 ? info.length : stop);
    }
    from = at + 1;
  }
  return null;
}

/** The `index`-th colon-separated subfield of a sample column, or null when the column is shorter. */
export function sampleSubfield(column: string, index: number): string | null {
  let start = 0;
  for (let k = 0; k < index; k++) {
    const colon = column.indexOf(':', start);
    if (colon < 0) return null;
    start = colon + 1;
  }
  const colon = column.indexOf(':', start);
  return column.slice(start, colon < 0 ? column.length : colon);
}

function parseGenotypeField(
  column: string,
  gtIndex: number,
  altCount: number,
): Genotype | null | string {
  let start = 0;
  for (let k = 0; k < gtIndex; k++) {
    const colon = column.indexOf(':', start);
    if (colon < 0) return null; // trailing fields may be dropped (VCFv4.3 1.6.2): GT absent
    start = colon + 1;
  }
  let stop = column.indexOf(':', start);
  if (stop < 0) stop = column.length;
  return parseGenotype(column, start, stop, altCount);
}

/**
 * Parses GT text between `start` and `stop`: allele indices or '.', separated by '/' or '|', with an
 * optional VCF 4.4 leading phasing character. Returns a reason for anything else.
 */
export function parseGenotype(
  text: string,
  start: number,
  stop: number,
  altCount: number,
): Genotype | string {
  if (start === stop) return 'GT is empty';
  const alleles: number[] = [];
  let phased = true;
  let i = start;
  const first = text.charCodeAt(i);
  if (first === SLASH || first === PIPE) {
    if (first === SLASH) phased = false;
    i += 1;
  }
  let expectAllele = true;
  let sawSeparator = false;
  while (i < stop) {
    const c = text.charCodeAt(i);
    if (expectAllele) {
      if (c === DOT) {
        alleles.push(-1);
        i += 1;
      } else if (c >= ZERO && c <= NINE) {
        let value = 0;
        while (i < stop) {
          const d = text.charCodeAt(i);
          if (d < ZERO || d > NINE) break;
          value = value * 10 + (d - ZERO);
          i += 1;
        }
        if (value > altCount) return 'GT allele index exceeds the number of ALT alleles';
        alleles.push(value);
      } else {
        return 'GT is not allele indices separated by / or |';
      }
      expectAllele = false;
    } else if (c === SLASH || c === PIPE) {
      if (c === SLASH) phased = false;
      sawSeparator = true;
      expectAllele = true;
      i += 1;
    } else {
      return 'GT is not allele indices separated by / or |';
    }
  }
  if (expectAllele) return 'GT ends with a separator';
  // A haploid call without a prefix carries no phasing information; treat it as phased (nothing to phase).
  if (!sawSeparator && first !== SLASH) phased = true;
  return { alleles, phased };
}
