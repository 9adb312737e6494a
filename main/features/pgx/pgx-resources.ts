// Loads the PGx tables kept as data under resources/pgx/ (see resources/pgx/SOURCE.md): CPIC allele
// definitions and diplotype phenotypes in compact form, and the drug-gene alert rules.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { CALLED_GENES } from './pgx-genes.ts';
import type { CalledGene } from './pgx-genes.ts';

export interface ResourceSource {
  readonly project: string;
  readonly commit: string;
  readonly describe: string;
  readonly path: string;
  readonly attribution: string;
}

/** allele-definitions.json: one gene's positions and named alleles (sparse: position index → VCF allele). */
export interface CompactGeneDefinition {
  chromosome: string;
  genomeBuild: string;
  version: string;
  positions: { pos: number; rsid: string | null; ref: string; alts: string[] }[];
  alleles: { name: string; reference: boolean; alleles: Record<string, string> }[];
  /** Sub-allele → core allele (e.g. SLCO1B1 *45.001 → *45); phenotypes are assigned to the core allele. */
  suballeles: Record<string, string>;
}
export interface CompactAlleleDefinitions {
  source: ResourceSource;
  genes: Record<string, CompactGeneDefinition>;
}

/** phenotypes.json: allele functions and the phenotype of each pair of allele lookup keys. */
export interface CompactGenePhenotypes {
  version: string;
  alleles: Record<
    string,
    { function: string | null; activityValue: string | null; lookupKey: string | null }
  >;
  byLookupKeys: Record<string, { phenotype: string; activityScore: string | null }>;
}
export interface CompactPhenotypes {
  source: ResourceSource;
  genes: Record<string, CompactGenePhenotypes>;
}

/** A defining position of a gene (GRCh38, VCF coordinates and alleles). */
export interface DefinitionPosition {
  readonly index: number;
  readonly pos: number;
  readonly rsid: string | null;
  readonly ref: string;
  readonly alts: readonly string[];
}

/** A named allele: its VCF allele at each position, or null where the definition is silent. */
export interface NamedAlleleDefinition {
  readonly name: string;
  readonly reference: boolean;
  readonly alleles: readonly (string | null)[];
}

/** Everything needed to call one gene. */
export interface GeneDefinition {
  readonly gene: CalledGene;
  readonly chromosome: string;
  readonly version: string;
  readonly positions: readonly DefinitionPosition[];
  readonly alleles: readonly NamedAlleleDefinition[];
  /** Sub-allele → core allele, for phenotype lookup. */
  readonly suballeles: Readonly<Record<string, string>>;
}

export interface PgxResources {
  readonly definitions: ReadonlyMap<CalledGene, GeneDefinition>;
  readonly phenotypes: ReadonlyMap<CalledGene, CompactGenePhenotypes>;
  readonly definitionSource: ResourceSource;
  readonly phenotypeSource: ResourceSource;
}

/** resources/pgx relative to this module (main/features/pgx → repo root). */
export function defaultPgxResourceDir(): string {
  return fileURLToPath(new URL('../../../resources/pgx/', import.meta.url));
}

function expand(gene: CalledGene, compact: CompactGeneDefinition): GeneDefinition {
  const positions = compact.positions.map((p, index) => ({
    index,
    pos: p.pos,
    rsid: p.rsid,
    ref: p.ref,
    alts: p.alts,
  }));
  const alleles = compact.alleles.map((a) => {
    const full: (string | null)[] = new Array<string | null>(positions.length).fill(null);
    for (const [i, allele] of Object.entries(a.alleles)) full[Number(i)] = allele;
    return { name: a.name, reference: a.reference, alleles: full };
  });
  return {
    gene,
    chromosome: compact.chromosome,
    version: compact.version,
    positions,
    alleles,
    suballeles: compact.suballeles,
  };
}

const cache = new Map<string, PgxResources>();

/** Reads and caches the PGx tables (a few hundred KB, read once per process). */
export function loadPgxResources(dir: string = defaultPgxResourceDir()): PgxResources {
  const cached = cache.get(dir);
  if (cached) return cached;
  const defs = JSON.parse(
    readFileSync(join(dir, 'allele-definitions.json'), 'utf8'),
  ) as CompactAlleleDefinitions;
  const phen = JSON.parse(readFileSync(join(dir, 'phenotypes.json'), 'utf8')) as CompactPhenotypes;
  const definitions = new Map<CalledGene, GeneDefinition>();
  const phenotypes = new Map<CalledGene, CompactGenePhenotypes>();
  for (const gene of CALLED_GENES) {
    const d = defs.genes[gene];
    const p = phen.genes[gene];
    if (d === undefined || p === undefined) throw new Error(`PGx resources lack ${gene}`);
    definitions.set(gene, expand(gene, d));
    phenotypes.set(gene, p);
  }
  const loaded = {
    definitions,
    phenotypes,
    definitionSource: defs.source,
    phenotypeSource: phen.source,
  };
  cache.set(dir, loaded);
  return loaded;
}
