import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DescriptorCleaner } from './clean-descriptor-text.ts';
import { dicomDateToDay, shiftDicomDate, shiftDicomDateTime } from './dicom-date-shift.ts';

test('shifts DA values, multi-values and ranges by whole days', () => {
  assert.equal(shiftDicomDate('20200301', -1), '20200229');
  assert.equal(shiftDicomDate('20200101\\20200301', -366), '20181231\\20190301');
  assert.equal(shiftDicomDate('20200101-20200105', -1), '20191231-20200104');
  assert.equal(shiftDicomDate('1999.12.31', 1), '20000101');
  assert.equal(dicomDateToDay('19700101'), 0);
});

test('refuses values that are not calendar dates, so the Basic action applies', () => {
  for (const bad of ['20201301', '20200230', '2020', 'FUZZ', '00000000', '2020-01-01']) assert.equal(shiftDicomDate(bad, -10), null, bad);
});

test('shifts the date of a DT and keeps time of day and UTC offset', () => {
  assert.equal(shiftDicomDateTime('20200301123456.789+0100', -1), '20200229123456.789+0100');
  assert.equal(shiftDicomDateTime('202003', -1), null);
});

test('cleans descriptors of identifying words, dates and long numbers', () => {
  const cleaner = new DescriptorCleaner(['Doe^John', 'MRN123456', 'St Elsewhere Hospital']);
  assert.equal(cleaner.clean('CT CHEST for JOHN DOE 2020-01-02'), 'CT CHEST for');
  assert.equal(cleaner.clean('Elsewhere follow-up 1234567 call me@example.org'), 'follow-up call');
  assert.equal(cleaner.clean('MR BRAIN W/O'), 'MR BRAIN W/O');
});
