// X.509 v2 CRLs (RFC 5280 §5). node-forge has no CRL support, so the structure is built and
// read with its ASN.1 codec and signed/verified with Node crypto (sha256WithRSAEncryption).
import { X509Certificate, createSign, createVerify } from 'node:crypto';
import forge from 'node-forge';
import { InvalidInputError } from '../util/errors.ts';
import type { ConsortiumCa } from './consortium-ca.ts';

const { asn1 } = forge;
const SHA256_WITH_RSA = '1.2.840.113549.1.1.11';
const OID_CRL_NUMBER = '2.5.29.20';
const OID_AUTHORITY_KEY_ID = '2.5.29.35';

/** One revoked certificate: its serial (hex) and when it was revoked. */
export interface RevokedCertificate {
  serialNumber: string;
  revokedAt: Date;
}

/** A parsed CRL whose signature has been checked against the CA. */
export interface CertificateRevocationList {
  crlNumber: number;
  thisUpdate: Date;
  nextUpdate: Date;
  revokedSerials: ReadonlySet<string>;
}

/** Normalises a hex serial the way X509Certificate prints it: upper case, no leading zero octets. */
export function normaliseSerial(serialHex: string): string {
  const upper = serialHex.replace(/[^0-9a-fA-F]/g, '').toUpperCase();
  const trimmed = upper.replace(/^(00)+/, '');
  return trimmed === '' ? '00' : trimmed;
}

function time(date: Date): forge.asn1.Asn1 {
  // RFC 5280 §5.1.2.4: UTCTime through 2049, GeneralizedTime from 2050.
  return date.getUTCFullYear() < 2050
    ? asn1.create(asn1.Class.UNIVERSAL, asn1.Type.UTCTIME, false, asn1.dateToUtcTime(date))
    : asn1.create(asn1.Class.UNIVERSAL, asn1.Type.GENERALIZEDTIME, false, asn1.dateToGeneralizedTime(date));
}

function algorithmIdentifier(): forge.asn1.Asn1 {
  return asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [
    asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OID, false, asn1.oidToDer(SHA256_WITH_RSA).getBytes()),
    asn1.create(asn1.Class.UNIVERSAL, asn1.Type.NULL, false, ''),
  ]);
}

function extension(oid: string, value: forge.asn1.Asn1): forge.asn1.Asn1 {
  return asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [
    asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OID, false, asn1.oidToDer(oid).getBytes()),
    asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OCTETSTRING, false, asn1.toDer(value).getBytes()),
  ]);
}

/** Issues a CRL signed by the CA, with the CRL number and authority key identifier RFC 5280 §5.2 requires. */
export function createCertificateRevocationList(
  ca: ConsortiumCa,
  revoked: readonly RevokedCertificate[],
  options: { crlNumber: number; thisUpdate?: Date; nextUpdate?: Date },
): string {
  const caCert = forge.pki.certificateFromPem(ca.certificatePem);
  const thisUpdate = options.thisUpdate ?? new Date();
  const nextUpdate = options.nextUpdate ?? new Date(thisUpdate.getTime() + 7 * 86_400_000);
  const entries = revoked.map((entry) =>
    asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [
      asn1.create(asn1.Class.UNIVERSAL, asn1.Type.INTEGER, false, forge.util.hexToBytes(serialDerHex(entry.serialNumber))),
      time(entry.revokedAt),
    ]),
  );
  const tbs = asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [
    asn1.create(asn1.Class.UNIVERSAL, asn1.Type.INTEGER, false, asn1.integerToDer(1).getBytes()),
    algorithmIdentifier(),
    forge.pki.distinguishedNameToAsn1(caCert.subject),
    time(thisUpdate),
    time(nextUpdate),
    ...(entries.length > 0 ? [asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, entries)] : []),
    asn1.create(asn1.Class.CONTEXT_SPECIFIC, 0, true, [
      asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [
        extension(
          OID_AUTHORITY_KEY_ID,
          asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [
            asn1.create(asn1.Class.CONTEXT_SPECIFIC, 0, false, caCert.generateSubjectKeyIdentifier().getBytes()),
          ]),
        ),
        extension(
          OID_CRL_NUMBER,
          asn1.create(asn1.Class.UNIVERSAL, asn1.Type.INTEGER, false, asn1.integerToDer(options.crlNumber).getBytes()),
        ),
      ]),
    ]),
  ]);
  const tbsDer = Buffer.from(asn1.toDer(tbs).getBytes(), 'binary');
  const signature = createSign('sha256').update(tbsDer).sign(ca.privateKeyPem);
  const crl = asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [
    tbs,
    algorithmIdentifier(),
    asn1.create(asn1.Class.UNIVERSAL, asn1.Type.BITSTRING, false, '\x00' + signature.toString('binary')),
  ]);
  const der = asn1.toDer(crl).getBytes();
  return forge.pem.encode({ type: 'X509 CRL', body: der });
}

/** The CA operator's revocation state: what is revoked and the last CRL number used. */
export interface RevocationState {
  crlNumber: number;
  revoked: RevokedCertificate[];
}

/** Revokes a certificate and issues the next CRL (CRL numbers strictly increase, RFC 5280 §5.2.3). */
export function revokeCertificate(
  ca: ConsortiumCa,
  state: RevocationState,
  serialNumber: string,
  at: Date = new Date(),
): { state: RevocationState; crlPem: string } {
  const already = state.revoked.some((r) => normaliseSerial(r.serialNumber) === normaliseSerial(serialNumber));
  const next: RevocationState = {
    crlNumber: state.crlNumber + 1,
    revoked: already ? state.revoked : [...state.revoked, { serialNumber: normaliseSerial(serialNumber), revokedAt: at }],
  };
  return { state: next, crlPem: createCertificateRevocationList(ca, next.revoked, { crlNumber: next.crlNumber, thisUpdate: at }) };
}

function serialDerHex(serialHex: string): string {
  let hex = normaliseSerial(serialHex);
  if (hex.length % 2 === 1) hex = `0${hex}`;
  // A DER INTEGER is signed: a serial with the top bit set needs a leading zero octet.
  return parseInt(hex.slice(0, 2), 16) >= 0x80 ? `00${hex}` : hex;
}

function readTime(node: forge.asn1.Asn1): Date {
  const value = node.value as string;
  return node.type === asn1.Type.UTCTIME ? asn1.utcTimeToDate(value) : asn1.generalizedTimeToDate(value);
}

/** Parses a PEM CRL and verifies it was signed by the given CA; throws InvalidInputError otherwise. */
export function parseCertificateRevocationList(crlPem: string, caCertificatePem: string): CertificateRevocationList {
  let crl: forge.asn1.Asn1;
  try {
    const [pem] = forge.pem.decode(crlPem);
    if (pem?.type !== 'X509 CRL') throw new Error('not a CRL');
    // The typings omit the options form; keep the signature BIT STRING raw rather than parsed as ASN.1.
    const fromDer = asn1.fromDer as unknown as (bytes: string, options: { decodeBitStrings: boolean }) => forge.asn1.Asn1;
    crl = fromDer(pem.body, { decodeBitStrings: false });
  } catch {
    throw new InvalidInputError('The revocation list is not a PEM X.509 CRL.', 'invalid-crl');
  }
  const [tbs, , signatureBits] = crl.value as forge.asn1.Asn1[];
  if (!tbs || !signatureBits) throw new InvalidInputError('The revocation list is truncated.', 'invalid-crl');
  const tbsDer = Buffer.from(asn1.toDer(tbs).getBytes(), 'binary');
  const signature = Buffer.from((signatureBits.value as string).slice(1), 'binary');
  const ca = new X509Certificate(caCertificatePem);
  if (!createVerify('sha256').update(tbsDer).verify(ca.publicKey, signature)) {
    throw new InvalidInputError('The revocation list is not signed by the consortium CA.', 'crl-signature-invalid');
  }
  const fields = tbs.value as forge.asn1.Asn1[];
  // version, signature, issuer, thisUpdate, nextUpdate, [revokedCertificates], [0] extensions
  const thisUpdate = readTime(fields[3]!);
  const nextUpdate = readTime(fields[4]!);
  const revokedSerials = new Set<string>();
  let crlNumber = 0;
  for (const field of fields.slice(5)) {
    if (field.tagClass === asn1.Class.UNIVERSAL && field.type === asn1.Type.SEQUENCE) {
      for (const entry of field.value as forge.asn1.Asn1[]) {
        const serial = (entry.value as forge.asn1.Asn1[])[0]!.value as string;
        revokedSerials.add(normaliseSerial(forge.util.bytesToHex(serial)));
      }
    } else if (field.tagClass === asn1.Class.CONTEXT_SPECIFIC && field.type === 0) {
      const extensions = (field.value as forge.asn1.Asn1[])[0]!.value as forge.asn1.Asn1[];
      for (const ext of extensions) {
        const parts = ext.value as forge.asn1.Asn1[];
        if (asn1.derToOid(parts[0]!.value as string) === OID_CRL_NUMBER) {
          const inner = asn1.fromDer(parts[parts.length - 1]!.value as string);
          crlNumber = parseInt(forge.util.bytesToHex(inner.value as string), 16);
        }
      }
    }
  }
  return { crlNumber, thisUpdate, nextUpdate, revokedSerials };
}
