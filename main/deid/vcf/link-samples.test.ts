import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createPseudonymKey, patientPseudonym } from '../pseudonym-key.ts';
import { InvalidInputError } from '../../util/errors.ts';
import { linkSamples } from './link-samples.ts';
import { parseSampleSheet } from './sample-sheet.ts';

const key = createPseudonymKey(Buffer.alloc(32, 9));
const SYSTEM = 'urn:oid:2.16.840.1.113883.19.5';

test('parses a sample sheet with an optional header, quotes and blank lines', () => {
  const sheet = parseSampleSheet(
    '\uFEFFsample_id,mrn_system,mrn\r\n"NA 001",urn:oid:1.2.3,"MRN,42"\r\n\r\nNA002 , urn:oid:1.2.3 , 43\r\n',
  );
  assert.deepEqual(
    [...sheet.entries],
    [
      ['NA 001', { mrnSystem: 'urn:oid:1.2.3', mrnValue: 'MRN,42' }],
      ['NA002', { mrnSystem: 'urn:oid:1.2.3', mrnValue: '43' }],
    ],
  );
});

test('rejects malformed or conflicting sample sheets by row, without echoing values', () => {
  const bad: [string, RegExp][] = [
    ['S1,sys\n', /row 1 must have 3/],
    ['S1,sys,1\nS1,sys,2\n', /row 2 gives a different MRN for the sample id of row 1/],
    ['S1,sys,"unterminated\n', /unterminated/],
  ];
  for (const [csv, reason] of bad) {
    assert.throws(
      () => parseSampleSheet(csv),
      (e: unknown) =>
        e instanceof InvalidInputError && reason.test(e.message) && !e.message.includes('S1'),
    );
  }
});

test('links through the sheet, reports unlisted samples without their names', () => {
  const sheet = parseSampleSheet('S1,urn:a,100\nS3,urn:a,300\n');
  const { linked, unlinked } = linkSamples(['S1', 'S2', 'S3'], sheet, key, SYSTEM);
  assert.deepEqual(linked, [
    { sampleIndex: 0, pseudonym: patientPseudonym(key, 'urn:a', '100') },
    { sampleIndex: 2, pseudonym: patientPseudonym(key, 'urn:a', '300') },
  ]);
  assert.deepEqual(unlinked, [
    { sampleIndex: 1, reason: 'the sample is not listed in the sample sheet' },
  ]);
});

test('without a sheet the sample id is the MRN in the default system; duplicates and blanks are not linked', () => {
  const { linked, unlinked } = linkSamples(['MRN-7', ' ', 'MRN-7 '], null, key, SYSTEM);
  assert.deepEqual(linked, [{ sampleIndex: 0, pseudonym: patientPseudonym(key, SYSTEM, 'MRN-7') }]);
  assert.deepEqual(unlinked, [
    { sampleIndex: 1, reason: 'the sample name is empty' },
    { sampleIndex: 2, reason: 'the sample belongs to the same patient as sample column 1' },
  ]);
  for (const u of unlinked) assert.ok(!u.reason.includes('MRN'));
});
