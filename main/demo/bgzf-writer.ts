// BGZF (SAM/BAM specification v1, section 4.1): a series of gzip members of at most 64 KiB,
// each with the "BC" extra subfield holding its own size, then the fixed 28-byte EOF member.
// Plain gzip readers decompress it; htslib/tabix-style readers can seek in it.
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { crc32, deflateRawSync } from 'node:zlib';

/** Input bytes per block: htslib's limit, leaving room for incompressible data in 64 KiB. */
const BLOCK_INPUT = 0xff00;

export const BGZF_EOF = Buffer.from('1f8b08040000000000ff0600424302001b0003000000000000000000', 'hex');

/** One BGZF block (a complete gzip member) for up to 65,280 bytes of input. */
export function bgzfBlock(data: Buffer): Buffer {
  const deflated = deflateRawSync(data, { level: 6 });
  const size = 18 + deflated.length + 8;
  const block = Buffer.alloc(size);
  // ID1 ID2 CM FLG(FEXTRA) MTIME(0) XFL OS(unknown) XLEN=6, then subfield 'B''C' SLEN=2 BSIZE.
  block.set([0x1f, 0x8b, 0x08, 0x04, 0, 0, 0, 0, 0, 0xff, 6, 0, 0x42, 0x43, 2, 0], 0);
  block.writeUInt16LE(size - 1, 16);
  deflated.copy(block, 18);
  block.writeUInt32LE(crc32(data), size - 8);
  block.writeUInt32LE(data.length, size - 4);
  return block;
}

/** Streams text into BGZF blocks on a writable, honouring its backpressure. */
export class BgzfWriter {
  private pending: Buffer[] = [];
  private pendingBytes = 0;

  constructor(private readonly out: Writable) {}

  async write(text: string): Promise<void> {
    const bytes = Buffer.from(text, 'utf8');
    this.pending.push(bytes);
    this.pendingBytes += bytes.length;
    while (this.pendingBytes >= BLOCK_INPUT) await this.emit(BLOCK_INPUT);
  }

  /** Flushes what is buffered, writes the EOF marker and ends the stream. */
  async close(): Promise<void> {
    while (this.pendingBytes > 0) await this.emit(Math.min(this.pendingBytes, BLOCK_INPUT));
    await this.push(BGZF_EOF);
    this.out.end();
    await once(this.out, 'finish');
  }

  private async emit(length: number): Promise<void> {
    const all = this.pending.length === 1 ? this.pending[0]! : Buffer.concat(this.pending);
    const head = all.subarray(0, length);
    const rest = all.subarray(length);
    this.pending = rest.length > 0 ? [rest] : [];
    this.pendingBytes = rest.length;
    await this.push(bgzfBlock(head));
  }

  private async push(chunk: Buffer): Promise<void> {
    if (!this.out.write(chunk)) await once(this.out, 'drain');
  }
}
