// DICOM attribute tags as 32-bit numbers (group << 16 | element), and the few we name.

/** A tag as one unsigned 32-bit number: group in the high half, element in the low half. */
export type DicomTag = number;

export function tagOf(group: number, element: number): DicomTag {
  return ((group << 16) | element) >>> 0;
}

export function tagGroup(tag: DicomTag): number {
  return tag >>> 16;
}

export function tagElement(tag: DicomTag): number {
  return tag & 0xffff;
}

/** "(gggg,eeee)" in upper-case hex, the way PS3.6 writes tags; safe to put in error messages. */
export function formatTag(tag: DicomTag): string {
  const hex = tag.toString(16).toUpperCase().padStart(8, '0');
  return `(${hex.slice(0, 4)},${hex.slice(4)})`;
}

/** Private attributes live in odd groups (PS3.5 7.8); groups 0001-0007 and FFFF are not allowed. */
export function isPrivateTag(tag: DicomTag): boolean {
  return (tagGroup(tag) & 1) === 1;
}

/** Private Creator Data Elements (gggg,0010-00FF) reserve a block of a private group (PS3.5 7.8.1). */
export function isPrivateCreatorTag(tag: DicomTag): boolean {
  const element = tagElement(tag);
  return isPrivateTag(tag) && element >= 0x10 && element <= 0xff;
}

/** Group Length (gggg,0000), retired outside the file meta and command groups (PS3.5 7.2). */
export function isGroupLengthTag(tag: DicomTag): boolean {
  return tagElement(tag) === 0;
}

export const ITEM = tagOf(0xfffe, 0xe000);
export const ITEM_DELIMITATION = tagOf(0xfffe, 0xe00d);
export const SEQUENCE_DELIMITATION = tagOf(0xfffe, 0xe0dd);

/** Tags read or written by name in the engine. */
export const Tags = {
  FileMetaInformationGroupLength: tagOf(0x0002, 0x0000),
  FileMetaInformationVersion: tagOf(0x0002, 0x0001),
  MediaStorageSOPClassUID: tagOf(0x0002, 0x0002),
  MediaStorageSOPInstanceUID: tagOf(0x0002, 0x0003),
  TransferSyntaxUID: tagOf(0x0002, 0x0010),
  ImplementationClassUID: tagOf(0x0002, 0x0012),
  ImplementationVersionName: tagOf(0x0002, 0x0013),
  DirectoryRecordSequence: tagOf(0x0004, 0x1220),
  SpecificCharacterSet: tagOf(0x0008, 0x0005),
  ImageType: tagOf(0x0008, 0x0008),
  SOPClassUID: tagOf(0x0008, 0x0016),
  SOPInstanceUID: tagOf(0x0008, 0x0018),
  StudyDate: tagOf(0x0008, 0x0020),
  Modality: tagOf(0x0008, 0x0060),
  CodeValue: tagOf(0x0008, 0x0100),
  CodingSchemeDesignator: tagOf(0x0008, 0x0102),
  CodeMeaning: tagOf(0x0008, 0x0104),
  ReferencedSOPInstanceUID: tagOf(0x0008, 0x1155),
  PatientName: tagOf(0x0010, 0x0010),
  PatientID: tagOf(0x0010, 0x0020),
  IssuerOfPatientID: tagOf(0x0010, 0x0021),
  PatientSex: tagOf(0x0010, 0x0040),
  PatientAge: tagOf(0x0010, 0x1010),
  PatientIdentityRemoved: tagOf(0x0012, 0x0062),
  DeidentificationMethod: tagOf(0x0012, 0x0063),
  DeidentificationMethodCodeSequence: tagOf(0x0012, 0x0064),
  BodyPartExamined: tagOf(0x0018, 0x0015),
  StudyInstanceUID: tagOf(0x0020, 0x000d),
  SeriesInstanceUID: tagOf(0x0020, 0x000e),
  FrameOfReferenceUID: tagOf(0x0020, 0x0052),
  NumberOfFrames: tagOf(0x0028, 0x0008),
  Rows: tagOf(0x0028, 0x0010),
  Columns: tagOf(0x0028, 0x0011),
  BurnedInAnnotation: tagOf(0x0028, 0x0301),
  RecognizableVisualFeatures: tagOf(0x0028, 0x0302),
  LongitudinalTemporalInformationModified: tagOf(0x0028, 0x0303),
  FloatPixelData: tagOf(0x7fe0, 0x0008),
  DoubleFloatPixelData: tagOf(0x7fe0, 0x0009),
  PixelData: tagOf(0x7fe0, 0x0010),
} as const;
