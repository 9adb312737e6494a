// The consortium object store as the node sees it: the minio S3 client over mutual TLS (TLS 1.3,
// the consortium CA pinned, the institution's client certificate), optionally through a CONNECT
// proxy. Every call has a deadline and is retried with backoff when the failure is transient; TLS
// and authentication refusals are not retried and say which case they are.
import { request as httpsRequest, Agent } from 'node:https';
import type { RequestOptions } from 'node:https';
import type { ClientRequest, IncomingMessage } from 'node:http';
import { connect as tlsConnect } from 'node:tls';
import type { TLSSocket } from 'node:tls';
import { Client, S3Error } from 'minio';
import type { BucketItem, ClientOptions } from 'minio';
import { CancellationError } from '../util/errors.ts';
import { ConnectProxyAgent, ProxyTunnelError, openConnectTunnel, startTlsOverTunnel } from './connect-proxy-agent.ts';
import type { HttpsProxyOptions } from './connect-proxy-agent.ts';
import { createMtlsClientOptions, explainMtlsFailure } from './mtls-client-options.ts';
import type { MtlsClientIdentity, MtlsClientOptions, MtlsFailureReason } from './mtls-client-options.ts';

/** The store's region; configured so the client never asks GET ?location. */
const REGION = 'us-east-1';
/** How long a probe connection waits for a store that refuses certificates after the handshake. */
const PROBE_WAIT_MS = 750;

/** Retry with exponential backoff and full jitter. */
export interface RetryPolicy {
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

/** Where the store is and who this node is to it. */
export interface ConsortiumObjectStoreOptions {
  endpoint: { host: string; port: number };
  bucket: string;
  identity: MtlsClientIdentity;
  credentials: { accessKey: string; secretKey: string };
  /** The consortium CRL: lets the node tell "revoked" from other refusals. */
  crlPem?: string;
  proxy?: HttpsProxyOptions;
  /** Deadline of one attempt, including the body (default 60 s). */
  timeoutMs?: number;
  retry?: Partial<RetryPolicy>;
}

/** An object's size, ETag, time and user metadata (x-amz-meta-* names without the prefix). */
export interface StoredObjectInfo {
  key: string;
  size: number;
  etag: string;
  lastModified: Date;
  metadata: Record<string, string>;
}

/** One entry of a listing. */
export interface ListedObject {
  key: string;
  size: number;
  etag: string;
  lastModified: Date;
}

/** A failed store call: code is an MtlsFailureReason, an S3 error code, an errno, `timeout` or `proxy-*`. */
export class ConsortiumStoreError extends Error {
  override readonly name = 'ConsortiumStoreError';
  constructor(
    message: string,
    readonly code: MtlsFailureReason | string,
    /** Worth retrying later: the store was unreachable or busy, not refusing us. */
    readonly transient: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

const TRANSIENT_ERRNO = new Set(['ECONNREFUSED', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENETDOWN', 'EAI_AGAIN']);
const RESET_ERRNO = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED']);
const TRANSIENT_S3 = new Set(['SlowDown', 'InternalError', 'ServiceUnavailable', 'RequestTimeout', 'RequestTimeTooSkewed']);
/** Causes the node can establish from its own certificate and CRL, without asking the store. */
const LOCALLY_CERTAIN = new Set<MtlsFailureReason>(['client-certificate-other-ca', 'client-certificate-expired', 'client-certificate-revoked']);
const S3_MEANING: Record<string, string> = {
  SignatureDoesNotMatch: 'The store rejected the request signature: the secret key configured for this node does not match its access key.',
  InvalidAccessKeyId: 'The store does not know the access key configured for this node.',
  AccessDenied: 'The store refused access: check the access key, the secret key and the bucket permissions.',
  RequestTimeTooSkewed: "The store refused the request because this computer's clock is more than 15 minutes off.",
  NoSuchBucket: 'The consortium bucket does not exist on the store.',
};

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(new CancellationError());
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });

/** A proxy URL fit for messages and audit entries: any user:password@ removed. */
function withoutCredentials(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.username = '';
    parsed.password = '';
    return parsed.origin;
  } catch {
    return '(unparsable proxy address)';
  }
}

/** Full jitter: a uniform delay below the exponential cap (AWS Architecture Blog, "Exponential Backoff And Jitter", 2015). */
export function backoffDelay(attempt: number, policy: RetryPolicy, random: () => number = Math.random): number {
  return Math.floor(random() * Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1)));
}

/** The consortium bucket over mutual TLS, with deadlines, retries and refusals explained. */
export class ConsortiumObjectStore {
  private readonly agent: Agent;
  private readonly tlsOptions: MtlsClientOptions;
  private readonly retry: RetryPolicy;
  private readonly timeoutMs: number;

  constructor(private readonly options: ConsortiumObjectStoreOptions) {
    const tlsOptions = createMtlsClientOptions(options.identity, options.crlPem !== undefined ? { crlPem: options.crlPem } : {});
    // A node that is not enrolled yet has no certificate: present none rather than an empty one.
    if (options.identity.certificatePem === '') {
      delete tlsOptions.key;
      delete tlsOptions.cert;
    }
    this.tlsOptions = tlsOptions;
    this.agent = options.proxy ? new ConnectProxyAgent(options.proxy, { ...tlsOptions, keepAlive: true }) : new Agent({ ...tlsOptions, keepAlive: true });
    this.retry = { attempts: 4, baseDelayMs: 250, maxDelayMs: 8_000, ...options.retry };
    this.timeoutMs = options.timeoutMs ?? 60_000;
  }

  get bucket(): string {
    return this.options.bucket;
  }

  /** Creates the bucket unless it exists. */
  async ensureBucket(options: { signal?: AbortSignal } = {}): Promise<void> {
    await this.call('ensureBucket', async (client) => {
      if (await client.bucketExists(this.bucket)) return;
      try {
        await client.makeBucket(this.bucket, REGION);
      } catch (error) {
        // Created by someone else between our HEAD and PUT.
        if (!(error instanceof S3Error && (error.code === 'BucketAlreadyOwnedByYou' || error.code === 'BucketAlreadyExists'))) throw error;
      }
    }, options.signal);
  }

  /** Uploads bytes under key with user metadata (sent as x-amz-meta-*); single PUT with Content-MD5. */
  async putObject(key: string, bytes: Buffer, metadata: Record<string, string> = {}, options: { signal?: AbortSignal } = {}): Promise<{ etag: string }> {
    const info = await this.call('putObject', (client) => client.putObject(this.bucket, key, bytes, bytes.length, metadata), options.signal);
    return { etag: info.etag };
  }

  async getObject(key: string, options: { signal?: AbortSignal } = {}): Promise<Buffer> {
    return this.call('getObject', async (client) => {
      const chunks = (await (await client.getObject(this.bucket, key)).toArray()) as Buffer[];
      return Buffer.concat(chunks);
    }, options.signal);
  }

  /** The object's metadata, or undefined when there is no such object. */
  async statObject(key: string, options: { signal?: AbortSignal } = {}): Promise<StoredObjectInfo | undefined> {
    return this.call('statObject', async (client) => {
      try {
        const stat = await client.statObject(this.bucket, key);
        const metadata = Object.fromEntries(Object.entries(stat.metaData).filter(([name]) => !name.startsWith('x-amz-')).map(([n, v]) => [n, String(v)]));
        return { key, size: stat.size, etag: stat.etag, lastModified: stat.lastModified, metadata };
      } catch (error) {
        if (error instanceof S3Error && (error.code === 'NotFound' || error.code === 'NoSuchKey')) return undefined;
        throw error;
      }
    }, options.signal);
  }

  /** Every object whose key starts with prefix (recursive, ListObjectsV2 pages followed). */
  async listObjects(prefix: string, options: { signal?: AbortSignal } = {}): Promise<ListedObject[]> {
    return this.call('listObjects', async (client) => {
      const items = (await client.listObjectsV2(this.bucket, prefix, true).toArray()) as BucketItem[];
      return items
        .filter((item): item is BucketItem & { name: string } => typeof item.name === 'string')
        .map((item) => ({ key: item.name, size: item.size, etag: item.etag ?? '', lastModified: item.lastModified ?? new Date(0) }));
    }, options.signal);
  }

  async removeObject(key: string, options: { signal?: AbortSignal } = {}): Promise<void> {
    await this.call('removeObject', (client) => client.removeObject(this.bucket, key), options.signal);
  }

  /** Closes kept-alive connections. */
  close(): void {
    this.agent.destroy();
  }

  private describeEndpoint(): string {
    const { host, port } = this.options.endpoint;
    return `${host}:${port}${this.options.proxy ? ` (through proxy ${withoutCredentials(this.options.proxy.url)})` : ''}`;
  }

  /** A minio client whose requests carry this attempt's abort signal (minio has no deadline of its own). */
  private clientFor(signal: AbortSignal): Client {
    const transport = {
      request: (options: RequestOptions, callback?: (res: IncomingMessage) => void): ClientRequest => httpsRequest({ ...options, signal }, callback),
    };
    return new Client({
      endPoint: this.options.endpoint.host,
      port: this.options.endpoint.port,
      useSSL: true,
      region: REGION,
      pathStyle: true,
      accessKey: this.options.credentials.accessKey,
      secretKey: this.options.credentials.secretKey,
      transportAgent: this.agent,
      transport: transport as unknown as ClientOptions['transport'],
      // Retries are ours: minio's would retry TLS refusals too and has no deadline.
      retryOptions: { disableRetry: true },
    });
  }

  private async call<T>(operation: string, run: (client: Client) => Promise<T>, signal?: AbortSignal): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      if (signal?.aborted) throw new CancellationError();
      const deadline = AbortSignal.timeout(this.timeoutMs);
      try {
        return await run(this.clientFor(signal ? AbortSignal.any([signal, deadline]) : deadline));
      } catch (error) {
        if (signal?.aborted) throw new CancellationError();
        const failure = await this.classify(error, operation, deadline.aborted);
        if (!failure.transient || attempt >= this.retry.attempts) throw failure;
        await sleep(backoffDelay(attempt, this.retry), signal);
      }
    }
  }

  private async classify(error: unknown, operation: string, timedOut: boolean): Promise<ConsortiumStoreError> {
    const where = this.describeEndpoint();
    if (error instanceof ConsortiumStoreError) return error;
    if (timedOut) return new ConsortiumStoreError(`The consortium store at ${where} did not complete ${operation} within ${this.timeoutMs / 1000} s.`, 'timeout', true, { cause: error });
    if (error instanceof ProxyTunnelError) {
      const transient = error.code === 'EPROXYTIMEOUT' || (error.statusCode ?? 0) >= 500;
      return new ConsortiumStoreError(error.message, error.code === 'EPROXYAUTH' ? 'proxy-authentication' : 'proxy-refused', transient, { cause: error });
    }
    if (error instanceof S3Error && typeof error.code === 'string' && error.code !== '') {
      const meaning = S3_MEANING[error.code] ?? `The store answered ${operation} with an error.`;
      return new ConsortiumStoreError(`${meaning} (${error.code}: ${error.message})`, error.code, TRANSIENT_S3.has(error.code), { cause: error });
    }
    const text = error instanceof Error ? error.message : String(error);
    const status = /Retryable HTTP status: (\d{3})/.exec(text)?.[1];
    if (status) return new ConsortiumStoreError(`The consortium store at ${where} answered ${operation} with HTTP ${status}.`, `http-${status}`, true, { cause: error });
    const errno = String((error as { code?: unknown } | null)?.code ?? '');
    if (TRANSIENT_ERRNO.has(errno)) return new ConsortiumStoreError(`Cannot reach the consortium store at ${where} (${errno}).`, errno, true, { cause: error });
    const tls = explainMtlsFailure(error);
    if (tls.reason !== 'network') return this.tlsFailure(tls, error);
    if (RESET_ERRNO.has(errno) || /socket hang up/i.test(text)) return this.classifyReset(error, operation);
    return new ConsortiumStoreError(`${operation} on the consortium store at ${where} failed: ${text}`, errno || 'network', false, { cause: error });
  }

  private tlsFailure(explained: { reason: MtlsFailureReason; message: string }, cause: unknown): ConsortiumStoreError {
    return new ConsortiumStoreError(`TLS with the consortium store at ${this.describeEndpoint()} failed: ${explained.message}`, explained.reason, false, { cause });
  }

  /**
   * A reset carries no reason. Node-based stores (and some proxies) check the client certificate after
   * the TLS 1.3 handshake and just close, so the node first checks its own certificate against the CA
   * and CRL, then opens a probe connection: closed straight after the handshake means refused.
   */
  private async classifyReset(error: unknown, operation: string): Promise<ConsortiumStoreError> {
    const { identity, crlPem } = this.options;
    const enrolled = identity.certificatePem !== '';
    const local = enrolled ? explainMtlsFailure(error, { identity, ...(crlPem !== undefined ? { crlPem } : {}) }) : undefined;
    if (local && LOCALLY_CERTAIN.has(local.reason)) return this.tlsFailure(local, error);
    if ((await this.probeCertificateAcceptance()) === 'refused') {
      return this.tlsFailure(local ?? explainMtlsFailure(Object.assign(new Error('certificate required'), { code: 'CERTIFICATE_REQUIRED' })), error);
    }
    return new ConsortiumStoreError(`The connection to the consortium store at ${this.describeEndpoint()} was reset during ${operation}.`, 'ECONNRESET', true, { cause: error });
  }

  private async probeCertificateAcceptance(): Promise<'accepted' | 'refused' | 'unreachable'> {
    const { host, port } = this.options.endpoint;
    let socket: TLSSocket;
    try {
      socket = this.options.proxy
        ? startTlsOverTunnel(await openConnectTunnel(this.options.proxy, { host, port }, this.timeoutMs), { ...this.tlsOptions, host, port })
        : tlsConnect({ ...this.tlsOptions, host, port });
    } catch {
      return 'unreachable';
    }
    return new Promise((resolve) => {
      let handshaken = false;
      let timer: NodeJS.Timeout | undefined;
      const giveUp = setTimeout(() => socket.destroy(), this.timeoutMs);
      socket.once('secureConnect', () => {
        handshaken = true;
        timer = setTimeout(() => {
          socket.destroy();
          resolve('accepted');
        }, PROBE_WAIT_MS);
      });
      socket.once('close', () => {
        clearTimeout(timer);
        clearTimeout(giveUp);
        resolve(handshaken ? 'refused' : 'unreachable');
      });
      socket.on('error', () => undefined);
    });
  }
}
