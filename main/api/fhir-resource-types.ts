// The FHIR resource types the research store keeps. Readers validate these, the Safe Harbor
// profile de-identifies these, and every other type is counted and reported as skipped.
export const STORED_FHIR_RESOURCE_TYPES = [
  'Patient',
  'Encounter',
  'Condition',
  'Observation',
  'MedicationRequest',
  'MedicationStatement',
  'Procedure',
  'AllergyIntolerance',
  'DiagnosticReport',
  'ImagingStudy',
  'Immunization',
] as const;

/** One of the stored types. */
export type StoredFhirResourceType = (typeof STORED_FHIR_RESOURCE_TYPES)[number];
