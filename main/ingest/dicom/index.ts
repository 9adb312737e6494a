// DICOM reading: Part 10 / bare data set bytes in, a validated element tree out (our own strict
// element parser), plus the Part 10 writer that copies unchanged elements byte for byte.
export { readDicom } from './read-dicom.ts';
export type { DicomReadErrorCode, DicomReadFailure, DicomReadResult, DicomReadSuccess } from './read-dicom.ts';
export { summarizeDicom } from './summarize-dicom.ts';
export type { DicomInstanceFacts } from './summarize-dicom.ts';
export { writePart10 } from './write-dicom.ts';
export type { OutputItem, OutputNode, Part10Header } from './write-dicom.ts';
export type { DatasetEncoding, DicomDataset, DicomElement, DicomItem } from './dicom-dataset.ts';
export { Tags, formatTag, tagOf } from './dicom-tag.ts';
export type { DicomTag } from './dicom-tag.ts';
