// Where an import's de-identified rows go. The writes run on their own worker thread, so
// parsing, validation and de-identification on the import thread overlap with SQLite on the
// other core. Operations travel in order, in batches, with backpressure; the writer groups batches
// into larger transactions and commits at once when a batch asks (flush).
import { MessageChannel, type MessagePort, type Worker } from 'node:worker_threads';
import type { ReadableDB } from '../store/database.ts';
import { openReadable } from '../store/database.ts';
import { resourceRow, type SourceFileRecord, type StoredPatient, type StoredResource, type StoredResourceRow } from '../store/import-writer.ts';
import type { StoredGenomicSample } from '../store/genomics-writer.ts';
import type { QuarantineRecord, StoredImagingInstance, StoredImagingPatient } from '../store/imaging-writer.ts';
import { sql } from '../store/sql.ts';
import { startWorker } from '../util/worker-entry.ts';

/** One write, as sent to the writer thread. */
export type StoreOp =
  | ['patient', StoredPatient]
  | ['alias', string, string]
  | ['resource', number, StoredResourceRow]
  | ['genomicSample', number, StoredGenomicSample]
  | ['imagingPatient', StoredImagingPatient]
  | ['imagingInstance', number, StoredImagingInstance]
  | ['dicomQuarantine', QuarantineRecord]
  | ['dicomPolicy', string]
  | ['beginFile', SourceFileRecord]
  | ['completeFile', string, string | null, { accepted: number; rejected: number; skipped: number }]
  | ['finishBatch', 'done' | 'cancelled' | 'failed', { files: number; accepted: number; inserted: number; rejected: number; skipped: number }];

export type StoreWriterCommand =
  /** `commit`: commit everything applied so far once these are applied. */
  | { type: 'ops'; seq: number; ops: StoreOp[]; commit: boolean }
  | { type: 'close' }
  /** Another import thread writes through this writer too, over `port` (a second shard). */
  | { type: 'attach'; port: MessagePort };
export type StoreWriterReply =
  | { type: 'ack'; seq: number; written: [fileIndex: number, inserted: number, unchanged: number][] }
  | { type: 'error'; seq: number; message: string; stack?: string };

export interface StoreWriterInit {
  databaseFile: string;
  batchId: number;
}

/**
 * Batches in flight before the import thread waits for the writer. With 2, both FHIR shards were
 * at times waiting on the writer at once and a core sat idle (FHIR bench, six alternating pairs:
 * 1.79 -> 1.82-1.86 cores busy, 3-6 % faster in five of six); a batch is ~500 rows, so 4 in flight
 * hold about 1 MB more per import thread.
 */
const MAX_IN_FLIGHT = 4;

export class ImportSink {
  private ops: StoreOp[] = [];
  private seq = 0;
  private readonly pending = new Map<number, { resolve(): void; reject(e: Error): void }>();
  private failure: Error | null = null;
  private readonly reader: ReadableDB;
  /** The writer thread this sink owns, or the port to another sink's writer. */
  private readonly worker: Worker | MessagePort;

  /**
   * Starts a writer thread for `init`, or with `attachTo` (a port from `shareWriter` of another
   * sink) writes through that sink's writer: one SQLite connection and cache for both threads.
   */
  constructor(
    init: StoreWriterInit,
    private readonly onWritten: (fileIndex: number, inserted: number, unchanged: number) => void,
    attachTo?: MessagePort,
  ) {
    this.reader = openReadable(init.databaseFile);
    this.worker = attachTo ?? startWorker('store-writer-worker', import.meta.url, { workerData: init });
    this.worker.on('message', (reply: StoreWriterReply) => {
      const waiter = this.pending.get(reply.seq);
      this.pending.delete(reply.seq);
      if (reply.type === 'ack') {
        for (const [file, inserted, unchanged] of reply.written) this.onWritten(file, inserted, unchanged);
        waiter?.resolve();
      } else {
        this.fail(new Error(`The store writer failed: ${reply.message}`));
      }
    });
    this.worker.on('error', (error: Error) => this.fail(error));
    this.worker.on(attachTo ? 'close' : 'exit', (code?: number) => {
      if (this.pending.size > 0) this.fail(new Error(`The store writer stopped (exit code ${code ?? 'none'}).`));
    });
  }

  /** A port through which another thread's sink can write with this sink's writer. */
  shareWriter(): MessagePort {
    if (!('threadId' in this.worker)) throw new Error('Only the sink that owns a writer can share it.');
    const { port1, port2 } = new MessageChannel();
    this.worker.postMessage({ type: 'attach', port: port2 } satisfies StoreWriterCommand, [port2]);
    return port1;
  }

  private fail(error: Error): void {
    this.failure ??= error;
    for (const waiter of this.pending.values()) waiter.reject(this.failure);
    this.pending.clear();
  }

  /** Operations queued since the last batch was sent. */
  get queued(): number {
    return this.ops.length;
  }

  upsertPatient(patient: StoredPatient): void {
    this.ops.push(['patient', patient]);
  }

  addAlias(refKey: string, pseudonym: string): void {
    this.ops.push(['alias', refKey, pseudonym]);
  }

  upsertResource(fileIndex: number, resource: StoredResource): void {
    this.ops.push(['resource', fileIndex, resourceRow(resource)]);
  }

  /** A linked VCF sample with its PGx calls; counted as one record of file `fileIndex`. */
  upsertGenomicSample(fileIndex: number, sample: StoredGenomicSample): void {
    this.ops.push(['genomicSample', fileIndex, sample]);
  }

  /** A patient first seen in DICOM; a FHIR Patient with the same pseudonym keeps its row. */
  addImagingPatient(patient: StoredImagingPatient): void {
    this.ops.push(['imagingPatient', patient]);
  }

  /** A de-identified DICOM instance (its file already stored); counted as one record of `fileIndex`. */
  addImagingInstance(fileIndex: number, instance: StoredImagingInstance): void {
    this.ops.push(['imagingInstance', fileIndex, instance]);
  }

  quarantineDicom(record: QuarantineRecord): void {
    this.ops.push(['dicomQuarantine', record]);
  }

  /** The DICOM profile, version and options of this batch, as JSON. */
  recordDicomPolicy(policyJson: string): void {
    this.ops.push(['dicomPolicy', policyJson]);
  }

  beginFile(file: SourceFileRecord): void {
    this.ops.push(['beginFile', file]);
  }

  /** `sha256` of the source content, or null where it is not computed (DICOM files stored de-identified). */
  completeFile(fingerprint: string, sha256: string | null, counts: { accepted: number; rejected: number; skipped: number }): void {
    this.ops.push(['completeFile', fingerprint, sha256, { accepted: counts.accepted, rejected: counts.rejected, skipped: counts.skipped }]);
  }

  /**
   * Sends what was queued as one batch (all of it or none of it is written); waits while the writer
   * is too far behind. With `commit`, the writer commits once the batch is applied.
   */
  async endBatch(commit = false): Promise<void> {
    if (this.failure) throw this.failure;
    if (this.ops.length > 0 || commit) {
      const seq = ++this.seq;
      const done = new Promise<void>((resolve, reject) => this.pending.set(seq, { resolve, reject }));
      done.catch(() => undefined);
      this.worker.postMessage({ type: 'ops', seq, ops: this.ops, commit } satisfies StoreWriterCommand);
      this.ops = [];
    }
    while (this.pending.size >= MAX_IN_FLIGHT) {
      await Promise.race([...this.pending.keys()].map((k) => this.waitFor(k)));
    }
  }

  private waitFor(seq: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const waiter = this.pending.get(seq);
      if (!waiter) return resolve();
      this.pending.set(seq, {
        resolve: () => { waiter.resolve(); resolve(); },
        reject: (e) => { waiter.reject(e); reject(e); },
      });
    });
  }

  /** Waits until every batch sent so far is committed. */
  async flush(): Promise<void> {
    await this.endBatch(true);
    while (this.pending.size > 0) await Promise.race([...this.pending.keys()].map((k) => this.waitFor(k)));
    if (this.failure) throw this.failure;
  }

  /** Committed data only: patients from earlier imports (this job's are in the importer's memory). */
  findPseudonym(refKey: string): string | undefined {
    return this.reader.pluck<string>(sql`SELECT pseudonym FROM patient_alias WHERE ref_key = ${refKey}`);
  }

  /** The file SHA-256 of a committed DICOM instance, by its de-identified SOP Instance UID. */
  storedImagingFile(sopInstanceUid: string): string | undefined {
    return this.reader.pluck<string>(sql`SELECT file_sha256 FROM imaging_instance WHERE sop_instance_uid = ${sopInstanceUid}`);
  }

  isFileCompleted(fingerprint: string): boolean {
    return this.reader.pluck<number>(sql`SELECT completed FROM source_file WHERE fingerprint = ${fingerprint}`) === 1;
  }

  /** Records the batch outcome, waits for the writer to finish, and closes everything. */
  async close(status: 'done' | 'cancelled' | 'failed', totals: () => { files: number; accepted: number; inserted: number; rejected: number; skipped: number }): Promise<void> {
    try {
      await this.flush();
      this.ops.push(['finishBatch', status, totals()]);
      await this.flush();
    } finally {
      this.shutdown();
    }
  }

  /** Waits for what was sent and closes, leaving the batch to whoever owns it (an import shard). */
  async detach(): Promise<void> {
    try {
      await this.flush();
    } finally {
      this.shutdown();
    }
  }

  private shutdown(): void {
    this.worker.postMessage({ type: 'close' } satisfies StoreWriterCommand);
    this.reader.close();
  }
}
