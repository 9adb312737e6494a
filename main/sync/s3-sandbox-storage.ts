// The sandbox's object files: <root>/<bucket>/<key> holds the bytes, <root>/.meta/<bucket>/<sha256(key)>.json
// the metadata (named by hash so no key can collide with another key's sidecar). Writes stream to
// <root>/.tmp and are renamed into place, so a reader sees the old object or the new one, never a part.
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import type { ReadStream } from 'node:fs';
import { mkdir, readFile, readdir, rename, rm, rmdir, stat, unlink, writeFile } from 'node:fs/promises';
import { dirname, join, sep } from 'node:path';
import type { Readable } from 'node:stream';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';

/** What the sandbox keeps about an object besides its bytes. */
export interface SandboxObjectMeta {
  size: number;
  /** MD5 hex of the bytes: the ETag of a single-part upload. */
  etag: string;
  sha256: string;
  lastModified: string;
  contentType: string;
  /** x-amz-meta-* names (without the prefix, lower case) and values. */
  userMetadata: Record<string, string>;
  /** The client certificate that wrote the object: `CN=...; O=...; serial=...`. */
  uploader: string;
}

/** A body received into a temporary file, not yet visible. */
export interface StagedObject {
  tempPath: string;
  size: number;
  md5Hex: string;
  md5Base64: string;
  sha256Hex: string;
}

/** A storage-level refusal, carrying the S3 error code and status to answer with. */
export class S3SandboxError extends Error {
  override readonly name = 'S3SandboxError';
  constructor(
    readonly code: string,
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** One page of ListObjectsV2. */
export interface SandboxListing {
  objects: { key: string; meta: SandboxObjectMeta }[];
  commonPrefixes: string[];
  nextStartAfter?: string;
}

const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/** Files-on-disk storage behind the S3 sandbox server. */
export class S3SandboxStorage {
  constructor(readonly rootDir: string) {}

  assertBucketName(bucket: string): void {
    // S3 bucket naming rules (lower case, 3-63 characters); they also keep bucket names off ".meta" and ".tmp".
    if (!BUCKET_NAME.test(bucket) || bucket.includes('..')) {
      throw new S3SandboxError('InvalidBucketName', 400, `The specified bucket is not valid: ${bucket}`);
    }
  }

  assertKey(key: string): void {
    const segments = key.split('/');
    if (Buffer.byteLength(key) > 1024 || key.includes('\0') || segments.some((s) => s === '' || s === '.' || s === '..')) {
      throw new S3SandboxError('InvalidArgument', 400, 'The sandbox stores objects as files: keys must be at most 1024 bytes without empty, "." or ".." segments.');
    }
  }

  private bucketDir(bucket: string): string {
    this.assertBucketName(bucket);
    return join(this.rootDir, bucket);
  }

  private objectPath(bucket: string, key: string): string {
    this.assertKey(key);
    return join(this.bucketDir(bucket), ...key.split('/'));
  }

  private metaPath(bucket: string, key: string): string {
    return join(this.rootDir, '.meta', bucket, `${createHash('sha256').update(key).digest('hex')}.json`);
  }

  async bucketExists(bucket: string): Promise<boolean> {
    return (await stat(this.bucketDir(bucket)).catch(() => undefined))?.isDirectory() === true;
  }

  /** Creates the bucket; false when it already existed. */
  async createBucket(bucket: string): Promise<boolean> {
    const created = await mkdir(this.bucketDir(bucket), { recursive: true });
    return created !== undefined;
  }

  async assertBucket(bucket: string): Promise<void> {
    if (!(await this.bucketExists(bucket))) throw new S3SandboxError('NoSuchBucket', 404, 'The specified bucket does not exist.');
  }

  /** Streams a body into a temporary file, hashing it on the way (MD5 for the ETag, SHA-256 for the payload hash). */
  async receive(body: Readable): Promise<StagedObject> {
    const tmpDir = join(this.rootDir, '.tmp');
    await mkdir(tmpDir, { recursive: true });
    const tempPath = join(tmpDir, `${randomBytes(12).toString('hex')}.part`);
    const md5 = createHash('md5');
    const sha256 = createHash('sha256');
    let size = 0;
    const hasher = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        md5.update(chunk);
        sha256.update(chunk);
        size += chunk.length;
        done(null, chunk);
      },
    });
    try {
      await pipeline(body, hasher, createWriteStream(tempPath, { flags: 'wx' }));
    } catch (error) {
      await rm(tempPath, { force: true });
      throw error;
    }
    const md5Digest = md5.digest();
    return { tempPath, size, md5Hex: md5Digest.toString('hex'), md5Base64: md5Digest.toString('base64'), sha256Hex: sha256.digest('hex') };
  }

  async discard(staged: StagedObject): Promise<void> {
    await rm(staged.tempPath, { force: true });
  }

  /** Makes a staged body visible under the key. The data rename is the commit point; the sidecar goes first. */
  async commit(bucket: string, key: string, staged: StagedObject, meta: SandboxObjectMeta): Promise<void> {
    const target = this.objectPath(bucket, key);
    const metaFile = this.metaPath(bucket, key);
    try {
      await mkdir(dirname(target), { recursive: true });
      await mkdir(dirname(metaFile), { recursive: true });
      const metaTemp = `${staged.tempPath}.json`;
      await writeFile(metaTemp, JSON.stringify(meta), { flag: 'wx' });
      await rename(metaTemp, metaFile);
      await rename(staged.tempPath, target);
    } catch (error) {
      await this.discard(staged);
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOTDIR' || code === 'EISDIR' || code === 'EEXIST') {
        throw new S3SandboxError('InvalidArgument', 400, 'The sandbox stores objects as files: a key cannot also be the prefix folder of another key.');
      }
      throw error;
    }
  }

  /** The object's metadata, or undefined when it does not exist. */
  async stat(bucket: string, key: string): Promise<SandboxObjectMeta | undefined> {
    const path = this.objectPath(bucket, key);
    const info = await stat(path).catch(() => undefined);
    if (!info?.isFile()) return undefined;
    const sidecar = await readFile(this.metaPath(bucket, key), 'utf8').then((t) => JSON.parse(t) as SandboxObjectMeta, () => undefined);
    if (sidecar && sidecar.size === info.size) return sidecar;
    // A crash between the two renames of an overwrite: describe the bytes without the user metadata.
    return recomputeMeta(path, info.size, info.mtime);
  }

  async open(bucket: string, key: string): Promise<{ meta: SandboxObjectMeta; body: ReadStream } | undefined> {
    const meta = await this.stat(bucket, key);
    return meta ? { meta, body: createReadStream(this.objectPath(bucket, key)) } : undefined;
  }

  async remove(bucket: string, key: string): Promise<void> {
    const path = this.objectPath(bucket, key);
    await unlink(path).catch(ignoreMissing);
    await unlink(this.metaPath(bucket, key)).catch(ignoreMissing);
    // S3 has no folders: drop directories the key left empty, up to the bucket.
    const bucketDir = this.bucketDir(bucket);
    for (let dir = dirname(path); dir.startsWith(bucketDir + sep); dir = dirname(dir)) {
      if (!(await rmdir(dir).then(() => true, () => false))) break;
    }
  }

  /** Keys in UTF-8 binary order (as S3 lists them), filtered by prefix, after startAfter, grouped by delimiter. */
  async list(bucket: string, options: { prefix: string; startAfter?: string; maxKeys: number; delimiter?: string }): Promise<SandboxListing> {
    const keys = (await walk(this.bucketDir(bucket), '')).filter((k) => k.startsWith(options.prefix));
    keys.sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
    const listing: SandboxListing = { objects: [], commonPrefixes: [] };
    let count = 0;
    for (const key of keys) {
      if (options.startAfter !== undefined && Buffer.compare(Buffer.from(key), Buffer.from(options.startAfter)) <= 0) continue;
      // A page that ended on a common prefix continues after everything under it.
      if (options.delimiter && options.startAfter?.endsWith(options.delimiter) && key.startsWith(options.startAfter)) continue;
      const cut = options.delimiter ? key.indexOf(options.delimiter, options.prefix.length) : -1;
      const commonPrefix = cut >= 0 ? key.slice(0, cut + options.delimiter!.length) : undefined;
      if (commonPrefix !== undefined && listing.commonPrefixes.at(-1) === commonPrefix) continue;
      if (count === options.maxKeys) {
        listing.nextStartAfter = listing.objects.at(-1)?.key ?? listing.commonPrefixes.at(-1);
        break;
      }
      count++;
      if (commonPrefix !== undefined) {
        listing.commonPrefixes.push(commonPrefix);
        continue;
      }
      const meta = await this.stat(bucket, key);
      if (meta) listing.objects.push({ key, meta });
    }
    return listing;
  }
}

function ignoreMissing(error: NodeJS.ErrnoException): void {
  if (error.code !== 'ENOENT') throw error;
}

async function walk(dir: string, prefix: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  const keys: string[] = [];
  for (const entry of entries) {
    const key = `${prefix}${entry.name}`;
    if (entry.isDirectory()) keys.push(...(await walk(join(dir, entry.name), `${key}/`)));
    else if (entry.isFile()) keys.push(key);
  }
  return keys;
}

async function recomputeMeta(path: string, size: number, mtime: Date): Promise<SandboxObjectMeta> {
  const md5 = createHash('md5');
  const sha256 = createHash('sha256');
  for await (const chunk of createReadStream(path)) {
    md5.update(chunk as Buffer);
    sha256.update(chunk as Buffer);
  }
  return {
    size,
    etag: md5.digest('hex'),
    sha256: sha256.digest('hex'),
    lastModified: mtime.toISOString(),
    contentType: 'application/octet-stream',
    userMetadata: {},
    uploader: 'unknown',
  };
}
