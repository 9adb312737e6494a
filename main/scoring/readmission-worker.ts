// Worker-thread entry for training and scoring (ARCHITECTURE.md, "Long work"): reads index
// admissions on its own connection, fits or scores, and reports progress. A scoring run writes
// its score_run row and every prediction in one transaction on its own connection, so a crash or
// cancel leaves either the whole run in the log or none of it.
import { parentPort, workerData } from 'node:worker_threads';
import type { IndexAdmission } from '../features/readmission/index-admissions.ts';
import { openWritable } from '../store/database.ts';
import { sql } from '../store/sql.ts';
import { toApiError } from '../util/errors.ts';
import { loadIndexAdmissions } from './readmission-admissions.ts';
import type { ReadmissionWorkerMessage, ReadmissionWorkerRequest } from './readmission-tasks.ts';
import { trainReadmissionModel } from './readmission-training.ts';
import { scoreReadmissions } from './readmission-scoring.ts';

const port = parentPort;
if (!port) throw new Error('readmission-worker must run in a worker thread');
const controller = new AbortController();
port.on('message', (command: { type: 'cancel' }) => {
  if (command.type === 'cancel') controller.abort();
});
const send = (message: ReadmissionWorkerMessage) => port.postMessage(message);
const progress = (phase: string, fraction: number) => send({ type: 'progress', phase, fraction });

async function run(request: ReadmissionWorkerRequest): Promise<void> {
  const started = performance.now();
  const db = openWritable(request.databaseFile);
  let admissions: IndexAdmission[];
  try {
    progress('reading admissions', 0.05);
    admissions = loadIndexAdmissions(db, { signal: controller.signal });
  } finally {
    db.close();
  }
  if (controller.signal.aborted) throw new Error('cancelled');
  if (request.task === 'train') {
    const trained = trainReadmissionModel(admissions, request.options, { institution: request.institution, now: new Date(request.now), progress });
    send({ type: 'trained', trained });
    return;
  }
  const { scored, summary } = await scoreReadmissions(admissions, request.onnx, request.thresholds, { progress, signal: controller.signal });
  if (request.task === 'evaluate') {
    send({ type: 'evaluated', admissions: scored.length, metrics: summary.metrics });
    return;
  }
  progress('saving predictions', 0.9);
  const writer = openWritable(request.databaseFile);
  try {
    const at = new Date().toISOString();
    const runId = writer.transaction(() => {
      const id = Number(
        writer.run(sql`INSERT INTO score_run (model_id, started_at, finished_at, admissions, seconds, summary)
          VALUES (${request.modelId}, ${request.now}, ${at}, ${scored.length}, 0, ${JSON.stringify(summary)})`).lastInsertRowid,
      );
      const insert = writer.prepare(`INSERT INTO prediction (run_id, model_id, encounter_key, pseudonym, admit_day, length_of_stay,
        feature_hash, risk, level, top_factors, lace, hospital, readmitted, scored_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
      for (const s of scored) {
        const a = s.admission;
        insert.run(id, request.modelId, a.encounterKey, a.pseudonym, a.admitDay, a.dischargeDay - a.admitDay, s.featureHash, s.risk, s.level,
          JSON.stringify(s.topFactors), s.lace, s.hospital, a.readmitted30d, at);
      }
      writer.run(sql`UPDATE score_run SET seconds = ${(performance.now() - started) / 1000} WHERE id = ${id}`);
      return id;
    });
    const levels = { low: 0, moderate: 0, high: 0 };
    for (const s of scored) levels[s.level]++;
    send({ type: 'scored', runId, admissions: scored.length, levels, seconds: (performance.now() - started) / 1000 });
  } finally {
    writer.close();
  }
}

run(workerData as ReadmissionWorkerRequest)
  .catch((error: unknown) => send({ type: 'failed', error: controller.signal.aborted ? { name: 'CancellationError', code: 'cancelled', message: 'Cancelled' } : toApiError(error) }))
  .finally(() => port.close());
