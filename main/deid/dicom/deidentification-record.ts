// What the output says about its own de-identification (PS3.15 E.1.1 and E.3.6), and the
// identifying text the descriptor cleaner must look for.
import type { DicomDataset } from '../../ingest/dicom/dicom-dataset.ts';
import { elementValueBytes } from '../../ingest/dicom/dicom-dataset.ts';
import { Tags, isPrivateTag } from '../../ingest/dicom/dicom-tag.ts';
import type { OutputNode } from '../../ingest/dicom/write-dicom.ts';
import type { DicomDeidOptions } from './dicom-deid-options.ts';
import { DICOM_BASIC_PROFILE, deidentificationMethodCodes } from './dicom-deid-options.ts';
import type { CompiledPolicy } from './dicom-deid-policy.ts';

const ascii = (text: string) => Buffer.from(text, 'latin1');

/** Records already built, per options object (a compiled policy's) and data set encoding. */
const built = new WeakMap<DicomDeidOptions, Map<DicomDataset['encoding'], readonly OutputNode[]>>();

/**
 * Patient Identity Removed = YES, De-identification Method and its Code Sequence (CID 7050,
 * scheme DCM) listing exactly the applied options, and Longitudinal Temporal Information
 * Modified (0028,0303) = MODIFIED when dates were shifted, REMOVED when they were not kept.
 * The same for every file with these options and encoding: built once, frozen, and shared.
 */
export function deidentificationRecord(dataset: DicomDataset, options: DicomDeidOptions): readonly OutputNode[] {
  let byEncoding = built.get(options);
  if (!byEncoding) built.set(options, (byEncoding = new Map()));
  let record = byEncoding.get(dataset.encoding);
  if (!record) byEncoding.set(dataset.encoding, (record = deepFreeze(buildRecord(dataset.encoding, options))));
  return record;
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !ArrayBuffer.isView(value) && !Object.isFrozen(value)) {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}

function buildRecord(encoding: DicomDataset['encoding'], options: DicomDeidOptions): OutputNode[] {
  const codes = deidentificationMethodCodes(options);
  const method = [`${DICOM_BASIC_PROFILE.version} PS3.15 Basic Profile, DataSpace Node`, ...codes.slice(1).map((code) => code.meaning)];
  return [
    { kind: 'value', tag: Tags.PatientIdentityRemoved, vr: 'CS', value: ascii('YES') },
    { kind: 'value', tag: Tags.DeidentificationMethod, vr: 'LO', value: ascii(method.join('\\')) },
    {
      kind: 'sequence',
      tag: Tags.DeidentificationMethodCodeSequence,
      vr: 'SQ',
      undefinedLength: false,
      items: codes.map((code) => ({
        undefinedLength: false,
        encoding,
        nodes: [
          { kind: 'value', tag: Tags.CodeValue, vr: 'SH', value: ascii(code.value) },
          { kind: 'value', tag: Tags.CodingSchemeDesignator, vr: 'SH', value: ascii('DCM') },
          { kind: 'value', tag: Tags.CodeMeaning, vr: 'LO', value: ascii(code.meaning) },
        ],
      })),
    },
    {
      kind: 'value',
      tag: Tags.LongitudinalTemporalInformationModified,
      vr: 'CS',
      value: ascii(options.retainLongitudinalModifiedDates ? 'MODIFIED' : 'REMOVED'),
    },
  ];
}

const NAME_LIKE_VRS = new Set(['PN', 'LO', 'SH', 'AE', 'LT', 'ST', 'UT', 'UC']);

/**
 * The text of every attribute the profile removes or replaces, at any depth, plus private
 * strings: if a descriptor repeats any of its words, the cleaner removes them.
 */
export function collectIdentifyingText(dataset: DicomDataset, policy: CompiledPolicy, patientId: string): string[] {
  const found: string[] = [patientId];
  const visit = (ds: DicomDataset) => {
    for (const element of ds.elements) {
      if (element.items) {
        for (const item of element.items) visit(item.dataset);
        continue;
      }
      const action = policy.actionFor(element.tag);
      const replaced = isPrivateTag(element.tag) || (action !== null && ['remove', 'empty', 'dummy'].includes(action.kind));
      const vr = element.explicitVr ? element.vr : policy.vrFor(element.tag) ?? element.vr;
      if (replaced && NAME_LIKE_VRS.has(vr) && element.valueLength > 0 && element.valueLength <= 1024) {
        found.push(elementValueBytes(ds, element).toString('latin1'));
      }
    }
  };
  visit(dataset);
  return found;
}
