// PS3.15 Table E.1-1 at runtime: the generated resource, indexed by tag, with the repeating-
// group rows (50xx,xxxx), (60xx,3000), (60xx,4000) and the private-attributes row matched by rule.
import tableResource from '../../../resources/dicom/ps315-table-e1-1.json' with { type: 'json' };
import type { DicomTag } from '../../ingest/dicom/dicom-tag.ts';
import { isPrivateTag, tagElement, tagGroup, tagOf } from '../../ingest/dicom/dicom-tag.ts';
import type { ProfileTableResource, ProfileTableRow } from './build-profile-table.ts';

export type { ProfileTableRow } from './build-profile-table.ts';

export const PROFILE_TABLE = tableResource as ProfileTableResource;

const CURVE_ROW = '(50XX,XXXX)';
const OVERLAY_DATA_ROW = '(60XX,3000)';
const OVERLAY_COMMENTS_ROW = '(60XX,4000)';
const PRIVATE_ROW = '(GGGG,EEEE) WHERE GGGG IS ODD';

interface IndexedTable {
  exact: Map<DicomTag, ProfileTableRow>;
  curve: ProfileTableRow;
  overlayData: ProfileTableRow;
  overlayComments: ProfileTableRow;
  privateAttributes: ProfileTableRow;
}

function indexTable(table: ProfileTableResource): IndexedTable {
  const exact = new Map<DicomTag, ProfileTableRow>();
  const special = new Map<string, ProfileTableRow>();
  for (const row of table.rows) {
    const match = /^\(([0-9A-F]{4}),([0-9A-F]{4})\)$/.exec(row.tag);
    if (match) exact.set(tagOf(Number.parseInt(match[1]!, 16), Number.parseInt(match[2]!, 16)), row);
    else special.set(row.tag, row);
  }
  const need = (tag: string) => {
    const row = special.get(tag);
    if (!row) throw new Error(`Table E.1-1 resource lacks the row ${tag}.`);
    return row;
  };
  return {
    exact,
    curve: need(CURVE_ROW),
    overlayData: need(OVERLAY_DATA_ROW),
    overlayComments: need(OVERLAY_COMMENTS_ROW),
    privateAttributes: need(PRIVATE_ROW),
  };
}

const indexed = indexTable(PROFILE_TABLE);

/** Every row, for callers that enumerate the table (policy compilation, fixtures, tests). */
export const PROFILE_ROWS: readonly ProfileTableRow[] = PROFILE_TABLE.rows;

/** Curves (50xx,xxxx) and overlays (60xx,xxxx) repeat in the even groups 5000-501E / 6000-601E (PS3.5 7.6). */
export function isCurveGroup(group: number): boolean {
  return (group & 0xff01) === 0x5000;
}

export function isOverlayGroup(group: number): boolean {
  return (group & 0xff01) === 0x6000;
}

/** The Table E.1-1 row governing a tag, if any. */
export function profileRowFor(tag: DicomTag): ProfileTableRow | undefined {
  const row = indexed.exact.get(tag);
  if (row) return row;
  const group = tagGroup(tag);
  if (isPrivateTag(tag)) return indexed.privateAttributes;
  if (isCurveGroup(group)) return indexed.curve;
  if (isOverlayGroup(group)) {
    if (tagElement(tag) === 0x3000) return indexed.overlayData;
    if (tagElement(tag) === 0x4000) return indexed.overlayComments;
  }
  return undefined;
}

/** Exact tags of the rows, for enumerating; wildcard rows are excluded. */
export function exactProfileTags(): ReadonlyMap<DicomTag, ProfileTableRow> {
  return indexed.exact;
}
