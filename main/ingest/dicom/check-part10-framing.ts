// A fast structural check of a Part 10 file we wrote ourselves: preamble, meta group length, and
// the framing of every element, sequence, item and fragment (PS3.5 7.1, 7.5, A.4): tags ascend,
// lengths tile their parents exactly, delimiters close what they open. It builds no tree and
// decodes no value, so it costs a fraction of a full re-read; the writer's values come from data
// the reader already accepted, so framing is what a writer bug would break.
import type { DatasetEncoding } from './dicom-dataset.ts';
import { ITEM, ITEM_DELIMITATION, SEQUENCE_DELIMITATION, Tags, formatTag, tagOf } from './dicom-tag.ts';
import { hasLongExplicitHeader } from './value-representation.ts';

/** Where the top-level pixel data element sits in the checked file, header and delimiter included. */
export interface FramingResult {
  problem: string | null;
  pixelData: { tag: number; start: number; end: number } | null;
}

const UNDEFINED = 0xffffffff;
const MAX_DEPTH = 64;
const PIXEL_TAGS = new Set([Tags.PixelData, Tags.FloatPixelData, Tags.DoubleFloatPixelData]);

class FramingError extends Error {}

class Walker {
  pixelData: FramingResult['pixelData'] = null;

  constructor(private readonly b: Buffer) {}

  private u16(pos: number, be: boolean): number {
    return be ? this.b.readUInt16BE(pos) : this.b.readUInt16LE(pos);
  }

  private u32(pos: number, be: boolean): number {
    return be ? this.b.readUInt32BE(pos) : this.b.readUInt32LE(pos);
  }

  private tagAt(pos: number, be: boolean, end: number): number {
    if (pos + 8 > end) throw new FramingError(`an element header runs past its parent at byte ${pos}`);
    return tagOf(this.u16(pos, be), this.u16(pos + 2, be));
  }

  /** Walks a data set from `pos`; returns the position after it (after its item delimiter when `delimited`). */
  dataset(pos: number, end: number, encoding: DatasetEncoding, depth: number, delimited: boolean): number {
    if (depth > MAX_DEPTH) throw new FramingError('sequences nest too deeply');
    const be = encoding === 'explicit-be';
    let previous = -1;
    while (pos < end) {
      const tag = this.tagAt(pos, be, end);
      if (delimited && tag === ITEM_DELIMITATION) {
        if (this.u32(pos + 4, be) !== 0) throw new FramingError('an item delimiter has a non-zero length');
        return pos + 8;
      }
      if (tag <= previous) throw new FramingError(`${formatTag(tag)} is out of ascending order`);
      previous = tag;
      pos = this.element(pos, end, tag, encoding, depth);
    }
    if (delimited) throw new FramingError('an undefined-length item has no delimiter');
    if (pos !== end) throw new FramingError('elements do not fill their parent exactly');
    return pos;
  }

  private element(start: number, end: number, tag: number, encoding: DatasetEncoding, depth: number): number {
    const be = encoding === 'explicit-be';
    let vr: string | null = null;
    let length: number;
    let value: number;
    if (encoding === 'implicit-le') {
      length = this.u32(start + 4, be);
      value = start + 8;
    } else {
      vr = this.b.toString('latin1', start + 4, start + 6);
      if (!/^[A-Z]{2}$/.test(vr)) throw new FramingError(`${formatTag(tag)} has no valid VR`);
      if (hasLongExplicitHeader(vr)) {
        if (start + 12 > end) throw new FramingError(`${formatTag(tag)} has a truncated header`);
        length = this.u32(start + 8, be);
        value = start + 12;
      } else {
        length = this.u16(start + 6, be);
        value = start + 8;
      }
    }
    const pixel = depth === 0 && PIXEL_TAGS.has(tag);
    let after: number;
    if (length === UNDEFINED) {
      if (PIXEL_TAGS.has(tag) && vr !== 'SQ') after = this.items(value, end, encoding, depth, null, true);
      else if (vr === null || vr === 'SQ') after = this.items(value, end, encoding, depth, null, false);
      // PS3.5 6.2.2 (CP-246): an undefined-length UN is a sequence encoded in Implicit VR Little Endian.
      else if (vr === 'UN') after = this.items(value, end, 'implicit-le', depth, null, false);
      else throw new FramingError(`${formatTag(tag)} (${vr}) has an undefined length`);
    } else {
      after = value + length;
      if (after > end) throw new FramingError(`${formatTag(tag)} runs past its parent`);
      if (vr === 'SQ') this.items(value, after, encoding, depth, after, false);
    }
    if (pixel) this.pixelData = { tag, start, end: after };
    return after;
  }

  /** Items of a sequence (or fragments of encapsulated pixel data) up to `definedEnd` or a delimiter. */
  private items(pos: number, end: number, encoding: DatasetEncoding, depth: number, definedEnd: number | null, fragments: boolean): number {
    const be = encoding === 'explicit-be';
    const limit = definedEnd ?? end;
    while (pos < limit) {
      const tag = this.tagAt(pos, be, limit);
      const length = this.u32(pos + 4, be);
      if (tag === SEQUENCE_DELIMITATION && definedEnd === null) {
        if (length !== 0) throw new FramingError('a sequence delimiter has a non-zero length');
        return pos + 8;
      }
      if (tag !== ITEM) throw new FramingError(`${formatTag(tag)} where an item was expected`);
      if (length === UNDEFINED) {
        if (fragments) throw new FramingError('a pixel data fragment has an undefined length');
        pos = this.dataset(pos + 8, limit, encoding, depth + 1, true);
      } else {
        const itemEnd = pos + 8 + length;
        if (itemEnd > limit) throw new FramingError('an item runs past its sequence');
        if (!fragments) this.dataset(pos + 8, itemEnd, encoding, depth + 1, false);
        pos = itemEnd;
      }
    }
    if (definedEnd === null) throw new FramingError('an undefined-length sequence has no delimiter');
    if (pos !== definedEnd) throw new FramingError('items do not fill their sequence exactly');
    return pos;
  }
}

/** Checks preamble, meta and data set framing of an uncompressed (not deflated) Part 10 file. */
export function checkPart10Framing(file: Buffer, encoding: DatasetEncoding): FramingResult {
  const walker = new Walker(file);
  try {
    if (file.length < 144 || file.toString('latin1', 128, 132) !== 'DICM') throw new FramingError('no DICM prefix');
    if (file.readUInt32LE(128 + 4) !== Tags.FileMetaInformationGroupLength >>> 16 || file.toString('latin1', 136, 138) !== 'UL') {
      throw new FramingError('the File Meta Information does not start with its group length');
    }
    const metaEnd = 144 + file.readUInt32LE(140);
    if (metaEnd > file.length) throw new FramingError('the File Meta Information group length runs past the file');
    walker.dataset(132, metaEnd, 'explicit-le', 0, false);
    walker.pixelData = null;
    walker.dataset(metaEnd, file.length, encoding, 0, false);
    return { problem: null, pixelData: walker.pixelData };
  } catch (error) {
    if (error instanceof FramingError) return { problem: error.message, pixelData: null };
    if (error instanceof RangeError) return { problem: 'an element header runs past the end of the file', pixelData: null };
    throw error;
  }
}
