// SHA-256 of a whole file, read through one reused buffer.
import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';
import { CancellationError } from './errors.ts';

const CHUNK_BYTES = 1024 * 1024;

/**
 * The file's SHA-256 as hex. One buffer serves every read: a stream allocates a buffer per chunk,
 * and hashing a 500 MB export that way left V8 with 500 MB of external memory to account for,
 * which it answered with a full collection about every 64 MB on the import thread.
 */
export async function sha256OfFile(path: string, signal?: AbortSignal): Promise<string> {
  const hash = createHash('sha256');
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.allocUnsafe(CHUNK_BYTES);
    for (;;) {
      if (signal?.aborted) throw new CancellationError();
      const { bytesRead } = await handle.read(buffer, 0, CHUNK_BYTES, null);
      if (bytesRead === 0) return hash.digest('hex');
      hash.update(buffer.subarray(0, bytesRead));
    }
  } finally {
    await handle.close();
  }
}
