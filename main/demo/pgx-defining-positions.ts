// Pharmacogene defining positions the synthetic VCF carries, derived once from the PharmCAT
// allele definitions (github.com/PharmGKB/PharmCAT @ 5431bf1, v3.1.1-2,
// src/main/resources/org/pharmgkb/pharmcat/definition/alleles/*_translation.json, GRCh38,
// definition version 2025-11-05) and the gene function tables beside them (.../phenotype/*.json).
// Content originates from CPIC / PharmGKB-ClinPGx, licensed CC BY-SA 4.0.
//
// Only the named alleles listed here are modelled; each lists the positions at which it differs
// from the GRCh38 reference (PharmCAT's "R" at rs58973490 in CYP2C19*2 is written as the
// reference G). Note that CYP2C19*1 itself carries the ALT allele at rs3758581: PharmCAT's
// reference haplotype is *38, so a *1/*1 sample is 1|1 there.
//
// Haplotype frequencies are NOT from PharmCAT: they are rounded values in the range of the CPIC
// allele frequency tables for European-ancestry populations, nudged up for rare no-function
// alleles so that small cohorts still contain carriers.

/** A VCF site as PharmCAT expects it (GRCh38, chr-prefixed, VCF-normalised alleles). */
export interface PgxSite {
  chrom: string;
  pos: number;
  rsid: string;
  ref: string;
  alts: readonly string[];
  gene: PgxGene;
}

export type PgxGene = 'CYP2C19' | 'CYP2C9' | 'VKORC1' | 'SLCO1B1' | 'TPMT' | 'NUDT15' | 'DPYD' | 'CYP3A5' | 'UGT1A1';

/** A named haplotype: its function, frequency, and the ALT alleles it carries by rsid. */
export interface PgxAllele {
  name: string;
  function: string;
  /** CPIC activity value where the gene uses activity scores (CYP2C9, DPYD). */
  activity?: number;
  frequency: number;
  alleles: Readonly<Record<string, string>>;
}

export interface PgxGeneDefinition {
  gene: PgxGene;
  chrom: string;
  /** The haplotypes; the first one is the normal-function default. */
  haplotypes: readonly PgxAllele[];
}

export const PGX_SITES: readonly PgxSite[] = [
  { chrom: 'chr1', pos: 97082391, rsid: 'rs67376798', ref: 'T', alts: ['A'], gene: 'DPYD' },
  { chrom: 'chr1', pos: 97450058, rsid: 'rs3918290', ref: 'C', alts: ['T'], gene: 'DPYD' },
  { chrom: 'chr2', pos: 233759924, rsid: 'rs887829', ref: 'C', alts: ['T'], gene: 'UGT1A1' },
  { chrom: 'chr2', pos: 233760233, rsid: 'rs3064744', ref: 'CAT', alts: ['C', 'CATAT', 'CATATAT'], gene: 'UGT1A1' },
  { chrom: 'chr2', pos: 233760498, rsid: 'rs4148323', ref: 'G', alts: ['A'], gene: 'UGT1A1' },
  { chrom: 'chr6', pos: 18130687, rsid: 'rs1142345', ref: 'T', alts: ['C', 'G'], gene: 'TPMT' },
  { chrom: 'chr6', pos: 18138997, rsid: 'rs1800460', ref: 'C', alts: ['T'], gene: 'TPMT' },
  { chrom: 'chr7', pos: 99652770, rsid: 'rs41303343', ref: 'T', alts: ['TA'], gene: 'CYP3A5' },
  { chrom: 'chr7', pos: 99665212, rsid: 'rs10264272', ref: 'C', alts: ['T'], gene: 'CYP3A5' },
  { chrom: 'chr7', pos: 99672916, rsid: 'rs776746', ref: 'T', alts: ['C'], gene: 'CYP3A5' },
  { chrom: 'chr10', pos: 94761900, rsid: 'rs12248560', ref: 'C', alts: ['T'], gene: 'CYP2C19' },
  { chrom: 'chr10', pos: 94775367, rsid: 'rs12769205', ref: 'A', alts: ['G'], gene: 'CYP2C19' },
  { chrom: 'chr10', pos: 94780653, rsid: 'rs4986893', ref: 'G', alts: ['A'], gene: 'CYP2C19' },
  { chrom: 'chr10', pos: 94781859, rsid: 'rs4244285', ref: 'G', alts: ['A'], gene: 'CYP2C19' },
  { chrom: 'chr10', pos: 94842866, rsid: 'rs3758581', ref: 'A', alts: ['G'], gene: 'CYP2C19' },
  { chrom: 'chr10', pos: 94942290, rsid: 'rs1799853', ref: 'C', alts: ['T'], gene: 'CYP2C9' },
  { chrom: 'chr10', pos: 94981296, rsid: 'rs1057910', ref: 'A', alts: ['C'], gene: 'CYP2C9' },
  { chrom: 'chr12', pos: 21176804, rsid: 'rs2306283', ref: 'A', alts: ['G'], gene: 'SLCO1B1' },
  { chrom: 'chr12', pos: 21178615, rsid: 'rs4149056', ref: 'T', alts: ['C'], gene: 'SLCO1B1' },
  { chrom: 'chr13', pos: 48045719, rsid: 'rs116855232', ref: 'C', alts: ['T'], gene: 'NUDT15' },
  { chrom: 'chr16', pos: 31096368, rsid: 'rs9923231', ref: 'C', alts: ['T'], gene: 'VKORC1' },
];

export const PGX_GENES: readonly PgxGeneDefinition[] = [
  {
    gene: 'CYP2C19', chrom: 'chr10',
    haplotypes: [
      { name: '*1', function: 'Normal function', frequency: 0.625, alleles: { rs3758581: 'G' } },
      { name: '*2', function: 'No function', frequency: 0.15, alleles: { rs12769205: 'G', rs4244285: 'A', rs3758581: 'G' } },
      { name: '*3', function: 'No function', frequency: 0.015, alleles: { rs4986893: 'A', rs3758581: 'G' } },
      { name: '*17', function: 'Increased function', frequency: 0.21, alleles: { rs12248560: 'T', rs3758581: 'G' } },
    ],
  },
  {
    gene: 'CYP2C9', chrom: 'chr10',
    haplotypes: [
      { name: '*1', function: 'Normal function', activity: 1, frequency: 0.81, alleles: {} },
      { name: '*2', function: 'Decreased function', activity: 0.5, frequency: 0.12, alleles: { rs1799853: 'T' } },
      { name: '*3', function: 'No function', activity: 0, frequency: 0.07, alleles: { rs1057910: 'C' } },
    ],
  },
  {
    gene: 'VKORC1', chrom: 'chr16',
    haplotypes: [
      { name: 'rs9923231 reference (C)', function: 'Normal sensitivity', frequency: 0.61, alleles: {} },
      { name: 'rs9923231 variant (T)', function: 'Increased warfarin sensitivity (-1639G>A)', frequency: 0.39, alleles: { rs9923231: 'T' } },
    ],
  },
  {
    gene: 'SLCO1B1', chrom: 'chr12',
    haplotypes: [
      { name: '*1', function: 'Normal function', frequency: 0.59, alleles: {} },
      { name: '*37', function: 'Normal function', frequency: 0.25, alleles: { rs2306283: 'G' } },
      { name: '*5', function: 'No function', frequency: 0.02, alleles: { rs4149056: 'C' } },
      { name: '*15', function: 'No function', frequency: 0.14, alleles: { rs2306283: 'G', rs4149056: 'C' } },
    ],
  },
  {
    gene: 'TPMT', chrom: 'chr6',
    haplotypes: [
      { name: '*1', function: 'Normal function', frequency: 0.955, alleles: {} },
      { name: '*3A', function: 'No function', frequency: 0.035, alleles: { rs1142345: 'C', rs1800460: 'T' } },
      { name: '*3B', function: 'No function', frequency: 0.003, alleles: { rs1800460: 'T' } },
      { name: '*3C', function: 'No function', frequency: 0.007, alleles: { rs1142345: 'C' } },
    ],
  },
  {
    gene: 'NUDT15', chrom: 'chr13',
    haplotypes: [
      { name: '*1', function: 'Normal function', frequency: 0.985, alleles: {} },
      { name: '*3', function: 'No function', frequency: 0.015, alleles: { rs116855232: 'T' } },
    ],
  },
  {
    gene: 'DPYD', chrom: 'chr1',
    haplotypes: [
      { name: 'Reference', function: 'Normal function', activity: 1, frequency: 0.98, alleles: {} },
      { name: 'c.1905+1G>A (*2A)', function: 'No function', activity: 0, frequency: 0.012, alleles: { rs3918290: 'T' } },
      { name: 'c.2846A>T', function: 'Decreased function', activity: 0.5, frequency: 0.008, alleles: { rs67376798: 'A' } },
    ],
  },
  {
    gene: 'CYP3A5', chrom: 'chr7',
    haplotypes: [
      { name: '*1', function: 'Normal function', frequency: 0.13, alleles: {} },
      { name: '*3', function: 'No function', frequency: 0.85, alleles: { rs776746: 'C' } },
      { name: '*6', function: 'No function', frequency: 0.01, alleles: { rs10264272: 'T' } },
      { name: '*7', function: 'No function', frequency: 0.01, alleles: { rs41303343: 'TA' } },
    ],
  },
  {
    gene: 'UGT1A1', chrom: 'chr2',
    haplotypes: [
      { name: '*1', function: 'Normal function', frequency: 0.64, alleles: {} },
      { name: '*80+*28', function: 'Decreased function', frequency: 0.3, alleles: { rs887829: 'T', rs3064744: 'CATAT' } },
      { name: '*28', function: 'Decreased function', frequency: 0.01, alleles: { rs3064744: 'CATAT' } },
      { name: '*80', function: 'Unknown function', frequency: 0.02, alleles: { rs887829: 'T' } },
      { name: '*6', function: 'Decreased function', frequency: 0.03, alleles: { rs4148323: 'A' } },
    ],
  },
];

/** GRCh38 primary assembly contig lengths (GRC, GCA_000001405.15), for the VCF header. */
export const GRCH38_CONTIGS: readonly (readonly [string, number])[] = [
  ['chr1', 248956422], ['chr2', 242193529], ['chr3', 198295559], ['chr4', 190214555],
  ['chr5', 181538259], ['chr6', 170805979], ['chr7', 159345973], ['chr8', 145138636],
  ['chr9', 138394717], ['chr10', 133797422], ['chr11', 135086622], ['chr12', 133275309],
  ['chr13', 114364328], ['chr14', 107043718], ['chr15', 101991189], ['chr16', 90338345],
  ['chr17', 83257441], ['chr18', 80373285], ['chr19', 58617616], ['chr20', 64444167],
  ['chr21', 46709983], ['chr22', 50818468], ['chrX', 156040895], ['chrY', 57227415], ['chrM', 16569],
];
