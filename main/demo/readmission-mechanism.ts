// The true 30-day readmission mechanism of the synthetic consortium: a logistic model whose
// every input can be recomputed from the generated files (README.md, "The mechanism", defines
// each feature against the FHIR/VCF output). The outcome of an index admission is drawn from
// it, and a readmission is then written as a real inpatient Encounter 1-30 days after discharge.

/** The inputs of the mechanism for one index admission. */
export interface ReadmissionFeatures {
  /** Discharge date minus admission date, in calendar days. */
  lengthOfStayDays: number;
  /** hospitalization.admitSource is `emd` (admitted through the emergency department). */
  emergencyAdmission: boolean;
  /** Charlson index (1987 weights, Quan 2005 codes, hierarchy applied) of diagnoses dated on or before admission. */
  charlsonIndex: number;
  /** EMER encounters starting in the 182 days before admission. */
  priorEdVisits6m: number;
  /** IMP encounters starting in the 365 days before admission. */
  priorAdmissions12m: number;
  /** Last hemoglobin of the stay in g/dL (g/L divided by 10), or null if none. */
  dischargeHemoglobinGdl: number | null;
  /** Last sodium of the stay in mmol/L, or null if none was measured. */
  dischargeSodiumMmolL: number | null;
  /** Distinct RxNorm codes among the MedicationRequests of the stay (the discharge list). */
  activeMedications: number;
  /** Whole years between birth date and admission date. */
  ageYears: number;
  /** A malignancy or metastatic-tumour diagnosis dated on or before admission. */
  oncology: boolean;
  /** Clopidogrel on the discharge list and CYP2C19 poor metabolizer (from the VCF). */
  clopidogrelCyp2c19Poor: boolean;
  /** Clopidogrel on the discharge list and CYP2C19 intermediate metabolizer. */
  clopidogrelCyp2c19Intermediate: boolean;
  /** Capecitabine on the discharge list and DPYD activity score below 2. */
  capecitabineDpydReduced: boolean;
  /** Azathioprine on the discharge list and a TPMT or NUDT15 no-function allele. */
  azathioprineThiopurineIntolerant: boolean;
  /** Warfarin on the discharge list and a high-sensitivity CYP2C9/VKORC1 genotype. */
  warfarinHighSensitivity: boolean;
  /** Simvastatin on the discharge list and an SLCO1B1 no-function allele. */
  simvastatinSlco1b1Decreased: boolean;
  /** The site's baseline shift of the log-odds: unobservable site heterogeneity. */
  siteEffect: number;
}

/** Coefficients on the log-odds scale; see README.md for the table and the transforms. */
export const READMISSION_COEFFICIENTS = {
  intercept: -4.45,
  logLengthOfStay: 0.35, // x ln(1 + LOS days), LOS capped at 60
  emergencyAdmission: 0.4,
  charlsonIndex: 0.12, // per point, capped at 12
  priorEdVisits6m: 0.18, // per visit, capped at 5
  priorAdmissions12m: 0.3, // per admission, capped at 5
  hemoglobinBelow12: 0.15, // per g/dL below 12, capped at 6
  sodiumBelow135: 0.06, // per mmol/L below 135, capped at 10
  activeMedications: 0.05, // per drug, capped at 15
  agePerYearOver50: 0.015,
  oncology: 0.3,
  clopidogrelCyp2c19Poor: 1.1,
  clopidogrelCyp2c19Intermediate: 0.35,
  capecitabineDpydReduced: 1.3,
  azathioprineThiopurineIntolerant: 0.9,
  warfarinHighSensitivity: 0.5,
  simvastatinSlco1b1Decreased: 0.25,
} as const;

const b = READMISSION_COEFFICIENTS;
const flag = (value: boolean) => (value ? 1 : 0);

/** The true log-odds of a 30-day readmission. */
export function trueReadmissionLogit(f: ReadmissionFeatures): number {
  return (
    b.intercept +
    f.siteEffect +
    b.logLengthOfStay * Math.log1p(Math.min(Math.max(f.lengthOfStayDays, 0), 60)) +
    b.emergencyAdmission * flag(f.emergencyAdmission) +
    b.charlsonIndex * Math.min(f.charlsonIndex, 12) +
    b.priorEdVisits6m * Math.min(f.priorEdVisits6m, 5) +
    b.priorAdmissions12m * Math.min(f.priorAdmissions12m, 5) +
    b.hemoglobinBelow12 * (f.dischargeHemoglobinGdl === null ? 0 : Math.min(Math.max(12 - f.dischargeHemoglobinGdl, 0), 6)) +
    b.sodiumBelow135 * (f.dischargeSodiumMmolL === null ? 0 : Math.min(Math.max(135 - f.dischargeSodiumMmolL, 0), 10)) +
    b.activeMedications * Math.min(f.activeMedications, 15) +
    b.agePerYearOver50 * Math.max(f.ageYears - 50, 0) +
    b.oncology * flag(f.oncology) +
    b.clopidogrelCyp2c19Poor * flag(f.clopidogrelCyp2c19Poor) +
    b.clopidogrelCyp2c19Intermediate * flag(f.clopidogrelCyp2c19Intermediate) +
    b.capecitabineDpydReduced * flag(f.capecitabineDpydReduced) +
    b.azathioprineThiopurineIntolerant * flag(f.azathioprineThiopurineIntolerant) +
    b.warfarinHighSensitivity * flag(f.warfarinHighSensitivity) +
    b.simvastatinSlco1b1Decreased * flag(f.simvastatinSlco1b1Decreased)
  );
}

export function logistic(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

/** The true probability of a 30-day readmission. */
export function trueReadmissionProbability(f: ReadmissionFeatures): number {
  return logistic(trueReadmissionLogit(f));
}
