import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveMrnSystem, UNMAPPED_SYSTEM_PREFIX } from './mrn-system-mapping.ts';

test('a mapped issuer gives its system; others take the default', () => {
  const mapping = { byIssuer: { HOSP_MRN: 'http://hospital.example.org/mrn' }, defaultSystem: 'urn:oid:1.2.3' };
  assert.deepEqual(resolveMrnSystem(mapping, ' HOSP_MRN '), { system: 'http://hospital.example.org/mrn', configured: true });
  assert.deepEqual(resolveMrnSystem(mapping, 'OTHER'), { system: 'urn:oid:1.2.3', configured: true });
  assert.deepEqual(resolveMrnSystem(mapping, null), { system: 'urn:oid:1.2.3', configured: true });
});

test('without configuration, Patient IDs of different issuers never share a system', () => {
  const mapping = { byIssuer: {}, defaultSystem: null };
  const a = resolveMrnSystem(mapping, 'A');
  const b = resolveMrnSystem(mapping, 'B');
  assert.equal(a.configured, false);
  assert.notEqual(a.system, b.system);
  assert.ok(a.system.startsWith(UNMAPPED_SYSTEM_PREFIX));
  assert.notEqual(resolveMrnSystem(mapping, null).system, a.system);
});
