// Turns ajv errors into one FHIR-style issue: an element path such as
// `Observation.component[1].valueQuantity.value` and a short reason. ajv errors carry no
// data values (only schema facts: keyword, allowed values, limits), and neither do ours.
import type { ErrorObject } from 'ajv';

/** Where a resource breaks the FHIR R4 schema and why, without any of its values. */
export interface FhirValidationIssue {
  path: string;
  reason: string;
}

// Reasons for the primitive types' regular expressions (FHIR R4 §2.24.0.1 Primitive Types).
const PRIMITIVE_FORMATS: Record<string, string> = {
  date: 'not a valid FHIR date (YYYY, YYYY-MM or YYYY-MM-DD)',
  dateTime: 'not a valid FHIR dateTime (a date, or date and time with a time zone)',
  instant: 'not a valid FHIR instant (date and time to the second with a time zone)',
  time: 'not a valid FHIR time (hh:mm:ss)',
  code: 'not a valid code (no leading, trailing or repeated whitespace)',
  id: 'not a valid id (1-64 letters, digits, "-" or ".")',
  // Types sharing a regex share a reason: the regex cannot tell them apart.
  string: 'not a valid FHIR string (empty, or unusual whitespace)',
  markdown: 'not a valid FHIR string (empty, or unusual whitespace)',
  uri: 'not a valid URI (contains whitespace)',
  url: 'not a valid URI (contains whitespace)',
  canonical: 'not a valid URI (contains whitespace)',
  oid: 'not a valid OID (urn:oid:...)',
  uuid: 'not a valid UUID (urn:uuid:...)',
  integer64: 'not a valid integer64 string',
};

const TYPE_NAMES: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  integer: 'an integer',
  boolean: 'true or false',
  object: 'a JSON object',
  array: 'an array (the element repeats)',
};

// An unknown key is input text: it is shown only if it has the shape of a FHIR element
// name (lowerCamelCase, as `birthdate` for `birthDate`), never if it could be a name or a value.
const ELEMENT_NAME = /^_?[a-z][A-Za-z0-9_]{0,63}$/;

function safeName(name: string): string {
  return ELEMENT_NAME.test(name) ? name : '(unknown element)';
}

/** `/component/1/valueQuantity/value` under `Observation` → `Observation.component[1].valueQuantity.value`. */
export function fhirPathOf(root: string, instancePath: string, child?: string): string {
  let path = root;
  if (instancePath !== '') {
    for (const raw of instancePath.slice(1).split('/')) {
      const segment = raw.replace(/~1/g, '/').replace(/~0/g, '~');
      path += /^\d+$/.test(segment) ? `[${segment}]` : `.${safeName(segment)}`;
    }
  }
  return child === undefined ? path : `${path}.${safeName(child)}`;
}

function depthOf(error: ErrorObject): number {
  return error.instancePath === '' ? 0 : error.instancePath.split('/').length;
}

const COMBINATORS = new Set(['oneOf', 'anyOf', 'allOf', 'if', 'not']);

/** The most useful of ajv's errors: the deepest that is not a mere combinator summary. */
export function pickMostUsefulError(errors: readonly ErrorObject[]): ErrorObject | undefined {
  let best: ErrorObject | undefined;
  for (const error of errors) {
    if (!best) {
      best = error;
      continue;
    }
    const bestIsCombinator = COMBINATORS.has(best.keyword);
    const isCombinator = COMBINATORS.has(error.keyword);
    if (bestIsCombinator !== isCombinator) {
      if (bestIsCombinator) best = error;
      continue;
    }
    if (depthOf(error) > depthOf(best)) best = error;
  }
  return best;
}

function listValues(values: unknown): string {
  const list = Array.isArray(values) ? values.map(String) : [];
  const shown = list.slice(0, 12).join(', ');
  return list.length > 12 ? `${shown}, ...` : shown;
}

/**
 * One ajv error as a FHIR path and reason, relative to `root` (e.g. `Patient`);
 * `primitivePatterns` (regex → primitive type) explains pattern errors.
 */
export function issueFromAjvError(
  root: string,
  error: ErrorObject,
  primitivePatterns: Record<string, string> = {},
): FhirValidationIssue {
  const params = error.params as Record<string, unknown>;
  const at = (child?: string): string => fhirPathOf(root, error.instancePath, child);
  switch (error.keyword) {
    case 'required':
      return { path: at(String(params.missingProperty)), reason: 'required element is missing' };
    case 'additionalProperties':
      return {
        path: at(String(params.additionalProperty)),
        reason: 'unknown element (not defined here in FHIR R4)',
      };
    case 'enum':
      return {
        path: at(),
        reason: `code is not one of the allowed values (${listValues(params.allowedValues)})`,
      };
    case 'const':
      return { path: at(), reason: `must be ${JSON.stringify(params.allowedValue)}` };
    case 'type':
      return {
        path: at(),
        reason: `must be ${TYPE_NAMES[String(params.type)] ?? String(params.type)}`,
      };
    case 'minimum':
      return { path: at(), reason: `must be at least ${String(params.limit)}` };
    case 'maximum':
      return { path: at(), reason: `must be at most ${String(params.limit)}` };
    case 'pattern': {
      const primitive = primitivePatterns[String(params.pattern)];
      const reason =
        (primitive && PRIMITIVE_FORMATS[primitive]) ?? 'not in the format FHIR R4 requires';
      return { path: at(), reason };
    }
    case 'discriminator':
      return {
        path: at('resourceType'),
        reason:
          params.error === 'tag'
            ? 'resourceType is missing or not a string'
            : 'not a FHIR R4 resource type',
      };
    default:
      return { path: at(), reason: `does not conform to the FHIR R4 schema (${error.keyword})` };
  }
}
