// Published readmission scores, computed as their papers define them.
// LACE: van Walraven C et al., CMAJ 2010;182(6):551-7. HOSPITAL: Donzé J et al., JAMA Intern Med
// 2013;173(8):632-8.

/** The inputs of the LACE index. */
export interface LaceInputs {
  lengthOfStayDays: number;
  /** Acute (emergent) admission. */
  acuteAdmission: boolean;
  charlsonIndex: number;
  /** Emergency department visits in the 6 months before admission. */
  edVisits6m: number;
}

/**
 * LACE (van Walraven 2010, Table 3): L = LOS points (<1 d 0, 1 d 1, 2 d 2, 3 d 3, 4-6 d 4,
 * 7-13 d 5, >=14 d 7); A = 3 if acute; C = Charlson (0→0, 1→1, 2→2, 3→3, >=4→5);
 * E = ED visits in 6 months, capped at 4. Range 0-19.
 */
export function laceScore(x: LaceInputs): number {
  const los = x.lengthOfStayDays;
  const l = los < 1 ? 0 : los <= 3 ? Math.floor(los) : los <= 6 ? 4 : los <= 13 ? 5 : 7;
  const a = x.acuteAdmission ? 3 : 0;
  const c = x.charlsonIndex >= 4 ? 5 : Math.max(0, Math.floor(x.charlsonIndex));
  const e = Math.min(Math.max(0, x.edVisits6m), 4);
  return l + a + c + e;
}

/** The inputs of the HOSPITAL score. */
export interface HospitalInputs {
  /** Hemoglobin at discharge in g/dL; null when not measured (scored as normal). */
  dischargeHemoglobinGdl: number | null;
  /** Discharge from an oncology service (we use: active malignancy). */
  oncology: boolean;
  /** Sodium at discharge in mmol/L; null when not measured (scored as normal). */
  dischargeSodiumMmolL: number | null;
  /** Any ICD-coded procedure during the stay. */
  procedureDuringStay: boolean;
  /** Index admission type urgent/emergent. */
  urgentAdmission: boolean;
  /** Hospital admissions in the previous 12 months. */
  admissions12m: number;
  lengthOfStayDays: number;
}

/**
 * HOSPITAL (Donzé 2013, Table 3): Hemoglobin < 12 g/dL at discharge 1; discharge from Oncology 2;
 * Sodium < 135 mmol/L at discharge 1; Procedure during stay 1; Index type urgent 1;
 * Admissions in previous 12 months: 0-1 → 0, 2-5 → 2, >5 → 5; Length of stay >= 5 days 2.
 * Range 0-13. Missing labs score 0, as the derivation did with unmeasured values.
 */
export function hospitalScore(x: HospitalInputs): number {
  let score = 0;
  if (x.dischargeHemoglobinGdl !== null && x.dischargeHemoglobinGdl < 12) score += 1;
  if (x.oncology) score += 2;
  if (x.dischargeSodiumMmolL !== null && x.dischargeSodiumMmolL < 135) score += 1;
  if (x.procedureDuringStay) score += 1;
  if (x.urgentAdmission) score += 1;
  score += x.admissions12m > 5 ? 5 : x.admissions12m >= 2 ? 2 : 0;
  if (x.lengthOfStayDays >= 5) score += 2;
  return score;
}
