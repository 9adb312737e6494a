// The institution's side of enrolment: its key pair, a PKCS#10 request (RFC 2986) for the
// consortium CA, and import of the signed certificate with the CA chain (PEM or PKCS#12, RFC 7292).
import { X509Certificate, createPrivateKey, createPublicKey } from 'node:crypto';
import forge from 'node-forge';
import type { KeyProtector } from '../store/key-protector.ts';
import { InvalidInputError } from '../util/errors.ts';
import { generateRsaKeyPair, institutionSubjectAttributes } from './consortium-ca.ts';
import type { InstitutionSubject, KeyPairPem } from './consortium-ca.ts';
import { verifyCertificate } from './certificate-verifier.ts';

/** A usable consortium identity: the institution key, its certificate and the pinned CA. */
export interface InstitutionIdentity {
  institutionId: string;
  privateKeyPem: string;
  certificatePem: string;
  caCertificatePem: string;
  notAfter: Date;
}

/** Where a certificate stands in its life: renewal is due 30 days before expiry by default. */
export interface RenewalStatus {
  state: 'valid' | 'renewal-due' | 'expired' | 'not-yet-valid';
  notAfter: Date;
  daysLeft: number;
}

/** Generates the institution key pair (RSA, see generateRsaKeyPair for why). */
export function generateInstitutionKeyPair(modulusLength = 3072): Promise<KeyPairPem> {
  return generateRsaKeyPair(modulusLength);
}

/** Builds the CSR: CN = institution id, O = name, C = country; SHA-256 self-signature proves key possession. */
export function createInstitutionCsr(keys: KeyPairPem, subject: InstitutionSubject): string {
  const csr = forge.pki.createCertificationRequest();
  csr.publicKey = forge.pki.publicKeyFromPem(keys.publicKeyPem);
  csr.setSubject(institutionSubjectAttributes(subject));
  csr.sign(forge.pki.privateKeyFromPem(keys.privateKeyPem), forge.md.sha256.create());
  return forge.pki.certificationRequestToPem(csr);
}


/**
 * Accepts a signed certificate only if it matches our key, chains to the pinned CA (compared
 * by SHA-256 fingerprint, obtained out of band) and is a client certificate.
 */
export function importInstitutionCertificate(input: {
  privateKeyPem: string;
  certificatePem: string;
  caCertificatePem: string;
  pinnedCaFingerprint256?: string;
  at?: Date;
}): InstitutionIdentity {
  let cert: X509Certificate;
  let ca: X509Certificate;
  try {
    cert = new X509Certificate(input.certificatePem);
    ca = new X509Certificate(input.caCertificatePem);
  } catch {
    throw new InvalidInputError('The certificate or CA chain is not valid PEM X.509.', 'invalid-certificate');
  }
  if (input.pinnedCaFingerprint256 !== undefined && ca.fingerprint256 !== input.pinnedCaFingerprint256.toUpperCase()) {
    throw new InvalidInputError(
      `The CA in the chain (${ca.fingerprint256}) is not the consortium CA you pinned (${input.pinnedCaFingerprint256}).`,
      'ca-not-pinned',
    );
  }
  const ownSpki = createPublicKey(createPrivateKey(input.privateKeyPem)).export({ type: 'spki', format: 'der' });
  if (!ownSpki.equals(cert.publicKey.export({ type: 'spki', format: 'der' }))) {
    throw new InvalidInputError('The certificate was issued for a different key than this institution’s.', 'key-mismatch');
  }
  const verdict = verifyCertificate(input.certificatePem, { caCertificatePem: input.caCertificatePem }, 'clientAuth', input.at);
  if (!verdict.ok) throw new InvalidInputError(verdict.message, `certificate-${verdict.reason}`);
  const cn = /^CN=(.*)$/m.exec(cert.subject)?.[1] ?? '';
  return {
    institutionId: cn,
    privateKeyPem: input.privateKeyPem,
    certificatePem: cert.toString(),
    caCertificatePem: ca.toString(),
    notAfter: verdict.notAfter,
  };
}

function pemChain(pem: string): string[] {
  return pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
}

/** Imports a PEM bundle: the institution certificate followed by the CA certificate. */
export function importInstitutionPemBundle(privateKeyPem: string, bundlePem: string, pinnedCaFingerprint256?: string): InstitutionIdentity {
  const [certificatePem, caCertificatePem] = pemChain(bundlePem);
  if (!certificatePem || !caCertificatePem) {
    throw new InvalidInputError('The bundle must hold the institution certificate followed by the CA certificate.', 'invalid-chain');
  }
  return importInstitutionCertificate({ privateKeyPem, certificatePem, caCertificatePem, pinnedCaFingerprint256 });
}

/** Imports a PKCS#12 file (key + certificate + CA), as IT departments usually hand them out. */
export function importInstitutionPkcs12(p12: Buffer, password: string, pinnedCaFingerprint256?: string): InstitutionIdentity {
  let parsed: forge.pkcs12.Pkcs12Pfx;
  try {
    parsed = forge.pkcs12.pkcs12FromAsn1(forge.asn1.fromDer(p12.toString('binary')), password);
  } catch {
    throw new InvalidInputError('The PKCS#12 file cannot be opened (wrong password or damaged file).', 'invalid-pkcs12');
  }
  const keyBags = [
    ...(parsed.getBags({ bagType: forge.pki.oids.pkcs8ShroudedKeyBag! })[forge.pki.oids.pkcs8ShroudedKeyBag!] ?? []),
    ...(parsed.getBags({ bagType: forge.pki.oids.keyBag! })[forge.pki.oids.keyBag!] ?? []),
  ];
  const certs = (parsed.getBags({ bagType: forge.pki.oids.certBag! })[forge.pki.oids.certBag!] ?? [])
    .map((bag) => bag.cert)
    .filter((c): c is forge.pki.Certificate => c !== undefined);
  const key = keyBags[0]?.key;
  if (!key) throw new InvalidInputError('The PKCS#12 file holds no private key.', 'invalid-pkcs12');
  const privateKeyPem = createPrivateKey(forge.pki.privateKeyToPem(key)).export({ type: 'pkcs8', format: 'pem' }).toString();
  const isCa = (c: forge.pki.Certificate): boolean =>
    (c.getExtension('basicConstraints') as { cA?: boolean } | null)?.cA === true;
  const leaf = certs.find((c) => !isCa(c));
  const ca = certs.find(isCa);
  if (!leaf || !ca) throw new InvalidInputError('The PKCS#12 file must hold the institution and CA certificates.', 'invalid-chain');
  return importInstitutionCertificate({
    privateKeyPem,
    certificatePem: forge.pki.certificateToPem(leaf),
    caCertificatePem: forge.pki.certificateToPem(ca),
    pinnedCaFingerprint256,
  });
}

/** Computes whether the certificate is valid, due for renewal (default 30 days ahead) or expired. */
export function renewalStatus(certificatePem: string, at: Date = new Date(), renewWithinDays = 30): RenewalStatus {
  const cert = new X509Certificate(certificatePem);
  const notBefore = new Date(cert.validFrom);
  const notAfter = new Date(cert.validTo);
  const daysLeft = Math.floor((notAfter.getTime() - at.getTime()) / 86_400_000);
  const state =
    at < notBefore ? 'not-yet-valid' : at > notAfter ? 'expired' : daysLeft < renewWithinDays ? 'renewal-due' : 'valid';
  return { state, notAfter, daysLeft };
}

/** Wraps the institution key for storage in the data folder (the same protector as the pseudonym key). */
export function protectInstitutionKey(privateKeyPem: string, protector: KeyProtector): Promise<Buffer> {
  return protector.protect(Buffer.from(privateKeyPem, 'utf8'));
}

/** Unwraps a key written by protectInstitutionKey. */
export async function unprotectInstitutionKey(wrapped: Buffer, protector: KeyProtector): Promise<string> {
  return (await protector.unprotect(wrapped)).toString('utf8');
}
