// The institution's genotyped cohort as one bgzipped multi-sample VCF 4.2 (GRCh38) with a
// sample sheet that maps biobank sample ids to MRNs. A multi-sample VCF is written row by row
// over all samples, so per sample only the PGx allele indices (two bytes per site) are kept
// until the end; background variants are drawn row by row from a per-site stream.
import { createWriteStream } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { BgzfWriter } from './bgzf-writer.ts';
import { GRCH38_CONTIGS, PGX_SITES } from './pgx-defining-positions.ts';
import { SeededRandom } from './seeded-random.ts';
import { TODAY_DAY, formatDate } from './simulated-patient.ts';

const BACKGROUND_SITES = 300;
const BASES = ['A', 'C', 'G', 'T'] as const;

interface VcfSite {
  chrom: string;
  pos: number;
  id: string;
  ref: string;
  alts: readonly string[];
  gene: string | null;
  /** Index into PGX_SITES, or -1 for a background site. */
  pgxIndex: number;
  alleleFrequency: number;
}

interface CohortSample {
  sampleId: string;
  mrn: string;
  pgxAlleles: Uint8Array;
}

/** Where the deliberately malformed VCF line is, for the report. */
export interface VcfWriteResult {
  samples: number;
  sites: number;
  malformedLine: number | null;
}

function backgroundSites(seed: number | string): VcfSite[] {
  // The same sites at every institution: one genotyping pipeline across the consortium.
  const rng = SeededRandom.derive(seed, 'vcf-background-sites');
  const autosomesAndX = GRCH38_CONTIGS.filter(([c]) => c !== 'chrY' && c !== 'chrM');
  const taken = new Set(PGX_SITES.map((s) => `${s.chrom}:${s.pos}`));
  const out: VcfSite[] = [];
  while (out.length < BACKGROUND_SITES) {
    const [chrom, length] = rng.weighted(autosomesAndX, ([, len]) => len);
    const pos = rng.int(10_000, length - 10_000);
    if (taken.has(`${chrom}:${pos}`)) continue;
    taken.add(`${chrom}:${pos}`);
    const ref = rng.pick(BASES);
    const alt = rng.pick(BASES.filter((b) => b !== ref));
    // Mostly rare, some common: an approximately U-shaped site frequency spectrum.
    const alleleFrequency = Math.max(0.002, Math.min(0.5, Math.pow(rng.next(), 2.2) * 0.5));
    const id = rng.chance(0.7) ? `rs${rng.int(1_000_000, 999_999_999)}` : '.';
    out.push({ chrom, pos, id, ref, alts: [alt], gene: null, pgxIndex: -1, alleleFrequency });
  }
  return out;
}

function allSites(seed: number | string): VcfSite[] {
  const pgx: VcfSite[] = PGX_SITES.map((s, i) => ({ chrom: s.chrom, pos: s.pos, id: s.rsid, ref: s.ref, alts: s.alts, gene: s.gene, pgxIndex: i, alleleFrequency: 0 }));
  const order = new Map(GRCH38_CONTIGS.map(([c], i) => [c, i]));
  return [...pgx, ...backgroundSites(seed)].sort((a, b) => order.get(a.chrom)! - order.get(b.chrom)! || a.pos - b.pos);
}

function header(sampleIds: readonly string[], institution: string): string {
  const lines = [
    '##fileformat=VCFv4.2',
    `##fileDate=${formatDate(TODAY_DAY).replace(/-/g, '')}`,
    `##source=DataSpaceNodeSyntheticConsortium/${institution}`,
    '##reference=GRCh38',
    ...GRCH38_CONTIGS.map(([id, length]) => `##contig=<ID=${id},length=${length},assembly=GRCh38>`),
    '##FILTER=<ID=PASS,Description="All filters passed">',
    '##INFO=<ID=AC,Number=A,Type=Integer,Description="Allele count in called genotypes">',
    '##INFO=<ID=AN,Number=1,Type=Integer,Description="Total number of alleles in called genotypes">',
    '##INFO=<ID=AF,Number=A,Type=Float,Description="Allele frequency in called genotypes">',
    '##INFO=<ID=PX,Number=.,Type=String,Description="Pharmacogene whose PharmCAT defining position this is">',
    '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">',
    ['#CHROM', 'POS', 'ID', 'REF', 'ALT', 'QUAL', 'FILTER', 'INFO', 'FORMAT', ...sampleIds].join('\t'),
  ];
  return `${lines.join('\n')}\n`;
}

/** Collects genotyped patients while they stream by, then writes the VCF in one pass. */
export class VcfCohortWriter {
  private readonly samples: CohortSample[] = [];

  constructor(private readonly seed: number | string, private readonly institution: string) {}

  get size(): number {
    return this.samples.length;
  }

  add(sampleId: string, mrn: string, pgxAlleles: Uint8Array): void {
    this.samples.push({ sampleId, mrn, pgxAlleles });
  }

  /**
   * Writes `vcfPath` (BGZF) and the sample sheet. If `malformedRow` is given, that background
   * row is written one column short: the deliberate "wrong column count" defect.
   */
  async write(vcfPath: string, sampleSheetPath: string, mrnSystem: string, malformedRow: number | null): Promise<VcfWriteResult> {
    const sheet = ['sample_id,mrn_system,mrn_value', ...this.samples.map((s) => `${s.sampleId},${mrnSystem},${s.mrn}`)];
    await writeFile(sampleSheetPath, `${sheet.join('\n')}\n`);
    const sites = allSites(this.seed);
    const out = new BgzfWriter(createWriteStream(vcfPath));
    const head = header(this.samples.map((s) => s.sampleId), this.institution);
    await out.write(head);
    const headerLines = head.split('\n').length - 1;
    let malformedLine: number | null = null;
    let backgroundRow = 0;
    for (const [row, site] of sites.entries()) {
      const calls = this.genotypes(site, row);
      let columns = calls.genotypes;
      if (site.pgxIndex < 0 && backgroundRow++ === malformedRow && columns.length > 0) {
        columns = columns.slice(0, -1);
        malformedLine = headerLines + row + 1;
      }
      const info = [`AC=${calls.alleleCounts.join(',')}`, `AN=${calls.alleleNumber}`,
        `AF=${calls.alleleCounts.map((c) => (calls.alleleNumber ? (c / calls.alleleNumber).toFixed(4) : '0')).join(',')}`];
      if (site.gene) info.push(`PX=${site.gene}`);
      await out.write(`${[site.chrom, site.pos, site.id, site.ref, site.alts.join(','), '.', 'PASS', info.join(';'), 'GT', ...columns].join('\t')}\n`);
    }
    await out.close();
    return { samples: this.samples.length, sites: sites.length, malformedLine };
  }

  private genotypes(site: VcfSite, row: number): { genotypes: string[]; alleleCounts: number[]; alleleNumber: number } {
    const counts = new Array<number>(site.alts.length).fill(0);
    let alleleNumber = 0;
    const genotypes: string[] = new Array(this.samples.length);
    const rng = site.pgxIndex < 0 ? SeededRandom.derive(this.seed, this.institution, 'vcf-row', row) : null;
    for (let i = 0; i < this.samples.length; i++) {
      let a: number;
      let b: number;
      if (rng) {
        if (rng.chance(0.003)) {
          genotypes[i] = './.';
          continue;
        }
        a = rng.chance(site.alleleFrequency) ? 1 : 0;
        b = rng.chance(site.alleleFrequency) ? 1 : 0;
      } else {
        const alleles = this.samples[i]!.pgxAlleles;
        a = alleles[site.pgxIndex * 2]!;
        b = alleles[site.pgxIndex * 2 + 1]!;
      }
      if (a > 0) counts[a - 1]!++;
      if (b > 0) counts[b - 1]!++;
      alleleNumber += 2;
      genotypes[i] = `${a}|${b}`;
    }
    return { genotypes, alleleCounts: counts, alleleNumber };
  }
}
