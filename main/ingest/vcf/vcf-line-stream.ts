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
 * MAX_LINE_BYTES becomes a `null` placeholder and its bytes are skipped up to the next newline.
 */
class LineSplitter {
  /** The pieces of the unfinished line, joined once its newline arrives (a long line is copied once). */
  private carry: Buffer[] = [];
  private carryBytes = 0;
  private skippingLongLine = false;
  private lineNumber = 1;

  push(chunk: Buffer): VcfLineBatch | null {
    let start = 0;
    if (this.skippingLongLine) {
      const nl = chunk.indexOf(10);
      if (nl < 0) return null; // still inside the over-long line
      this.skippingLongLine = false;
      this.lineNumber += 1; // its placeholder was yielded when it overflowed
      start = nl + 1;
    }
    const firstLine = this.lineNumber;
    let lines: (string | null)[] = [];
    const last = chunk.lastIndexOf(10);
    if (last >= start) {
      // One decode and one split per chunk: far fewer allocations than a string per line.
      let text: string;
      if (this.carry.length === 0) {
        text = chunk.toString('utf8', start, last);
      } else {
        this.carry.push(chunk.subarray(start, last));
        text = Buffer.concat(this.carry).toString('utf8');
        this.carry = [];
        this.carryBytes = 0;
      }
      lines = text.split('\n');
      if (text.includes('\r')) {
        for (let i = 0; i < lines.length; i++) {
          const line = lines[i]!;
          if (line.endsWith('\r')) lines[i] = line.slice(0, -1);
        }
      }
      this.lineNumber += lines.length;
      start = last + 1;
    }
    if (start < chunk.length) {
      // Copied: the decoder may reuse the chunk's memory.
      this.carry.push(Buffer.from(chunk.subarray(start)));
      this.carryBytes += chunk.length - start;
      if (this.carryBytes > MAX_LINE_BYTES) {
        this.carry = [];
        this.carryBytes = 0;
        this.skippingLongLine = true;
        lines.push(null);
      }
    }
    return lines.length > 0 ? { firstLine, lines } : null;
  }

  /** The last line when the file does not end with a newline. */
  flush(): VcfLineBatch | null {
    if (this.carryBytes === 0) return null;
    const text = Buffer.concat(this.carry).toString('utf8');
    this.carry = [];
    this.carryBytes = 0;
    return { firstLine: this.lineNumber, lines: [text.endsWith('\r') ? text.slice(0, -1) : text] };
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
 * Yields the file's lines in batches (one batch per decoded chunk). Throws InvalidInputError for files
 * that cannot be read as text and CancellationError when `signal` aborts.
 */
export async function* readVcfLines(
  path: string,
  opts: VcfLineStreamOptions = {},
): AsyncGenerator<VcfLineBatch> {
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
