// A small pool of DICOM de-identification workers. De-identification is CPU-bound and files are
// independent, so spreading them over the cores is the biggest win for large imaging exports
// (gdcmanon, the reference tool, runs on one thread). Buffers cross threads by transfer.
import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import type { DeidentifiedInstanceSummary, DicomRejectionCode } from '../deid/dicom/deidentify-dicom.ts';
import type { DicomDeidOptions } from '../deid/dicom/dicom-deid-options.ts';
import type { MrnSystemMapping } from '../deid/dicom/mrn-system-mapping.ts';
import { startWorker } from '../util/worker-entry.ts';

/** What every worker of a pool is started with. */
export interface DicomDeidWorkerInit {
  secret: Uint8Array;
  options: DicomDeidOptions;
  mrnSystems: MrnSystemMapping;
}

export interface DicomDeidRequest {
  id: number;
  bytes: ArrayBuffer;
  byteLength: number;
}

/** One file's result. `inputSha256` is of the file as read (before any gunzip). */
export type DicomDeidReply = { id: number; inputSha256: string } & (
  | { outcome: 'ok'; output: Uint8Array; outputSha256: string; pseudonym: string; summary: DeidentifiedInstanceSummary; mrnConfigured: boolean }
  | { outcome: 'quarantine'; reason: string; pseudonym: string; summary: DeidentifiedInstanceSummary; mrnConfigured: boolean }
  | { outcome: 'rejected'; code: DicomRejectionCode; reason: string; offset: number | null }
);

export type DicomDeidResult = DicomDeidReply extends infer R ? (R extends unknown ? Omit<R, 'id'> : never) : never;

/**
 * The bytes as a Uint8Array that owns its whole ArrayBuffer, so it can be transferred. Small
 * Buffers share Node's allocation pool, and transferring the pool would detach other buffers.
 */
export function transferable(bytes: Uint8Array): Uint8Array {
  if (bytes.byteOffset === 0 && bytes.buffer.byteLength === bytes.byteLength && bytes.buffer instanceof ArrayBuffer) return bytes;
  const copy = new Uint8Array(new ArrayBuffer(bytes.byteLength));
  copy.set(bytes);
  return copy;
}

/** One worker per core, at most four: the import thread itself mostly waits on I/O. */
export function defaultDicomThreads(): number {
  return Math.max(1, Math.min(4, availableParallelism()));
}

interface Task {
  id: number;
  bytes: Uint8Array;
  resolve(result: DicomDeidResult): void;
  reject(error: Error): void;
}

interface PoolWorker {
  worker: Worker;
  task: Task | null;
}

export class DicomDeidPool {
  private readonly workers: PoolWorker[] = [];
  private readonly queue: Task[] = [];
  private nextId = 0;
  private closed = false;

  constructor(
    private readonly init: DicomDeidWorkerInit,
    private readonly size = defaultDicomThreads(),
  ) {}

  /** De-identifies one file. `bytes` is transferred when it owns its buffer: do not use it after. */
  run(bytes: Uint8Array): Promise<DicomDeidResult> {
    if (this.closed) return Promise.reject(new Error('the DICOM de-identification pool is closed'));
    return new Promise((resolve, reject) => {
      this.queue.push({ id: ++this.nextId, bytes, resolve, reject });
      this.dispatch();
    });
  }

  private dispatch(): void {
    while (this.queue.length > 0) {
      let idle = this.workers.find((w) => w.task === null);
      if (!idle && this.workers.length < this.size) idle = this.spawn();
      if (!idle) return;
      const task = this.queue.shift()!;
      idle.task = task;
      const bytes = transferable(task.bytes);
      const request: DicomDeidRequest = { id: task.id, bytes: bytes.buffer as ArrayBuffer, byteLength: bytes.byteLength };
      idle.worker.postMessage(request, [request.bytes]);
    }
  }

  private spawn(): PoolWorker {
    const entry: PoolWorker = { worker: startWorker('dicom-deid-worker', import.meta.url, { workerData: this.init }), task: null };
    this.workers.push(entry);
    entry.worker.on('message', (reply: DicomDeidReply) => {
      const task = entry.task;
      entry.task = null;
      if (task && task.id === reply.id) {
        const { id: _id, ...result } = reply;
        task.resolve(result as DicomDeidResult);
      }
      this.dispatch();
    });
    // A crashed worker (a bug, or memory exhausted by one huge file) fails only its own file.
    const lost = (message: string) => {
      const index = this.workers.indexOf(entry);
      if (index >= 0) this.workers.splice(index, 1);
      entry.task?.reject(new Error(message));
      entry.task = null;
      if (!this.closed) this.dispatch();
    };
    entry.worker.on('error', (error) => lost(`the de-identification worker failed (${error.message})`));
    entry.worker.on('exit', (code) => lost(`the de-identification worker stopped (exit code ${code})`));
    return entry;
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const task of this.queue.splice(0)) task.reject(new Error('the DICOM de-identification pool is closed'));
    await Promise.all(this.workers.splice(0).map((w) => w.worker.terminate()));
  }
}
