import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ConsortiumCa } from '../pki/consortium-ca.ts';
import type { ConsortiumTrust } from '../pki/certificate-verifier.ts';
import { createCertificateRevocationList } from '../pki/certificate-revocation-list.ts';
import { createTestCa, enrolTestInstitution, issueTestModelSigner } from '../pki/consortium-test-fixture.ts';
import type { TestCredential } from '../pki/consortium-test-fixture.ts';
import { signDetachedJws, verifyDetachedJws } from './detached-jws.ts';
import type { JwsSigner } from './detached-jws.ts';
import { signModel, verifySignedModel } from './signed-model.ts';
import { signConsortiumRequest, verifyConsortiumRequest } from './consortium-request.ts';

const signerOf = (c: TestCredential, ca: ConsortiumCa): JwsSigner => ({
  privateKeyPem: c.privateKeyPem,
  certificateChainPem: [c.certificatePem, ca.certificatePem],
});

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    return (error as { code?: string }).code ?? String(error);
  }
  return 'accepted';
}

describe('signed payloads, models and consortium requests', () => {
  let ca: ConsortiumCa;
  let otherCa: ConsortiumCa;
  let trust: ConsortiumTrust;
  let institution: TestCredential;
  let modelSigner: TestCredential;
  const payload = Buffer.from(JSON.stringify({ round: 7, counts: [120, 45] }));

  before(async () => {
    [ca, otherCa] = await Promise.all([createTestCa(), createTestCa('Rogue Root CA')]);
    [institution, modelSigner] = await Promise.all([enrolTestInstitution(ca), issueTestModelSigner(ca)]);
    trust = { caCertificatePem: ca.certificatePem };
  });

  it('verifies an institution payload signature and names the signer', () => {
    const jws = signDetachedJws(payload, signerOf(institution, ca), { 'dsp:object': 'round-7/inst-test-0001/aggregates.json' });
    assert.equal(jws.split('.')[1], '', 'payload is detached');
    const verified = verifyDetachedJws(payload, jws, trust, 'clientAuth');
    assert.equal(verified.signerId, 'inst-test-0001');
    assert.equal(verified.header['dsp:object'], 'round-7/inst-test-0001/aggregates.json');
  });

  it('refuses a tampered payload, a forged header, another CA and a revoked signer', async () => {
    const jws = signDetachedJws(payload, signerOf(institution, ca));
    assert.equal(codeOf(() => verifyDetachedJws(Buffer.from(payload.toString().replace('120', '121')), jws, trust, 'clientAuth')), 'signature-invalid');
    const [h, , s] = jws.split('.');
    const header = JSON.parse(Buffer.from(h!, 'base64url').toString()) as Record<string, unknown>;
    const forgedHeader = Buffer.from(JSON.stringify({ ...header, 'dsp:object': 'elsewhere' })).toString('base64url');
    assert.equal(codeOf(() => verifyDetachedJws(payload, `${forgedHeader}..${s}`, trust, 'clientAuth')), 'signature-invalid');
    const noneHeader = Buffer.from(JSON.stringify({ ...header, alg: 'none' })).toString('base64url');
    assert.equal(codeOf(() => verifyDetachedJws(payload, `${noneHeader}..${s}`, trust, 'clientAuth')), 'signature-algorithm');
    const rogue = await enrolTestInstitution(otherCa);
    assert.equal(codeOf(() => verifyDetachedJws(payload, signDetachedJws(payload, signerOf(rogue, otherCa)), trust, 'clientAuth')), 'signer-other-ca');
    const crlPem = createCertificateRevocationList(ca, [{ serialNumber: institution.serialNumber, revokedAt: new Date() }], { crlNumber: 5 });
    assert.equal(codeOf(() => verifyDetachedJws(payload, jws, { ...trust, crlPem }, 'clientAuth')), 'signer-revoked');
  });

  it('refuses a signature made with another key under the trusted certificate', async () => {
    const impostor = await enrolTestInstitution(ca, { institutionId: 'inst-test-0009', name: 'Impostor', country: 'CA' });
    // The impostor's key with the honest institution's certificate in x5c.
    const jws = signDetachedJws(payload, { privateKeyPem: impostor.privateKeyPem, certificateChainPem: [institution.certificatePem] });
    assert.equal(codeOf(() => verifyDetachedJws(payload, jws, trust, 'clientAuth')), 'signature-invalid');
  });

  it('activates a signed model only if newer than the highest version seen', () => {
    const model = Buffer.from('onnx-bytes-v3');
    const signed = signModel('readmission-30d', 3, model, signerOf(modelSigner, ca));
    const manifest = verifySignedModel(model, signed, trust, { expectedModelId: 'readmission-30d', highestVersionSeen: 2 });
    assert.equal(manifest.version, 3);
    assert.equal(codeOf(() => verifySignedModel(model, signed, trust, { expectedModelId: 'readmission-30d', highestVersionSeen: 3 })), 'model-version-replayed');
    const older = signModel('readmission-30d', 2, Buffer.from('onnx-bytes-v2'), signerOf(modelSigner, ca));
    assert.equal(codeOf(() => verifySignedModel(Buffer.from('onnx-bytes-v2'), older, trust, { expectedModelId: 'readmission-30d', highestVersionSeen: 3 })), 'model-version-replayed');
    assert.equal(codeOf(() => verifySignedModel(Buffer.from('onnx-bytes-v3!'), signed, trust, { expectedModelId: 'readmission-30d', highestVersionSeen: 2 })), 'model-digest-mismatch');
    assert.equal(codeOf(() => verifySignedModel(model, signed, trust, { expectedModelId: 'other-model', highestVersionSeen: 0 })), 'model-id-mismatch');
  });

  it('refuses a model signed by an institution key rather than the model-signing certificate', () => {
    const model = Buffer.from('onnx-bytes-v4');
    const signed = signModel('readmission-30d', 4, model, signerOf(institution, ca));
    assert.equal(codeOf(() => verifySignedModel(model, signed, trust, { expectedModelId: 'readmission-30d', highestVersionSeen: 3 })), 'signer-wrong-usage');
  });

  it('acts on a signed consortium request once, and not after it expires', () => {
    const now = new Date(Date.now() + 3_600_000);
    const request = {
      kind: 'aggregate-round',
      sequence: 12,
      issuedAt: new Date(now.getTime() - 3_600_000).toISOString(),
      expiresAt: new Date(now.getTime() + 23 * 3_600_000).toISOString(),
      body: { round: 7, statistics: ['count', 'mean'] },
    };
    const signed = signConsortiumRequest(request, signerOf(modelSigner, ca));
    assert.deepEqual(verifyConsortiumRequest(signed, trust, { highestSequenceSeen: 11, at: now }), request);
    assert.equal(codeOf(() => verifyConsortiumRequest(signed, trust, { highestSequenceSeen: 12, at: now })), 'request-replayed');
    assert.equal(codeOf(() => verifyConsortiumRequest(signed, trust, { highestSequenceSeen: 11, at: new Date(now.getTime() + 36 * 3_600_000) })), 'request-expired');
    const tampered = { ...signed, requestJson: signed.requestJson.replace('"round":7', '"round":8') };
    assert.equal(codeOf(() => verifyConsortiumRequest(tampered, trust, { highestSequenceSeen: 11, at: now })), 'signature-invalid');
    const byInstitution = signConsortiumRequest(request, signerOf(institution, ca));
    assert.equal(codeOf(() => verifyConsortiumRequest(byInstitution, trust, { highestSequenceSeen: 11, at: now })), 'signer-wrong-usage');
  });
});
