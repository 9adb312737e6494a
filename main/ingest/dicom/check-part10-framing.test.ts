import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { buildMarkerFixture } from '../../deid/dicom/marker-fixture.ts';
import { checkPart10Framing } from './check-part10-framing.ts';
import { findElement } from './dicom-dataset.ts';
import { Tags } from './dicom-tag.ts';
import { readDicom } from './read-dicom.ts';
import { sharedDicomFile } from './shared-test-data.ts';
import { datasetEncodingOf } from './transfer-syntax.ts';

const fixture = buildMarkerFixture().bytes;

test('a well-formed file passes and its pixel data element is located exactly', () => {
  const read = readDicom(fixture);
  assert.ok(read.ok);
  const pixels = findElement(read.dataset, Tags.PixelData)!;
  const result = checkPart10Framing(fixture, datasetEncodingOf(read.transferSyntax));
  assert.equal(result.problem, null);
  assert.deepEqual(result.pixelData, { tag: Tags.PixelData, start: pixels.start, end: pixels.end });
});

test('encapsulated, big-endian and implicit-VR corpus files pass', (t) => {
  const files = [
    'dicomparser/testImages/encapsulated/multi-frame/CT0012.fragmented_no_bot_jpeg_ls.80.dcm',
    'dicomparser/testImages/CT1_UNC.explicit_big_endian.dcm',
    'pydicom/src/pydicom/data/test_files/MR_small_implicit.dcm',
  ].map(sharedDicomFile).filter((f): f is string => f !== null);
  if (files.length === 0) return t.skip('the shared DICOM corpus (../shared/data/dicom) is absent');
  for (const file of files) {
    const bytes = readFileSync(file);
    const read = readDicom(bytes);
    assert.ok(read.ok);
    const result = checkPart10Framing(bytes, datasetEncodingOf(read.transferSyntax));
    assert.equal(result.problem, null, file);
    assert.ok(result.pixelData, file);
  }
});

test('truncation, a wrong length, a missing delimiter and disorder are caught', () => {
  const encoding = 'explicit-le';
  assert.match(checkPart10Framing(fixture.subarray(0, fixture.length - 3), encoding).problem ?? '', /past|fill/);
  assert.match(checkPart10Framing(Buffer.concat([fixture, Buffer.from([0x08, 0x00])]), encoding).problem ?? '', /runs past|header/);
  assert.match(checkPart10Framing(Buffer.from('not dicom at all, not even close to it'), encoding).problem ?? '', /DICM/);

  // An undefined-length sequence whose delimiter is gone, and a short element two bytes longer.
  const read = readDicom(fixture);
  assert.ok(read.ok);
  const sequence = read.dataset.elements.find((e) => e.vr === 'SQ' && e.undefinedLength)!;
  const undelimited = Buffer.from(fixture);
  undelimited.writeUInt16LE(0xe000, sequence.end - 6);
  assert.notEqual(checkPart10Framing(undelimited, encoding).problem, null);
  const short = read.dataset.elements.find((e) => e.vr === 'LO' && e.valueLength > 4)!;
  const longer = Buffer.from(fixture);
  longer.writeUInt16LE(short.valueLength + 2, short.start + 6);
  assert.notEqual(checkPart10Framing(longer, encoding).problem, null);

  // Two top-level elements swapped in place (same lengths): tags no longer ascend.
  const [a, b] = read.dataset.elements.filter((e) => e.end - e.start === 16).slice(0, 2);
  assert.ok(a && b);
  const swapped = Buffer.from(fixture);
  swapped.writeUInt16LE(b.tag >>> 16, a.start);
  swapped.writeUInt16LE(b.tag & 0xffff, a.start + 2);
  assert.match(checkPart10Framing(swapped, encoding).problem ?? '', /ascending/);
});
