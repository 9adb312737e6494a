// Drug-gene alerts from the rules in resources/pgx/drug-gene-alerts.json (CPIC guidelines). A medication
// matches a rule by RxNorm ingredient code, or by its ingredient name (or a listed synonym) appearing as
// whole words in a normalized medication name ("Clopidogrel 75 MG Oral Tablet" → clopidogrel).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { defaultPgxResourceDir } from './pgx-resources.ts';

/** A medication as coded in the record; `display` (or a non-numeric `code`) is matched by name. */
export interface MedicationCoding {
  readonly system?: string;
  readonly code?: string;
  readonly display?: string;
}

/** A gene's phenotype, e.g. a GeneCall. */
export interface GenePhenotype {
  readonly gene: string;
  readonly phenotype: string | null;
}

export interface AlertDrug {
  ingredient: string;
  rxnorm: string;
  synonyms: string[];
}
interface AlertRule {
  id: string;
  gene: string;
  phenotypes: string[];
  drugs: AlertDrug[];
  severity: 'high' | 'moderate';
  recommendation: string;
  guideline: string;
}
export interface AlertRules {
  version: string;
  source: string;
  rules: AlertRule[];
}

/** One triggered alert. */
export interface PgxAlert {
  readonly ruleId: string;
  readonly gene: string;
  readonly phenotype: string;
  /** The rule's ingredient name (never the medication text as recorded). */
  readonly drug: string;
  readonly rxnorm: string;
  readonly severity: 'high' | 'moderate';
  readonly recommendation: string;
  readonly guideline: string;
  readonly matchedBy: 'rxnorm-ingredient' | 'ingredient-name';
}

const RXNORM_SYSTEMS = new Set([
  'http://www.nlm.nih.gov/research/umls/rxnorm',
  'https://www.nlm.nih.gov/research/umls/rxnorm',
  'urn:oid:2.16.840.1.113883.6.88',
  'rxnorm',
]);

const ruleCache = new Map<string, AlertRules>();

/** Loads the alert rules (cached per folder). */
export function loadAlertRules(dir: string = defaultPgxResourceDir()): AlertRules {
  let rules = ruleCache.get(dir);
  if (rules === undefined) {
    rules = JSON.parse(readFileSync(join(dir, 'drug-gene-alerts.json'), 'utf8')) as AlertRules;
    ruleCache.set(dir, rules);
  }
  return rules;
}

/** Lower case, accents removed, anything but letters and digits as single spaces, padded for word search. */
export function normalizeMedicationName(text: string): string {
  const words = text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
  return ` ${words} `;
}

const drugTermCache = new WeakMap<AlertDrug, readonly string[]>();

/** A drug's ingredient and synonyms, normalised once per loaded rule set. */
export function drugNameTerms(drug: AlertDrug): readonly string[] {
  let terms = drugTermCache.get(drug);
  if (terms === undefined) {
    terms = [drug.ingredient, ...drug.synonyms].map(normalizeMedicationName);
    drugTermCache.set(drug, terms);
  }
  return terms;
}

function matchesByName(names: readonly string[], drug: AlertDrug): boolean {
  const terms = drugNameTerms(drug);
  return names.some((name) => terms.some((term) => name.includes(term)));
}

/** The alerts raised by these medications given these phenotypes (one per rule and ingredient). */
export function pgxAlertsFor(
  phenotypes: readonly GenePhenotype[],
  medications: readonly MedicationCoding[],
  rules: AlertRules = loadAlertRules(),
): PgxAlert[] {
  const rxnormCodes = new Set<string>();
  const names: string[] = [];
  for (const m of medications) {
    const system = (m.system ?? '').trim().toLowerCase().replace(/\/$/, '');
    const code = (m.code ?? '').trim();
    if (RXNORM_SYSTEMS.has(system) && /^\d+$/.test(code)) rxnormCodes.add(code);
    else if (code !== '' && !/^\d+$/.test(code)) names.push(normalizeMedicationName(code));
    if (m.display) names.push(normalizeMedicationName(m.display));
  }
  const alerts: PgxAlert[] = [];
  for (const rule of rules.rules) {
    const phenotype = phenotypes.find((p) => p.gene === rule.gene)?.phenotype ?? null;
    if (phenotype === null || !rule.phenotypes.includes(phenotype)) continue;
    for (const drug of rule.drugs) {
      const matchedBy = rxnormCodes.has(drug.rxnorm)
        ? 'rxnorm-ingredient'
        : matchesByName(names, drug)
          ? 'ingredient-name'
          : null;
      if (matchedBy === null) continue;
      alerts.push({
        ruleId: rule.id,
        gene: rule.gene,
        phenotype,
        drug: drug.ingredient,
        rxnorm: drug.rxnorm,
        severity: rule.severity,
        recommendation: rule.recommendation,
        guideline: rule.guideline,
        matchedBy,
      });
    }
  }
  return alerts;
}
