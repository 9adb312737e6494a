// Ages under 45 CFR 164.514(b)(2)(i)(C): every age over 89, and every element of a date (year
// included) that would reveal one, is aggregated into a single "90 or older" category. Younger
// patients keep a 5-year band and their birth year, which the rule allows.
import type { AgeGroup } from './safe-harbor-policy.ts';

/** A calendar date as written (no time zone arithmetic). */
export interface CalendarDate {
  year: number;
  month: number;
  day: number;
}

const DATE = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?/;

/**
 * The calendar date at the start of a FHIR date/dateTime. A partial date is completed towards
 * the older age: a birth date to its earliest day, a reference date to its latest.
 */
export function calendarDate(value: unknown, complete: 'earliest' | 'latest'): CalendarDate | null {
  if (typeof value !== 'string') return null;
  const match = DATE.exec(value);
  if (!match) return null;
  const year = Number(match[1]);
  const month = match[2] ? Number(match[2]) : complete === 'earliest' ? 1 : 12;
  const day = match[3] ? Number(match[3]) : complete === 'earliest' ? 1 : 31;
  if (month < 1 || month > 12 || day < 1 || day > 31) return null;
  return { year, month, day };
}

export function calendarDateOfUtc(date: Date): CalendarDate {
  return { year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, day: date.getUTCDate() };
}

/** Completed years from birth to the reference date (never negative). */
export function ageInYears(birth: CalendarDate, on: CalendarDate): number {
  const beforeBirthday = on.month < birth.month || (on.month === birth.month && on.day < birth.day);
  return Math.max(0, on.year - birth.year - (beforeBirthday ? 1 : 0));
}

/** The oldest age that must not be disclosed as such: 90 and above become "90+". */
export const SAFE_HARBOR_AGE_LIMIT = 90;

/** "0-4", "5-9", ... "85-89", or "90+". */
export function ageGroupOf(age: number): AgeGroup {
  if (age >= SAFE_HARBOR_AGE_LIMIT) return '90+';
  const low = Math.floor(age / 5) * 5;
  return `${low}-${low + 4}`;
}
