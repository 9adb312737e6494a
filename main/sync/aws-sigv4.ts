// AWS Signature Version 4 for S3, checked on the server side: the canonical request is rebuilt
// from what arrived and its HMAC compared with the client's (AWS S3 API Reference, "Authenticating
// Requests: Using the Authorization Header (AWS Signature Version 4)", sigv4-header-based-auth).
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

const ALGORITHM = 'AWS4-HMAC-SHA256';
const SERVICE = 's3';
/** S3 refuses requests whose x-amz-date is more than 15 minutes off (error RequestTimeTooSkewed). */
const DEFAULT_MAX_SKEW_MS = 15 * 60_000;

/** x-amz-content-sha256 when the body is not part of the signature (the minio client uses it over HTTPS). */
export const UNSIGNED_PAYLOAD = 'UNSIGNED-PAYLOAD';

/** What the verifier needs of an HTTP request: the raw request-target and lower-case headers. */
export interface SigV4Request {
  method: string;
  /** The request-target as received (`/bucket/key?query`), still percent-encoded. */
  url: string;
  headers: IncomingHttpHeaders;
}

/** A verified request: who signed it and the payload hash the signature covers. */
export interface SigV4Success {
  ok: true;
  accessKey: string;
  /** A 64-hex SHA-256 of the body, UNSIGNED-PAYLOAD, or a STREAMING-* marker. */
  payloadHash: string;
}

/** A refused request, with the S3 error code and HTTP status S3 uses for the same case. */
export interface SigV4Failure {
  ok: false;
  code: 'AccessDenied' | 'AuthorizationHeaderMalformed' | 'InvalidAccessKeyId' | 'SignatureDoesNotMatch' | 'RequestTimeTooSkewed' | 'InvalidRequest';
  status: 400 | 403;
  message: string;
}

export type SigV4Verdict = SigV4Success | SigV4Failure;

/** Where the verifier stands: region and clock (injectable so the AWS documentation examples can be replayed). */
export interface SigV4Options {
  region: string;
  now?: Date;
  maxSkewMs?: number;
}

const fail = (code: SigV4Failure['code'], message: string, status: 400 | 403 = 403): SigV4Failure => ({ ok: false, code, status, message });

/** URI-encodes as SigV4 requires: every byte except A-Z a-z 0-9 - . _ ~ becomes %XY, upper-case hex. */
export function sigV4UriEncode(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function decode(component: string): string | undefined {
  try {
    return decodeURIComponent(component);
  } catch {
    return undefined;
  }
}

/** S3 canonical URI: each path segment decoded then encoded once, '/' kept; S3 does not normalise '.' or '..'. */
export function canonicalUri(rawPath: string): string | undefined {
  const segments = rawPath.split('/').map(decode);
  if (segments.some((s) => s === undefined)) return undefined;
  return (segments as string[]).map(sigV4UriEncode).join('/') || '/';
}

/** Canonical query: names and values encoded, sorted by name then value (code-point order), `name=value` joined by '&'. */
export function canonicalQuery(rawQuery: string): string | undefined {
  if (rawQuery === '') return '';
  const pairs: [string, string][] = [];
  for (const part of rawQuery.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const name = decode(eq < 0 ? part : part.slice(0, eq));
    const value = decode(eq < 0 ? '' : part.slice(eq + 1));
    if (name === undefined || value === undefined) return undefined;
    pairs.push([sigV4UriEncode(name), sigV4UriEncode(value)]);
  }
  pairs.sort(([an, av], [bn, bv]) => (an < bn ? -1 : an > bn ? 1 : av < bv ? -1 : av > bv ? 1 : 0));
  return pairs.map(([n, v]) => `${n}=${v}`).join('&');
}

function headerValue(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value.join(',') : value;
}

/** Canonical headers: `name:value\n` per signed header, values trimmed and inner runs of spaces collapsed. */
function canonicalHeaders(headers: IncomingHttpHeaders, signed: readonly string[]): string | undefined {
  let out = '';
  for (const name of signed) {
    const value = headerValue(headers, name);
    if (value === undefined) return undefined;
    out += `${name}:${value.trim().replace(/ +/g, ' ')}\n`;
  }
  return out;
}

/** The signing key: HMAC chain over date, region, service and "aws4_request". */
export function sigV4SigningKey(secretKey: string, date: string, region: string, service = SERVICE): Buffer {
  const kDate = createHmac('sha256', `AWS4${secretKey}`).update(date).digest();
  const kRegion = createHmac('sha256', kDate).update(region).digest();
  const kService = createHmac('sha256', kRegion).update(service).digest();
  return createHmac('sha256', kService).update('aws4_request').digest();
}

interface ParsedAuthorization {
  accessKey: string;
  date: string;
  region: string;
  service: string;
  signedHeaders: string[];
  signature: string;
}

const AUTHORIZATION = /^AWS4-HMAC-SHA256\s+Credential=([^,\s]+)\s*,\s*SignedHeaders=([^,\s]+)\s*,\s*Signature=([0-9a-f]{64})$/;

function parseAuthorization(header: string): ParsedAuthorization | undefined {
  const match = AUTHORIZATION.exec(header.trim());
  if (!match) return undefined;
  const scope = match[1]!.split('/');
  if (scope.length !== 5 || scope[4] !== 'aws4_request') return undefined;
  const [accessKey, date, region, service] = scope as [string, string, string, string];
  return { accessKey, date, region, service, signedHeaders: match[2]!.split(';'), signature: match[3]! };
}

function parseAmzDate(value: string): Date | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  return m ? new Date(Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!)) : undefined;
}

/** Checks scope, clock and signed-header coverage before any cryptography. */
function checkEnvelope(request: SigV4Request, auth: ParsedAuthorization, options: SigV4Options): SigV4Failure | { amzDate: string; payloadHash: string } {
  if (auth.region !== options.region || auth.service !== SERVICE) {
    return fail('AuthorizationHeaderMalformed', `The authorization header scope is ${auth.region}/${auth.service}; expecting ${options.region}/${SERVICE}.`, 400);
  }
  const amzDate = headerValue(request.headers, 'x-amz-date');
  const signedAt = amzDate === undefined ? undefined : parseAmzDate(amzDate);
  if (amzDate === undefined || signedAt === undefined || !amzDate.startsWith(auth.date)) {
    return fail('AccessDenied', 'x-amz-date is missing, malformed or does not match the credential scope date.');
  }
  const now = options.now ?? new Date();
  if (Math.abs(now.getTime() - signedAt.getTime()) > (options.maxSkewMs ?? DEFAULT_MAX_SKEW_MS)) {
    return fail('RequestTimeTooSkewed', 'The difference between the request time and the server time is too large; check the clock.');
  }
  const payloadHash = headerValue(request.headers, 'x-amz-content-sha256');
  if (payloadHash === undefined) return fail('InvalidRequest', 'Missing required header for this request: x-amz-content-sha256.', 400);
  if (!auth.signedHeaders.includes('host')) return fail('AccessDenied', 'The host header must be signed.');
  // Every x-amz-* header must be covered, or user metadata could be added in transit.
  const unsigned = Object.keys(request.headers).filter((h) => h.startsWith('x-amz-') && !auth.signedHeaders.includes(h));
  if (unsigned.length > 0) return fail('AccessDenied', `There were headers present in the request which were not signed: ${unsigned.join(', ')}.`);
  return { amzDate, payloadHash };
}

/**
 * Verifies the Authorization header of an S3 request. The body is not read here: the caller checks
 * the returned payload hash against the bytes it receives (or Content-MD5 for UNSIGNED-PAYLOAD).
 */
export function verifySigV4(request: SigV4Request, secretFor: (accessKey: string) => string | undefined, options: SigV4Options): SigV4Verdict {
  const header = headerValue(request.headers, 'authorization');
  if (header === undefined) {
    return fail('AccessDenied', 'Anonymous access is not allowed; sign requests with AWS Signature Version 4 (query-string signing is not supported).');
  }
  const auth = parseAuthorization(header);
  if (!auth || auth.signedHeaders.some((h) => h !== h.toLowerCase())) {
    return fail('AuthorizationHeaderMalformed', `The authorization header is not ${ALGORITHM} Credential=..., SignedHeaders=..., Signature=....`, 400);
  }
  const secretKey = secretFor(auth.accessKey);
  if (secretKey === undefined) return fail('InvalidAccessKeyId', 'The access key id you provided does not exist in our records.');
  const envelope = checkEnvelope(request, auth, options);
  if ('ok' in envelope) return envelope;
  const queryAt = request.url.indexOf('?');
  const uri = canonicalUri(queryAt < 0 ? request.url : request.url.slice(0, queryAt));
  const query = canonicalQuery(queryAt < 0 ? '' : request.url.slice(queryAt + 1));
  const headers = canonicalHeaders(request.headers, auth.signedHeaders);
  if (uri === undefined || query === undefined || headers === undefined) {
    return fail('SignatureDoesNotMatch', 'The request URI or a signed header cannot be canonicalised.');
  }
  const canonicalRequest = [request.method.toUpperCase(), uri, query, headers, auth.signedHeaders.join(';'), envelope.payloadHash].join('\n');
  const scope = `${auth.date}/${auth.region}/${auth.service}/aws4_request`;
  const stringToSign = [ALGORITHM, envelope.amzDate, scope, createHash('sha256').update(canonicalRequest).digest('hex')].join('\n');
  const expected = createHmac('sha256', sigV4SigningKey(secretKey, auth.date, auth.region)).update(stringToSign).digest();
  if (!timingSafeEqual(expected, Buffer.from(auth.signature, 'hex'))) {
    return fail('SignatureDoesNotMatch', 'The request signature we calculated does not match the signature you provided. Check your key and signing method.');
  }
  return { ok: true, accessKey: auth.accessKey, payloadHash: envelope.payloadHash };
}
