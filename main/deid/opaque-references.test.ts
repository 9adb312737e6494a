import { test } from 'node:test';
import assert from 'node:assert/strict';
import { canonicalJson, canonicalReference, createOpaqueReferences } from './opaque-references.ts';
import { createPseudonymKey, opaqueKey } from './pseudonym-key.ts';

test('canonical identities of relative, absolute, versioned, conditional, urn and local references', () => {
  assert.deepEqual(canonicalReference('Encounter/abc-1'), {
    type: 'Encounter',
    identity: 'Encounter/abc-1',
  });
  assert.deepEqual(canonicalReference('https://h.example/fhir/R4/Encounter/abc-1/_history/7'), {
    type: 'Encounter',
    identity: 'Encounter/abc-1',
  });
  assert.deepEqual(
    canonicalReference('Practitioner?identifier=http://hl7.org/fhir/sid/us-npi|9999974493'),
    {
      type: 'Practitioner',
      identity: 'Practitioner?identifier=http://hl7.org/fhir/sid/us-npi|9999974493',
    },
  );
  assert.deepEqual(canonicalReference('urn:uuid:AB3C5D4E-0000-4000-8000-000000000001'), {
    type: null,
    identity: 'urn:uuid:ab3c5d4e-0000-4000-8000-000000000001',
  });
  assert.equal(canonicalReference('#contained-1'), null);
  assert.equal(canonicalReference(''), null);
  // A prefix that is not an R4 resource type is never reported as a type.
  assert.deepEqual(canonicalReference('ZzSmith/123'), { type: null, identity: 'ZzSmith/123' });
});

test('an opaque target equals the key of the resource it names', () => {
  const key = createPseudonymKey(Buffer.alloc(32, 9));
  const refs = createOpaqueReferences(key);
  const k = opaqueKey(key, 'resource', 'Condition/c1');
  assert.equal(refs.keyOf(refs.identityOf({ resourceType: 'Condition', id: 'c1' })), k);
  assert.deepEqual(
    refs.opaqueTarget('urn:uuid:x', () => 'Condition/c1'),
    { type: 'Condition', key: k },
  );
  assert.deepEqual(refs.opaqueTarget('Condition/c1'), { type: 'Condition', key: k });
});

test('canonical JSON sorts keys at every level', () => {
  assert.equal(
    canonicalJson({ b: [{ d: 1, c: 2 }], a: 'x', u: undefined }),
    '{"a":"x","b":[{"c":2,"d":1}]}',
  );
});
