// Worker-thread entry for the second FHIR import shard: reads its share of the job's FHIR files
// (fhir-import.ts FhirShard), writes through its own store writer, and reports counts and issues
// to the coordinating shard, which alone marks files complete and closes the batch.
import { parentPort, workerData } from 'node:worker_threads';
import type { ImportIssue } from '../api/contract.ts';
import { createFhirDeidentifier } from '../deid/fhir-deidentifier.ts';
import { createPseudonymKey } from '../deid/pseudonym-key.ts';
import { STORED_RESOURCE_TYPES } from '../deid/safe-harbor-policy.ts';
import { createFhirValidator } from '../ingest/fhir/fhir-validator.ts';
import { CancellationError, InvalidInputError } from '../util/errors.ts';
import type { FhirShardCommand, FhirShardMessage, FhirShardRequest, TallyDelta } from './fhir-files.ts';
import { FhirImporter } from './fhir-import.ts';
import { newTally, type FileTally } from './import-progress.ts';
import { ImportSink } from './store-sink.ts';

const port = parentPort;
if (!port) throw new Error('fhir-shard-worker must run in a worker thread');
const request = workerData as FhirShardRequest;
const send = (message: FhirShardMessage) => port.postMessage(message);

const controller = new AbortController();
let deferredGo: () => void = () => undefined;
const mayRunDeferred = new Promise<void>((resolve) => (deferredGo = resolve));
port.on('message', (command: FhirShardCommand) => {
  if (command.type === 'cancel') {
    controller.abort();
    deferredGo();
  } else deferredGo();
});

// Counts are kept per file and sent as differences since the last report.
const tallies = new Map<number, FileTally>(request.files.map((f) => [f.index, newTally(f.index, f.path, 0)]));
const sent = new Map<number, TallyDelta>();
let issues: ImportIssue[] = [];
const snapshot = (t: FileTally): TallyDelta => ({
  accepted: t.accepted, inserted: t.inserted, unchanged: t.unchanged, rejected: t.rejected, skipped: t.skipped, skippedByType: { ...t.skippedByType },
});
function reportProgress(): void {
  const deltas: [number, TallyDelta][] = [];
  for (const [index, tally] of tallies) {
    const now = snapshot(tally);
    const before = sent.get(index);
    const delta: TallyDelta = {
      accepted: now.accepted - (before?.accepted ?? 0),
      inserted: now.inserted - (before?.inserted ?? 0),
      unchanged: now.unchanged - (before?.unchanged ?? 0),
      rejected: now.rejected - (before?.rejected ?? 0),
      skipped: now.skipped - (before?.skipped ?? 0),
      skippedByType: Object.fromEntries(Object.entries(now.skippedByType).map(([k, v]) => [k, v - (before?.skippedByType[k] ?? 0)]).filter(([, v]) => v !== 0)),
    };
    if (delta.accepted || delta.inserted || delta.unchanged || delta.rejected || delta.skipped) deltas.push([index, delta]);
    sent.set(index, now);
  }
  if (deltas.length > 0 || issues.length > 0) send({ type: 'progress', deltas, issues });
  issues = [];
}

async function run(): Promise<void> {
  const key = createPseudonymKey(Buffer.from(request.secret));
  const sink = new ImportSink(
    { databaseFile: request.databaseFile, batchId: request.batchId },
    (index, inserted, unchanged) => {
      const tally = tallies.get(index);
      if (tally) {
        tally.inserted += inserted;
        tally.unchanged += unchanged;
      }
    },
    request.writerPort,
  );
  const importer = new FhirImporter({
    sink,
    deid: createFhirDeidentifier({ key, asOf: new Date(request.asOf) }),
    validator: createFhirValidator(),
    key,
    storedTypes: STORED_RESOURCE_TYPES,
    report: (issue) => issues.push(issue),
    signal: controller.signal,
    shard: request.shard,
  });
  const timer = setInterval(reportProgress, 250);
  try {
    for (const file of request.files) {
      if (controller.signal.aborted) throw new CancellationError();
      let failed: string | undefined;
      if (importer.readsFile(file.index, file.kind)) {
        try {
          await importer.importFile(file.path, tallies.get(file.index)!);
        } catch (error) {
          if (error instanceof CancellationError) throw error;
          failed = error instanceof InvalidInputError ? error.message : 'the file could not be read';
        }
      }
      await sink.flush();
      reportProgress();
      send({ type: 'file-done', fileIndex: file.index, deferred: importer.hasDeferred(file.index), ...(failed ? { failed } : {}) });
    }
    send({ type: 'files-done' });
    await mayRunDeferred;
    if (!controller.signal.aborted) await importer.finishDeferred();
  } catch (error) {
    if (!(error instanceof CancellationError)) throw error;
  } finally {
    clearInterval(timer);
    await sink.detach();
    reportProgress();
  }
}

run()
  .then(() => send({ type: 'finished' }))
  .catch((error: unknown) => send({ type: 'failed', message: (error as Error).message, stack: (error as Error).stack }))
  .finally(() => port.close());
