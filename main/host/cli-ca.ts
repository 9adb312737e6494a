// `dataspace ca ...`: the consortium CA tooling for the consortium's IT, so a whole consortium can
// be stood up with this one tool. The CA folder layout is the sandbox's (cli-consortium-sandbox.ts):
//   ca/ca-certificate.pem, ca/ca-key.pem (0600), ca/crl.pem, ca/revocations.json,
//   model-signing/certificate.pem, model-signing/key.pem (0600).
// Keep the folder on an offline, encrypted machine: whoever holds ca-key.pem can enrol nodes.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { X509Certificate } from 'node:crypto';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { ModelCard } from '../api/contract.ts';
import { createCertificateRevocationList, revokeCertificate, type RevocationState } from '../pki/certificate-revocation-list.ts';
import {
  createConsortiumCa, generateRsaKeyPair, issueModelSigningCertificate, issueServerCertificate, signInstitutionCsr, type ConsortiumCa,
} from '../pki/consortium-ca.ts';
import { modelFolder, requestKey, signModelCard } from '../sync/consortium-layout.ts';
import { signConsortiumRequest, type ConsortiumRequest } from '../sync/consortium-request.ts';
import { signModel } from '../sync/signed-model.ts';
import { SIGNATURE_SUFFIX } from '../sync/upload-outbox.ts';
import { InvalidInputError } from '../util/errors.ts';
import type { CliIo } from './cli.ts';

export const CA_USAGE = `Usage (every command takes --ca-dir DIR and --json):
  dataspace ca init --name NAME --country CC             create the consortium root CA, model-signing certificate and first CRL
  dataspace ca sign-csr CSR.pem --institution-id ID --name NAME --country CC [--out CERT.pem] [--days N]
  dataspace ca issue-server --host H[,H2...] [--out-dir DIR]   a TLS server certificate for the consortium store
  dataspace ca revoke SERIAL|CERT.pem                     revoke a certificate and issue the next CRL (ca/crl.pem)
  dataspace ca sign-model MODEL.onnx --card CARD.json --model-id ID --version N --out-dir DIR
  dataspace ca sign-request REQUEST.json --out-dir DIR    REQUEST.json: {kind, sequence, issuedAt, expiresAt, body}
The sign-* commands write objects in the consortium bucket's layout under --out-dir; upload them
with any S3 client (e.g. \`mc cp --recursive DIR/ consortium/bucket/\`).`;

const writePrivate = (path: string, text: string) => {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  writeFileSync(path, text, { mode: 0o600 });
};
const writePublic = (path: string, text: string | Buffer) => {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
};

/** The CA folder's files. */
export function caFolder(dir: string) {
  return {
    certificate: join(dir, 'ca', 'ca-certificate.pem'),
    key: join(dir, 'ca', 'ca-key.pem'),
    crl: join(dir, 'ca', 'crl.pem'),
    revocations: join(dir, 'ca', 'revocations.json'),
    signerCertificate: join(dir, 'model-signing', 'certificate.pem'),
    signerKey: join(dir, 'model-signing', 'key.pem'),
  };
}

function loadCa(dir: string): ConsortiumCa {
  const f = caFolder(dir);
  if (!existsSync(f.certificate) || !existsSync(f.key)) throw new InvalidInputError(`${dir} holds no consortium CA; run \`dataspace ca init --ca-dir ${dir}\` first.`, 'no-ca');
  return { certificatePem: readFileSync(f.certificate, 'utf8'), privateKeyPem: readFileSync(f.key, 'utf8') };
}

function loadSigner(dir: string) {
  const f = caFolder(dir);
  if (!existsSync(f.signerKey)) throw new InvalidInputError(`${dir} holds no model-signing key.`, 'no-signer');
  return { privateKeyPem: readFileSync(f.signerKey, 'utf8'), certificateChainPem: [readFileSync(f.signerCertificate, 'utf8'), readFileSync(f.certificate, 'utf8')] };
}

function required(value: string | undefined, flag: string): string {
  if (!value) throw new InvalidInputError(`--${flag} is required.\n${CA_USAGE}`, 'invalid-option');
  return value;
}

function positiveInt(value: string, flag: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 1) throw new InvalidInputError(`--${flag} must be a positive whole number.`, 'invalid-option');
  return n;
}

/** Runs `dataspace ca <sub> ...` (args: the words after "ca"). */
export async function runCaCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      'ca-dir': { type: 'string' }, json: { type: 'boolean', default: false }, name: { type: 'string' }, country: { type: 'string' },
      'institution-id': { type: 'string' }, out: { type: 'string' }, 'out-dir': { type: 'string' }, days: { type: 'string' }, host: { type: 'string' },
      card: { type: 'string' }, 'model-id': { type: 'string' }, version: { type: 'string' }, 'data-dir': { type: 'string' },
    },
  });
  const [sub, file] = positionals;
  const dir = resolve(values['ca-dir'] ?? 'consortium-ca');
  const f = caFolder(dir);
  const report = (result: Record<string, unknown>, text: string) => {
    io.out(values.json ? JSON.stringify(result) : text);
    return 0;
  };
  switch (sub) {
    case 'init': {
      if (existsSync(f.key)) throw new InvalidInputError(`${dir} already holds a consortium CA; refusing to overwrite it.`, 'ca-exists');
      const ca = await createConsortiumCa({ commonName: `${required(values.name, 'name')} Root CA`, organization: values.name!, country: required(values.country, 'country') });
      writePublic(f.certificate, ca.certificatePem);
      writePrivate(f.key, ca.privateKeyPem);
      const signer = await generateRsaKeyPair();
      writePublic(f.signerCertificate, issueModelSigningCertificate(ca, signer.publicKeyPem, { commonName: `${values.name} Model Signing` }).certificatePem);
      writePrivate(f.signerKey, signer.privateKeyPem);
      const state: RevocationState = { crlNumber: 1, revoked: [] };
      writePublic(f.crl, createCertificateRevocationList(ca, [], { crlNumber: 1 }));
      writePublic(f.revocations, JSON.stringify(state));
      const fingerprint256 = new X509Certificate(ca.certificatePem).fingerprint256;
      return report({ caDir: dir, certificate: f.certificate, fingerprint256 }, `Consortium CA created in ${dir}\nCA SHA-256 fingerprint (give it to every institution to pin): ${fingerprint256}`);
    }
    case 'sign-csr': {
      const csrPem = readFileSync(required(file, 'csr file'), 'utf8');
      const subject = { institutionId: required(values['institution-id'], 'institution-id'), name: required(values.name, 'name'), country: required(values.country, 'country') };
      const issued = signInstitutionCsr(loadCa(dir), csrPem, subject, values.days ? { days: positiveInt(values.days, 'days') } : undefined);
      const out = resolve(values.out ?? `${subject.institutionId}-certificate.pem`);
      writePublic(out, issued.certificatePem);
      return report({ certificate: out, serialNumber: issued.serialNumber }, `Signed ${subject.institutionId}: ${out} (serial ${issued.serialNumber}). Send it with ${f.certificate}.`);
    }
    case 'issue-server': {
      const hosts = required(values.host, 'host').split(',').map((h) => h.trim()).filter(Boolean);
      const ip = (h: string) => /^\d{1,3}(\.\d{1,3}){3}$/.test(h) || h.includes(':');
      const keys = await generateRsaKeyPair();
      const issued = issueServerCertificate(loadCa(dir), keys.publicKeyPem, { commonName: hosts[0]!, dnsNames: hosts.filter((h) => !ip(h)), ipAddresses: hosts.filter(ip) });
      const outDir = resolve(values['out-dir'] ?? join(dir, 'server'));
      writePublic(join(outDir, 'certificate.pem'), issued.certificatePem);
      writePrivate(join(outDir, 'key.pem'), keys.privateKeyPem);
      return report({ outDir, serialNumber: issued.serialNumber }, `Server certificate for ${hosts.join(', ')} in ${outDir} (serial ${issued.serialNumber}).`);
    }
    case 'revoke': {
      const target = required(file, 'serial or certificate file');
      const serial = existsSync(target) ? new X509Certificate(readFileSync(target)).serialNumber : target;
      const state = existsSync(f.revocations) ? (JSON.parse(readFileSync(f.revocations, 'utf8')) as RevocationState) : { crlNumber: 1, revoked: [] };
      const next = revokeCertificate(loadCa(dir), { crlNumber: state.crlNumber, revoked: state.revoked.map((r) => ({ ...r, revokedAt: new Date(r.revokedAt) })) }, serial);
      writePublic(f.revocations, JSON.stringify(next.state));
      writePublic(f.crl, next.crlPem);
      return report({ crl: f.crl, crlNumber: next.state.crlNumber, revoked: next.state.revoked.length }, `Revoked ${serial}; CRL ${next.state.crlNumber} written to ${f.crl}. Publish it as crl/consortium.crl.pem in the bucket.`);
    }
    case 'sign-model': {
      const onnx = readFileSync(required(file, 'model file'));
      const card = JSON.parse(readFileSync(required(values.card, 'card'), 'utf8')) as ModelCard;
      const modelId = required(values['model-id'], 'model-id');
      const version = positiveInt(required(values.version, 'version'), 'version');
      const signer = loadSigner(dir);
      const signed = signModel(modelId, version, onnx, signer);
      const out = join(resolve(required(values['out-dir'], 'out-dir')), modelFolder(modelId, version));
      writePublic(join(out, 'model.onnx'), onnx);
      const cardBytes = Buffer.from(JSON.stringify(card));
      writePublic(join(out, 'card.json'), cardBytes);
      writePublic(join(out, `card.json${SIGNATURE_SUFFIX}`), signModelCard(cardBytes, signer));
      writePublic(join(out, 'manifest.json'), signed.manifestJson);
      writePublic(join(out, `manifest.json${SIGNATURE_SUFFIX}`), signed.signature);
      return report({ folder: out, manifest: JSON.parse(signed.manifestJson) as unknown }, `Signed ${modelId} version ${version} into ${out}`);
    }
    case 'sign-request': {
      const request = JSON.parse(readFileSync(required(file, 'request file'), 'utf8')) as ConsortiumRequest;
      const signed = signConsortiumRequest(request, loadSigner(dir));
      const out = resolve(required(values['out-dir'], 'out-dir'));
      writePublic(join(out, requestKey(request.sequence)), signed.requestJson);
      writePublic(join(out, requestKey(request.sequence) + SIGNATURE_SUFFIX), signed.signature);
      return report({ object: join(out, requestKey(request.sequence)) }, `Signed request ${request.sequence} into ${join(out, requestKey(request.sequence))}`);
    }
    default:
      io.err(CA_USAGE);
      return 2;
  }
}
