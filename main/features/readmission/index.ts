// Readmission features: index admissions and 30-day labels from the store, the versioned feature set,
// Charlson, LACE and HOSPITAL.
export { extractIndexAdmissions, ageOfGroup, wholeYearsBetween, READMISSION_WINDOW_DAYS } from './index-admissions.ts';
export type { AdmissionFeatures, IndexAdmission, ExtractIndexAdmissionsOptions } from './index-admissions.ts';
export { FEATURE_SET, FEATURE_NAMES, featureVector, featureMatrix } from './feature-set.ts';
export type { FeatureDefinition } from './feature-set.ts';
export { CharlsonComorbidity } from './charlson-comorbidity.ts';
export type { CharlsonMap } from './charlson-comorbidity.ts';
export { laceScore, hospitalScore } from './clinical-scores.ts';
export type { LaceInputs, HospitalInputs } from './clinical-scores.ts';
export { laceOfAdmission, hospitalOfAdmission } from './admission-scores.ts';
