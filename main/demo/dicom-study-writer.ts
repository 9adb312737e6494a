// Writes a simulated imaging study as DICOM Part 10 files with dcmjs: realistic identifying
// header values (name, MRN with its issuer, birth date, physicians, institution, accession
// number, dates, private elements that repeat identifiers), small synthetic pixel arrays, native
// or RLE Lossless encapsulated, and burned-in text in some images (flagged by (0028,0301)).
import { createRequire } from 'node:module';
import { encodeRleFrame } from './rle-lossless.ts';
import type { SeededRandom } from './seeded-random.ts';
import { MINUTES_PER_DAY, dayOf, formatDate, wholeYears } from './simulated-patient.ts';
import type { SimImagingStudy, SimPatient } from './simulated-patient.ts';
import type { SiteProfile } from './site-profile.ts';

/** A denaturalized dcmjs element. */
type DicomElement = { vr: string; Value?: unknown[] };
type DicomDataset = Record<string, DicomElement>;
interface DcmjsDicomDict {
  dict: DicomDataset;
  write(options?: Record<string, unknown>): ArrayBuffer;
}
interface DcmjsModule {
  data: { DicomDict: new (meta: DicomDataset) => DcmjsDicomDict };
}

// dcmjs ships no type declarations; a local structural type avoids a global `declare module`
// that would collide with the ingest code's own.
const dcmjs = createRequire(import.meta.url)('dcmjs') as DcmjsModule;

const EXPLICIT_VR_LITTLE_ENDIAN = '1.2.840.10008.1.2.1';
const RLE_LOSSLESS = '1.2.840.10008.1.2.5';
/** Our implementation class UID (PS3.7 C.4.1), a fixed UUID-derived UID. */
const IMPLEMENTATION_CLASS_UID = '2.25.213598478105613790476383582813427853649';
const PRIVATE_CREATOR = 'DATASPACE DEMO 1.0';

const SOP_CLASS = {
  CT: '1.2.840.10008.5.1.4.1.1.2',
  MR: '1.2.840.10008.5.1.4.1.1.4',
  CR: '1.2.840.10008.5.1.4.1.1.1',
  US: '1.2.840.10008.5.1.4.1.1.6.1',
} as const;

const DEVICES: Record<SimImagingStudy['modality'], readonly (readonly [string, string])[]> = {
  CT: [['SIEMENS', 'SOMATOM Force'], ['GE MEDICAL SYSTEMS', 'Revolution CT']],
  MR: [['SIEMENS', 'MAGNETOM Vida'], ['Philips', 'Ingenia']],
  CR: [['Philips', 'DigitalDiagnost'], ['CANON_MEC', 'CXDI-710C']],
  US: [['GE Healthcare', 'LOGIQ E10'], ['Philips', 'EPIQ 7']],
};

const el = (vr: string, ...values: unknown[]): DicomElement => (values.length === 0 ? { vr } : { vr, Value: values });
const dicomTime = (minute: number) => {
  const m = minute - dayOf(minute) * MINUTES_PER_DAY;
  return `${String(Math.floor(m / 60)).padStart(2, '0')}${String(m % 60).padStart(2, '0')}00`;
};
const dicomDate = (minute: number) => formatDate(dayOf(minute)).replace(/-/g, '');
const personName = (display: string) => {
  const parts = display.replace(/^Dr\. /, '').split(' ');
  return { Alphabetic: `${parts.slice(1).join(' ')}^${parts[0]}^^${display.startsWith('Dr.') ? 'Dr.' : ''}` };
};

interface Frame {
  rows: number;
  columns: number;
  samplesPerPixel: number;
  bytesPerSample: number;
  pixels: Uint8Array;
}

/** A small synthetic image: an ellipse phantom with noise, or an RGB ultrasound sector. */
function synthesizeFrame(rng: SeededRandom, modality: SimImagingStudy['modality'], burnedIn: boolean): Frame {
  const size = rng.pick([16, 32, 48, 64]);
  const rows = size;
  const columns = modality === 'US' ? Math.min(64, size + 16) : size;
  const rgb = modality === 'US';
  const samplesPerPixel = rgb ? 3 : 1;
  const bytesPerSample = rgb ? 1 : 2;
  const pixels = new Uint8Array(rows * columns * samplesPerPixel * bytesPerSample);
  const view = new DataView(pixels.buffer);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < columns; c++) {
      const dx = (c - columns / 2) / (columns * 0.42);
      const dy = (r - rows / 2) / (rows * 0.36);
      const d = dx * dx + dy * dy;
      const i = r * columns + c;
      if (rgb) {
        const v = d < 1 ? Math.min(255, Math.max(0, Math.round(90 + 60 * Math.sin(r * 0.7) + rng.normal(0, 25)))) : 0;
        pixels.set([v, v, v], i * 3);
      } else {
        // Stored values for a 12-bit detector; CT uses rescale intercept -1024 (air ~ 24).
        const body = modality === 'CT' ? (d < 0.55 ? 1064 : d < 0.7 ? 1900 : d < 1 ? 1060 : 24) : d < 1 ? 600 + 300 * (1 - d) : 10;
        view.setUint16(i * 2, Math.min(4095, Math.max(0, Math.round(body + rng.normal(0, 18)))), true);
      }
    }
  }
  if (burnedIn) {
    // A bar of "text" pixels along the top rows, as modalities stamp name and date.
    for (let r = 1; r < Math.min(5, rows); r++) {
      for (let c = 1; c < columns - 1; c++) {
        if ((c * 7 + r * 3) % 5 === 0) continue;
        if (rgb) pixels.set([255, 255, 255], (r * columns + c) * 3);
        else view.setUint16((r * columns + c) * 2, 4095, true);
      }
    }
  }
  return { rows, columns, samplesPerPixel, bytesPerSample, pixels };
}

function issuerQualifiers(site: SiteProfile): DicomElement {
  const oid = site.mrnSystem.startsWith('urn:oid:') ? site.mrnSystem.slice('urn:oid:'.length) : null;
  return el('SQ', {
    '00400032': el('UT', oid ?? site.mrnSystem),
    '00400033': el('CS', oid ? 'ISO' : 'URI'),
  });
}

/** One encoded Part 10 file, with its path relative to the institution folder. */
export interface DicomFile {
  path: string;
  bytes: Buffer;
}

/** Patient, study and equipment attributes shared by every instance of a study. */
function studyAttributes(site: SiteProfile, patient: SimPatient, study: SimImagingStudy, rng: SeededRandom): DicomDataset {
  const { identity } = patient;
  const [manufacturer, model] = rng.pick(DEVICES[study.modality]);
  const sex = identity.gender === 'male' ? 'M' : identity.gender === 'female' ? 'F' : 'O';
  const age = wholeYears(identity.birthDay, dayOf(study.minute));
  const name = [identity.family, identity.given[0], identity.given.slice(1).join(' '), identity.prefix ?? ''].join('^').replace(/\^+$/, '');
  const common: DicomDataset = {
    '00080005': el('CS', 'ISO_IR 192'),
    '00080020': el('DA', dicomDate(study.minute)),
    '00080030': el('TM', dicomTime(study.minute)),
    '00080050': el('SH', study.accessionNumber),
    '00080060': el('CS', study.modality),
    '00080070': el('LO', manufacturer),
    '00080080': el('LO', site.displayName),
    '00080081': el('ST', site.address),
    '00080090': el('PN', personName(study.referringPhysician)),
    '00081010': el('SH', `${site.issuerOfPatientId.slice(0, 8)}-${study.modality}0${rng.int(1, 4)}`),
    '00081030': el('LO', study.description),
    '00081090': el('LO', model),
    '00100010': el('PN', { Alphabetic: name }),
    '00100020': el('LO', identity.mrn),
    '00100021': el('LO', site.issuerOfPatientId),
    '00100024': issuerQualifiers(site),
    '00100030': el('DA', formatDate(identity.birthDay).replace(/-/g, '')),
    '00100040': el('CS', sex),
    '00101010': el('AS', `${String(Math.min(age, 999)).padStart(3, '0')}Y`),
    '00180015': el('CS', study.bodyPart),
    '00181000': el('LO', `SN${rng.digits(6)}`),
    '0020000D': el('UI', study.studyInstanceUid),
    '00200010': el('SH', study.accessionNumber.slice(-6)),
  };
  if (rng.chance(0.4)) common['00101040'] = el('LO', `${identity.addressLines[0]}, ${identity.place.city}, ${identity.place.state} ${identity.place.zip}`);
  if (identity.phone && rng.chance(0.3)) common['00102154'] = el('SH', identity.phone);
  if (rng.chance(0.7)) common['00081070'] = el('PN', { Alphabetic: `${rng.pick(['Meyer', 'Schulz', 'Kim', 'Novak'])}^${rng.pick(['Anna', 'Jonas', 'Lea', 'Tim'])}` });
  return common;
}

/** Series, instance, private and image-pixel attributes of one instance. */
function instanceAttributes(patient: SimPatient, study: SimImagingStudy, seriesIndex: number, instanceIndex: number, frame: Frame): DicomDataset {
  const { identity } = patient;
  const series = study.series[seriesIndex]!;
  const seriesMinute = study.minute + 3 + seriesIndex * 6;
  const dataset: DicomDataset = {
    '00080008': el('CS', 'ORIGINAL', 'PRIMARY', ...(study.modality === 'CT' || study.modality === 'MR' ? ['AXIAL'] : [])),
    '00080012': el('DA', dicomDate(seriesMinute)),
    '00080013': el('TM', dicomTime(seriesMinute)),
    '00080016': el('UI', SOP_CLASS[study.modality]),
    '00080018': el('UI', series.instanceUids[instanceIndex]!),
    '00080021': el('DA', dicomDate(seriesMinute)),
    '00080023': el('DA', dicomDate(seriesMinute)),
    '00080031': el('TM', dicomTime(seriesMinute)),
    '00080033': el('TM', dicomTime(seriesMinute + 1)),
    '0008103E': el('LO', series.description),
    '00081050': el('PN', personName(study.referringPhysician)),
    // Private elements repeating identifiers, as RIS/PACS integrations do.
    '00090010': el('LO', PRIVATE_CREATOR),
    '00091001': el('LO', `${identity.family}^${identity.given[0]}`),
    '00091002': el('DA', dicomDate(study.minute)),
    '00091003': el('LO', `RIS ${identity.mrn}/${study.accessionNumber}`),
    '0020000E': el('UI', series.seriesInstanceUid),
    '00200011': el('IS', seriesIndex + 1),
    '00200013': el('IS', instanceIndex + 1),
    '00280002': el('US', frame.samplesPerPixel),
    '00280004': el('CS', frame.samplesPerPixel === 3 ? 'RGB' : 'MONOCHROME2'),
    '00280010': el('US', frame.rows),
    '00280011': el('US', frame.columns),
    '00280100': el('US', frame.bytesPerSample * 8),
    '00280101': el('US', frame.bytesPerSample === 2 ? 12 : 8),
    '00280102': el('US', frame.bytesPerSample === 2 ? 11 : 7),
    '00280103': el('US', 0),
    '00280301': el('CS', study.burnedInAnnotation ? 'YES' : 'NO'),
    '7FE00010': study.encapsulated
      ? el('OB', encodeRleFrame(frame.pixels, frame.rows, frame.columns, frame.samplesPerPixel, frame.bytesPerSample).buffer)
      : el(frame.bytesPerSample === 2 ? 'OW' : 'OB', frame.pixels.buffer),
  };
  if (frame.samplesPerPixel === 3) dataset['00280006'] = el('US', 0);
  if (study.modality === 'CT' || study.modality === 'MR') {
    const z = -50 + instanceIndex * 5;
    Object.assign(dataset, {
      '00080022': el('DA', dicomDate(seriesMinute)),
      '0008002A': el('DT', `${dicomDate(seriesMinute)}${dicomTime(seriesMinute)}`),
      '00180050': el('DS', 5),
      '00200032': el('DS', -120, -120, z),
      '00200037': el('DS', 1, 0, 0, 0, 1, 0),
      '00200052': el('UI', `${study.studyInstanceUid}.1`),
      '00201041': el('DS', z),
      '00280030': el('DS', 7.5, 7.5),
    });
  }
  if (study.modality === 'CT') {
    Object.assign(dataset, {
      '00180060': el('DS', 120), '00281050': el('DS', 40), '00281051': el('DS', 400), '00281052': el('DS', -1024), '00281053': el('DS', 1),
    });
  }
  if (study.modality === 'CR') Object.assign(dataset, { '00180060': el('DS', 110), '00181164': el('DS', 0.4, 0.4) });
  return dataset;
}

/** A Part 10 file: preamble, File Meta Information (PS3.10 7.1) and the dataset. */
function part10(dataset: DicomDataset, modality: SimImagingStudy['modality'], encapsulated: boolean): Buffer {
  const meta: DicomDataset = {
    '00020001': el('OB', new Uint8Array([0, 1]).buffer),
    '00020002': el('UI', SOP_CLASS[modality]),
    '00020003': el('UI', dataset['00080018']!.Value![0]),
    '00020010': el('UI', encapsulated ? RLE_LOSSLESS : EXPLICIT_VR_LITTLE_ENDIAN),
    '00020012': el('UI', IMPLEMENTATION_CLASS_UID),
    '00020013': el('SH', 'DSN_DEMO_1'),
  };
  const dict = new dcmjs.data.DicomDict(meta);
  dict.dict = dataset;
  return Buffer.from(dict.write());
}

/** Encodes every instance of `study` under `<relativeDir>/<accession number>/`. */
export function encodeDicomStudy(relativeDir: string, site: SiteProfile, patient: SimPatient, study: SimImagingStudy, rng: SeededRandom): DicomFile[] {
  const common = studyAttributes(site, patient, study, rng);
  const written: DicomFile[] = [];
  for (const [s, series] of study.series.entries()) {
    for (let i = 0; i < series.instanceUids.length; i++) {
      const frame = synthesizeFrame(rng, study.modality, study.burnedInAnnotation);
      const dataset = { ...common, ...instanceAttributes(patient, study, s, i, frame) };
      written.push({ path: `${relativeDir}/${study.accessionNumber}/S${s + 1}_I${i + 1}.dcm`, bytes: part10(dataset, study.modality, study.encapsulated) });
    }
  }
  return written;
}
