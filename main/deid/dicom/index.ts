// DICOM de-identification: PS3.15 Annex E Basic Application Level Confidentiality Profile with
// options, driven by the Table E.1-1 resource; burned-in annotation risk goes to quarantine.
export { deidentifyDicom } from './deidentify-dicom.ts';
export type {
  DeidentifiedInstanceSummary, DicomDeidContext, DicomDeidResult, DicomRejectionCode,
} from './deidentify-dicom.ts';
export { DEFAULT_DICOM_DEID_OPTIONS, DICOM_BASIC_PROFILE, deidentificationMethodCodes } from './dicom-deid-options.ts';
export type { DicomDeidOptions } from './dicom-deid-options.ts';
export { buildMarkerFixture } from './marker-fixture.ts';
export type { MarkerFixture, PlantedMarker } from './marker-fixture.ts';
