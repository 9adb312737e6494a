// Transfer syntaxes we can read and write back unchanged (PS3.5 Section 10, PS3.6 Annex A).
import type { DatasetEncoding } from './dicom-dataset.ts';

export const IMPLICIT_VR_LITTLE_ENDIAN = '1.2.840.10008.1.2';
export const EXPLICIT_VR_LITTLE_ENDIAN = '1.2.840.10008.1.2.1';
export const DEFLATED_EXPLICIT_VR_LITTLE_ENDIAN = '1.2.840.10008.1.2.1.99';
export const EXPLICIT_VR_BIG_ENDIAN = '1.2.840.10008.1.2.2';

/**
 * Every standard transfer syntax with an explicit little endian data set whose pixel data is
 * encapsulated (PS3.5 A.4) or referenced (JPIP, PS3.5 A.6/A.7). We never decode pixel data, so
 * all of them pass through; a private or unknown transfer syntax is refused because we could
 * not know how its data set is encoded.
 */
const ENCAPSULATED = new Set([
  '1.2.840.10008.1.2.1.98', // Encapsulated Uncompressed Explicit VR Little Endian
  '1.2.840.10008.1.2.4.50', '1.2.840.10008.1.2.4.51', '1.2.840.10008.1.2.4.52',
  '1.2.840.10008.1.2.4.53', '1.2.840.10008.1.2.4.54', '1.2.840.10008.1.2.4.55',
  '1.2.840.10008.1.2.4.56', '1.2.840.10008.1.2.4.57', '1.2.840.10008.1.2.4.58',
  '1.2.840.10008.1.2.4.59', '1.2.840.10008.1.2.4.60', '1.2.840.10008.1.2.4.61',
  '1.2.840.10008.1.2.4.62', '1.2.840.10008.1.2.4.63', '1.2.840.10008.1.2.4.64',
  '1.2.840.10008.1.2.4.65', '1.2.840.10008.1.2.4.66', '1.2.840.10008.1.2.4.70', // JPEG family
  '1.2.840.10008.1.2.4.80', '1.2.840.10008.1.2.4.81', // JPEG-LS
  '1.2.840.10008.1.2.4.90', '1.2.840.10008.1.2.4.91', '1.2.840.10008.1.2.4.92', '1.2.840.10008.1.2.4.93', // JPEG 2000
  '1.2.840.10008.1.2.4.94', '1.2.840.10008.1.2.4.95', // JPIP referenced
  '1.2.840.10008.1.2.4.100', '1.2.840.10008.1.2.4.100.1', '1.2.840.10008.1.2.4.101', '1.2.840.10008.1.2.4.101.1',
  '1.2.840.10008.1.2.4.102', '1.2.840.10008.1.2.4.102.1', '1.2.840.10008.1.2.4.103', '1.2.840.10008.1.2.4.103.1',
  '1.2.840.10008.1.2.4.104', '1.2.840.10008.1.2.4.104.1', '1.2.840.10008.1.2.4.105', '1.2.840.10008.1.2.4.105.1',
  '1.2.840.10008.1.2.4.106', '1.2.840.10008.1.2.4.106.1', '1.2.840.10008.1.2.4.107', '1.2.840.10008.1.2.4.108', // MPEG/HEVC
  '1.2.840.10008.1.2.4.201', '1.2.840.10008.1.2.4.202', '1.2.840.10008.1.2.4.203', // HTJ2K
  '1.2.840.10008.1.2.4.204', '1.2.840.10008.1.2.4.205', // JPIP HTJ2K referenced
  '1.2.840.10008.1.2.4.110', '1.2.840.10008.1.2.4.111', '1.2.840.10008.1.2.4.112', // JPEG XL
  '1.2.840.10008.1.2.5', // RLE Lossless
  '1.2.840.10008.1.2.6.1', '1.2.840.10008.1.2.6.2', // RFC 2557 MIME / XML encoding
  '1.2.840.10008.1.2.7.1', '1.2.840.10008.1.2.7.2', '1.2.840.10008.1.2.7.3', // SMPTE ST 2110
  '1.2.840.10008.1.2.8.1', // Deflated Image Frame Compression
]);

const NATIVE = new Set([
  IMPLICIT_VR_LITTLE_ENDIAN,
  EXPLICIT_VR_LITTLE_ENDIAN,
  DEFLATED_EXPLICIT_VR_LITTLE_ENDIAN,
  EXPLICIT_VR_BIG_ENDIAN,
]);

export function isSupportedTransferSyntax(uid: string): boolean {
  return NATIVE.has(uid) || ENCAPSULATED.has(uid);
}

/** How the data set after the file meta is encoded (the pixel data may be encapsulated within). */
export function datasetEncodingOf(uid: string): DatasetEncoding {
  if (uid === IMPLICIT_VR_LITTLE_ENDIAN) return 'implicit-le';
  if (uid === EXPLICIT_VR_BIG_ENDIAN) return 'explicit-be';
  return 'explicit-le';
}

export function isDeflated(uid: string): boolean {
  return uid === DEFLATED_EXPLICIT_VR_LITTLE_ENDIAN;
}
