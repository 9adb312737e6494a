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

test('remembered UID mappings never cross keys and survive the memory being cleared', () => {
  const uid = '1.2.826.0.1.3680043.10.999.3.42';
  // Fresh keys with the same secret: the answer is a function of the secret, not of the object.
  const expected = deidentifiedUid(createPseudonymKey(Buffer.alloc(32, 9)), uid);
  const other = createPseudonymKey(randomBytes(32));
  const fresh = createPseudonymKey(Buffer.alloc(32, 9));
  assert.equal(deidentifiedUid(fresh, uid), expected);
  assert.notEqual(deidentifiedUid(other, uid), expected, 'another key, another UID, even just after');
  // More distinct UIDs than are remembered: the first is computed again, with the same result.
  for (let i = 0; i < 5000; i++) deidentifiedUid(fresh, `1.2.3.${i}`);
  assert.equal(deidentifiedUid(fresh, uid), expected);
  assert.equal(deidentifiedUid(fresh, `${uid}\0`), expected);
});

test('epochDay reads the date as written and round-trips to DICOM DA', () => {
  assert.equal(epochDay('1970-01-02'), 1);
  assert.equal(epochDay('2019-03-04T23:30:00-05:00'), epochDay('2019-03-04'));
  assert.equal(epochDay('2019'), epochDay('2019-01-01'));
  assert.equal(epochDay('not a date'), null);
  assert.equal(dayToDicomDate(epochDay('2019-03-04')!), '20190304');
});
