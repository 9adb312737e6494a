// Streaming PGx caller: records are fed one at a time as the VCF streams; only alleles at the ~600
// defining positions are kept (per sample), so memory does not grow with the file. Calls are made at the end.
import { callGene, notCallable } from './call-gene.ts';
import { CALLED_GENES, NOT_CALLABLE_GENES } from './pgx-genes.ts';
import { loadPgxResources } from './pgx-resources.ts';
import { formatIndices, readSampleAllele, referenceBlockAllele } from './pgx-sample-allele.ts';
import type { GeneCall } from './call-gene.ts';
import type { CalledGene } from './pgx-genes.ts';
import type { DefinitionPosition, GeneDefinition, PgxResources } from './pgx-resources.ts';
import type { FormatIndices, PgxPositionNote, PgxSampleAllele } from './pgx-sample-allele.ts';
import type { VcfHeader, VcfRecord } from '../../ingest/vcf/vcf-types.ts';

// PharmCAT NamedAlleleMatcher.TREAT_UNDOCUMENTED_VARIATIONS_AS_REFERENCE, restricted to our genes.
const UNDOCUMENTED_AS_REFERENCE = new Set<CalledGene>(['DPYD', 'NUDT15', 'TPMT']);
// gVCF reference blocks (GATK <NON_REF>, bcftools/DeepVariant <*>) assert REF/REF over POS..END.
const BLOCK_ALTS = new Set(['<NON_REF>', '<*>']);

/** One sample's gene calls. */
export interface PgxSampleResult {
  readonly sampleIndex: number;
  readonly genes: readonly GeneCall[];
}

/** Accumulates genotypes at PGx positions record by record, then calls every gene per sample. */
export interface PgxCaller {
  feed(record: VcfRecord): void;
  results(): PgxSampleResult[];
}

export interface PgxCallerOptions {
  /** Sample columns to call (default: every sample of the header, or of the first record). */
  readonly sampleIndices?: readonly number[];
  /** The header, used for AD's declared Number (PharmCAT ignores AD unless Number=R). */
  readonly header?: VcfHeader;
  readonly resources?: PgxResources;
}

interface Target {
  readonly gene: CalledGene;
  readonly definition: GeneDefinition;
  readonly position: DefinitionPosition;
}
interface Site {
  readonly pos: number;
  readonly targets: Target[];
}
interface ChromIndex {
  readonly byPos: Map<number, Site>;
  readonly sorted: Site[];
}

/** 'chr10', '10', 'CHR10' → '10'; mitochondria as 'M'. */
function chromKey(chrom: string): string {
  const bare = chrom.replace(/^chr/i, '').toUpperCase();
  return bare === 'MT' ? 'M' : bare;
}

function buildIndex(resources: PgxResources): Map<string, ChromIndex> {
  const index = new Map<string, ChromIndex>();
  for (const [gene, definition] of resources.definitions) {
    const key = chromKey(definition.chromosome);
    let chrom = index.get(key);
    if (!chrom) {
      chrom = { byPos: new Map(), sorted: [] };
      index.set(key, chrom);
    }
    for (const position of definition.positions) {
      let site = chrom.byPos.get(position.pos);
      if (!site) {
        site = { pos: position.pos, targets: [] };
        chrom.byPos.set(position.pos, site);
        chrom.sorted.push(site);
      }
      site.targets.push({ gene, definition, position });
    }
  }
  for (const chrom of index.values()) chrom.sorted.sort((a, b) => a.pos - b.pos);
  return index;
}

/** First index in `sorted` with pos > `pos`. */
function firstAfter(sorted: readonly Site[], pos: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]!.pos <= pos) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Per gene, per sample slot, per defining position: the alleles read so far and the notes about them. */
class GeneGenotypes {
  readonly alleles: (PgxSampleAllele | undefined)[][];
  readonly notes: PgxPositionNote[][];

  constructor(slots: number, positions: number) {
    this.alleles = Array.from(
      { length: slots },
      () => new Array<PgxSampleAllele | undefined>(positions),
    );
    this.notes = Array.from({ length: slots }, () => []);
  }
}

class StreamingPgxCaller implements PgxCaller {
  private readonly index: Map<string, ChromIndex>;
  private readonly adUsable: boolean;
  private samples: readonly number[] | null;
  private genotypes: Map<CalledGene, GeneGenotypes> | null = null;
  private lastChrom: string | null = null;
  private lastIndex: ChromIndex | undefined;
  private lastFormat: readonly string[] | null = null;
  private lastIndices: FormatIndices = { ad: -1, ps: -1 };

  constructor(
    private readonly resources: PgxResources,
    opts: PgxCallerOptions,
  ) {
    this.index = buildIndex(resources);
    const ad = opts.header?.format.get('AD');
    this.adUsable = ad === undefined || ad.number === 'R';
    this.samples =
      opts.sampleIndices ?? (opts.header ? opts.header.sampleIds.map((_, i) => i) : null);
  }

  feed(record: VcfRecord): void {
    if (record.chrom !== this.lastChrom) {
      this.lastChrom = record.chrom;
      this.lastIndex = this.index.get(chromKey(record.chrom));
    }
    const chrom = this.lastIndex;
    if (chrom === undefined) return;
    const site = chrom.byPos.get(record.pos);
    if (site !== undefined) this.readSite(record, site);
    if (record.end > record.pos && record.alt.every((a) => BLOCK_ALTS.has(a)))
      this.readReferenceBlock(record, chrom);
  }

  results(): PgxSampleResult[] {
    const slots = this.samples ?? [];
    return slots.map((sampleIndex, slot) => {
      const genes: GeneCall[] = CALLED_GENES.map((gene) => {
        const definition = this.resources.definitions.get(gene)!;
        const state = this.genotypes?.get(gene);
        const sample =
          state?.alleles[slot] ??
          new Array<PgxSampleAllele | undefined>(definition.positions.length);
        return callGene(
          definition,
          this.resources.phenotypes.get(gene)!,
          sample,
          state?.notes[slot] ?? [],
        );
      });
      for (const [gene, reason] of Object.entries(NOT_CALLABLE_GENES))
        genes.push(notCallable(gene, reason));
      return { sampleIndex, genes };
    });
  }

  /** Sample slots and per-gene storage, created with the first record at a PGx position. */
  private state(record: VcfRecord): {
    slots: readonly number[];
    genotypes: Map<CalledGene, GeneGenotypes>;
  } {
    this.samples ??= record.genotypes.map((_, i) => i);
    if (this.genotypes === null) {
      const slots = this.samples.length;
      this.genotypes = new Map(
        CALLED_GENES.map((gene) => [
          gene,
          new GeneGenotypes(slots, this.resources.definitions.get(gene)!.positions.length),
        ]),
      );
    }
    return { slots: this.samples, genotypes: this.genotypes };
  }

  private readSite(record: VcfRecord, site: Site): void {
    const { slots, genotypes } = this.state(record);
    if (record.format !== this.lastFormat) {
      this.lastFormat = record.format;
      this.lastIndices = formatIndices(record.format);
    }
    for (const target of site.targets) {
      const gene = genotypes.get(target.gene)!;
      const note = (slot: number, text: string) =>
        gene.notes[slot]!.push({ pos: site.pos, rsid: target.position.rsid, note: text });
      for (let slot = 0; slot < slots.length; slot++) {
        if (gene.alleles[slot]![target.position.index] !== undefined) continue; // first valid entry wins
        const result = readSampleAllele(
          record,
          slots[slot]!,
          target.position,
          UNDOCUMENTED_AS_REFERENCE.has(target.gene),
          this.lastIndices,
          this.adUsable,
        );
        if (result.kind === 'allele') {
          gene.alleles[slot]![target.position.index] = result.allele;
          if (result.warning) note(slot, result.warning);
        } else {
          note(slot, `treated as missing: ${result.reason}`);
        }
      }
    }
  }

  /** Hom-ref calls in a reference block cover the defining positions after POS up to END. */
  private readReferenceBlock(record: VcfRecord, chrom: ChromIndex): void {
    const { slots, genotypes } = this.state(record);
    for (let i = firstAfter(chrom.sorted, record.pos); i < chrom.sorted.length; i++) {
      const site = chrom.sorted[i]!;
      if (site.pos > record.end) break;
      for (const target of site.targets) {
        const gene = genotypes.get(target.gene)!;
        for (let slot = 0; slot < slots.length; slot++) {
          if (gene.alleles[slot]![target.position.index] !== undefined) continue;
          const gt = record.genotypes[slots[slot]!];
          if (!gt || gt.alleles.length === 0 || gt.alleles.some((a) => a !== 0)) continue;
          gene.alleles[slot]![target.position.index] = referenceBlockAllele(
            target.position,
            gt.alleles.length,
          );
        }
      }
    }
  }
}

/** Creates a caller for CYP2C19, CYP2C9, CYP3A5, DPYD, NUDT15, SLCO1B1, TPMT, UGT1A1, VKORC1 (+ CYP2D6 not callable). */
export function createPgxCaller(opts: PgxCallerOptions = {}): PgxCaller {
  return new StreamingPgxCaller(opts.resources ?? loadPgxResources(), opts);
}
