// Detached JWS (RFC 7515 §7.1 compact serialisation, Appendix F detached content) with the
// signer's certificate chain in x5c (§4.1.6). Every object a node uploads is signed this way,
// so integrity does not depend on the object store.
import { X509Certificate, constants, sign, verify } from 'node:crypto';
import { verifyCertificate } from '../pki/certificate-verifier.ts';
import type { CertificateUsage, ConsortiumTrust } from '../pki/certificate-verifier.ts';
import { InvalidInputError } from '../util/errors.ts';

/** The only algorithm accepted: RSASSA-PSS with SHA-256 (RFC 7518 §3.5); never "none" or HMAC. */
export const JWS_ALGORITHM = 'PS256';

/** A signing identity: PKCS#8 key and the certificate chain, leaf first. */
export interface JwsSigner {
  privateKeyPem: string;
  certificateChainPem: string[];
}

/** The protected header we write and accept. Extra members (e.g. the object key) are bound by the signature. */
export interface DetachedJwsHeader {
  alg: typeof JWS_ALGORITHM;
  x5c: string[];
  typ?: string;
  [member: string]: unknown;
}

/** A verified signature: who signed (certificate CN) and the protected header. */
export interface VerifiedSignature {
  signerId: string;
  signerCertificatePem: string;
  header: DetachedJwsHeader;
}

const PSS = { padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 };

function b64url(data: Buffer | string): string {
  return Buffer.from(data).toString('base64url');
}

function rejected(message: string, code: string): InvalidInputError {
  return new InvalidInputError(message, code);
}

/** Signs a payload; the result is `header..signature` (the payload travels separately). */
export function signDetachedJws(payload: Buffer, signer: JwsSigner, extraHeader: Record<string, unknown> = {}): string {
  const header: DetachedJwsHeader = {
    ...extraHeader,
    alg: JWS_ALGORITHM,
    x5c: signer.certificateChainPem.map((pem) => new X509Certificate(pem).raw.toString('base64')),
  };
  const protectedHeader = b64url(JSON.stringify(header));
  const signature = sign('sha256', Buffer.from(`${protectedHeader}.${b64url(payload)}`), { key: signer.privateKeyPem, ...PSS });
  return `${protectedHeader}..${b64url(signature)}`;
}

function parseHeader(encoded: string): DetachedJwsHeader {
  let header: unknown;
  try {
    header = JSON.parse(Buffer.from(encoded, 'base64url').toString('utf8'));
  } catch {
    throw rejected('The signature header is not valid JSON.', 'signature-malformed');
  }
  const h = header as Partial<DetachedJwsHeader> & Record<string, unknown>;
  if (h.alg !== JWS_ALGORITHM) throw rejected(`The signature algorithm "${String(h.alg)}" is not accepted (only ${JWS_ALGORITHM}).`, 'signature-algorithm');
  // RFC 7515 §4.1.11: we understand no critical extensions, so any "crit" must be refused.
  if ('crit' in h || 'jku' in h || 'x5u' in h || 'jwk' in h) {
    throw rejected('The signature header asks for keys or extensions we do not accept (crit/jku/x5u/jwk).', 'signature-header');
  }
  if (!Array.isArray(h.x5c) || h.x5c.length === 0 || !h.x5c.every((c) => typeof c === 'string')) {
    throw rejected('The signature carries no x5c certificate chain.', 'signature-malformed');
  }
  return h as DetachedJwsHeader;
}

/**
 * Verifies a detached JWS over `payload`: the x5c leaf must chain to the pinned consortium CA,
 * not be revoked and carry `usage`; then the PS256 signature must verify with its key.
 */
export function verifyDetachedJws(
  payload: Buffer,
  jws: string,
  trust: ConsortiumTrust,
  usage: CertificateUsage,
  at: Date = new Date(),
): VerifiedSignature {
  const parts = jws.split('.');
  if (parts.length !== 3 || parts[1] !== '') throw rejected('The signature is not a detached compact JWS.', 'signature-malformed');
  const [encodedHeader = '', , encodedSignature = ''] = parts;
  const header = parseHeader(encodedHeader);
  let leaf: X509Certificate;
  try {
    leaf = new X509Certificate(Buffer.from(header.x5c[0]!, 'base64'));
  } catch {
    throw rejected('The signer certificate in x5c cannot be read.', 'signature-malformed');
  }
  const verdict = verifyCertificate(leaf.toString(), trust, usage, at);
  if (!verdict.ok) throw rejected(`The signer is not trusted: ${verdict.message}`, `signer-${verdict.reason}`);
  const signingInput = Buffer.from(`${encodedHeader}.${b64url(payload)}`);
  const valid = verify('sha256', signingInput, { key: leaf.publicKey, ...PSS }, Buffer.from(encodedSignature, 'base64url'));
  if (!valid) throw rejected('The signature does not match the payload: it was altered or signed with another key.', 'signature-invalid');
  return { signerId: /^CN=(.*)$/m.exec(leaf.subject)?.[1] ?? '', signerCertificatePem: leaf.toString(), header };
}
