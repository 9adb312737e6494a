// One import job, start to finish, on its own database connection (run inside a worker thread
// by ImportJobs). Files are processed one by one; each batch of records is one transaction, and
// a file is marked complete only after its last batch, so a crash loses no committed work and a
// re-run skips finished files and dedupes the rest by resource key.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import type { ImportIssue, ImportJobState } from '../api/contract.ts';
import { createPseudonymKey, opaqueKey } from '../deid/pseudonym-key.ts';
import { createFhirDeidentifier } from '../deid/fhir-deidentifier.ts';
import { SAFE_HARBOR_POLICY, STORED_RESOURCE_TYPES } from '../deid/safe-harbor-policy.ts';
import { detectInputKind, listInputFiles, type InputFile, type InputKind } from '../ingest/input-files.ts';
import { createFhirValidator } from '../ingest/fhir/fhir-validator.ts';
import { CancellationError, InvalidInputError } from '../util/errors.ts';
import { FhirImporter } from './fhir-import.ts';
import { MAX_REPORTED_ISSUES, newTally, rollUp, type FileTally } from './import-progress.ts';
import { ImportSink } from './store-sink.ts';

export interface ImportRunRequest {
  databaseFile: string;
  secret: Uint8Array;
  batchId: number;
  jobId: string;
  startedAt: string;
  paths: string[];
  /** The reference date for ages (Safe Harbor 90+ rule), as ISO. */
  asOf: string;
}

export interface ImportRunHooks {
  signal: AbortSignal;
  onProgress(state: ImportJobState): void;
  /** Minimum interval between progress reports. */
  progressIntervalMs?: number;
}

async function sha256OfFile(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Patient files first, so most references resolve on first sight; then the rest in stable order. */
async function classify(files: InputFile[]): Promise<{ file: InputFile; kind: InputKind }[]> {
  const out: { file: InputFile; kind: InputKind }[] = [];
  for (const file of files) out.push({ file, kind: await detectInputKind(file.path) });
  const rank = (f: { file: InputFile; kind: InputKind }) =>
    f.kind === 'fhir-ndjson' && /(^|[\\/])Patient[^\\/]*$/.test(f.file.path) ? 0 : f.kind.startsWith('fhir') ? 1 : 2;
  return out.sort((a, b) => rank(a) - rank(b));
}

export async function runImport(request: ImportRunRequest, hooks: ImportRunHooks): Promise<ImportJobState> {
  const started = Date.now();
  const base = {
    jobId: request.jobId,
    batchId: request.batchId,
    startedAt: request.startedAt,
    policy: { name: SAFE_HARBOR_POLICY.name, version: SAFE_HARBOR_POLICY.version },
  };
  const issues: ImportIssue[] = [];
  const tallies: FileTally[] = [];
  let issueCount = 0;
  const report = (issue: ImportIssue) => {
    issueCount++;
    if (issues.length < MAX_REPORTED_ISSUES) issues.push(issue);
  };
  let lastReport = 0;
  const progress = (force = false) => {
    const now = Date.now();
    if (!force && now - lastReport < (hooks.progressIntervalMs ?? 250)) return;
    lastReport = now;
    hooks.onProgress(rollUp(base, 'running', tallies, issues, now - started, null));
  };

  const key = createPseudonymKey(Buffer.from(request.secret));
  const sink = new ImportSink({ databaseFile: request.databaseFile, batchId: request.batchId }, (index, inserted, unchanged) => {
    const tally = tallies[index]!;
    tally.inserted += inserted;
    tally.unchanged += unchanged;
  });
  let state: ImportJobState['state'] = 'done';
  try {
    const files = await listInputFiles(request.paths);
    files.forEach((f, i) => tallies.push(newTally(i, f.path, f.bytes)));
    progress(true);
    const ordered = await classify(files);
    const importer = new FhirImporter({
      sink,
      deid: createFhirDeidentifier({ key, asOf: new Date(request.asOf) }),
      validator: createFhirValidator(),
      key,
      storedTypes: STORED_RESOURCE_TYPES,
      report,
      signal: hooks.signal,
    });
    const tallyOf = new Map(tallies.map((t) => [t.file, t]));
    const timer = setInterval(() => progress(), hooks.progressIntervalMs ?? 250);
    try {
      for (const { file, kind } of ordered) {
        if (hooks.signal.aborted) throw new CancellationError();
        const tally = tallyOf.get(file.path)!;
        if (!kind.startsWith('fhir')) {
          tally.kind = kind === 'dicom' || kind === 'vcf' ? kind : 'unknown';
          tally.state = 'skipped';
          tally.message =
            kind === 'unknown'
              ? 'not a FHIR, DICOM or VCF file'
              : `${kind.toUpperCase()} import is not available in this version`;
          report({ file: file.path, position: 'file', reason: tally.message, severity: 'skipped' });
          continue;
        }
        tally.kind = 'fhir';
        const fingerprint = opaqueKey(key, 'source-file', `${file.path}|${file.bytes}|${file.mtimeMs}`);
        if (sink.isFileCompleted(fingerprint)) {
          tally.state = 'skipped';
          tally.bytesRead = file.bytes;
          tally.message = 'already imported (unchanged since)';
          continue;
        }
        sink.beginFile({ fingerprint, kind, bytes: file.bytes });
        tally.state = 'running';
        progress(true);
        try {
          await importer.importFile(file.path, tally);
        } catch (error) {
          if (error instanceof CancellationError) throw error;
          tally.state = 'failed';
          tally.message = error instanceof InvalidInputError ? error.message : 'the file could not be read';
          report({ file: file.path, position: 'file', reason: tally.message, severity: 'rejected' });
          continue;
        }
        sink.completeFile(fingerprint, await sha256OfFile(file.path), tally);
        await sink.endBatch();
        tally.state = 'done';
        tally.bytesRead = file.bytes;
        progress(true);
      }
      await importer.finishDeferred();
    } finally {
      clearInterval(timer);
    }
  } catch (error) {
    if (!(error instanceof CancellationError)) {
      state = 'failed';
      throw error;
    }
    state = 'cancelled';
    for (const t of tallies) if (t.state === 'queued' || t.state === 'running') t.state = 'cancelled';
  } finally {
    const sum = (k: 'accepted' | 'inserted' | 'rejected' | 'skipped') => tallies.reduce((n, t) => n + t[k], 0);
    await sink.close(state, () => ({
      files: tallies.length,
      accepted: sum('accepted'),
      inserted: sum('inserted'),
      rejected: sum('rejected'),
      skipped: sum('skipped'),
    }));
  }
  if (issueCount > issues.length) {
    issues.push({ file: '', position: '', reason: `${issueCount - issues.length} more issues not listed`, severity: 'rejected' });
  }
  return rollUp(base, state, tallies, issues, Date.now() - started, new Date().toISOString());
}
