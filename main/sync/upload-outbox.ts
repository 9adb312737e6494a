// The durable upload outbox (table sync_outbox, migration 0050): signed objects wait here until the
// consortium store has them. Draining is safe to interrupt at any point: before each PUT the store is
// asked whether it already holds the same bytes (x-amz-meta-content-sha256), so a crash between the
// PUT and the local commit is repaired by the next drain without sending the object twice.
import { createHash } from 'node:crypto';
import type { WritableDB } from '../store/database.ts';
import { sql } from '../store/sql.ts';
import { CancellationError, InvalidInputError } from '../util/errors.ts';
import type { ConsortiumObjectStore } from './consortium-object-store.ts';

/** User metadata under which every uploaded object carries the SHA-256 hex of its bytes. */
export const CONTENT_SHA256_METADATA = 'content-sha256';
/** The detached JWS of `<key>` is uploaded as `<key>.jws`. */
export const SIGNATURE_SUFFIX = '.jws';
/** Names the store reserves or the outbox sets itself. */
const RESERVED_METADATA = new Set([CONTENT_SHA256_METADATA, 'signed-object-sha256', 'x-dataspace-uploader']);
const CONFLICT_CODE = 'object-conflict';
/** S3 limits user-defined metadata to 2 KB (names and values, UTF-8). */
const MAX_METADATA_BYTES = 2048;

/** What the outbox needs of the store. */
export type OutboxObjectStore = Pick<ConsortiumObjectStore, 'statObject' | 'putObject'>;

/** An object to upload: its bytes, their detached JWS and user metadata. */
export interface OutboxItemInput {
  objectKey: string;
  content: Buffer;
  signature: string;
  metadata?: Record<string, string>;
  kind: string;
}

/** One outbox row, without its bytes. */
export interface OutboxEntry {
  id: number;
  objectKey: string;
  kind: string;
  size: number;
  sha256: string;
  createdAt: string;
  attempts: number;
  lastError: string | null;
  nextAttemptAt: string | null;
  uploadedAt: string | null;
  etag: string | null;
}

/** What a drain did. `stoppedBy` is the failure that ended it early (the store unreachable or refusing us). */
export interface DrainResult {
  uploaded: number;
  alreadyPresent: number;
  failed: number;
  pending: number;
  stoppedBy?: { code: string; message: string };
}

/** Backoff between drains for a failing item, in ms: doubles from baseMs up to maxMs, with jitter. */
export interface OutboxBackoff {
  baseMs: number;
  maxMs: number;
}

/** The store holds different bytes under our key: not retried blindly, and it does not block the queue. */
export class OutboxConflictError extends Error {
  override readonly name = 'OutboxConflictError';
  readonly code = CONFLICT_CODE;
}

interface OutboxRow {
  id: number;
  object_key: string;
  content: Buffer;
  content_sha256: string;
  signature: string;
  metadata: string;
  attempts: number;
}

const sha256Hex = (bytes: Buffer | string) => createHash('sha256').update(bytes).digest('hex');

const ENTRY_COLUMNS = sql`id, object_key AS objectKey, kind, length(content) AS size, content_sha256 AS sha256, created_at AS createdAt,
  attempts, last_error AS lastError, next_attempt_at AS nextAttemptAt, uploaded_at AS uploadedAt, etag`;

function validate(input: OutboxItemInput): void {
  const segments = input.objectKey.split('/');
  if (input.objectKey.length === 0 || input.objectKey.length > 1000 || segments.some((s) => s === '' || s === '.' || s === '..') || input.objectKey.endsWith(SIGNATURE_SUFFIX)) {
    throw new InvalidInputError(`"${input.objectKey}" is not a usable object key (1-1000 characters, no empty, "." or ".." segments, not ending in ${SIGNATURE_SUFFIX}).`, 'invalid-object-key');
  }
  // RFC 7515 §7.1 compact serialisation with the payload detached (Appendix F): header..signature.
  if (!/^[A-Za-z0-9_-]+\.\.[A-Za-z0-9_-]+$/.test(input.signature)) {
    throw new InvalidInputError('The signature must be a detached compact JWS (header..signature).', 'invalid-signature');
  }
  let bytes = 0;
  for (const [name, value] of Object.entries(input.metadata ?? {})) {
    // Sent as x-amz-meta-<name> headers: lower-case tokens and printable US-ASCII values.
    if (!/^[a-z0-9][a-z0-9-]*$/.test(name) || RESERVED_METADATA.has(name) || !/^[\x20-\x7e]*$/.test(value)) {
      throw new InvalidInputError(`Metadata "${name}" cannot be sent: names are lower-case letters, digits and "-", values printable ASCII; ${[...RESERVED_METADATA].join(', ')} are reserved.`, 'invalid-metadata');
    }
    bytes += name.length + value.length;
  }
  if (bytes > MAX_METADATA_BYTES) throw new InvalidInputError('User metadata is limited to 2 KB per object.', 'invalid-metadata');
}

/** The outbox over the single writing connection. */
export class UploadOutbox {
  private readonly now: () => Date;
  private readonly backoff: OutboxBackoff;
  private readonly random: () => number;

  constructor(
    private readonly db: WritableDB,
    options: { now?: () => Date; backoff?: Partial<OutboxBackoff>; random?: () => number } = {},
  ) {
    this.now = options.now ?? (() => new Date());
    this.backoff = { baseMs: 30_000, maxMs: 3_600_000, ...options.backoff };
    this.random = options.random ?? Math.random;
  }

  /** Queues an object. The same key with the same bytes is a no-op; with other bytes it is refused. */
  enqueue(input: OutboxItemInput): { id: number; created: boolean } {
    validate(input);
    const sha256 = sha256Hex(input.content);
    return this.db.transaction(() => {
      const existing = this.db.get<{ id: number; content_sha256: string }>(sql`SELECT id, content_sha256 FROM sync_outbox WHERE object_key = ${input.objectKey}`);
      if (existing) {
        if (existing.content_sha256 !== sha256) {
          throw new InvalidInputError(`The outbox already holds different content under "${input.objectKey}"; object keys are never reused.`, 'outbox-key-conflict');
        }
        return { id: existing.id, created: false };
      }
      const inserted = this.db.run(sql`
        INSERT INTO sync_outbox (object_key, content, content_sha256, signature, metadata, kind, created_at)
        VALUES (${input.objectKey}, ${input.content}, ${sha256}, ${input.signature}, ${JSON.stringify(input.metadata ?? {})}, ${input.kind}, ${this.now().toISOString()})`);
      return { id: Number(inserted.lastInsertRowid), created: true };
    });
  }

  /**
   * Uploads pending items in order. The first store failure stops the drain (the next items would
   * meet the same unreachable or refusing store) and defers that item with backoff, and the items
   * behind it wait with it; `ignoreBackoff` is "sync now". A conflict sets aside only its own item.
   */
  async drain(store: OutboxObjectStore, options: { signal?: AbortSignal; ignoreBackoff?: boolean } = {}): Promise<DrainResult> {
    const now = this.now().toISOString();
    const queue = this.db.all<{ id: number; next_attempt_at: string | null; last_error: string | null }>(
      sql`SELECT id, next_attempt_at, last_error FROM sync_outbox WHERE uploaded_at IS NULL ORDER BY id`,
    );
    const result: DrainResult = { uploaded: 0, alreadyPresent: 0, failed: 0, pending: 0 };
    for (const { id, next_attempt_at: nextAttemptAt, last_error: lastError } of queue) {
      if (options.signal?.aborted) throw new CancellationError();
      if (!options.ignoreBackoff && nextAttemptAt !== null && nextAttemptAt > now) {
        if (lastError?.startsWith(`${CONFLICT_CODE}:`)) continue;
        break;
      }
      const row = this.db.get<OutboxRow>(sql`SELECT id, object_key, content, content_sha256, signature, metadata, attempts FROM sync_outbox WHERE id = ${id} AND uploaded_at IS NULL`);
      if (!row) continue;
      // Counted before the network: an attempt cut short by a crash still shows.
      this.db.run(sql`UPDATE sync_outbox SET attempts = attempts + 1 WHERE id = ${id}`);
      try {
        result[await this.upload(store, row, options.signal)]++;
      } catch (error) {
        if (error instanceof CancellationError) throw error;
        this.recordFailure(row, error);
        result.failed++;
        if (error instanceof OutboxConflictError) continue;
        result.stoppedBy = describeError(error);
        break;
      }
    }
    result.pending = this.db.pluck<number>(sql`SELECT count(*) FROM sync_outbox WHERE uploaded_at IS NULL`) ?? 0;
    return result;
  }

  /** Items not yet uploaded, oldest first. */
  pending(): OutboxEntry[] {
    return this.db.all<OutboxEntry>(sql`SELECT ${ENTRY_COLUMNS} FROM sync_outbox WHERE uploaded_at IS NULL ORDER BY id`);
  }

  /** How many items have been uploaded, in all. */
  uploadedCount(): number {
    return this.db.pluck<number>(sql`SELECT count(*) FROM sync_outbox WHERE uploaded_at IS NOT NULL`) ?? 0;
  }

  /** Items of `kind` uploaded at or after `since` (ISO time), oldest first. */
  uploadedSince(since: string, kind: string): OutboxEntry[] {
    return this.db.all<OutboxEntry>(sql`SELECT ${ENTRY_COLUMNS} FROM sync_outbox WHERE uploaded_at >= ${since} AND kind = ${kind} ORDER BY id`);
  }

  /** The most recent items, uploaded or not, newest first. */
  history(limit = 50): OutboxEntry[] {
    return this.db.all<OutboxEntry>(sql`SELECT ${ENTRY_COLUMNS} FROM sync_outbox ORDER BY id DESC LIMIT ${limit}`);
  }

  private async upload(store: OutboxObjectStore, row: OutboxRow, signal?: AbortSignal): Promise<'uploaded' | 'alreadyPresent'> {
    const existing = await store.statObject(row.object_key, { signal });
    if (existing) {
      if (existing.metadata[CONTENT_SHA256_METADATA] !== row.content_sha256) {
        throw new OutboxConflictError(`The store already holds different content under "${row.object_key}" (sha256 ${existing.metadata[CONTENT_SHA256_METADATA] ?? 'unknown'}).`);
      }
      await this.putSignature(store, row, signal, true);
      this.markUploaded(row.id, existing.etag);
      return 'alreadyPresent';
    }
    // The signature goes first: whoever sees the object can also fetch its signature.
    await this.putSignature(store, row, signal, false);
    const metadata = { ...(JSON.parse(row.metadata) as Record<string, string>), [CONTENT_SHA256_METADATA]: row.content_sha256 };
    const { etag } = await store.putObject(row.object_key, row.content, metadata, { signal });
    this.markUploaded(row.id, etag);
    return 'uploaded';
  }

  private async putSignature(store: OutboxObjectStore, row: OutboxRow, signal: AbortSignal | undefined, onlyIfMissing: boolean): Promise<void> {
    const key = `${row.object_key}${SIGNATURE_SUFFIX}`;
    const bytes = Buffer.from(row.signature, 'utf8');
    const sha256 = sha256Hex(bytes);
    if (onlyIfMissing && (await store.statObject(key, { signal }))?.metadata[CONTENT_SHA256_METADATA] === sha256) return;
    // application/jose: the compact JWS media type (RFC 7515 §9.2.1).
    await store.putObject(key, bytes, { 'content-type': 'application/jose', [CONTENT_SHA256_METADATA]: sha256, 'signed-object-sha256': row.content_sha256 }, { signal });
  }

  private markUploaded(id: number, etag: string): void {
    this.db.run(sql`UPDATE sync_outbox SET uploaded_at = ${this.now().toISOString()}, etag = ${etag}, last_error = NULL, next_attempt_at = NULL WHERE id = ${id}`);
  }

  private recordFailure(row: OutboxRow, error: unknown): void {
    const attempts = row.attempts + 1;
    // Equal jitter: half the exponential delay fixed, half random, so nodes that failed together spread out.
    const cap = Math.min(this.backoff.maxMs, this.backoff.baseMs * 2 ** (attempts - 1));
    const next = new Date(this.now().getTime() + cap / 2 + this.random() * (cap / 2)).toISOString();
    const { code, message } = describeError(error);
    this.db.run(sql`UPDATE sync_outbox SET last_error = ${`${code}: ${message}`}, next_attempt_at = ${next} WHERE id = ${row.id}`);
  }
}

function describeError(error: unknown): { code: string; message: string } {
  const code = (error as { code?: unknown } | null)?.code;
  return { code: typeof code === 'string' ? code : 'error', message: error instanceof Error ? error.message : String(error) };
}
