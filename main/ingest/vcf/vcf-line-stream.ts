// Streams a VCF file as batches of text lines: plain, gzip or BGZF (RFC 1952 multi-member gzip, which
// Node's gunzip reads member after member). Memory holds one compressed chunk and one partial line.
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { createGunzip } from 'node:zlib';
import type { Readable } from 'node:stream';
import { CancellationError, InvalidInputError } from '../../util/errors.ts';

/** A line longer than this is reported and skipped rather than buffered without bound. */
export const MAX_LINE_BYTES = 64 * 1024 * 1024;
const READ_BYTES = 1 << 20;
// Small decoded chunks keep each batch's records short-lived (young-generation garbage), which measured
// markedly faster than 1 MiB batches whose objects survived into the old generation.
const CHUNK_BYTES = 64 * 1024;

/** A batch of consecutive lines; `null` stands for a line that was too long and was skipped. */
export interface VcfLineBatch {
  /** 1-based number of the first line in `lines`. */
  readonly firstLine: number;
  readonly lines: readonly (string | null)[];
}

/**
 * A batch of consecutive lines as undecoded bytes: line i is `bytes[starts[i], ends[i])`, without its
 * newline or a trailing CR. When `overlong` is set, one more line follows them that was too long and
 * was skipped. Readers decode only the lines they need as text (UTF-8).
 */
export interface VcfRawLineBatch {
  /** 1-based number of the first line. */
  readonly firstLine: number;
  readonly bytes: Buffer;
  readonly count: number;
  readonly starts: Int32Array;
  readonly ends: Int32Array;
  readonly overlong: boolean;
}

/** Every line of a raw batch as text, decoded at once (one string per line costs more one by one). */
export function rawBatchLines(batch: VcfRawLineBatch): string[] {
  if (batch.count === 0) return [];
  const text = batch.bytes.toString('utf8', batch.starts[0]!, batch.ends[batch.count - 1]!);
  const lines = text.split('\n');
  if (text.includes('\r')) {
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i]!;
      if (line.endsWith('\r')) lines[i] = line.slice(0, -1);
    }
  }
  return lines;
}

export interface VcfLineStreamOptions {
  readonly signal?: AbortSignal;
  /** Called with the number of bytes read from disk (compressed bytes for gzip input). */
  readonly onBytes?: (n: number) => void;
}

type Container = 'plain' | 'gzip';

async function sniffContainer(path: string): Promise<Container> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT')
      throw new InvalidInputError('The VCF file does not exist.', 'vcf-not-found');
    if (code === 'EISDIR')
      throw new InvalidInputError('The path is a folder, not a VCF file.', 'vcf-not-a-file');
    throw new InvalidInputError('The VCF file cannot be opened.', 'vcf-unreadable');
  }
  try {
    const head = Buffer.alloc(8);
    const { bytesRead } = await handle.read(head, 0, 8, 0);
    if (bytesRead === 0) throw new InvalidInputError('The file is empty.', 'vcf-empty');
    if (head[0] === 0x1f && head[1] === 0x8b) return 'gzip';
    if (head.subarray(0, 3).toString('latin1') === 'BZh')
      throw notVcf('it is bzip2-compressed (use bgzip or gzip)');
    if (head[0] === 0xfd && head.subarray(1, 6).toString('latin1') === '7zXZ\u0000') {
      throw notVcf('it is xz-compressed (use bgzip or gzip)');
    }
    if (head.readUInt32LE(0) === 0xfd2fb528)
      throw notVcf('it is zstd-compressed (use bgzip or gzip)');
    if (head.subarray(0, 4).toString('latin1') === 'PK\u0003\u0004')
      throw notVcf('it is a zip archive');
    return 'plain';
  } finally {
    await handle.close();
  }
}

function notVcf(why: string): InvalidInputError {
  return new InvalidInputError(`This is not a VCF file: ${why}.`, 'vcf-not-vcf');
}

/** Checks the first decompressed bytes for binary formats that are not text VCF. */
function checkFirstBytes(chunk: Buffer): void {
  if (chunk.subarray(0, 3).toString('latin1') === 'BCF') {
    throw notVcf('it is BCF (binary VCF); convert it with `bcftools view -Oz`');
  }
  const probe = chunk.subarray(0, Math.min(chunk.length, 4096));
  if (probe.includes(0)) throw notVcf('it contains binary data');
}

/**
 * Cuts decoded chunks into lines, carrying a partial line to the next chunk. A line longer than
 * MAX_LINE_BYTES is reported as `overlong` and its bytes are skipped up to the next newline.
 */
class LineSplitter {
  /** The pieces of the unfinished line, joined once its newline arrives (a long line is copied once). */
  private carry: Buffer[] = [];
  private carryBytes = 0;
  private skippingLongLine = false;
  private lineNumber = 1;
  private starts = new Int32Array(1024);
  private ends = new Int32Array(1024);

  push(chunk: Buffer): VcfRawLineBatch | null {
    let start = 0;
    if (this.skippingLongLine) {
      const nl = chunk.indexOf(10);
      if (nl < 0) return null; // still inside the over-long line
      this.skippingLongLine = false;
      this.lineNumber += 1; // its placeholder was reported when it overflowed
      start = nl + 1;
    }
    const firstLine = this.lineNumber;
    let bytes = chunk;
    let count = 0;
    const last = chunk.lastIndexOf(10);
    if (last >= start) {
      let from = start;
      if (this.carry.length > 0) {
        this.carry.push(chunk.subarray(start, last + 1));
        bytes = Buffer.concat(this.carry);
        this.carry = [];
        this.carryBytes = 0;
        from = 0;
      }
      const stop = bytes === chunk ? last : bytes.length - 1;
      count = this.cutLines(bytes, from, stop);
      this.lineNumber += count;
      start = last + 1;
    }
    let overlong = false;
    if (start < chunk.length) {
      // Copied: the decoder may reuse the chunk's memory.
      this.carry.push(Buffer.from(chunk.subarray(start)));
      this.carryBytes += chunk.length - start;
      if (this.carryBytes > MAX_LINE_BYTES) {
        this.carry = [];
        this.carryBytes = 0;
        this.skippingLongLine = true;
        overlong = true;
      }
    }
    if (count === 0 && !overlong) return null;
    // Copies of the offsets: the batch may outlive the next push.
    return { firstLine, bytes, count, starts: this.starts.slice(0, count), ends: this.ends.slice(0, count), overlong };
  }

  /** Records the lines of `bytes[from, stop]`, where `stop` is the last newline; returns their number. */
  private cutLines(bytes: Buffer, from: number, stop: number): number {
    let count = 0;
    let lineStart = from;
    while (lineStart <= stop) {
      const nl = bytes.indexOf(10, lineStart);
      if (count === this.starts.length) {
        const grown = count * 2;
        const starts = new Int32Array(grown);
        starts.set(this.starts);
        this.starts = starts;
        const ends = new Int32Array(grown);
        ends.set(this.ends);
        this.ends = ends;
      }
      this.starts[count] = lineStart;
      this.ends[count] = nl > lineStart && bytes[nl - 1] === 13 ? nl - 1 : nl;
      count += 1;
      lineStart = nl + 1;
    }
    return count;
  }

  /** The last line when the file does not end with a newline. */
  flush(): VcfRawLineBatch | null {
    if (this.carryBytes === 0) return null;
    const bytes = Buffer.concat(this.carry);
    this.carry = [];
    this.carryBytes = 0;
    const end = bytes[bytes.length - 1] === 13 ? bytes.length - 1 : bytes.length;
    return { firstLine: this.lineNumber, bytes, count: 1, starts: Int32Array.of(0), ends: Int32Array.of(end), overlong: false };
  }
}

function openSource(
  path: string,
  container: Container,
  onBytes: ((n: number) => void) | undefined,
) {
  const raw = createReadStream(path, {
    highWaterMark: container === 'gzip' ? READ_BYTES : CHUNK_BYTES,
  });
  if (onBytes) raw.on('data', (chunk) => onBytes(chunk.length));
  if (container === 'plain') return { raw, source: raw as Readable };
  const gunzip = createGunzip({ chunkSize: CHUNK_BYTES });
  raw.on('error', (error) => gunzip.destroy(error));
  return { raw, source: raw.pipe(gunzip) as Readable };
}

/**
 * Yields the file's lines as undecoded bytes in batches (one batch per decoded chunk). Throws
 * InvalidInputError for files that cannot be read as text and CancellationError when `signal` aborts.
 */
export async function* readVcfRawLines(
  path: string,
  opts: VcfLineStreamOptions = {},
): AsyncGenerator<VcfRawLineBatch> {
  const container = await sniffContainer(path);
  const { raw, source } = openSource(path, container, opts.onBytes);
  const onAbort = () => source.destroy(new CancellationError());
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  const splitter = new LineSplitter();
  let first = true;
  try {
    if (opts.signal?.aborted) throw new CancellationError();
    for await (const chunk of source as AsyncIterable<Buffer>) {
      if (first) {
        checkFirstBytes(chunk);
        first = false;
      }
      const batch = splitter.push(chunk);
      if (batch !== null) yield batch;
      if (opts.signal?.aborted) throw new CancellationError();
    }
    const rest = splitter.flush();
    if (rest !== null) yield rest;
    if (first) throw new InvalidInputError('The file is empty.', 'vcf-empty');
  } catch (error) {
    if (error instanceof CancellationError || error instanceof InvalidInputError) throw error;
    if (opts.signal?.aborted) throw new CancellationError();
    const code = (error as NodeJS.ErrnoException).code ?? '';
    if (code.startsWith('Z_') || code === 'ERR_ZLIB_INITIALIZATION_FAILED') {
      throw new InvalidInputError(
        'The compressed data is corrupt or truncated.',
        'vcf-corrupt-compression',
      );
    }
    throw error;
  } finally {
    opts.signal?.removeEventListener('abort', onAbort);
    source.destroy();
    raw.destroy();
  }
}

/** The file's lines as text, in batches (one batch per decoded chunk); see `readVcfRawLines`. */
export async function* readVcfLines(
  path: string,
  opts: VcfLineStreamOptions = {},
): AsyncGenerator<VcfLineBatch> {
  for await (const batch of readVcfRawLines(path, opts)) {
    const lines: (string | null)[] = rawBatchLines(batch);
    if (batch.overlong) lines.push(null);
    yield { firstLine: batch.firstLine, lines };
  }
}
