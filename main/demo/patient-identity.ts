// Who a synthetic patient is: name, birth date, address, contact details and identifiers,
// drawn from realistic distributions (about 3% are over 89, about 3% live in a Safe Harbor
// restricted ZIP3, some contact fields are missing as in real registration data).
import type { SeededRandom } from './seeded-random.ts';
import { TODAY_DAY } from './simulated-patient.ts';
import type { SimIdentity } from './simulated-patient.ts';
import type { SiteProfile } from './site-profile.ts';
import {
  EMAIL_DOMAINS, FEMALE_GIVEN_NAMES, MALE_GIVEN_NAMES, PHYSICIAN_SURNAMES, PLACES, STREET_NAMES, STREET_SUFFIXES, SURNAMES,
} from './us-demographics.ts';

const RACES = [
  { code: '2106-3', display: 'White', weight: 60 },
  { code: '2054-5', display: 'Black or African American', weight: 13 },
  { code: '2028-9', display: 'Asian', weight: 6 },
  { code: '1002-5', display: 'American Indian or Alaska Native', weight: 1 },
  { code: '2131-1', display: 'Other Race', weight: 5 },
];

/**
 * MRNs are unique within a site: an affine permutation of the patient index modulo 10^digits
 * (the multiplier is odd and not a multiple of 5, hence invertible), so they look random but
 * never collide.
 */
export function mrnFor(site: SiteProfile, siteRng: { multiplier: bigint; offset: bigint }, index: number): string {
  const modulus = 10n ** BigInt(site.mrnDigits);
  const value = (BigInt(index) * siteRng.multiplier + siteRng.offset) % modulus;
  return `${site.mrnPrefix}${value.toString().padStart(site.mrnDigits, '0')}`;
}

function ascii(text: string): string {
  return text.normalize('NFD').replace(/[^A-Za-z]/g, '').toLowerCase();
}

function drawAgeYears(rng: SeededRandom, meanAge: number): number {
  if (rng.chance(0.03)) return Math.min(104, 90 + Math.floor(rng.exponential(0.25)));
  return Math.min(89, Math.max(18, Math.round(rng.normal(meanAge, 17))));
}

export function drawIdentity(rng: SeededRandom, site: SiteProfile, id: string, mrn: string): SimIdentity {
  const u = rng.next();
  const gender = u < 0.51 ? 'female' : u < 0.995 ? 'male' : u < 0.998 ? 'other' : 'unknown';
  const female = gender === 'female' || (gender !== 'male' && rng.chance(0.5));
  const names = female ? FEMALE_GIVEN_NAMES : MALE_GIVEN_NAMES;
  const given = [rng.pick(names)];
  if (rng.chance(0.3)) given.push(rng.pick(names));
  const family = rng.chance(0.04) ? `${rng.pick(SURNAMES)}-${rng.pick(SURNAMES)}` : rng.pick(SURNAMES);
  const age = drawAgeYears(rng, site.meanAge);
  const birthDay = TODAY_DAY - Math.floor(age * 365.25) - rng.int(1, 364);
  const place = rng.weighted(PLACES, (p) => p.weight);
  const addressLines = [`${rng.int(1, 9899)} ${rng.pick(STREET_NAMES)} ${rng.pick(STREET_SUFFIXES)}`];
  if (rng.chance(0.15)) addressLines.push(`Apt ${rng.int(1, 40)}${rng.pick(['', 'A', 'B', 'C'])}`);
  const hasPhone = rng.chance(0.92);
  const email = rng.chance(0.6)
    ? `${ascii(given[0]!)}.${ascii(family)}${rng.int(1, 99)}@${rng.pick(EMAIL_DOMAINS)}`
    : null;
  const prefix = rng.chance(0.5) ? (female ? (age > 25 && rng.chance(0.6) ? 'Mrs.' : 'Ms.') : 'Mr.') : null;
  const married = age < 25 ? 0.1 : 0.55;
  return {
    id,
    mrn,
    ssn: `999-${rng.digits(2)}-${rng.digits(4)}`,
    gender,
    prefix,
    given,
    family,
    birthDay,
    place,
    addressLines,
    phone: hasPhone ? `(${place.areaCode}) 555-${rng.digits(4)}` : null,
    mobile: hasPhone && rng.chance(0.5) ? `(${place.areaCode}) 555-${rng.digits(4)}` : null,
    email,
    maritalStatus: rng.chance(0.85) ? (rng.chance(married) ? 'M' : age > 70 && rng.chance(0.4) ? 'W' : rng.pick(['S', 'D'] as const)) : null,
    race: rng.chance(0.8) ? rng.weighted(RACES, (r) => r.weight) : null,
    ethnicity: rng.chance(0.8)
      ? rng.chance(0.17) ? { code: '2135-2', display: 'Hispanic or Latino' } : { code: '2186-5', display: 'Not Hispanic or Latino' }
      : null,
    language: rng.chance(0.9) ? (rng.chance(0.9) ? 'en-US' : rng.pick(['es', 'de'] as const)) : null,
    deceasedMinute: null,
  };
}

/** "Dr. Given Surname", as written in Encounter.participant and DICOM physician names. */
export function physicianName(rng: SeededRandom): string {
  return `Dr. ${rng.pick(rng.chance(0.5) ? FEMALE_GIVEN_NAMES : MALE_GIVEN_NAMES)} ${rng.pick(PHYSICIAN_SURNAMES)}`;
}
