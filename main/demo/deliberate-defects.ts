// Deliberate dirt, so importers can be tested on what real exports contain: about 0.5% extra
// malformed NDJSON lines (broken JSON, a status outside the required value set, a
// valueQuantity.value that is a string), one repeated NDJSON file, one truncated DICOM file
// and one VCF line with a column missing. Every defect is an *extra* copy of a resource that
// no readmission feature reads, so a correct importer that rejects them sees exactly the
// ground truth.
import type { FhirResource } from './fhir-resources.ts';
import type { SeededRandom } from './seeded-random.ts';

/** Reason codes an importer is expected to give, one per defect kind. */
export type DefectReason = 'invalid-json' | 'invalid-code' | 'invalid-value' | 'duplicate-resource' | 'truncated' | 'column-count';

/** One deliberately malformed item of the generated data. */
export interface DeliberateDefect {
  institution: string;
  /** Path relative to the output folder, with forward slashes. */
  file: string;
  /** "line 12", "lines 1-200", "byte 1234" (as ImportIssue.position). */
  position: string;
  /** 1-based line (NDJSON; decompressed VCF), when the defect is one line. */
  line?: number;
  reason: DefectReason;
  detail: string;
  resourceType?: string;
  resourceId?: string;
}

export const NDJSON_DEFECT_RATE = 0.005;

/** LOINC codes the mechanism reads: their Observations are never copied into defects. */
const MECHANISM_LOINC = new Set(['718-7', '2951-2']);

type LineDefectReason = 'invalid-json' | 'invalid-code' | 'invalid-value';

function isCopyable(resource: FhirResource, reason: LineDefectReason): boolean {
  switch (resource.resourceType) {
    case 'Observation':
      return !MECHANISM_LOINC.has((resource.code as { coding: { code: string }[] }).coding[0]!.code);
    case 'Encounter':
      // Only outpatient visits: no feature counts them, even if an importer let one through.
      return reason === 'invalid-code' && (resource.class as { code: string }).code === 'AMB';
    case 'Procedure':
    case 'Immunization':
    case 'Condition':
      return reason === 'invalid-json';
    default:
      return false;
  }
}

/**
 * Status codes outside the required value sets, of the kind real exports contain: "done" for an
 * Observation, and the R5 value "completed" for an R4 Encounter (whose schema enumerates them).
 */
const INVALID_STATUS: Record<string, string> = { Observation: 'done', Encounter: 'completed' };

/** A malformed line derived from a resource, or null if this resource cannot carry the defect. */
export function malformedCopy(resource: FhirResource, reason: LineDefectReason, rng: SeededRandom): { line: string; id: string; detail: string } | null {
  if (!isCopyable(resource, reason)) return null;
  const copy: FhirResource = { ...resource, id: rng.uuid() };
  switch (reason) {
    case 'invalid-json': {
      const json = JSON.stringify(copy);
      const cut = Math.floor(json.length * rng.uniform(0.3, 0.8));
      return { line: json.slice(0, cut), id: copy.id, detail: `line cut after ${cut} of ${json.length} characters` };
    }
    case 'invalid-code': {
      copy.status = INVALID_STATUS[copy.resourceType]!;
      return { line: JSON.stringify(copy), id: copy.id, detail: `${copy.resourceType}.status "${String(copy.status)}" is not in the required value set` };
    }
    case 'invalid-value': {
      const quantity = copy.valueQuantity as { value: number };
      // A locale-formatted decimal ("7,4") or a censored result (">139"), as LIS exports produce.
      const text = String(quantity.value);
      copy.valueQuantity = { ...quantity, value: text.includes('.') ? text.replace('.', ',') : `>${text}` };
      return { line: JSON.stringify(copy), id: copy.id, detail: `Observation.valueQuantity.value is the string "${String((copy.valueQuantity as { value: string }).value)}"` };
    }
  }
}

/**
 * Decides when the next line defect happens and of which kind: after each resource a defect
 * becomes due with the defect rate; it is then attached to the next resource that can carry
 * it. The first three cover every kind, so even small exports contain each.
 */
export class LineDefectScheduler {
  private due: LineDefectReason | null = null;
  private issued = 0;

  constructor(private readonly rng: SeededRandom, private readonly rate = NDJSON_DEFECT_RATE) {}

  /** Called after each written resource; returns the defect to derive from it, if any. */
  next(resource: FhirResource): { line: string; id: string; detail: string; reason: LineDefectReason } | null {
    if (this.due === null && this.rng.chance(this.rate)) {
      const kinds: LineDefectReason[] = ['invalid-json', 'invalid-code', 'invalid-value'];
      this.due = this.issued < 3 ? kinds[this.issued]! : this.rng.pick(kinds);
    }
    if (this.due === null) return null;
    const made = malformedCopy(resource, this.due, this.rng);
    if (!made) return null;
    const reason = this.due;
    this.due = null;
    this.issued++;
    return { ...made, reason };
  }
}
