import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createFhirDeidentifier } from './fhir-deidentifier.ts';
import { createPseudonymKey, patientPseudonym } from './pseudonym-key.ts';
import type { DeidentifiedResource } from './safe-harbor-policy.ts';
import {
  ENCOUNTER_URL,
  PATIENT_URL,
  deidentifyMarkedFixture,
  idType,
  markedClinical,
  markedPatient,
  outputOf,
  resolveReference,
} from './fhir-marker-fixture.ts';

const key = createPseudonymKey(Buffer.alloc(32, 0x5a));
const asOf = new Date('2024-06-30T12:00:00Z');
const fixture = deidentifyMarkedFixture(key, asOf);
const output = (type: string, index = 0): DeidentifiedResource => outputOf(fixture, type, index);

test('references: the patient becomes Patient/<pseudonym>, others Type/<key> equal to the target resource key', () => {
  const patient = output('Patient');
  for (const o of fixture.outputs.filter((x) => x.type !== 'Patient')) {
    const ref = (o.body.subject ?? o.body.patient) as { reference: string };
    assert.equal(ref.reference, `Patient/${fixture.identity.pseudonym}`, o.type);
    assert.ok(fixture.identity.refKeys.includes(o.patientRefKey!), o.type);
  }
  assert.equal(patient.key, fixture.identity.refKeys[0]);
  const encounter = output('Encounter');
  assert.deepEqual(output('Condition').body.encounter, { reference: `Encounter/${encounter.key}` });
  assert.deepEqual(output('DiagnosticReport').body.result, [
    { reference: `Observation/${output('Observation').key}` },
  ]);
  // A local reference to a contained resource is dropped with the contained resource.
  assert.equal(output('Condition').body.asserter, undefined);
});

test('references are consistent between urn:uuid (resolved), relative and absolute forms', () => {
  const deid = createFhirDeidentifier({ key, asOf });
  const ctx = deid.contextFor('pseudo');
  const observe = (encounter: string, resolve?: (r: string) => string | undefined) =>
    deid.deidentify(
      {
        resourceType: 'Observation',
        id: 'o',
        status: 'final',
        encounter: { reference: encounter },
      },
      ctx,
      { resolveReference: resolve },
    ).body.encounter;
  const viaUuid = observe(ENCOUNTER_URL, resolveReference);
  const encounterKey = deid.deidentify(
    { resourceType: 'Encounter', id: 'ZZENCOUNTERID-MARKER-1' },
    ctx,
  ).key;
  assert.deepEqual(viaUuid, { reference: `Encounter/${encounterKey}` });
  assert.deepEqual(observe('Encounter/ZZENCOUNTERID-MARKER-1'), viaUuid);
  assert.deepEqual(
    observe('https://fhir.example.org/r4/Encounter/ZZENCOUNTERID-MARKER-1/_history/3'),
    viaUuid,
  );
  // Without a resolver the type of a urn:uuid is unknown, but the opaque value is still stable.
  const unresolved = observe(ENCOUNTER_URL) as { reference: string };
  assert.match(unresolved.reference, /^urn:key:[0-9a-f]{32}$/);
  assert.deepEqual(
    observe(ENCOUNTER_URL.toUpperCase().replace('URN:UUID:', 'urn:uuid:')),
    unresolved,
  );
  // The patient reference key is the same whichever form names the patient.
  const patient = markedPatient();
  const identity = deid.identifyPatient(patient, PATIENT_URL);
  const refKey = (ref: string, resolve?: (r: string) => string | undefined) =>
    deid.patientRefKeyOf({ resourceType: 'Condition', subject: { reference: ref } }, resolve);
  assert.equal(refKey(PATIENT_URL, resolveReference), identity.refKeys[0]);
  assert.equal(refKey('Patient/ZZPATIENTID-MARKER-1'), identity.refKeys[0]);
  assert.equal(refKey(PATIENT_URL), identity.refKeys[1]);
  assert.equal(
    deid.patientRefKeyOf({ resourceType: 'Observation', subject: { reference: 'Group/g1' } }),
    null,
  );
});

test('the same patient gets the same pseudonym across calls and instances; different MRNs differ', () => {
  const a = createFhirDeidentifier({ key, asOf }).identifyPatient(markedPatient());
  const b = createFhirDeidentifier({ key, asOf: new Date('2030-01-01') }).identifyPatient({
    ...markedPatient(),
    id: 'other-id',
    name: [],
  });
  assert.equal(a.pseudonym, b.pseudonym);
  assert.equal(a.mrnSource, 'mr');
  assert.equal(
    a.pseudonym,
    patientPseudonym(key, 'urn:oid:1.2.36.146.595.217.0.1', 'ZZMRN-MARKER-1'),
  );
  const other = markedPatient();
  other.identifier = [
    { type: idType('MR'), system: 'urn:oid:1.2.36.146.595.217.0.1', value: 'ZZMRN-MARKER-2' },
  ];
  assert.notEqual(
    createFhirDeidentifier({ key, asOf }).identifyPatient(other).pseudonym,
    a.pseudonym,
  );
  const otherKey = createFhirDeidentifier({
    key: createPseudonymKey(Buffer.alloc(32, 1)),
    asOf,
  }).identifyPatient(markedPatient());
  assert.notEqual(otherKey.pseudonym, a.pseudonym);
});

test('MRN choice: typed MR, else a configured system, else the first identifier, else the resource id (flagged)', () => {
  const deid = createFhirDeidentifier({ key, asOf, mrnSystems: ['urn:hospital:mrn'] });
  const ids = [
    { system: 'urn:other', value: 'O-1' },
    { system: 'urn:hospital:mrn', value: 'H-1' },
  ];
  const typed = deid.identifyPatient({
    resourceType: 'Patient',
    id: 'p',
    identifier: [
      ...ids,
      { use: 'old', type: idType('MR'), system: 'urn:mr', value: 'OLD' },
      { type: idType('MR'), system: 'urn:mr', value: 'M-1' },
    ],
  });
  assert.deepEqual(
    [typed.mrnSource, typed.pseudonym],
    ['mr', patientPseudonym(key, 'urn:mr', 'M-1')],
  );
  const configured = deid.identifyPatient({ resourceType: 'Patient', id: 'p', identifier: ids });
  assert.deepEqual(
    [configured.mrnSource, configured.pseudonym],
    ['configured', patientPseudonym(key, 'urn:hospital:mrn', 'H-1')],
  );
  const first = createFhirDeidentifier({ key, asOf }).identifyPatient({
    resourceType: 'Patient',
    id: 'p',
    identifier: [{ value: 'no-system' }, ...ids],
  });
  assert.deepEqual(
    [first.mrnSource, first.pseudonym, first.warnings],
    ['first-identifier', patientPseudonym(key, 'urn:other', 'O-1'), []],
  );
  const none = deid.identifyPatient({ resourceType: 'Patient', id: 'p42' });
  assert.deepEqual(
    [none.mrnSource, none.pseudonym, none.warnings],
    [
      'resource-id',
      patientPseudonym(key, 'urn:dataspace:resource-id', 'Patient/p42'),
      ['pseudonym-from-resource-id'],
    ],
  );
  const out = deid.deidentifyPatient(
    { resourceType: 'Patient', id: 'p42' },
    deid.contextFor(none.pseudonym),
  );
  assert.deepEqual([out.mrnSource, out.warnings], ['resource-id', ['pseudonym-from-resource-id']]);
});

test('without a patient context every date is dropped and the patient reference stays opaque', () => {
  const deid = createFhirDeidentifier({ key, asOf });
  const out = deid.deidentify(markedClinical()[2]!, null, { resolveReference });
  assert.deepEqual(
    [out.startDay, out.endDay, out.body.effectiveDateTime, out.body.issued],
    [null, null, undefined, undefined],
  );
  assert.deepEqual(out.body.subject, { reference: `Patient/${out.patientRefKey}` });
});

test('resource keys are stable: from the id, else the fullUrl, else the content', () => {
  const one = createFhirDeidentifier({ key, asOf });
  const two = createFhirDeidentifier({ key, asOf });
  const ctx = one.contextFor('p');
  const encounter = markedClinical()[0]!;
  assert.deepEqual(
    one.deidentify(encounter, ctx, { resolveReference }),
    two.deidentify(encounter, ctx, { resolveReference }),
  );
  const anonymous = {
    resourceType: 'Observation',
    status: 'final',
    code: { coding: [{ code: 'x' }] },
  };
  const byUrl = one.deidentify(anonymous, ctx, { fullUrl: ENCOUNTER_URL }).key;
  assert.equal(
    byUrl,
    one.deidentify(anonymous, ctx, {
      fullUrl: ENCOUNTER_URL.toUpperCase().replace('URN:UUID:', 'urn:uuid:'),
    }).key,
  );
  const byContent = one.deidentify(anonymous, ctx).key;
  assert.notEqual(byContent, byUrl);
  assert.equal(
    two.deidentify(
      { code: { coding: [{ code: 'x' }] }, status: 'final', resourceType: 'Observation' },
      ctx,
    ).key,
    byContent,
  );
  assert.notEqual(one.deidentify({ ...anonymous, status: 'amended' }, ctx).key, byContent);
});
