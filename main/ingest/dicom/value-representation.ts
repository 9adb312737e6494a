// Value Representations (PS3.5 6.2) and the data dictionary lookups the reader needs.
import vrResource from '../../../resources/dicom/ps36-vr-dictionary.json' with { type: 'json' };
import type { VrDictionaryResource } from './build-vr-dictionary.ts';
import { isPrivateTag, tagElement, tagGroup } from './dicom-tag.ts';
import type { DicomTag } from './dicom-tag.ts';

/** Every VR of PS3.5 Table 6.2-1. */
export const VALUE_REPRESENTATIONS: ReadonlySet<string> = new Set([
  'AE', 'AS', 'AT', 'CS', 'DA', 'DS', 'DT', 'FD', 'FL', 'IS', 'LO', 'LT', 'OB', 'OD', 'OF', 'OL',
  'OV', 'OW', 'PN', 'SH', 'SL', 'SQ', 'SS', 'ST', 'SV', 'TM', 'UC', 'UI', 'UL', 'UN', 'UR', 'US',
  'UT', 'UV',
]);

/** VRs whose explicit header has two reserved bytes and a 32-bit length (PS3.5 7.1.2). */
const LONG_HEADER_VRS: ReadonlySet<string> = new Set([
  'OB', 'OD', 'OF', 'OL', 'OV', 'OW', 'SQ', 'SV', 'UC', 'UN', 'UR', 'UT', 'UV',
]);

/** Character-string VRs; everything else is binary or a sequence. */
const STRING_VRS: ReadonlySet<string> = new Set([
  'AE', 'AS', 'CS', 'DA', 'DS', 'DT', 'IS', 'LO', 'LT', 'PN', 'SH', 'ST', 'TM', 'UC', 'UI', 'UR', 'UT',
]);

/** Free-text VRs that may carry narrative (candidates for Clean Descriptors). */
const TEXT_VRS: ReadonlySet<string> = new Set(['LO', 'LT', 'SH', 'ST', 'UC', 'UT']);

export function hasLongExplicitHeader(vr: string): boolean {
  return LONG_HEADER_VRS.has(vr);
}

export function isStringVr(vr: string): boolean {
  return STRING_VRS.has(vr);
}

export function isTextVr(vr: string): boolean {
  return TEXT_VRS.has(vr);
}

/** PS3.5 6.2: UI values are padded with NUL, other strings with a space, binary values with NUL. */
export function paddingByteFor(vr: string): number {
  return isStringVr(vr) && vr !== 'UI' ? 0x20 : 0x00;
}

const VR_DICTIONARY = vrResource as unknown as VrDictionaryResource;

/**
 * The PS3.6 dictionary's VR for a standard tag, in dcmjs's codes (generated from dcmjs, see
 * build-vr-dictionary.ts): the tag itself, else the repeating group (50xx, 60xx, 7Fxx) it falls in.
 */
function lookupDictionaryVr(tag: DicomTag): string | undefined {
  const exact = VR_DICTIONARY.tags[tag.toString(16).toUpperCase().padStart(8, '0')];
  if (exact !== undefined) return exact;
  const group = tagGroup(tag);
  const element = tagElement(tag);
  for (const [first, last, rangeElement, vr] of VR_DICTIONARY.ranges) {
    if (element === rangeElement && group >= first && group <= last) return vr;
  }
  return undefined;
}

const vrCache = new Map<DicomTag, string | null>();

/**
 * The VR the PS3.6 data dictionary gives a standard tag, with the
 * multi-VR entries resolved the way PS3.5 Annex A resolves them for Implicit VR: "OB or OW"
 * becomes OW and "US or SS" becomes US. Null for private tags and tags the dictionary lacks.
 */
export function dictionaryVr(tag: DicomTag): string | null {
  const cached = vrCache.get(tag);
  if (cached !== undefined) return cached;
  let vr: string | null = null;
  if (!isPrivateTag(tag) && tagElement(tag) !== 0) {
    vr = normaliseDictionaryVr(lookupDictionaryVr(tag));
  }
  vrCache.set(tag, vr);
  return vr;
}

const allowedCache = new Map<DicomTag, readonly string[] | null>();

/** The VRs PS3.6 allows for a standard tag, or null when any VR is acceptable (private, unknown). */
export function allowedVrs(tag: DicomTag): readonly string[] | null {
  let allowed = allowedCache.get(tag);
  if (allowed === undefined) {
    allowed = lookupAllowedVrs(tag);
    allowedCache.set(tag, allowed);
  }
  return allowed;
}

function lookupAllowedVrs(tag: DicomTag): readonly string[] | null {
  if (isPrivateTag(tag) || tagElement(tag) === 0) return null;
  const vr = lookupDictionaryVr(tag);
  switch (vr) {
    case undefined:
    case 'na':
      return null;
    case 'ox':
      return ['OB', 'OW'];
    case 'up':
      return ['UL'];
    case 'xs':
      return ['US', 'SS'];
    case 'lt':
      return ['US', 'SS', 'OW'];
    default:
      return [vr];
  }
}

function normaliseDictionaryVr(vr: string | undefined): string | null {
  switch (vr) {
    case undefined:
    case 'na':
      return null;
    case 'ox':
    case 'lt':
      return 'OW';
    case 'xs':
      return 'US';
    case 'up': // dcmjs's name for DICOMDIR offsets, UL in PS3.6
      return 'UL';
    default:
      return VALUE_REPRESENTATIONS.has(vr) ? vr : null;
  }
}
