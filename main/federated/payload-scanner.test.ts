import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { assertPayloadReleasable, scanOutgoingPayload } from './payload-scanner.ts';
import type { PayloadScanPolicy } from './payload-scanner.ts';

const policy: PayloadScanPolicy = {
  allowedKeys: new Set(['round', 'modelId', 'strata', 'stratum', 'count', 'mean', 'weights', 'feature']),
  codeValueKeys: new Set(['modelId', 'stratum', 'feature']),
};

const clean = {
  round: 7,
  modelId: 'readmission-30d',
  strata: [
    { stratum: 'age-65-74', count: 120, mean: 0.183 },
    { stratum: 'age-75+', count: 98, mean: 0.241 },
  ],
  weights: [0.12, -0.4, 1.7e-3],
  feature: 'charlson_index',
};

describe('outgoing payload scanner', () => {
  it('lets an aggregate payload with known keys and code values through', () => {
    assert.deepEqual(scanOutgoingPayload(clean, policy), []);
    assert.doesNotThrow(() => assertPayloadReleasable(clean, policy));
  });

  it('catches planted pseudonyms, identifiers, dates and free text', () => {
    const pseudonym = 'a3f1c9e07b2d4c6f8e1a0b9c7d5e3f21';
    const planted = {
      ...clean,
      strata: [
        ...clean.strata,
        { stratum: pseudonym, count: 12 },
        { stratum: '2.25.329800735698586629295641978511506172918', count: 15 },
        { stratum: 'MRN-00482913', count: 11 },
        { stratum: '1987-04-12', count: 13 },
        { stratum: '19870412', count: 13 },
        { stratum: 'age-65-74', count: 20260101 },
        { stratum: 'Mr Marker Testpatient said he felt dizzy', count: 14 },
      ],
      modelId: 'readmission 30d, ward 4',
    };
    const findings = scanOutgoingPayload(planted, policy);
    assert.deepEqual(findings, [
      { path: '$.modelId', kind: 'free-text' },
      { path: '$.strata[2].stratum', kind: 'pseudonym' },
      { path: '$.strata[3].stratum', kind: 'identifier' },
      { path: '$.strata[4].stratum', kind: 'identifier' },
      { path: '$.strata[5].stratum', kind: 'date' },
      { path: '$.strata[6].stratum', kind: 'date' },
      { path: '$.strata[7].count', kind: 'date' },
      { path: '$.strata[8].stratum', kind: 'free-text' },
    ]);
  });

  it('treats keys as data: an unknown key or a pseudonym used as a key is blocked', () => {
    const findings = scanOutgoingPayload({ round: 1, a3f1c9e07b2d4c6f8e1a0b9c7d5e3f21aa: 3, note: 'x' }, policy);
    assert.deepEqual(findings, [
      { path: '$.<key 1>', kind: 'pseudonym' },
      { path: '$.<key 2>', kind: 'unknown-key' },
    ]);
  });

  it('blocks strings under keys not allowed to hold codes, and never echoes the value in the error', () => {
    const secret = 'marker-identifier-XYZ';
    assert.throws(
      () => assertPayloadReleasable({ round: 1, count: secret }, policy),
      (error: Error & { code?: string }) => error.code === 'payload-blocked' && !error.message.includes(secret) && /\$\.count \(free-text\)/.test(error.message),
    );
  });
});
