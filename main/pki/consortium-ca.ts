// The consortium certificate authority: a root CA that enrols member institutions (client
// certificates), the consortium store (server certificate) and the model-signing key.
// Profiles follow RFC 5280 §4.2 (basicConstraints, keyUsage, extKeyUsage, key identifiers).
import { generateKeyPair, randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import forge from 'node-forge';
import type { KeyProtector } from '../store/key-protector.ts';
import { InvalidInputError } from '../util/errors.ts';

const generateKeyPairAsync = promisify(generateKeyPair);

/** A PEM key pair; private keys are PKCS#8, public keys SPKI. */
export interface KeyPairPem {
  privateKeyPem: string;
  publicKeyPem: string;
}

/** The CA's key and self-signed certificate (keep the key wrapped with a KeyProtector at rest). */
export interface ConsortiumCa {
  certificatePem: string;
  privateKeyPem: string;
}

/** Who an institution certificate is for; becomes CN / O / C of the subject. */
export interface InstitutionSubject {
  institutionId: string;
  name: string;
  country: string;
}

/** Validity window; defaults to now .. now + days. Past windows are allowed for tests and drills. */
export interface ValidityOptions {
  notBefore?: Date;
  notAfter?: Date;
  days?: number;
}

/** An issued certificate with its serial (hex, as it appears in a CRL). */
export interface IssuedCertificate {
  certificatePem: string;
  serialNumber: string;
}

/** RSA keys because node-forge signs X.509 only with RSA; 3072 bits per NIST SP 800-57 beyond 2030. */
export async function generateRsaKeyPair(modulusLength = 3072): Promise<KeyPairPem> {
  const { privateKey, publicKey } = await generateKeyPairAsync('rsa', {
    modulusLength,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  return { privateKeyPem: privateKey, publicKeyPem: publicKey };
}

/** Positive, non-zero, 128-bit random serial (RFC 5280 §4.1.2.2: at most 20 octets, unpredictable). */
export function randomSerialHex(): string {
  const bytes = randomBytes(16);
  bytes[0] = (bytes[0]! & 0x7f) | 0x01;
  return bytes.toString('hex');
}

function validityWindow(options: ValidityOptions | undefined, defaultDays: number): { notBefore: Date; notAfter: Date } {
  // Back-date by five minutes so clocks slightly behind ours still accept a fresh certificate.
  const notBefore = options?.notBefore ?? new Date(Date.now() - 5 * 60_000);
  const notAfter = options?.notAfter ?? new Date(notBefore.getTime() + (options?.days ?? defaultDays) * 86_400_000);
  if (notAfter <= notBefore) throw new InvalidInputError('The certificate must end after it starts.', 'invalid-validity');
  return { notBefore, notAfter };
}

function assertCountry(country: string): void {
  // X.520 countryName is a two-letter ISO 3166-1 alpha-2 code (RFC 5280 Appendix A).
  if (!/^[A-Z]{2}$/.test(country)) {
    throw new InvalidInputError(`Country must be a two-letter ISO 3166 code, got "${country}".`, 'invalid-country');
  }
}

/** Subject attributes for an institution: CN = institution id, O = name, C = country. */
export function institutionSubjectAttributes(subject: InstitutionSubject): forge.pki.CertificateField[] {
  assertCountry(subject.country);
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(subject.institutionId)) {
    throw new InvalidInputError('The institution id must be 1-64 letters, digits, ".", "_" or "-".', 'invalid-institution-id');
  }
  if (subject.name.trim() === '' || subject.name.length > 64) {
    throw new InvalidInputError('The institution name must be 1-64 characters (X.520 ub-organization-name).', 'invalid-institution-name');
  }
  return [
    { shortName: 'CN', value: subject.institutionId },
    { shortName: 'O', value: subject.name },
    { shortName: 'C', value: subject.country },
  ];
}

interface IssueOptions {
  ca: ConsortiumCa;
  publicKey: forge.pki.PublicKey;
  subject: forge.pki.CertificateField[];
  extensions: object[];
  validity: { notBefore: Date; notAfter: Date };
}

function issue({ ca, publicKey, subject, extensions, validity }: IssueOptions): IssuedCertificate {
  const caCert = forge.pki.certificateFromPem(ca.certificatePem);
  const caKey = forge.pki.privateKeyFromPem(ca.privateKeyPem);
  const cert = forge.pki.createCertificate();
  cert.publicKey = publicKey;
  cert.serialNumber = randomSerialHex();
  cert.validity.notBefore = validity.notBefore;
  cert.validity.notAfter = validity.notAfter;
  cert.setSubject(subject);
  cert.setIssuer(caCert.subject.attributes);
  cert.setExtensions([
    { name: 'basicConstraints', cA: false, critical: true },
    { name: 'subjectKeyIdentifier' },
    { name: 'authorityKeyIdentifier', keyIdentifier: caCert.generateSubjectKeyIdentifier().getBytes() },
    ...extensions,
  ]);
  cert.sign(caKey, forge.md.sha256.create());
  return { certificatePem: forge.pki.certificateToPem(cert), serialNumber: cert.serialNumber };
}

/** Creates the consortium root: self-signed, CA:TRUE pathLen 0, keyCertSign + cRLSign (RFC 5280 §4.2.1.3, §4.2.1.9). */
export async function createConsortiumCa(options: {
  commonName: string;
  organization: string;
  country: string;
  validity?: ValidityOptions;
  modulusLength?: number;
}): Promise<ConsortiumCa> {
  assertCountry(options.country);
  const keys = await generateRsaKeyPair(options.modulusLength ?? 3072);
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(keys.publicKeyPem);
  cert.serialNumber = randomSerialHex();
  const validity = validityWindow(options.validity, 10 * 365);
  cert.validity.notBefore = validity.notBefore;
  cert.validity.notAfter = validity.notAfter;
  const subject = [
    { shortName: 'CN', value: options.commonName },
    { shortName: 'O', value: options.organization },
    { shortName: 'C', value: options.country },
  ];
  cert.setSubject(subject);
  cert.setIssuer(subject);
  cert.setExtensions([
    { name: 'basicConstraints', cA: true, pathLenConstraint: 0, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  cert.sign(forge.pki.privateKeyFromPem(keys.privateKeyPem), forge.md.sha256.create());
  return { certificatePem: forge.pki.certificateToPem(cert), privateKeyPem: keys.privateKeyPem };
}

/**
 * Signs an institution's CSR into a TLS client certificate (extKeyUsage clientAuth, RFC 5280
 * §4.2.1.12). The subject comes from the enrolment record, not the CSR, and the CSR must
 * name the same institution and prove possession of its key (PKCS#10 self-signature, RFC 2986).
 */
export function signInstitutionCsr(
  ca: ConsortiumCa,
  csrPem: string,
  enrolment: InstitutionSubject,
  validity?: ValidityOptions,
): IssuedCertificate {
  let csr: forge.pki.CertificateSigningRequest;
  try {
    csr = forge.pki.certificationRequestFromPem(csrPem);
  } catch {
    throw new InvalidInputError('The certificate request is not a PEM PKCS#10 request.', 'invalid-csr');
  }
  let signatureValid = false;
  try {
    signatureValid = csr.verify();
  } catch {
    // forge throws on a malformed PKCS#1 block instead of returning false.
  }
  if (!signatureValid) throw new InvalidInputError('The certificate request signature does not verify.', 'invalid-csr');
  const cn = csr.subject.getField('CN') as { value?: string } | null;
  if (cn?.value !== enrolment.institutionId) {
    throw new InvalidInputError(
      `The request is for "${cn?.value ?? '(no CN)'}", but the enrolment is for "${enrolment.institutionId}".`,
      'csr-subject-mismatch',
    );
  }
  if (!csr.publicKey) throw new InvalidInputError('The certificate request has no public key.', 'invalid-csr');
  return issue({
    ca,
    publicKey: csr.publicKey,
    subject: institutionSubjectAttributes(enrolment),
    extensions: [
      // digitalSignature: TLS 1.3 client authentication and payload signatures (RFC 8446 §4.4.3).
      { name: 'keyUsage', digitalSignature: true, critical: true },
      { name: 'extKeyUsage', clientAuth: true },
    ],
    validity: validityWindow(validity, 365),
  });
}

/** Issues the consortium store's TLS server certificate (serverAuth; names in subjectAltName, RFC 6125 §6.4). */
export function issueServerCertificate(
  ca: ConsortiumCa,
  publicKeyPem: string,
  options: { commonName: string; dnsNames?: string[]; ipAddresses?: string[]; validity?: ValidityOptions },
): IssuedCertificate {
  const dnsNames = options.dnsNames ?? ['localhost'];
  const ipAddresses = options.ipAddresses ?? ['127.0.0.1'];
  return issue({
    ca,
    publicKey: forge.pki.publicKeyFromPem(publicKeyPem),
    subject: [{ shortName: 'CN', value: options.commonName }],
    extensions: [
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: [...dnsNames.map((value) => ({ type: 2, value })), ...ipAddresses.map((ip) => ({ type: 7, ip }))],
      },
    ],
    validity: validityWindow(options.validity, 397),
  });
}

/** Issues the consortium's model-signing certificate (extKeyUsage codeSigning, RFC 5280 §4.2.1.12). */
export function issueModelSigningCertificate(
  ca: ConsortiumCa,
  publicKeyPem: string,
  options: { commonName: string; validity?: ValidityOptions },
): IssuedCertificate {
  return issue({
    ca,
    publicKey: forge.pki.publicKeyFromPem(publicKeyPem),
    subject: [{ shortName: 'CN', value: options.commonName }],
    extensions: [
      { name: 'keyUsage', digitalSignature: true, critical: true },
      { name: 'extKeyUsage', codeSigning: true },
    ],
    validity: validityWindow(options.validity, 2 * 365),
  });
}

/** Wraps the CA (key and certificate) for storage; the CA key is the consortium's most sensitive secret. */
export function protectConsortiumCa(ca: ConsortiumCa, protector: KeyProtector): Promise<Buffer> {
  return protector.protect(Buffer.from(JSON.stringify(ca), 'utf8'));
}

/** Unwraps a CA written by protectConsortiumCa. */
export async function unprotectConsortiumCa(wrapped: Buffer, protector: KeyProtector): Promise<ConsortiumCa> {
  const ca = JSON.parse((await protector.unprotect(wrapped)).toString('utf8')) as Partial<ConsortiumCa>;
  if (typeof ca.certificatePem !== 'string' || typeof ca.privateKeyPem !== 'string') {
    throw new InvalidInputError('The wrapped CA file does not hold a CA key and certificate.', 'invalid-ca-file');
  }
  return { certificatePem: ca.certificatePem, privateKeyPem: ca.privateKeyPem };
}
