// A patient's drug-gene alerts from what the store holds: their PGx calls and the `system|code` index
// of their medication resources. The store keeps codes only (Safe Harbor drops Coding.display), so
// medications match the CPIC rules by RxNorm ingredient code.
import type { PgxDrugAlert, PgxGeneResult } from '../../api/contract.ts';
import { pgxAlertsFor, type AlertRules, type MedicationCoding } from './pgx-alerts.ts';

/** `system|code` → coding; the system itself may contain '|' only in theory, so split at the last one. */
function codingOf(indexed: string): MedicationCoding {
  const bar = indexed.lastIndexOf('|');
  return bar < 0 ? { code: indexed } : { system: indexed.slice(0, bar), code: indexed.slice(bar + 1) };
}

/** Alerts for one patient: their medication codes against their PGx phenotypes. */
export function patientPgxAlerts(
  results: readonly PgxGeneResult[],
  medicationCodes: readonly string[],
  rules?: AlertRules,
): PgxDrugAlert[] {
  if (results.length === 0 || medicationCodes.length === 0) return [];
  const phenotypes = results.map((r) => ({ gene: r.gene, phenotype: r.phenotype }));
  return pgxAlertsFor(phenotypes, medicationCodes.map(codingOf), rules).map((a) => ({
    ruleId: a.ruleId,
    gene: a.gene,
    phenotype: a.phenotype,
    drug: a.drug,
    rxnorm: a.rxnorm,
    severity: a.severity,
    recommendation: a.recommendation,
    guideline: a.guideline,
  }));
}
