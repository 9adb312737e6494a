// Import jobs as seen from the engine's thread: start a worker per job, keep its latest state,
// forward progress as events, cancel on request, and audit start and end.
import { randomUUID } from 'node:crypto';
import type { Worker } from 'node:worker_threads';
import type { ApiError, ImportJobState } from '../api/contract.ts';
import { SAFE_HARBOR_POLICY } from '../deid/safe-harbor-policy.ts';
import type { WritableDB } from '../store/database.ts';
import { createImportBatch } from '../store/import-writer.ts';
import { sql } from '../store/sql.ts';
import { startWorker } from '../util/worker-entry.ts';
import { dicomPolicyRecord, type DicomRunOptions } from './dicom-import.ts';
import type { ImportRunRequest } from './import-run.ts';
import type { VcfRunOptions } from './vcf-import.ts';

export type ImportWorkerCommand = { type: 'start'; request: ImportRunRequest } | { type: 'cancel' };
export type ImportWorkerMessage =
  | { type: 'progress'; seq: number; job: ImportJobState }
  | { type: 'finished'; seq: number; job: ImportJobState }
  | { type: 'failed'; seq: number; error: ApiError; stack?: string };

interface Job {
  state: ImportJobState;
  worker: Worker | null;
  done: Promise<ImportJobState>;
  lastSeq: number;
}

export interface ImportJobsDeps {
  databaseFile: string;
  dataDir: string;
  secret: Buffer;
  writer: WritableDB;
  audit(action: string, details: Record<string, unknown>): void;
  emit(type: 'import.progress' | 'import.finished', job: ImportJobState): void;
}

/** Per-job options by input kind. */
export interface ImportJobOptions {
  vcf?: VcfRunOptions;
  /** DICOM profile options and MRN-system mapping; files go to the engine's data folder. */
  dicom?: Omit<DicomRunOptions, 'dataDir'>;
}

/** Keeps finished jobs this long so the UI can fetch their report. */
const MAX_KEPT_JOBS = 50;

/** A larger young generation: parsing and de-identification allocate short-lived objects by the million. */
const IMPORT_WORKER_LIMITS = { maxYoungGenerationSizeMb: 32, maxOldGenerationSizeMb: 160 };

/**
 * Starts an import thread that waits for its job (see `ImportJobs.keepWorkerReady`). It does not
 * keep the process alive while it waits.
 */
export function startIdleImportWorker(): Worker {
  const worker = startImportWorker(true);
  worker.unref();
  return worker;
}

/** `ahead`: started before its job, so it also starts the DICOM threads a job would (import-worker.ts). */
function startImportWorker(ahead: boolean): Worker {
  return startWorker('import-worker', import.meta.url, { resourceLimits: IMPORT_WORKER_LIMITS, workerData: { startDicomWorkers: ahead } });
}

export class ImportJobs {
  private readonly jobs = new Map<string, Job>();
  /** Every import worker until it exits, including those refreshing features after their result. */
  private readonly workers = new Set<Worker>();
  /**
   * An import thread started ahead of the next job (see `keepWorkerReady`): starting one and loading
   * its code took 90–130 ms of every import before its first file. Not in `workers` until a job
   * takes it, and it does not keep the process alive.
   */
  private spare: Worker | null = null;
  private keepReady = false;

  constructor(private readonly deps: ImportJobsDeps) {}

  /**
   * Keeps one import thread started and idle from now on, for hosts where an import is the likely
   * next step (the desktop app, the web host, `dataspace import`). Costs one idle thread's memory.
   * `started` is one from `startIdleImportWorker`, started earlier (while the engine opened).
   */
  keepWorkerReady(started?: Worker): void {
    this.keepReady = true;
    this.prepareSpare(started);
  }

  private prepareSpare(started?: Worker): void {
    if (!this.keepReady || this.spare) {
      void started?.terminate();
      return;
    }
    const spare = started ?? startIdleImportWorker();
    // A spare that fails to start is simply not there: the next job starts its own thread.
    const lost = () => {
      if (this.spare === spare) this.spare = null;
    };
    spare.once('error', lost);
    spare.once('exit', lost);
    this.spare = spare;
  }

  private takeWorker(): Worker {
    const spare = this.spare;
    this.spare = null;
    if (!spare) return startImportWorker(false);
    spare.ref();
    return spare;
  }

  start(paths: string[], options: ImportJobOptions = {}): string {
    const jobId = randomUUID();
    const policy = { name: SAFE_HARBOR_POLICY.name, version: SAFE_HARBOR_POLICY.version };
    const batchId = createImportBatch(this.deps.writer, policy);
    const startedAt = new Date().toISOString();
    // Paths are not audited: export file names often carry patient names.
    const dicomPolicy = options.dicom ? dicomPolicyRecord(options.dicom.options) : null;
    this.deps.audit('import.started', {
      batch: batchId,
      inputs: paths.length,
      policy: `${policy.name} ${policy.version}`,
      ...(dicomPolicy ? { dicomPolicy: `${dicomPolicy.profile} ${dicomPolicy.version}`, dicomOptions: dicomPolicy.options } : {}),
    });
    const request: ImportRunRequest = {
      databaseFile: this.deps.databaseFile,
      secret: new Uint8Array(this.deps.secret),
      batchId,
      jobId,
      startedAt,
      paths,
      asOf: startedAt,
      ...(options.vcf ? { vcf: options.vcf } : {}),
      ...(options.dicom ? { dicom: { ...options.dicom, dataDir: this.deps.dataDir } } : {}),
    };
    const initial: ImportJobState = {
      jobId,
      batchId,
      state: 'running',
      startedAt,
      finishedAt: null,
      policy,
      files: [],
      totals: { accepted: 0, inserted: 0, unchanged: 0, rejected: 0, skipped: 0, bytesRead: 0, bytesTotal: 0, recordsPerSecond: 0 },
      skippedByType: {},
      issues: [],
    };
    const worker = this.takeWorker();
    this.workers.add(worker);
    worker.once('exit', () => this.workers.delete(worker));
    worker.postMessage({ type: 'start', request } satisfies ImportWorkerCommand);
    const job: Job = { state: initial, worker, lastSeq: 0, done: Promise.resolve(initial) };
    job.done = new Promise<ImportJobState>((resolve) => {
      let settled = false;
      const finish = (state: ImportJobState) => {
        if (settled) return;
        settled = true;
        job.state = state;
        job.worker = null;
        this.afterFinish(state);
        // The next spare starts once this job is over, not beside it.
        this.prepareSpare();
        resolve(state);
      };
      const fail = (error: ApiError) => {
        if (!settled) finish(this.failedState(job.state, error));
      };
      worker.on('message', (message: ImportWorkerMessage) => {
        if (message.seq <= job.lastSeq) return;
        job.lastSeq = message.seq;
        if (message.type === 'progress') {
          job.state = message.job;
          this.deps.emit('import.progress', message.job);
        } else if (message.type === 'finished') {
          finish(message.job);
        } else {
          if (message.stack) console.error('[import] job failed:', message.stack);
          fail(message.error);
        }
      });
      worker.on('error', (error) => {
        console.error('[import] worker error:', error);
        fail({ name: 'InternalError', code: 'worker-crashed', message: error.message });
      });
      worker.on('exit', (code) => {
        fail({ name: 'InternalError', code: 'worker-exited', message: `The import worker stopped unexpectedly (exit code ${code}).` });
      });
    });
    this.jobs.set(jobId, job);
    this.prune();
    return jobId;
  }

  private failedState(last: ImportJobState, error: ApiError): ImportJobState {
    this.deps.writer.run(sql`UPDATE import_batch SET status = 'failed', finished_at = ${new Date().toISOString()} WHERE id = ${last.batchId} AND status = 'running'`);
    return { ...last, state: 'failed', finishedAt: new Date().toISOString(), error };
  }

  private afterFinish(state: ImportJobState): void {
    this.deps.audit('import.finished', {
      batch: state.batchId,
      state: state.state,
      files: state.files.length,
      accepted: state.totals.accepted,
      inserted: state.totals.inserted,
      unchanged: state.totals.unchanged,
      rejected: state.totals.rejected,
      skipped: state.totals.skipped,
      policy: `${state.policy.name} ${state.policy.version}`,
    });
    this.deps.emit('import.finished', state);
  }

  private prune(): void {
    for (const [id, job] of this.jobs) {
      if (this.jobs.size <= MAX_KEPT_JOBS) break;
      if (!job.worker) this.jobs.delete(id);
    }
  }

  get(jobId: string): ImportJobState | null {
    return this.jobs.get(jobId)?.state ?? null;
  }

  cancel(jobId: string): boolean {
    const job = this.jobs.get(jobId);
    if (!job?.worker) return false;
    job.worker.postMessage({ type: 'cancel' } satisfies ImportWorkerCommand);
    return true;
  }

  wait(jobId: string): Promise<ImportJobState> {
    const job = this.jobs.get(jobId);
    if (!job) return Promise.reject(new Error(`Unknown import job ${jobId}`));
    return job.done;
  }

  /** Resolves once every import worker has exited, background feature refreshes included. */
  async settle(): Promise<void> {
    await Promise.all([...this.workers].map((worker) => new Promise<void>((resolve) => (this.workers.has(worker) ? worker.once('exit', () => resolve()) : resolve()))));
  }

  /** For engine close: stops the ready thread for good, then cancels every job and waits for its thread. */
  async cancelAll(): Promise<void> {
    this.keepReady = false;
    const spare = this.spare;
    this.spare = null;
    if (spare) await spare.terminate();
    const running = [...this.jobs.values()].filter((j) => j.worker);
    for (const job of running) job.worker?.postMessage({ type: 'cancel' } satisfies ImportWorkerCommand);
    await Promise.all(running.map((j) => j.done));
    // Workers still refreshing the feature cache after their result stop at the next chunk.
    const trailing = [...this.workers];
    for (const worker of trailing) worker.postMessage({ type: 'cancel' } satisfies ImportWorkerCommand);
    await Promise.all(trailing.map((worker) => new Promise<void>((resolve) => (this.workers.has(worker) ? worker.once('exit', () => resolve()) : resolve()))));
  }
}
