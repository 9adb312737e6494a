// Mandatory elements (min = 1 in the R4 StructureDefinitions) that the official JSON schema
// cannot require: primitives, because their value may be absent when a `_name` extension
// (e.g. data-absent-reason) stands in for it, and choice types `x[x]`, because the schema
// lists each `xType` separately. `Observation.status` is such an element, and readmission
// logic depends on statuses, so we check these in code for the stored types.
// fhir-required-elements.test.ts keeps this table in step with profiles-resources.json.
import type { FhirValidationIssue } from './fhir-validation-issue.ts';

/** Per stored type, the dotted paths of mandatory primitive and choice elements. */
export const REQUIRED_ELEMENTS_NOT_IN_SCHEMA: Record<string, readonly string[]> = {
  DiagnosticReport: ['status'],
  Encounter: ['status', 'statusHistory.status'],
  ImagingStudy: ['status', 'series.uid', 'series.instance.uid'],
  Immunization: ['status', 'occurrence[x]', 'protocolApplied.doseNumber[x]'],
  MedicationRequest: ['status', 'intent', 'medication[x]', 'substitution.allowed[x]'],
  MedicationStatement: ['status', 'medication[x]'],
  Observation: ['status'],
  Patient: ['link.type'],
  Procedure: ['status'],
};

function hasElement(node: Record<string, unknown>, name: string): boolean {
  if (!name.endsWith('[x]')) return node[name] !== undefined || node[`_${name}`] !== undefined;
  const stem = name.slice(0, -3);
  for (const key of Object.keys(node)) {
    const start = key.startsWith('_') ? 1 : 0;
    if (key.startsWith(stem, start) && key.length > start + stem.length) {
      const next = key.charCodeAt(start + stem.length);
      if (next >= 0x41 && next <= 0x5a) return true; // valueQuantity, _valueString ...
    }
  }
  return false;
}

function findMissing(node: unknown, steps: readonly string[], path: string): string | null {
  if (typeof node !== 'object' || node === null) return null;
  const [step, ...rest] = steps;
  if (step === undefined) return null;
  const record = node as Record<string, unknown>;
  if (rest.length === 0) return hasElement(record, step) ? null : `${path}.${step}`;
  const child = record[step];
  if (Array.isArray(child)) {
    for (let i = 0; i < child.length; i++) {
      const missing = findMissing(child[i], rest, `${path}.${step}[${i}]`);
      if (missing) return missing;
    }
    return null;
  }
  return findMissing(child, rest, `${path}.${step}`);
}

/** The first mandatory primitive or choice element missing from a stored-type resource. */
export function findMissingRequiredElement(
  resource: Record<string, unknown>,
): FhirValidationIssue | null {
  const type = String(resource.resourceType);
  for (const dotted of REQUIRED_ELEMENTS_NOT_IN_SCHEMA[type] ?? []) {
    const missing = findMissing(resource, dotted.split('.'), type);
    if (missing) return { path: missing, reason: 'required element is missing' };
  }
  return null;
}
