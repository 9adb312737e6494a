// Worker-thread entry that owns an import's writing connection: applies each batch of
// operations in one transaction, in the order sent, and acknowledges it with row counts.
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

/** Applies one batch in one transaction; returns [file, inserted, unchanged] per file. */
function apply(ops: StoreOp[]): [number, number, number][] {
  const written = new Map<number, [number, number]>();
  writer.transaction(() => {
    for (const op of ops) {
      switch (op[0]) {
        case 'patient':
          writer.upsertPatient(op[1]);
          break;
        case 'alias':
          writer.addAlias(op[1], op[2]);
          break;
        case 'resource': {
          const counts = written.get(op[1]) ?? [0, 0];
          if (writer.upsertResource(op[2])) counts[0]++;
          else counts[1]++;
          written.set(op[1], counts);
          break;
        }
        case 'genomicSample': {
          const counts = written.get(op[1]) ?? [0, 0];
          if (genomics.upsertSample(op[2])) counts[0]++;
          else counts[1]++;
          written.set(op[1], counts);
          break;
        }
        case 'imagingPatient':
          imaging.addPatient(op[1]);
          break;
        case 'imagingInstance': {
          const counts = written.get(op[1]) ?? [0, 0];
          if (imaging.addInstance(op[2])) counts[0]++;
          else counts[1]++;
          written.set(op[1], counts);
          break;
        }
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
  });
  return [...written].map(([file, [inserted, unchanged]]) => [file, inserted, unchanged]);
}

/** Serves one sender; the owning thread's 'close' ends the writer, an attached one's its port. */
function serve(channel: MessagePort, owner: boolean): void {
  channel.on('message', (command: StoreWriterCommand) => {
    if (command.type === 'attach') {
      serve(command.port, false);
      return;
    }
    if (command.type === 'close') {
      if (owner) db.close();
      channel.close();
      return;
    }
    try {
      channel.postMessage({ type: 'ack', seq: command.seq, written: apply(command.ops) } satisfies StoreWriterReply);
    } catch (error) {
      channel.postMessage({ type: 'error', seq: command.seq, message: (error as Error).message, stack: (error as Error).stack } satisfies StoreWriterReply);
    }
  });
}

serve(port, true);
