import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createPseudonymKey, dateShiftDays, dayToDicomDate, deidentifiedUid, epochDay, patientPseudonym } from './pseudonym-key.ts';

const key = createPseudonymKey(Buffer.alloc(32, 7));

test('the same MRN gives the same pseudonym, another key a different one', () => {
  const a = patientPseudonym(key, 'urn:mrn', 'MRN-123');
  assert.equal(a, patientPseudonym(key, 'urn:mrn', 'MRN-123'));
  assert.notEqual(a, patientPseudonym(key, 'urn:mrn', 'MRN-124'));
  assert.notEqual(a, patientPseudonym(createPseudonymKey(randomBytes(32)), 'urn:mrn', 'MRN-123'));
  assert.doesNotMatch(a, /MRN|123/);
});

test('date shifts are deterministic, into the past, and between one and ten years', () => {
  for (let i = 0; i < 200; i++) {
    const p = patientPseudonym(key, 's', String(i));
    const shift = dateShiftDays(key, p);
    assert.equal(shift, dateShiftDays(key, p));
    assert.ok(shift <= -365 && shift >= -3650, `shift ${shift}`);
  }
});

test('DICOM UIDs map to 2.25 decimals of at most 64 characters, consistently', () => {
  const uid = deidentifiedUid(key, '1.2.840.113619.2.55.3.604688119.868.1234567890.123');
  assert.match(uid, /^2\.25\.[1-9]\d*$/);
  assert.ok(uid.length <= 64);
  assert.equal(uid, deidentifiedUid(key, '1.2.840.113619.2.55.3.604688119.868.1234567890.123\0'));
});

test('epochDay reads the date as written and round-trips to DICOM DA', () => {
  assert.equal(epochDay('1970-01-02'), 1);
  assert.equal(epochDay('2019-03-04T23:30:00-05:00'), epochDay('2019-03-04'));
  assert.equal(epochDay('2019'), epochDay('2019-01-01'));
  assert.equal(epochDay('not a date'), null);
  assert.equal(dayToDicomDate(epochDay('2019-03-04')!), '20190304');
});
