// Verifies a leaf certificate against the pinned consortium CA and its CRL (RFC 5280 §6,
// single-level path: the consortium CA issues every end-entity certificate directly).
import { X509Certificate } from 'node:crypto';
import { InvalidInputError } from '../util/errors.ts';
import { normaliseSerial, parseCertificateRevocationList } from './certificate-revocation-list.ts';

/** What a certificate is for; the extKeyUsage purposes of RFC 5280 §4.2.1.12. */
export type CertificateUsage = 'clientAuth' | 'serverAuth' | 'codeSigning';

export const EXTENDED_KEY_USAGE_OID: Readonly<Record<CertificateUsage, string>> = {
  serverAuth: '1.3.6.1.5.5.7.3.1',
  clientAuth: '1.3.6.1.5.5.7.3.2',
  codeSigning: '1.3.6.1.5.5.7.3.3',
};

/** Why a certificate was not accepted. */
export type CertificateRejection =
  | 'malformed'
  | 'other-ca'
  | 'revoked'
  | 'crl-invalid'
  | 'crl-expired'
  | 'expired'
  | 'not-yet-valid'
  | 'wrong-usage';

/** The outcome of a verification, with a sentence for people when it failed. */
export type CertificateVerification =
  | { ok: true; subject: string; serialNumber: string; notAfter: Date; fingerprint256: string }
  | { ok: false; reason: CertificateRejection; message: string };

/** The trust a node holds: the pinned consortium CA and, when it has one, the current CRL. */
export interface ConsortiumTrust {
  caCertificatePem: string;
  crlPem?: string;
}

/** Checks issuer, revocation, validity period and purpose, in that order, and says which failed. */
export function verifyCertificate(
  certificatePem: string,
  trust: ConsortiumTrust,
  usage: CertificateUsage,
  at: Date = new Date(),
): CertificateVerification {
  let leaf: X509Certificate;
  let ca: X509Certificate;
  try {
    leaf = new X509Certificate(certificatePem);
    ca = new X509Certificate(trust.caCertificatePem);
  } catch {
    return { ok: false, reason: 'malformed', message: 'The certificate is not a valid X.509 certificate.' };
  }
  if (!ca.ca || !leaf.checkIssued(ca) || !leaf.verify(ca.publicKey)) {
    return {
      ok: false,
      reason: 'other-ca',
      message: `The certificate for "${leaf.subject.replace(/\n/g, ', ')}" was not issued by the consortium CA (issuer "${leaf.issuer.replace(/\n/g, ', ')}").`,
    };
  }
  if (leaf.ca) return { ok: false, reason: 'wrong-usage', message: 'A CA certificate cannot be used as an end-entity certificate.' };
  if (trust.crlPem !== undefined) {
    let revokedSerials: ReadonlySet<string>;
    try {
      const crl = parseCertificateRevocationList(trust.crlPem, trust.caCertificatePem);
      // Fail closed on a stale CRL (RFC 5280 §6.3.3 (a)): a missed revocation is worse than a retry.
      if (crl.nextUpdate < at) {
        return { ok: false, reason: 'crl-expired', message: `The revocation list expired on ${crl.nextUpdate.toISOString()}; fetch a current one.` };
      }
      revokedSerials = crl.revokedSerials;
    } catch (error) {
      return { ok: false, reason: 'crl-invalid', message: error instanceof InvalidInputError ? error.message : 'The revocation list cannot be read.' };
    }
    if (revokedSerials.has(normaliseSerial(leaf.serialNumber))) {
      return { ok: false, reason: 'revoked', message: `The certificate with serial ${leaf.serialNumber} has been revoked by the consortium CA.` };
    }
  }
  const notBefore = new Date(leaf.validFrom);
  const notAfter = new Date(leaf.validTo);
  if (at > notAfter) return { ok: false, reason: 'expired', message: `The certificate expired on ${notAfter.toISOString()}.` };
  if (at < notBefore) return { ok: false, reason: 'not-yet-valid', message: `The certificate is not valid before ${notBefore.toISOString()}.` };
  const purposes = leaf.keyUsage ?? [];
  if (!purposes.includes(EXTENDED_KEY_USAGE_OID[usage])) {
    return { ok: false, reason: 'wrong-usage', message: `The certificate is not issued for ${usage} (extended key usage ${purposes.join(', ') || 'absent'}).` };
  }
  return {
    ok: true,
    subject: leaf.subject,
    serialNumber: normaliseSerial(leaf.serialNumber),
    notAfter,
    fingerprint256: leaf.fingerprint256,
  };
}
