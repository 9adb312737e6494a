import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createFhirDeidentifier } from './fhir-deidentifier.ts';
import { createPseudonymKey, deidentifiedUid, epochDay } from './pseudonym-key.ts';
import type { DeidentifiedPatient, DeidentifiedResource } from './safe-harbor-policy.ts';
import { BugIndicatingError } from '../util/errors.ts';
import {
  ENCOUNTER_URL,
  INSTANCE_UID,
  LOINC,
  OBSERVATION_URL,
  PATIENT_URL,
  SERIES_UID,
  SNOMED,
  STUDY_UID,
  UCUM,
  deidentifyMarkedFixture,
  outputOf,
} from './fhir-marker-fixture.ts';

const key = createPseudonymKey(Buffer.alloc(32, 0x5a));
const asOf = new Date('2024-06-30T12:00:00Z');
const fixture = deidentifyMarkedFixture(key, asOf);
const output = (type: string, index = 0): DeidentifiedResource => outputOf(fixture, type, index);

/** Each marker is in the input and in no output field. */
function assertGone(markers: string[]): void {
  for (const marker of markers) {
    assert.ok(fixture.input.includes(marker), `the fixture must contain ${marker}`);
    assert.ok(!fixture.json.includes(marker), `${marker} survived de-identification`);
  }
}

test('(A) removes names of the patient, contacts, practitioners, contained resources and reference displays', () => {
  assertGone([
    'ZZNAME-MARKER-1',
    'ZZGIVEN-MARKER-1',
    'ZZPREFIX-MARKER-1',
    'ZZNAMETEXT-MARKER-1',
    'ZZMAIDEN-MARKER-1',
    'ZZCONTACTNAME-MARKER-1',
    'ZZCONTACTGIVEN-MARKER-1',
    'ZZCONTAINEDNAME-MARKER-1',
    'ZZCONTAINED-MARKER-1',
    'ZZDOCTOR-MARKER-1',
    'ZZPRESCRIBER-MARKER-1',
    'ZZSURGEON-MARKER-1',
    'ZZPERFORMER-MARKER-1',
    'ZZRECORDER-MARKER-1',
    'ZZVACCINATOR-MARKER-1',
    'ZZREFERRER-MARKER-1',
    'ZZTECHNOLOGIST-MARKER-1',
    'ZZGPNAME-MARKER-1',
    'ZZSUBJECTDISPLAY-MARKER-1',
    'ZZENCOUNTERDISPLAY-MARKER-1',
    'ZZRESULTDISPLAY-MARKER-1',
    'ZZEVIDENCE-MARKER-1',
    'ZZINFOSOURCE-MARKER-1',
    'ZZEMPLOYER-MARKER-1',
    'ZZORGNAME-MARKER-1',
    'ZZMANUFACTURER-MARKER-1',
  ]);
});

test('(B) removes street, city, district, address text, birth place and geolocation; keeps state and ZIP3', () => {
  assertGone([
    'ZZSTREET-MARKER-1',
    'ZZUNIT-MARKER-1',
    'ZZCITY-MARKER-1',
    'ZZDISTRICT-MARKER-1',
    'ZZADDRTEXT-MARKER-1',
    'ZZBIRTHCITY-MARKER-1',
    'ZZCONTACTSTREET-MARKER-1',
    'ZZCONTACTCITY-MARKER-1',
    'ZZWARD-MARKER-1',
    'ZZORIGIN-MARKER-1',
    '41.725351',
    '-71.094162',
    '02720',
    '1234',
  ]);
  const patient = output('Patient');
  assert.deepEqual(patient.body.address, [{ state: 'MA', postalCode: '027', country: 'US' }]);
  assert.equal((patient as DeidentifiedPatient).zip3, '027');
});

test('(C) replaces every date with a shifted day number: no calendar date or time of day survives', () => {
  const inputDates = new Set(fixture.input.match(/\d{4}-\d{2}-\d{2}/g));
  assert.ok(inputDates.size > 10);
  assertGone([...inputDates, '22:10', '08:15', '09:00:00']);
  for (const date of inputDates)
    assert.ok(!fixture.json.includes(date.replaceAll('-', '')), `${date} survived as YYYYMMDD`);
  // Everything left once keyed opaque values are removed holds no YYYY-MM-DD, YYYYMMDD or hh:mm.
  const text = fixture.json.replace(/[0-9a-f]{32}|2\.25\.\d+/g, '');
  assert.doesNotMatch(
    text,
    /\d{4}-\d{2}-\d{2}|(?:19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])|\d{2}:\d{2}/,
  );
});

test('(C) date shifting keeps intervals: a 3-day encounter stays 3 days, events keep their spacing', () => {
  const ctx = createFhirDeidentifier({ key, asOf }).contextFor(fixture.identity.pseudonym);
  const encounter = output('Encounter');
  assert.equal(encounter.startDay, epochDay('2019-03-04')! + ctx.shiftDays);
  assert.equal(encounter.endDay! - encounter.startDay!, 3);
  assert.deepEqual(encounter.body.period, { start: encounter.startDay, end: encounter.endDay });
  const condition = output('Condition');
  assert.equal(condition.startDay, encounter.startDay);
  assert.equal(condition.body.recordedDate, encounter.startDay! + 1);
  const statement = output('MedicationStatement');
  assert.equal(statement.endDay! - statement.startDay!, 364);
  const patient = output('Patient') as DeidentifiedPatient;
  assert.equal(
    encounter.startDay! - patient.birthDay!,
    epochDay('2019-03-04')! - epochDay('1961-07-14')!,
  );
  assert.ok(ctx.shiftDays <= -365, 'the shift moves dates into the past');
});

test('(D)(E)(F) removes telephone, fax and email', () => {
  assertGone([
    'ZZPHONE-MARKER-1',
    '555-867-5309',
    'ZZFAX-MARKER-1',
    'zzemail-marker-1@example.org',
    'ZZCONTACTPHONE-MARKER-1',
    'ZZCONTAINEDPHONE-MARKER-1',
  ]);
});

test('(G)-(K) removes SSN, MRN, health plan, account and licence numbers and every identifier value', () => {
  assertGone([
    'ZZSSN-MARKER-1',
    '999-41-7316',
    'ZZMRN-MARKER-1',
    'ZZPLAN-MARKER-1',
    'ZZPLANNAME-MARKER-1',
    'ZZACCOUNT-MARKER-1',
    'ZZACCOUNTREF-MARKER-1',
    'ZZACCOUNTDISPLAY-MARKER-1',
    'ZZLICENCE-MARKER-1',
    'ZZPASSPORT-MARKER-1',
    'ZZNPI-MARKER-1',
    'ZZPRESCRIBERNPI-MARKER-1',
    'ZZVISIT-MARKER-1',
    'ZZPREADMIT-MARKER-1',
    'ZZRXNUMBER-MARKER-1',
    'ZZGROUP-MARKER-1',
    'ZZACCESSION-MARKER-1',
    'ZZASSIGNER-MARKER-1',
    'ZZIDTYPETEXT-MARKER-1',
    'urn:oid:1.2.36.146.595.217.0.1',
  ]);
});

test('(L)(M) removes vehicle and device identifiers and serial numbers; DICOM UIDs are remapped', () => {
  assertGone([
    'ZZVIN-MARKER-1',
    'ZZPLATE-MARKER-1',
    'ZZDEVICEUDI-MARKER-1',
    'ZZDEVICESERIAL-MARKER-1',
    'ZZSERIAL-MARKER-1',
    'ZZUSEDUDI-MARKER-1',
    'ZZLOT-MARKER-1',
    STUDY_UID,
    SERIES_UID,
    INSTANCE_UID,
  ]);
  const study = output('ImagingStudy').body as unknown as {
    identifier: unknown;
    series: { uid: string; instance: { uid: string }[] }[];
  };
  assert.deepEqual(study.identifier, [
    { system: 'urn:dicom:uid', value: `urn:oid:${deidentifiedUid(key, STUDY_UID)}` },
  ]);
  assert.equal(study.series[0]!.uid, deidentifiedUid(key, SERIES_UID));
  assert.equal(study.series[0]!.instance[0]!.uid, deidentifiedUid(key, INSTANCE_UID));
});

test('(N)(O) removes URLs and IP addresses', () => {
  assertGone([
    'zzurl-marker-1',
    'zzhomepage-marker-1',
    'zzphoto-marker-1',
    'zzattachment-marker-1',
    'zzreport-marker-1',
    'zzeducation-marker-1',
    '203.0.113.77',
    '198.51.100.23',
    '192.0.2.44',
    '203.0.113.9',
  ]);
});

test('(P)(Q) removes photos, biometric data and every attachment', () => {
  assertGone([
    'WlpQSE9UTy1NQVJLRVItMQ==',
    'ZZPHOTOTITLE-MARKER-1',
    'WlpCSU9NRVRSSUMtTUFSS0VSLTE=',
    'ZZATTACHMENTTITLE-MARKER-1',
    'ZZSAMPLEDDATA-MARKER-1',
    'WlpSRVBPUlQtTUFSS0VSLTE=',
    'ZZREPORTTITLE-MARKER-1',
  ]);
  assert.equal(output('Patient').body.photo, undefined);
  assert.equal(output('DiagnosticReport').body.presentedForm, undefined);
  assert.doesNotMatch(
    fixture.json,
    /"(?:photo|presentedForm|valueAttachment|valueSampledData|attachment|data)"/,
  );
});

test('(R) replaces resource ids, references and meta with keyed opaque values', () => {
  assertGone([
    'ZZPATIENTID-MARKER-1',
    'ZZENCOUNTERID-MARKER-1',
    'ZZCONDITIONID-MARKER-1',
    'ZZOBSERVATIONID-MARKER-1',
    'ZZMEDREQID-MARKER-1',
    'ZZGPID-MARKER-1',
    'ZZLINKID-MARKER-1',
    'ZZVERSION-MARKER-1',
    'ZZSOURCE-MARKER-1',
    'ZZTAG-MARKER-1',
    'ZZENCVERSION-MARKER-1',
    PATIENT_URL.slice(9),
    ENCOUNTER_URL.slice(9),
    OBSERVATION_URL.slice(9),
  ]);
  for (const o of fixture.outputs) {
    assert.equal(o.body.id, o.key);
    assert.match(o.key, /^[0-9a-f]{32}$/);
    assert.equal(o.body.meta, undefined);
  }
  for (const o of fixture.outputs.filter((x) => x.type !== 'ImagingStudy')) {
    assert.doesNotMatch(
      JSON.stringify(o),
      /"(?:identifier|contained|extension|modifierExtension|_status|meta)"/,
      o.type,
    );
  }
  // ImagingStudy keeps one identifier only: the remapped Study Instance UID (see the (M) test).
  assert.doesNotMatch(
    JSON.stringify(output('ImagingStudy')),
    /"(?:contained|extension|modifierExtension|meta)"/,
  );
});

test('removes free text: narrative, notes, valueString, CodeableConcept.text, Coding.display, descriptions, conclusions, instructions', () => {
  assertGone([
    'ZZNARRATIVE-MARKER-1',
    'ZZENCNARRATIVE-MARKER-1',
    'ZZNOTE-MARKER-1',
    'ZZNOTEAUTHOR-MARKER-1',
    'ZZOBSNOTE-MARKER-1',
    'ZZRXNOTE-MARKER-1',
    'ZZSTATEMENTNOTE-MARKER-1',
    'ZZPROCNOTE-MARKER-1',
    'ZZIMAGINGNOTE-MARKER-1',
    'ZZIMMUNIZATIONNOTE-MARKER-1',
    'ZZREACTIONNOTE-MARKER-1',
    'ZZCOMPONENTSTRING-MARKER-1',
    'ZZLOGIN-MARKER-1',
    'ZZCONDITIONTEXT-MARKER-1',
    'ZZCONDITIONDISPLAY-MARKER-1',
    'ZZENCTYPETEXT-MARKER-1',
    'ZZENCTYPEDISPLAY-MARKER-1',
    'ZZCLASSDISPLAY-MARKER-1',
    'ZZMARITALTEXT-MARKER-1',
    'ZZMARITALDISPLAY-MARKER-1',
    'ZZMEDTEXT-MARKER-1',
    'ZZINTERPTEXT-MARKER-1',
    'ZZRANGETEXT-MARKER-1',
    'ZZSTUDYDESC-MARKER-1',
    'ZZSERIESDESC-MARKER-1',
    'ZZINSTANCETITLE-MARKER-1',
    'ZZREACTION-MARKER-1',
    'ZZCONCLUSION-MARKER-1',
    'ZZMEDIACOMMENT-MARKER-1',
    'ZZDOSAGE-MARKER-1',
    'ZZPATIENTINSTRUCTION-MARKER-1',
    'ZZSTATEMENTDOSAGE-MARKER-1',
    'ZZABATEMENT-MARKER-1',
    'ZZONSETSTRING-MARKER-1',
    'ZZSERIES-MARKER-1',
    'ZZEDUCATIONDOC-MARKER-1',
    'ZZPHARMACY-MARKER-1',
    'ZZMANIFESTTEXT-MARKER-1',
    'ZZCONCLUSIONCODETEXT-MARKER-1',
  ]);
});

test('removes extensions with values, modifier extensions and extensions on primitives', () => {
  assertGone([
    'ZZEXTENSION-MARKER-1',
    'ZZMODIFIER-MARKER-1',
    'ZZPRIMITIVEEXT-MARKER-1',
    'ZZMODEXT-MARKER-1',
  ]);
  assert.equal(output('Encounter').body.status, 'finished');
});

test('keeps coded clinical content: codings without display, quantities, status codes, class', () => {
  const encounter = output('Encounter');
  assert.deepEqual(encounter.body.class, {
    system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode',
    code: 'IMP',
  });
  assert.deepEqual(encounter.body.type, [{ coding: [{ system: SNOMED, code: '183452005' }] }]);
  assert.deepEqual(encounter.codes, [
    'http://terminology.hl7.org/CodeSystem/v3-ActCode|IMP',
    `${SNOMED}|183452005`,
  ]);
  const observation = output('Observation');
  assert.deepEqual(observation.body.valueQuantity, {
    value: 72,
    unit: '/min',
    system: UCUM,
    code: '/min',
  });
  assert.deepEqual(observation.body.referenceRange, [
    { low: { value: 60, unit: '/min' }, high: { value: 100, unit: '/min' } },
  ]);
  assert.deepEqual(observation.codes, [`${LOINC}|8867-4`]);
  const request = output('MedicationRequest');
  assert.deepEqual(request.body.dosageInstruction, [
    {
      sequence: 1,
      timing: { repeat: { frequency: 1, period: 1, periodUnit: 'd' } },
      doseAndRate: [{ doseQuantity: { value: 5, unit: 'mg', system: UCUM, code: 'mg' } }],
    },
  ]);
  assert.equal(output('AllergyIntolerance').body.criticality, undefined);
  assert.deepEqual(output('AllergyIntolerance').body.category, ['medication']);
});

test('a code element outside its R4 value set is dropped, so free text cannot pass as a code', () => {
  const deid = createFhirDeidentifier({ key, asOf });
  const ctx = deid.contextFor('p');
  const out = deid.deidentify(
    { resourceType: 'Encounter', id: 'e', status: 'ZZSTATUS-MARKER-1', class: { code: 'AMB' } },
    ctx,
  );
  assert.equal(out.body.status, undefined);
  assert.deepEqual(out.body.class, { code: 'AMB' });
});

test('types outside the profile are refused: the caller skips them', () => {
  const deid = createFhirDeidentifier({ key, asOf });
  assert.throws(
    () => deid.deidentify({ resourceType: 'DocumentReference', id: 'd' }, null),
    BugIndicatingError,
  );
  assert.throws(
    () => deid.identifyPatient({ resourceType: 'Practitioner', id: 'x' }),
    /Expected a Patient/,
  );
});

test('main clinical time and codes per type', () => {
  const days = (type: string) => [output(type).startDay, output(type).endDay];
  const patient = output('Patient');
  const shift = (patient as DeidentifiedPatient).birthDay! - epochDay('1961-07-14')!;
  const d = (iso: string) => epochDay(iso)! + shift;
  assert.deepEqual(days('Observation'), [d('2019-03-05'), d('2019-03-05')]);
  assert.deepEqual(days('MedicationRequest'), [d('2019-03-06'), d('2019-03-06')]);
  assert.deepEqual(days('Procedure'), [d('2019-03-05'), d('2019-03-05')]);
  assert.deepEqual(days('AllergyIntolerance'), [d('2018-11-02'), null]);
  assert.deepEqual(days('DiagnosticReport'), [d('2019-03-05'), d('2019-03-05')]);
  assert.deepEqual(days('ImagingStudy'), [d('2019-03-05'), d('2019-03-05')]);
  assert.deepEqual(days('Immunization'), [d('2018-10-01'), d('2018-10-01')]);
  assert.deepEqual(days('Condition'), [d('2019-03-04'), null]);
  assert.deepEqual(output('ImagingStudy').codes, [
    'http://dicom.nema.org/resources/ontology/DCM|CT',
  ]);
  assert.deepEqual(output('Immunization').codes, ['http://hl7.org/fhir/sid/cvx|140']);
});
