// Which FHIR identifier system a DICOM Patient ID (0010,0020) belongs to, so a DICOM instance
// and the FHIR Patient with the same MRN get the same pseudonym (ARCHITECTURE.md "Pseudonyms":
// HMAC of MRN system and value). DICOM names the assigning authority in Issuer of Patient ID
// (0010,0021), usually a short local code ("HOSP_MRN"), never the FHIR system URI, so the
// institution maps one to the other.

/** How Issuer of Patient ID values map to FHIR MRN systems (an institution setting). */
export interface MrnSystemMapping {
  /** Issuer of Patient ID (trimmed, as written) → FHIR identifier system. */
  byIssuer: Readonly<Record<string, string>>;
  /** Used when the issuer is absent or not mapped; null when not configured. */
  defaultSystem: string | null;
}

export const EMPTY_MRN_SYSTEM_MAPPING: MrnSystemMapping = Object.freeze({ byIssuer: Object.freeze({}), defaultSystem: null });

/**
 * Without a mapping or a default, Patient IDs stay in a namespace of their issuer: IDs of two
 * issuers are never merged (the same number can be two people), and they do not link to FHIR.
 */
export const UNMAPPED_SYSTEM_PREFIX = 'urn:dataspace:dicom-issuer:';
const NO_ISSUER = '(none)';

/** The system for an issuer, and whether it came from the configuration. */
export function resolveMrnSystem(mapping: MrnSystemMapping, issuer: string | null): { system: string; configured: boolean } {
  const trimmed = issuer?.trim() || null;
  const mapped = trimmed === null ? undefined : mapping.byIssuer[trimmed];
  if (mapped) return { system: mapped, configured: true };
  if (mapping.defaultSystem) return { system: mapping.defaultSystem, configured: true };
  return { system: `${UNMAPPED_SYSTEM_PREFIX}${trimmed ?? NO_ISSUER}`, configured: false };
}
