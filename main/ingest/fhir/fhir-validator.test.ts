import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readFhirFile } from './fhir-reader.ts';
import { fhirPathOf } from './fhir-validation-issue.ts';
import { createFhirValidator } from './fhir-validator.ts';
import type { FhirValidationIssue } from './fhir-validator.ts';

const fhirDir = fileURLToPath(new URL('../../../../shared/data/fhir/', import.meta.url));
const NO_DATA = `shared FHIR test data not found at ${fhirDir}`;
const hasData = existsSync(fhirDir);

const validator = createFhirValidator();

const observation = (extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  resourceType: 'Observation',
  status: 'final',
  code: { coding: [{ system: 'http://loinc.org', code: '8480-6' }] },
  ...extra,
});

const patient = (extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  resourceType: 'Patient',
  id: 'p1',
  birthDate: '1974-12-25',
  ...extra,
});

function check(resource: Record<string, unknown>): FhirValidationIssue | null {
  return validator.validate(resource);
}

test('accepts valid resources, including a primitive carried only by its extension', () => {
  assert.equal(check(observation()), null);
  assert.equal(
    check(patient({ name: [{ family: 'Test', given: ['A'] }], deceasedBoolean: false })),
    null,
  );
  const absent = {
    extension: [
      { url: 'http://hl7.org/fhir/StructureDefinition/data-absent-reason', valueCode: 'unknown' },
    ],
  };
  const withoutStatus = observation({ _status: absent });
  delete withoutStatus.status;
  assert.equal(check(withoutStatus), null);
});

test('what the R4 schema enforces: codes, date formats, unknown elements, required elements, types', () => {
  const cases: [Record<string, unknown>, string, RegExp][] = [
    [
      observation({ status: 'done' }),
      'Observation.status',
      /^code is not one of the allowed values \(registered, preliminary, final/,
    ],
    [patient({ birthDate: '25/12/1974' }), 'Patient.birthDate', /^not a valid FHIR date/],
    [patient({ birthDate: '1974-13-01' }), 'Patient.birthDate', /^not a valid FHIR date/],
    [patient({ birthdate: '1974-12-25' }), 'Patient.birthdate', /^unknown element/],
    [
      { resourceType: 'Observation', status: 'final' },
      'Observation.code',
      /^required element is missing$/,
    ],
    [patient({ name: { family: 'Test' } }), 'Patient.name', /^must be an array/],
    [patient({ active: 'yes' }), 'Patient.active', /^must be true or false$/],
    [
      patient({ gender: 'M' }),
      'Patient.gender',
      /^code is not one of the allowed values \(male, female, other, unknown\)$/,
    ],
    [patient({ name: [{ family: '' }] }), 'Patient.name[0].family', /^not a valid FHIR string/],
    [
      observation({ effectiveDateTime: '2019-03-04T10:00' }),
      'Observation.effectiveDateTime',
      /^not a valid FHIR dateTime/,
    ],
    [
      observation({
        component: [
          { code: { text: 'a' } },
          { code: { text: 'b' }, valueQuantity: { value: '120' } },
        ],
      }),
      'Observation.component[1].valueQuantity.value',
      /^must be a number$/,
    ],
    [
      observation({ component: [{ code: { text: 'a' } }, {}] }),
      'Observation.component[1].code',
      /^required element is missing$/,
    ],
  ];
  for (const [resource, path, reason] of cases) {
    const issue = check(resource);
    assert.equal(issue?.path, path, JSON.stringify(resource));
    assert.match(issue?.reason ?? '', reason, path);
  }
});

test('what we add to the schema: mandatory primitives and choices, integer ranges, contained resources', () => {
  const noStatus = observation();
  delete noStatus.status;
  const cases: [Record<string, unknown>, string, string][] = [
    [noStatus, 'Observation.status', 'required element is missing'],
    [
      {
        resourceType: 'Encounter',
        status: 'finished',
        class: { code: 'IMP' },
        statusHistory: [{ status: 'planned', period: {} }, { period: {} }],
      },
      'Encounter.statusHistory[1].status',
      'required element is missing',
    ],
    [
      {
        resourceType: 'MedicationRequest',
        status: 'active',
        intent: 'order',
        subject: { reference: 'Patient/1' },
      },
      'MedicationRequest.medication[x]',
      'required element is missing',
    ],
    [
      {
        resourceType: 'Immunization',
        status: 'completed',
        vaccineCode: { text: 'x' },
        patient: { reference: 'Patient/1' },
        occurrenceDateTime: '2019',
        protocolApplied: [{ doseNumberPositiveInt: 1.5 }],
      },
      'Immunization.protocolApplied[0].doseNumberPositiveInt',
      'must be an integer',
    ],
    [
      {
        resourceType: 'Immunization',
        status: 'completed',
        vaccineCode: { text: 'x' },
        patient: { reference: 'Patient/1' },
        occurrenceDateTime: '2019',
        protocolApplied: [{ doseNumberPositiveInt: 0 }],
      },
      'Immunization.protocolApplied[0].doseNumberPositiveInt',
      'must be at least 1',
    ],
    [
      {
        resourceType: 'Immunization',
        status: 'completed',
        vaccineCode: { text: 'x' },
        patient: { reference: 'Patient/1' },
      },
      'Immunization.occurrence[x]',
      'required element is missing',
    ],
    [
      patient({ contained: [{ resourceType: 'Organization', active: 'no' }] }),
      'Patient.contained[0].active',
      'must be true or false',
    ],
    [
      patient({ contained: [{ resourceType: 'Medication', id: 'm', form: 'tablet' }] }),
      'Patient.contained[0].form',
      'must be a JSON object',
    ],
    [
      patient({ contained: [{ resourceType: 'Project', id: 'x' }] }),
      'Patient.contained[0].resourceType',
      'not a FHIR R4 resource type',
    ],
    [
      patient({ contained: [{ id: 'x' }] }),
      'Patient.contained[0].resourceType',
      'required element is missing',
    ],
    [
      patient({
        contained: [
          { resourceType: 'Organization', contained: [{ resourceType: 'Organization' }] },
        ],
      }),
      'Patient.contained[0].contained',
      'a contained resource must not contain resources (dom-2)',
    ],
  ];
  for (const [resource, path, reason] of cases)
    assert.deepEqual(check(resource), { path, reason }, path);
  assert.equal(
    check(patient({ contained: [{ resourceType: 'Organization', id: 'o', name: 'Ward 3' }] })),
    null,
  );
});

test('what the R4 schema cannot check (documented limitations)', () => {
  // Choice types are listed one by one, so two choices at once pass.
  assert.equal(check(observation({ valueString: 'a', valueQuantity: { value: 1 } })), null);
  // Dates are checked by pattern only: February 30 passes.
  assert.equal(check(patient({ birthDate: '2019-02-30' })), null);
  // Invariants (FHIRPath constraints) are not in the schema: obs-6 (dataAbsentReason only without value).
  assert.equal(check(observation({ valueString: 'a', dataAbsentReason: { text: 'x' } })), null);
  // Required bindings are enums for 249 code elements only; others, like Medication.status, take any code.
  assert.equal(
    check(patient({ contained: [{ resourceType: 'Medication', status: 'gone' }] })),
    null,
  );
  // Other terminology bindings, reference target types, empty arrays.
  assert.equal(check(observation({ subject: { reference: 'Medication/1' }, category: [] })), null);
});

test('reasons and paths never contain the offending values', () => {
  const marker = 'ZZTOPSECRET';
  const resources = [
    patient({ birthDate: marker }),
    patient({ gender: marker }),
    patient({ [marker]: marker }),
    patient({ 'john smith': marker }),
    observation({ status: marker }),
    observation({ valueQuantity: { value: marker } }),
    patient({ contained: [{ resourceType: marker }] }),
    patient({ id: `${marker} with spaces` }),
  ];
  for (const resource of resources) {
    const issue = check(resource);
    assert.ok(issue, JSON.stringify(resource));
    assert.doesNotMatch(`${issue.path} ${issue.reason}`, /ZZTOP|SECRET|john|smith/i);
  }
});

test('converts ajv instance paths to FHIR element paths', () => {
  assert.equal(
    fhirPathOf('Observation', '/component/1/valueQuantity/value'),
    'Observation.component[1].valueQuantity.value',
  );
  assert.equal(fhirPathOf('Patient', ''), 'Patient');
  assert.equal(fhirPathOf('Patient', '/name/0', 'family'), 'Patient.name[0].family');
  assert.equal(fhirPathOf('Patient', '', 'Not An Element'), 'Patient.(unknown element)');
});

test('rejects resource types the store does not keep', () => {
  assert.equal(validator.supports('Observation'), true);
  assert.equal(validator.supports('Claim'), false);
  assert.deepEqual(check({ resourceType: 'Claim' }), {
    path: 'resourceType',
    reason: 'not a resource type this validator checks',
  });
});

async function validateFiles(files: string[]): Promise<{ validated: number; failed: string[] }> {
  let validated = 0;
  const failed: string[] = [];
  for (const file of files) {
    for await (const batch of readFhirFile(file)) {
      for (const item of batch) {
        if (!item.ok || !validator.supports(String(item.resource.resourceType))) continue;
        validated++;
        const issue = validator.validate(item.resource);
        if (issue)
          failed.push(`${file.split('/').pop()} ${item.position}: ${issue.path}: ${issue.reason}`);
      }
    }
  }
  return { validated, failed };
}

test('all Synthea and bulk-export resources of the stored types validate', async (t) => {
  if (!hasData) return t.skip(NO_DATA);
  const synthea = join(fhirDir, 'synthea-smart/R4/SYNTHEA');
  const bulk = join(fhirDir, 'bulk-ndjson-smart/10-patients');
  const result = await validateFiles([
    ...readdirSync(synthea).map((name) => join(synthea, name)),
    ...readdirSync(bulk).map((name) => join(bulk, name)),
  ]);
  assert.deepEqual(result.failed, []);
  assert.equal(result.validated, 4823 + 5756);
});

test('HL7 R4 examples of the stored types: which fail the schema, and why', async (t) => {
  if (!hasData) return t.skip(NO_DATA);
  const dir = join(fhirDir, 'hl7-r4-examples/spec/hl7.fhir.r4.examples/4.0.1/package');
  const result = await validateFiles(
    readdirSync(dir)
      .filter((name) => name.endsWith('.json'))
      .map((name) => join(dir, name)),
  );
  t.diagnostic(
    `${result.validated} stored-type resources in the HL7 examples, ${result.failed.length} fail`,
  );
  for (const failure of result.failed) t.diagnostic(failure);
  // The official examples of these types all conform to the official schema (and to our
  // additions). Should a schema update change that, this list shows exactly which.
  assert.deepEqual(result.failed, []);
  assert.ok(result.validated > 200);
});

test('caches generated validators, falls back to compiling when the cache is unusable', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'dataspace-validator-cache-'));
  try {
    const sample = [observation({ status: 'nope' }), patient(), patient({ birthDate: 'x' })];
    const reference = sample.map((resource) => validator.validate(resource));

    const cold = createFhirValidator({ cacheDir: join(dir, 'cache') });
    assert.equal(cold.stats.stored.source, 'compiled-and-cached');
    const cached = createFhirValidator({ cacheDir: join(dir, 'cache') });
    assert.equal(cached.stats.stored.source, 'cache');
    assert.ok(cached.stats.stored.ms < cold.stats.stored.ms);
    assert.deepEqual(
      sample.map((resource) => cached.validate(resource)),
      reference,
    );
    t.diagnostic(
      `startup: compile ${cold.stats.stored.ms.toFixed(0)} ms, from cache ${cached.stats.stored.ms.toFixed(0)} ms`,
    );

    // A damaged cache file is rebuilt.
    const [file] = await readdir(join(dir, 'cache'));
    await writeFile(join(dir, 'cache', file ?? ''), 'exports.Patient = 1; syntax error(');
    const repaired = createFhirValidator({ cacheDir: join(dir, 'cache') });
    assert.equal(repaired.stats.stored.source, 'compiled-and-cached');
    assert.equal(repaired.stats.stored.cacheProblem, 'SyntaxError');
    assert.equal(
      createFhirValidator({ cacheDir: join(dir, 'cache') }).stats.stored.source,
      'cache',
    );

    // A cache folder that cannot be created (here: under a regular file) means compiling.
    await writeFile(join(dir, 'a-file'), '');
    const readOnly = createFhirValidator({ cacheDir: join(dir, 'a-file', 'cache') });
    assert.equal(readOnly.stats.stored.source, 'compiled');
    assert.equal(readOnly.stats.stored.cacheProblem, 'ENOTDIR');
    assert.deepEqual(
      sample.map((resource) => readOnly.validate(resource)),
      reference,
    );
    assert.equal(createFhirValidator({ cacheDir: null }).stats.stored.source, 'compiled');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
