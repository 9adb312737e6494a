// TLS 1.3 with client certificates between a node and the consortium store (RFC 8446 §4.3.2,
// §4.4.2). The consortium CA is pinned: it replaces, not extends, the system root store.
import { X509Certificate } from 'node:crypto';
import type { RequestOptions } from 'node:https';
import { checkServerIdentity } from 'node:tls';
import type { ConnectionOptions, PeerCertificate, TlsOptions } from 'node:tls';
import { EXTENDED_KEY_USAGE_OID, verifyCertificate } from '../pki/certificate-verifier.ts';
import type { CertificateRejection } from '../pki/certificate-verifier.ts';

/** What a node presents and trusts: its key and certificate, and the pinned consortium CA. */
export interface MtlsClientIdentity {
  privateKeyPem: string;
  certificatePem: string;
  caCertificatePem: string;
}

/** Client options for `https.request`, `https.Agent` or `tls.connect`. */
export type MtlsClientOptions = RequestOptions & ConnectionOptions;

/** Why a mutual-TLS connection failed, in the node's terms. */
export type MtlsFailureReason =
  | 'no-client-certificate'
  | 'client-certificate-other-ca'
  | 'client-certificate-expired'
  | 'client-certificate-revoked'
  | 'client-certificate-rejected'
  | 'server-name-mismatch'
  | 'server-wrong-usage'
  | 'server-other-ca'
  | 'server-certificate-expired'
  | 'server-certificate-revoked'
  | 'protocol-version'
  | 'network';

/**
 * Builds client options: TLS 1.3 only, our certificate, the CA pinned, name and purpose checked.
 * For S3, wrap them in `new https.Agent(options)` and pass it as the minio Client's
 * `transportAgent` (minio 8 sends every request through it; see the integration test).
 */
export function createMtlsClientOptions(identity: MtlsClientIdentity, options: { crlPem?: string } = {}): MtlsClientOptions {
  return {
    minVersion: 'TLSv1.3',
    maxVersion: 'TLSv1.3',
    key: identity.privateKeyPem,
    cert: identity.certificatePem,
    ca: [identity.caCertificatePem],
    ...(options.crlPem !== undefined ? { crl: options.crlPem } : {}),
    rejectUnauthorized: true,
    checkServerIdentity(hostname: string, cert: PeerCertificate): Error | undefined {
      // Name check per RFC 6125 (SAN only, IP addresses matched exactly), then the purpose:
      // a client certificate of another institution must not be able to pose as the store.
      const nameError = checkServerIdentity(hostname, cert);
      if (nameError) return nameError;
      const purposes = cert.raw ? (new X509Certificate(cert.raw).keyUsage ?? []) : [];
      if (!purposes.includes(EXTENDED_KEY_USAGE_OID.serverAuth)) {
        return Object.assign(new Error('The server certificate is not issued for serverAuth (RFC 5280 §4.2.1.12).'), {
          code: 'ERR_DATASPACE_SERVER_WRONG_USAGE',
        });
      }
      return undefined;
    },
  };
}

/** The consortium store's side (also the loopback sandbox server): client certificates required. */
export function createMtlsServerOptions(server: {
  privateKeyPem: string;
  certificatePem: string;
  caCertificatePem: string;
  crlPem?: string;
}): TlsOptions {
  return {
    minVersion: 'TLSv1.3',
    key: server.privateKeyPem,
    cert: server.certificatePem,
    ca: [server.caCertificatePem],
    // With a CRL present OpenSSL checks revocation of the client leaf (X509_V_FLAG_CRL_CHECK).
    ...(server.crlPem !== undefined ? { crl: server.crlPem } : {}),
    requestCert: true,
    rejectUnauthorized: true,
  };
}

const REASONS: ReadonlyArray<[RegExp, MtlsFailureReason, string]> = [
  [/CERTIFICATE_REQUIRED|certificate required|PEER_DID_NOT_RETURN/i, 'no-client-certificate', 'The store requires a client certificate and none was presented. Import the institution certificate.'],
  [/ALERT_UNKNOWN_CA|unknown ca/i, 'client-certificate-other-ca', 'The store does not trust the institution certificate: it was issued by another CA.'],
  [/ALERT_CERTIFICATE_EXPIRED|certificate expired/i, 'client-certificate-expired', 'The store refused the institution certificate because it has expired. Renew it.'],
  [/ALERT_CERTIFICATE_REVOKED|certificate revoked/i, 'client-certificate-revoked', 'The store refused the institution certificate because the consortium CA revoked it.'],
  [/ALERT_BAD_CERTIFICATE|ALERT_UNSUPPORTED_CERTIFICATE|bad certificate/i, 'client-certificate-rejected', 'The store refused the institution certificate.'],
  [/ERR_TLS_CERT_ALTNAME_INVALID/, 'server-name-mismatch', 'The server certificate does not name the host we connected to; this may not be the consortium store.'],
  [/ERR_DATASPACE_SERVER_WRONG_USAGE|INVALID_PURPOSE|unsuitable certificate purpose/, 'server-wrong-usage', 'The server presented a certificate that is not a server certificate.'],
  [/UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT|SELF_SIGNED_CERT|DEPTH_ZERO_SELF_SIGNED/, 'server-other-ca', 'The server certificate was not issued by the consortium CA.'],
  [/^CERT_HAS_EXPIRED$/, 'server-certificate-expired', 'The server certificate has expired.'],
  [/^CERT_REVOKED$/, 'server-certificate-revoked', 'The server certificate has been revoked.'],
  [/PROTOCOL_VERSION|UNSUPPORTED_PROTOCOL|WRONG_VERSION/i, 'protocol-version', 'The server does not speak TLS 1.3.'],
];

const LOCAL_DIAGNOSIS: Partial<Record<CertificateRejection, [MtlsFailureReason, string]>> = {
  'other-ca': ['client-certificate-other-ca', 'The institution certificate was not issued by the consortium CA.'],
  expired: ['client-certificate-expired', 'The institution certificate has expired. Renew it.'],
  'not-yet-valid': ['client-certificate-rejected', 'The institution certificate is not valid yet; check the clock.'],
  revoked: ['client-certificate-revoked', 'The consortium CA has revoked the institution certificate.'],
  'wrong-usage': ['client-certificate-rejected', 'The institution certificate is not a TLS client certificate.'],
};

/**
 * Turns a Node/OpenSSL TLS error into a reason and a sentence a person can act on.
 * Node servers (and many proxies) verify the client certificate after the TLS 1.3 handshake
 * and just close the socket, so a reset carries no alert; given our identity and the CRL we
 * then check our own certificate locally to say why it was most likely refused.
 */
export function explainMtlsFailure(
  error: unknown,
  diagnose?: { identity: MtlsClientIdentity; crlPem?: string; at?: Date },
): { reason: MtlsFailureReason; message: string } {
  const code = (error as { code?: unknown } | null)?.code;
  const codeText = typeof code === 'string' ? code : '';
  const text = `${codeText} ${error instanceof Error ? error.message : String(error)}`.trim();
  for (const [pattern, reason, message] of REASONS) {
    if (pattern.test(codeText) || pattern.test(text)) return { reason, message };
  }
  if (/ECONNRESET|EPIPE|socket hang up/i.test(text) && diagnose) {
    const trust = { caCertificatePem: diagnose.identity.caCertificatePem, crlPem: diagnose.crlPem };
    const verdict = verifyCertificate(diagnose.identity.certificatePem, trust, 'clientAuth', diagnose.at);
    const local = verdict.ok ? undefined : LOCAL_DIAGNOSIS[verdict.reason];
    if (local) return { reason: local[0], message: `The store closed the connection. ${local[1]} (${verdict.ok ? '' : verdict.message})` };
    return {
      reason: 'client-certificate-rejected',
      message: 'The store closed the connection after the handshake; the institution certificate passes local checks, so it may have been revoked since the last CRL.',
    };
  }
  return { reason: 'network', message: `The connection to the store failed: ${text}` };
}
