// Rebuilds FHIR elements from an allowlist. Only elements a rule names are copied, each through
// the converter of its datatype, so whatever the profile does not name (extensions, narrative,
// identifiers, free text, unknown elements) is never carried over: 45 CFR 164.514(b)(2)(i) by
// construction rather than by deletion, and without cloning the source first.
import { epochDay } from './pseudonym-key.ts';

/** A parsed FHIR JSON object. */
export type JsonObject = Record<string, unknown>;

/** How one allowlisted element is rebuilt: a datatype converter, a required code set, or nested elements. */
export type ElementRule =
  | 'boolean'
  | 'integer'
  | 'decimal'
  | 'codeableConcept'
  | 'coding'
  | 'quantity'
  | 'range'
  | 'ratio'
  | 'period'
  | 'date'
  | 'reference'
  | 'dicomUid'
  | 'dicomStudyIdentifier'
  | CodeSetRule
  | BackboneRule;

/** A `code` element with a required binding: kept only when it is one of the listed codes. */
export interface CodeSetRule {
  readonly kind: 'codes';
  readonly values: ReadonlySet<string>;
}

/** A backbone element or complex datatype, rebuilt from its own allowlist. */
export interface BackboneRule {
  readonly kind: 'backbone';
  readonly elements: ElementRules;
}

/** The allowlist of one resource type or backbone element: element name → rule. */
export type ElementRules = ReadonlyMap<string, ElementRule>;

export function codes(...values: string[]): CodeSetRule {
  return { kind: 'codes', values: new Set(values) };
}

export function backbone(elements: Record<string, ElementRule>): BackboneRule {
  return { kind: 'backbone', elements: allowlist(elements) };
}

/** A Map, so element names such as `constructor` or `__proto__` never match an inherited property. */
export function allowlist(elements: Record<string, ElementRule>): ElementRules {
  return new Map(Object.entries(elements));
}

/** What a rebuild needs from the resource being de-identified. */
export interface AllowlistScope {
  /** The patient's date shift; null when the patient is unknown, and then every date is dropped. */
  readonly shiftDays: number | null;
  /** The opaque replacement of a Reference, or undefined to drop it. */
  reference(source: JsonObject): JsonObject | undefined;
  /** The institution-consistent replacement of a DICOM UID (PS3.15 Annex E "U" action). */
  dicomUid(uid: string): string;
}

/**
 * Copies into `out` every element of `source` that `rules` names, converted; returns the number
 * of elements written so callers can drop empty backbone elements.
 */
export function applyAllowlist(
  source: JsonObject,
  rules: ElementRules,
  scope: AllowlistScope,
  out: JsonObject,
): number {
  let written = 0;
  for (const name in source) {
    const rule = rules.get(name);
    if (rule === undefined) continue;
    const value = source[name];
    const converted = Array.isArray(value)
      ? convertAll(value, rule, scope)
      : convert(value, rule, scope);
    if (converted !== undefined) {
      out[name] = converted;
      written++;
    }
  }
  return written;
}

function convertAll(
  values: unknown[],
  rule: ElementRule,
  scope: AllowlistScope,
): unknown[] | undefined {
  let out: unknown[] | undefined;
  for (const value of values) {
    const converted = convert(value, rule, scope);
    if (converted !== undefined) (out ??= []).push(converted);
  }
  return out;
}

const MAX_CODE_LENGTH = 256;

function convert(value: unknown, rule: ElementRule, scope: AllowlistScope): unknown {
  if (typeof rule !== 'string') {
    if (rule.kind === 'codes')
      return typeof value === 'string' && rule.values.has(value) ? value : undefined;
    if (!isObject(value)) return undefined;
    const out: JsonObject = {};
    return applyAllowlist(value, rule.elements, scope, out) > 0 ? out : undefined;
  }
  switch (rule) {
    case 'boolean':
      return typeof value === 'boolean' ? value : undefined;
    case 'integer':
      return Number.isInteger(value) ? value : undefined;
    case 'decimal':
      return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
    case 'date':
      return shiftedDay(value, scope.shiftDays);
    case 'codeableConcept':
      return codeableConcept(value);
    case 'coding':
      return coding(value);
    case 'quantity':
      return quantity(value);
    case 'range':
      return pair(value, 'low', 'high');
    case 'ratio':
      return pair(value, 'numerator', 'denominator');
    case 'period':
      return period(value, scope.shiftDays);
    case 'reference':
      return isObject(value) ? scope.reference(value) : undefined;
    case 'dicomUid':
      return typeof value === 'string' && DICOM_UID.test(value) ? scope.dicomUid(value) : undefined;
    case 'dicomStudyIdentifier':
      return dicomStudyIdentifier(value, scope);
  }
}

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * A date/dateTime/instant becomes a day number: days since 1970-01-01 of the date as written plus
 * the patient's shift. The time of day is dropped; without a shift nothing dated is kept
 * (45 CFR 164.514(b)(2)(i)(C): no element of a date survives as written).
 */
export function shiftedDay(value: unknown, shiftDays: number | null): number | undefined {
  if (shiftDays === null || typeof value !== 'string') return undefined;
  const day = fullDateDay(value) ?? epochDay(value);
  return day === null ? undefined : day + shiftDays;
}

/**
 * `epochDay` for the common full "YYYY-MM-DD..." form without a regex or a Date: dates are on the
 * hot path of every resource. Other forms (and years before 100, which Date.UTC reads as 19xx)
 * return undefined and go through `epochDay`, whose result this matches exactly.
 */
export function fullDateDay(value: string): number | null | undefined {
  if (value.length < 10 || value.charCodeAt(4) !== 45 || value.charCodeAt(7) !== 45)
    return undefined;
  const year = digits(value, 0, 4);
  const month = digits(value, 5, 2);
  const day = digits(value, 8, 2);
  if (year < 100 || month < 0 || day < 0) return undefined;
  if (month < 1 || month > 12 || day < 1 || day > 31) return null;
  // Days from the civil date (proleptic Gregorian), as Date.UTC counts them; a day past the end
  // of its month rolls into the next month, as Date.UTC does.
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  const dayOfEra =
    yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146097 + dayOfEra - 719468;
}

function digits(value: string, start: number, count: number): number {
  let n = 0;
  for (let i = start; i < start + count; i++) {
    const c = value.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -1;
    n = n * 10 + c;
  }
  return n;
}

function period(value: unknown, shiftDays: number | null): JsonObject | undefined {
  if (!isObject(value)) return undefined;
  const start = shiftedDay(value.start, shiftDays);
  const end = shiftedDay(value.end, shiftDays);
  if (start === undefined && end === undefined) return undefined;
  const out: JsonObject = {};
  if (start !== undefined) out.start = start;
  if (end !== undefined) out.end = end;
  return out;
}

/** CodeableConcept → its codings only: `text` is free text (45 CFR 164.514(b)(2)(i)(R)). */
function codeableConcept(value: unknown): JsonObject | undefined {
  if (!isObject(value) || !Array.isArray(value.coding)) return undefined;
  let codings: JsonObject[] | undefined;
  for (const item of value.coding) {
    const c = coding(item);
    if (c !== undefined) (codings ??= []).push(c);
  }
  return codings ? { coding: codings } : undefined;
}

/** Coding → system and code; `display` and `version` are dropped. */
function coding(value: unknown): JsonObject | undefined {
  if (!isObject(value)) return undefined;
  const code = value.code;
  if (typeof code !== 'string' || code.length === 0 || code.length > MAX_CODE_LENGTH)
    return undefined;
  const system = value.system;
  return typeof system === 'string' && system.length <= MAX_CODE_LENGTH
    ? { system, code }
    : { code };
}

const COMPARATORS = new Set(['<', '<=', '>=', '>']);
const MAX_UNIT_LENGTH = 64;

/** Quantity → value, comparator, unit, system, code; a time span of 90 years or more is an age and is dropped. */
function quantity(value: unknown): JsonObject | undefined {
  if (!isObject(value)) return undefined;
  const out: JsonObject = {};
  if (typeof value.value === 'number' && Number.isFinite(value.value)) out.value = value.value;
  if (typeof value.comparator === 'string' && COMPARATORS.has(value.comparator))
    out.comparator = value.comparator;
  if (typeof value.unit === 'string' && value.unit.length <= MAX_UNIT_LENGTH) out.unit = value.unit;
  if (typeof value.system === 'string' && value.system.length <= MAX_CODE_LENGTH)
    out.system = value.system;
  if (typeof value.code === 'string' && value.code.length <= MAX_UNIT_LENGTH) out.code = value.code;
  if (out.value === undefined && out.code === undefined && out.unit === undefined) return undefined;
  return isAgeOver89(out) ? undefined : out;
}

// Units of time in years: UCUM codes (case-sensitive: `A` is the ampere) and spelled-out units.
const YEARS_PER_UCUM: ReadonlyMap<string, number> = new Map([
  ['a', 1],
  ['mo', 1 / 12],
  ['wk', 7 / 365.25],
  ['d', 1 / 365.25],
]);
const YEARS_PER_UNIT_WORD: ReadonlyMap<string, number> = new Map([
  ['a', 1],
  ['y', 1],
  ['yr', 1],
  ['yrs', 1],
  ['year', 1],
  ['years', 1],
  ['mo', 1 / 12],
  ['month', 1 / 12],
  ['months', 1 / 12],
  ['wk', 7 / 365.25],
  ['week', 7 / 365.25],
  ['weeks', 7 / 365.25],
  ['d', 1 / 365.25],
  ['day', 1 / 365.25],
  ['days', 1 / 365.25],
]);

/**
 * 45 CFR 164.514(b)(2)(i)(C): ages over 89 must not survive anywhere. Age-typed choice elements are
 * not in the allowlist at all; this catches ages recorded as quantities (e.g. an "Age" Observation).
 */
function isAgeOver89(q: JsonObject): boolean {
  if (typeof q.value !== 'number') return false;
  // A coded unit decides; the display unit is consulted only for uncoded quantities.
  const perYear =
    typeof q.code === 'string'
      ? YEARS_PER_UCUM.get(q.code)
      : typeof q.unit === 'string'
        ? YEARS_PER_UNIT_WORD.get(q.unit.trim().toLowerCase())
        : undefined;
  return perYear !== undefined && q.value * perYear >= 90;
}

function pair(value: unknown, a: string, b: string): JsonObject | undefined {
  if (!isObject(value)) return undefined;
  const first = quantity(value[a]);
  const second = quantity(value[b]);
  if (first === undefined && second === undefined) return undefined;
  const out: JsonObject = {};
  if (first !== undefined) out[a] = first;
  if (second !== undefined) out[b] = second;
  return out;
}

const DICOM_UID = /^[0-9]+(\.[0-9]+)*$/;
const DICOM_UID_SYSTEM = 'urn:dicom:uid';

/**
 * ImagingStudy.identifier: only the Study Instance UID survives, remapped as the DICOM profile
 * remaps it, so de-identified FHIR and DICOM still link. Every other identifier is dropped.
 */
function dicomStudyIdentifier(value: unknown, scope: AllowlistScope): JsonObject | undefined {
  if (!isObject(value) || value.system !== DICOM_UID_SYSTEM || typeof value.value !== 'string')
    return undefined;
  const uid = value.value.startsWith('urn:oid:') ? value.value.slice(8) : value.value;
  if (uid.length > 64 || !DICOM_UID.test(uid)) return undefined;
  return { system: DICOM_UID_SYSTEM, value: `urn:oid:${scope.dicomUid(uid)}` };
}
