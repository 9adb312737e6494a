import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { deflateRawSync } from 'node:zlib';
import { findElement, stringValue } from './dicom-dataset.ts';
import { Tags, tagOf } from './dicom-tag.ts';
import { MAX_SEQUENCE_DEPTH } from './parse-dataset.ts';
import { readDicom } from './read-dicom.ts';
import type { DicomReadResult } from './read-dicom.ts';
import { sharedDicomFile } from './shared-test-data.ts';
import { summarizeDicom } from './summarize-dicom.ts';
import { element, rawHeader as raw } from './hand-made-elements.ts';

function part10(dataset: Buffer, transferSyntax = '1.2.840.10008.1.2.1'): Buffer {
  const meta = Buffer.concat([
    element(0x0002, 0x0001, 'OB', Buffer.from([0, 1])),
    element(0x0002, 0x0002, 'UI', '1.2.840.10008.5.1.4.1.1.2'),
    element(0x0002, 0x0003, 'UI', '1.2.3.4'),
    element(0x0002, 0x0010, 'UI', transferSyntax),
  ]);
  const groupLength = Buffer.alloc(4);
  groupLength.writeUInt32LE(meta.length);
  const preamble = Buffer.alloc(132);
  preamble.write('DICM', 128, 'latin1');
  return Buffer.concat([preamble, element(0x0002, 0x0000, 'UL', groupLength), meta, dataset]);
}

const minimalDataset = Buffer.concat([
  element(0x0008, 0x0016, 'UI', '1.2.840.10008.5.1.4.1.1.2'),
  element(0x0008, 0x0018, 'UI', '1.2.3.4'),
  element(0x0010, 0x0020, 'LO', 'PID-1'),
]);

function expectFailure(result: DicomReadResult, code: string, pattern: RegExp): void {
  assert.equal(result.ok, false, 'expected a refusal');
  if (result.ok) return;
  assert.equal(result.code, code);
  assert.match(result.reason, pattern);
}

test('reads a hand-made Explicit VR Little Endian Part 10 file', () => {
  const result = readDicom(part10(minimalDataset));
  assert.ok(result.ok);
  assert.equal(result.transferSyntax, '1.2.840.10008.1.2.1');
  assert.equal(stringValue(result.dataset, Tags.PatientID), 'PID-1');
  assert.equal(result.dataset.elements.length, 3);
  assert.equal(result.isDicomdir, false);
});

test('reads files without preamble, without DICM prefix, and bare data sets without file meta', () => {
  const file = part10(minimalDataset);
  const noPreamble = readDicom(file.subarray(128));
  assert.ok(noPreamble.ok && noPreamble.warnings.includes('no preamble'));
  const noPrefix = readDicom(file.subarray(132));
  assert.ok(noPrefix.ok && stringValue(noPrefix.dataset, Tags.PatientID) === 'PID-1');
  const bare = readDicom(minimalDataset);
  assert.ok(bare.ok);
  assert.equal(bare.meta, null);
  assert.equal(bare.transferSyntax, '1.2.840.10008.1.2.1');
});

test('reads a deflated data set and refuses a corrupt deflate stream', () => {
  const deflated = part10(deflateRawSync(minimalDataset), '1.2.840.10008.1.2.1.99');
  const result = readDicom(deflated);
  assert.ok(result.ok && stringValue(result.dataset, Tags.PatientID) === 'PID-1');
  const corrupt = Buffer.concat([deflated.subarray(0, deflated.length - 20), Buffer.from('not deflate data....')]);
  expectFailure(readDicom(corrupt), 'malformed', /deflate/);
});

test('skips non-DICOM files with a reason', () => {
  expectFailure(readDicom(Buffer.from('# README\nnot an image\n')), 'not-dicom', /no DICM prefix/);
  expectFailure(readDicom(Buffer.alloc(0)), 'not-dicom', /DICM/);
  expectFailure(readDicom(Buffer.alloc(400)), 'not-dicom', /DICM/);
});

test('refuses truncated files, lengths past the end and absurd lengths', () => {
  const file = part10(minimalDataset);
  for (const cut of [2, 5, 11]) expectFailure(readDicom(file.subarray(0, file.length - cut)), 'malformed', /./);
  const absurd = part10(Buffer.concat([minimalDataset, element(0x0010, 0x1001, 'UN', Buffer.alloc(0)).subarray(0, 8), Buffer.from([0xff, 0xff, 0xff, 0x7f])]));
  expectFailure(readDicom(absurd), 'malformed', /./);
});

test('refuses a sequence of undefined length without delimiters', () => {
  const sequenceHeader = Buffer.concat([element(0x0040, 0xa730, 'SQ', Buffer.alloc(0)).subarray(0, 8), Buffer.from([0xff, 0xff, 0xff, 0xff])]);
  const item = Buffer.concat([raw(0xfffe, 0xe000, 0xffffffff), element(0x0008, 0x1155, 'UI', '1.2.3.5')]);
  const result = readDicom(part10(Buffer.concat([minimalDataset, sequenceHeader, item])));
  expectFailure(result, 'malformed', /delimit|ends inside|sequence/i);
});

test('refuses invalid VRs, VRs that contradict PS3.6, duplicates and out-of-order tags', () => {
  const badVr = Buffer.from(element(0x0010, 0x0040, 'CS', 'O'));
  badVr.write('Q!', 4, 'latin1');
  expectFailure(readDicom(part10(Buffer.concat([minimalDataset, badVr]))), 'malformed', /invalid VR for \(0010,0040\)/);
  const mismatch = element(0x0010, 0x0030, 'US', Buffer.from([1, 0]));
  expectFailure(readDicom(part10(Buffer.concat([minimalDataset, mismatch]))), 'malformed', /\(0010,0030\) is encoded with VR US/);
  const duplicate = Buffer.concat([minimalDataset, element(0x0010, 0x0020, 'LO', 'PID-2')]);
  expectFailure(readDicom(part10(duplicate)), 'malformed', /duplicate attribute \(0010,0020\)/);
  const unordered = Buffer.concat([minimalDataset, element(0x0008, 0x0060, 'CS', 'CT')]);
  expectFailure(readDicom(part10(unordered)), 'malformed', /ascending tag order/);
});

test('refuses sequences nested deeper than the limit', () => {
  let nested = element(0x0010, 0x0020, 'LO', 'X');
  for (let depth = 0; depth <= MAX_SEQUENCE_DEPTH + 1; depth++) {
    const item = Buffer.concat([raw(0xfffe, 0xe000, nested.length), nested]);
    nested = element(0x0040, 0xa730, 'SQ', item);
  }
  expectFailure(readDicom(part10(Buffer.concat([minimalDataset, nested]))), 'malformed', /nested deeper/);
});

test('refuses an unknown transfer syntax and a missing one', () => {
  expectFailure(readDicom(part10(minimalDataset, '1.2.3.4.5.6.7')), 'unsupported', /transfer syntax/);
});

test('error reasons quote no header values', () => {
  const secret = element(0x0010, 0x0010, 'PN', 'Secret^Name');
  const broken = part10(Buffer.concat([minimalDataset.subarray(0, minimalDataset.length - 14), secret, Buffer.from([1, 2, 3])]));
  const result = readDicom(broken);
  assert.equal(result.ok, false);
  assert.doesNotMatch(JSON.stringify(result), /Secret|PID-1/);
});

const corpusCases: Array<[string, string, string]> = [
  ['dicomparser/testImages/encapsulated/single-frame/CT1_UNC.explicit_little_endian.dcm', '1.2.840.10008.1.2.1', 'explicit little endian'],
  ['dicomparser/testImages/CT1_UNC.implicit_little_endian.dcm', '1.2.840.10008.1.2', 'implicit little endian'],
  ['dicomparser/testImages/CT1_UNC.explicit_big_endian.dcm', '1.2.840.10008.1.2.2', 'explicit big endian'],
  ['dicomparser/testImages/deflate/image_dfl', '1.2.840.10008.1.2.1.99', 'deflated'],
  ['dicomparser/testImages/encapsulated/multi-frame/CT0012.fragmented_no_bot_jpeg_ls.80.dcm', '1.2.840.10008.1.2.4.80', 'JPEG-LS, fragments without offset table'],
  ['dicomparser/testImages/encapsulated/multi-frame/CT0012.not_fragmented_bot_rle.dcm', '1.2.840.10008.1.2.5', 'RLE with offset table'],
  ['pydicom/src/pydicom/data/test_files/ExplVR_BigEndNoMeta.dcm', '1.2.840.10008.1.2.2', 'big endian without file meta'],
];

for (const [relative, transferSyntax, label] of corpusCases) {
  test(`reads the shared corpus file for ${label}`, (t) => {
    const path = sharedDicomFile(relative);
    if (!path) {
      t.skip(`shared test file ${relative} is absent`);
      return;
    }
    const result = readDicom(readFileSync(path));
    assert.ok(result.ok, result.ok ? '' : result.reason);
    assert.equal(result.transferSyntax, transferSyntax);
    const pixels = findElement(result.dataset, Tags.PixelData);
    if (transferSyntax.startsWith('1.2.840.10008.1.2.4') || transferSyntax === '1.2.840.10008.1.2.5') assert.equal(pixels?.encapsulated, true);
    const facts = summarizeDicom(result);
    assert.ok(facts.sopInstanceUid);
  });
}

test('flags a DICOMDIR', (t) => {
  const path = sharedDicomFile('pydicom/src/pydicom/data/test_files/dicomdirtests/DICOMDIR');
  if (!path) {
    t.skip('shared DICOMDIR test file is absent');
    return;
  }
  const result = readDicom(readFileSync(path));
  assert.ok(result.ok && result.isDicomdir);
  assert.ok(result.ok && findElement(result.dataset, tagOf(0x0004, 0x1220))?.items);
});
