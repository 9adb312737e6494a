// Simulates one patient's four years of care: problem list, outpatient and emergency visits,
// and inpatient stays. After each stay that qualifies as an index admission the readmission
// mechanism is evaluated on the stay's features and the outcome drawn; a readmission is written
// as the next inpatient stay 1-30 days after discharge, and without one no stay starts within
// 30 days, so the label is recoverable from the encounters alone.
import { charlsonIndex } from './charlson-vocabulary.ts';
import type { CharlsonCategory } from './charlson-vocabulary.ts';
import { drawComorbidities } from './comorbidity-model.ts';
import type { ChronicCondition, ChronicKey } from './comorbidity-model.ts';
import { ADMISSION_REASONS, ENCOUNTER_TYPES } from './clinical-vocabulary.ts';
import type { AdmissionReason, AdmitSource, DischargeDisposition, MedicationKey } from './clinical-vocabulary.ts';
import { addOutpatientCare } from './outpatient-care.ts';
import { drawIdentity, mrnFor, physicianName } from './patient-identity.ts';
import { drawDiplotypes, pgxPhenotypes } from './pgx-genotype.ts';
import type { PgxPhenotypes } from './pgx-genotype.ts';
import { logistic, trueReadmissionLogit } from './readmission-mechanism.ts';
import type { ReadmissionFeatures } from './readmission-mechanism.ts';
import { SeededRandom } from './seeded-random.ts';
import { MINUTES_PER_DAY, TODAY_DAY, WINDOW_START_DAY, dayOf, wholeYears } from './simulated-patient.ts';
import type { SimCondition, SimEncounter, SimIndexAdmission, SimPatient } from './simulated-patient.ts';
import type { SiteProfile } from './site-profile.ts';
import {
  addInpatientLabs, addLabDiagnoses, addStayMedications, addStayProcedures,
} from './stay-content.ts';
import type { ClinicalState, StayLabs } from './stay-content.ts';

/** What every patient of one institution shares. */
export interface PatientSimulationContext {
  seed: number | string;
  site: SiteProfile;
  mrnPermutation: { multiplier: bigint; offset: bigint };
}

const YEAR_MINUTES = 365.25 * MINUTES_PER_DAY;
const WINDOW_START = WINDOW_START_DAY * MINUTES_PER_DAY;
const TODAY_START = TODAY_DAY * MINUTES_PER_DAY;
const PGX_DRUGS: readonly MedicationKey[] = ['clopidogrel', 'capecitabine', 'azathioprine', 'warfarin', 'simvastatin'];

function sortedTimes(count: number, draw: () => number): number[] {
  const out: number[] = [];
  for (let i = 0; i < count; i++) out.push(draw());
  return out.sort((a, b) => a - b);
}

/** Simulates patient `index` of the institution; deterministic in (seed, institution, index). */
export function simulatePatient(ctx: PatientSimulationContext, index: number): SimPatient {
  const { site } = ctx;
  const rng = SeededRandom.derive(ctx.seed, site.institution, 'patient', index);
  const identity = drawIdentity(rng, site, rng.uuid(), mrnFor(site, ctx.mrnPermutation, index));
  const male = identity.gender === 'male';
  const ageYears = wholeYears(identity.birthDay, TODAY_DAY);
  const frailty = rng.normal();
  const chronic = drawComorbidities(rng, site, identity.birthDay, male, frailty);
  const diplotypes = drawDiplotypes(SeededRandom.derive(ctx.seed, site.institution, 'pgx', index));
  const patient: SimPatient = {
    index, identity, conditions: [], encounters: [], observations: [], medications: [], procedures: [],
    immunizations: [], allergies: [], imaging: [], diplotypes, genotyped: false, indexAdmissions: [],
  };
  const state: ClinicalState = { rng, site, patient, male, ageYears, frailty, newId: () => rng.uuid() };
  for (const c of chronic) {
    patient.conditions.push({
      id: rng.uuid(), code: c.code, category: c.category, minute: c.onsetDay * MINUTES_PER_DAY + rng.int(480, 1020),
      encounterId: null, listKind: 'problem-list-item', resolved: false, writeOnset: rng.chance(0.9),
    });
  }

  const years = (TODAY_DAY - WINDOW_START_DAY) / 365.25;
  const baselineCategories = chronic.filter((c) => c.category !== null && c.onsetDay <= WINDOW_START_DAY).map((c) => c.category!);
  const oncology = chronic.some((c) => c.key === 'malignancy');
  const ipRate = site.admissionRate * 0.085 * Math.exp(0.7 * frailty + 0.12 * charlsonIndex(baselineCategories) + (oncology ? 0.6 : 0) + 0.015 * (ageYears - 65));
  const edRate = 0.12 * Math.exp(0.6 * frailty + 0.08 * chronic.length);
  const ambRate = Math.min(6, 0.8 + 0.35 * chronic.length);
  const edTimes = sortedTimes(rng.poisson(edRate * years), () => rng.int(WINDOW_START, TODAY_START - 1));
  const ambTimes = sortedTimes(rng.poisson(ambRate * years), () => rng.int(WINDOW_START_DAY, TODAY_DAY - 1) * MINUTES_PER_DAY + rng.int(480, 1020));

  simulateStays(state, chronic, edTimes, ipRate);

  const inStay = (minute: number) => patient.encounters.some((e) => minute >= e.start && minute <= (e.end ?? Infinity));
  const alive = (minute: number) => identity.deceasedMinute === null || minute < identity.deceasedMinute;
  const keep = (minute: number) => alive(minute) && !inStay(minute);
  addOutpatientCare(state, chronic, edTimes.filter(keep), ambTimes.filter(keep));
  if (identity.deceasedMinute !== null) {
    const death = identity.deceasedMinute;
    patient.conditions = patient.conditions.filter((c) => c.minute <= death);
  }
  patient.encounters.sort((a, b) => a.start - b.start);
  patient.genotyped = patient.medications.some((m) => m.category === 'discharge' && PGX_DRUGS.includes(m.key)) || rng.chance(site.biobankShare);
  return patient;
}

function presentAt(patient: SimPatient, chronic: readonly ChronicCondition[], day: number): Set<ChronicKey> {
  const present = new Set<ChronicKey>();
  for (const c of chronic) if (c.onsetDay <= day) present.add(c.key);
  for (const c of patient.conditions) if (c.category !== null && dayOf(c.minute) <= day) present.add(c.category);
  return present;
}

function chooseReason(rng: SeededRandom, present: ReadonlySet<ChronicKey>, previous: AdmissionReason | null): AdmissionReason {
  if (previous && rng.chance(0.55)) return previous;
  return rng.weighted(ADMISSION_REASONS, (r) => (r.requires && !present.has(r.requires) ? 0 : r.weight * (r.requires ? 2 : 1)));
}

/** One inpatient stay as written, with what the mechanism reads from it. */
interface Stay {
  enc: SimEncounter;
  reason: AdmissionReason;
  labs: StayLabs;
  meds: Set<MedicationKey>;
  died: boolean;
}

/** Admits the patient at minute `t` (a readmission keeps its time) and fills the stay. */
function admit(state: ClinicalState, chronic: readonly ChronicCondition[], t: number, readmission: boolean, previousReason: AdmissionReason | null): Stay {
  const { rng, patient } = state;
  const admitDay = dayOf(t);
  const present = presentAt(patient, chronic, admitDay);
  const reason = chooseReason(rng, present, readmission ? previousReason : null);
  const emergency = readmission ? rng.chance(0.85) : rng.chance(reason.emergencyShare);
  // A readmission already has its time; otherwise emergencies come at any hour, electives in the morning.
  const start = readmission ? t : admitDay * MINUTES_PER_DAY + (emergency ? (rng.chance(0.7) ? rng.int(480, 1199) : rng.int(0, 1439)) : rng.int(420, 600));
  const los = Math.min(45, Math.max(1, Math.round(Math.exp(rng.normal(Math.log(reason.losMedian) + 0.12 * state.frailty + 0.05 * (state.ageYears - 65) / 10, 0.5)))));
  const endMinute = (admitDay + los) * MINUTES_PER_DAY + rng.int(600, 1079);
  const end = endMinute < TODAY_START ? endMinute : null;
  const admitSource: AdmitSource = emergency ? 'emd' : rng.weighted(['gp', 'outp', 'hosp-trans', 'nursing'] as const, (s) => (s === 'nursing' ? (state.ageYears > 80 ? 1 : 0.2) : s === 'hosp-trans' ? 0.6 : 4));
  const enc: SimEncounter = {
    id: rng.uuid(), visitNumber: `V${rng.digits(9)}`, cls: 'IMP', start, end, type: ENCOUNTER_TYPES.IMP,
    reason: null, admitSource, disposition: null, emergency, practitioner: physicianName(rng), diagnoses: [],
  };
  // Chemotherapy stays are coded with the patient's own malignancy.
  const malignancy = patient.conditions.find((c) => c.category === 'malignancy' && dayOf(c.minute) <= admitDay);
  const principalCode = reason.key === 'cancer-treatment' && malignancy ? malignancy.code : reason.code;
  const principalCategory: CharlsonCategory | null = reason.key === 'cancer-treatment' ? 'malignancy' : reason.charlson ?? null;
  enc.reason = principalCode;
  const principal = { id: rng.uuid(), code: principalCode, category: principalCategory, minute: start, encounterId: enc.id, listKind: 'encounter-diagnosis' as const, resolved: end !== null, writeOnset: rng.chance(0.9) };
  patient.conditions.push(principal);
  enc.diagnoses.push(principal);
  const problems = patient.conditions.filter((c) => c.listKind === 'problem-list-item' && dayOf(c.minute) <= admitDay);
  for (let i = 0; i < Math.min(3, problems.length); i++) {
    const c = rng.pick(problems);
    if (!enc.diagnoses.includes(c)) enc.diagnoses.push(c);
  }
  const labs = addInpatientLabs(state, enc, reason, present);
  const recentMi = patient.conditions.some((c) => c.category === 'myocardialInfarction' && dayOf(c.minute) >= admitDay - 365 && dayOf(c.minute) <= admitDay);
  const meds = addStayMedications(state, enc, reason, present, labs, recentMi);
  const dialysis = patient.conditions.some((c) => c.code.icd10.code === 'N18.6' || c.code.icd10.code === 'Z99.2');
  addStayProcedures(state, enc, reason, present, dialysis);
  addLabDiagnoses(state, enc, labs);
  let died = false;
  if (end !== null) {
    died = rng.chance(logistic(-5.4 + 0.05 * (state.ageYears - 65) + 0.5 * state.frailty + (present.has('metastaticSolidTumor') ? 1.0 : 0) + (reason.key === 'sepsis' ? 0.6 : 0)));
    enc.disposition = died ? 'exp' : rng.chance(0.03) ? null : drawDisposition(rng, state.ageYears, reason);
    if (died) patient.identity.deceasedMinute = end;
  }
  return { enc, reason, labs, meds, died };
}

/** The mechanism's inputs for a finished stay, computed as README.md defines them. */
function indexFeatures(state: ClinicalState, stay: Stay, edTimes: readonly number[], phenotypes: PgxPhenotypes): ReadmissionFeatures {
  const { patient, site } = state;
  const { enc, labs, meds } = stay;
  const start = enc.start;
  const admitDay = dayOf(start);
  const inPriorStay = (minute: number) => patient.encounters.some((e) => e !== enc && minute >= e.start && minute <= (e.end ?? Infinity));
  const diagnosedBy = (c: SimCondition) => c.category !== null && dayOf(c.minute) <= admitDay;
  return {
    lengthOfStayDays: dayOf(enc.end!) - admitDay,
    emergencyAdmission: enc.admitSource === 'emd',
    charlsonIndex: charlsonIndex(patient.conditions.filter(diagnosedBy).map((c) => c.category!)),
    priorEdVisits6m: edTimes.filter((m) => m >= start - 182 * MINUTES_PER_DAY && m < start && !inPriorStay(m)).length,
    priorAdmissions12m: patient.encounters.filter((e) => e !== enc && e.cls === 'IMP' && e.start >= start - 365 * MINUTES_PER_DAY && e.start < start).length,
    dischargeHemoglobinGdl: labs.hemoglobinGdl,
    dischargeSodiumMmolL: labs.sodium,
    activeMedications: meds.size,
    ageYears: wholeYears(patient.identity.birthDay, admitDay),
    oncology: patient.conditions.some((c) => diagnosedBy(c) && (c.category === 'malignancy' || c.category === 'metastaticSolidTumor')),
    clopidogrelCyp2c19Poor: meds.has('clopidogrel') && phenotypes.cyp2c19PoorMetabolizer,
    clopidogrelCyp2c19Intermediate: meds.has('clopidogrel') && phenotypes.cyp2c19IntermediateMetabolizer,
    capecitabineDpydReduced: meds.has('capecitabine') && phenotypes.dpydReducedActivity,
    azathioprineThiopurineIntolerant: meds.has('azathioprine') && phenotypes.thiopurineIntolerance,
    warfarinHighSensitivity: meds.has('warfarin') && phenotypes.warfarinHighSensitivity,
    simvastatinSlco1b1Decreased: meds.has('simvastatin') && phenotypes.slco1b1DecreasedFunction,
    siteEffect: site.siteEffect,
  };
}

function simulateStays(state: ClinicalState, chronic: readonly ChronicCondition[], edTimes: readonly number[], ipRate: number): void {
  const { rng, patient } = state;
  const phenotypes = pgxPhenotypes(patient.diplotypes);
  const nextElective = (afterDay: number) => (afterDay + 31) * MINUTES_PER_DAY + rng.exponential(ipRate) * YEAR_MINUTES;
  let t = WINDOW_START + rng.exponential(ipRate) * YEAR_MINUTES;
  let pending: SimIndexAdmission | null = null;
  let previousReason: AdmissionReason | null = null;
  while (t < TODAY_START) {
    const stay = admit(state, chronic, t, pending !== null, previousReason);
    const { enc } = stay;
    patient.encounters.push(enc);
    if (pending) {
      pending.readmissionEncounterId = enc.id;
      pending.daysToReadmission = dayOf(enc.start) - dayOf(pending.encounter.end!);
      pending = null;
    }
    previousReason = stay.reason;
    if (enc.end === null || stay.died) break;
    const dischargeDay = dayOf(enc.end);
    // An index admission needs its whole 30-day follow-up before the export day.
    if (dischargeDay > TODAY_DAY - 31) {
      t = nextElective(dischargeDay);
      continue;
    }
    const features = indexFeatures(state, stay, edTimes, phenotypes);
    const logit = trueReadmissionLogit(features);
    const probability = logistic(logit);
    const outcome = rng.chance(probability) ? 1 : 0;
    const index: SimIndexAdmission = { encounter: enc, features, logit, probability, outcome, readmissionEncounterId: null, daysToReadmission: null };
    patient.indexAdmissions.push(index);
    if (outcome === 1) {
      // Readmissions cluster early after discharge (days 1-30, decreasing hazard).
      const days = 1 + Math.floor(30 * Math.pow(rng.next(), 1.7));
      t = (dischargeDay + days) * MINUTES_PER_DAY + (rng.chance(0.7) ? rng.int(480, 1199) : rng.int(0, 1439));
      pending = index;
    } else {
      t = nextElective(dischargeDay);
    }
  }
}

function drawDisposition(rng: SeededRandom, age: number, reason: AdmissionReason): DischargeDisposition {
  const weights: Record<Exclude<DischargeDisposition, 'exp'>, number> = {
    home: 70, 'alt-home': 3, snf: age > 75 ? 15 : 3, rehab: reason.key.includes('hip') || reason.key === 'stroke' ? 25 : 3,
    long: 1, aadvice: 1.5, oth: 1,
  };
  const keys = Object.keys(weights) as (keyof typeof weights)[];
  return rng.weighted(keys, (k) => weights[k]);
}
