// A loopback S3-compatible store for development and tests: HTTPS that requires consortium client
// certificates (TLS 1.3, CRL honoured) and AWS Signature Version 4 on every request. It implements
// the subset the minio JS client uses for the consortium sync: buckets (HEAD, PUT, ?location),
// objects (PUT single part, GET, HEAD, DELETE) and ListObjectsV2. The rest answers NotImplemented.
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { UNSIGNED_PAYLOAD, verifySigV4 } from './aws-sigv4.ts';
import { createMtlsServerOptions } from './mtls-client-options.ts';
import { S3SandboxError, S3SandboxStorage } from './s3-sandbox-storage.ts';
import type { SandboxObjectMeta } from './s3-sandbox-storage.ts';

/** The region the sandbox claims; clients configured with it never need GET ?location. */
export const SANDBOX_REGION = 'us-east-1';
/** Metadata name (after x-amz-meta-) under which the sandbox reports which certificate wrote an object. */
export const UPLOADER_METADATA = 'x-dataspace-uploader';
/** The largest single PUT S3 accepts (5 GiB); larger objects need multipart upload. */
const MAX_SINGLE_PUT = 5 * 1024 ** 3;

/** How to start the sandbox. */
export interface S3SandboxOptions {
  rootDir: string;
  /** Server key and certificate, the CA whose client certificates are accepted, and optionally its CRL. */
  tls: { keyPem: string; certPem: string; caPem: string; crlPem?: string };
  credentials: { accessKey: string; secretKey: string };
  host?: string;
  port?: number;
  hooks?: S3SandboxHooks;
}

/** An authenticated request, as the hooks see it. */
export interface S3SandboxRequestEvent {
  method: string;
  bucket?: string;
  key?: string;
  uploader: string;
}

/** Test and coordinator hooks; each may return a promise the sandbox waits for. */
export interface S3SandboxHooks {
  /** After TLS and SigV4 checks, before the body is read. */
  onRequest?(event: S3SandboxRequestEvent): void | Promise<void>;
  /** After an object was committed to disk, before the client is answered. */
  onObjectStored?(event: { bucket: string; key: string; etag: string; size: number; uploader: string }): void | Promise<void>;
  /** When an authenticated request is over: its status, or the S3 error code (ClientGone if the client vanished). */
  onRequestDone?(event: S3SandboxRequestEvent & { status: number; errorCode?: string }): void;
}

/** A running sandbox. */
export interface S3Sandbox {
  endpoint: { host: string; port: number };
  url: string;
  close(): Promise<void>;
}

interface Target {
  bucket?: string;
  key?: string;
  query: URLSearchParams;
}

interface Context {
  storage: S3SandboxStorage;
  hooks: S3SandboxHooks;
  credentials: { accessKey: string; secretKey: string };
}

/** Starts the sandbox on host:port (port 0 picks a free one). */
export async function startS3Sandbox(options: S3SandboxOptions): Promise<S3Sandbox> {
  const host = options.host ?? '127.0.0.1';
  const context: Context = { storage: new S3SandboxStorage(options.rootDir), hooks: options.hooks ?? {}, credentials: options.credentials };
  const server = createServer(
    createMtlsServerOptions({ privateKeyPem: options.tls.keyPem, certificatePem: options.tls.certPem, caCertificatePem: options.tls.caPem, crlPem: options.tls.crlPem }),
    (req, res) => void handle(req, res, context),
  );
  // Refused handshakes are the client's to report; the sandbox keeps serving.
  server.on('tlsClientError', () => undefined);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    endpoint: { host, port },
    url: `https://${host.includes(':') ? `[${host}]` : host}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** Header-safe text: printable ASCII kept, anything else (and ';', '%') percent-encoded as UTF-8. */
function headerSafe(text: string): string {
  return text.replace(/[^\x20-\x7e]|[%;]/gu, (c) => encodeURIComponent(c));
}

/** Who is on the other end, from the verified client certificate. */
function describePeer(req: IncomingMessage): string {
  const peer = (req.socket as TLSSocket).getPeerCertificate();
  const field = (value: string | string[] | undefined) => headerSafe(Array.isArray(value) ? value.join(',') : (value ?? ''));
  return `CN=${field(peer.subject?.CN)}; O=${field(peer.subject?.O)}; serial=${peer.serialNumber ?? ''}`;
}

function parseTarget(url: string): Target {
  const queryAt = url.indexOf('?');
  const path = queryAt < 0 ? url : url.slice(0, queryAt);
  const query = new URLSearchParams(queryAt < 0 ? '' : url.slice(queryAt + 1));
  const slash = path.indexOf('/', 1);
  try {
    const bucket = decodeURIComponent(slash < 0 ? path.slice(1) : path.slice(1, slash));
    const key = slash < 0 ? '' : decodeURIComponent(path.slice(slash + 1));
    return { ...(bucket ? { bucket } : {}), ...(key ? { key } : {}), query };
  } catch {
    throw new S3SandboxError('InvalidURI', 400, 'Could not parse the specified URI.');
  }
}

async function handle(req: IncomingMessage, res: ServerResponse, context: Context): Promise<void> {
  const requestId = randomBytes(8).toString('hex').toUpperCase();
  res.setHeader('x-amz-request-id', requestId);
  let event: S3SandboxRequestEvent | undefined;
  let outcome: { status: number; errorCode?: string };
  try {
    const method = req.method ?? 'GET';
    const url = req.url ?? '/';
    const { accessKey, secretKey } = context.credentials;
    const verdict = verifySigV4({ method, url, headers: req.headers }, (key) => (key === accessKey ? secretKey : undefined), { region: SANDBOX_REGION });
    if (!verdict.ok) throw new S3SandboxError(verdict.code, verdict.status, verdict.message);
    const target = parseTarget(url);
    const uploader = describePeer(req);
    event = { method, uploader, ...(target.bucket ? { bucket: target.bucket } : {}), ...(target.key ? { key: target.key } : {}) };
    await context.hooks.onRequest?.(event);
    if (target.bucket === undefined) throw notImplemented('ListBuckets');
    if (target.key === undefined) await bucketRequest(req, res, context, target.bucket, target.query);
    else await objectRequest(req, res, context, { bucket: target.bucket, key: target.key, query: target.query, uploader, payloadHash: verdict.payloadHash });
    outcome = { status: res.statusCode };
  } catch (error) {
    outcome = sendError(req, res, error, requestId);
  }
  if (event) context.hooks.onRequestDone?.({ ...event, ...outcome });
}

const notImplemented = (what: string) => new S3SandboxError('NotImplemented', 501, `${what} is not implemented by the DataSpace S3 sandbox.`);

async function bucketRequest(req: IncomingMessage, res: ServerResponse, { storage }: Context, bucket: string, query: URLSearchParams): Promise<void> {
  storage.assertBucketName(bucket);
  if (req.method === 'HEAD') {
    res.writeHead((await storage.bucketExists(bucket)) ? 200 : 404).end();
  } else if (req.method === 'PUT' && query.size === 0) {
    req.resume();
    // Outside us-east-1, S3 answers 409 BucketAlreadyOwnedByYou for a repeated create.
    if (!(await storage.createBucket(bucket))) throw new S3SandboxError('BucketAlreadyOwnedByYou', 409, 'Your previous request to create the named bucket succeeded and you already own it.');
    res.writeHead(200, { location: `/${bucket}` }).end();
  } else if (req.method === 'GET' && query.has('location')) {
    await storage.assertBucket(bucket);
    sendXml(res, 200, `<LocationConstraint xmlns="http://s3.amazonaws.com/doc/2006-03-01/">${SANDBOX_REGION}</LocationConstraint>`);
  } else if (req.method === 'GET' && query.get('list-type') === '2') {
    await storage.assertBucket(bucket);
    sendXml(res, 200, await listObjectsV2(storage, bucket, query));
  } else {
    throw notImplemented(`${req.method} on a bucket${query.size > 0 ? ` with ?${[...query.keys()].join('&')}` : ''}`);
  }
}

interface ObjectTarget {
  bucket: string;
  key: string;
  query: URLSearchParams;
  uploader: string;
  payloadHash: string;
}

async function objectRequest(req: IncomingMessage, res: ServerResponse, context: Context, target: ObjectTarget): Promise<void> {
  const { storage } = context;
  storage.assertKey(target.key);
  await storage.assertBucket(target.bucket);
  switch (req.method) {
    case 'PUT':
      // Multipart parts (?partNumber&uploadId), tagging and server-side copy are outside the subset.
      if (target.query.size > 0 || req.headers['x-amz-copy-source'] !== undefined) throw notImplemented('This PUT variant');
      return putObject(req, res, context, target);
    case 'GET':
    case 'HEAD': {
      const found = req.method === 'GET' ? await storage.open(target.bucket, target.key) : { meta: await storage.stat(target.bucket, target.key) };
      if (!found?.meta) throw new S3SandboxError('NoSuchKey', 404, 'The specified key does not exist.');
      // Range is ignored: a server MAY answer a range request with the whole representation (RFC 7233 §3.1).
      res.writeHead(200, objectHeaders(found.meta));
      if ('body' in found && found.body) found.body.pipe(res);
      else res.end();
      return;
    }
    case 'DELETE':
      await storage.remove(target.bucket, target.key);
      res.writeHead(204).end();
      return;
    default:
      throw notImplemented(`${req.method} on an object (multipart upload included)`);
  }
}

function objectHeaders(meta: SandboxObjectMeta): Record<string, string | number> {
  const headers: Record<string, string | number> = {
    'content-length': meta.size,
    'content-type': meta.contentType,
    etag: `"${meta.etag}"`,
    'last-modified': new Date(meta.lastModified).toUTCString(),
    [`x-amz-meta-${UPLOADER_METADATA}`]: meta.uploader,
  };
  for (const [name, value] of Object.entries(meta.userMetadata)) headers[`x-amz-meta-${name}`] = value;
  return headers;
}

function userMetadataOf(req: IncomingMessage): Record<string, string> {
  const metadata: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    const short = name.startsWith('x-amz-meta-') ? name.slice('x-amz-meta-'.length) : undefined;
    // The uploader entry is the sandbox's own record; a client cannot set it.
    if (short && short !== UPLOADER_METADATA && value !== undefined) metadata[short] = Array.isArray(value) ? value.join(',') : value;
  }
  return metadata;
}

async function putObject(req: IncomingMessage, res: ServerResponse, { storage, hooks }: Context, target: ObjectTarget): Promise<void> {
  const declared = Number(req.headers['content-length']);
  if (req.headers['content-length'] === undefined || !Number.isSafeInteger(declared)) {
    throw new S3SandboxError('MissingContentLength', 411, 'You must provide the Content-Length HTTP header.');
  }
  if (declared > MAX_SINGLE_PUT) throw new S3SandboxError('EntityTooLarge', 400, 'Your proposed upload exceeds the maximum allowed object size.');
  // aws-chunked bodies (STREAMING-AWS4-HMAC-SHA256-PAYLOAD) carry per-chunk signatures; minio-js never
  // sends them (over HTTPS it signs UNSIGNED-PAYLOAD and sends Content-MD5), so they are refused.
  if (target.payloadHash !== UNSIGNED_PAYLOAD && !/^[0-9a-f]{64}$/.test(target.payloadHash)) throw notImplemented(`x-amz-content-sha256: ${target.payloadHash}`);
  const staged = await storage.receive(req);
  const contentMd5 = req.headers['content-md5'];
  const refusal =
    staged.size !== declared ? new S3SandboxError('IncompleteBody', 400, 'You did not provide the number of bytes specified by the Content-Length HTTP header.')
    : contentMd5 !== undefined && contentMd5 !== staged.md5Base64 ? new S3SandboxError('BadDigest', 400, 'The Content-MD5 you specified did not match what we received.')
    : target.payloadHash !== UNSIGNED_PAYLOAD && target.payloadHash !== staged.sha256Hex ? new S3SandboxError('XAmzContentSHA256Mismatch', 400, 'The provided x-amz-content-sha256 header does not match what was computed.')
    : undefined;
  if (refusal) {
    await storage.discard(staged);
    throw refusal;
  }
  const meta: SandboxObjectMeta = {
    size: staged.size,
    etag: staged.md5Hex,
    sha256: staged.sha256Hex,
    lastModified: new Date().toISOString(),
    contentType: req.headers['content-type'] ?? 'application/octet-stream',
    userMetadata: userMetadataOf(req),
    uploader: target.uploader,
  };
  await storage.commit(target.bucket, target.key, staged, meta);
  await hooks.onObjectStored?.({ bucket: target.bucket, key: target.key, etag: meta.etag, size: meta.size, uploader: target.uploader });
  res.writeHead(200, { etag: `"${meta.etag}"`, 'content-length': 0 }).end();
}

/** Keys in the url encoding minio asks for (encoding-type=url), '/' left readable. */
const urlEncodeKey = (key: string) => encodeURIComponent(key).replace(/%2F/g, '/');

function xmlText(text: string): string {
  return text.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);
}

async function listObjectsV2(storage: S3SandboxStorage, bucket: string, query: URLSearchParams): Promise<string> {
  const prefix = query.get('prefix') ?? '';
  const delimiter = query.get('delimiter') || undefined;
  // At least one key per page, so a client following continuation tokens always advances.
  const maxKeys = Math.min(1000, Math.max(1, Number.parseInt(query.get('max-keys') ?? '1000', 10) || 1));
  const token = query.get('continuation-token') ?? undefined;
  let startAfter = query.get('start-after') || undefined;
  if (token !== undefined) {
    // The continuation token is opaque to clients; here it is the last key (or prefix) of the previous page.
    startAfter = Buffer.from(token, 'base64url').toString('utf8');
    if (startAfter === '') throw new S3SandboxError('InvalidArgument', 400, 'The continuation token provided is incorrect.');
  }
  const listing = await storage.list(bucket, { prefix, maxKeys, ...(startAfter ? { startAfter } : {}), ...(delimiter ? { delimiter } : {}) });
  const encode = query.get('encoding-type') === 'url' ? urlEncodeKey : (k: string) => k;
  const element = (name: string, value: string | number | boolean) => `<${name}>${xmlText(String(value))}</${name}>`;
  const parts = [
    element('Name', bucket),
    element('Prefix', encode(prefix)),
    element('KeyCount', listing.objects.length + listing.commonPrefixes.length),
    element('MaxKeys', maxKeys),
    ...(delimiter ? [element('Delimiter', encode(delimiter))] : []),
    element('IsTruncated', listing.nextStartAfter !== undefined),
    ...(token !== undefined ? [element('ContinuationToken', token)] : []),
    ...(listing.nextStartAfter !== undefined ? [element('NextContinuationToken', Buffer.from(listing.nextStartAfter).toString('base64url'))] : []),
    ...(query.get('encoding-type') === 'url' ? [element('EncodingType', 'url')] : []),
    ...listing.objects.map(
      ({ key, meta }) =>
        `<Contents>${element('Key', encode(key))}${element('LastModified', meta.lastModified)}${element('ETag', `"${meta.etag}"`)}${element('Size', meta.size)}${element('StorageClass', 'STANDARD')}</Contents>`,
    ),
    ...listing.commonPrefixes.map((p) => `<CommonPrefixes>${element('Prefix', encode(p))}</CommonPrefixes>`),
  ];
  return `<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">${parts.join('')}</ListBucketResult>`;
}

function sendXml(res: ServerResponse, status: number, body: string): void {
  const xml = `<?xml version="1.0" encoding="UTF-8"?>\n${body}`;
  res.writeHead(status, { 'content-type': 'application/xml', 'content-length': Buffer.byteLength(xml) }).end(xml);
}

/** S3 error responses (S3 API Reference, "Error responses"): XML body, or headers only for HEAD. */
function sendError(req: IncomingMessage, res: ServerResponse, error: unknown, requestId: string): { status: number; errorCode: string } {
  if (res.headersSent || res.destroyed || req.socket.destroyed) {
    res.destroy();
    return { status: 0, errorCode: 'ClientGone' };
  }
  const known = error instanceof S3SandboxError;
  const code = known ? error.code : 'InternalError';
  const status = known ? error.status : 500;
  const outcome = { status, errorCode: code };
  const message = known ? error.message : 'We encountered an internal error. Please try again.';
  // An unread request body would otherwise be drained on a kept-alive connection.
  if (!req.complete) res.setHeader('connection', 'close');
  if (req.method === 'HEAD') {
    res.writeHead(status, { 'x-minio-error-code': code, 'x-minio-error-desc': headerSafe(JSON.stringify(message)) }).end();
    return outcome;
  }
  const resource = xmlText(req.url?.split('?')[0] ?? '/');
  sendXml(res, status, `<Error><Code>${code}</Code><Message>${xmlText(message)}</Message><Resource>${resource}</Resource><RequestId>${requestId}</RequestId></Error>`);
  return outcome;
}

