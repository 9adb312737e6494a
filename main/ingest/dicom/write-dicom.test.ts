import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { DicomDataset } from './dicom-dataset.ts';
import { elementValueBytes, findElement, stringValue } from './dicom-dataset.ts';
import { Tags, tagOf } from './dicom-tag.ts';
import { readDicom } from './read-dicom.ts';
import { sharedDicomFile } from './shared-test-data.ts';
import { writePart10 } from './write-dicom.ts';
import type { OutputNode } from './write-dicom.ts';

function copyAll(dataset: DicomDataset): OutputNode[] {
  return dataset.elements.map((element) => ({ kind: 'copy', tag: element.tag, source: dataset, element }));
}

/** Re-encodes every sequence (and item) instead of copying it, to exercise length computation. */
function reencode(dataset: DicomDataset): OutputNode[] {
  return dataset.elements.map((element): OutputNode => element.items
    ? {
      kind: 'sequence',
      tag: element.tag,
      vr: element.vr === 'UN' ? 'UN' : 'SQ',
      undefinedLength: element.undefinedLength,
      items: element.items.map((item) => ({ undefinedLength: !item.undefinedLength, encoding: item.dataset.encoding, nodes: reencode(item.dataset) })),
    }
    : { kind: 'copy', tag: element.tag, source: dataset, element });
}

const cases = [
  'pydicom/src/pydicom/data/test_files/CT_small.dcm',
  'pydicom/src/pydicom/data/test_files/MR_small_bigendian.dcm',
  'pydicom/src/pydicom/data/test_files/MR_small_implicit.dcm',
  'pydicom/src/pydicom/data/test_files/image_dfl.dcm',
  'pydicom/src/pydicom/data/test_files/waveform_ecg.dcm',
  'pydicom/src/pydicom/data/test_files/UN_sequence.dcm',
  'dicomparser/testImages/encapsulated/multi-frame/CT0012.fragmented_no_bot_jpeg_baseline.51.dcm',
];

for (const relative of cases) {
  test(`writes ${relative.split('/').pop()} back with the data set unchanged, copied or re-encoded`, (t) => {
    const path = sharedDicomFile(relative);
    if (!path) {
      t.skip(`shared test file ${relative} is absent`);
      return;
    }
    const input = readDicom(readFileSync(path));
    assert.ok(input.ok, input.ok ? '' : input.reason);
    const header = {
      sopClassUid: stringValue(input.dataset, Tags.SOPClassUID) ?? '1.2.840.10008.5.1.4.1.1.7',
      sopInstanceUid: stringValue(input.dataset, Tags.SOPInstanceUID) ?? '1.2.3.4',
      transferSyntax: input.transferSyntax,
    };
    for (const nodes of [copyAll(input.dataset), reencode(input.dataset)]) {
      const output = readDicom(writePart10(header, nodes));
      assert.ok(output.ok, output.ok ? '' : output.reason);
      assert.equal(output.transferSyntax, input.transferSyntax);
      assert.equal(stringValue(output.meta!, Tags.MediaStorageSOPInstanceUID), header.sopInstanceUid);
      assert.deepEqual(flatten(output.dataset), flatten(input.dataset));
    }
  });
}

/** Tags and value bytes at every depth, independent of how lengths were encoded. */
function flatten(dataset: DicomDataset, prefix = ''): string[] {
  return dataset.elements.flatMap((element) => {
    const path = `${prefix}${element.tag.toString(16)}`;
    if (!element.items) return [`${path}=${elementValueBytes(dataset, element).toString('hex')}`];
    return element.items.flatMap((item, i) => flatten(item.dataset, `${path}[${i}].`));
  });
}

test('writes new values with padding to even length and a defined-length sequence', () => {
  const nodes: OutputNode[] = [
    { kind: 'value', tag: Tags.SOPClassUID, vr: 'UI', value: Buffer.from('1.2.840.10008.5.1.4.1.1.2') },
    { kind: 'value', tag: Tags.SOPInstanceUID, vr: 'UI', value: Buffer.from('1.2.3') },
    {
      kind: 'sequence', tag: tagOf(0x0008, 0x1140), vr: 'SQ', undefinedLength: false,
      items: [{ undefinedLength: false, encoding: 'explicit-le', nodes: [{ kind: 'value', tag: Tags.ReferencedSOPInstanceUID, vr: 'UI', value: Buffer.from('1.2.34') }] }],
    },
    { kind: 'value', tag: Tags.PatientName, vr: 'PN', value: Buffer.from('ABC') },
  ];
  const bytes = writePart10({ sopClassUid: '1.2.840.10008.5.1.4.1.1.2', sopInstanceUid: '1.2.3', transferSyntax: '1.2.840.10008.1.2.1' }, nodes);
  const read = readDicom(bytes);
  assert.ok(read.ok);
  const name = findElement(read.dataset, Tags.PatientName)!;
  assert.equal(elementValueBytes(read.dataset, name).toString('latin1'), 'ABC ');
  assert.equal(elementValueBytes(read.dataset, findElement(read.dataset, Tags.SOPInstanceUID)!).toString('latin1'), '1.2.3\0');
  const sequence = findElement(read.dataset, tagOf(0x0008, 0x1140))!;
  assert.equal(sequence.undefinedLength, false);
  assert.equal(stringValue(sequence.items![0]!.dataset, Tags.ReferencedSOPInstanceUID), '1.2.34');
  assert.throws(() => writePart10({ sopClassUid: '1', sopInstanceUid: '1', transferSyntax: '1.2.840.10008.1.2.1' }, [nodes[1]!, nodes[0]!]), /ascending/);
});
