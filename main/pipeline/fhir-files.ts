// The FHIR part of an import job: which files still need reading, marking each complete only
// when every shard has committed its share, and the second import shard that large imports
// run on the other core (fhir-shard-worker.ts).
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import type { MessagePort, Worker } from 'node:worker_threads';
import type { ImportIssue } from '../api/contract.ts';
import { opaqueKey, type PseudonymKey } from '../deid/pseudonym-key.ts';
import type { InputFile, InputKind } from '../ingest/input-files.ts';
import { CancellationError, InvalidInputError } from '../util/errors.ts';
import { sha256OfFile } from '../util/file-sha256.ts';
import { startWorker } from '../util/worker-entry.ts';
import type { FhirImporter } from './fhir-import.ts';
import type { FileTally } from './import-progress.ts';
import type { ImportSink } from './store-sink.ts';

/** Below this much FHIR input a second shard costs more (thread start-up) than it saves. */
const SHARD_MIN_BYTES = 16 * 1024 * 1024;

export interface ShardFile {
  index: number;
  path: string;
  kind: InputKind;
}

/** What a shard worker is given. */
export interface FhirShardRequest {
  databaseFile: string;
  secret: Uint8Array;
  batchId: number;
  asOf: string;
  files: ShardFile[];
  shard: { index: number; count: number };
  /** The coordinating shard's writer, shared (store-sink.ts shareWriter). */
  writerPort: MessagePort;
}

/** Counts a shard adds to a file's tally. */
export interface TallyDelta {
  accepted: number;
  inserted: number;
  unchanged: number;
  rejected: number;
  skipped: number;
  skippedByType: Record<string, number>;
}

export type FhirShardMessage =
  | { type: 'progress'; deltas: [fileIndex: number, delta: TallyDelta][]; issues: ImportIssue[] }
  /** `deferred`: some of the file's resources wait for their Patient until the end of the job. */
  | { type: 'file-done'; fileIndex: number; deferred: boolean; failed?: string }
  | { type: 'files-done' }
  | { type: 'finished' }
  | { type: 'failed'; message: string; stack?: string };

export type FhirShardCommand = { type: 'deferred-go' } | { type: 'cancel' };

export function applyDelta(tally: FileTally, d: TallyDelta): void {
  tally.accepted += d.accepted;
  tally.inserted += d.inserted;
  tally.unchanged += d.unchanged;
  tally.rejected += d.rejected;
  tally.skipped += d.skipped;
  for (const [type, n] of Object.entries(d.skippedByType)) tally.skippedByType[type] = (tally.skippedByType[type] ?? 0) + n;
}

/** The other shard, seen from the coordinating one. */
class ShardPeer {
  readonly worker: Worker;
  readonly doneFiles = new Map<number, string | undefined>();
  /** Files the peer holds resources of that wait for their Patient. */
  readonly deferredFiles = new Set<number>();
  private filesDone = false;
  private finished = false;
  private failure: Error | null = null;
  private wake: (() => void) | null = null;

  constructor(request: FhirShardRequest, tallies: ReadonlyMap<number, FileTally>, report: (issue: ImportIssue) => void, onFileDone: () => void) {
    this.worker = startWorker('fhir-shard-worker', import.meta.url, {
      workerData: request,
      transferList: [request.writerPort],
      resourceLimits: { maxYoungGenerationSizeMb: 32, maxOldGenerationSizeMb: 160 },
    });
    this.worker.on('message', (m: FhirShardMessage) => {
      if (m.type === 'progress') {
        for (const [index, delta] of m.deltas) {
          const tally = tallies.get(index);
          if (tally) applyDelta(tally, delta);
        }
        for (const issue of m.issues) report(issue);
      } else if (m.type === 'file-done') {
        this.doneFiles.set(m.fileIndex, m.failed);
        if (m.deferred) this.deferredFiles.add(m.fileIndex);
        onFileDone();
      } else if (m.type === 'files-done') this.filesDone = true;
      else if (m.type === 'finished') this.finished = true;
      else this.failure = new Error(`An import shard failed: ${m.message}`);
      this.wake?.();
    });
    this.worker.on('error', (error) => {
      this.failure = error;
      this.wake?.();
    });
    this.worker.on('exit', () => {
      if (!this.finished) this.failure ??= new Error('An import shard stopped unexpectedly.');
      this.wake?.();
    });
  }

  private async until(condition: () => boolean): Promise<void> {
    while (!condition()) {
      if (this.failure) throw this.failure;
      await new Promise<void>((resolve) => (this.wake = resolve));
      this.wake = null;
    }
    if (this.failure && !this.finished) throw this.failure;
  }

  allFilesDone(): Promise<void> {
    return this.until(() => this.filesDone);
  }

  finishedAll(): Promise<void> {
    return this.until(() => this.finished);
  }

  send(command: FhirShardCommand): void {
    this.worker.postMessage(command);
  }
}

export interface FhirFilesContext {
  files: { file: InputFile; kind: InputKind; tally: FileTally }[];
  importer: FhirImporter;
  sink: ImportSink;
  key: PseudonymKey;
  request: { databaseFile: string; secret: Uint8Array; batchId: number; asOf: string };
  report(issue: ImportIssue): void;
  progress(force?: boolean): void;
  signal: AbortSignal;
  /** Shards to use for large imports (default: 2 where there are two cores or more). */
  shards?: number;
}

/**
 * A Bulk Data export's manifest (FHIR Bulk Data Access, "Response - Complete Status") lists the
 * export's files and holds no patient data; it is skipped, not reported as a bad resource.
 */
function isBulkExportManifest(file: InputFile, kind: InputKind): boolean {
  if (kind !== 'fhir-json' || file.bytes > 4 * 1024 * 1024) return false;
  try {
    const value = JSON.parse(readFileSync(file.path, 'utf8').replace(/^\uFEFF/, '')) as Record<string, unknown>;
    return value.resourceType === undefined && typeof value.transactionTime === 'string' && Array.isArray(value.output);
  } catch {
    return false;
  }
}

/** Imports the job's FHIR files; resources waiting for their Patient are settled at the end. */
export async function importFhirFiles(ctx: FhirFilesContext): Promise<void> {
  const pending: { index: number; file: InputFile; kind: InputKind; tally: FileTally; fingerprint: string }[] = [];
  for (const { file, kind, tally } of ctx.files) {
    tally.kind = 'fhir';
    if (isBulkExportManifest(file, kind)) {
      tally.state = 'skipped';
      tally.bytesRead = file.bytes;
      tally.message = 'Bulk Data export manifest (lists the export files, holds no records)';
      continue;
    }
    const fingerprint = opaqueKey(ctx.key, 'source-file', `${file.path}|${file.bytes}|${file.mtimeMs}`);
    if (ctx.sink.isFileCompleted(fingerprint)) {
      tally.state = 'skipped';
      tally.bytesRead = file.bytes;
      tally.message = 'already imported (unchanged since)';
      continue;
    }
    pending.push({ index: tally.index, file, kind, tally, fingerprint });
  }
  const bytes = pending.reduce((n, p) => n + p.file.bytes, 0);
  const shardCount = Math.min(ctx.shards ?? (availableParallelism() > 1 ? 2 : 1), 2);
  const sharded = shardCount > 1 && bytes >= SHARD_MIN_BYTES;

  const mine = new Map<number, string | undefined>();
  const completed = new Set<number>();
  let peer: ShardPeer | null = null;
  // A file is complete once this shard and the peer have both committed their share of it, and
  // (`settled`) the resources of it that waited for their Patient are committed too: a re-run after a
  // crash skips complete files, so none may be marked complete while some of its rows are unwritten.
  // Completions run one after another on one chain, which the job awaits before it ends, so a
  // late peer report can never complete a file after the batch is closed.
  const completeReady = async (settled: boolean) => {
    for (const p of pending) {
      if (completed.has(p.index) || !mine.has(p.index) || (peer && !peer.doneFiles.has(p.index))) continue;
      if (!settled && (ctx.importer.hasDeferred(p.index) || peer?.deferredFiles.has(p.index))) continue;
      completed.add(p.index);
      const failure = mine.get(p.index) ?? peer?.doneFiles.get(p.index);
      if (failure) {
        p.tally.state = 'failed';
        p.tally.message = failure;
        ctx.report({ file: p.file.path, position: 'file', reason: failure, severity: 'rejected' });
        continue;
      }
      ctx.sink.completeFile(p.fingerprint, await sha256OfFile(p.file.path), p.tally);
      await ctx.sink.endBatch();
      p.tally.state = 'done';
      p.tally.bytesRead = p.file.bytes;
      ctx.progress(true);
    }
  };
  let completing: Promise<void> = Promise.resolve();
  const completeReadyFiles = (settled = false): Promise<void> => (completing = completing.then(() => completeReady(settled)));
  if (sharded) {
    ctx.importer.setShard({ index: 0, count: 2 });
    peer = new ShardPeer(
      {
        ...ctx.request,
        files: pending.map((p) => ({ index: p.index, path: p.file.path, kind: p.kind })),
        shard: { index: 1, count: 2 },
        writerPort: ctx.sink.shareWriter(),
      },
      new Map(ctx.files.map((f) => [f.tally.index, f.tally])),
      ctx.report,
      () => void completeReadyFiles().catch(() => undefined), // a failure surfaces where the chain is awaited
    );
    ctx.signal.addEventListener('abort', () => peer?.send({ type: 'cancel' }), { once: true });
  }
  try {
    for (const p of pending) {
      if (ctx.signal.aborted) throw new CancellationError();
      ctx.sink.beginFile({ fingerprint: p.fingerprint, kind: p.kind, bytes: p.file.bytes });
      p.tally.state = 'running';
      ctx.progress(true);
      let failure: string | undefined;
      if (ctx.importer.readsFile(p.index, p.kind)) {
        try {
          await ctx.importer.importFile(p.file.path, p.tally);
        } catch (error) {
          if (error instanceof CancellationError) throw error;
          failure = error instanceof InvalidInputError ? error.message : 'the file could not be read';
        }
      }
      await ctx.sink.flush();
      mine.set(p.index, failure);
      await completeReadyFiles();
    }
    if (peer) {
      await peer.allFilesDone();
      await completeReadyFiles();
      // Both shards' patients are committed now, so each can settle its waiting resources.
      peer.send({ type: 'deferred-go' });
    }
    await ctx.importer.finishDeferred();
    await peer?.finishedAll();
    // The writer applies operations in order: each completion lands with or after its file's rows.
    await completeReadyFiles(true);
  } catch (error) {
    if (peer) {
      peer.send({ type: 'cancel' });
      await peer.finishedAll().catch(() => undefined);
    }
    throw error;
  }
}
