// A small pool of DICOM de-identification workers. De-identification is CPU-bound and files are
// independent, so spreading them over the cores is the biggest win for large imaging exports
// (gdcmanon, the reference tool, runs on one thread). Only paths go in and facts come out: each
// worker reads, de-identifies and stores its file itself (dicom-deid-worker.ts).
import { availableParallelism } from 'node:os';
import type { Worker, WorkerOptions } from 'node:worker_threads';
import type { DeidentifiedInstanceSummary, DicomRejectionCode } from '../deid/dicom/deidentify-dicom.ts';
import type { DicomDeidOptions } from '../deid/dicom/dicom-deid-options.ts';
import type { MrnSystemMapping } from '../deid/dicom/mrn-system-mapping.ts';
import { startWorker } from '../util/worker-entry.ts';

/** What every worker of a pool is started with. */
export interface DicomDeidWorkerInit {
  secret: Uint8Array;
  options: DicomDeidOptions;
  mrnSystems: MrnSystemMapping;
  /** The data folder: de-identified files go to its dicom/ folder. */
  dataDir: string;
}

export interface DicomDeidRequest {
  type: 'file';
  id: number;
  path: string;
  /** Larger files (or gzip contents) are refused. */
  maxBytes: number;
}

/** What a worker is sent: its settings once, first, then files. */
export type DicomDeidWorkerMessage = { type: 'init'; init: DicomDeidWorkerInit } | DicomDeidRequest;

/** One file's result. `inputSha256` is of the file as read (before any gunzip), only where kept. */
export type DicomDeidReply = { id: number; bytesRead: number; inputSha256: string | null } & (
  | {
      outcome: 'ok';
      outputSha256: string;
      outputBytes: number;
      /** Where the de-identified file is, relative to the data folder. */
      relativePath: string;
      /** False when an identical file was already stored. */
      created: boolean;
      pseudonym: string;
      summary: DeidentifiedInstanceSummary;
      mrnConfigured: boolean;
    }
  | { outcome: 'quarantine'; inputSha256: string; reason: string; pseudonym: string; summary: DeidentifiedInstanceSummary; mrnConfigured: boolean }
  | { outcome: 'rejected'; code: DicomRejectionCode | 'unreadable'; reason: string; offset: number | null }
);

export type DicomDeidResult = DicomDeidReply extends infer R ? (R extends unknown ? Omit<R, 'id'> : never) : never;

/** One worker per core, at most four: the import thread itself mostly waits. */
export function defaultDicomThreads(): number {
  return Math.max(1, Math.min(4, availableParallelism()));
}

/** A larger young generation: parsing allocates short-lived objects by the million. */
const WORKER_OPTIONS: WorkerOptions = { resourceLimits: { maxYoungGenerationSizeMb: 48 } };

/** Starts a de-identification thread that waits for a pool to give it a job's settings. */
export function startIdleDicomWorker(): Worker {
  return startWorker('dicom-deid-worker', import.meta.url, WORKER_OPTIONS);
}

interface Task {
  id: number;
  path: string;
  maxBytes: number;
  resolve(result: DicomDeidResult): void;
  reject(error: Error): void;
}

interface PoolWorker {
  worker: Worker;
  /** Posted to this worker and not answered yet, oldest first (a worker answers in order). */
  tasks: Task[];
}

/**
 * Tasks posted to one worker at a time: the next file is already waiting when the worker answers,
 * so it never idles while this thread reads the answer and posts more.
 */
const TASKS_PER_WORKER = 2;
const POOL_CLOSED = 'the DICOM de-identification pool is closed';

export class DicomDeidPool {
  private readonly workers: PoolWorker[] = [];
  private readonly queue: Task[] = [];
  private nextId = 0;
  private closed = false;

  constructor(
    private readonly init: DicomDeidWorkerInit,
    private readonly size = defaultDicomThreads(),
    /** Starts one worker; tests put a stand-in here to see how the pool survives a crash. */
    private readonly start: (options: WorkerOptions) => Worker = (options) => startWorker('dicom-deid-worker', import.meta.url, options),
    /** Threads already started (startIdleDicomWorker), taken out of this array before any new one is started. */
    private readonly ready: Worker[] = [],
  ) {
    // Those beyond the pool's size are not needed.
    for (const extra of ready.splice(size)) void extra.terminate();
  }

  /** De-identifies and stores one file; rejects only when a worker dies on it. */
  run(path: string, maxBytes: number): Promise<DicomDeidResult> {
    if (this.closed) return Promise.reject(new Error(POOL_CLOSED));
    return new Promise((resolve, reject) => {
      this.queue.push({ id: ++this.nextId, path, maxBytes, resolve, reject });
      this.dispatch();
    });
  }

  private dispatch(): void {
    while (this.queue.length > 0) {
      let target: PoolWorker | undefined;
      // The least busy worker; a new one while the pool is below its size and all are busy.
      for (const w of this.workers) if (!target || w.tasks.length < target.tasks.length) target = w;
      if ((!target || target.tasks.length > 0) && this.workers.length < this.size) target = this.spawn();
      if (!target || target.tasks.length >= TASKS_PER_WORKER) return;
      const task = this.queue.shift()!;
      target.tasks.push(task);
      target.worker.postMessage({ type: 'file', id: task.id, path: task.path, maxBytes: task.maxBytes } satisfies DicomDeidWorkerMessage);
    }
  }

  private spawn(): PoolWorker {
    const worker = this.ready.shift() ?? this.start(WORKER_OPTIONS);
    worker.postMessage({ type: 'init', init: this.init } satisfies DicomDeidWorkerMessage);
    const entry: PoolWorker = { worker, tasks: [] };
    this.workers.push(entry);
    worker.on('message', (reply: DicomDeidReply) => {
      const task = entry.tasks[0];
      if (task && task.id === reply.id) {
        entry.tasks.shift();
        const { id: _id, ...result } = reply;
        task.resolve(result as DicomDeidResult);
      }
      this.dispatch();
    });
    // A crashed worker (a bug, or memory exhausted by one huge file) fails only the file it was on;
    // the files waiting behind it go back to the front of the queue for another worker.
    const lost = (message: string) => {
      const index = this.workers.indexOf(entry);
      if (index >= 0) this.workers.splice(index, 1);
      const [current, ...waiting] = entry.tasks.splice(0);
      current?.reject(new Error(message));
      if (this.closed) {
        for (const task of waiting) task.reject(new Error(POOL_CLOSED));
        return;
      }
      this.queue.unshift(...waiting);
      this.dispatch();
    };
    worker.on('error', (error) => lost(`the de-identification worker failed (${error.message})`));
    worker.on('exit', (code) => lost(`the de-identification worker stopped (exit code ${code})`));
    return entry;
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const task of this.queue.splice(0)) task.reject(new Error(POOL_CLOSED));
    await Promise.all([...this.workers.splice(0).map((w) => w.worker.terminate()), ...this.ready.splice(0).map((w) => w.terminate())]);
  }
}
