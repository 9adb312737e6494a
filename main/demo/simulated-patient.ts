// The in-memory model of one synthetic patient between simulation and serialisation. Only one
// patient exists at a time; times are minutes since 1970-01-01 in the site's local wall-clock
// time, written with the site's fixed UTC offset, so calendar dates are what the files say.
import type { CharlsonCategory, DiagnosisCode } from './charlson-vocabulary.ts';
import type {
  AdmitSource, DischargeDisposition, LabDefinition, MedicationDefinition, MedicationKey,
} from './clinical-vocabulary.ts';
import type { PgxDiplotypes } from './pgx-genotype.ts';
import type { ReadmissionFeatures } from './readmission-mechanism.ts';
import type { Modality } from './site-profile.ts';
import type { Place } from './us-demographics.ts';

export const MINUTES_PER_DAY = 1440;
/** The fixed "today" of every generated export: 2025-06-30. */
export const TODAY_DAY = Date.UTC(2025, 5, 30) / 86_400_000;
/** Encounters are simulated from 2021-07-01 (four years of history). */
export const WINDOW_START_DAY = Date.UTC(2021, 6, 1) / 86_400_000;

export type EncounterClass = 'IMP' | 'EMER' | 'AMB';

export interface SimIdentity {
  id: string;
  mrn: string;
  ssn: string;
  gender: 'male' | 'female' | 'other' | 'unknown';
  prefix: string | null;
  given: string[];
  family: string;
  birthDay: number;
  place: Place;
  addressLines: string[];
  phone: string | null;
  mobile: string | null;
  email: string | null;
  maritalStatus: 'M' | 'S' | 'D' | 'W' | null;
  race: { code: string; display: string } | null;
  ethnicity: { code: string; display: string } | null;
  language: 'en-US' | 'es' | 'de' | null;
  deceasedMinute: number | null;
}

export interface SimCondition {
  id: string;
  code: DiagnosisCode;
  category: CharlsonCategory | null;
  /** When diagnosed: onsetDateTime (or recordedDate when onset is omitted). */
  minute: number;
  encounterId: string | null;
  listKind: 'problem-list-item' | 'encounter-diagnosis';
  resolved: boolean;
  writeOnset: boolean;
}

export interface SimObservation {
  id: string;
  lab: LabDefinition;
  value: number;
  minute: number;
  encounterId: string;
}

export interface SimMedicationRequest {
  id: string;
  key: MedicationKey;
  med: MedicationDefinition;
  minute: number;
  encounterId: string;
  category: 'inpatient' | 'community' | 'discharge';
  status: 'active' | 'completed';
}

export interface SimProcedure {
  id: string;
  code: string;
  display: string;
  minute: number;
  durationMinutes: number;
  encounterId: string;
}

export interface SimEncounter {
  id: string;
  visitNumber: string;
  cls: EncounterClass;
  start: number;
  /** Null while the patient is still in hospital on export day. */
  end: number | null;
  type: { code: string; display: string };
  reason: DiagnosisCode | null;
  admitSource: AdmitSource | null;
  disposition: DischargeDisposition | null;
  emergency: boolean;
  practitioner: string;
  /** Principal first, then secondary diagnoses. */
  diagnoses: SimCondition[];
}

export interface SimImmunization {
  id: string;
  code: string;
  display: string;
  minute: number;
  encounterId: string;
}

export interface SimAllergy {
  id: string;
  code: string;
  display: string;
  category: 'medication' | 'food' | 'environment';
  minute: number;
  criticality: 'low' | 'high';
}

export interface SimImagingStudy {
  modality: Modality;
  minute: number;
  encounterId: string;
  accessionNumber: string;
  studyInstanceUid: string;
  description: string;
  bodyPart: string;
  referringPhysician: string;
  burnedInAnnotation: boolean;
  encapsulated: boolean;
  series: { seriesInstanceUid: string; description: string; instanceUids: string[] }[];
}

/** One index admission with everything the ground truth records. */
export interface SimIndexAdmission {
  encounter: SimEncounter;
  features: ReadmissionFeatures;
  logit: number;
  probability: number;
  outcome: 0 | 1;
  readmissionEncounterId: string | null;
  daysToReadmission: number | null;
}

export interface SimPatient {
  index: number;
  identity: SimIdentity;
  conditions: SimCondition[];
  encounters: SimEncounter[];
  observations: SimObservation[];
  medications: SimMedicationRequest[];
  procedures: SimProcedure[];
  immunizations: SimImmunization[];
  allergies: SimAllergy[];
  imaging: SimImagingStudy[];
  diplotypes: PgxDiplotypes;
  genotyped: boolean;
  indexAdmissions: SimIndexAdmission[];
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** YYYY-MM-DD of a day number. */
export function formatDate(day: number): string {
  const d = new Date(day * 86_400_000);
  return `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
}

/** FHIR dateTime with seconds and the site's offset, e.g. 2024-03-05T14:07:00+01:00. */
export function formatDateTime(minute: number, utcOffset: string): string {
  const day = Math.floor(minute / MINUTES_PER_DAY);
  const m = minute - day * MINUTES_PER_DAY;
  return `${formatDate(day)}T${pad(Math.floor(m / 60))}:${pad(m % 60)}:00${utcOffset}`;
}

export const dayOf = (minute: number) => Math.floor(minute / MINUTES_PER_DAY);

/** Whole years from one day number to another, by calendar (birthday not yet reached: one less). */
export function wholeYears(fromDay: number, toDay: number): number {
  const a = new Date(fromDay * 86_400_000);
  const b = new Date(toDay * 86_400_000);
  let years = b.getUTCFullYear() - a.getUTCFullYear();
  if (b.getUTCMonth() < a.getUTCMonth() || (b.getUTCMonth() === a.getUTCMonth() && b.getUTCDate() < a.getUTCDate())) years--;
  return years;
}
