// The typed contract between the UI and the engine: requests, responses, events.
// Every host (Electron IPC, loopback HTTP, CLI) speaks exactly this; payloads are
// validated against `apiInputSchemas` where they cross a process boundary.
import { z } from 'zod';

/** Counts of de-identified records in the store. */
export interface RecordCounts {
  patients: number;
  encounters: number;
  conditions: number;
  observations: number;
  medications: number;
  procedures: number;
  otherResources: number;
  importBatches: number;
}

/** What the header shows: who we are, where data lives, what policy is in force. */
export interface EngineStatus {
  institution: { id: string; displayName: string };
  dataDir: string;
  schemaVersion: number;
  policy: { name: string; version: string };
  counts: RecordCounts;
  keyProtection: 'passphrase' | 'os-keychain' | 'test';
}

export type ImportFileState = 'queued' | 'running' | 'done' | 'failed' | 'skipped' | 'cancelled';

/** One rejected or skipped input item, reported without any of its content. */
export interface ImportIssue {
  file: string;
  /** "line 12", "entry 3", "byte 4096" — where in the file. */
  position: string;
  /** FHIR element path or other locator, when known. */
  path?: string;
  reason: string;
  severity: 'rejected' | 'skipped';
}

export interface ImportFileProgress {
  file: string;
  kind: 'fhir' | 'dicom' | 'vcf' | 'unknown';
  state: ImportFileState;
  bytesRead: number;
  bytesTotal: number;
  accepted: number;
  rejected: number;
  skipped: number;
  message?: string;
}

/** Live and final state of one import job. */
export interface ImportJobState {
  jobId: string;
  batchId: number | null;
  state: 'running' | 'done' | 'failed' | 'cancelled';
  startedAt: string;
  finishedAt: string | null;
  policy: { name: string; version: string };
  files: ImportFileProgress[];
  totals: {
    accepted: number;
    inserted: number;
    unchanged: number;
    rejected: number;
    skipped: number;
    bytesRead: number;
    bytesTotal: number;
    recordsPerSecond: number;
  };
  skippedByType: Record<string, number>;
  issues: ImportIssue[];
  /** Set when the whole job could not run. */
  error?: ApiError;
}

export interface PatientRow {
  pseudonym: string;
  sex: string | null;
  ageGroup: string | null;
  encounters: number;
  conditions: number;
  observations: number;
  medications: number;
}

export type PatientSortKey = 'pseudonym' | 'sex' | 'ageGroup' | 'encounters' | 'conditions' | 'observations' | 'medications';

export interface PatientPage {
  total: number;
  offset: number;
  patients: PatientRow[];
}

/** One event on a patient's de-identified timeline; day 0 is the first contact. */
export interface TimelineEvent {
  day: number;
  endDay: number | null;
  type: string;
  /** Coded summary only (system|code), never free text. */
  codes: string[];
  detail: string | null;
}

export interface PatientDetail {
  patient: PatientRow;
  timeline: TimelineEvent[];
}

export interface AuditEntry {
  seq: number;
  at: string;
  actor: string;
  action: string;
  details: Record<string, unknown>;
  hash: string;
}

export interface AuditPage {
  total: number;
  entries: AuditEntry[];
}

/** Result of re-walking the hash chain. */
export interface AuditVerifyResult {
  ok: boolean;
  checked: number;
  problems: { seq: number | null; kind: 'edited' | 'deleted' | 'inserted' | 'head-mismatch'; message: string }[];
}

export interface ImportBatchSummary {
  id: number;
  startedAt: string;
  finishedAt: string | null;
  status: string;
  policyName: string;
  policyVersion: string;
  files: number;
  accepted: number;
  rejected: number;
  skipped: number;
}

/** Errors cross boundaries as data, never as bare strings. */
export interface ApiError {
  name: string;
  code: string;
  message: string;
}

export type EngineEvent =
  | { type: 'import.progress'; seq: number; job: ImportJobState }
  | { type: 'import.finished'; seq: number; job: ImportJobState }
  | { type: 'audit.appended'; seq: number; entrySeq: number };

/** The one interface every host exposes and the renderer consumes. */
export interface DataSpaceApi {
  getStatus(): Promise<EngineStatus>;
  startImport(request: { paths: string[] }): Promise<{ jobId: string }>;
  cancelImport(request: { jobId: string }): Promise<{ cancelled: boolean }>;
  getImport(request: { jobId: string }): Promise<ImportJobState | null>;
  listImportBatches(): Promise<{ batches: ImportBatchSummary[] }>;
  listPatients(request: { offset: number; limit: number; sort?: PatientSortKey; descending?: boolean }): Promise<PatientPage>;
  getPatient(request: { pseudonym: string }): Promise<PatientDetail | null>;
  listAudit(request: { offset: number; limit: number; action?: string }): Promise<AuditPage>;
  verifyAudit(): Promise<AuditVerifyResult>;
}

export type ApiMethod = keyof DataSpaceApi;

const patientSortKeys = ['pseudonym', 'sex', 'ageGroup', 'encounters', 'conditions', 'observations', 'medications'] as const;

/** Argument schemas per method; hosts parse every incoming payload with these. */
export const apiInputSchemas = {
  getStatus: z.tuple([]),
  startImport: z.tuple([z.object({ paths: z.array(z.string().min(1).max(4096)).min(1).max(100_000) }).strict()]),
  cancelImport: z.tuple([z.object({ jobId: z.string().uuid() }).strict()]),
  getImport: z.tuple([z.object({ jobId: z.string().uuid() }).strict()]),
  listImportBatches: z.tuple([]),
  listPatients: z.tuple([
    z
      .object({
        offset: z.number().int().min(0),
        limit: z.number().int().min(1).max(1000),
        sort: z.enum(patientSortKeys).optional(),
        descending: z.boolean().optional(),
      })
      .strict(),
  ]),
  getPatient: z.tuple([z.object({ pseudonym: z.string().regex(/^[0-9a-f]{8,64}$/) }).strict()]),
  listAudit: z.tuple([
    z
      .object({
        offset: z.number().int().min(0),
        limit: z.number().int().min(1).max(1000),
        action: z.string().max(64).optional(),
      })
      .strict(),
  ]),
  verifyAudit: z.tuple([]),
} satisfies { [K in ApiMethod]: z.ZodType<Parameters<DataSpaceApi[K]>> };

export const apiMethods = Object.keys(apiInputSchemas) as ApiMethod[];

export function isApiMethod(name: string): name is ApiMethod {
  return Object.prototype.hasOwnProperty.call(apiInputSchemas, name);
}
