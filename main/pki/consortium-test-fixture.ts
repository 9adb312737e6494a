// Test-only: a small consortium (CA, two institutions, server, model signer) built once per
// test file. 2048-bit keys keep the suites fast; production defaults are 3072.
import { createConsortiumCa, generateRsaKeyPair, issueModelSigningCertificate, issueServerCertificate, signInstitutionCsr } from './consortium-ca.ts';
import type { ConsortiumCa, InstitutionSubject, KeyPairPem, ValidityOptions } from './consortium-ca.ts';
import { createInstitutionCsr } from './institution-identity.ts';

/** A key pair with its certificate. */
export interface TestCredential extends KeyPairPem {
  certificatePem: string;
  serialNumber: string;
}

export const TEST_INSTITUTION: InstitutionSubject = { institutionId: 'inst-test-0001', name: 'Test Hospital Alpha', country: 'CA' };

export function createTestCa(commonName = 'Test Consortium Root CA'): Promise<ConsortiumCa> {
  return createConsortiumCa({ commonName, organization: 'Test Consortium', country: 'CA', modulusLength: 2048 });
}

export async function enrolTestInstitution(
  ca: ConsortiumCa,
  subject: InstitutionSubject = TEST_INSTITUTION,
  validity?: ValidityOptions,
): Promise<TestCredential> {
  const keys = await generateRsaKeyPair(2048);
  const issued = signInstitutionCsr(ca, createInstitutionCsr(keys, subject), subject, validity);
  return { ...keys, ...issued };
}

export async function issueTestServer(ca: ConsortiumCa, options: { dnsNames?: string[]; ipAddresses?: string[] } = {}): Promise<TestCredential> {
  const keys = await generateRsaKeyPair(2048);
  const issued = issueServerCertificate(ca, keys.publicKeyPem, { commonName: 'consortium-store', ...options });
  return { ...keys, ...issued };
}

export async function issueTestModelSigner(ca: ConsortiumCa): Promise<TestCredential> {
  const keys = await generateRsaKeyPair(2048);
  const issued = issueModelSigningCertificate(ca, keys.publicKeyPem, { commonName: 'Test Consortium Model Signing' });
  return { ...keys, ...issued };
}
