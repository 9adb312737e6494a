// Worker-thread entry for "Load sample data": generates the synthetic institution (main/demo) off
// the thread that answers the UI; dcmjs encoding and JSON serialisation are CPU-bound.
import { parentPort, workerData } from 'node:worker_threads';
import { generateConsortium } from '../demo/index.ts';
import { toApiError } from '../util/errors.ts';
import type { SampleDataWorkerCommand, SampleDataWorkerMessage, SampleDataWorkerRequest } from './sample-data-import.ts';

const port = parentPort;
if (!port) throw new Error('sample-data-worker must run in a worker thread');

const controller = new AbortController();
const send = (message: SampleDataWorkerMessage) => port.postMessage(message);
port.on('message', (command: SampleDataWorkerCommand) => {
  if (command.type === 'cancel') controller.abort();
});

const request = workerData as SampleDataWorkerRequest;
generateConsortium({ outDir: request.outDir, institutions: [request.institution], patients: request.patients, seed: request.seed, signal: controller.signal })
  .then((report) => send({ type: 'done', report }))
  .catch((error: unknown) => send({ type: 'failed', error: toApiError(error) }))
  .finally(() => port.close());
