// Date shifting for the Retain Longitudinal Temporal Information with Modified Dates option
// (PS3.15 E.3.6): DA and DT values move by the patient's whole-day shift, the same offset the
// FHIR importer applies, so intervals between DICOM and FHIR events survive.
import { dayToDicomDate, epochDay } from '../pseudonym-key.ts';

/** Day number of a DICOM date "YYYYMMDD" (or ACR-NEMA "YYYY.MM.DD"), or null if not a real date. */
export function dicomDateToDay(value: string): number | null {
  const match = /^(\d{4})\.?(\d{2})\.?(\d{2})$/.exec(value.trim());
  if (!match) return null;
  const day = epochDay(`${match[1]}-${match[2]}-${match[3]}`);
  if (day === null || dayToDicomDate(day) !== `${match[1]}${match[2]}${match[3]}`) return null;
  return day;
}

function shiftOneDate(value: string, shiftDays: number): string | null {
  if (value === '') return '';
  const day = dicomDateToDay(value);
  return day === null ? null : dayToDicomDate(day + shiftDays);
}

/** A DA value (possibly multi-valued, or a range "A-B", PS3.5 6.2), or null if any part is not a date. */
export function shiftDicomDate(value: string, shiftDays: number): string | null {
  // Plain loops: this runs for every date of every file, and closures made it costly to optimise.
  let shifted = '';
  const values = value.split('\\');
  for (let i = 0; i < values.length; i++) {
    const parts = values[i]!.trim().split('-');
    if (parts.length > 2) return null;
    const from = shiftOneDate(parts[0]!.trim(), shiftDays);
    if (from === null) return null;
    let moved = from;
    if (parts.length === 2) {
      const to = shiftOneDate(parts[1]!.trim(), shiftDays);
      if (to === null) return null;
      moved += `-${to}`;
    }
    shifted += i === 0 ? moved : `\\${moved}`;
  }
  return shifted;
}

const DATE_TIME = /^(\d{8})((?:\d{2}(?:\d{2}(?:\d{2}(?:\.\d{1,6})?)?)?)?(?:[+-]\d{4})?)$/;

/**
 * A DT value: the date part moves, the time of day and UTC offset stay. A DT with less than a
 * full date (YYYY or YYYYMM) cannot be shifted by days without inventing precision: null.
 */
export function shiftDicomDateTime(value: string, shiftDays: number): string | null {
  const shifted: string[] = [];
  for (const single of value.split('\\')) {
    const trimmed = single.trim();
    if (trimmed === '') {
      shifted.push('');
      continue;
    }
    const match = DATE_TIME.exec(trimmed);
    const day = match ? dicomDateToDay(match[1]!) : null;
    if (!match || day === null) return null;
    shifted.push(`${dayToDicomDate(day + shiftDays)}${match[2]}`);
  }
  return shifted.join('\\');
}
