// Upload staging for the browser host. A browser cannot hand the engine a path, so files are
// streamed into a per-launch folder under the OS temp dir — never the data folder, which holds
// only de-identified data — and deleted as soon as the import that read them has finished.
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { InvalidInputError } from '../util/errors.ts';

const MAX_NAME_LENGTH = 1024;
const MAX_SEGMENTS = 32;
const MAX_SEGMENT_BYTES = 255;
// Device names Windows refuses as file names, whatever the extension.
const WINDOWS_RESERVED = /^(con|prn|aux|nul|com[0-9]|lpt[0-9])(\..*)?$/i;

const STAGING_PREFIX = 'dataspace-upload-';
const OWNER_FILE = '.owner-pid';

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * A host that was killed (SIGKILL, power loss) could not delete its staged raw files. The next
 * host removes staging folders whose owning process is gone, so they do not linger in temp.
 */
async function removeOrphanedStaging(parent: string): Promise<void> {
  const names = await readdir(parent).catch(() => [] as string[]);
  for (const name of names) {
    if (!name.startsWith(STAGING_PREFIX)) continue;
    const dir = join(parent, name);
    const owner = Number(await readFile(join(dir, OWNER_FILE), 'utf8').catch(() => NaN));
    if (Number.isInteger(owner) && owner > 0 && !processAlive(owner)) {
      await rm(dir, { recursive: true, force: true }).catch(() => undefined);
    }
  }
}

/** Raised when an upload exceeds the configured size limit. */
export class UploadTooLargeError extends InvalidInputError {
  constructor(limit: number) {
    super(`The file is larger than the upload limit of ${limit} bytes.`, 'upload-too-large');
  }
}

/**
 * Turns the client's URL-encoded relative path (from `webkitRelativePath`) into safe path segments.
 * Traversal (`..`) and absolute paths are refused outright rather than silently rewritten, so a
 * hostile name is visible as an error; harmless oddities (Windows-reserved characters) are replaced.
 */
export function sanitizeUploadName(raw: string): string[] {
  let name: string;
  try {
    name = decodeURIComponent(raw);
  } catch {
    throw new InvalidInputError('The file name is not valid URL encoding.', 'invalid-file-name');
  }
  if (name.length === 0 || name.length > MAX_NAME_LENGTH) {
    throw new InvalidInputError('The file name is empty or too long.', 'invalid-file-name');
  }
  // eslint-disable-next-line no-control-regex -- control characters are exactly what we refuse
  if (/[\u0000-\u001f\u007f]/.test(name)) {
    throw new InvalidInputError('The file name contains control characters.', 'invalid-file-name');
  }
  if (name.startsWith('/') || name.startsWith('\\') || /^[A-Za-z]:/.test(name)) {
    throw new InvalidInputError('The file name must be a relative path.', 'invalid-file-name');
  }
  const segments = name.split(/[\\/]+/).filter((s) => s !== '' && s !== '.');
  if (segments.some((s) => s === '..')) {
    throw new InvalidInputError('The file name must not contain "..".', 'invalid-file-name');
  }
  if (segments.length === 0 || segments.length > MAX_SEGMENTS) {
    throw new InvalidInputError(
      'The file name has no usable path segments or is nested too deeply.',
      'invalid-file-name',
    );
  }
  return segments.map((segment) => {
    let clean = segment.replace(/[<>:"|?*]/g, '_').replace(/[. ]+$/, '');
    if (clean === '') clean = '_';
    if (WINDOWS_RESERVED.test(clean)) clean = `_${clean}`;
    if (Buffer.byteLength(clean) > MAX_SEGMENT_BYTES) {
      throw new InvalidInputError(
        'A path segment of the file name is longer than 255 bytes.',
        'invalid-file-name',
      );
    }
    return clean;
  });
}

/** The per-launch staging folder: receives uploads and forgets them when their import ends. */
export class WebUploadStaging {
  /** Upload folders not yet handed to an import, by staged file path. */
  private readonly pending = new Map<string, string>();
  private readonly byJob = new Map<string, Set<string>>();
  private readonly finishedJobs = new Set<string>();

  private constructor(readonly root: string) {}

  /** Creates `dataspace-upload-*` under `parent` (default: the OS temp dir), readable only by us. */
  static async create(parent: string = tmpdir()): Promise<WebUploadStaging> {
    await mkdir(parent, { recursive: true });
    await removeOrphanedStaging(parent);
    const root = await mkdtemp(join(parent, STAGING_PREFIX));
    await writeFile(join(root, OWNER_FILE), String(process.pid), { mode: 0o600 });
    return new WebUploadStaging(root);
  }

  /** Streams one request body to a fresh upload folder; returns the staged file's path. */
  async receive(body: IncomingMessage, rawName: string, maxBytes: number): Promise<string> {
    const segments = sanitizeUploadName(rawName);
    const declared = Number(body.headers['content-length'] ?? NaN);
    if (Number.isFinite(declared) && declared > maxBytes) throw new UploadTooLargeError(maxBytes);

    // One folder per upload keeps same-named files from different picks apart.
    const uploadDir = join(this.root, randomBytes(12).toString('hex'));
    const target = resolve(uploadDir, ...segments);
    const rel = relative(uploadDir, target);
    if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) {
      throw new InvalidInputError('The file name escapes the staging folder.', 'invalid-file-name');
    }
    await mkdir(join(target, '..'), { recursive: true, mode: 0o700 });
    let received = 0;
    const limiter = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        received += chunk.length;
        if (received > maxBytes) callback(new UploadTooLargeError(maxBytes));
        else callback(null, chunk);
      },
    });
    try {
      await pipeline(body, limiter, createWriteStream(target, { flags: 'wx', mode: 0o600 }));
    } catch (error) {
      await rm(uploadDir, { recursive: true, force: true });
      throw error;
    }
    this.pending.set(target, uploadDir);
    return target;
  }

  /** Ties staged files named in an import request to its job, so they go when it finishes. */
  claim(jobId: string, paths: readonly string[]): void {
    const dirs = this.byJob.get(jobId) ?? new Set<string>();
    for (const path of paths) {
      const dir = this.pending.get(path);
      if (dir === undefined) continue;
      this.pending.delete(path);
      dirs.add(dir);
    }
    if (dirs.size === 0) return;
    this.byJob.set(jobId, dirs);
    // A very short job can finish before the call that started it has returned.
    if (this.finishedJobs.has(jobId)) void this.release(jobId);
  }

  /** Deletes the staged files of a finished job. */
  async release(jobId: string): Promise<void> {
    this.finishedJobs.add(jobId);
    const dirs = this.byJob.get(jobId);
    if (!dirs) return;
    this.byJob.delete(jobId);
    await Promise.all([...dirs].map((dir) => rm(dir, { recursive: true, force: true })));
  }

  /** Drops staged files that a failed import request named, so raw inputs do not linger. */
  async discard(paths: readonly string[]): Promise<void> {
    const dirs = new Set<string>();
    for (const path of paths) {
      const dir = this.pending.get(path);
      if (dir === undefined) continue;
      this.pending.delete(path);
      dirs.add(dir);
    }
    await Promise.all([...dirs].map((dir) => rm(dir, { recursive: true, force: true })));
  }

  /** Removes the whole staging folder (host shutdown). */
  async dispose(): Promise<void> {
    this.pending.clear();
    this.byJob.clear();
    await rm(this.root, { recursive: true, force: true });
  }
}
