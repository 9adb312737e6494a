// Applies the compiled Table E.1-1 policy to a data set at every depth of nested sequences,
// producing the element list the Part 10 writer encodes. Unchanged elements are copied.
import type { DicomDataset, DicomElement } from '../../ingest/dicom/dicom-dataset.ts';
import { elementValueBytes, trimPadding } from '../../ingest/dicom/dicom-dataset.ts';
import {
  Tags, isPrivateCreatorTag, isPrivateTag, tagElement, tagGroup,
} from '../../ingest/dicom/dicom-tag.ts';
import type { OutputItem, OutputNode } from '../../ingest/dicom/write-dicom.ts';
import { VALUE_REPRESENTATIONS, isStringVr, isTextVr } from '../../ingest/dicom/value-representation.ts';
import type { PseudonymKey } from '../pseudonym-key.ts';
import { deidentifiedUid } from '../pseudonym-key.ts';
import type { DescriptorCleaner } from './clean-descriptor-text.ts';
import { shiftDicomDate, shiftDicomDateTime } from './dicom-date-shift.ts';
import type { CompiledPolicy, ProfileAction } from './dicom-deid-policy.ts';
import { safePrivateKey } from './dicom-deid-policy.ts';
import { dummyValue } from './dummy-values.ts';
import { isCurveGroup, isOverlayGroup } from './profile-table.ts';

/** PS3.5 Table 6.2-1 maximum lengths, so a cleaned (over-long) input value leaves valid. */
const MAX_VALUE_LENGTH: Record<string, number> = { AE: 16, CS: 16, SH: 16, LO: 64, PN: 64, ST: 1024, LT: 10240 };

/** Everything the transform needs for one instance. */
export interface DatasetDeidContext {
  readonly key: PseudonymKey;
  readonly policy: CompiledPolicy;
  /** The patient's date shift; used only with the modified-dates option. */
  readonly shiftDays: number;
  /** Replaces Patient ID and Patient's Name at the top level. */
  readonly pseudonym: string;
  /** ISO 2022 code extensions: byte-level text cleaning could cut an escape sequence. */
  readonly iso2022: boolean;
  /** Built on first use from the instance's identifying values. */
  cleaner(): DescriptorCleaner;
}

/** Returns the de-identified elements of `dataset` (depth 0 is the top-level data set). */
export function deidentifyDataset(dataset: DicomDataset, ctx: DatasetDeidContext, depth: number, structured: boolean): OutputNode[] {
  const nodes: OutputNode[] = [];
  const retainedPrivate = ctx.policy.safePrivate.size > 0 ? retainedPrivateTags(dataset, ctx.policy) : null;
  for (const element of dataset.elements) {
    const node = deidentifyElement(dataset, element, ctx, depth, structured, retainedPrivate);
    if (node) nodes.push(node);
  }
  return nodes;
}

function deidentifyElement(
  dataset: DicomDataset,
  element: DicomElement,
  ctx: DatasetDeidContext,
  depth: number,
  structured: boolean,
  retainedPrivate: ReadonlySet<number> | null,
): OutputNode | null {
  const { tag } = element;
  const group = tagGroup(tag);
  // PS3.5 7.2: group lengths are retired and would be wrong after any change.
  if (tagElement(tag) === 0) return null;
  if (isPrivateTag(tag)) {
    if (!retainedPrivate?.has(tag)) return null;
    return element.items ? cleanSequence(dataset, element, ctx, depth, structured) : copy(dataset, element);
  }
  // PS3.15 rows (50xx,xxxx) and (60xx,3000) remove curves and overlay bitmaps. Without its Type 1
  // Overlay Data the rest of the Overlay Plane Module is meaningless, so the whole group goes.
  if (isCurveGroup(group) || isOverlayGroup(group)) return null;
  if (depth === 0 && (tag === Tags.PatientID || tag === Tags.PatientName)) {
    // Z/D and Z allow a dummy value: the keyed pseudonym is that dummy, and links to FHIR.
    return value(tag, tag === Tags.PatientID ? 'LO' : 'PN', ctx.pseudonym);
  }
  const action = ctx.policy.actionFor(tag);
  if (action) return apply(action, dataset, element, ctx, depth, structured);
  // PS3.10 7.1: command elements (group 0000) have no place in a stored instance and may quote
  // the original UIDs; unlisted ones are dropped.
  if (group === 0x0000) return null;
  if (element.items) return cleanSequence(dataset, element, ctx, depth, structured);
  if (structured && isTextVr(element.vr)) {
    return apply({ kind: 'clean-text', fallback: { kind: 'remove' } }, dataset, element, ctx, depth, structured);
  }
  return copy(dataset, element);
}

function apply(
  action: ProfileAction,
  dataset: DicomDataset,
  element: DicomElement,
  ctx: DatasetDeidContext,
  depth: number,
  structured: boolean,
): OutputNode | null {
  const vr = replacementVr(element, ctx.policy);
  const isSequence = element.items !== null || vr === 'SQ';
  switch (action.kind) {
    case 'remove':
      return null;
    case 'empty':
      return isSequence ? sequence(element, []) : { kind: 'value', tag: element.tag, vr, value: Buffer.alloc(0) };
    case 'dummy':
      // D on a sequence: one empty item is the least a "non-zero length" sequence can hold.
      return isSequence
        ? sequence(element, [{ undefinedLength: false, encoding: itemEncoding(dataset, element), nodes: [] }])
        : { kind: 'value', tag: element.tag, vr, value: dummyValue(vr) };
    case 'uid':
      return isSequence ? null : value(element.tag, 'UI', mapUids(dataset, element, ctx.key));
    case 'keep':
      return element.items ? cleanSequence(dataset, element, ctx, depth, structured) : copy(dataset, element);
    case 'clean-sequence':
      return element.items ? cleanSequence(dataset, element, ctx, depth, structured || action.structured) : null;
    case 'clean-text': {
      if (isSequence || ctx.iso2022 || !isStringVr(vr)) return apply(action.fallback, dataset, element, ctx, depth, structured);
      const text = elementValueBytes(dataset, element).toString('latin1');
      const limit = MAX_VALUE_LENGTH[vr] ?? Number.POSITIVE_INFINITY;
      const cleaned = text.split('\\').map((part) => ctx.cleaner().clean(trimPadding(part)).slice(0, limit)).join('\\');
      return { kind: 'value', tag: element.tag, vr, value: Buffer.from(cleaned.replace(/^\\+$/, ''), 'latin1') };
    }
    case 'shift-date': {
      const text = isSequence ? null : trimPadding(elementValueBytes(dataset, element).toString('latin1'));
      const shifted = text === null ? null : vr === 'DT' ? shiftDicomDateTime(text, ctx.shiftDays) : shiftDicomDate(text, ctx.shiftDays);
      return shifted === null
        ? apply(action.fallback, dataset, element, ctx, depth, structured)
        : value(element.tag, vr, shifted);
    }
  }
}

/** Replacement values use the element's explicit VR, else Table E.1-1's / PS3.6's (UN and Implicit VR). */
function replacementVr(element: DicomElement, policy: CompiledPolicy): string {
  if (element.explicitVr && element.vr !== 'UN') return element.vr;
  const known = policy.vrFor(element.tag);
  return known && VALUE_REPRESENTATIONS.has(known) ? known : element.vr;
}

function mapUids(dataset: DicomDataset, element: DicomElement, key: PseudonymKey): string {
  // A plain loop: this runs for every UID of every file, and closures made it costly to optimise.
  const uids = elementValueBytes(dataset, element).toString('latin1').split('\\');
  let mapped = '';
  for (let i = 0; i < uids.length; i++) {
    const uid = trimPadding(uids[i]!);
    if (i > 0) mapped += '\\';
    if (uid !== '') mapped += deidentifiedUid(key, uid);
  }
  return mapped;
}

function cleanSequence(
  dataset: DicomDataset,
  element: DicomElement,
  ctx: DatasetDeidContext,
  depth: number,
  structured: boolean,
): OutputNode {
  const items = element.items ?? [];
  let unchanged = true;
  const outputItems: OutputItem[] = items.map((item) => {
    const nodes = deidentifyDataset(item.dataset, ctx, depth + 1, structured);
    if (nodes.length !== item.dataset.elements.length || nodes.some((node) => node.kind !== 'copy')) unchanged = false;
    return { undefinedLength: item.undefinedLength, encoding: item.dataset.encoding, nodes };
  });
  return unchanged ? copy(dataset, element) : sequence(element, outputItems);
}

function sequence(element: DicomElement, items: OutputItem[]): OutputNode {
  return { kind: 'sequence', tag: element.tag, vr: element.vr === 'UN' ? 'UN' : 'SQ', undefinedLength: element.undefinedLength, items };
}

/** Items of a sequence encoded as UN are Implicit VR Little Endian (PS3.5 6.2.2, CP-246). */
function itemEncoding(dataset: DicomDataset, element: DicomElement): DicomDataset['encoding'] {
  return element.explicitVr && element.vr === 'UN' ? 'implicit-le' : dataset.encoding;
}

function copy(dataset: DicomDataset, element: DicomElement): OutputNode {
  return { kind: 'copy', tag: element.tag, source: dataset, element };
}

function value(tag: number, vr: string, text: string): OutputNode {
  return { kind: 'value', tag, vr, value: Buffer.from(text, 'latin1') };
}

/**
 * Private attributes kept under Retain Safe Private: those the allowlist names by group,
 * Private Creator and element byte (PS3.5 7.8.1), plus the creators of their blocks.
 */
function retainedPrivateTags(dataset: DicomDataset, policy: CompiledPolicy): Set<number> {
  const creators = new Map<number, { tag: number; creator: string }>();
  for (const element of dataset.elements) {
    if (isPrivateCreatorTag(element.tag) && !element.items) {
      const creator = trimPadding(elementValueBytes(dataset, element).toString('latin1'));
      creators.set((tagGroup(element.tag) << 8) | tagElement(element.tag), { tag: element.tag, creator });
    }
  }
  const retained = new Set<number>();
  for (const element of dataset.elements) {
    const low = tagElement(element.tag);
    if (!isPrivateTag(element.tag) || low < 0x1000) continue;
    const block = creators.get((tagGroup(element.tag) << 8) | (low >> 8));
    if (block && policy.safePrivate.has(safePrivateKey(tagGroup(element.tag), block.creator, low & 0xff))) {
      retained.add(element.tag);
      retained.add(block.tag);
    }
  }
  return retained;
}
