// Streaming PGx caller: records are fed one at a time as the VCF streams; only alleles at the ~600
// defining positions are kept (per sample, as interned ids in typed arrays), so memory does not grow with
// the file and stays small per sample. Calls are made at the end, one sample at a time.
import { callGene, notCallable } from './call-gene.ts';
import { CALLED_GENES, NOT_CALLABLE_GENES } from './pgx-genes.ts';
import { loadPgxResources } from './pgx-resources.ts';
import { formatIndices, readSampleAllele, referenceBlockAllele } from './pgx-sample-allele.ts';
import type { GeneCall } from './call-gene.ts';
import type { CalledGene } from './pgx-genes.ts';
import type { DefinitionPosition, GeneDefinition, PgxResources } from './pgx-resources.ts';
import type { FormatIndices, PgxPositionNote, PgxSampleAllele } from './pgx-sample-allele.ts';
import type { VcfHeader, VcfRecord } from '../../ingest/vcf/vcf-types.ts';

/** Distinct genotypes remembered per gene; beyond this, further ones are called without being kept. */
const MAX_CACHED_CALLS_PER_GENE = 4096;
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
  /**
   * Whether a line at CHROM:POS..END can matter to a call (a defining position, or one inside a reference
   * block): only those need to be fed. Lines it says no to may be skipped.
   */
  needsRecord(chrom: string, pos: number, end: number): boolean;
  feed(record: VcfRecord): void;
  /** Number of sample slots (0 until known when neither indices nor a header were given). */
  readonly sampleCount: number;
  /** Calls every gene for one slot; results are computed on demand, so a large cohort is never held whole. */
  resultFor(slot: number): PgxSampleResult;
  /** Every slot's result: convenient for small inputs; large cohorts should iterate `resultFor`. */
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

/**
 * Interns values that repeat across samples (the same allele at the same position, the same note): a
 * cohort of tens of thousands of samples stores one small integer per sample and position instead of
 * an object, so memory stays bounded by the sample count times the ~600 defining positions.
 */
class Interner<T> {
  private readonly ids = new Map<string, number>();
  readonly values: T[] = [];

  id(key: string, make: () => T): number {
    let id = this.ids.get(key);
    if (id === undefined) {
      id = this.values.length;
      this.values.push(make());
      this.ids.set(key, id);
    }
    return id;
  }
}

function alleleKey(a: PgxSampleAllele): string {
  return `${a.computed1}\t${a.computed2}\t${a.phased}\t${a.effectivelyPhased}\t${a.phaseSet}\t${a.call}`;
}

/** Growable list of (slot, note id) pairs, grouped by slot once reading is over. */
class NoteLog {
  private pairs = new Uint32Array(64);
  private length = 0;
  private bySlot: { start: Uint32Array; notes: Uint32Array } | null = null;

  add(slot: number, noteId: number): void {
    if (this.length + 2 > this.pairs.length) {
      const grown = new Uint32Array(this.pairs.length * 2);
      grown.set(this.pairs);
      this.pairs = grown;
    }
    this.pairs[this.length++] = slot;
    this.pairs[this.length++] = noteId;
    this.bySlot = null;
  }

  /** Note ids of `slot`, in the order they were added. */
  of(slot: number, slots: number): Uint32Array {
    this.bySlot ??= this.group(slots);
    const { start, notes } = this.bySlot;
    return notes.subarray(start[slot]!, start[slot + 1]!);
  }

  /** A stable counting sort of the pairs by slot. */
  private group(slots: number): { start: Uint32Array; notes: Uint32Array } {
    const start = new Uint32Array(slots + 1);
    for (let i = 0; i < this.length; i += 2) start[this.pairs[i]! + 1]! += 1;
    for (let s = 0; s < slots; s++) start[s + 1]! += start[s]!;
    const next = start.slice(0, slots);
    const notes = new Uint32Array(this.length / 2);
    for (let i = 0; i < this.length; i += 2) notes[next[this.pairs[i]!]!++] = this.pairs[i + 1]!;
    return { start, notes };
  }
}

/**
 * Per gene: for each defining position, one interned allele id + 1 per sample slot (0 = nothing read
 * yet), allocated when the VCF first reaches that position; and the notes about positions per slot.
 */
class GeneGenotypes {
  readonly alleles: (Uint32Array | undefined)[];
  readonly notes = new NoteLog();

  constructor(
    private readonly slots: number,
    positions: number,
  ) {
    this.alleles = new Array<Uint32Array | undefined>(positions);
  }

  at(position: number): Uint32Array {
    let column = this.alleles[position];
    if (column === undefined) {
      column = new Uint32Array(this.slots);
      this.alleles[position] = column;
    }
    return column;
  }
}

class StreamingPgxCaller implements PgxCaller {
  private readonly index: Map<string, ChromIndex>;
  private readonly adUsable: boolean;
  private samples: readonly number[] | null;
  private genotypes: Map<CalledGene, GeneGenotypes> | null = null;
  private readonly alleleTable = new Interner<PgxSampleAllele>();
  private readonly noteTable = new Interner<PgxPositionNote>();
  private readonly callCache = new Map<CalledGene, Map<string, GeneCall>>();
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

  get sampleCount(): number {
    return this.samples?.length ?? 0;
  }

  needsRecord(chrom: string, pos: number, end: number): boolean {
    const index = this.chromIndex(chrom);
    if (index === undefined) return false;
    if (index.byPos.has(pos)) return true;
    if (end <= pos) return false;
    const next = index.sorted[firstAfter(index.sorted, pos)];
    return next !== undefined && next.pos <= end;
  }

  feed(record: VcfRecord): void {
    const chrom = this.chromIndex(record.chrom);
    if (chrom === undefined) return;
    const site = chrom.byPos.get(record.pos);
    if (site !== undefined) this.readSite(record, site);
    if (record.end > record.pos && record.alt.every((a) => BLOCK_ALTS.has(a)))
      this.readReferenceBlock(record, chrom);
  }

  /** The defining sites on CHROM, remembered while consecutive lines stay on one chromosome. */
  private chromIndex(chrom: string): ChromIndex | undefined {
    if (chrom !== this.lastChrom) {
      this.lastChrom = chrom;
      this.lastIndex = this.index.get(chromKey(chrom));
    }
    return this.lastIndex;
  }

  resultFor(slot: number): PgxSampleResult {
    const slots = this.samples ?? [];
    const genes: GeneCall[] = CALLED_GENES.map((gene) => {
      const definition = this.resources.definitions.get(gene)!;
      const state = this.genotypes?.get(gene);
      const ids = new Array<number>(definition.positions.length).fill(0);
      if (state) for (let p = 0; p < ids.length; p++) ids[p] = state.alleles[p]?.[slot] ?? 0;
      const noteIds = state ? state.notes.of(slot, slots.length) : new Uint32Array(0);
      // Samples with the same alleles and notes at a gene's positions get the same call: most of a cohort
      // shares a handful of genotypes per gene, so each distinct one is called once.
      const key = `${ids.join(',')}|${noteIds.join(',')}`;
      const cache = this.callCache.get(gene);
      const cached = cache?.get(key);
      if (cached !== undefined) return cached;
      const sample = ids.map((id) => (id > 0 ? this.alleleTable.values[id - 1] : undefined));
      const notes = Array.from(noteIds, (id) => this.noteTable.values[id]!);
      const result = callGene(definition, this.resources.phenotypes.get(gene)!, sample, notes);
      if (cache === undefined) this.callCache.set(gene, new Map([[key, result]]));
      else if (cache.size < MAX_CACHED_CALLS_PER_GENE) cache.set(key, result);
      return result;
    });
    for (const [gene, reason] of Object.entries(NOT_CALLABLE_GENES))
      genes.push(notCallable(gene, reason));
    return { sampleIndex: slots[slot]!, genes };
  }

  results(): PgxSampleResult[] {
    return Array.from({ length: this.sampleCount }, (_, slot) => this.resultFor(slot));
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

  private alleleId(allele: PgxSampleAllele): number {
    return this.alleleTable.id(alleleKey(allele), () => allele) + 1;
  }

  private noteId(site: Site, target: Target, text: string): number {
    return this.noteTable.id(`${site.pos}\t${target.position.rsid}\t${text}`, () => ({
      pos: site.pos,
      rsid: target.position.rsid,
      note: text,
    }));
  }

  private readSite(record: VcfRecord, site: Site): void {
    const { slots, genotypes } = this.state(record);
    if (record.format !== this.lastFormat) {
      this.lastFormat = record.format;
      this.lastIndices = formatIndices(record.format);
    }
    for (const target of site.targets) {
      const gene = genotypes.get(target.gene)!;
      const column = gene.at(target.position.index);
      for (let slot = 0; slot < slots.length; slot++) {
        if (column[slot] !== 0) continue; // first valid entry wins
        const result = readSampleAllele(
          record,
          slots[slot]!,
          target.position,
          UNDOCUMENTED_AS_REFERENCE.has(target.gene),
          this.lastIndices,
          this.adUsable,
        );
        if (result.kind === 'allele') {
          column[slot] = this.alleleId(result.allele);
          if (result.warning) gene.notes.add(slot, this.noteId(site, target, result.warning));
        } else {
          gene.notes.add(slot, this.noteId(site, target, `treated as missing: ${result.reason}`));
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
        const column = genotypes.get(target.gene)!.at(target.position.index);
        for (let slot = 0; slot < slots.length; slot++) {
          if (column[slot] !== 0) continue;
          const gt = record.genotypes[slots[slot]!];
          if (!gt || gt.alleles.length === 0 || gt.alleles.some((a) => a !== 0)) continue;
          column[slot] = this.alleleId(referenceBlockAllele(target.position, gt.alleles.length));
        }
      }
    }
  }
}

/** Creates a caller for CYP2C19, CYP2C9, CYP3A5, DPYD, NUDT15, SLCO1B1, TPMT, UGT1A1, VKORC1 (+ CYP2D6 not callable). */
export function createPgxCaller(opts: PgxCallerOptions = {}): PgxCaller {
  return new StreamingPgxCaller(opts.resources ?? loadPgxResources(), opts);
}
