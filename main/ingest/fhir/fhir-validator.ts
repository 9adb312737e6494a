// Validates the stored resource types against the official FHIR R4 JSON schema (ajv), plus
// the mandatory primitive/choice elements the schema cannot express. Contained resources
// are checked against their own type by a second validator set, loaded on first need:
// most exports have none, and all 146 R4 types cost far more to compile than our 11.
import type { ValidateFunction } from 'ajv';
import { ANY_R4_RESOURCE, STORED_RESOURCE_TYPES } from './fhir-schema.ts';
import { findMissingRequiredElement } from './fhir-required-elements.ts';
import { defaultValidatorCacheDir, loadValidatorSet } from './fhir-validator-cache.ts';
import type { ValidatorSetStats } from './fhir-validator-cache.ts';
import { issueFromAjvError, pickMostUsefulError } from './fhir-validation-issue.ts';
import type { FhirValidationIssue } from './fhir-validation-issue.ts';

export type { FhirValidationIssue } from './fhir-validation-issue.ts';
export type { ValidatorSetStats } from './fhir-validator-cache.ts';

/** Checks resources of the stored types against FHIR R4. */
export interface FhirValidator {
  /** null when valid, else the most useful problem: an element path and a reason without values. */
  validate(resource: Record<string, unknown>): FhirValidationIssue | null;
  /** Whether `resourceType` is one this validator checks (the stored types). */
  supports(resourceType: string): boolean;
  /** How the validators were obtained (cache or compile) and how long it took. */
  readonly stats: { stored: ValidatorSetStats; contained?: ValidatorSetStats };
}

/** Options for {@link createFhirValidator}. */
export interface FhirValidatorOptions {
  /** Where generated validator code is cached; null disables the cache. Default: node_modules/.cache/dataspace. */
  cacheDir?: string | null;
}

function firstIssue(
  root: string,
  validate: ValidateFunction,
  value: unknown,
  primitivePatterns: Record<string, string>,
): FhirValidationIssue | null {
  if (validate(value)) return null;
  const error = pickMostUsefulError(validate.errors ?? []);
  return error
    ? issueFromAjvError(root, error, primitivePatterns)
    : { path: root, reason: 'does not conform to the FHIR R4 schema' };
}

/** Builds a validator: about 20 ms from the cache, about 0.5 s the first time. */
export function createFhirValidator(options: FhirValidatorOptions = {}): FhirValidator {
  const cacheDir = options.cacheDir === undefined ? defaultValidatorCacheDir() : options.cacheDir;
  const stored = loadValidatorSet('stored', STORED_RESOURCE_TYPES, cacheDir);
  let contained: ValidateFunction | undefined;
  const stats: FhirValidator['stats'] = { stored: stored.stats };

  function validateContained(type: string, resources: unknown[]): FhirValidationIssue | null {
    if (!contained) {
      const set = loadValidatorSet('contained', [ANY_R4_RESOURCE], cacheDir);
      contained = set.functions[ANY_R4_RESOURCE];
      stats.contained = set.stats;
    }
    for (let i = 0; i < resources.length; i++) {
      const root = `${type}.contained[${i}]`;
      const issue =
        contained && firstIssue(root, contained, resources[i], stored.primitivePatterns);
      if (issue) return issue;
      const nested = (resources[i] as Record<string, unknown>).contained;
      // dom-2: a contained resource SHALL NOT contain additional contained resources.
      if (Array.isArray(nested) && nested.length > 0) {
        return {
          path: `${root}.contained`,
          reason: 'a contained resource must not contain resources (dom-2)',
        };
      }
    }
    return null;
  }

  return {
    stats,
    supports: (resourceType) => Object.hasOwn(stored.functions, resourceType),
    validate(resource) {
      const type = resource.resourceType;
      if (typeof type !== 'string' || !Object.hasOwn(stored.functions, type)) {
        return { path: 'resourceType', reason: 'not a resource type this validator checks' };
      }
      const validate = stored.functions[type];
      const issue = validate
        ? firstIssue(type, validate, resource, stored.primitivePatterns)
        : null;
      if (issue) return issue;
      const missing = findMissingRequiredElement(resource);
      if (missing) return missing;
      const contained = resource.contained;
      return Array.isArray(contained) && contained.length > 0
        ? validateContained(type, contained)
        : null;
    },
  };
}
