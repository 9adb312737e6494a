// Charlson comorbidity index from coded diagnoses: ICD-10(-CM) by the Quan 2005 prefixes and SNOMED CT
// by exact concept, 1987 weights, usual hierarchy. The mapping is data (resources/scoring/
// charlson-comorbidity-map.json, with its sources), so a terminology update needs no code change.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** One category of the map as stored. */
interface CharlsonCategoryEntry {
  category: string;
  label: string;
  weight: number;
  icd10Prefixes: string[];
  snomed: { code: string; display: string }[];
}

/** The resource file's shape. */
export interface CharlsonMap {
  name: string;
  version: string;
  hierarchy: [string, string][];
  oncologyCategories: string[];
  categories: CharlsonCategoryEntry[];
}

export const ICD10_CM_SYSTEM = 'http://hl7.org/fhir/sid/icd-10-cm';
export const ICD10_SYSTEM = 'http://hl7.org/fhir/sid/icd-10';
export const SNOMED_SYSTEM = 'http://snomed.info/sct';

const MAP_URL = new URL('../../../resources/scoring/charlson-comorbidity-map.json', import.meta.url);

/** Expands "I60-I69" into I60..I69 (Quan 2005 writes ranges of same-length prefixes). */
function expandPrefixes(spec: string): string[] {
  const range = /^([A-Z])(\d+)-([A-Z])(\d+)$/.exec(spec);
  if (!range) return [spec];
  const [, letter, from, , to] = range as unknown as [string, string, string, string, string];
  const out: string[] = [];
  for (let n = Number(from); n <= Number(to); n++) out.push(`${letter}${String(n).padStart(from.length, '0')}`);
  return out;
}

/** Categorises `system|code` codings and scores sets of categories. */
export class CharlsonComorbidity {
  readonly version: string;
  private readonly prefixes: [string, string][];
  private readonly snomed: Map<string, string>;
  private readonly weights: Map<string, number>;
  private readonly hierarchy: [string, string][];
  private readonly oncology: Set<string>;

  constructor(map: CharlsonMap) {
    this.version = map.version;
    // Longest prefix first so a 4-character Quan code wins over a 3-character one of another category.
    this.prefixes = map.categories
      .flatMap((c) => c.icd10Prefixes.flatMap(expandPrefixes).map((p) => [p, c.category] as [string, string]))
      .sort((a, b) => b[0].length - a[0].length);
    this.snomed = new Map(map.categories.flatMap((c) => c.snomed.map((s) => [s.code, c.category] as [string, string])));
    this.weights = new Map(map.categories.map((c) => [c.category, c.weight]));
    this.hierarchy = map.hierarchy;
    this.oncology = new Set(map.oncologyCategories);
  }

  static load(): CharlsonComorbidity {
    return new CharlsonComorbidity(JSON.parse(readFileSync(fileURLToPath(MAP_URL), 'utf8')) as CharlsonMap);
  }

  /** The category of one `system|code` coding, or null. */
  categoryOf(indexedCode: string): string | null {
    const bar = indexedCode.lastIndexOf('|');
    const system = indexedCode.slice(0, bar);
    const code = indexedCode.slice(bar + 1);
    if (system === ICD10_CM_SYSTEM || system === ICD10_SYSTEM) {
      const normalized = code.replace('.', '').toUpperCase();
      for (const [prefix, category] of this.prefixes) if (normalized.startsWith(prefix)) return category;
      return null;
    }
    if (system === SNOMED_SYSTEM) return this.snomed.get(code) ?? null;
    return null;
  }

  /** Charlson index of a set of categories, the milder of each hierarchy pair dropped (Quan 2005). */
  index(categories: Iterable<string>): number {
    const present = new Set(categories);
    for (const [severe, mild] of this.hierarchy) if (present.has(severe)) present.delete(mild);
    let score = 0;
    for (const category of present) score += this.weights.get(category) ?? 0;
    return score;
  }

  /** Any malignancy or metastatic solid tumour among the categories. */
  hasOncology(categories: Iterable<string>): boolean {
    for (const c of categories) if (this.oncology.has(c)) return true;
    return false;
  }
}
