import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createFhirDeidentifier } from './fhir-deidentifier.ts';
import { createPseudonymKey, epochDay } from './pseudonym-key.ts';
import { leakedStrings } from './identifying-strings.ts';
import { LOINC, UCUM } from './fhir-marker-fixture.ts';

const key = createPseudonymKey(Buffer.alloc(32, 0x5a));
const asOf = new Date('2024-06-30T12:00:00Z');

function patientAged(birthDate: string, extra: Record<string, unknown> = {}) {
  const deid = createFhirDeidentifier({ key, asOf });
  const resource = { resourceType: 'Patient', id: `p-${birthDate}`, birthDate, ...extra };
  return deid.deidentifyPatient(resource, deid.contextFor('pseudo-age'));
}

test('(C) a patient aged 95 is "90+" with no birth year or birth day anywhere', () => {
  const out = patientAged('1929-01-15');
  assert.deepEqual([out.ageGroup, out.birthYear, out.birthDay], ['90+', null, null]);
  assert.equal(out.body.birthDate, undefined);
  assert.deepEqual(leakedStrings(out, ['1929', '1929-01-15', '19290115']), []);
  assert.deepEqual(
    [patientAged('1934-06-30').ageGroup, patientAged('1934').ageGroup],
    ['90+', '90+'],
  );
});

test('(C) an 89-year-old keeps the 85-89 band, the birth year and the shifted birth day', () => {
  const out = patientAged('1934-07-01');
  const shift = createFhirDeidentifier({ key, asOf }).contextFor('pseudo-age').shiftDays;
  assert.deepEqual(
    [out.ageGroup, out.birthYear, out.birthDay],
    ['85-89', 1934, epochDay('1934-07-01')! + shift],
  );
  assert.equal(out.body.birthDate, out.birthDay);
  assert.deepEqual(
    [patientAged('2022-01-01').ageGroup, patientAged('2019-06-30').ageGroup],
    ['0-4', '5-9'],
  );
});

test('(C) age is taken at death for deceased patients', () => {
  const died84 = patientAged('1920-05-01', { deceasedDateTime: '2005-03-02T10:00:00Z' });
  assert.deepEqual([died84.ageGroup, died84.birthYear, died84.deceased], ['80-84', 1920, true]);
  assert.equal(
    died84.deceasedDay! - died84.birthDay!,
    epochDay('2005-03-02')! - epochDay('1920-05-01')!,
  );
  const died93 = patientAged('1910-01-01', { deceasedDateTime: '2003-06-01' });
  assert.deepEqual([died93.ageGroup, died93.birthYear, died93.birthDay], ['90+', null, null]);
  assert.ok(died93.deceasedDay !== null && died93.deceased);
  const flagged = patientAged('1980-01-01', { deceasedBoolean: true });
  assert.deepEqual(
    [flagged.deceased, flagged.deceasedDay, flagged.body.deceasedBoolean],
    [true, null, true],
  );
});

test('(C) ages over 89 recorded as quantities are dropped', () => {
  const deid = createFhirDeidentifier({ key, asOf });
  const ctx = deid.contextFor('p');
  const age = (value: number, code: string) =>
    deid.deidentify(
      {
        resourceType: 'Observation',
        id: `a${value}${code}`,
        status: 'final',
        code: { coding: [{ system: LOINC, code: '30525-0' }] },
        valueQuantity: { value, unit: code, system: UCUM, code },
      },
      ctx,
    ).body.valueQuantity;
  assert.equal(age(95, 'a'), undefined);
  assert.equal(age(1100, 'mo'), undefined);
  assert.deepEqual(age(89, 'a'), { value: 89, unit: 'a', system: UCUM, code: 'a' });
  assert.deepEqual(
    age(95, 'A'),
    { value: 95, unit: 'A', system: UCUM, code: 'A' },
    'amperes are not years',
  );
});

test('(B) ZIP3: restricted, zero-population and untabulated prefixes become 000; non-US addresses keep only the country', () => {
  const zip = (address: Record<string, unknown>) =>
    patientAged('1980-01-01', { address: [address] });
  assert.equal(zip({ postalCode: '03601', state: 'NH', country: 'US' }).zip3, '000');
  assert.equal(zip({ postalCode: '20201', state: 'DC', country: 'USA' }).zip3, '000');
  assert.equal(zip({ postalCode: '09012', state: 'AE', country: 'US' }).zip3, '000');
  assert.equal(zip({ postalCode: '02720', state: 'MA' }).zip3, '027');
  assert.equal(zip({ postalCode: '2720', state: 'MA', country: 'US' }).zip3, null);
  const canada = zip({
    line: ['ZZSTREET-MARKER-2'],
    city: 'ZZCITY-MARKER-2',
    state: 'ON',
    postalCode: 'K1A 0B1',
    country: 'Canada',
  });
  assert.deepEqual(
    [canada.zip3, canada.state, canada.country, canada.body.address],
    [null, null, 'CA', [{ country: 'CA' }]],
  );
  const unknownCountry = zip({
    state: 'ZZSTATE-MARKER-2',
    postalCode: '12345',
    country: 'ZZCOUNTRY-MARKER-2',
  });
  assert.deepEqual(
    [
      unknownCountry.zip3,
      unknownCountry.state,
      unknownCountry.country,
      unknownCountry.body.address,
    ],
    [null, null, null, undefined],
  );
});
