// Typed shapes of a streamed VCF (VCF 4.x, samtools/hts-specs VCFv4.3/4.4 section 1 and 2).

/** One `##key=value` meta-information line; structured values (`<ID=..,..>`) carry their fields. */
export interface VcfMetaLine {
  /** 1-based line number in the file. */
  readonly line: number;
  /** The key before '=' (INFO, FORMAT, contig, fileDate, ...). */
  readonly key: string;
  /** The raw text after the first '='. */
  readonly value: string;
  /** Parsed `<..>` fields in file order, or null when the value is not structured. */
  readonly fields: ReadonlyMap<string, string> | null;
}

/** An INFO or FORMAT definition from the header. */
export interface VcfFieldDefinition {
  readonly id: string;
  /** '0', '1', ... or one of 'A', 'R', 'G', '.', 'P', 'M' (VCF 4.4). */
  readonly number: string;
  /** Integer, Float, Flag, Character or String. */
  readonly type: string;
  readonly description: string;
}

/** A contig declared in the header. */
export interface VcfContig {
  readonly id: string;
  readonly length: number | null;
  readonly assembly: string | null;
}

/** The parsed header. Raw meta lines may carry identifying text: de-identify before writing anywhere. */
export interface VcfHeader {
  /** e.g. 'VCFv4.2'. */
  readonly fileformat: string;
  /** Every `##` line in file order, the ##fileformat line first. */
  readonly meta: readonly VcfMetaLine[];
  readonly info: ReadonlyMap<string, VcfFieldDefinition>;
  readonly format: ReadonlyMap<string, VcfFieldDefinition>;
  readonly contigs: ReadonlyMap<string, VcfContig>;
  /** Sample column names in column order (identifying: never log or return them). */
  readonly sampleIds: readonly string[];
  /** Whether the column line has a FORMAT column. */
  readonly hasFormatColumn: boolean;
  /** Number of header lines, including the #CHROM line. */
  readonly lineCount: number;
}

/**
 * One sample's GT: allele indices (0 = REF, -1 = missing '.'), one per ploidy.
 * `phased` is true only when every separator is '|' (a VCF 4.4 leading phasing prefix counts too).
 */
export interface Genotype {
  readonly alleles: readonly number[];
  readonly phased: boolean;
}

/** One data line. Fields are kept as written so a de-identified copy can be rebuilt without reformatting. */
export interface VcfRecord {
  /** Lets a record travel as its own event (one object per line rather than two). */
  readonly kind: 'record';
  /** 1-based line number in the file. */
  readonly line: number;
  readonly chrom: string;
  readonly pos: number;
  /** ID column as written ('.' when missing). */
  readonly id: string;
  readonly ref: string;
  /** ALT alleles (empty when ALT is '.'). */
  readonly alt: readonly string[];
  /** QUAL column as written. */
  readonly qual: string;
  readonly filter: string;
  /** INFO column as written. */
  readonly info: string;
  /** Last position covered: INFO END when present (gVCF blocks, symbolic alleles), else POS + len(REF) - 1. */
  readonly end: number;
  /** FORMAT keys (empty for sites-only files). */
  readonly format: readonly string[];
  /** Raw sample columns, in header order. */
  readonly samples: readonly string[];
  /** Parsed GT per sample, or null for each sample when FORMAT has no GT. */
  readonly genotypes: readonly (Genotype | null)[];
}

/** A line that could not be read as VCF; it is skipped and reading goes on. */
export interface VcfIssue {
  readonly line: number;
  readonly reason: string;
}

/** What `readVcf` yields: the header once, then records and malformed-line reports. */
export type VcfEvent =
  | { readonly kind: 'header'; readonly header: VcfHeader }
  | VcfRecord
  | ({ readonly kind: 'malformed' } & VcfIssue);
