import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fhirSchemaPath, STORED_RESOURCE_TYPES } from './fhir-schema.ts';
import { REQUIRED_ELEMENTS_NOT_IN_SCHEMA } from './fhir-required-elements.ts';

interface ElementDefinition {
  path: string;
  min?: number;
  type?: { code: string }[];
}

const PRIMITIVES = new Set([
  'base64Binary',
  'boolean',
  'canonical',
  'code',
  'date',
  'dateTime',
  'decimal',
  'id',
  'instant',
  'integer',
  'markdown',
  'oid',
  'positiveInt',
  'string',
  'time',
  'unsignedInt',
  'uri',
  'url',
  'uuid',
  'xhtml',
]);

test('the table lists exactly the mandatory primitive and choice elements of the stored types', () => {
  // The R4 StructureDefinitions shipped next to the schema are the source of truth.
  const profiles = JSON.parse(
    readFileSync(join(dirname(fhirSchemaPath()), 'profiles-resources.json'), 'utf8'),
  ) as {
    entry: {
      resource: {
        resourceType: string;
        name: string;
        kind?: string;
        snapshot?: { element: ElementDefinition[] };
      };
    }[];
  };
  const expected: Record<string, string[]> = {};
  for (const { resource } of profiles.entry) {
    if (resource.resourceType !== 'StructureDefinition' || resource.kind !== 'resource') continue;
    if (!(STORED_RESOURCE_TYPES as readonly string[]).includes(resource.name)) continue;
    for (const element of resource.snapshot?.element ?? []) {
      const types = element.type ?? [];
      const schemaCannotRequire =
        element.path.endsWith('[x]') ||
        (types.length > 0 && types.every((t) => PRIMITIVES.has(t.code)));
      if ((element.min ?? 0) >= 1 && element.path.includes('.') && schemaCannotRequire) {
        (expected[resource.name] ??= []).push(element.path.slice(resource.name.length + 1));
      }
    }
  }
  assert.deepEqual(REQUIRED_ELEMENTS_NOT_IN_SCHEMA, expected);
});
