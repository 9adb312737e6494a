// `dataspace consortium sandbox`: a complete consortium on one machine for development and demos —
// a CA, a CRL, the store's server certificate, a model-signing certificate, one enrolled identity per
// institution (PEM and PKCS#12) and S3 credentials — and the mutual-TLS S3 sandbox serving it until
// Ctrl-C. A second run on the same folder reuses everything, so enrolled nodes keep working.
// The CA key is kept in clear in the folder: this is a sandbox, not how a consortium keeps its CA.
import { X509Certificate, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import forge from 'node-forge';
import {
  createCertificateRevocationList,
  createConsortiumCa,
  createInstitutionCsr,
  generateInstitutionKeyPair,
  generateRsaKeyPair,
  issueModelSigningCertificate,
  issueServerCertificate,
  parseCertificateRevocationList,
  renewalStatus,
  signInstitutionCsr,
} from '../pki/index.ts';
import type { ConsortiumCa, InstitutionSubject, RevocationState } from '../pki/index.ts';
import { SANDBOX_REGION, startS3Sandbox } from '../sync/s3-sandbox-server.ts';
import { S3SandboxStorage } from '../sync/s3-sandbox-storage.ts';
import { InvalidInputError, toApiError } from '../util/errors.ts';
import type { CliIo } from './cli.ts';

export const CONSORTIUM_SANDBOX_USAGE = `Usage:
  dataspace consortium sandbox [--dir DIR] [--host H] [--port N] [--institutions a,b,c] [--json]
      creates (or reuses) a sandbox consortium in DIR and serves its mutual-TLS S3 store until Ctrl-C;
      defaults: ./consortium-sandbox, 127.0.0.1, 9443, dkfz,ukhd,embl`;

/** Options cli.ts may have parsed already; flags in `args` take precedence. `signal` and `keyBits` are for tests. */
export interface ConsortiumSandboxCommandOptions {
  json: boolean;
  dir?: string;
  host?: string;
  port?: string;
  institutions?: string;
  signal?: AbortSignal;
  keyBits?: number;
}

/** The bucket the sandbox creates for the consortium. */
export const SANDBOX_BUCKET = 'consortium';
const DEFAULT_INSTITUTIONS = ['dkfz', 'ukhd', 'embl'];
/** ISO 3166-1 reserves XA-XZ for user assignment: nothing mistakes the sandbox for a real country. */
const SANDBOX_COUNTRY = 'XX';

/** Everything a node needs to enrol with the sandbox (the --json output). */
export interface SandboxEnrolment {
  dir: string;
  endpoint: { host: string; port: number; url: string };
  region: string;
  bucket: string;
  caCertificatePath: string;
  caFingerprint256: string;
  crlPath: string;
  credentials: { accessKey: string; secretKey: string };
  modelSigning: { certificatePath: string; privateKeyPath: string };
  institutions: { institutionId: string; certificatePath: string; privateKeyPath: string; pkcs12Path: string; pkcs12Password: string }[];
  objectsDir: string;
}

const readText = (path: string) => readFile(path, 'utf8');
const writePrivate = (path: string, text: string | Buffer) => writeFile(path, text, { mode: 0o600 });

async function loadOrCreateCa(dir: string, keyBits: number): Promise<ConsortiumCa> {
  const certPath = join(dir, 'ca', 'ca-certificate.pem');
  const keyPath = join(dir, 'ca', 'ca-key.pem');
  if (existsSync(certPath) && existsSync(keyPath)) return { certificatePem: await readText(certPath), privateKeyPem: await readText(keyPath) };
  await mkdir(join(dir, 'ca'), { recursive: true, mode: 0o700 });
  const ca = await createConsortiumCa({ commonName: 'DataSpace Sandbox Consortium CA', organization: 'DataSpace Sandbox', country: SANDBOX_COUNTRY, modulusLength: keyBits });
  await writeFile(certPath, ca.certificatePem);
  await writePrivate(keyPath, ca.privateKeyPem);
  return ca;
}

/**
 * Keeps a current CRL (RFC 5280 §5.1.2.5): OpenSSL refuses every client once nextUpdate has passed.
 * ca/revocations.json is the revocation state `dataspace ca revoke` keeps too, so CRL numbers keep
 * increasing (§5.2.3) whichever tool issued the last one.
 */
async function refreshCrl(dir: string, ca: ConsortiumCa): Promise<string> {
  const crlPath = join(dir, 'ca', 'crl.pem');
  const statePath = join(dir, 'ca', 'revocations.json');
  const current = existsSync(crlPath) ? parseCertificateRevocationList(await readText(crlPath), ca.certificatePem) : undefined;
  const stored = existsSync(statePath) ? (JSON.parse(await readText(statePath)) as { crlNumber: number; revoked: { serialNumber: string; revokedAt: string }[] }) : undefined;
  const state: RevocationState = stored
    ? { crlNumber: stored.crlNumber, revoked: stored.revoked.map((r) => ({ serialNumber: r.serialNumber, revokedAt: new Date(r.revokedAt) })) }
    : { crlNumber: current?.crlNumber ?? 0, revoked: [...(current?.revokedSerials ?? [])].map((serialNumber) => ({ serialNumber, revokedAt: current!.thisUpdate })) };
  if (current && current.crlNumber === state.crlNumber && current.nextUpdate.getTime() > Date.now() + 86_400_000) return readText(crlPath);
  const next: RevocationState = { crlNumber: Math.max(state.crlNumber, current?.crlNumber ?? 0) + 1, revoked: state.revoked };
  const crlPem = createCertificateRevocationList(ca, next.revoked, { crlNumber: next.crlNumber });
  await writeFile(crlPath, crlPem);
  await writeFile(statePath, JSON.stringify(next));
  return crlPem;
}

/** The store's certificate, reissued when missing, due for renewal or not naming the host. */
async function ensureServerCertificate(dir: string, ca: ConsortiumCa, host: string, keyBits: number): Promise<{ keyPem: string; certPem: string }> {
  const certPath = join(dir, 'server', 'certificate.pem');
  const keyPath = join(dir, 'server', 'key.pem');
  if (existsSync(certPath) && existsSync(keyPath)) {
    const certPem = await readText(certPath);
    const cert = new X509Certificate(certPem);
    const names = isIP(host) ? cert.checkIP(host) : cert.checkHost(host);
    if (names !== undefined && renewalStatus(certPem).state === 'valid') return { keyPem: await readText(keyPath), certPem };
  }
  await mkdir(join(dir, 'server'), { recursive: true, mode: 0o700 });
  const keys = await generateRsaKeyPair(keyBits);
  const dnsNames = [...new Set(['localhost', ...(isIP(host) ? [] : [host])])];
  const ipAddresses = [...new Set(['127.0.0.1', ...(isIP(host) ? [host] : [])])];
  const { certificatePem } = issueServerCertificate(ca, keys.publicKeyPem, { commonName: 'DataSpace sandbox store', dnsNames, ipAddresses });
  await writeFile(certPath, certificatePem);
  await writePrivate(keyPath, keys.privateKeyPem);
  return { keyPem: keys.privateKeyPem, certPem: certificatePem };
}

async function ensureModelSigner(dir: string, ca: ConsortiumCa, keyBits: number): Promise<SandboxEnrolment['modelSigning']> {
  const certificatePath = join(dir, 'model-signing', 'certificate.pem');
  const privateKeyPath = join(dir, 'model-signing', 'key.pem');
  if (!existsSync(certificatePath) || !existsSync(privateKeyPath)) {
    await mkdir(join(dir, 'model-signing'), { recursive: true, mode: 0o700 });
    const keys = await generateRsaKeyPair(keyBits);
    const { certificatePem } = issueModelSigningCertificate(ca, keys.publicKeyPem, { commonName: 'DataSpace Sandbox Model Signing' });
    await writeFile(certificatePath, certificatePem);
    await writePrivate(privateKeyPath, keys.privateKeyPem);
  }
  return { certificatePath, privateKeyPath };
}

/** PKCS#12 (RFC 7292) with the key, the institution certificate and the CA, as IT departments hand them out. */
function pkcs12Bundle(privateKeyPem: string, certificatePem: string, caCertificatePem: string, password: string, friendlyName: string): Buffer {
  const asn1 = forge.pkcs12.toPkcs12Asn1(
    forge.pki.privateKeyFromPem(privateKeyPem),
    [forge.pki.certificateFromPem(certificatePem), forge.pki.certificateFromPem(caCertificatePem)],
    password,
    { algorithm: 'aes256', friendlyName },
  );
  return Buffer.from(forge.asn1.toDer(asn1).getBytes(), 'binary');
}

async function ensureInstitution(dir: string, ca: ConsortiumCa, institutionId: string, keyBits: number): Promise<SandboxEnrolment['institutions'][number]> {
  const home = join(dir, 'institutions', institutionId);
  const paths = {
    certificatePath: join(home, 'certificate.pem'),
    privateKeyPath: join(home, 'key.pem'),
    pkcs12Path: join(home, 'bundle.p12'),
    passwordPath: join(home, 'bundle-password.txt'),
  };
  if (!Object.values(paths).every((p) => existsSync(p))) {
    const subject: InstitutionSubject = { institutionId, name: `Sandbox ${institutionId}`.slice(0, 64), country: SANDBOX_COUNTRY };
    await mkdir(home, { recursive: true, mode: 0o700 });
    const keys = await generateInstitutionKeyPair(keyBits);
    const { certificatePem } = signInstitutionCsr(ca, createInstitutionCsr(keys, subject), subject);
    const password = randomBytes(18).toString('base64url');
    await writeFile(paths.certificatePath, certificatePem);
    await writePrivate(paths.privateKeyPath, keys.privateKeyPem);
    await writePrivate(paths.pkcs12Path, pkcs12Bundle(keys.privateKeyPem, certificatePem, ca.certificatePem, password, institutionId));
    await writePrivate(paths.passwordPath, `${password}\n`);
  }
  const { passwordPath, ...files } = paths;
  return { institutionId, ...files, pkcs12Password: (await readText(passwordPath)).trim() };
}

/** S3 credentials in the usual shapes: a 20-character access key id and a 40-character secret. */
async function ensureCredentials(dir: string): Promise<{ accessKey: string; secretKey: string }> {
  const path = join(dir, 'credentials.json');
  if (existsSync(path)) return JSON.parse(await readText(path)) as { accessKey: string; secretKey: string };
  const credentials = { accessKey: `DSN${randomBytes(9).toString('hex').toUpperCase().slice(0, 17)}`, secretKey: randomBytes(30).toString('base64url') };
  await writePrivate(path, JSON.stringify(credentials, null, 2));
  return credentials;
}

function parseOptions(args: string[], options: ConsortiumSandboxCommandOptions) {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { dir: { type: 'string' }, host: { type: 'string' }, port: { type: 'string' }, institutions: { type: 'string' }, json: { type: 'boolean' } },
  });
  if (positionals.length > 0) throw new InvalidInputError(`Unexpected argument "${positionals[0]}".\n${CONSORTIUM_SANDBOX_USAGE}`, 'invalid-option');
  const portText = values.port ?? options.port ?? '9443';
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || port > 65535) throw new InvalidInputError('--port must be a number from 0 to 65535.', 'invalid-option');
  const listed = (values.institutions ?? options.institutions)?.split(',').map((s) => s.trim()).filter((s) => s !== '');
  const institutions = listed ? [...new Set(listed)] : DEFAULT_INSTITUTIONS;
  if (institutions.length === 0) throw new InvalidInputError('--institutions needs at least one institution id.', 'invalid-option');
  return {
    dir: resolve(values.dir ?? options.dir ?? 'consortium-sandbox'),
    host: values.host ?? options.host ?? '127.0.0.1',
    port,
    institutions,
    json: values.json ?? options.json,
  };
}

function formatEnrolment(e: SandboxEnrolment): string {
  return [
    `Consortium sandbox store listening on ${e.endpoint.url} (region ${e.region}, bucket ${e.bucket}); Ctrl-C stops it.`,
    `  CA certificate: ${e.caCertificatePath}`,
    `  CA SHA-256 fingerprint (pin it when enrolling): ${e.caFingerprint256}`,
    `  CRL: ${e.crlPath}`,
    `  Access key: ${e.credentials.accessKey}`,
    `  Secret key: ${e.credentials.secretKey}`,
    `  Model signing certificate: ${e.modelSigning.certificatePath}`,
    ...e.institutions.map((i) => `  ${i.institutionId}: ${i.pkcs12Path} (password ${i.pkcs12Password}); PEM: ${i.certificatePath}, ${i.privateKeyPath}`),
    `  Objects: ${e.objectsDir}`,
  ].join('\n');
}

function untilStopped(signal: AbortSignal | undefined): Promise<void> {
  if (signal) return signal.aborted ? Promise.resolve() : new Promise((done) => signal.addEventListener('abort', () => done(), { once: true }));
  return new Promise((done) => {
    const stop = () => {
      process.removeListener('SIGINT', stop);
      process.removeListener('SIGTERM', stop);
      done();
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}

async function serve(options: ReturnType<typeof parseOptions>, keyBits: number, signal: AbortSignal | undefined, io: CliIo): Promise<number> {
  const { dir, host, port } = options;
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const ca = await loadOrCreateCa(dir, keyBits);
  const crlPem = await refreshCrl(dir, ca);
  // Key generation dominates a first run; the keys are independent, so make them side by side.
  const [server, modelSigning, ...institutions] = await Promise.all([
    ensureServerCertificate(dir, ca, host, keyBits),
    ensureModelSigner(dir, ca, keyBits),
    ...options.institutions.map((id) => ensureInstitution(dir, ca, id, keyBits)),
  ] as const);
  const credentials = await ensureCredentials(dir);
  const objectsDir = join(dir, 'objects');
  await new S3SandboxStorage(objectsDir).createBucket(SANDBOX_BUCKET);
  const sandbox = await startS3Sandbox({ rootDir: objectsDir, tls: { ...server, caPem: ca.certificatePem, crlPem }, credentials, host, port });
  try {
    const enrolment: SandboxEnrolment = {
      dir,
      endpoint: { ...sandbox.endpoint, url: sandbox.url },
      region: SANDBOX_REGION,
      bucket: SANDBOX_BUCKET,
      caCertificatePath: join(dir, 'ca', 'ca-certificate.pem'),
      caFingerprint256: new X509Certificate(ca.certificatePem).fingerprint256,
      crlPath: join(dir, 'ca', 'crl.pem'),
      credentials,
      modelSigning,
      institutions,
      objectsDir,
    };
    io.out(options.json ? JSON.stringify(enrolment) : formatEnrolment(enrolment));
    await untilStopped(signal);
    return 0;
  } finally {
    await sandbox.close();
  }
}

/** Runs `dataspace consortium sandbox ...` (args: the words after "sandbox"); resolves with the exit code once stopped. */
export async function runConsortiumSandboxCommand(args: string[], options: ConsortiumSandboxCommandOptions, io: CliIo): Promise<number> {
  let json = options.json;
  try {
    const parsed = parseOptions(args, options);
    json = parsed.json;
    return await serve(parsed, options.keyBits ?? 3072, options.signal, io);
  } catch (error) {
    const apiError = toApiError(error);
    if ((error as { code?: unknown }).code === 'EADDRINUSE') apiError.message = `The port is already in use: ${apiError.message}. Choose another with --port.`;
    if (json) io.out(JSON.stringify({ error: apiError }));
    io.err(`dataspace consortium sandbox: ${apiError.message}`);
    return 1;
  }
}
