// The parsed, validated shape of a DICOM data set: every element located by byte offsets in
// the source buffer, so unchanged elements can be copied byte for byte when writing back.
import type { DicomTag } from './dicom-tag.ts';
import { Tags } from './dicom-tag.ts';

/** How the elements of one data set are encoded (PS3.5 Section 7 and Annex A). */
export type DatasetEncoding = 'implicit-le' | 'explicit-le' | 'explicit-be';

/** One data element, located in `DicomDataset.bytes`. */
export interface DicomElement {
  readonly tag: DicomTag;
  /** The VR as encoded, or for Implicit VR the dictionary's (UN when the tag is unknown). */
  readonly vr: string;
  /** True when the VR was written in the file (Explicit VR), false when looked up. */
  readonly explicitVr: boolean;
  /** Offset of the tag. */
  readonly start: number;
  readonly valueOffset: number;
  /** Bytes of the value field, excluding a closing Sequence Delimitation Item. */
  readonly valueLength: number;
  /** Offset just past the element, including any closing delimiter. */
  readonly end: number;
  readonly undefinedLength: boolean;
  /** Items of a sequence: SQ, or UN holding a sequence in Implicit VR Little Endian (PS3.5 6.2.2). */
  readonly items: readonly DicomItem[] | null;
  /** Pixel Data in encapsulated format (PS3.5 A.4): never decoded, copied as is. */
  readonly encapsulated: boolean;
}

/** One sequence item (FFFE,E000) and the nested data set it carries. */
export interface DicomItem {
  readonly start: number;
  readonly end: number;
  readonly undefinedLength: boolean;
  readonly dataset: DicomDataset;
}

/** An ordered list of elements (ascending tags, no duplicates) over one buffer. */
export interface DicomDataset {
  readonly bytes: Buffer;
  readonly encoding: DatasetEncoding;
  readonly elements: readonly DicomElement[];
}

export function findElement(dataset: DicomDataset, tag: DicomTag): DicomElement | undefined {
  const elements = dataset.elements;
  let lo = 0;
  let hi = elements.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const candidate = elements[mid]!;
    if (candidate.tag === tag) return candidate;
    if (candidate.tag < tag) lo = mid + 1;
    else hi = mid - 1;
  }
  return undefined;
}

export function elementValueBytes(dataset: DicomDataset, element: DicomElement): Buffer {
  return dataset.bytes.subarray(element.valueOffset, element.valueOffset + element.valueLength);
}

/**
 * A string value with its padding removed (PS3.5 6.2: trailing spaces, and NUL for UI),
 * decoded byte for byte. Use `decodeText` where the Specific Character Set matters.
 */
export function elementString(dataset: DicomDataset, element: DicomElement | undefined): string | null {
  if (!element || element.items || element.encapsulated) return null;
  return trimPadding(elementValueBytes(dataset, element).toString('latin1'));
}

export function stringValue(dataset: DicomDataset, tag: DicomTag): string | null {
  const value = elementString(dataset, findElement(dataset, tag));
  return value === null || value === '' ? null : value;
}

/** The values of a multi-valued string (VM > 1 uses a backslash, PS3.5 6.4). */
export function stringValues(dataset: DicomDataset, tag: DicomTag): string[] {
  const value = elementString(dataset, findElement(dataset, tag));
  return value ? value.split('\\').map(trimPadding) : [];
}

export function trimPadding(value: string): string {
  return value.replace(/^[\s\0]+|[\s\0]+$/g, '');
}

/** A text value decoded with the data set's Specific Character Set (0008,0005), PS3.5 6.1. */
export function textValue(dataset: DicomDataset, tag: DicomTag, characterSet: string | null): string | null {
  const element = findElement(dataset, tag);
  if (!element || element.items || element.encapsulated) return null;
  const text = trimPadding(decodeText(elementValueBytes(dataset, element), characterSet));
  return text === '' ? null : text;
}

export function characterSetOf(dataset: DicomDataset): string | null {
  return stringValue(dataset, Tags.SpecificCharacterSet);
}

const DECODER_LABELS: Record<string, string> = {
  'ISO_IR 192': 'utf-8',
  'ISO_IR 100': 'latin1',
  'ISO_IR 101': 'iso-8859-2',
  'ISO_IR 109': 'iso-8859-3',
  'ISO_IR 110': 'iso-8859-4',
  'ISO_IR 144': 'iso-8859-5',
  'ISO_IR 127': 'iso-8859-6',
  'ISO_IR 126': 'iso-8859-7',
  'ISO_IR 138': 'iso-8859-8',
  'ISO_IR 148': 'iso-8859-9',
  'ISO_IR 203': 'iso-8859-15',
  'ISO_IR 166': 'windows-874',
  'ISO_IR 13': 'shift_jis',
  GB18030: 'gb18030',
  GBK: 'gbk',
};

/**
 * Decodes with the first Specific Character Set value when it names a single-byte or Unicode
 * repertoire; ISO 2022 code extensions and unknown terms fall back to Latin-1, which keeps every
 * byte (identifiers are ASCII in practice, and ASCII decodes the same in all of them).
 */
export function decodeText(bytes: Buffer, characterSet: string | null): string {
  const term = characterSet?.split('\\').map((t) => t.trim()).find((t) => t !== '');
  const label = term ? DECODER_LABELS[term] : undefined;
  if (!label || label === 'latin1') return bytes.toString('latin1');
  if (label === 'utf-8') return bytes.toString('utf8');
  try {
    return new TextDecoder(label).decode(bytes);
  } catch {
    return bytes.toString('latin1');
  }
}

/** An unsigned 16-bit value (US) in the data set's byte order. */
export function uint16Value(dataset: DicomDataset, tag: DicomTag): number | null {
  const element = findElement(dataset, tag);
  if (!element || element.valueLength < 2 || element.items) return null;
  return dataset.encoding === 'explicit-be'
    ? dataset.bytes.readUInt16BE(element.valueOffset)
    : dataset.bytes.readUInt16LE(element.valueOffset);
}
