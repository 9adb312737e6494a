// Development tool, not runtime: derives resources/pgx/*.json from a PharmCAT source snapshot.
// Usage: node --import tsx main/features/pgx/build-pgx-resources.ts <pharmcat-dir> [out-dir]
// e.g.   node --import tsx main/features/pgx/build-pgx-resources.ts ../shared/data/vcf/pharmcat resources/pgx
// Allele definitions: PharmCAT src/main/resources/org/pharmgkb/pharmcat/definition/alleles/<GENE>_translation.json
// Phenotypes:         PharmCAT src/main/resources/org/pharmgkb/pharmcat/phenotype/<GENE>.json
// Both derive from CPIC/ClinPGx data (CC BY-SA 4.0); the attribution travels in the output files.
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { CALLED_GENES } from './pgx-genes.ts';
import type {
  CompactAlleleDefinitions,
  CompactGeneDefinition,
  CompactGenePhenotypes,
  CompactPhenotypes,
} from './pgx-resources.ts';

const PHARMCAT_COMMIT = '5431bf1187e50383df7e7db18ef67b36fc8b562e';
const PHARMCAT_DESCRIBE = 'v3.1.1-2-g5431bf11';
const ATTRIBUTION =
  'Derived from PharmCAT (https://github.com/PharmGKB/PharmCAT, MPL-2.0) allele definition and phenotype files, ' +
  'whose content originates from CPIC and PharmGKB/ClinPGx and is licensed CC BY-SA 4.0.';

interface SourceVariant {
  position: number;
  rsid: string | null;
  ref: string;
  alts: string[];
}
interface SourceNamedAllele {
  name: string;
  alleles: (string | null)[];
  reference: boolean;
}
interface SourceDefinition {
  version: string;
  gene: string;
  chromosome: string;
  genomeBuild: string;
  variants: SourceVariant[];
  namedAlleles: SourceNamedAllele[];
  suballelesMap: Record<string, string>;
}
interface SourcePhenotype {
  version: string;
  namedAlleles: {
    name: string;
    activityValue: string | null;
    functionValue: string | null;
    lookupKey: string | null;
  }[];
  diplotypes: {
    diplotypekey: Record<string, number>;
    phenotype: string;
    activityScore: string | null;
  }[];
}

function readJson<T>(path: string): T {
  return JSON.parse(readFileSync(path, 'utf8')) as T;
}

function compactDefinition(source: SourceDefinition): CompactGeneDefinition {
  return {
    chromosome: source.chromosome,
    genomeBuild: source.genomeBuild,
    version: source.version,
    positions: source.variants.map((v) => ({
      pos: v.position,
      rsid: v.rsid,
      ref: v.ref,
      alts: v.alts,
    })),
    alleles: source.namedAlleles.map((a) => {
      const sparse: Record<string, string> = {};
      a.alleles.forEach((allele, i) => {
        if (allele !== null) sparse[String(i)] = allele;
      });
      return { name: a.name, reference: a.reference, alleles: sparse };
    }),
    suballeles: source.suballelesMap,
  };
}

/** Diplotype phenotypes keyed by the pair of allele lookup keys; verified against every source row. */
function compactPhenotypes(gene: string, source: SourcePhenotype): CompactGenePhenotypes {
  const alleles: CompactGenePhenotypes['alleles'] = {};
  for (const a of source.namedAlleles) {
    alleles[a.name] = {
      function: a.functionValue,
      activityValue: a.activityValue,
      lookupKey: a.lookupKey,
    };
  }
  const byKeys: CompactGenePhenotypes['byLookupKeys'] = {};
  for (const row of source.diplotypes) {
    const names = Object.entries(row.diplotypekey).flatMap(([name, n]) =>
      Array<string>(n).fill(name),
    );
    if (names.length !== 2) throw new Error(`${gene}: diplotype row without two alleles`);
    const key = names
      .map((n) => alleles[n]?.lookupKey ?? 'none')
      .sort()
      .join('|');
    const value = { phenotype: row.phenotype, activityScore: row.activityScore };
    const existing = byKeys[key];
    if (
      existing &&
      (existing.phenotype !== value.phenotype || existing.activityScore !== value.activityScore)
    ) {
      throw new Error(
        `${gene}: lookup keys ${key} map to two phenotypes; the compact form would lose information`,
      );
    }
    byKeys[key] = value;
  }
  return { version: source.version, alleles, byLookupKeys: byKeys };
}

function main(): void {
  const [pharmcatDir, outDir = 'resources/pgx'] = process.argv.slice(2);
  if (pharmcatDir === undefined) {
    console.error('usage: build-pgx-resources.ts <pharmcat-dir> [out-dir]');
    process.exit(2);
  }
  const base = join(resolve(pharmcatDir), 'src/main/resources/org/pharmgkb/pharmcat');
  const definitions: CompactAlleleDefinitions = {
    source: {
      project: 'PharmCAT',
      commit: PHARMCAT_COMMIT,
      describe: PHARMCAT_DESCRIBE,
      path: 'src/main/resources/org/pharmgkb/pharmcat/definition/alleles/<GENE>_translation.json',
      attribution: ATTRIBUTION,
    },
    genes: {},
  };
  const phenotypes: CompactPhenotypes = {
    source: {
      project: 'PharmCAT',
      commit: PHARMCAT_COMMIT,
      describe: PHARMCAT_DESCRIBE,
      path: 'src/main/resources/org/pharmgkb/pharmcat/phenotype/<GENE>.json (CPIC diplotype to phenotype)',
      attribution: ATTRIBUTION,
    },
    genes: {},
  };
  for (const gene of CALLED_GENES) {
    definitions.genes[gene] = compactDefinition(
      readJson(join(base, 'definition/alleles', `${gene}_translation.json`)),
    );
    phenotypes.genes[gene] = compactPhenotypes(
      gene,
      readJson(join(base, 'phenotype', `${gene}.json`)),
    );
  }
  writeFileSync(join(outDir, 'allele-definitions.json'), `${JSON.stringify(definitions)}\n`);
  writeFileSync(join(outDir, 'phenotypes.json'), `${JSON.stringify(phenotypes, null, 1)}\n`);
  console.log(`wrote ${CALLED_GENES.length} genes to ${outDir}`);
}

main();
