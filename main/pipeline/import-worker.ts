// Worker-thread entry for an import: runs `runImport` off the thread that answers the UI and
// reports typed, sequenced messages back (Signal ts/sql/mainWorker.node.ts pattern). The job
// arrives as the first message, so the engine can start this thread before anyone imports.
import { parentPort } from 'node:worker_threads';
import { InvalidInputError, toApiError } from '../util/errors.ts';
import { runImport, updateAdmissionFeatures, type ImportRunRequest } from './import-run.ts';
import type { ImportWorkerMessage, ImportWorkerCommand } from './import-jobs.ts';

const port = parentPort;
if (!port) throw new Error('import-worker must run in a worker thread');

const controller = new AbortController();
let seq = 0;
type Unsequenced<T> = T extends unknown ? Omit<T, 'seq'> : never;
const send = (message: Unsequenced<ImportWorkerMessage>) => port.postMessage({ ...message, seq: ++seq });

const run = (request: ImportRunRequest): void => {
  runImport(request, {
    signal: controller.signal,
    onProgress: (job) => send({ type: 'progress', job }),
  })
    .then(async (job) => {
      send({ type: 'finished', job });
      // After the result: the import's data is committed and reported; the feature cache follows.
      if (job.state === 'done') await updateAdmissionFeatures(request.databaseFile, controller.signal);
    })
    .catch((error: unknown) => send({ type: 'failed', error: toApiError(error), stack: error instanceof Error && !(error instanceof InvalidInputError) ? error.stack : undefined }))
    .finally(() => port.close());
};

let started = false;
port.on('message', (command: ImportWorkerCommand) => {
  if (command.type === 'cancel') controller.abort();
  else if (command.type === 'start' && !started) {
    started = true;
    run(command.request);
  }
});
