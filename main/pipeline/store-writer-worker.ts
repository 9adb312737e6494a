// Worker-thread entry that owns an import's writing connection: applies each batch of operations
// in the order sent and acknowledges it with row counts. Batches are grouped into transactions of
// about COMMIT_OPS operations: every commit rewrites each index page the transaction touched, and
// resource keys are random, so 2,000-row commits wrote nearly every page of the key indexes each
// time. A batch asking for a commit (the sink's flush), a quiet spell, and close commit at once.
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { openWritable } from '../store/database.ts';
import { ImportWriter } from '../store/import-writer.ts';
import { GenomicsWriter } from '../store/genomics-writer.ts';
import { ImagingWriter } from '../store/imaging-writer.ts';
import type { StoreOp, StoreWriterCommand, StoreWriterInit, StoreWriterReply } from './store-sink.ts';

const port = parentPort;
if (!port) throw new Error('store-writer-worker must run in a worker thread');
const init = workerData as StoreWriterInit;
const db = openWritable(init.databaseFile);
const writer = new ImportWriter(db, init.batchId);
const genomics = new GenomicsWriter(db, init.batchId);
const imaging = new ImagingWriter(db, init.batchId);

/** Operations per transaction. */
const COMMIT_OPS = 20_000;
/** A transaction left open this long with nothing arriving is committed (the write lock is shared). */
const IDLE_COMMIT_MS = 100;

let inTransaction = false;
let opsInTransaction = 0;
let idleTimer: NodeJS.Timeout | null = null;
/**
 * The first failure. Once a transaction has been rolled back, every later batch is refused: one
 * already on its way could otherwise commit without the rows it follows (a file marked complete
 * whose resources were rolled back would be skipped as imported by the re-run).
 */
let failure: Error | null = null;
/** Every sender's channel: a commit that fails when no batch is waiting is reported to all of them. */
const channels = new Set<MessagePort>();

function commit(): void {
  if (idleTimer !== null) clearTimeout(idleTimer);
  idleTimer = null;
  if (!inTransaction) return;
  inTransaction = false;
  opsInTransaction = 0;
  writer.commit();
}

function commitWhenIdle(): void {
  if (idleTimer !== null) clearTimeout(idleTimer);
  idleTimer = setTimeout(() => {
    idleTimer = null;
    try {
      commit();
    } catch (error) {
      failure ??= error as Error;
      for (const channel of channels) {
        channel.postMessage({ type: 'error', seq: 0, message: (error as Error).message, stack: (error as Error).stack } satisfies StoreWriterReply);
      }
    }
  }, IDLE_COMMIT_MS);
}

/**
 * Applies one batch inside the open transaction (opening one if needed) and commits when asked or
 * when the transaction is large enough; returns [file, inserted, unchanged] per file. A failure
 * rolls back the whole open transaction: the import fails, nothing half-written stays, and no
 * later batch is applied.
 */
function apply(ops: StoreOp[], commitNow: boolean): [number, number, number][] {
  if (failure) throw new Error(`nothing more is written after an earlier failure (${failure.message})`);
  if (!inTransaction) {
    writer.begin();
    inTransaction = true;
  }
  try {
    const written = applyOps(ops);
    opsInTransaction += ops.length;
    if (commitNow || opsInTransaction >= COMMIT_OPS) commit();
    else commitWhenIdle();
    return written;
  } catch (error) {
    if (inTransaction) writer.rollback();
    inTransaction = false;
    opsInTransaction = 0;
    failure ??= error as Error;
    throw error;
  }
}

function applyOps(ops: StoreOp[]): [number, number, number][] {
  const written = new Map<number, [number, number]>();
  /** Counts a record of file `file` as inserted (or changed) or as already there unchanged. */
  const count = (file: number, inserted: boolean) => {
    const counts = written.get(file) ?? [0, 0];
    counts[inserted ? 0 : 1]++;
    written.set(file, counts);
  };
  for (const op of ops) {
    switch (op[0]) {
      case 'patient':
        writer.upsertPatient(op[1]);
        break;
      case 'alias':
        writer.addAlias(op[1], op[2]);
        break;
      case 'resource':
        count(op[1], writer.upsertResource(op[2]));
        break;
      case 'genomicSample':
        count(op[1], genomics.upsertSample(op[2]));
        break;
      case 'imagingPatient':
        imaging.addPatient(op[1]);
        break;
      case 'imagingInstance':
        count(op[1], imaging.addInstance(op[2]));
        break;
      case 'dicomQuarantine':
        imaging.quarantine(op[1]);
        break;
      case 'dicomPolicy':
        imaging.recordPolicy(op[1]);
        break;
      case 'beginFile':
        writer.beginFile(op[1]);
        break;
      case 'completeFile':
        writer.completeFile(op[1], op[2], op[3]);
        break;
      case 'finishBatch':
        writer.refreshPatientCounts();
        writer.finishBatch(op[1], op[2]);
        break;
    }
  }
  return [...written].map(([file, [inserted, unchanged]]) => [file, inserted, unchanged]);
}

/** Serves one sender; the owning thread's 'close' ends the writer, an attached one's its port. */
function serve(channel: MessagePort, owner: boolean): void {
  channels.add(channel);
  channel.on('message', (command: StoreWriterCommand) => {
    if (command.type === 'attach') {
      serve(command.port, false);
      return;
    }
    if (command.type === 'close') {
      channels.delete(channel);
      if (owner) {
        // What was applied stays applied, as when every batch was its own transaction.
        try {
          commit();
        } finally {
          db.close();
        }
      }
      channel.close();
      return;
    }
    try {
      channel.postMessage({ type: 'ack', seq: command.seq, written: apply(command.ops, command.commit) } satisfies StoreWriterReply);
    } catch (error) {
      channel.postMessage({ type: 'error', seq: command.seq, message: (error as Error).message, stack: (error as Error).stack } satisfies StoreWriterReply);
    }
  });
}

serve(port, true);
