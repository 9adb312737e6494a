// A BGZF writer (SAMv1 specification section 4.1): gzip members of at most 64 KiB, each with the 'BC'
// extra subfield giving the member size, ending with the 28-byte empty EOF member. bcftools and tabix
// need exactly this framing to read and index the file. The file is written under a temporary name and
// renamed on close, so a cancelled or failed import never leaves a partial copy behind.
import { randomBytes } from 'node:crypto';
import { open, rename, rm } from 'node:fs/promises';
import { promisify } from 'node:util';
import { crc32, deflateRaw, deflateRawSync } from 'node:zlib';
import type { FileHandle } from 'node:fs/promises';

// htslib's BGZF_BLOCK_SIZE (0xff00): deflate output for this much input always fits a 64 KiB member.
const BLOCK_INPUT_BYTES = 0xff00;
const HEADER_BYTES = 18;
const FOOTER_BYTES = 8;
const FLUSH_BYTES = 4 * 1024 * 1024;

/** The empty BGZF member that marks a complete file (SAMv1 4.1.2). */
export const BGZF_EOF = Buffer.from(
  '1f8b08040000000000ff0600424302001b0003000000000000000000',
  'hex',
);

const deflateRawAsync = promisify(deflateRaw);

/** Compresses up to 0xff00 bytes into one BGZF member. */
export function bgzfBlock(data: Buffer): Buffer {
  checkBlockInput(data);
  return bgzfMember(data, deflateRawSync(data, { level: 6 }));
}

/** As bgzfBlock, compressing on libuv's thread pool so the caller's thread goes on parsing meanwhile. */
export async function bgzfBlockAsync(data: Buffer): Promise<Buffer> {
  checkBlockInput(data);
  return bgzfMember(data, await deflateRawAsync(data, { level: 6 }));
}

function checkBlockInput(data: Buffer): void {
  if (data.length > BLOCK_INPUT_BYTES)
    throw new RangeError('BGZF block input exceeds 0xff00 bytes');
}

function bgzfMember(data: Buffer, compressed: Buffer): Buffer {
  const total = HEADER_BYTES + compressed.length + FOOTER_BYTES;
  const block = Buffer.allocUnsafe(total);
  block[0] = 0x1f;
  block[1] = 0x8b;
  block[2] = 8; // CM = deflate
  block[3] = 4; // FLG.FEXTRA
  block.writeUInt32LE(0, 4); // MTIME: none, so the copy carries no timestamp
  block[8] = 0; // XFL
  block[9] = 0xff; // OS unknown
  block.writeUInt16LE(6, 10); // XLEN
  block[12] = 66; // 'B'
  block[13] = 67; // 'C'
  block.writeUInt16LE(2, 14); // SLEN
  block.writeUInt16LE(total - 1, 16); // BSIZE - 1
  compressed.copy(block, HEADER_BYTES);
  block.writeUInt32LE(crc32(data) >>> 0, total - 8);
  block.writeUInt32LE(data.length, total - 4);
  return block;
}

/**
 * Streams text into a BGZF file. `write` buffers; full blocks are compressed on the thread pool while
 * writing goes on; `drain` writes the finished members in order; `close` commits.
 */
export class BgzfWriter {
  private block = Buffer.allocUnsafe(BLOCK_INPUT_BYTES);
  private used = 0;
  private pending: Promise<Buffer>[] = [];
  /** Uncompressed bytes of the pending members (what is held in memory until the next drain). */
  private pendingBytes = 0;
  private closed = false;

  private constructor(
    private readonly handle: FileHandle,
    private readonly tempPath: string,
    private readonly finalPath: string,
  ) {}

  static async create(path: string): Promise<BgzfWriter> {
    const tempPath = `${path}.partial-${randomBytes(6).toString('hex')}`;
    const handle = await open(tempPath, 'wx', 0o600);
    return new BgzfWriter(handle, tempPath, path);
  }

  /** Appends text (UTF-8). */
  write(text: string): void {
    if (this.closed) throw new Error('BgzfWriter is closed');
    const bytes = Buffer.byteLength(text);
    if (bytes <= BLOCK_INPUT_BYTES - this.used) {
      this.block.write(text, this.used, 'utf8');
      this.used += bytes;
      if (this.used === BLOCK_INPUT_BYTES) this.sealBlock();
      return;
    }
    const data = Buffer.from(text, 'utf8');
    let offset = 0;
    while (offset < data.length) {
      const n = Math.min(BLOCK_INPUT_BYTES - this.used, data.length - offset);
      data.copy(this.block, this.used, offset, offset + n);
      this.used += n;
      offset += n;
      if (this.used === BLOCK_INPUT_BYTES) this.sealBlock();
    }
  }

  /** Whether enough compressed data is buffered that the caller should `drain()`. */
  get needsDrain(): boolean {
    return this.pendingBytes >= FLUSH_BYTES;
  }

  private sealBlock(): void {
    if (this.used === 0) return;
    const member = bgzfBlockAsync(this.block.subarray(0, this.used));
    // A failed block surfaces in drain(); until then it must not count as an unhandled rejection.
    member.catch(() => undefined);
    this.pending.push(member);
    this.pendingBytes += this.used;
    this.block = Buffer.allocUnsafe(BLOCK_INPUT_BYTES);
    this.used = 0;
  }

  /** Writes the buffered members to disk, in order, once compressed. */
  async drain(): Promise<void> {
    if (this.pending.length === 0) return;
    const pending = this.pending;
    this.pending = [];
    this.pendingBytes = 0;
    await this.handle.write(Buffer.concat(await Promise.all(pending)));
  }

  /** Flushes, appends the EOF member, syncs and renames the file into place. */
  async close(): Promise<void> {
    this.sealBlock();
    this.pending.push(Promise.resolve(BGZF_EOF));
    await this.drain();
    this.closed = true;
    await this.handle.sync();
    await this.handle.close();
    await rename(this.tempPath, this.finalPath);
  }

  /** Discards everything written so far. */
  async abort(): Promise<void> {
    if (!this.closed) {
      this.closed = true;
      await this.handle.close().catch(() => undefined);
    }
    await rm(this.tempPath, { force: true });
  }
}
