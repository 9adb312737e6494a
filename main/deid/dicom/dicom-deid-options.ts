// The de-identification profile and options chosen per call (PS3.15 E.1.1 and E.3), and the
// CID 7050 codes that record them in the output (PS3.16 CID 7050 De-identification Method).
import { PROFILE_TABLE } from './profile-table.ts';

/**
 * The policy name and version recorded with every import. The version is the edition of
 * Table E.1-1 that drives it plus our rule revision (how compound actions resolve, dummies,
 * cleaning); bump the revision whenever output for the same input and options changes.
 */
export const DICOM_BASIC_PROFILE = {
  name: 'DICOM PS3.15 Basic Application Level Confidentiality Profile',
  version: `${PROFILE_TABLE.version}.1`,
} as const;

/** Options of PS3.15 Table E.1-1 the caller chooses per import. */
export interface DicomDeidOptions {
  /** Retain Longitudinal Temporal Information with Modified Dates: shift by the patient's dateShiftDays. */
  retainLongitudinalModifiedDates: boolean;
  /** Retain Patient Characteristics: sex, age, size, weight, ... */
  retainPatientCharacteristics: boolean;
  /** Retain Device Identity: serial numbers, station names, device UIDs ... */
  retainDeviceIdentity: boolean;
  /** Retain Safe Private: keep the private attributes named in `safePrivateAllowlist`. */
  retainSafePrivate: boolean;
  /**
   * Private attributes known to be safe, as `(gggg,"Private Creator",ee)`: group, the creator
   * string of the block and the element's low byte, e.g. `(0019,"GEMS_ACQU_01",24)`. Empty by
   * default: we know of no private attribute that is safe in every vendor's use.
   */
  safePrivateAllowlist?: string[];
  /** Clean Descriptors: keep free-text descriptions with identifying words removed. */
  cleanDescriptors: boolean;
  /** Clean Structured Content: keep SR content and acquisition context, cleaned. */
  cleanStructuredContent: boolean;
}

/** The default: Basic Profile with modified dates; every private attribute removed. */
export const DEFAULT_DICOM_DEID_OPTIONS: Readonly<DicomDeidOptions> = Object.freeze({
  retainLongitudinalModifiedDates: true,
  retainPatientCharacteristics: false,
  retainDeviceIdentity: false,
  retainSafePrivate: false,
  safePrivateAllowlist: [],
  cleanDescriptors: false,
  cleanStructuredContent: false,
});

/** A CID 7050 code (coding scheme DCM). */
export interface DeidentificationMethodCode {
  value: string;
  meaning: string;
}

export const BASIC_PROFILE_CODE: DeidentificationMethodCode = { value: '113100', meaning: 'Basic Application Confidentiality Profile' };

const OPTION_CODES: ReadonlyArray<[keyof DicomDeidOptions, DeidentificationMethodCode]> = [
  ['cleanStructuredContent', { value: '113104', meaning: 'Clean Structured Content Option' }],
  ['cleanDescriptors', { value: '113105', meaning: 'Clean Descriptors Option' }],
  ['retainLongitudinalModifiedDates', { value: '113107', meaning: 'Retain Longitudinal Temporal Information Modified Dates Option' }],
  ['retainPatientCharacteristics', { value: '113108', meaning: 'Retain Patient Characteristics Option' }],
  ['retainDeviceIdentity', { value: '113109', meaning: 'Retain Device Identity Option' }],
  ['retainSafePrivate', { value: '113111', meaning: 'Retain Safe Private Option' }],
];

/** The codes for (0012,0064): the Basic Profile, then each applied option in code order. */
export function deidentificationMethodCodes(options: DicomDeidOptions): DeidentificationMethodCode[] {
  return [BASIC_PROFILE_CODE, ...OPTION_CODES.filter(([option]) => options[option] === true).map(([, code]) => code)];
}
