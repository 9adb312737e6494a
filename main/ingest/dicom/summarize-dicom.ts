// The study/series/instance facts the store needs from a read file, before de-identification.
// These are IDENTIFYING (Patient ID, original UIDs, real dates): use them to derive pseudonyms
// and to group files, never log or store them.
import { characterSetOf, elementString, findElement, stringValue, textValue } from './dicom-dataset.ts';
import { Tags } from './dicom-tag.ts';
import type { DicomReadSuccess } from './read-dicom.ts';

/** Header facts of one instance, as found in the file (not de-identified). */
export interface DicomInstanceFacts {
  modality: string | null;
  bodyPartExamined: string | null;
  sopClassUid: string | null;
  studyInstanceUid: string | null;
  seriesInstanceUid: string | null;
  sopInstanceUid: string | null;
  /** Study Date as written (DA, YYYYMMDD). */
  studyDate: string | null;
  patientId: string | null;
  issuerOfPatientId: string | null;
  numberOfFrames: number | null;
  transferSyntax: string;
  hasPixelData: boolean;
}

export function summarizeDicom(read: DicomReadSuccess): DicomInstanceFacts {
  const { dataset } = read;
  const characterSet = characterSetOf(dataset);
  const frames = Number.parseInt(elementString(dataset, findElement(dataset, Tags.NumberOfFrames)) ?? '', 10);
  const hasPixelData = [Tags.PixelData, Tags.FloatPixelData, Tags.DoubleFloatPixelData]
    .some((tag) => findElement(dataset, tag) !== undefined);
  return {
    modality: stringValue(dataset, Tags.Modality),
    bodyPartExamined: stringValue(dataset, Tags.BodyPartExamined),
    sopClassUid: stringValue(dataset, Tags.SOPClassUID) ?? (read.meta ? stringValue(read.meta, Tags.MediaStorageSOPClassUID) : null),
    studyInstanceUid: stringValue(dataset, Tags.StudyInstanceUID),
    seriesInstanceUid: stringValue(dataset, Tags.SeriesInstanceUID),
    sopInstanceUid: stringValue(dataset, Tags.SOPInstanceUID) ?? (read.meta ? stringValue(read.meta, Tags.MediaStorageSOPInstanceUID) : null),
    studyDate: stringValue(dataset, Tags.StudyDate),
    patientId: textValue(dataset, Tags.PatientID, characterSet),
    issuerOfPatientId: textValue(dataset, Tags.IssuerOfPatientID, characterSet),
    numberOfFrames: Number.isSafeInteger(frames) && frames > 0 ? frames : hasPixelData ? 1 : null,
    transferSyntax: read.transferSyntax,
    hasPixelData,
  };
}
