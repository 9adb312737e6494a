// Imports DICOM files: a pool of worker threads reads each file, de-identifies it (PS3.15 Basic
// Profile) and stores the result content-addressed in the data folder; this thread turns the
// results into rows for the ImportSink, so the writer thread commits them in order. Composes
// ingest, deid and store, which know nothing of each other.
import type { ImportIssue } from '../api/contract.ts';
import type { DicomDeidOptions } from '../deid/dicom/dicom-deid-options.ts';
import { DICOM_BASIC_PROFILE, deidentificationMethodCodes } from '../deid/dicom/dicom-deid-options.ts';
import { compilePolicy } from '../deid/dicom/dicom-deid-policy.ts';
import type { MrnSystemMapping } from '../deid/dicom/mrn-system-mapping.ts';
import { opaqueKey, type PseudonymKey } from '../deid/pseudonym-key.ts';
import type { InputFile } from '../ingest/input-files.ts';
import { removeAbandonedTemporaryFiles, removeDicomFile } from '../store/dicom-file-store.ts';
import { CancellationError } from '../util/errors.ts';
import { DicomDeidPool, defaultDicomThreads, type DicomDeidResult } from './dicom-deid-pool.ts';
import type { FileTally } from './import-progress.ts';
import type { ImportSink } from './store-sink.ts';
import type { Worker } from 'node:worker_threads';

/** How the DICOM files of one job are de-identified and linked. */
export interface DicomRunOptions {
  /** The data folder: de-identified files go to its dicom/ folder. */
  dataDir: string;
  options: DicomDeidOptions;
  mrnSystems: MrnSystemMapping;
  /** De-identification worker threads; default one per core, at most four. */
  threads?: number;
}

export interface DicomImportServices {
  sink: ImportSink;
  key: PseudonymKey;
  secret: Uint8Array;
  run: DicomRunOptions;
  report(issue: ImportIssue): void;
  signal: AbortSignal;
  onStateChange(): void;
  /** De-identification threads already started, used before new ones (dicom-deid-pool.ts). */
  readyWorkers?: Worker[];
}

/** Larger files are refused: de-identification holds a file and its copy in memory. */
export const MAX_DICOM_FILE_BYTES = 2 * 1024 ** 3 - 1;
/**
 * Files handed to the workers while the job is still being classified (prefetch). Their results
 * are small; the bound keeps what a cancelled job has to clean up small too.
 */
const MAX_PREFETCHED = 256;
/** Files per transaction: a commit per file would dominate for thousands of small instances. */
const FILES_PER_TRANSACTION = 64;
const HELD_BACK = 'DICOM held back for review';
const DICOMDIR = 'DICOMDIR';

/** What is recorded with the batch: the profile, its version and the options in force. */
export function dicomPolicyRecord(options: DicomDeidOptions): { profile: string; version: string; options: DicomDeidOptions; methodCodes: string[] } {
  return {
    profile: DICOM_BASIC_PROFILE.name,
    version: DICOM_BASIC_PROFILE.version,
    options,
    methodCodes: deidentificationMethodCodes(options).map((code) => code.value),
  };
}

export class DicomImporter {
  private readonly pool: DicomDeidPool;
  private readonly threads: number;
  /** SOP Instance UID → file SHA-256 of instances stored by this job (not yet visible to reads). */
  private readonly storedThisJob = new Map<string, string>();
  private readonly patientsThisJob = new Set<string>();
  /** Files already handed to the workers by `prefetch`, by path, until `importFiles` takes them. */
  private readonly prefetched = new Map<string, { fingerprint: string; result: Promise<DicomDeidResult | null> }>();
  private unmappedIssuer = 0;
  private uncommitted = 0;
  private started = false;

  constructor(private readonly s: DicomImportServices) {
    // Invalid options (a bad safe-private allowlist entry) fail the job before any file is read.
    compilePolicy(s.run.options);
    this.threads = Math.max(1, s.run.threads ?? defaultDicomThreads());
    this.pool = new DicomDeidPool({ secret: s.secret, options: s.run.options, mrnSystems: s.run.mrnSystems, dataDir: s.run.dataDir }, this.threads, undefined, s.readyWorkers);
  }

  /**
   * Starts de-identifying a DICOM file before `importFiles` is called with it (up to a bound): the
   * worker writes its de-identified copy, and the row is written when `importFiles` reaches it.
   * Files already imported unchanged are left for `importFiles` to skip.
   */
  prefetch(file: InputFile): void {
    if (this.prefetched.size >= MAX_PREFETCHED || this.prefetched.has(file.path)) return;
    const fingerprint = this.fingerprintOf(file);
    if (this.s.sink.isFileCompleted(fingerprint)) return;
    this.prefetched.set(file.path, { fingerprint, result: this.pool.run(file.path, MAX_DICOM_FILE_BYTES).catch(() => null) });
  }

  /** The same key as FHIR files (import-run.ts): path, size and mtime, never stored in clear. */
  private fingerprintOf(file: InputFile): string {
    return opaqueKey(this.s.key, 'source-file', `${file.path}|${file.bytes}|${file.mtimeMs}`);
  }

  /** Imports the files, several at a time; files already imported unchanged are skipped. */
  async importFiles(files: readonly { file: InputFile; tally: FileTally }[]): Promise<void> {
    if (files.length === 0) return;
    if (!this.started) {
      this.started = true;
      this.s.sink.recordDicomPolicy(JSON.stringify(dicomPolicyRecord(this.s.run.options)));
      await removeAbandonedTemporaryFiles(this.s.run.dataDir);
    }
    // Workers run ahead; results are taken in file order, so which of two files claiming one SOP
    // Instance UID is stored, and the order of rows, never depend on thread timing.
    const ahead: { file: InputFile; tally: FileTally; fingerprint: string; result: Promise<DicomDeidResult | null> }[] = [];
    const limit = this.threads * 4;
    for (const { file, tally } of files) {
      if (this.s.signal.aborted) break;
      tally.kind = 'dicom';
      const early = this.prefetched.get(file.path);
      if (early) {
        this.prefetched.delete(file.path);
        tally.state = 'running';
        ahead.push({ file, tally, fingerprint: early.fingerprint, result: early.result });
        if (ahead.length >= limit) await this.take(ahead.shift()!);
        continue;
      }
      const fingerprint = this.fingerprintOf(file);
      if (this.s.sink.isFileCompleted(fingerprint)) {
        tally.state = 'skipped';
        tally.bytesRead = file.bytes;
        tally.message = 'already imported (unchanged since)';
        continue;
      }
      tally.state = 'running';
      ahead.push({ file, tally, fingerprint, result: this.pool.run(file.path, MAX_DICOM_FILE_BYTES).catch(() => null) });
      if (ahead.length >= limit) await this.take(ahead.shift()!);
    }
    // Files already handed to a worker finish even after Cancel: each is one small unit of work.
    while (ahead.length > 0) await this.take(ahead.shift()!);
    await this.s.sink.endBatch(true);
    if (this.s.signal.aborted) throw new CancellationError();
  }

  /** Reports, once per job, files whose Patient ID could not be placed in a configured MRN system. */
  finish(): void {
    if (this.unmappedIssuer > 0) {
      this.s.report({
        file: '',
        position: 'job',
        reason: `${this.unmappedIssuer} DICOM file(s) have an Issuer of Patient ID with no configured MRN system, so they were not linked to FHIR patients; set dicom.mrn-system.<issuer> or dicom.default-mrn-system before importing DICOM from that issuer (files already imported keep their issuer-only pseudonym)`,
        severity: 'warning',
      });
    }
  }

  async close(): Promise<void> {
    // Prefetched files the job never reached (cancelled or failed first) have no rows: their
    // copies go, unless an identical file was already stored (and is referenced) before.
    const untaken = [...this.prefetched.values()];
    this.prefetched.clear();
    for (const { result } of untaken) {
      const done = await result;
      if (done?.outcome === 'ok' && done.created) removeDicomFile(this.s.run.dataDir, done.relativePath);
    }
    await this.pool.close();
  }

  private async take(item: { file: InputFile; tally: FileTally; fingerprint: string; result: Promise<DicomDeidResult | null> }): Promise<void> {
    const { file, tally, fingerprint } = item;
    const result = await item.result;
    if (result === null) {
      this.reject(tally, 'the file could not be de-identified (the worker stopped)');
      return;
    }
    tally.bytesRead = result.bytesRead;
    switch (result.outcome) {
      case 'rejected':
        this.onRejected(tally, fingerprint, result);
        break;
      case 'quarantine':
        this.onQuarantined(file, tally, fingerprint, result);
        break;
      case 'ok':
        this.onDeidentified(tally, fingerprint, result);
        break;
    }
    this.s.onStateChange();
    if (++this.uncommitted >= FILES_PER_TRANSACTION) {
      this.uncommitted = 0;
      // Committed now, not grouped: each instance's file is already on disk, and a crash should
      // leave at most one batch of files without their rows.
      await this.s.sink.endBatch(true);
    }
  }

  private onRejected(tally: FileTally, fingerprint: string, result: Extract<DicomDeidResult, { outcome: 'rejected' }>): void {
    if (result.code === 'dicomdir') {
      // Media indexes (PS3.10 8.2) list files and carry patient names: read, never stored.
      this.skip(tally, 'skipped: DICOMDIR index', DICOMDIR);
      this.complete(tally, fingerprint, result.inputSha256);
      return;
    }
    if (result.code === 'not-dicom') {
      this.skip(tally, `not a DICOM file (${result.reason})`, 'not DICOM');
      return;
    }
    this.reject(tally, result.reason, result.offset === null ? 'file' : `byte ${result.offset}`);
  }

  private onQuarantined(file: InputFile, tally: FileTally, fingerprint: string, result: Extract<DicomDeidResult, { outcome: 'quarantine' }>): void {
    if (!result.mrnConfigured) this.unmappedIssuer++;
    this.s.sink.quarantineDicom({
      reason: result.reason,
      sopClassUid: result.summary.sopClassUid,
      modality: result.summary.modality,
      pseudonym: result.pseudonym,
      studyDay: result.summary.studyDay,
      bytes: file.bytes,
      sourceFingerprint: opaqueKey(this.s.key, 'dicom-quarantine', result.inputSha256),
    });
    tally.skipped = 1;
    tally.skippedByType[HELD_BACK] = 1;
    tally.state = 'done';
    tally.message = `held back for review: ${result.reason}`;
    this.s.report({ file: tally.file, position: 'file', reason: result.reason, severity: 'quarantined' });
    this.complete(tally, fingerprint, result.inputSha256);
  }

  private onDeidentified(tally: FileTally, fingerprint: string, result: Extract<DicomDeidResult, { outcome: 'ok' }>): void {
    const { summary } = result;
    if (!summary.studyInstanceUid || !summary.seriesInstanceUid) {
      // The worker refuses these before storing; kept so the types hold and nothing is left behind.
      if (result.created) removeDicomFile(this.s.run.dataDir, result.relativePath);
      this.reject(tally, 'Study Instance UID (0020,000D) or Series Instance UID (0020,000E) is missing: the instance cannot be placed in a study');
      return;
    }
    if (!result.mrnConfigured) this.unmappedIssuer++;
    const uid = summary.sopInstanceUid;
    const earlier = this.storedThisJob.get(uid) ?? this.s.sink.storedImagingFile(uid);
    if (earlier !== undefined && earlier !== result.outputSha256) {
      // Two different files claim one SOP Instance UID: the first stored stays, so the store never
      // holds two versions of an instance; the copy is reported, never silently merged.
      if (result.created) removeDicomFile(this.s.run.dataDir, result.relativePath);
      this.skip(tally, 'an instance with the same SOP Instance UID is already stored from a different file; this one was not stored', 'DICOM duplicate instance');
      this.complete(tally, fingerprint, result.inputSha256);
      return;
    }
    this.storedThisJob.set(uid, result.outputSha256);
    if (!this.patientsThisJob.has(result.pseudonym)) {
      this.patientsThisJob.add(result.pseudonym);
      this.s.sink.addImagingPatient({ pseudonym: result.pseudonym, sex: summary.patientSex, ageGroup: summary.patientAgeGroup });
    }
    this.s.sink.addImagingInstance(tally.index, {
      pseudonym: result.pseudonym,
      studyUid: summary.studyInstanceUid,
      studyDay: summary.studyDay,
      seriesUid: summary.seriesInstanceUid,
      modality: summary.modality,
      bodyPart: summary.bodyPartExamined,
      sopClassUid: summary.sopClassUid,
      sopInstanceUid: uid,
      fileSha256: result.outputSha256,
      relativePath: result.relativePath,
      pixelSha256: summary.pixelDataSha256,
      frames: summary.numberOfFrames,
      bytes: result.outputBytes,
      transferSyntax: summary.transferSyntax,
    });
    tally.accepted = 1;
    tally.state = 'done';
    this.complete(tally, fingerprint, result.inputSha256);
  }

  /** Marks the source file as imported in the same transaction as its rows. */
  private complete(tally: FileTally, fingerprint: string, contentSha256: string | null): void {
    this.s.sink.beginFile({ fingerprint, kind: 'dicom', bytes: tally.bytesTotal });
    this.s.sink.completeFile(fingerprint, contentSha256, tally);
  }

  private skip(tally: FileTally, message: string, type: string): void {
    tally.skipped = 1;
    tally.skippedByType[type] = 1;
    tally.state = 'skipped';
    tally.message = message;
    this.s.report({ file: tally.file, position: 'file', reason: message, severity: 'skipped' });
  }

  private reject(tally: FileTally, reason: string, position = 'file'): void {
    tally.rejected = 1;
    tally.state = 'failed';
    tally.message = reason;
    this.s.report({ file: tally.file, position, reason, severity: 'rejected' });
  }
}
