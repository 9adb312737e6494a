// The model's feature vector: one versioned list of named transforms of AdmissionFeatures. A model
// records FEATURE_SET.version; the engine refuses a model trained on another version. Transforms
// bound every input so one extreme value cannot dominate a linear score.
import type { AdmissionFeatures } from './index-admissions.ts';

/** One model input: its name, what it means, and how it is computed. */
export interface FeatureDefinition {
  name: string;
  description: string;
  value(f: AdmissionFeatures): number;
}

const flag = (b: boolean | null) => (b ? 1 : 0);
const clamp = (x: number, lo: number, hi: number) => Math.min(Math.max(x, lo), hi);

/** The versioned feature set of the readmission models. Bump the version on any change. */
export const FEATURE_SET = {
  name: 'readmission-30d',
  version: '1.1.0',
  features: [
    { name: 'age_over_50', description: 'Years of age at admission above 50 (0 below); age from the shifted birth day, else the age-group midpoint; unknown → 0.', value: (f) => Math.max((f.ageYears ?? 50) - 50, 0) },
    { name: 'sex_female', description: '1 if the recorded administrative sex is female.', value: (f) => flag(f.sex === 'female') },
    { name: 'log_length_of_stay', description: 'ln(1 + length of stay in days), stay capped at 60 days.', value: (f) => Math.log1p(clamp(f.lengthOfStayDays, 0, 60)) },
    { name: 'emergency_admission', description: '1 if admitted through the emergency department (hospitalization.admitSource emd; without admitSource, an emergency/urgent priority).', value: (f) => flag(f.emergencyAdmission) },
    { name: 'charlson_index', description: 'Charlson comorbidity index (Quan 2005 ICD-10 codes, SNOMED CT map, 1987 weights) of diagnoses dated on or before admission, capped at 12.', value: (f) => Math.min(f.charlsonIndex, 12) },
    { name: 'prior_ed_visits_6m', description: 'ED visits: encounters of class EMER starting in the 182 days before the admission day, capped at 5.', value: (f) => Math.min(f.priorEdVisits6m, 5) },
    { name: 'prior_admissions_12m', description: 'Inpatient encounters (class IMP) starting in the 365 days before the admission day, capped at 5.', value: (f) => Math.min(f.priorAdmissions12m, 5) },
    { name: 'hemoglobin_below_12', description: 'g/dL below 12 of the last hemoglobin (LOINC 718-7) of the stay, capped at 6; not measured → 0.', value: (f) => (f.dischargeHemoglobinGdl === null ? 0 : clamp(12 - f.dischargeHemoglobinGdl, 0, 6)) },
    { name: 'sodium_below_135', description: 'mmol/L below 135 of the last sodium (LOINC 2951-2) of the stay, capped at 10; not measured → 0.', value: (f) => (f.dischargeSodiumMmolL === null ? 0 : clamp(135 - f.dischargeSodiumMmolL, 0, 10)) },
    { name: 'procedure_during_stay', description: '1 if any Procedure references the stay.', value: (f) => flag(f.proceduresDuringStay > 0) },
    { name: 'oncology', description: '1 if a malignancy or metastatic solid tumour is diagnosed on or before admission.', value: (f) => flag(f.oncology) },
    { name: 'active_medications', description: 'Distinct RxNorm codes of the stay\'s MedicationRequests, capped at 15.', value: (f) => Math.min(f.activeMedications, 15) },
    { name: 'imaging_during_stay', description: 'DICOM imaging studies of the patient dated within the stay, capped at 5; without imported, dated studies → 0.', value: (f) => Math.min(f.imagingStudiesDuringStay, 5) },
    { name: 'pgx_alert', description: '1 if a CPIC drug-gene alert applies to the stay\'s medications; 0 when none or no genotype.', value: (f) => flag(f.pgxAlert) },
  ] satisfies FeatureDefinition[] as readonly FeatureDefinition[],
} as const;

export const FEATURE_NAMES: readonly string[] = FEATURE_SET.features.map((f) => f.name);

/** The feature vector of one admission, in FEATURE_SET order. */
export function featureVector(f: AdmissionFeatures): number[] {
  return FEATURE_SET.features.map((d) => d.value(f));
}

/** Row-major float32 matrix [rows, FEATURE_SET.features.length], the ONNX `features` input. */
export function featureMatrix(admissions: readonly { features: AdmissionFeatures }[]): Float32Array {
  const width = FEATURE_SET.features.length;
  const out = new Float32Array(admissions.length * width);
  admissions.forEach((a, r) => featureVector(a.features).forEach((v, c) => (out[r * width + c] = v)));
  return out;
}
