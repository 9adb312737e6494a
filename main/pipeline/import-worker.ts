// Worker-thread entry for an import: runs `runImport` off the thread that answers the UI and
// reports typed, sequenced messages back (Signal ts/sql/mainWorker.node.ts pattern). The job
// arrives as the first message, so the engine can start this thread before anyone imports.
import { parentPort, workerData, type Worker } from 'node:worker_threads';
import { InvalidInputError, toApiError } from '../util/errors.ts';
import { defaultDicomThreads, startIdleDicomWorker } from './dicom-deid-pool.ts';
import { runImport, updateAdmissionFeatures, type ImportRunRequest } from './import-run.ts';
import type { ImportWorkerMessage, ImportWorkerCommand } from './import-jobs.ts';

const port = parentPort;
if (!port) throw new Error('import-worker must run in a worker thread');

const controller = new AbortController();
let seq = 0;
type Unsequenced<T> = T extends unknown ? Omit<T, 'seq'> : never;
const send = (message: Unsequenced<ImportWorkerMessage>) => port.postMessage({ ...message, seq: ++seq });

/**
 * A thread started ahead of its job (ImportJobs.keepWorkerReady) also starts the DICOM
 * de-identification threads a DICOM job would start, so they load their code while it waits; a
 * job without DICOM stops them.
 */
const readyDicomWorkers: Worker[] = [];
if ((workerData as { startDicomWorkers?: boolean } | undefined)?.startDicomWorkers) {
  const count = Number(process.env.DATASPACE_IMPORT_SHARDS) || defaultDicomThreads();
  for (let i = 0; i < count; i++) {
    const worker = startIdleDicomWorker();
    // One that fails while it waits is simply not used.
    worker.once('exit', () => {
      const index = readyDicomWorkers.indexOf(worker);
      if (index >= 0) readyDicomWorkers.splice(index, 1);
    });
    readyDicomWorkers.push(worker);
  }
}

const run = (request: ImportRunRequest): void => {
  runImport(request, {
    signal: controller.signal,
    onProgress: (job) => send({ type: 'progress', job }),
    readyDicomWorkers,
  })
    .then(async (job) => {
      send({ type: 'finished', job });
      // After the result: the import's data is committed and reported; the feature cache follows.
      if (job.state === 'done') await updateAdmissionFeatures(request.databaseFile, controller.signal);
    })
    .catch((error: unknown) => send({ type: 'failed', error: toApiError(error), stack: error instanceof Error && !(error instanceof InvalidInputError) ? error.stack : undefined }))
    .finally(() => {
      for (const worker of readyDicomWorkers.splice(0)) void worker.terminate();
      port.close();
    });
};

let started = false;
port.on('message', (command: ImportWorkerCommand) => {
  if (command.type === 'cancel') controller.abort();
  else if (command.type === 'start' && !started) {
    started = true;
    run(command.request);
  }
});
