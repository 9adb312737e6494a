// RxNorm ingredient codes for the pharmacogenomically actionable drugs, derived from a medication's
// names while the import still sees them. Exports usually code medications at product level
// (RxNorm SCD/SBD, e.g. 309362 "clopidogrel 75 MG Oral Tablet"), the CPIC rules are written per
// ingredient, and Safe Harbor drops every display text before anything is stored; recording the
// ingredient code (from the fixed CPIC drug list, never the text) keeps drug–gene alerts working.
import { loadAlertRules, normalizeMedicationName, type AlertRules } from './pgx-alerts.ts';

export const RXNORM_SYSTEM = 'http://www.nlm.nih.gov/research/umls/rxnorm';

/** `system|code` index entries of the ingredients named in `texts` (coding displays, CodeableConcept.text). */
export function pgxIngredientCodes(texts: readonly string[], rules: AlertRules = loadAlertRules()): string[] {
  if (texts.length === 0) return [];
  const names = texts.map(normalizeMedicationName);
  const codes = new Set<string>();
  for (const rule of rules.rules) {
    for (const drug of rule.drugs) {
      const terms = [drug.ingredient, ...drug.synonyms].map(normalizeMedicationName);
      if (names.some((name) => terms.some((term) => name.includes(term)))) codes.add(`${RXNORM_SYSTEM}|${drug.rxnorm}`);
    }
  }
  return [...codes];
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
