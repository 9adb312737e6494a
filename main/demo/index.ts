// Synthetic consortium: deterministic multi-site FHIR/DICOM/VCF exports with a documented
// readmission mechanism and per-admission ground truth, for demos and end-to-end tests (README.md).
export { generateConsortium } from './generate-consortium.ts';
export type { GenerateConsortiumOptions, GenerationReport } from './generate-consortium.ts';
export type { InstitutionReport } from './institution-generator.ts';
export type { DefectReason, DeliberateDefect } from './deliberate-defects.ts';
export { trueMechanismAuroc, TRUTH_COLUMNS } from './ground-truth.ts';
export { READMISSION_COEFFICIENTS, trueReadmissionLogit, trueReadmissionProbability } from './readmission-mechanism.ts';
export type { ReadmissionFeatures } from './readmission-mechanism.ts';
export { DEFAULT_INSTITUTIONS, siteProfileFor } from './site-profile.ts';
export type { SiteProfile } from './site-profile.ts';
export { CHARLSON_DEFINITIONS, charlsonCategoryOfIcd10, charlsonCategoryOfSnomed, charlsonIndex } from './charlson-vocabulary.ts';
export { PGX_GENES, PGX_SITES } from './pgx-defining-positions.ts';
