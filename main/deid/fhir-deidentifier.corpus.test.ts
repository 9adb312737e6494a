// Real exports through the Safe Harbor profile: every Synthea bundle, the Bulk Data NDJSON export
// and the HL7 R4 examples. Every identifying string taken from the inputs must be absent from every
// output. (What de-identification costs per resource is measured by `npm run bench fhir-deid`.)
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createFhirDeidentifier } from './fhir-deidentifier.ts';
import {
  BULK,
  HL7,
  MS_SAMPLES,
  SYNTHEA,
  deidentifyBundle,
  deidentifyExport,
  jsonFiles,
  readBulkExport,
  readBundle,
  type Resource,
} from './fhir-corpus-fixture.ts';
import { identifyingStrings, leakedStrings } from './identifying-strings.ts';
import { createPseudonymKey } from './pseudonym-key.ts';
import {
  STORED_RESOURCE_TYPES,
  type DeidentifiedPatient,
  type DeidentifiedResource,
} from './safe-harbor-policy.ts';

const key = createPseudonymKey(Buffer.alloc(32, 0x3c));
const asOf = new Date('2024-06-30T00:00:00Z');

function skipUnless(t: TestContext, path: string): boolean {
  if (existsSync(path)) return true;
  t.skip(`test data not found at ${path} (see /work/shared/data/README.md)`);
  return false;
}

// Any source UUID (resource ids, fullUrls, Synthea MRNs) reaching an output is a leak.
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;

function assertNoLeaks(outputs: DeidentifiedResource[], inputs: unknown[], what: string): number {
  const markers = new Set<string>();
  for (const input of inputs) identifyingStrings(input, markers);
  assert.deepEqual(leakedStrings(outputs, markers), [], `${what}: identifying strings survived`);
  const json = JSON.stringify(outputs);
  assert.doesNotMatch(json, UUID, `${what}: a source UUID survived`);
  const date = /\d{4}-\d{2}-\d{2}|\d{2}:\d{2}:\d{2}/.exec(
    json.replace(/[0-9a-f]{32}|2\.25\.\d+/g, ''),
  );
  assert.equal(
    date?.input.slice(date.index - 80, date.index + 20),
    undefined,
    `${what}: a calendar date or time survived`,
  );
  return markers.size;
}

test('Synthea bundles: no name, identifier, street, phone, email or birth date from the inputs survives', (t) => {
  if (!skipUnless(t, SYNTHEA)) return;
  const files = [
    ...jsonFiles(SYNTHEA),
    ...(existsSync(MS_SAMPLES)
      ? jsonFiles(MS_SAMPLES).filter((f) => !/Information\d+\.json$/.test(f))
      : []),
  ];
  const deid = createFhirDeidentifier({ key, asOf });
  let resources = 0;
  let markers = 0;
  for (const file of files) {
    const entries = readBundle(file);
    const outputs = deidentifyBundle(deid, entries);
    resources += outputs.length;
    markers += assertNoLeaks(
      outputs,
      entries.map((e) => e.resource),
      file,
    );
    const patients = outputs.filter((o): o is DeidentifiedPatient => o.type === 'Patient');
    assert.equal(patients.length, 1, file);
    const patientRef = { reference: `Patient/${patients[0]!.pseudonym}` };
    for (const o of outputs.filter((x) => x.type !== 'Patient'))
      assert.deepEqual(o.body.subject ?? o.body.patient, patientRef, file);
  }
  t.diagnostic(
    `${files.length} bundles, ${resources} resources de-identified, ${markers} identifying strings checked`,
  );
  assert.ok(resources > 5_000);
});

test('Synthea bundles: inpatient stays keep their length and readmission gaps', (t) => {
  if (!skipUnless(t, SYNTHEA)) return;
  const deid = createFhirDeidentifier({ key, asOf });
  for (const file of jsonFiles(SYNTHEA).slice(0, 10)) {
    const entries = readBundle(file);
    const outputs = deidentifyBundle(deid, entries);
    const source = entries
      .filter((e) => e.resource.resourceType === 'Encounter')
      .map((e) => e.resource.period as { start: string; end?: string });
    const shifted = outputs.filter((o) => o.type === 'Encounter');
    const day = (s: string) =>
      Math.floor(Date.UTC(+s.slice(0, 4), +s.slice(5, 7) - 1, +s.slice(8, 10)) / 86_400_000);
    for (let i = 1; i < source.length; i++) {
      assert.equal(
        shifted[i]!.startDay! - shifted[i - 1]!.startDay!,
        day(source[i]!.start) - day(source[i - 1]!.start),
        file,
      );
      if (source[i]!.end)
        assert.equal(
          shifted[i]!.endDay! - shifted[i]!.startDay!,
          day(source[i]!.end!) - day(source[i]!.start),
          file,
        );
    }
  }
});

test('Bulk Data NDJSON export: no identifying string from any input line survives', (t) => {
  if (!skipUnless(t, BULK)) return;
  const inputs = readBulkExport();
  const outputs = deidentifyExport(createFhirDeidentifier({ key, asOf }), inputs);
  const markers = assertNoLeaks(outputs, inputs, 'bulk NDJSON');
  t.diagnostic(
    `${outputs.length} resources de-identified, ${inputs.length - outputs.length} of other types skipped, ${markers} identifying strings checked`,
  );
  assert.ok(outputs.length > 5_000);
  // No attachment of any kind survives (the base64 notes are DocumentReferences, a skipped type).
  assert.doesNotMatch(JSON.stringify(outputs), /"(?:data|attachment|presentedForm|contentType)"/);
});

const FREE_TEXT_KEYS = new Set([
  'div',
  'text',
  'display',
  'comment',
  'description',
  'conclusion',
  'patientInstruction',
  'valueString',
  'note',
  'title',
]);
/**
 * Free text and identifying strings of a resource, minus strings it also holds in (or inside) a
 * non-text element: an example whose id is "medication" also has the category code "medication".
 */
function textAndIdentifiers(resource: unknown): Set<string> {
  const text = identifyingStrings(resource);
  const coded = new Set<string>();
  const walk = (value: unknown, name: string): void => {
    if (Array.isArray(value)) for (const v of value) walk(v, name);
    else if (typeof value === 'string') {
      if (FREE_TEXT_KEYS.has(name)) {
        if (value.trim().length >= 6) text.add(value.trim());
      } else if (name !== 'id') coded.add(value);
    } else if (typeof value === 'object' && value !== null) {
      for (const [k, v] of Object.entries(value)) walk(v, k);
    }
  };
  walk(resource, '');
  const codedText = [...coded].join('\n');
  return new Set([...text].filter((s) => !codedText.includes(s)));
}

test('HL7 R4 examples of every stored type: no free text or identifying string survives, odd shapes do not throw', (t) => {
  if (!skipUnless(t, HL7)) return;
  const deid = createFhirDeidentifier({
    key,
    asOf,
    mrnSystems: ['urn:oid:1.2.36.146.595.217.0.1'],
  });
  const ctx = deid.contextFor('hl7-examples');
  let count = 0;
  for (const file of readdirSync(HL7)
    .filter((f) => f.endsWith('.json'))
    .sort()) {
    const type = file.slice(0, file.indexOf('-'));
    if (!STORED_RESOURCE_TYPES.has(type)) continue;
    const resource = JSON.parse(readFileSync(join(HL7, file), 'utf8')) as Resource;
    const out =
      type === 'Patient' ? deid.deidentifyPatient(resource, ctx) : deid.deidentify(resource, ctx);
    assert.equal(out.type, type);
    const markers = textAndIdentifiers(resource);
    assert.deepEqual(leakedStrings(out, markers), [], file);
    assert.doesNotMatch(
      JSON.stringify(out).replace(/[0-9a-f]{32}|2\.25\.\d+/g, ''),
      /\d{4}-\d{2}-\d{2}/,
      file,
    );
    count++;
  }
  t.diagnostic(`${count} example resources de-identified`);
  assert.ok(count >= 180);
});
