// De-identifies one DICOM file in memory: Part 10 bytes in, de-identified Part 10 bytes out
// (PS3.15 Annex E Basic Application Level Confidentiality Profile with the chosen options), or
// a quarantine / rejection decision with a reason that quotes no header values. Never throws
// on bad input.
import { createHash } from 'node:crypto';
import type { DicomDataset, DicomElement } from '../../ingest/dicom/dicom-dataset.ts';
import {
  characterSetOf, elementString, elementValueBytes, findElement, stringValue, textValue,
} from '../../ingest/dicom/dicom-dataset.ts';
import { Tags } from '../../ingest/dicom/dicom-tag.ts';
import type { DicomTag } from '../../ingest/dicom/dicom-tag.ts';
import { readDicom } from '../../ingest/dicom/read-dicom.ts';
import type { DicomReadErrorCode, DicomReadSuccess } from '../../ingest/dicom/read-dicom.ts';
import { checkPart10Framing } from '../../ingest/dicom/check-part10-framing.ts';
import { datasetEncodingOf, isDeflated } from '../../ingest/dicom/transfer-syntax.ts';
import { writePart10 } from '../../ingest/dicom/write-dicom.ts';
import type { OutputNode } from '../../ingest/dicom/write-dicom.ts';
import { InvalidInputError } from '../../util/errors.ts';
import type { PseudonymKey } from '../pseudonym-key.ts';
import { dateShiftDays, deidentifiedUid, patientPseudonym } from '../pseudonym-key.ts';
import { ageGroupOf } from '../safe-harbor-age.ts';
import { burnedInAnnotationRisk } from './burned-in-annotation-risk.ts';
import { DescriptorCleaner } from './clean-descriptor-text.ts';
import { dicomDateToDay } from './dicom-date-shift.ts';
import type { DicomDeidOptions } from './dicom-deid-options.ts';
import { DICOM_BASIC_PROFILE } from './dicom-deid-options.ts';
import { compilePolicy } from './dicom-deid-policy.ts';
import type { CompiledPolicy } from './dicom-deid-policy.ts';
import { deidentifyDataset } from './deidentify-dataset.ts';
import type { DatasetDeidContext } from './deidentify-dataset.ts';
import { collectIdentifyingText, deidentificationRecord } from './deidentification-record.ts';

/** Per-call inputs: the institution key, the options, and how to name the MRN system. */
export interface DicomDeidContext {
  key: PseudonymKey;
  options: DicomDeidOptions;
  /**
   * The FHIR identifier system of the MRN, from Issuer of Patient ID (0010,0021) or null when
   * absent; return the institution's default system when no mapping matches.
   */
  mrnSystemForIssuer: (issuer: string | null) => string;
}

/** What the store may keep about a de-identified (or quarantined) instance: no header values. */
export interface DeidentifiedInstanceSummary {
  profile: { name: string; version: string };
  /** CID 7050 codes written to (0012,0064). */
  methodCodes: string[];
  sopClassUid: string;
  transferSyntax: string;
  /** Modality and Body Part Examined when they are well-formed CS values. */
  modality: string | null;
  bodyPartExamined: string | null;
  /** Replacement UIDs (PS3.15 U action via deidentifiedUid). */
  studyInstanceUid: string | null;
  seriesInstanceUid: string | null;
  sopInstanceUid: string;
  frameOfReferenceUid: string | null;
  /** The shifted Study Date as days since 1970-01-01; null without the modified-dates option. */
  studyDay: number | null;
  numberOfFrames: number | null;
  /** SHA-256 of the Pixel Data value field as stored (encapsulated: items and fragments). */
  pixelDataSha256: string | null;
  encapsulatedPixelData: boolean;
  /** FHIR administrative gender and Safe Harbor age group; null unless Retain Patient Characteristics. */
  patientSex: 'male' | 'female' | 'other' | null;
  /** From Patient's Age (0010,1010) at the study: "0-4" ... "85-89", "90+". */
  patientAgeGroup: string | null;
}

/** Why an input produced no output. `dicomdir` and `not-dicom` are skips rather than errors. */
export type DicomRejectionCode = DicomReadErrorCode | 'dicomdir' | 'missing-identity' | 'internal';

export type DicomDeidResult =
  | { outcome: 'ok'; output: Buffer; pseudonym: string; shiftDays: number; summary: DeidentifiedInstanceSummary }
  | { outcome: 'quarantine'; reason: string; pseudonym: string; shiftDays: number; summary: DeidentifiedInstanceSummary }
  | { outcome: 'rejected'; code: DicomRejectionCode; reason: string; offset?: number };

const CS_VALUE = /^[A-Z0-9 _]{1,16}$/;

/**
 * Throws only for invalid options (InvalidInputError 'invalid-options'); every problem with
 * the bytes becomes a 'rejected' result.
 */
export function deidentifyDicom(bytes: Buffer, ctx: DicomDeidContext): DicomDeidResult {
  const policy = compilePolicy(ctx.options);
  try {
    return deidentifyWithPolicy(bytes, ctx, policy);
  } catch (error) {
    const message = error instanceof InvalidInputError ? error.message : error instanceof Error ? error.name : 'unknown error';
    return { outcome: 'rejected', code: 'internal', reason: `de-identification failed (${message})` };
  }
}

function deidentifyWithPolicy(bytes: Buffer, ctx: DicomDeidContext, policy: CompiledPolicy): DicomDeidResult {
  const read = readDicom(bytes);
  if (!read.ok) return { outcome: 'rejected', code: read.code, reason: read.reason, ...(read.offset === undefined ? {} : { offset: read.offset }) };
  if (read.isDicomdir) {
    return { outcome: 'rejected', code: 'dicomdir', reason: 'a DICOMDIR media directory (PS3.10 8.2) holds no instance to import' };
  }
  const { dataset } = read;
  const sopClassUid = stringValue(dataset, Tags.SOPClassUID);
  const sopInstanceUid = stringValue(dataset, Tags.SOPInstanceUID);
  if (!sopClassUid || !sopInstanceUid) {
    return { outcome: 'rejected', code: 'missing-identity', reason: 'SOP Class UID (0008,0016) or SOP Instance UID (0008,0018) is missing or empty' };
  }
  const characterSet = characterSetOf(dataset);
  const patientId = textValue(dataset, Tags.PatientID, characterSet);
  if (!patientId) {
    return { outcome: 'rejected', code: 'missing-identity', reason: 'Patient ID (0010,0020) is missing or empty: the instance cannot be linked to a patient pseudonym' };
  }
  const issuer = textValue(dataset, Tags.IssuerOfPatientID, characterSet);
  const pseudonym = patientPseudonym(ctx.key, ctx.mrnSystemForIssuer(issuer), patientId);
  const shiftDays = dateShiftDays(ctx.key, pseudonym);
  const summary = summarize(read, sopClassUid, sopInstanceUid, ctx.key, policy, shiftDays);

  const risk = burnedInAnnotationRisk(dataset, sopClassUid);
  if (risk) return { outcome: 'quarantine', reason: risk, pseudonym, shiftDays, summary };

  let cleaner: DescriptorCleaner | undefined;
  const datasetCtx: DatasetDeidContext = {
    key: ctx.key,
    policy,
    shiftDays,
    pseudonym,
    iso2022: /2022/.test(characterSet ?? ''),
    cleaner: () => (cleaner ??= new DescriptorCleaner(collectIdentifyingText(dataset, policy, patientId))),
  };
  const nodes = deidentifyDataset(dataset, datasetCtx, 0, false);
  for (const node of deidentificationRecord(dataset, policy.options)) upsert(nodes, node);
  const output = writePart10({ sopClassUid, sopInstanceUid: summary.sopInstanceUid, transferSyntax: read.transferSyntax }, nodes);

  const problem = verifyOutput(output, dataset, read.transferSyntax);
  if (problem) return { outcome: 'rejected', code: 'internal', reason: problem };
  return { outcome: 'ok', output, pseudonym, shiftDays, summary };
}

/** Keeps the list in ascending tag order, replacing an element with the same tag. */
function upsert(nodes: OutputNode[], node: OutputNode): void {
  const index = nodes.findIndex((existing) => existing.tag >= node.tag);
  if (index < 0) nodes.push(node);
  else if (nodes[index]!.tag === node.tag) nodes[index] = node;
  else nodes.splice(index, 0, node);
}

function pixelDataElement(dataset: DicomDataset): DicomElement | undefined {
  return findElement(dataset, Tags.PixelData)
    ?? findElement(dataset, Tags.FloatPixelData)
    ?? findElement(dataset, Tags.DoubleFloatPixelData);
}

/**
 * Never hand out a file we cannot read back, or whose pixel data is not byte-identical. A full
 * re-read cost a fifth of de-identification; the framing check proves what a writer bug could
 * break (every length, item and delimiter we encoded; unchanged elements are copied verbatim from
 * bytes the reader accepted) and finds the pixel element to compare. Deflated output is re-read.
 */
function verifyOutput(output: Buffer, source: DicomDataset, transferSyntax: string): string | null {
  const before = pixelDataElement(source);
  if (!isDeflated(transferSyntax)) {
    const framing = checkPart10Framing(output, datasetEncodingOf(transferSyntax));
    if (framing.problem) return `the de-identified output is not well formed (${framing.problem})`;
    const after = framing.pixelData;
    if (!before && !after) return null;
    if (!before || !after || !output.subarray(after.start, after.end).equals(source.bytes.subarray(before.start, before.end))) {
      return 'the de-identified output does not carry the input pixel data unchanged';
    }
    return null;
  }
  const reread = readDicom(output);
  if (!reread.ok) return `the de-identified output does not re-read (${reread.reason})`;
  const after = pixelDataElement(reread.dataset);
  if (!before && !after) return null;
  if (!before || !after || !elementValueBytes(source, before).equals(elementValueBytes(reread.dataset, after))) {
    return 'the de-identified output does not carry the input pixel data unchanged';
  }
  return null;
}

function summarize(
  read: DicomReadSuccess,
  sopClassUid: string,
  sopInstanceUid: string,
  key: PseudonymKey,
  policy: CompiledPolicy,
  shiftDays: number,
): DeidentifiedInstanceSummary {
  const { dataset } = read;
  const newUid = (tag: DicomTag) => {
    const uid = stringValue(dataset, tag);
    return uid ? deidentifiedUid(key, uid) : null;
  };
  const cs = (tag: DicomTag) => {
    const value = stringValue(dataset, tag);
    return value && CS_VALUE.test(value) ? value : null;
  };
  const studyDate = stringValue(dataset, Tags.StudyDate);
  const studyDay = policy.options.retainLongitudinalModifiedDates && studyDate ? dicomDateToDay(studyDate) : null;
  const frames = Number.parseInt(elementString(dataset, findElement(dataset, Tags.NumberOfFrames)) ?? '', 10);
  const pixels = pixelDataElement(dataset);
  return {
    profile: { name: DICOM_BASIC_PROFILE.name, version: DICOM_BASIC_PROFILE.version },
    methodCodes: [...policy.methodCodes],
    sopClassUid,
    transferSyntax: read.transferSyntax,
    modality: cs(Tags.Modality),
    bodyPartExamined: cs(Tags.BodyPartExamined),
    studyInstanceUid: newUid(Tags.StudyInstanceUID),
    seriesInstanceUid: newUid(Tags.SeriesInstanceUID),
    sopInstanceUid: deidentifiedUid(key, sopInstanceUid),
    frameOfReferenceUid: newUid(Tags.FrameOfReferenceUID),
    studyDay: studyDay === null ? null : studyDay + shiftDays,
    numberOfFrames: Number.isSafeInteger(frames) && frames > 0 ? frames : pixels ? 1 : null,
    pixelDataSha256: pixels ? createHash('sha256').update(elementValueBytes(dataset, pixels)).digest('hex') : null,
    encapsulatedPixelData: pixels?.encapsulated ?? false,
    ...patientCharacteristics(dataset, policy.options.retainPatientCharacteristics),
  };
}

const SEX_CODES: Record<string, 'male' | 'female' | 'other'> = { M: 'male', F: 'female', O: 'other' };
/** PS3.5 Table 6.2-1 AS: nnnD, nnnW, nnnM or nnnY. */
const AGE_STRING = /^(\d{3})([DWMY])$/;

function patientCharacteristics(dataset: DicomDataset, retain: boolean): Pick<DeidentifiedInstanceSummary, 'patientSex' | 'patientAgeGroup'> {
  if (!retain) return { patientSex: null, patientAgeGroup: null };
  const age = AGE_STRING.exec(stringValue(dataset, Tags.PatientAge) ?? '');
  const years = age ? (age[2] === 'Y' ? Number(age[1]) : 0) : null;
  return {
    patientSex: SEX_CODES[stringValue(dataset, Tags.PatientSex)?.toUpperCase() ?? ''] ?? null,
    // 45 CFR 164.514(b)(2)(i)(C): ages over 89 are aggregated into one group.
    patientAgeGroup: years === null ? null : ageGroupOf(years),
  };
}
