// Reads the elements of a DICOM data set (PS3.5 Section 7 and Annex A) straight from the bytes into
// our validated DicomDataset tree, with numeric tags and byte offsets only: no value is decoded.
// Strict by design: elements, items and delimiters must tile their container exactly, tags must
// ascend, explicit VRs must be real VRs and agree with PS3.6, so a duplicate tag, a length past
// the end, a missing delimiter or a stray item is a clear per-file error with its byte offset.
//
// Until session 9 this went through dicom-parser (string-keyed element maps, then a second pass
// to build and check the tree); that was a third of de-identification's CPU and most of what its
// threads had to compile, so the issue's "hand-written parser if the library cannot reach the
// target" clause applies (figures in bench/RESULTS.md). parse-dataset.test.ts cross-checks every
// element this reader finds against dicom-parser over the shared corpus.
import { InvalidInputError } from '../../util/errors.ts';
import type { DatasetEncoding, DicomDataset, DicomElement, DicomItem } from './dicom-dataset.ts';
import { ITEM, ITEM_DELIMITATION, SEQUENCE_DELIMITATION, Tags, formatTag, isPrivateTag } from './dicom-tag.ts';
import type { DicomTag } from './dicom-tag.ts';
import { VALUE_REPRESENTATIONS, allowedVrs, dictionaryVr, hasLongExplicitHeader } from './value-representation.ts';

/** Real objects nest a handful of levels (SR trees perhaps 20); more is an attack or corruption. */
export const MAX_SEQUENCE_DEPTH = 64;

const UNDEFINED_LENGTH = 0xffffffff;

export function malformed(message: string, offset?: number): InvalidInputError {
  return new InvalidInputError(message, 'malformed', undefined, offset === undefined ? undefined : String(offset));
}

/** Explicit VR bytes (first << 8 | second) to the VR, for the 34 valid ones; no string is made per element. */
const VR_BY_CODE = new Map<number, string>();
for (const vr of VALUE_REPRESENTATIONS) VR_BY_CODE.set((vr.charCodeAt(0) << 8) | vr.charCodeAt(1), vr);

/** What a data set is parsed as: where it may end and whether an Item Delimitation Item closes it. */
interface Frame {
  encoding: DatasetEncoding;
  /** The data set may not reach past this offset. */
  limit: number;
  depth: number;
  /** An undefined-length item: ends at its Item Delimitation Item, not at `limit`. */
  delimited: boolean;
  /** The top level of a Part 10 body: File Meta Information (group 0002) may not appear. */
  body: boolean;
}

/**
 * Parses the data set in `bytes[start, end)`. Group 0002 elements are refused at its top level
 * (PS3.10 7.1: the File Meta Information precedes the data set). Throws InvalidInputError.
 */
export function parseDataset(bytes: Buffer, encoding: DatasetEncoding, start: number, end: number): DicomDataset {
  if (start >= end) throw malformed('the file has no data set after the File Meta Information', start);
  const parser = new DatasetParser(bytes);
  const { dataset } = parser.dataset(start, { encoding, limit: end, depth: 0, delimited: false, body: true });
  return dataset;
}

/**
 * Parses the File Meta Information from `start` (just after the DICM prefix): Explicit VR Little
 * Endian elements for as long as their group is 0002. Returns the data set and where it ends.
 */
export function parseFileMeta(bytes: Buffer, start: number): { meta: DicomDataset; end: number } {
  const parser = new DatasetParser(bytes);
  const frame: Frame = { encoding: 'explicit-le', limit: bytes.length, depth: 0, delimited: false, body: false };
  const elements: DicomElement[] = [];
  let cursor = start;
  let previous = -1;
  while (cursor + 2 <= bytes.length && bytes.readUInt16LE(cursor) === 0x0002) {
    if (cursor + 8 > bytes.length) throw malformed('the File Meta Information is truncated', cursor);
    const tag = parser.tagAt(cursor, false);
    if (tag <= previous) throw malformed(orderProblem(tag, previous), cursor);
    const element = parser.element(cursor, tag, frame);
    elements.push(element);
    previous = tag;
    cursor = element.end;
  }
  return { meta: { bytes, encoding: 'explicit-le', elements }, end: cursor };
}

function orderProblem(tag: DicomTag, previous: DicomTag): string {
  return tag === previous ? `duplicate attribute ${formatTag(tag)}` : `${formatTag(tag)} is out of ascending tag order (PS3.5 7.1)`;
}

class DatasetParser {
  constructor(private readonly b: Buffer) {}

  private u16(pos: number, be: boolean): number {
    const b = this.b;
    return be ? (b[pos]! << 8) | b[pos + 1]! : b[pos]! | (b[pos + 1]! << 8);
  }

  private u32(pos: number, be: boolean): number {
    const b = this.b;
    return be
      ? ((b[pos]! << 24) | (b[pos + 1]! << 16) | (b[pos + 2]! << 8) | b[pos + 3]!) >>> 0
      : (b[pos]! | (b[pos + 1]! << 8) | (b[pos + 2]! << 16) | (b[pos + 3]! << 24)) >>> 0;
  }

  tagAt(pos: number, be: boolean): number {
    return ((this.u16(pos, be) << 16) | this.u16(pos + 2, be)) >>> 0;
  }

  /** PS3.5 7.5: Item and Sequence Delimitation Items have a zero length. */
  private checkDelimiterLength(pos: number, be: boolean): void {
    if (this.u32(pos + 4, be) !== 0) throw malformed(`the delimiter ${formatTag(this.tagAt(pos, be))} has a non-zero length`, pos);
  }

  /** The tag at `pos` if a whole 8-byte header fits before `limit`, else -1. */
  private headerTag(pos: number, limit: number, be: boolean): number {
    return pos + 8 <= limit ? this.tagAt(pos, be) : -1;
  }

  dataset(start: number, frame: Frame): { dataset: DicomDataset; end: number } {
    // Nesting depth is checked where a sequence opens (sequence()), the only way deeper in.
    const be = frame.encoding === 'explicit-be';
    const elements: DicomElement[] = [];
    let cursor = start;
    let previous = -1;
    while (cursor < frame.limit) {
      if (cursor + 8 > frame.limit) throw malformed('the data ends inside an element header', cursor);
      const tag = this.tagAt(cursor, be);
      if (tag === ITEM_DELIMITATION && frame.delimited) {
        this.checkDelimiterLength(cursor, be);
        return { dataset: { bytes: this.b, encoding: frame.encoding, elements }, end: cursor + 8 };
      }
      const group = tag >>> 16;
      if (group === 0xfffe) throw malformed(`item or delimitation tag ${formatTag(tag)} outside a sequence`, cursor);
      if (group === 0xffff) throw malformed(`illegal group FFFF at ${formatTag(tag)}`, cursor);
      if (tag <= previous) throw malformed(orderProblem(tag, previous), cursor);
      if (frame.body && group === 0x0002) {
        throw malformed(`File Meta Information attribute ${formatTag(tag)} inside the data set (PS3.10 7.1)`, cursor);
      }
      const element = this.element(cursor, tag, frame);
      elements.push(element);
      previous = tag;
      cursor = element.end;
    }
    if (frame.delimited) throw malformed('sequence item of undefined length has no Item Delimitation Item', cursor);
    if (cursor !== frame.limit) throw malformed('an element runs past the end of its container', cursor);
    return { dataset: { bytes: this.b, encoding: frame.encoding, elements }, end: cursor };
  }

  element(start: number, tag: DicomTag, frame: Frame): DicomElement {
    const b = this.b;
    const limit = frame.limit;
    if (frame.encoding === 'implicit-le') return this.implicitElement(start, tag, frame);
    const be = frame.encoding === 'explicit-be';
    const vr = VR_BY_CODE.get((b[start + 4]! << 8) | b[start + 5]!);
    if (vr === undefined) throw malformed(`invalid VR for ${formatTag(tag)}`, start);
    let valueOffset: number;
    let length: number;
    if (hasLongExplicitHeader(vr)) {
      if (start + 12 > limit) throw malformed('the data ends inside an element header', start);
      valueOffset = start + 12;
      length = this.u32(start + 8, be);
    } else {
      valueOffset = start + 8;
      length = this.u16(start + 6, be);
    }
    if (vr !== 'UN') {
      const allowed = allowedVrs(tag);
      if (allowed !== null && !allowed.includes(vr)) {
        throw malformed(`${formatTag(tag)} is encoded with VR ${vr}, PS3.6 says ${allowed.join(' or ')}`, start);
      }
    }
    const undefinedLength = length === UNDEFINED_LENGTH;
    if (vr === 'SQ') return this.sequence(start, tag, vr, true, valueOffset, length, frame, frame.encoding);
    if (undefinedLength) {
      if (tag === Tags.PixelData) return this.encapsulatedPixelData(start, tag, vr, valueOffset, frame);
      if (vr === 'UN') {
        // CP-246: a sequence of unknown VR is in Implicit VR Little Endian, whatever the data set's encoding.
        if (be) throw new InvalidInputError('a UN sequence of undefined length in a big endian data set is not supported', 'unsupported');
        return this.sequence(start, tag, vr, true, valueOffset, length, frame, 'implicit-le');
      }
      throw malformed(`undefined length on ${formatTag(tag)}, which is not a sequence`, start);
    }
    if (vr === 'UN' && length > 0 && dictionaryVr(tag) === 'SQ') {
      // A known sequence written as UN (CP-246): its items are Implicit VR Little Endian.
      return this.sequence(start, tag, vr, true, valueOffset, length, frame, 'implicit-le');
    }
    const end = valueOffset + length;
    if (end > limit) throw malformed(`the value of ${formatTag(tag)} runs past the end of the data`, valueOffset);
    return makeElement(tag, vr, true, start, valueOffset, length, end, false, null, false);
  }

  /**
   * Implicit VR: the dictionary gives the VR. A sequence is one the dictionary calls SQ, or an
   * unknown element whose value starts with an item or sequence delimiter; a private one only
   * when its length is undefined (a defined-length private value stays opaque, as dicom-parser
   * and most toolkits read it).
   */
  private implicitElement(start: number, tag: DicomTag, frame: Frame): DicomElement {
    const valueOffset = start + 8;
    const length = this.u32(start + 4, false);
    const undefinedLength = length === UNDEFINED_LENGTH;
    const known = dictionaryVr(tag);
    let sequence: boolean;
    if (known !== null) {
      sequence = known === 'SQ';
    } else {
      const next = this.headerTag(valueOffset, this.b.length, false);
      sequence = next === ITEM || next === SEQUENCE_DELIMITATION;
    }
    if (sequence && (undefinedLength || !isPrivateTag(tag))) {
      const vr = known ?? (isPrivateTag(tag) ? 'UN' : 'SQ');
      return this.sequence(start, tag, vr, false, valueOffset, length, frame, 'implicit-le');
    }
    if (undefinedLength) throw malformed(`undefined length on ${formatTag(tag)}, which is not a sequence`, start);
    const end = valueOffset + length;
    if (end > frame.limit) throw malformed(`the value of ${formatTag(tag)} runs past the end of the data`, valueOffset);
    return makeElement(tag, known ?? 'UN', false, start, valueOffset, length, end, false, null, false);
  }

  /** A sequence's items, in `itemEncoding`; defined length, or up to its Sequence Delimitation Item. */
  private sequence(
    start: number, tag: DicomTag, vr: string, explicitVr: boolean, valueOffset: number, length: number,
    frame: Frame, itemEncoding: DatasetEncoding,
  ): DicomElement {
    const depth = frame.depth + 1;
    if (depth > MAX_SEQUENCE_DEPTH) throw malformed(`sequences are nested deeper than ${MAX_SEQUENCE_DEPTH} levels`, valueOffset);
    const undefinedLength = length === UNDEFINED_LENGTH;
    const be = itemEncoding === 'explicit-be';
    const contentLimit = undefinedLength ? frame.limit : valueOffset + length;
    if (contentLimit > frame.limit) throw malformed(`${formatTag(tag)} runs past the end of its container`, start);
    const items: DicomItem[] = [];
    let cursor = valueOffset;
    for (;;) {
      if (!undefinedLength && cursor === contentLimit) break;
      const itemTag = this.headerTag(cursor, contentLimit, be);
      if (undefinedLength && itemTag === SEQUENCE_DELIMITATION) {
        this.checkDelimiterLength(cursor, be);
        break;
      }
      if (itemTag === -1) {
        throw undefinedLength
          ? malformed(`sequence ${formatTag(tag)} has no Sequence Delimitation Item`, cursor)
          : malformed('bytes in a sequence are not inside any item', cursor);
      }
      if (itemTag !== ITEM) throw malformed('sequence items do not follow each other', cursor);
      const itemLength = this.u32(cursor + 4, be);
      const itemFrame: Frame = { encoding: itemEncoding, limit: contentLimit, depth, delimited: itemLength === UNDEFINED_LENGTH, body: false };
      let itemEnd: number;
      let nested: DicomDataset;
      if (itemFrame.delimited) {
        ({ dataset: nested, end: itemEnd } = this.dataset(cursor + 8, itemFrame));
      } else {
        itemEnd = cursor + 8 + itemLength;
        if (itemEnd > contentLimit) throw malformed('a sequence item runs past the end of its sequence', cursor);
        itemFrame.limit = itemEnd;
        nested = this.dataset(cursor + 8, itemFrame).dataset;
      }
      items.push({ start: cursor, end: itemEnd, undefinedLength: itemFrame.delimited, dataset: nested });
      cursor = itemEnd;
    }
    const end = undefinedLength ? cursor + 8 : cursor;
    return makeElement(tag, vr, explicitVr, start, valueOffset, cursor - valueOffset, end, undefinedLength, items, false);
  }

  /** PS3.5 A.4: a Basic Offset Table item, fragment items, then a Sequence Delimitation Item. */
  private encapsulatedPixelData(start: number, tag: DicomTag, vr: string, valueOffset: number, frame: Frame): DicomElement {
    const be = frame.encoding === 'explicit-be';
    let cursor = valueOffset;
    let first = true;
    for (;;) {
      const itemTag = this.headerTag(cursor, frame.limit, be);
      if (itemTag === SEQUENCE_DELIMITATION && !first) {
        this.checkDelimiterLength(cursor, be);
        break;
      }
      if (itemTag === -1 || itemTag === SEQUENCE_DELIMITATION) {
        throw malformed('encapsulated Pixel Data has no Sequence Delimitation Item', cursor);
      }
      if (itemTag !== ITEM) {
        throw malformed(first ? 'encapsulated Pixel Data has no Basic Offset Table item' : 'encapsulated Pixel Data holds something other than fragment items', cursor);
      }
      const itemLength = this.u32(cursor + 4, be);
      if (first && itemLength % 4 !== 0) throw malformed('the Basic Offset Table is not a whole number of offsets', cursor);
      if (itemLength === UNDEFINED_LENGTH || cursor + 8 + itemLength > frame.limit) {
        throw malformed('a pixel data fragment runs past its end', cursor + 8);
      }
      cursor += 8 + itemLength;
      first = false;
    }
    return makeElement(tag, vr, true, start, valueOffset, cursor - valueOffset, cursor + 8, true, null, true);
  }
}

// One plain literal per element, always the same shape, so code reading elements stays monomorphic.
function makeElement(
  tag: DicomTag, vr: string, explicitVr: boolean, start: number, valueOffset: number, valueLength: number,
  end: number, undefinedLength: boolean, items: DicomItem[] | null, encapsulated: boolean,
): DicomElement {
  return { tag, vr, explicitVr, start, valueOffset, valueLength, end, undefinedLength, items, encapsulated };
}
