// Resource identities and references made opaque (45 CFR 164.514(b)(2)(i)(R): resource ids and
// reference strings are unique identifying codes). Every identity is reduced to one canonical
// string before hashing, so `Encounter/123`, `http://host/fhir/Encounter/123/_history/2` and a
// bundle `urn:uuid:` that the caller resolves to `Encounter/123` all get the same key, and that
// key is the referenced resource's own key, so joins survive de-identification.
import { createHash } from 'node:crypto';
import { FHIR_R4_RESOURCE_TYPES } from './fhir-resource-types.ts';
import { opaqueKey, type PseudonymKey } from './pseudonym-key.ts';
import type { FhirResourceJson, ReferenceResolver } from './safe-harbor-policy.ts';

/** What a source reference names: its resource type when known, and the canonical identity hashed into its key. */
export interface ReferenceTarget {
  type: string | null;
  identity: string;
}

const ID = '[A-Za-z0-9\\-.]{1,64}';
const RELATIVE = new RegExp(`^([A-Z][A-Za-z]{1,63})/(${ID})(?:/_history/${ID})?$`);
const ABSOLUTE = new RegExp(`^https?://[^?#]*?/([A-Z][A-Za-z]{1,63})/(${ID})(?:/_history/${ID})?$`);
const CONDITIONAL = /^([A-Z][A-Za-z]{1,63})\?/;
const URN_UUID = /^urn:uuid:[0-9A-Fa-f-]{36}$/;

/**
 * The canonical identity of a reference or fullUrl: `Type/id` for relative and absolute RESTful
 * references (absolute ones are assumed to be on the exporting server, as in bulk exports), the
 * whole query for conditional references, the lower-cased URN for `urn:uuid:`. Null for local
 * `#contained` references, whose targets are dropped with the contained resources.
 */
export function canonicalReference(ref: string): ReferenceTarget | null {
  if (ref.length === 0 || ref.startsWith('#')) return null;
  const match = RELATIVE.exec(ref) ?? ABSOLUTE.exec(ref);
  if (match) {
    const type = knownType(match[1]);
    return type ? { type, identity: `${type}/${match[2]}` } : { type: null, identity: ref };
  }
  const conditional = CONDITIONAL.exec(ref);
  if (conditional) return { type: knownType(conditional[1]), identity: ref };
  if (URN_UUID.test(ref)) return { type: null, identity: ref.toLowerCase() };
  return { type: null, identity: ref };
}

function knownType(name: string | undefined): string | null {
  return name !== undefined && FHIR_R4_RESOURCE_TYPES.has(name) ? name : null;
}

// Opaque keys repeat heavily (every resource names its patient and encounter), and an HMAC costs
// a few microseconds; the cache is bounded so memory stays flat on large imports.
const MAX_CACHED_KEYS = 1 << 16;

/** A source reference made opaque: the target's type when known and its key. */
export interface OpaqueTarget {
  type: string | null;
  key: string;
}

/** Keyed opaque values for resource identities, cached. */
export interface OpaqueReferences {
  /** The opaque key of a canonical identity: the same key the identified resource gets. */
  keyOf(identity: string): string;
  /** The target of a source reference, through the caller's resolver first. */
  target(ref: string, resolve?: ReferenceResolver): ReferenceTarget | null;
  /** `target` and `keyOf` in one step, cached by reference string. */
  opaqueTarget(ref: string, resolve?: ReferenceResolver): OpaqueTarget | null;
  /** The canonical identity of a resource: `Type/id`, else its fullUrl's, else a hash of its content. */
  identityOf(resource: FhirResourceJson, fullUrl?: string): string;
}

export function createOpaqueReferences(key: PseudonymKey): OpaqueReferences {
  const keys = new Map<string, string>();
  const targets = new Map<string, OpaqueTarget | null>();
  const keyOf = (identity: string): string => {
    let hex = keys.get(identity);
    if (hex === undefined) {
      if (keys.size >= MAX_CACHED_KEYS) keys.clear();
      hex = opaqueKey(key, 'resource', identity);
      keys.set(identity, hex);
    }
    return hex;
  };
  return {
    keyOf,
    target(ref, resolve) {
      return canonicalReference(resolve?.(ref) ?? ref);
    },
    opaqueTarget(ref, resolve) {
      const source = resolve?.(ref) ?? ref;
      let target = targets.get(source);
      if (target === undefined) {
        const canonical = canonicalReference(source);
        target =
          canonical === null ? null : { type: canonical.type, key: keyOf(canonical.identity) };
        if (targets.size >= MAX_CACHED_KEYS) targets.clear();
        targets.set(source, target);
      }
      return target;
    },
    identityOf(resource, fullUrl) {
      const { resourceType, id } = resource;
      if (typeof id === 'string' && id.length > 0) return `${String(resourceType)}/${id}`;
      const fromUrl = fullUrl ? canonicalReference(fullUrl) : null;
      if (fromUrl) return fromUrl.identity;
      // Only ever hashed again under the institution key (keyOf), so content cannot be confirmed by guessing.
      return `content:${createHash('sha256').update(canonicalJson(resource)).digest('hex')}`;
    },
  };
}

/** JSON with object keys sorted at every level, so the same content always hashes the same. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const obj = value as Record<string, unknown>;
    const members = Object.keys(obj)
      .sort()
      .filter((k) => obj[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k])}`);
    return `{${members.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
