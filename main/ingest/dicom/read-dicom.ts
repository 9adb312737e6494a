// Reads a DICOM file (PS3.10 Part 10, or a bare data set without file meta) into a validated
// DicomDataset tree. This module finds where the data starts, inflates deflated data sets and
// hands the elements to parse-dataset.ts, which refuses anything it cannot represent exactly.
import { inflateRawSync } from 'node:zlib';
import { InvalidInputError } from '../../util/errors.ts';
import type { DicomDataset } from './dicom-dataset.ts';
import { findElement, stringValue } from './dicom-dataset.ts';
import { malformed, parseDataset, parseFileMeta } from './parse-dataset.ts';
import { Tags } from './dicom-tag.ts';
import {
  EXPLICIT_VR_BIG_ENDIAN, EXPLICIT_VR_LITTLE_ENDIAN, IMPLICIT_VR_LITTLE_ENDIAN,
  datasetEncodingOf, isDeflated, isSupportedTransferSyntax,
} from './transfer-syntax.ts';
import { VALUE_REPRESENTATIONS } from './value-representation.ts';

/** Why a file could not be read: not DICOM at all, broken, or valid but outside what we support. */
export type DicomReadErrorCode = 'not-dicom' | 'malformed' | 'unsupported';

/** A successfully read file. `meta` is null for a bare data set without File Meta Information. */
export interface DicomReadSuccess {
  ok: true;
  meta: DicomDataset | null;
  dataset: DicomDataset;
  transferSyntax: string;
  /** A DICOMDIR (PS3.10 8.2, Media Storage Directory Storage) rather than a composite instance. */
  isDicomdir: boolean;
  /** Tolerated irregularities, as kinds of problems only (never values). */
  warnings: string[];
}

/** A refusal, with the kind of problem and where; the reason never quotes header values. */
export interface DicomReadFailure {
  ok: false;
  code: DicomReadErrorCode;
  reason: string;
  offset?: number;
}

export type DicomReadResult = DicomReadSuccess | DicomReadFailure;

const MEDIA_STORAGE_DIRECTORY_STORAGE = '1.2.840.10008.1.3.10';
/** Inflated data sets larger than this are refused rather than risking a decompression bomb. */
export const MAX_INFLATED_BYTES = 512 * 1024 * 1024;
const PREFIX = Buffer.from('DICM', 'latin1');

interface Located {
  buffer: Buffer;
  /** Added to an offset in `buffer` to get the offset in the caller's bytes. */
  delta: number;
  rawTransferSyntax: string | null;
  warnings: string[];
}

/** Never throws for any input: every problem becomes a `DicomReadFailure`. */
export function readDicom(bytes: Buffer): DicomReadResult {
  const located = locate(bytes);
  if (!located) {
    return { ok: false, code: 'not-dicom', reason: 'no DICM prefix at offset 128 and no recognisable DICOM data set' };
  }
  try {
    return located.rawTransferSyntax
      ? readBareDataset(located, located.rawTransferSyntax)
      : readPart10(located);
  } catch (error) {
    return failure(error, located);
  }
}

function failure(error: unknown, located: Located): DicomReadFailure {
  if (error instanceof InvalidInputError) {
    const code = error.code === 'unsupported' ? 'unsupported' : 'malformed';
    const position = error.position === undefined ? undefined : Number(error.position);
    const shifted = position === undefined ? Number.NaN : position + located.delta;
    const offset = Number.isFinite(shifted) ? Math.max(0, shifted) : undefined;
    return { ok: false, code, reason: error.message, ...(offset === undefined ? {} : { offset }) };
  }
  if (located.rawTransferSyntax) {
    return { ok: false, code: 'not-dicom', reason: 'no DICM prefix, and the bytes do not parse as a DICOM data set' };
  }
  // The parser throws only InvalidInputError; anything else is a bug, reported without content.
  return { ok: false, code: 'malformed', reason: `cannot parse the data set (${error instanceof Error ? error.name : 'unknown error'})` };
}

function locate(bytes: Buffer): Located | null {
  if (bytes.length >= 132 && bytes.subarray(128, 132).equals(PREFIX)) {
    return { buffer: bytes, delta: 0, rawTransferSyntax: null, warnings: [] };
  }
  if (bytes.length >= 12 && bytes.subarray(0, 4).equals(PREFIX)) {
    return { buffer: Buffer.concat([Buffer.alloc(128), bytes]), delta: -128, rawTransferSyntax: null, warnings: ['no preamble'] };
  }
  if (bytes.length >= 8 && bytes.readUInt16LE(0) === 0x0002 && VALUE_REPRESENTATIONS.has(bytes.toString('latin1', 4, 6))) {
    return {
      buffer: Buffer.concat([Buffer.alloc(128), PREFIX, bytes]),
      delta: -132,
      rawTransferSyntax: null,
      warnings: ['no preamble and no DICM prefix'],
    };
  }
  const raw = sniffBareDataset(bytes);
  return raw ? { buffer: bytes, delta: 0, rawTransferSyntax: raw, warnings: ['no file meta information'] } : null;
}

/**
 * A data set written without Part 10 header (PS3.10 7.1 predecessor files): the first tag
 * must be in the usual leading groups, and an explicit VR tells the byte order apart.
 */
function sniffBareDataset(bytes: Buffer): string | null {
  if (bytes.length < 8) return null;
  const plausible = (group: number) => group >= 0x0008 && group <= 0x0020 && (group & 1) === 0;
  if (VALUE_REPRESENTATIONS.has(bytes.toString('latin1', 4, 6))) {
    if (plausible(bytes.readUInt16LE(0))) return EXPLICIT_VR_LITTLE_ENDIAN;
    if (plausible(bytes.readUInt16BE(0))) return EXPLICIT_VR_BIG_ENDIAN;
    return null;
  }
  if (plausible(bytes.readUInt16LE(0)) && bytes.readUInt32LE(4) <= bytes.length - 8) return IMPLICIT_VR_LITTLE_ENDIAN;
  return null;
}

function readPart10(located: Located): DicomReadResult {
  const { buffer } = located;
  const { meta, end: metaEnd } = parseFileMeta(buffer, 132);
  const warnings = [...located.warnings, ...checkMetaGroupLength(meta, metaEnd)];

  if (meta.elements.length === 0) throw malformed('the File Meta Information is empty or truncated', 132);
  const transferSyntax = stringValue(meta, Tags.TransferSyntaxUID);
  if (!transferSyntax) throw malformed('the File Meta Information has no Transfer Syntax UID (0002,0010)', 132);
  if (!isSupportedTransferSyntax(transferSyntax)) {
    throw new InvalidInputError('the transfer syntax is not a standard one this reader supports (PS3.5 Section 10)', 'unsupported');
  }
  let body = buffer;
  let bodyStart = metaEnd;
  if (isDeflated(transferSyntax)) {
    body = inflate(buffer.subarray(metaEnd));
    bodyStart = 0;
    located.delta = Number.NaN; // offsets inside an inflated stream mean nothing in the file
  }
  const dataset = parseDataset(body, datasetEncodingOf(transferSyntax), bodyStart, body.length);
  const isDicomdir = stringValue(meta, Tags.MediaStorageSOPClassUID) === MEDIA_STORAGE_DIRECTORY_STORAGE
    || findElement(dataset, Tags.DirectoryRecordSequence) !== undefined;
  return { ok: true, meta, dataset, transferSyntax, isDicomdir, warnings };
}

function readBareDataset(located: Located, transferSyntax: string): DicomReadResult {
  const dataset = parseDataset(located.buffer, datasetEncodingOf(transferSyntax), 0, located.buffer.length);
  const isDicomdir = findElement(dataset, Tags.DirectoryRecordSequence) !== undefined;
  return { ok: true, meta: null, dataset, transferSyntax, isDicomdir, warnings: located.warnings };
}

/** PS3.10 7.1: (0002,0000) counts the meta bytes after it. We regenerate it, so a wrong one is only noted. */
function checkMetaGroupLength(meta: DicomDataset, metaEnd: number): string[] {
  const groupLength = findElement(meta, Tags.FileMetaInformationGroupLength);
  if (!groupLength) return ['no file meta group length'];
  if (groupLength.valueLength !== 4) throw malformed('the File Meta Information Group Length is not 4 bytes', groupLength.start);
  const declared = meta.bytes.readUInt32LE(groupLength.valueOffset);
  return declared === metaEnd - groupLength.end ? [] : ['file meta group length does not match'];
}

function inflate(deflated: Buffer): Buffer {
  try {
    return inflateRawSync(deflated, { maxOutputLength: MAX_INFLATED_BYTES });
  } catch (error) {
    const tooLarge = error instanceof RangeError || (error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE';
    throw malformed(tooLarge ? 'the deflated data set inflates beyond the size limit' : 'the deflated data set is corrupt or truncated');
  }
}
