// Which of a Patient's identifiers seeds its pseudonym. The MRN is what DICOM (PatientID with its
// issuer) and VCF sample sheets also carry, so choosing it makes the modalities link after
// de-identification (ARCHITECTURE.md "Pseudonyms"). The value itself never leaves this module
// except through the keyed hash (45 CFR 164.514(b)(2)(i)(H), (c) re-identification codes).
import { isObject } from './element-allowlist.ts';
import type { FhirResourceJson, MrnSource } from './safe-harbor-policy.ts';

/** The identifier a pseudonym is derived from. */
export interface PatientMrn {
  system: string;
  value: string;
  source: MrnSource;
}

/** System used when no identifier exists and the resource identity stands in for the MRN. */
export const RESOURCE_ID_SYSTEM = 'urn:dataspace:resource-id';

const V2_0203 = 'http://terminology.hl7.org/CodeSystem/v2-0203';

interface UsableIdentifier {
  system: string;
  value: string;
  isMr: boolean;
  old: boolean;
}

/**
 * The MRN: the identifier typed MR (HL7 v2 table 0203), else one whose system is configured, else
 * the first identifier with a system and value, else the resource identity (`Patient/<id>`).
 * Within each rule an identifier marked `use: old` is chosen only when no current one qualifies.
 */
export function selectPatientMrn(
  patient: FhirResourceJson,
  mrnSystems: readonly string[],
  resourceIdentity: string,
): PatientMrn {
  const identifiers = usableIdentifiers(patient.identifier);
  const mr = preferCurrent(identifiers.filter((i) => i.isMr));
  if (mr) return { system: mr.system, value: mr.value, source: 'mr' };
  for (const system of mrnSystems) {
    const configured = preferCurrent(identifiers.filter((i) => i.system === system));
    if (configured)
      return { system: configured.system, value: configured.value, source: 'configured' };
  }
  const first = preferCurrent(identifiers.filter((i) => i.system !== ''));
  if (first) return { system: first.system, value: first.value, source: 'first-identifier' };
  return { system: RESOURCE_ID_SYSTEM, value: resourceIdentity, source: 'resource-id' };
}

function preferCurrent(candidates: UsableIdentifier[]): UsableIdentifier | undefined {
  return candidates.find((i) => !i.old) ?? candidates[0];
}

function usableIdentifiers(value: unknown): UsableIdentifier[] {
  if (!Array.isArray(value)) return [];
  const out: UsableIdentifier[] = [];
  for (const identifier of value) {
    if (
      !isObject(identifier) ||
      typeof identifier.value !== 'string' ||
      identifier.value.trim() === ''
    )
      continue;
    out.push({
      system: typeof identifier.system === 'string' ? identifier.system : '',
      value: identifier.value,
      isMr: isMrType(identifier.type),
      old: identifier.use === 'old',
    });
  }
  return out;
}

function isMrType(type: unknown): boolean {
  if (!isObject(type) || !Array.isArray(type.coding)) return false;
  return type.coding.some(
    (c) => isObject(c) && c.code === 'MR' && (c.system === undefined || c.system === V2_0203),
  );
}
