// What happens inside an encounter: laboratory results with the site's units and habits,
// medication orders and discharge lists, procedures and lab-driven secondary diagnoses.
// Everything the readmission mechanism reads is returned exactly as it will be written.
import type { ChronicKey } from './comorbidity-model.ts';
import {
  LABS, MEDICATIONS, PROCEDURES, SECONDARY_DIAGNOSES,
} from './clinical-vocabulary.ts';
import type { AdmissionReason, LabDefinition, MedicationKey, ProcedureKey } from './clinical-vocabulary.ts';
import type { SeededRandom } from './seeded-random.ts';
import { MINUTES_PER_DAY, TODAY_DAY, dayOf } from './simulated-patient.ts';
import type { SimCondition, SimEncounter, SimPatient } from './simulated-patient.ts';
import type { SiteProfile } from './site-profile.ts';

/** The patient-level state that shapes lab values and prescriptions. */
export interface ClinicalState {
  rng: SeededRandom;
  site: SiteProfile;
  patient: SimPatient;
  male: boolean;
  ageYears: number;
  frailty: number;
  newId(): string;
}

const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));
const roundTo = (v: number, decimals: number) => Math.round(v * 10 ** decimals) / 10 ** decimals;

function record(state: ClinicalState, enc: SimEncounter, lab: LabDefinition, value: number, minute: number): number {
  const written = roundTo(value, lab.decimals);
  state.patient.observations.push({ id: state.newId(), lab, value: written, minute, encounterId: enc.id });
  return written;
}

/** Hemoglobin in the site's unit; returns the written value converted to g/dL. */
function recordHemoglobin(state: ClinicalState, enc: SimEncounter, gdl: number, minute: number): number {
  if (state.site.hemoglobinUnit === 'g/L') return record(state, enc, LABS.hemoglobinGL, gdl * 10, minute) / 10;
  return record(state, enc, LABS.hemoglobin, gdl, minute);
}

function recordCreatinine(state: ClinicalState, enc: SimEncounter, mgdl: number, minute: number): void {
  if (state.site.creatinineUnit === 'umol/L') record(state, enc, LABS.creatinineMolar, mgdl * 88.42, minute);
  else record(state, enc, LABS.creatinine, mgdl, minute);
}

/** The last hemoglobin (g/dL) and sodium (mmol/L) of a stay, as the mechanism sees them. */
export interface StayLabs {
  hemoglobinGdl: number | null;
  sodium: number | null;
  potassium: number | null;
}

export function addInpatientLabs(state: ClinicalState, enc: SimEncounter, reason: AdmissionReason, present: ReadonlySet<ChronicKey>): StayLabs {
  const { rng, site } = state;
  const renal = present.has('renalDisease');
  const cancer = present.has('malignancy') || present.has('metastaticSolidTumor');
  const hbMean = (state.male ? 14.1 : 12.9) - 0.5 * state.frailty - (renal ? 1.2 : 0) - (cancer ? 1.0 : 0)
    - (reason.key === 'gi-bleed' ? 2.6 : 0) - (reason.key === 'febrile-neutropenia' ? 1.5 : 0) - (state.ageYears > 75 ? 0.4 : 0);
  const naMean = 139 - 0.8 * state.frailty - (present.has('congestiveHeartFailure') ? 1.5 : 0)
    - (present.has('moderateOrSevereLiverDisease') ? 2.5 : 0) - (reason.key === 'pneumonia' || reason.key === 'sepsis' ? 1.2 : 0);
  const admitted = enc.start + rng.int(20, 90);
  const out: StayLabs = { hemoglobinGdl: null, sodium: null, potassium: null };

  const hbAdmit = clamp(rng.normal(hbMean - 0.3, 1.3), 5, 19);
  out.hemoglobinGdl = recordHemoglobin(state, enc, hbAdmit, admitted);
  let naAdmit = clamp(rng.normal(naMean - 0.5, 3.6), 118, 158);
  if (rng.chance(site.sodiumMeasured)) out.sodium = record(state, enc, LABS.sodium, naAdmit, admitted);
  const kAdmit = clamp(rng.normal(renal ? 4.6 : 4.2, 0.5), 2.6, 6.8);
  if (rng.chance(0.9)) out.potassium = record(state, enc, LABS.potassium, kAdmit, admitted);
  const creatinine = Math.exp(rng.normal(Math.log(renal ? 2.3 : 0.9), renal ? 0.4 : 0.25)) * (reason.key === 'aki' ? 2 : 1);
  if (rng.chance(0.9)) recordCreatinine(state, enc, creatinine, admitted);
  const diabetic = present.has('diabetesWithoutComplications') || present.has('diabetesWithComplications');
  const glucose = reason.key === 'dka' ? rng.normal(480, 90) : diabetic ? rng.normal(175, 55) : rng.normal(112, 22);
  if (rng.chance(0.8)) record(state, enc, LABS.glucose, clamp(glucose, 45, 900), admitted);
  const wbc = reason.key === 'febrile-neutropenia' ? rng.normal(0.8, 0.4) : reason.key === 'sepsis' || reason.key === 'pneumonia' ? rng.normal(15, 4) : rng.normal(8, 2.4);
  if (rng.chance(0.95)) record(state, enc, LABS.leukocytes, clamp(wbc, 0.1, 60), admitted);
  if (rng.chance(0.9)) record(state, enc, LABS.platelets, clamp(rng.normal(250, 70), 8, 900), admitted);
  if (reason.key === 'chf-exacerbation' && rng.chance(0.8)) record(state, enc, LABS.ntProBnp, Math.exp(rng.normal(Math.log(3500), 0.7)), admitted);

  if (enc.end !== null) {
    // Discharge labs on the morning of the discharge day (length of stay is at least one day).
    const morning = dayOf(enc.end) * MINUTES_PER_DAY + rng.int(330, 450);
    if (rng.chance(0.85)) {
      const bump = reason.key === 'gi-bleed' ? 1.0 : 0.1;
      out.hemoglobinGdl = recordHemoglobin(state, enc, clamp(hbAdmit + rng.normal(bump, 0.7), 5, 19), morning);
    }
    if (rng.chance(site.sodiumMeasured * 0.8)) {
      naAdmit += (139 - naAdmit) * 0.4 + rng.normal(0, 1.4);
      out.sodium = record(state, enc, LABS.sodium, clamp(naAdmit, 118, 158), morning);
    }
    if (rng.chance(0.6)) out.potassium = record(state, enc, LABS.potassium, clamp(rng.normal(4.2, 0.4), 2.6, 6.8), morning);
    if (rng.chance(0.6)) recordCreatinine(state, enc, creatinine * rng.uniform(0.75, 1.05), morning);
  }
  return out;
}

/** Relative chance of each drug given the conditions present and why the patient is here. */
function prescriptionChance(key: MedicationKey, present: ReadonlySet<ChronicKey>, reasonKey: string, hb: number | null, recentMi: boolean): number {
  const has = (k: ChronicKey) => present.has(k);
  const cardiac = has('coronaryArteryDisease') || has('myocardialInfarction');
  const diabetic = has('diabetesWithoutComplications') || has('diabetesWithComplications');
  switch (key) {
    case 'clopidogrel': return reasonKey === 'nstemi' ? 0.9 : recentMi ? 0.6 : reasonKey === 'stroke' ? 0.4 : has('coronaryArteryDisease') ? 0.25 : has('peripheralVascularDisease') ? 0.2 : has('cerebrovascularDisease') ? 0.15 : 0;
    case 'aspirin': return cardiac || has('cerebrovascularDisease') ? 0.7 : 0.08;
    case 'simvastatin': return has('hyperlipidemia') || cardiac ? 0.5 : 0.06;
    case 'warfarin': return has('atrialFibrillation') ? 0.35 : 0;
    case 'azathioprine': return has('rheumaticDisease') || has('crohnsDisease') ? 0.35 : 0;
    case 'capecitabine': return has('malignancy') && (reasonKey === 'cancer-treatment' || reasonKey === 'febrile-neutropenia') ? 0.35 : 0;
    case 'lisinopril': return has('congestiveHeartFailure') ? 0.5 : has('hypertension') ? 0.4 : 0;
    case 'metoprolol': return has('congestiveHeartFailure') || has('atrialFibrillation') || cardiac ? 0.5 : has('hypertension') ? 0.15 : 0;
    case 'hydrochlorothiazide': return has('hypertension') ? 0.3 : 0;
    case 'furosemide': return has('congestiveHeartFailure') ? 0.7 : has('renalDisease') ? 0.3 : 0;
    case 'metformin': return diabetic && !has('renalDisease') ? 0.55 : 0;
    case 'insulin': return reasonKey === 'dka' ? 0.9 : diabetic ? 0.35 : 0;
    case 'albuterol': return has('chronicPulmonaryDisease') ? 0.6 : 0;
    case 'budesonide': return has('chronicPulmonaryDisease') ? 0.4 : 0;
    case 'nitroglycerin': return has('coronaryArteryDisease') ? 0.3 : 0;
    case 'ferrousSulfate': return hb !== null && hb < 10 ? 0.5 : hb !== null && hb < 12 ? 0.15 : 0.02;
    case 'epoetin': return has('renalDisease') ? 0.15 : 0;
    case 'acetaminophen': return 0.5;
    case 'amoxicillinClavulanate': return ['pneumonia', 'cellulitis', 'uti'].includes(reasonKey) ? 0.6 : 0.05;
    case 'alendronate': return reasonKey === 'hip-fracture' ? 0.4 : 0.02;
    case 'vitaminB12': return 0.05;
    case 'diazepam': return 0.05;
    case 'cisplatin':
    case 'paclitaxel': return 0;
  }
}

const ALL_MEDICATIONS = Object.keys(MEDICATIONS) as MedicationKey[];

/** Discharge list (plus in-stay chemotherapy orders); returns the drug keys of the stay. */
export function addStayMedications(state: ClinicalState, enc: SimEncounter, reason: AdmissionReason, present: ReadonlySet<ChronicKey>, labs: StayLabs, recentMi: boolean): Set<MedicationKey> {
  const { rng } = state;
  const keys = new Set<MedicationKey>();
  if (reason.key === 'cancer-treatment') {
    for (const chemo of ['cisplatin', 'paclitaxel'] as const) {
      if (!rng.chance(0.3)) continue;
      keys.add(chemo);
      state.patient.medications.push({ id: state.newId(), key: chemo, med: MEDICATIONS[chemo], minute: enc.start + MINUTES_PER_DAY, encounterId: enc.id, category: 'inpatient', status: 'completed' });
    }
  }
  if (enc.end === null) return keys;
  const status = dayOf(enc.end) >= TODAY_DAY - 90 ? 'active' : 'completed';
  for (const key of ALL_MEDICATIONS) {
    if (!rng.chance(prescriptionChance(key, present, reason.key, labs.hemoglobinGdl, recentMi))) continue;
    keys.add(key);
    state.patient.medications.push({ id: state.newId(), key, med: MEDICATIONS[key], minute: enc.end - rng.int(30, 180), encounterId: enc.id, category: 'discharge', status });
  }
  return keys;
}

/** Community prescriptions written at an outpatient visit (not part of any stay). */
export function addCommunityMedications(state: ClinicalState, enc: SimEncounter, present: ReadonlySet<ChronicKey>): void {
  for (const key of ALL_MEDICATIONS) {
    if (!state.rng.chance(prescriptionChance(key, present, 'outpatient', null, false) * 0.6)) continue;
    state.patient.medications.push({ id: state.newId(), key, med: MEDICATIONS[key], minute: enc.start + 20, encounterId: enc.id, category: 'community', status: dayOf(enc.start) >= TODAY_DAY - 180 ? 'active' : 'completed' });
  }
}

export function addProcedure(state: ClinicalState, enc: SimEncounter, key: ProcedureKey, minute: number): void {
  const p = PROCEDURES[key];
  state.patient.procedures.push({ id: state.newId(), code: p.code, display: p.display, minute, durationMinutes: p.minutes, encounterId: enc.id });
}

export function addStayProcedures(state: ClinicalState, enc: SimEncounter, reason: AdmissionReason, present: ReadonlySet<ChronicKey>, dialysis: boolean): void {
  const { rng } = state;
  const lastMinute = enc.end ?? enc.start + MINUTES_PER_DAY;
  if (reason.procedure && rng.chance(0.75)) addProcedure(state, enc, reason.procedure, Math.min(enc.start + rng.int(120, 1800), lastMinute - 60));
  if (dialysis && present.has('renalDisease') && rng.chance(0.8)) addProcedure(state, enc, 'dialysis', Math.min(enc.start + rng.int(300, 1400), lastMinute - 60));
  if (enc.end !== null && rng.chance(0.4)) addProcedure(state, enc, 'medicationReconciliation', enc.end - 60);
}

/** Secondary diagnoses the labs justify (hyponatremia, anemia, hypokalemia). */
export function addLabDiagnoses(state: ClinicalState, enc: SimEncounter, labs: StayLabs): void {
  const add = (code: (typeof SECONDARY_DIAGNOSES)[keyof typeof SECONDARY_DIAGNOSES]) => {
    const condition: SimCondition = { id: state.newId(), code, category: null, minute: enc.start, encounterId: enc.id, listKind: 'encounter-diagnosis', resolved: enc.end !== null, writeOnset: true };
    state.patient.conditions.push(condition);
    enc.diagnoses.push(condition);
  };
  if (labs.sodium !== null && labs.sodium < 133 && state.rng.chance(0.7)) add(SECONDARY_DIAGNOSES.hyponatremia);
  if (labs.hemoglobinGdl !== null && labs.hemoglobinGdl < 10 && state.rng.chance(0.6)) add(SECONDARY_DIAGNOSES.anemia);
  if (labs.potassium !== null && labs.potassium < 3.4 && state.rng.chance(0.6)) add(SECONDARY_DIAGNOSES.hypokalemia);
}

/** Outpatient labs: a metabolic panel now and then, HbA1c for diabetics, INR on warfarin, weight. */
export function addAmbulatoryLabs(state: ClinicalState, enc: SimEncounter, present: ReadonlySet<ChronicKey>, onWarfarin: boolean): void {
  const { rng } = state;
  const at = enc.start + rng.int(10, 40);
  if (rng.chance(0.35)) {
    recordCreatinine(state, enc, Math.exp(rng.normal(Math.log(present.has('renalDisease') ? 2.0 : 0.9), 0.25)), at);
    record(state, enc, LABS.glucose, clamp(rng.normal(105, 20), 50, 400), at);
  }
  if ((present.has('diabetesWithoutComplications') || present.has('diabetesWithComplications')) && rng.chance(0.6)) {
    record(state, enc, LABS.hba1c, clamp(rng.normal(7.4, 1.2), 4.8, 14), at);
  }
  if (onWarfarin && rng.chance(0.8)) record(state, enc, LABS.inr, clamp(rng.normal(2.5, 0.6), 0.9, 6), at);
  if (rng.chance(0.3)) record(state, enc, LABS.bodyWeight, clamp(rng.normal(state.male ? 86 : 73, 15), 38, 190), at);
}

/** Emergency visit (treat and release): a screening Hb/Na now and then. */
export function addEmergencyLabs(state: ClinicalState, enc: SimEncounter): void {
  const { rng } = state;
  if (!rng.chance(0.6)) return;
  const at = enc.start + rng.int(15, 60);
  recordHemoglobin(state, enc, clamp(rng.normal(state.male ? 14 : 12.8, 1.4), 6, 19), at);
  if (rng.chance(state.site.sodiumMeasured)) record(state, enc, LABS.sodium, clamp(rng.normal(139, 3), 120, 155), at);
}
