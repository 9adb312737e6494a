// The unit the FHIR readers produce: a parsed resource, or the place and reason one could
// not be read. Reasons never quote input content; positions never name the file.

/** One resource read from a FHIR file, or why an item there could not be read. */
export type FhirItem =
  | { ok: true; resource: Record<string, unknown>; position: string; fullUrl?: string }
  | { ok: false; position: string; path?: string; reason: string };

/** A push parser for one FHIR text layout: fed text chunks, it appends items to `out`. */
export interface FhirTextParser {
  push(text: string, out: FhirItem[]): void;
  /** The input ended normally. */
  end(out: FhirItem[]): void;
  /** The input ended abnormally (e.g. corrupt gzip): report `reason` where reading stopped. */
  abort(reason: string, out: FhirItem[]): void;
}

/**
 * Longest single resource (NDJSON line or Bundle entry) we hold in memory, in characters. Import
 * threads run with a bounded heap (import-jobs.ts), so a larger one is rejected with this reason
 * rather than exhausting it; 32 MB is far above any clinical resource but an embedded attachment.
 */
export const MAX_RESOURCE_CHARS = 32 * 1024 * 1024;

/** A plain JSON object (not an array, not null). */
export function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** True when `value` looks like a FHIR resource: an object with a non-empty string resourceType. */
export function isFhirResource(value: unknown): value is Record<string, unknown> {
  return (
    isJsonObject(value) && typeof value.resourceType === 'string' && value.resourceType.length > 0
  );
}
