// Small files (DICOM instances) written concurrently, at most `limit` at a time, so the
// generator keeps simulating while the disk catches up, and memory stays bounded.
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

export class BoundedFileWrites {
  private readonly inFlight = new Set<Promise<void>>();
  /** Directories being created; an entry leaves once its mkdir has finished. */
  private readonly making = new Map<string, Promise<unknown>>();
  private failure: unknown = null;

  constructor(private readonly limit = 32) {}

  /** Queues a write (creating its directory, whose parent must exist); resolves once there is room for another. */
  async write(path: string, bytes: Buffer): Promise<void> {
    if (this.failure !== null) throw this.failure;
    const dir = dirname(path);
    let made = this.making.get(dir);
    if (!made) {
      // Non-recursive: recursive mkdir costs several extra system calls per directory.
      made = mkdir(dir)
        .catch((error: NodeJS.ErrnoException) => (error.code === 'EEXIST' ? undefined : Promise.reject(error)))
        .finally(() => this.making.delete(dir));
      this.making.set(dir, made);
    }
    const task = made.then(() => writeFile(path, bytes)).catch((error: unknown) => {
      this.failure ??= error;
    });
    const tracked: Promise<void> = task.finally(() => this.inFlight.delete(tracked));
    this.inFlight.add(tracked);
    while (this.inFlight.size >= this.limit) await Promise.race(this.inFlight);
  }

  /** Waits for every queued write; rethrows the first failure. */
  async flush(): Promise<void> {
    await Promise.all(this.inFlight);
    if (this.failure !== null) throw this.failure;
  }
}
