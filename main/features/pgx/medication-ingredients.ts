// RxNorm ingredient codes for the pharmacogenomically actionable drugs, derived from a medication's
// names while the import still sees them. Exports usually code medications at product level
// (RxNorm SCD/SBD, e.g. 309362 "clopidogrel 75 MG Oral Tablet"), the CPIC rules are written per
// ingredient, and Safe Harbor drops every display text before anything is stored; recording the
// ingredient code (from the fixed CPIC drug list, never the text) keeps drug–gene alerts working.
import { drugNameTerms, loadAlertRules, normalizeMedicationName, type AlertRules } from './pgx-alerts.ts';

export const RXNORM_SYSTEM = 'http://www.nlm.nih.gov/research/umls/rxnorm';

// An export names few distinct medications many times over: results are remembered per name list.
const MAX_CACHED_NAME_LISTS = 10_000;
const codesByNames = new WeakMap<AlertRules, Map<string, readonly string[]>>();

/** `system|code` index entries of the ingredients named in `texts` (coding displays, CodeableConcept.text). */
export function pgxIngredientCodes(texts: readonly string[], rules: AlertRules = loadAlertRules()): readonly string[] {
  if (texts.length === 0) return [];
  let cache = codesByNames.get(rules);
  if (cache === undefined) {
    cache = new Map();
    codesByNames.set(rules, cache);
  }
  const key = texts.join('\u0000');
  const cached = cache.get(key);
  if (cached !== undefined) return cached;
  const names = texts.map(normalizeMedicationName);
  const codes = new Set<string>();
  for (const rule of rules.rules) {
    for (const drug of rule.drugs) {
      const terms = drugNameTerms(drug);
      if (names.some((name) => terms.some((term) => name.includes(term)))) codes.add(`${RXNORM_SYSTEM}|${drug.rxnorm}`);
    }
  }
  const result = Object.freeze([...codes]);
  if (cache.size < MAX_CACHED_NAME_LISTS) cache.set(key, result);
  return result;
}

/** The names a FHIR MedicationRequest/MedicationStatement gives its medication. */
export function medicationNames(resource: Record<string, unknown>): string[] {
  const concept = resource.medicationCodeableConcept as { text?: unknown; coding?: { display?: unknown }[] } | undefined;
  if (!concept || typeof concept !== 'object') return [];
  const names: string[] = [];
  if (typeof concept.text === 'string') names.push(concept.text);
  for (const coding of Array.isArray(concept.coding) ? concept.coding : []) {
    if (typeof coding?.display === 'string') names.push(coding.display);
  }
  return names;
}
