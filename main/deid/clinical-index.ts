// What the store indexes a de-identified resource by: its main clinical time as shifted day numbers
// and its main codes. Read from the de-identified body, so nothing here sees a source value.
import { isObject } from './element-allowlist.ts';
import { MAIN_CODE_ELEMENTS } from './safe-harbor-elements.ts';
import type { DeidentifiedBody, DeidentifiedResource } from './safe-harbor-policy.ts';

/** The index fields of a de-identified resource. */
export type ClinicalIndex = Pick<DeidentifiedResource, 'startDay' | 'endDay' | 'codes'>;

export function clinicalIndexOf(type: string, body: DeidentifiedBody): ClinicalIndex {
  const [startDay, endDay] = clinicalTime(type, body);
  return { startDay, endDay, codes: mainCodes(type, body) };
}

/**
 * The main clinical time (already shifted in the body). Point events have endDay = startDay;
 * states (Condition, AllergyIntolerance) end at their abatement, or stay open (null).
 */
function clinicalTime(type: string, body: DeidentifiedBody): [number | null, number | null] {
  switch (type) {
    case 'Encounter':
      return span(body.period);
    case 'Condition': {
      const start = day(body.onsetDateTime) ?? span(body.onsetPeriod)[0] ?? day(body.recordedDate);
      const end =
        day(body.abatementDateTime) ?? span(body.abatementPeriod)[1] ?? span(body.onsetPeriod)[1];
      return [start, end];
    }
    case 'AllergyIntolerance':
      return [
        day(body.onsetDateTime) ?? span(body.onsetPeriod)[0] ?? day(body.recordedDate),
        span(body.onsetPeriod)[1],
      ];
    case 'Observation':
    case 'DiagnosticReport':
      return (
        point(body.effectiveDateTime ?? body.effectiveInstant) ??
        periodOrNull(body.effectivePeriod) ??
        point(body.issued) ?? [null, null]
      );
    case 'MedicationStatement':
      return (
        point(body.effectiveDateTime) ??
        periodOrNull(body.effectivePeriod) ??
        point(body.dateAsserted) ?? [null, null]
      );
    case 'MedicationRequest':
      return point(body.authoredOn) ?? [null, null];
    case 'Procedure':
      return point(body.performedDateTime) ?? span(body.performedPeriod);
    case 'Immunization':
      return point(body.occurrenceDateTime) ?? [null, null];
    case 'ImagingStudy':
      return point(body.started) ?? [null, null];
    default:
      return [null, null];
  }
}

function day(value: unknown): number | null {
  return typeof value === 'number' ? value : null;
}

function point(value: unknown): [number, number] | null {
  return typeof value === 'number' ? [value, value] : null;
}

function span(value: unknown): [number | null, number | null] {
  return isObject(value) ? [day(value.start), day(value.end)] : [null, null];
}

function periodOrNull(value: unknown): [number | null, number | null] | null {
  const [start, end] = span(value);
  return start === null && end === null ? null : [start, end];
}

/** `system|code` of every coding of the type's main code elements (already reduced in the body). */
function mainCodes(type: string, body: DeidentifiedBody): string[] {
  const out: string[] = [];
  for (const element of MAIN_CODE_ELEMENTS.get(type) ?? []) {
    const value = body[element];
    for (const item of Array.isArray(value) ? value : [value]) {
      if (!isObject(item)) continue;
      // A Coding (Encounter.class, ImagingStudy.modality) or a CodeableConcept.
      const codings = Array.isArray(item.coding) ? item.coding : [item];
      for (const c of codings) {
        if (isObject(c) && typeof c.code === 'string')
          out.push(`${typeof c.system === 'string' ? c.system : ''}|${c.code}`);
      }
    }
  }
  return out;
}
