// Turns dicom-parser's element maps into our validated DicomDataset tree. dicom-parser is
// lenient by design (it warns and carries on); here every element, item and delimiter must
// tile its container exactly, so a duplicate tag, a length past the end, a missing delimiter
// or a stray item is a clear per-file error instead of a silently partial data set.
import { InvalidInputError } from '../../util/errors.ts';
import type { DatasetEncoding, DicomDataset, DicomElement, DicomItem } from './dicom-dataset.ts';
import { dicomParser, parserErrorMessage } from './dicom-parser-api.ts';
import type { ParserElement, ParserItem } from './dicom-parser-api.ts';
import {
  ITEM, ITEM_DELIMITATION, SEQUENCE_DELIMITATION, formatTag, isPrivateTag, tagGroup,
} from './dicom-tag.ts';
import type { DicomTag } from './dicom-tag.ts';
import { VALUE_REPRESENTATIONS, dictionaryVr, hasLongExplicitHeader } from './value-representation.ts';

/** Real objects nest a handful of levels (SR trees perhaps 20); more is an attack or corruption. */
export const MAX_SEQUENCE_DEPTH = 64;

const UNDEFINED_LENGTH = 0xffffffff;

export function malformed(message: string, offset?: number): InvalidInputError {
  return new InvalidInputError(message, 'malformed', undefined, offset === undefined ? undefined : String(offset));
}

/** dicom-parser's vrCallback for Implicit VR: the dictionary VR, so defined-length SQs are parsed. */
export function implicitVrCallback(tag: string): string | undefined {
  return dictionaryVr(Number.parseInt(tag.slice(1), 16)) ?? undefined;
}

interface TreeBuilder {
  readonly bytes: Buffer;
}

/**
 * Builds the data set spanning [start, end). With `closedByItemDelimiter` the last parsed
 * element must be an Item Delimitation Item (undefined-length item) and the returned end is
 * just past it; otherwise the elements must end exactly at `end`.
 */
export function buildDataset(
  builder: TreeBuilder,
  parsed: Record<string, ParserElement>,
  encoding: DatasetEncoding,
  start: number,
  end: number,
  depth: number,
  closedByItemDelimiter: boolean,
): { dataset: DicomDataset; end: number } {
  if (depth > MAX_SEQUENCE_DEPTH) {
    throw malformed(`sequences are nested deeper than ${MAX_SEQUENCE_DEPTH} levels`, start);
  }
  const list = Object.values(parsed).sort((a, b) => a.dataOffset - b.dataOffset);
  const elements: DicomElement[] = [];
  let cursor = start;
  let previousTag = -1;
  for (let i = 0; i < list.length; i++) {
    const el = list[i]!;
    const tag = Number.parseInt(el.tag.slice(1), 16);
    if (tag === ITEM_DELIMITATION && closedByItemDelimiter && i === list.length - 1) {
      // Read by dicom-parser as an 8-byte element in both explicit and implicit encodings.
      if (el.dataOffset - 8 !== cursor) throw gapBefore(builder.bytes, tag, cursor, encoding);
      const dataset: DicomDataset = { bytes: builder.bytes, encoding, elements };
      return { dataset, end: el.dataOffset };
    }
    if (tagGroup(tag) === 0xfffe) {
      throw malformed(`item or delimitation tag ${formatTag(tag)} outside a sequence`, cursor);
    }
    if (tagGroup(tag) === 0xffff) throw malformed(`illegal group FFFF at ${formatTag(tag)}`, cursor);
    const element = buildElement(builder, el, tag, encoding, cursor, end, depth);
    if (tag <= previousTag) {
      throw malformed(`${formatTag(tag)} is out of ascending tag order (PS3.5 7.1)`, element.start);
    }
    previousTag = tag;
    elements.push(element);
    cursor = element.end;
  }
  if (closedByItemDelimiter) throw malformed('sequence item of undefined length has no Item Delimitation Item', cursor);
  if (cursor !== end) {
    throw malformed(cursor > end ? 'an element runs past the end of its container' : 'unparsed bytes at the end of a data set', cursor);
  }
  return { dataset: { bytes: builder.bytes, encoding, elements }, end };
}

/** dicom-parser keeps the last of two equal tags, so a duplicate shows up as a gap. */
function gapBefore(bytes: Buffer, tag: DicomTag, cursor: number, encoding: DatasetEncoding): InvalidInputError {
  const skipped = readTag(bytes, cursor, encoding);
  return skipped === tag
    ? malformed(`duplicate attribute ${formatTag(tag)}`, cursor)
    : malformed(`bytes before ${formatTag(tag)} were not parsed (overlapping or duplicate attributes)`, cursor);
}

function buildElement(
  builder: TreeBuilder,
  el: ParserElement,
  tag: DicomTag,
  encoding: DatasetEncoding,
  cursor: number,
  limit: number,
  depth: number,
): DicomElement {
  const explicitVr = encoding !== 'implicit-le';
  let vr: string;
  if (explicitVr) {
    vr = el.vr ?? '';
    if (!VALUE_REPRESENTATIONS.has(vr)) throw malformed(`invalid VR for ${formatTag(tag)}`, cursor);
  } else {
    vr = dictionaryVr(tag) ?? (el.items ? 'SQ' : 'UN');
  }
  const headerLength = explicitVr && hasLongExplicitHeader(vr) ? 12 : 8;
  const start = el.dataOffset - headerLength;
  if (start !== cursor) throw gapBefore(builder.bytes, tag, cursor, encoding);
  const undefinedLength = el.hadUndefinedLength === true;

  if (el.encapsulatedPixelData) {
    const end = el.dataOffset + el.length;
    if (end > limit || el.length < 16 || readTag(builder.bytes, end - 8, encoding) !== SEQUENCE_DELIMITATION) {
      throw malformed('encapsulated Pixel Data has no Sequence Delimitation Item', el.dataOffset);
    }
    for (const fragment of el.fragments ?? []) {
      if (fragment.position + fragment.length > end - 8) throw malformed('a pixel data fragment runs past its end', fragment.position);
    }
    return makeElement(tag, vr, explicitVr, start, el.dataOffset, el.length - 8, end, undefinedLength, null, true);
  }

  let parsedItems = el.items;
  let length = el.length;
  // Implicit VR: dicom-parser drops the items of private sequences; CP-246: a sequence encoded
  // as UN is in Implicit VR Little Endian. Both are re-read so their contents can be cleaned.
  const implicitPrivateSequence = !explicitVr && undefinedLength && !parsedItems && isPrivateTag(tag);
  const sequenceAsUn = explicitVr && vr === 'UN' && !parsedItems && !undefinedLength && el.length > 0 && dictionaryVr(tag) === 'SQ';
  if (implicitPrivateSequence || sequenceAsUn) {
    const reread = rereadImplicitSequence(builder.bytes, el, undefinedLength);
    parsedItems = reread.items;
    length = reread.length;
  }
  if (parsedItems) {
    const itemEncoding: DatasetEncoding = explicitVr && vr === 'UN' ? 'implicit-le' : encoding;
    if (encoding === 'explicit-be' && itemEncoding === 'implicit-le' && undefinedLength) {
      throw new InvalidInputError('a UN sequence of undefined length in a big endian data set is not supported', 'unsupported');
    }
    const contentEnd = el.dataOffset + length;
    const end = undefinedLength ? contentEnd + 8 : contentEnd;
    if (end > limit) throw malformed(`${formatTag(tag)} runs past the end of its container`, start);
    if (undefinedLength && readTag(builder.bytes, contentEnd, itemEncoding) !== SEQUENCE_DELIMITATION) {
      throw malformed(`sequence ${formatTag(tag)} has no Sequence Delimitation Item`, contentEnd);
    }
    const items = buildItems(builder, parsedItems, itemEncoding, el.dataOffset, contentEnd, depth + 1);
    return makeElement(tag, vr, explicitVr, start, el.dataOffset, length, end, undefinedLength, items, false);
  }
  if (undefinedLength) throw malformed(`undefined length on ${formatTag(tag)}, which is not a sequence`, start);
  const end = el.dataOffset + el.length;
  if (end > limit) throw malformed(`the value of ${formatTag(tag)} runs past the end of the data`, el.dataOffset);
  return makeElement(tag, vr, explicitVr, start, el.dataOffset, el.length, end, undefinedLength, null, false);
}

// One plain literal per element: object spread and per-call closures were the reader's hot spot.
function makeElement(
  tag: DicomTag, vr: string, explicitVr: boolean, start: number, valueOffset: number, valueLength: number,
  end: number, undefinedLength: boolean, items: DicomItem[] | null, encapsulated: boolean,
): DicomElement {
  return { tag, vr, explicitVr, start, valueOffset, valueLength, end, undefinedLength, items, encapsulated };
}

function buildItems(
  builder: TreeBuilder,
  parsedItems: ParserItem[],
  encoding: DatasetEncoding,
  start: number,
  end: number,
  depth: number,
): DicomItem[] {
  if (depth > MAX_SEQUENCE_DEPTH) throw malformed(`sequences are nested deeper than ${MAX_SEQUENCE_DEPTH} levels`, start);
  const items: DicomItem[] = [];
  let cursor = start;
  for (const item of parsedItems) {
    const itemStart = item.dataOffset - 8;
    if (itemStart !== cursor || readTag(builder.bytes, itemStart, encoding) !== ITEM) {
      throw malformed('sequence items do not follow each other', cursor);
    }
    const undefinedLength = item.hadUndefinedLength === true;
    const itemEnd = item.dataOffset + item.length;
    if (itemEnd > end) throw malformed('a sequence item runs past the end of its sequence', itemStart);
    const nested = buildDataset(builder, item.dataSet?.elements ?? {}, encoding, item.dataOffset, itemEnd, depth, undefinedLength);
    if (nested.end !== itemEnd) throw malformed('a sequence item does not end where its length says', nested.end);
    items.push({ start: itemStart, end: itemEnd, undefinedLength, dataset: nested.dataset });
    cursor = itemEnd;
  }
  if (cursor !== end) throw malformed('bytes in a sequence are not inside any item', cursor);
  return items;
}

function rereadImplicitSequence(bytes: Buffer, el: ParserElement, undefinedLength: boolean): { items: ParserItem[]; length: number } {
  const stream = new dicomParser.ByteStream(dicomParser.littleEndianByteArrayParser, bytes, el.dataOffset);
  const element: ParserElement = {
    tag: el.tag,
    length: undefinedLength ? UNDEFINED_LENGTH : el.length,
    dataOffset: el.dataOffset,
    hadUndefinedLength: undefinedLength,
  };
  try {
    dicomParser.readSequenceItemsImplicit(stream, element, implicitVrCallback);
  } catch (error) {
    throw malformed(`cannot read the sequence ${el.tag} (${parserErrorMessage(error)})`, el.dataOffset);
  }
  if (stream.warnings.length > 0) throw malformed('a sequence ends before its delimiter', el.dataOffset);
  return { items: element.items ?? [], length: element.length };
}

function readTag(bytes: Buffer, offset: number, encoding: DatasetEncoding): number {
  if (offset < 0 || offset + 4 > bytes.length) return -1;
  return encoding === 'explicit-be'
    ? ((bytes.readUInt16BE(offset) << 16) | bytes.readUInt16BE(offset + 2)) >>> 0
    : ((bytes.readUInt16LE(offset) << 16) | bytes.readUInt16LE(offset + 2)) >>> 0;
}
