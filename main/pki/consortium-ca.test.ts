import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import forge from 'node-forge';
import { generateRsaKeyPair, protectConsortiumCa, signInstitutionCsr, unprotectConsortiumCa } from './consortium-ca.ts';
import type { ConsortiumCa } from './consortium-ca.ts';
import { createCertificateRevocationList, parseCertificateRevocationList, revokeCertificate } from './certificate-revocation-list.ts';
import { verifyCertificate } from './certificate-verifier.ts';
import type { ConsortiumTrust } from './certificate-verifier.ts';
import {
  createInstitutionCsr,
  importInstitutionCertificate,
  importInstitutionPemBundle,
  importInstitutionPkcs12,
  protectInstitutionKey,
  renewalStatus,
  unprotectInstitutionKey,
} from './institution-identity.ts';
import { passphraseKeyProtector } from '../store/key-protector.ts';
import { TEST_INSTITUTION, createTestCa, enrolTestInstitution, issueTestModelSigner, issueTestServer } from './consortium-test-fixture.ts';
import type { TestCredential } from './consortium-test-fixture.ts';

const DAY = 86_400_000;

describe('consortium CA and institution enrolment', () => {
  let ca: ConsortiumCa;
  let otherCa: ConsortiumCa;
  let institution: TestCredential;

  before(async () => {
    [ca, otherCa] = await Promise.all([createTestCa(), createTestCa('Rogue Root CA')]);
    institution = await enrolTestInstitution(ca);
  });

  it('creates a root CA certificate that may sign certificates and CRLs only', () => {
    const cert = new X509Certificate(ca.certificatePem);
    assert.equal(cert.ca, true);
    assert.ok(cert.checkIssued(cert));
    const forgeCert = forge.pki.certificateFromPem(ca.certificatePem);
    const keyUsage = forgeCert.getExtension('keyUsage') as { keyCertSign?: boolean; cRLSign?: boolean; digitalSignature?: boolean };
    assert.equal(keyUsage.keyCertSign, true);
    assert.equal(keyUsage.cRLSign, true);
    assert.notEqual(keyUsage.digitalSignature, true);
  });

  it('signs a CSR into a client certificate naming the institution id, name and country', () => {
    const cert = new X509Certificate(institution.certificatePem);
    assert.equal(cert.subject, 'CN=inst-test-0001\nO=Test Hospital Alpha\nC=CA');
    assert.deepEqual(cert.keyUsage, ['1.3.6.1.5.5.7.3.2']);
    assert.equal(cert.ca, false);
    const verdict = verifyCertificate(institution.certificatePem, { caCertificatePem: ca.certificatePem }, 'clientAuth');
    assert.equal(verdict.ok, true);
  });

  it('refuses a CSR for another institution than the enrolment', async () => {
    const keys = await generateRsaKeyPair(2048);
    const csr = createInstitutionCsr(keys, { institutionId: 'inst-someone-else', name: 'Elsewhere', country: 'FR' });
    assert.throws(() => signInstitutionCsr(ca, csr, TEST_INSTITUTION), /inst-someone-else/);
  });

  it('refuses a CSR whose self-signature does not verify', async () => {
    const keys = await generateRsaKeyPair(2048);
    const csr = forge.pki.certificationRequestFromPem(createInstitutionCsr(keys, TEST_INSTITUTION));
    csr.publicKey = forge.pki.publicKeyFromPem((await generateRsaKeyPair(2048)).publicKeyPem);
    // Drop forge's cached encoding so the swapped key is what gets serialised.
    (csr as unknown as { certificationRequestInfo: unknown }).certificationRequestInfo = null;
    assert.throws(() => signInstitutionCsr(ca, forge.pki.certificationRequestToPem(csr), TEST_INSTITUTION), /does not verify/);
  });

  it('issues a server certificate for 127.0.0.1 and localhost, and a code-signing certificate', async () => {
    const server = new X509Certificate((await issueTestServer(ca)).certificatePem);
    assert.match(server.subjectAltName ?? '', /DNS:localhost/);
    assert.match(server.subjectAltName ?? '', /IP Address:127\.0\.0\.1/);
    assert.deepEqual(server.keyUsage, ['1.3.6.1.5.5.7.3.1']);
    const signer = await issueTestModelSigner(ca);
    assert.equal(verifyCertificate(signer.certificatePem, { caCertificatePem: ca.certificatePem }, 'codeSigning').ok, true);
  });

  it('gives a clear reason for expired, other-CA, wrong-usage and revoked certificates', async () => {
    const trust: ConsortiumTrust = { caCertificatePem: ca.certificatePem };
    const expired = await enrolTestInstitution(ca, TEST_INSTITUTION, {
      notBefore: new Date(Date.now() - 400 * DAY),
      notAfter: new Date(Date.now() - 35 * DAY),
    });
    const rogue = await enrolTestInstitution(otherCa);
    const check = (pem: string, usage: 'clientAuth' | 'codeSigning', t: ConsortiumTrust = trust) => {
      const verdict = verifyCertificate(pem, t, usage);
      return verdict.ok ? 'ok' : verdict.reason;
    };
    assert.equal(check(expired.certificatePem, 'clientAuth'), 'expired');
    assert.equal(check(rogue.certificatePem, 'clientAuth'), 'other-ca');
    assert.equal(check(institution.certificatePem, 'codeSigning'), 'wrong-usage');
    const crlPem = createCertificateRevocationList(ca, [{ serialNumber: institution.serialNumber, revokedAt: new Date() }], { crlNumber: 3 });
    assert.equal(check(institution.certificatePem, 'clientAuth', { ...trust, crlPem }), 'revoked');
    const stale = createCertificateRevocationList(ca, [], { crlNumber: 1, thisUpdate: new Date(Date.now() - 20 * DAY), nextUpdate: new Date(Date.now() - DAY) });
    assert.equal(check(institution.certificatePem, 'clientAuth', { ...trust, crlPem: stale }), 'crl-expired');
    const forged = createCertificateRevocationList(otherCa, [], { crlNumber: 1 });
    assert.equal(check(institution.certificatePem, 'clientAuth', { ...trust, crlPem: forged }), 'crl-invalid');
  });

  it('writes a CRL that round-trips and is signed by the CA', () => {
    const crlPem = createCertificateRevocationList(ca, [{ serialNumber: institution.serialNumber, revokedAt: new Date() }], { crlNumber: 42 });
    const crl = parseCertificateRevocationList(crlPem, ca.certificatePem);
    assert.equal(crl.crlNumber, 42);
    assert.ok(crl.revokedSerials.has(new X509Certificate(institution.certificatePem).serialNumber));
    assert.throws(() => parseCertificateRevocationList(crlPem, otherCa.certificatePem), /not signed by the consortium CA/);
  });

  it('revokes into the next numbered CRL and keeps earlier revocations', async () => {
    const second = await enrolTestInstitution(ca, { institutionId: 'inst-test-0002', name: 'Test Hospital Beta', country: 'FR' });
    const first = revokeCertificate(ca, { crlNumber: 0, revoked: [] }, institution.serialNumber);
    const both = revokeCertificate(ca, first.state, second.serialNumber);
    const crl = parseCertificateRevocationList(both.crlPem, ca.certificatePem);
    assert.equal(crl.crlNumber, 2);
    assert.equal(crl.revokedSerials.size, 2);
    assert.equal(revokeCertificate(ca, both.state, second.serialNumber).state.revoked.length, 2);
  });

  it('wraps the CA key with a key protector', async () => {
    const protector = passphraseKeyProtector('test-passphrase-1', 'test');
    const wrapped = await protectConsortiumCa(ca, protector);
    assert.ok(!wrapped.toString('utf8').includes('PRIVATE KEY'));
    assert.deepEqual(await unprotectConsortiumCa(wrapped, protector), ca);
  });

  it('imports the signed certificate with the CA chain from PEM and from PKCS#12', () => {
    const fingerprint = new X509Certificate(ca.certificatePem).fingerprint256;
    const fromPem = importInstitutionPemBundle(institution.privateKeyPem, institution.certificatePem + ca.certificatePem, fingerprint);
    assert.equal(fromPem.institutionId, 'inst-test-0001');
    const p12 = forge.pkcs12.toPkcs12Asn1(
      forge.pki.privateKeyFromPem(institution.privateKeyPem),
      [forge.pki.certificateFromPem(institution.certificatePem), forge.pki.certificateFromPem(ca.certificatePem)],
      'correct horse',
      { algorithm: '3des' },
    );
    const der = Buffer.from(forge.asn1.toDer(p12).getBytes(), 'binary');
    const fromP12 = importInstitutionPkcs12(der, 'correct horse', fingerprint);
    assert.equal(fromP12.institutionId, 'inst-test-0001');
    assert.equal(fromP12.certificatePem, fromPem.certificatePem);
    assert.throws(() => importInstitutionPkcs12(der, 'wrong password'), /cannot be opened/);
  });

  it('refuses an import whose CA is not the pinned one or whose key does not match', async () => {
    const rogue = await enrolTestInstitution(otherCa);
    assert.throws(
      () => importInstitutionPemBundle(rogue.privateKeyPem, rogue.certificatePem + otherCa.certificatePem, new X509Certificate(ca.certificatePem).fingerprint256),
      /not the consortium CA you pinned/,
    );
    assert.throws(
      () => importInstitutionCertificate({ privateKeyPem: rogue.privateKeyPem, certificatePem: institution.certificatePem, caCertificatePem: ca.certificatePem }),
      /different key/,
    );
  });

  it('reports renewal due within 30 days of expiry, and expiry after', () => {
    const notAfter = new Date(new X509Certificate(institution.certificatePem).validTo);
    assert.equal(renewalStatus(institution.certificatePem, new Date(notAfter.getTime() - 60 * DAY)).state, 'valid');
    const due = renewalStatus(institution.certificatePem, new Date(notAfter.getTime() - 10 * DAY));
    assert.equal(due.state, 'renewal-due');
    assert.equal(due.daysLeft, 10);
    assert.equal(renewalStatus(institution.certificatePem, new Date(notAfter.getTime() + DAY)).state, 'expired');
  });

  it('wraps the institution key with the data-folder key protector', async () => {
    const protector = passphraseKeyProtector('test-passphrase-1', 'test');
    const wrapped = await protectInstitutionKey(institution.privateKeyPem, protector);
    assert.ok(!wrapped.toString('utf8').includes('PRIVATE KEY'));
    assert.equal(await unprotectInstitutionKey(wrapped, protector), institution.privateKeyPem);
  });
});
