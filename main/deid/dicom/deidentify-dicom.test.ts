import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DicomDataset } from '../../ingest/dicom/dicom-dataset.ts';
import { findElement, stringValue, stringValues } from '../../ingest/dicom/dicom-dataset.ts';
import { Tags, tagOf } from '../../ingest/dicom/dicom-tag.ts';
import { readDicom } from '../../ingest/dicom/read-dicom.ts';
import { dcmdumpAvailable, dcmdumpProblems } from '../../ingest/dicom/shared-test-data.ts';
import { createPseudonymKey, dateShiftDays, dayToDicomDate, epochDay, patientPseudonym } from '../pseudonym-key.ts';
import { deidentifyDicom } from './deidentify-dicom.ts';
import type { DicomDeidResult } from './deidentify-dicom.ts';
import { DEFAULT_DICOM_DEID_OPTIONS } from './dicom-deid-options.ts';
import type { DicomDeidOptions } from './dicom-deid-options.ts';
import { buildMarkerFixture, containsMarkerText, survivingMarkers, syntheticCtInstance, writeInstanceWithDcmjs } from './marker-fixture.ts';

const key = createPseudonymKey(Buffer.alloc(32, 0x5a));
const basicOnly: DicomDeidOptions = {
  retainLongitudinalModifiedDates: false,
  retainPatientCharacteristics: false,
  retainDeviceIdentity: false,
  retainSafePrivate: false,
  cleanDescriptors: false,
  cleanStructuredContent: false,
};
const mrnSystem = (issuer: string | null) => (issuer === 'HOSP-A' ? 'urn:oid:1.2.3.4.100' : 'urn:oid:1.2.3.4.999');

function deidentify(bytes: Buffer, options: DicomDeidOptions = DEFAULT_DICOM_DEID_OPTIONS): DicomDeidResult {
  return deidentifyDicom(bytes, { key, options, mrnSystemForIssuer: mrnSystem });
}

function ok(result: DicomDeidResult): Extract<DicomDeidResult, { outcome: 'ok' }> {
  assert.equal(result.outcome, 'ok', result.outcome === 'ok' ? '' : result.reason);
  return result as Extract<DicomDeidResult, { outcome: 'ok' }>;
}

function reread(output: Buffer): DicomDataset {
  const read = readDicom(output);
  assert.ok(read.ok, read.ok ? '' : read.reason);
  return read.dataset;
}

test('no marker planted in any Table E.1-1 attribute survives the Basic Profile, at any depth or in private data', () => {
  const fixture = buildMarkerFixture();
  assert.ok(fixture.markers.length > 1500, `only ${fixture.markers.length} markers planted`);
  for (const location of ['meta', 'top', 'sequence', 'nested-1', 'nested-2', 'private'] as const) {
    assert.ok(fixture.markers.some((m) => m.location === location), location);
  }
  for (const marker of fixture.markers) {
    assert.ok(marker.text === null || fixture.bytes.includes(Buffer.from(marker.text, 'latin1')), `marker ${marker.tag} not planted`);
  }
  const result = ok(deidentify(fixture.bytes, basicOnly));
  const survivors = survivingMarkers(result.output, fixture.markers);
  assert.deepEqual(survivors.map((m) => `${m.location} ${m.tag} ${m.vr}`), []);
});

test('with modified dates only time-of-day markers survive, and no planted date appears unshifted', () => {
  const fixture = buildMarkerFixture();
  const result = ok(deidentify(fixture.bytes));
  const survivors = survivingMarkers(result.output, fixture.markers);
  assert.deepEqual(survivors.filter((m) => m.vr !== 'TM').map((m) => `${m.location} ${m.tag} ${m.vr}`), []);
  assert.ok(survivors.length > 0, 'TM values are kept under the modified-dates option');
  const dates = fixture.markers.filter((m) => m.kind === 'date' || m.kind === 'datetime');
  assert.ok(dates.length > 300);
  const output = result.output.toString('latin1');
  for (const date of dates) assert.ok(!containsMarkerText(output, date.text!.slice(0, 8)), `${date.tag} date survived unshifted`);
});

test('the marker search finds every planted value in the input, and a date only where it stands as a value', () => {
  const fixture = buildMarkerFixture();
  const planted = survivingMarkers(fixture.bytes, fixture.markers);
  assert.equal(planted.length, fixture.markers.length, 'every marker is found before de-identification');
  // A leaked date follows a length field, a value separator or a quote...
  for (const context of ['DA\b\u000019310331\b', 'x\\19310331', '19310331', '"19310331"', '19310331-19310401']) {
    assert.ok(containsMarkerText(context, '19310331'), context);
  }
  assert.ok(containsMarkerText('UI\u0000ZZMARK0001', 'ZZMARK0001'));
  // ...but inside a keyed-hash UID or a float it is a chance run of digits.
  for (const context of ['2.25.4471931033100982', '2.25.19310331009', '0.19310331']) {
    assert.ok(!containsMarkerText(context, '19310331'), context);
  }
});

test('the de-identified marker file parses with dcmdump', (t) => {
  if (!dcmdumpAvailable()) {
    t.skip('dcmdump (dcmtk) is not installed');
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'dicom-deid-'));
  try {
    const path = join(dir, 'marker.dcm');
    writeFileSync(path, ok(deidentify(buildMarkerFixture().bytes)).output);
    const { status, problems } = dcmdumpProblems(path);
    assert.equal(status, 0);
    assert.deepEqual(problems, []);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('two files of one study keep one study UID, distinct instance UIDs, and references that still resolve', () => {
  const first = writeInstanceWithDcmjs(syntheticCtInstance({ '00080018': { vr: 'UI', Value: ['1.2.3.999.1.1'] } }));
  const second = writeInstanceWithDcmjs(syntheticCtInstance({
    '00080018': { vr: 'UI', Value: ['1.2.3.999.1.2'] },
    '00081140': { vr: 'SQ', Value: [{ '00081150': { vr: 'UI', Value: ['1.2.840.10008.5.1.4.1.1.2'] }, '00081155': { vr: 'UI', Value: ['1.2.3.999.1.1'] } }] },
  }));
  const a = ok(deidentify(first));
  const b = ok(deidentify(second));
  const da = reread(a.output);
  const db = reread(b.output);
  assert.equal(stringValue(da, Tags.StudyInstanceUID), stringValue(db, Tags.StudyInstanceUID));
  assert.equal(a.summary.studyInstanceUid, stringValue(da, Tags.StudyInstanceUID));
  assert.notEqual(stringValue(da, Tags.SOPInstanceUID), stringValue(db, Tags.SOPInstanceUID));
  assert.notEqual(stringValue(da, Tags.StudyInstanceUID), '1.2.3.999.10');
  const reference = findElement(db, tagOf(0x0008, 0x1140))!.items![0]!.dataset;
  assert.equal(stringValue(reference, Tags.ReferencedSOPInstanceUID), stringValue(da, Tags.SOPInstanceUID));
  assert.equal(stringValue(reference, tagOf(0x0008, 0x1150)), '1.2.840.10008.5.1.4.1.1.2', 'SOP Class UIDs are not replaced');
  const meta = readDicom(a.output);
  assert.ok(meta.ok && meta.meta);
  assert.equal(stringValue(meta.meta, Tags.MediaStorageSOPInstanceUID), stringValue(da, Tags.SOPInstanceUID));
  assert.equal(stringValue(meta.meta, Tags.TransferSyntaxUID), '1.2.840.10008.1.2.1');
});

test('Patient ID and Patient Name become the pseudonym of the MRN in the system mapped from the issuer', () => {
  let seenIssuer: string | null | undefined;
  const bytes = writeInstanceWithDcmjs(syntheticCtInstance({ '00100021': { vr: 'LO', Value: ['HOSP-A'] } }));
  const result = ok(deidentifyDicom(bytes, { key, options: DEFAULT_DICOM_DEID_OPTIONS, mrnSystemForIssuer: (issuer) => { seenIssuer = issuer; return mrnSystem(issuer); } }));
  assert.equal(seenIssuer, 'HOSP-A');
  const expected = patientPseudonym(key, 'urn:oid:1.2.3.4.100', 'MRN-0001');
  assert.equal(result.pseudonym, expected);
  const dataset = reread(result.output);
  assert.equal(stringValue(dataset, Tags.PatientID), expected);
  assert.equal(stringValue(dataset, Tags.PatientName), expected);
  assert.equal(findElement(dataset, Tags.IssuerOfPatientID), undefined);
  const noIssuer = ok(deidentify(writeInstanceWithDcmjs(syntheticCtInstance({}))));
  assert.equal(noIssuer.pseudonym, patientPseudonym(key, 'urn:oid:1.2.3.4.999', 'MRN-0001'));
});

test('Retain Patient Characteristics keeps sex, age and weight; the Basic Profile does not', () => {
  const bytes = writeInstanceWithDcmjs(syntheticCtInstance({
    '00100040': { vr: 'CS', Value: ['F'] },
    '00101010': { vr: 'AS', Value: ['042Y'] },
    '00101030': { vr: 'DS', Value: ['70.5'] },
  }));
  const kept = reread(ok(deidentify(bytes, { ...DEFAULT_DICOM_DEID_OPTIONS, retainPatientCharacteristics: true })).output);
  assert.equal(stringValue(kept, tagOf(0x0010, 0x0040)), 'F');
  assert.equal(stringValue(kept, tagOf(0x0010, 0x1010)), '042Y');
  assert.equal(stringValue(kept, tagOf(0x0010, 0x1030)), '70.5');
  const removed = reread(ok(deidentify(bytes)).output);
  assert.equal(stringValue(removed, tagOf(0x0010, 0x0040)), null, 'Patient Sex is Z: present and empty');
  assert.ok(findElement(removed, tagOf(0x0010, 0x0040)));
  assert.equal(findElement(removed, tagOf(0x0010, 0x1010)), undefined);
});

test('modified dates shift Study Date by exactly the patient shift; without the option dates are emptied', () => {
  const bytes = writeInstanceWithDcmjs(syntheticCtInstance({ '00080030': { vr: 'TM', Value: ['101500'] } }));
  const result = ok(deidentify(bytes));
  assert.equal(result.shiftDays, dateShiftDays(key, result.pseudonym));
  const dataset = reread(result.output);
  const original = epochDay('2020-01-02')!;
  assert.equal(stringValue(dataset, Tags.StudyDate), dayToDicomDate(original + result.shiftDays));
  assert.equal(result.summary.studyDay, original + result.shiftDays);
  assert.equal(stringValue(dataset, tagOf(0x0008, 0x0030)), '101500');
  assert.equal(stringValue(dataset, Tags.LongitudinalTemporalInformationModified), 'MODIFIED');
  const basic = ok(deidentify(bytes, basicOnly));
  const basicDataset = reread(basic.output);
  assert.equal(stringValue(basicDataset, Tags.StudyDate), null);
  assert.equal(basic.summary.studyDay, null);
  assert.equal(stringValue(basicDataset, Tags.LongitudinalTemporalInformationModified), 'REMOVED');
});

test('the De-identification Method Code Sequence lists exactly the applied options', () => {
  const bytes = writeInstanceWithDcmjs(syntheticCtInstance({}));
  const cases: Array<[DicomDeidOptions, string[]]> = [
    [basicOnly, ['113100']],
    [DEFAULT_DICOM_DEID_OPTIONS, ['113100', '113107']],
    [{ ...basicOnly, retainPatientCharacteristics: true, retainDeviceIdentity: true }, ['113100', '113108', '113109']],
    [{ ...DEFAULT_DICOM_DEID_OPTIONS, cleanDescriptors: true, cleanStructuredContent: true, retainSafePrivate: true }, ['113100', '113104', '113105', '113107', '113111']],
  ];
  for (const [options, expected] of cases) {
    const result = ok(deidentify(bytes, options));
    const dataset = reread(result.output);
    assert.equal(stringValue(dataset, Tags.PatientIdentityRemoved), 'YES');
    const items = findElement(dataset, Tags.DeidentificationMethodCodeSequence)!.items!;
    assert.deepEqual(items.map((item) => stringValue(item.dataset, Tags.CodeValue)), expected);
    assert.ok(items.every((item) => stringValue(item.dataset, Tags.CodingSchemeDesignator) === 'DCM'));
    assert.deepEqual(result.summary.methodCodes, expected);
    assert.equal(stringValues(dataset, Tags.DeidentificationMethod).length, expected.length);
  }
});

test('Retain Safe Private keeps only allowlisted private elements and their creator', () => {
  const bytes = writeInstanceWithDcmjs(syntheticCtInstance({
    '00190010': { vr: 'LO', Value: ['GEMS_ACQU_01'] },
    '00191024': { vr: 'DS', Value: ['12.5'] },
    '00191025': { vr: 'LO', Value: ['ZZPRIVATE'] },
    '00290010': { vr: 'LO', Value: ['OTHER VENDOR'] },
    '00291024': { vr: 'DS', Value: ['99'] },
  }));
  const options = { ...DEFAULT_DICOM_DEID_OPTIONS, retainSafePrivate: true, safePrivateAllowlist: ['(0019,"GEMS_ACQU_01",24)'] };
  const dataset = reread(ok(deidentify(bytes, options)).output);
  assert.equal(stringValue(dataset, tagOf(0x0019, 0x0010)), 'GEMS_ACQU_01');
  assert.equal(stringValue(dataset, tagOf(0x0019, 0x1024)), '12.5');
  assert.equal(findElement(dataset, tagOf(0x0019, 0x1025)), undefined);
  assert.equal(findElement(dataset, tagOf(0x0029, 0x1024)), undefined);
  assert.equal(findElement(dataset, tagOf(0x0029, 0x0010)), undefined);
  const defaults = reread(ok(deidentify(bytes)).output);
  assert.ok(defaults.elements.every((element) => (element.tag >>> 16) % 2 === 0), 'no private element by default');
});

test('burned-in annotation and Secondary Capture instances are quarantined without output', () => {
  const burned = deidentify(writeInstanceWithDcmjs(syntheticCtInstance({ '00280301': { vr: 'CS', Value: ['YES'] } })));
  assert.equal(burned.outcome, 'quarantine');
  assert.ok(burned.outcome === 'quarantine' && /Burned In Annotation/.test(burned.reason));
  assert.ok(!('output' in burned));
  const secondaryCapture = deidentify(writeInstanceWithDcmjs(syntheticCtInstance({ '00080016': { vr: 'UI', Value: ['1.2.840.10008.5.1.4.1.1.7'] } })));
  assert.equal(secondaryCapture.outcome, 'quarantine');
  assert.ok(secondaryCapture.outcome === 'quarantine' && /Secondary Capture/.test(secondaryCapture.reason));
  assert.ok(secondaryCapture.outcome === 'quarantine' && secondaryCapture.summary.sopInstanceUid.startsWith('2.25.'));
  const burnedNo = deidentify(writeInstanceWithDcmjs(syntheticCtInstance({ '00280301': { vr: 'CS', Value: ['NO'] } })));
  assert.equal(burnedNo.outcome, 'ok');
});

test('rejections say what is wrong without quoting header values, and never throw', () => {
  const noPatient = deidentify(writeInstanceWithDcmjs(syntheticCtInstance({ '00100020': { vr: 'LO', Value: [''] } })));
  assert.equal(noPatient.outcome, 'rejected');
  assert.ok(noPatient.outcome === 'rejected' && noPatient.code === 'missing-identity');
  const bytes = writeInstanceWithDcmjs(syntheticCtInstance({}));
  for (const cut of [1, 7, 64, 300]) {
    const result = deidentify(bytes.subarray(0, bytes.length - cut - 140));
    assert.equal(result.outcome, 'rejected');
    assert.doesNotMatch(JSON.stringify(result), /Doe|Jane|MRN-0001|20200102|1\.2\.3\.999/);
  }
  assert.equal(deidentify(Buffer.from('plain text')).outcome, 'rejected');
});

test('the same input and key give byte-identical output', () => {
  const bytes = writeInstanceWithDcmjs(syntheticCtInstance({}));
  assert.ok(ok(deidentify(bytes)).output.equals(ok(deidentify(bytes)).output));
});

test('Clean Descriptors, Retain Device Identity and Clean Structured Content keep cleaned values', () => {
  const bytes = writeInstanceWithDcmjs(syntheticCtInstance({
    '00081030': { vr: 'LO', Value: ['CT CHEST for Jane Doe 2020-01-02'] },
    '00181000': { vr: 'LO', Value: ['SN-4711'] },
    '0040A730': { vr: 'SQ', Value: [{ '0040A040': { vr: 'CS', Value: ['TEXT'] }, '0040A160': { vr: 'UT', Value: ['Seen by Doe, MRN-0001, doing well'] }, '0040A123': { vr: 'PN', Value: [{ Alphabetic: 'Doe^Jane' }] } }] },
  }));
  const cleaned = reread(ok(deidentify(bytes, { ...DEFAULT_DICOM_DEID_OPTIONS, cleanDescriptors: true, retainDeviceIdentity: true, cleanStructuredContent: true })).output);
  assert.equal(stringValue(cleaned, tagOf(0x0008, 0x1030)), 'CT CHEST for');
  assert.equal(stringValue(cleaned, tagOf(0x0018, 0x1000)), 'SN-4711');
  const content = findElement(cleaned, tagOf(0x0040, 0xa730))!.items![0]!.dataset;
  assert.equal(stringValue(content, tagOf(0x0040, 0xa040)), 'TEXT');
  assert.equal(stringValue(content, tagOf(0x0040, 0xa160)), 'Seen by , , doing well');
  assert.equal(stringValue(content, tagOf(0x0040, 0xa123)), 'ANONYMIZED', 'Person Name inside content is D');
  const basic = reread(ok(deidentify(bytes)).output);
  assert.equal(findElement(basic, tagOf(0x0008, 0x1030)), undefined);
  assert.equal(stringValue(basic, tagOf(0x0018, 0x1000)), 'ANONYMIZED', 'Device Serial Number is X/Z/D');
  const dummy = findElement(basic, tagOf(0x0040, 0xa730))!;
  assert.equal(dummy.items!.length, 1);
  assert.equal(dummy.items![0]!.dataset.elements.length, 0, 'Content Sequence is D: one empty item');
});
