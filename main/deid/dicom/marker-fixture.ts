// A synthetic instance whose every Table E.1-1 attribute holds a unique, obviously fake marker
// (STYLE.md: a scan of every written byte can then prove the markers are gone). Written with
// dcmjs, independently of our writer. Used by the tests and by the gdcmanon comparison bench.
import dcmjs from 'dcmjs';
import type { DicomDataset } from '../../ingest/dicom/dicom-dataset.ts';
import { elementValueBytes, trimPadding } from '../../ingest/dicom/dicom-dataset.ts';
import { readDicom } from '../../ingest/dicom/read-dicom.ts';
import { dayToDicomDate, epochDay } from '../pseudonym-key.ts';
import { formatTag, tagGroup, tagOf } from '../../ingest/dicom/dicom-tag.ts';
import type { DicomTag } from '../../ingest/dicom/dicom-tag.ts';
import { exactProfileTags } from './profile-table.ts';
import type { ProfileTableRow } from './profile-table.ts';

/** One planted value: `text` is searched for in output bytes; binary values are checked by tag. */
export interface PlantedMarker {
  tag: string;
  vr: string;
  location: 'meta' | 'top' | 'sequence' | 'nested-1' | 'nested-2' | 'private';
  kind: 'text' | 'uid' | 'date' | 'datetime' | 'time' | 'number' | 'binary';
  /** The exact bytes to look for (latin1), or null for small binary values (US). */
  text: string | null;
  /** The tag number, for the structural check of binary markers. */
  tagNumber: DicomTag;
  /** The value bytes as written (before padding), for the structural check. */
  value: Buffer;
}

export interface MarkerFixture {
  bytes: Buffer;
  markers: PlantedMarker[];
  patientId: string;
  studyDate: string;
}

/** dcmjs's "denaturalized" element: tag keys are 8 upper-case hex digits. */
export type DcmjsElement = { vr: string; Value: unknown[] };
export type DcmjsDataset = Record<string, DcmjsElement>;

const { DicomDict } = dcmjs.data;

const CT_IMAGE_STORAGE = '1.2.840.10008.5.1.4.1.1.2';
const LEVEL_1_SEQUENCE = tagOf(0x0040, 0x0260); // Performed Protocol Code Sequence: not in Table E.1-1
const LEVEL_2_SEQUENCE = tagOf(0x0008, 0x1115); // Referenced Series Sequence: not in Table E.1-1
/** Dates start here, one day apart: fewer than 365 of them, so no shifted date can equal a planted one. */
const FIRST_MARKER_DAY = epochDay('1931-01-01')!;

const hex = (tag: DicomTag) => tag.toString(16).toUpperCase().padStart(8, '0');
const arrayBuffer = (bytes: Buffer) => Uint8Array.from(bytes).buffer;

class MarkerFactory {
  readonly markers: PlantedMarker[] = [];
  private serial = 0;
  private day = FIRST_MARKER_DAY;

  /** A dcmjs element holding a fresh marker of the VR, recorded for the scan. */
  element(tag: DicomTag, vr: string, location: PlantedMarker['location']): DcmjsElement {
    const n = ++this.serial;
    const id = `ZZMARK${String(n).padStart(4, '0')}`;
    const record = (kind: PlantedMarker['kind'], text: string | null, value: Buffer) => {
      this.markers.push({ tag: formatTag(tag), vr, location, kind, text, tagNumber: tag, value });
    };
    switch (vr) {
      case 'AE': case 'CS': case 'SH': case 'LO': case 'LT': case 'ST': case 'UT': case 'UC':
        record('text', id, Buffer.from(id));
        return { vr, Value: [id] };
      case 'PN':
        record('text', id, Buffer.from(`${id}^GIVEN`));
        return { vr, Value: [{ Alphabetic: `${id}^GIVEN` }] };
      case 'UR': {
        const url = `http://example.org/${id}`;
        record('text', id, Buffer.from(url));
        return { vr, Value: [url] };
      }
      case 'UI': {
        const uid = `1.2.3.999001.${100000 + n}`;
        record('uid', uid, Buffer.from(uid));
        return { vr, Value: [uid] };
      }
      case 'DA': {
        const date = dayToDicomDate(this.day++);
        record('date', date, Buffer.from(date));
        return { vr, Value: [date] };
      }
      case 'DT': {
        const dateTime = `${dayToDicomDate(this.day++)}${String(100000 + n).slice(-6)}`;
        record('datetime', dateTime, Buffer.from(dateTime));
        return { vr, Value: [dateTime] };
      }
      case 'TM': {
        const time = `0${String(n % 10)}${String(n).padStart(4, '0').slice(-4)}.${String(700000 + n)}`;
        record('time', time, Buffer.from(time));
        return { vr, Value: [time] };
      }
      case 'DS': case 'IS': {
        const number = vr === 'DS' ? `8675309.${String(n).padStart(4, '0')}` : String(314159000 + n);
        record('number', number, Buffer.from(number));
        return { vr, Value: [number] };
      }
      case 'AS': {
        const age = `${String(n % 1000).padStart(3, '0')}W`;
        record('text', age, Buffer.from(age));
        return { vr, Value: [age] };
      }
      case 'US': {
        const value = Buffer.alloc(2);
        value.writeUInt16LE(40000 + (n % 20000));
        record('binary', null, value);
        return { vr, Value: [value.readUInt16LE()] };
      }
      default: {
        // OB, OW, UN and the other binary VRs carry the marker text as bytes.
        const bytes = Buffer.from(`${id}..`);
        record('binary', id, bytes);
        return { vr: vr === 'OB or OW' ? 'OW' : vr, Value: [arrayBuffer(bytes)] };
      }
    }
  }
}

function plantable(row: ProfileTableRow, tag: DicomTag): string | null {
  if (row.vr === 'OB or OW') return 'OW';
  if (row.vr !== '') return row.vr;
  return tagGroup(tag) === 0x0000 ? 'UI' : null; // command elements lack a PS3.6 VR in the CSV
}

/** Every non-sequence row, with fresh markers: one copy per nesting level. */
function plainCopies(factory: MarkerFactory, location: PlantedMarker['location'], nestedOnly: boolean): DcmjsDataset {
  const dataset: DcmjsDataset = {};
  for (const [tag, row] of exactProfileTags()) {
    const vr = plantable(row, tag);
    const group = tagGroup(tag);
    if (!vr || vr === 'SQ' || group === 0x0002) continue;
    if (nestedOnly && (group === 0x0000 || group >= 0xfffa)) continue; // padding and command elements only at the top
    dataset[hex(tag)] = factory.element(tag, vr, location);
  }
  return dataset;
}

/**
 * Builds the fixture: every Table E.1-1 attribute at the top level (sequences hold a marked
 * item), copies of every non-sequence attribute one and two sequences deep, private elements
 * (plain and in a private sequence), curve and overlay groups, and a marked Media Storage SOP
 * Instance UID in the file meta.
 */
export function buildMarkerFixture(): MarkerFixture {
  const factory = new MarkerFactory();
  const top = plainCopies(factory, 'top', false);
  for (const [tag, row] of exactProfileTags()) {
    if (row.vr !== 'SQ') continue;
    top[hex(tag)] = { vr: 'SQ', Value: [{ '00100010': factory.element(tagOf(0x0010, 0x0010), 'PN', 'sequence') }] };
  }
  const level2 = plainCopies(factory, 'nested-2', true);
  const level1 = plainCopies(factory, 'nested-1', true);
  level1[hex(LEVEL_2_SEQUENCE)] = { vr: 'SQ', Value: [level2] };
  top[hex(LEVEL_1_SEQUENCE)] = { vr: 'SQ', Value: [level1] };

  top['50003000'] = factory.element(tagOf(0x5000, 0x3000), 'OB', 'top');
  top['60003000'] = factory.element(tagOf(0x6000, 0x3000), 'OW', 'top');
  top['60004000'] = factory.element(tagOf(0x6000, 0x4000), 'LT', 'top');
  top['00090010'] = factory.element(tagOf(0x0009, 0x0010), 'LO', 'private');
  top['00091001'] = factory.element(tagOf(0x0009, 0x1001), 'LO', 'private');
  top['00091002'] = { vr: 'SQ', Value: [{ '00100020': factory.element(tagOf(0x0010, 0x0020), 'LO', 'private') }] };

  // Identity the instance needs to be importable; the markers above already occupy these tags.
  const patientId = String((top['00100020']!.Value[0] as string));
  const studyDate = String(top['00080020']!.Value[0]);
  const instance = syntheticCtInstance(top);
  for (const key of ['00080016', '00080060', '00280002', '00280004', '00280010', '00280011', '00280100', '00280101', '00280102', '00280103', '7FE00010']) {
    top[key] = instance[key]!;
  }
  const mediaStorageUid = String(factory.element(tagOf(0x0002, 0x0003), 'UI', 'meta').Value[0]);
  const bytes = writeInstanceWithDcmjs(top, { mediaStorageSopInstanceUid: mediaStorageUid });
  return { bytes, markers: factory.markers, patientId, studyDate };
}

/**
 * Writes a Part 10 file with dcmjs (an independent writer, so tests do not grade our writer
 * with itself). The meta takes the SOP Class/Instance UIDs from the data set unless given.
 */
export function writeInstanceWithDcmjs(
  dataset: DcmjsDataset,
  options: { transferSyntax?: string; mediaStorageSopInstanceUid?: string } = {},
): Buffer {
  const uid = (key: string) => String(dataset[key]?.Value[0] ?? '1.2.3.4');
  const meta: DcmjsDataset = {
    '00020001': { vr: 'OB', Value: [arrayBuffer(Buffer.from([0, 1]))] },
    '00020002': { vr: 'UI', Value: [uid('00080016')] },
    '00020003': { vr: 'UI', Value: [options.mediaStorageSopInstanceUid ?? uid('00080018')] },
    '00020010': { vr: 'UI', Value: [options.transferSyntax ?? '1.2.840.10008.1.2.1'] },
    '00020012': { vr: 'UI', Value: ['1.2.3.4.5.6'] },
  };
  const dict = new DicomDict(meta);
  dict.dict = dataset;
  return Buffer.from(dict.write());
}

/** A minimal importable CT instance (8x8, 16-bit) for tests and the benchmark; `extra` overrides. */
export function syntheticCtInstance(extra: DcmjsDataset): DcmjsDataset {
  return {
    '00080016': { vr: 'UI', Value: [CT_IMAGE_STORAGE] },
    '00080018': { vr: 'UI', Value: ['1.2.3.999.1'] },
    '00080020': { vr: 'DA', Value: ['20200102'] },
    '00080060': { vr: 'CS', Value: ['CT'] },
    '00100010': { vr: 'PN', Value: [{ Alphabetic: 'Doe^Jane' }] },
    '00100020': { vr: 'LO', Value: ['MRN-0001'] },
    '0020000D': { vr: 'UI', Value: ['1.2.3.999.10'] },
    '0020000E': { vr: 'UI', Value: ['1.2.3.999.20'] },
    '00280002': { vr: 'US', Value: [1] },
    '00280004': { vr: 'CS', Value: ['MONOCHROME2'] },
    '00280010': { vr: 'US', Value: [8] },
    '00280011': { vr: 'US', Value: [8] },
    '00280100': { vr: 'US', Value: [16] },
    '00280101': { vr: 'US', Value: [12] },
    '00280102': { vr: 'US', Value: [11] },
    '00280103': { vr: 'US', Value: [0] },
    '7FE00010': { vr: 'OW', Value: [arrayBuffer(Buffer.from(Array.from({ length: 128 }, (_, i) => (i * 37) & 0xff)))] },
    ...extra,
  };
}

const isDigit = (code: number) => code >= 0x30 && code <= 0x39;

/**
 * Whether `text` holds the marker. An all-digit marker (a date, date-time or IS value) does not
 * count where it sits inside a longer number: the replacement UIDs (`2.25.` + 39 keyed-hash
 * digits) and the store's floating-point figures are runs of random digits, in which one of the
 * 336 planted 8-digit dates turns up by chance in about 2 % of imports. A value that leaked is
 * never preceded by a digit, nor by a decimal point after a digit: in DICOM it follows a length
 * field or a `\` or `-` separator; in a table dump a column separator; in JSON a quote.
 */
export function containsMarkerText(text: string, marker: string): boolean {
  const numeric = /^\d+$/.test(marker);
  for (let at = text.indexOf(marker); at >= 0; at = text.indexOf(marker, at + 1)) {
    if (!numeric) return true;
    const before = at > 0 ? text.charCodeAt(at - 1) : -1;
    const insideNumber = isDigit(before) || (before === 0x2e && at > 1 && isDigit(text.charCodeAt(at - 2)));
    if (!insideNumber) return true;
  }
  return false;
}

/**
 * Markers still present in a de-identified file: as bytes anywhere (text, UIDs, dates), or as
 * an element with the planted tag and value at any depth (binary values such as US).
 */
export function survivingMarkers(output: Buffer, markers: readonly PlantedMarker[]): PlantedMarker[] {
  const found = new Set<PlantedMarker>();
  const bytes = output.toString('latin1');
  for (const marker of markers) {
    if (marker.text !== null && containsMarkerText(bytes, marker.text)) found.add(marker);
  }
  const byTag = new Map<DicomTag, PlantedMarker[]>();
  for (const marker of markers) byTag.set(marker.tagNumber, [...(byTag.get(marker.tagNumber) ?? []), marker]);
  const visit = (dataset: DicomDataset) => {
    for (const element of dataset.elements) {
      for (const item of element.items ?? []) visit(item.dataset);
      const value = elementValueBytes(dataset, element);
      for (const marker of byTag.get(element.tag) ?? []) {
        if (value.equals(marker.value) || trimPadding(value.toString('latin1')) === marker.value.toString('latin1')) found.add(marker);
      }
    }
  };
  const read = readDicom(output);
  if (read.ok) visit(read.dataset);
  return [...found];
}
