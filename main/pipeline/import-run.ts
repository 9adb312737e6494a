// One import job, start to finish, on its own database connection (run inside a worker thread
// by ImportJobs). Files are processed one by one; records go to the writer thread in batches, which
// it groups into transactions, and a file is marked complete only once all its rows are written, so
// a crash loses no committed work and a re-run skips finished files and dedupes the rest by key.
import { existsSync } from 'node:fs';
import type { ImportIssue, ImportJobState } from '../api/contract.ts';
import { createPseudonymKey } from '../deid/pseudonym-key.ts';
import { createFhirDeidentifier } from '../deid/fhir-deidentifier.ts';
import { SAFE_HARBOR_POLICY, STORED_RESOURCE_TYPES } from '../deid/safe-harbor-policy.ts';
import { detectInputKind, listInputFiles, type InputFile, type InputKind } from '../ingest/input-files.ts';
import { createFhirValidator } from '../ingest/fhir/fhir-validator.ts';
import { CancellationError } from '../util/errors.ts';
import { DicomImporter, type DicomRunOptions } from './dicom-import.ts';
import { importFhirFiles } from './fhir-files.ts';
import { FhirImporter } from './fhir-import.ts';
import { MAX_REPORTED_ISSUES, newTally, rollUp, type FileTally } from './import-progress.ts';
import { ImportSink } from './store-sink.ts';
import { VcfImporter, type VcfRunOptions } from './vcf-import.ts';
import { openWritable } from '../store/database.ts';
import { refreshIndexAdmissionsInBackground } from '../features/readmission/index-admission-cache.ts';
import type { Worker } from 'node:worker_threads';

export interface ImportRunRequest {
  databaseFile: string;
  secret: Uint8Array;
  batchId: number;
  jobId: string;
  startedAt: string;
  paths: string[];
  /** The reference date for ages (Safe Harbor 90+ rule), as ISO. */
  asOf: string;
  /** How VCF files of this job are linked and whether de-identified copies are written. */
  vcf?: VcfRunOptions;
  /** How DICOM files of this job are de-identified and linked, and where their copies go. */
  dicom?: DicomRunOptions;
}

export interface ImportRunHooks {
  signal: AbortSignal;
  onProgress(state: ImportJobState): void;
  /** Minimum interval between progress reports. */
  progressIntervalMs?: number;
  /**
   * DICOM de-identification threads started before the job arrived (import-worker.ts); a DICOM
   * job takes them out of this array, and the caller stops whatever is left in it at the end.
   */
  readyDicomWorkers?: Worker[];
}

/** Patient files first, so most references resolve on first sight; then the rest in stable order. */
async function classify(files: InputFile[], onDetected: (index: number, kind: InputKind) => void): Promise<{ file: InputFile; kind: InputKind }[]> {
  // Detection reads a few KB per file; sequential awaits cost more than the reads for thousands
  // of small DICOM files, so a few run at a time (the order of `out` stays the files' order).
  const out: { file: InputFile; kind: InputKind }[] = new Array(files.length);
  let next = 0;
  const detect = async () => {
    for (let i = next++; i < files.length; i = next++) {
      out[i] = { file: files[i]!, kind: await detectInputKind(files[i]!.path) };
      onDetected(i, out[i]!.kind);
    }
  };
  await Promise.all(Array.from({ length: Math.min(16, files.length) }, detect));
  const rank = (f: { file: InputFile; kind: InputKind }) =>
    f.kind === 'fhir-ndjson' && /(^|[\\/])Patient[^\\/]*$/.test(f.file.path) ? 0 : f.kind.startsWith('fhir') ? 1 : 2;
  return out.sort((a, b) => rank(a) - rank(b));
}

/**
 * Brings the index-admission features of the patients an import changed up to date, so scoring
 * reads them instead of re-deriving them. Runs after the import has reported its result (the
 * data is committed by then). Best effort: what is left stale (cancel, engine closed, error) is
 * recomputed before the next training, scoring or statistics release.
 */
export async function updateAdmissionFeatures(databaseFile: string, signal: AbortSignal): Promise<void> {
  // The data folder may be gone by now (removed after the engine closed): never create a new database.
  if (signal.aborted || !existsSync(databaseFile)) return;
  const db = openWritable(databaseFile);
  try {
    await refreshIndexAdmissionsInBackground(db, signal);
  } finally {
    db.close();
  }
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
    let dicomImporter = request.dicom
      ? new DicomImporter({
          sink, key, secret: request.secret, report, signal: hooks.signal, onStateChange: () => progress(),
          // As for FHIR shards, IT can pin the import to one thread on a shared machine.
          run: { ...request.dicom, threads: request.dicom.threads ?? (Number(process.env.DATASPACE_IMPORT_SHARDS) || undefined) },
          // The pool takes them out of this array as it uses them; if the options are refused first, the caller stops them.
          readyWorkers: hooks.readyDicomWorkers,
        })
      : null;
    // DICOM files start de-identifying while the rest of the job is still being classified: on a
    // large folder the worker threads would otherwise wait for the last file to be sniffed.
    const ordered = await classify(files, (index, kind) => {
      if (kind === 'dicom' && !hooks.signal.aborted) dicomImporter?.prefetch(files[index]!);
    });
    if (dicomImporter && !ordered.some((o) => o.kind === 'dicom')) {
      // No DICOM in this job: threads started ahead for it (readyDicomWorkers) go now.
      await dicomImporter.close();
      dicomImporter = null;
    }
    const vcfImporter = request.vcf
      ? new VcfImporter({ sink, key, options: request.vcf, report, signal: hooks.signal, onStateChange: () => progress(true) })
      : null;
    const dicomFiles: { file: InputFile; tally: FileTally }[] = [];
    const tallyOf = new Map(tallies.map((t) => [t.file, t]));
    const timer = setInterval(() => progress(), hooks.progressIntervalMs ?? 250);
    try {
      // FHIR first (its files are ordered first): later VCF alerts read the patients' medications.
      const fhirFiles = ordered.filter((o) => o.kind.startsWith('fhir'));
      if (fhirFiles.length > 0) await importFhirFiles({
        files: fhirFiles.map((o) => ({ ...o, tally: tallyOf.get(o.file.path)! })),
        importer: new FhirImporter({
          sink,
          deid: createFhirDeidentifier({ key, asOf: new Date(request.asOf) }),
          validator: createFhirValidator(),
          key,
          storedTypes: STORED_RESOURCE_TYPES,
          report,
          signal: hooks.signal,
        }),
        sink,
        key,
        request,
        report,
        progress,
        signal: hooks.signal,
        // IT can pin the import to one thread on a shared machine.
        shards: Number(process.env.DATASPACE_IMPORT_SHARDS) || undefined,
      });
      for (const { file, kind } of ordered) {
        if (hooks.signal.aborted) throw new CancellationError();
        if (kind.startsWith('fhir')) continue;
        const tally = tallyOf.get(file.path)!;
        if (kind === 'vcf' && vcfImporter) {
          await vcfImporter.importFile(file, tally);
          continue;
        }
        if (kind === 'dicom' && dicomImporter) {
          // DICOM files go last, several at a time (dicom-import.ts).
          dicomFiles.push({ file, tally });
          continue;
        }
        tally.kind = kind === 'dicom' || kind === 'vcf' ? kind : 'unknown';
        tally.state = 'skipped';
        tally.message =
          kind === 'unknown'
            ? 'not a FHIR, DICOM or VCF file'
            : `${kind.toUpperCase()} import is not available in this version`;
        report({ file: file.path, position: 'file', reason: tally.message, severity: 'skipped' });
      }
      if (dicomImporter) {
        await dicomImporter.importFiles(dicomFiles);
        dicomImporter.finish();
      }
    } finally {
      clearInterval(timer);
      await dicomImporter?.close();
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
