// The patient facts Safe Harbor lets the store keep, generalised (45 CFR 164.514(b)(2)(i)(B), (C)):
// age band (90+ for every age over 89), birth year and shifted birth day below 90, death as a
// shifted day, and residence as state, ZIP3 and country. Everything else about the person is dropped.
import { isObject, shiftedDay, type JsonObject } from './element-allowlist.ts';
import { generaliseAddress, type SafeHarborAddress } from './safe-harbor-address.ts';
import {
  ageGroupOf,
  ageInYears,
  calendarDate,
  SAFE_HARBOR_AGE_LIMIT,
  type CalendarDate,
} from './safe-harbor-age.ts';
import type { DeidentifiedPatient, FhirResourceJson } from './safe-harbor-policy.ts';

/** The generalised demographics, and the Patient body elements that carry them. */
export type PatientDemographics = Pick<
  DeidentifiedPatient,
  'ageGroup' | 'birthYear' | 'birthDay' | 'deceased' | 'deceasedDay' | 'zip3' | 'state' | 'country'
> & {
  /** `birthDate` (below 90 only), `deceasedDateTime`/`deceasedBoolean` and `address`, as day numbers and Safe Harbor addresses. */
  elements: JsonObject;
};

export function generaliseDemographics(
  patient: FhirResourceJson,
  shiftDays: number,
  asOf: CalendarDate,
): PatientDemographics {
  const elements: JsonObject = {};
  const birth = birthFacts(patient, shiftDays, asOf);
  if (birth.birthDay !== null) elements.birthDate = birth.birthDay;
  const deceasedDay = shiftedDay(patient.deceasedDateTime, shiftDays) ?? null;
  if (deceasedDay !== null) elements.deceasedDateTime = deceasedDay;
  else if (typeof patient.deceasedBoolean === 'boolean')
    elements.deceasedBoolean = patient.deceasedBoolean;

  const addresses = Array.isArray(patient.address) ? patient.address : [];
  const generalised = addresses.map(generaliseAddress).filter(hasContent);
  if (generalised.length > 0) elements.address = generalised.map(addressElement);
  const main = generaliseAddress(primaryAddress(addresses));

  return {
    ...birth,
    // A death date that cannot be read still says the patient died.
    deceased: patient.deceasedBoolean === true || typeof patient.deceasedDateTime === 'string',
    deceasedDay,
    zip3: main.zip3,
    state: main.state,
    country: main.country,
    elements,
  };
}

interface BirthFacts {
  ageGroup: DeidentifiedPatient['ageGroup'];
  birthYear: number | null;
  birthDay: number | null;
}

/**
 * Age at death, else at `asOf`. 90 or older → "90+" with birth year and day suppressed
 * (45 CFR 164.514(b)(2)(i)(C)); otherwise a 5-year band, the birth year and the shifted birth day.
 */
function birthFacts(patient: FhirResourceJson, shiftDays: number, asOf: CalendarDate): BirthFacts {
  const birth = calendarDate(patient.birthDate, 'earliest');
  if (birth === null) return { ageGroup: null, birthYear: null, birthDay: null };
  const on = calendarDate(patient.deceasedDateTime, 'latest') ?? asOf;
  const age = ageInYears(birth, on);
  if (age >= SAFE_HARBOR_AGE_LIMIT) return { ageGroup: '90+', birthYear: null, birthDay: null };
  return {
    ageGroup: ageGroupOf(age),
    birthYear: birth.year,
    birthDay: shiftedDay(patient.birthDate, shiftDays) ?? null,
  };
}

function hasContent(a: SafeHarborAddress): boolean {
  return a.state !== null || a.zip3 !== null || a.country !== null;
}

function addressElement(a: SafeHarborAddress): JsonObject {
  const out: JsonObject = {};
  if (a.state !== null) out.state = a.state;
  if (a.zip3 !== null) out.postalCode = a.zip3;
  if (a.country !== null) out.country = a.country;
  return out;
}

/** The current home address if any, else the first address not marked old, else the first. */
function primaryAddress(addresses: unknown[]): unknown {
  const current = addresses.filter(
    (a) => isObject(a) && a.use !== 'old' && !(isObject(a.period) && a.period.end !== undefined),
  );
  return current.find((a) => isObject(a) && a.use === 'home') ?? current[0] ?? addresses[0];
}
