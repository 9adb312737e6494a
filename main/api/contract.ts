// The typed contract between the UI and the engine: requests, responses, events.
// Every host (Electron IPC, loopback HTTP, CLI) speaks exactly this; payloads are
// validated against `apiInputSchemas` where they cross a process boundary.
import { z } from 'zod';
import type { DicomDeidOptions } from '../deid/dicom/dicom-deid-options.ts';

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
  /** True once "Load sample data" has put synthetic patients into this store. */
  synthetic: boolean;
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
  /** 'quarantined': a DICOM file held back for review (its path is shown only in this live report). */
  severity: 'rejected' | 'skipped' | 'quarantined' | 'warning';
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
  /** PGx gene calls from the patient's VCF samples, one per gene; absent without genomic data. */
  pgx?: PgxGeneResult[];
  /** Drug-gene alerts: the patient's medications (RxNorm) against their PGx phenotypes. */
  alerts?: PgxDrugAlert[];
}

/** One pharmacogene called for a patient from a VCF sample (PharmCAT-style named-allele matching). */
export interface PgxGeneResult {
  gene: string;
  status: 'called' | 'ambiguous' | 'indeterminate' | 'not-callable';
  /** The diplotype when called (e.g. '*2/*3'), else null. */
  diplotype: string | null;
  /** Every top-scoring diplotype (several when ambiguous). */
  candidates: string[];
  /** CPIC phenotype, e.g. 'Poor Metabolizer'. */
  phenotype: string | null;
  activityScore: number | null;
  /** Genotypes at the gene's GRCh38 defining positions; `call` null where the VCF has no data. */
  genotypes: { pos: number; rsid: string | null; call: string | null }[];
  missingPositions: number;
  /** The genomic sample the call comes from. */
  sampleKey: string;
}

/** A CPIC drug-gene alert; the texts come from the bundled CPIC rule table, never from patient data. */
export interface PgxDrugAlert {
  ruleId: string;
  gene: string;
  phenotype: string;
  /** Ingredient name from the rule table. */
  drug: string;
  rxnorm: string;
  severity: 'high' | 'moderate';
  recommendation: string;
  guideline: string;
}

/** One de-identified VCF sample with its variant summary (definitions as `bcftools stats` PSC). */
export interface GenomicSampleSummary {
  sampleKey: string;
  pseudonym: string;
  genomeBuild: string;
  records: number;
  called: number;
  snvs: number;
  indels: number;
  multiAllelic: number;
  het: number;
  homAlt: number;
  tiTv: number | null;
  hetHomRatio: number | null;
  callRate: number | null;
  /** Genes with a diplotype called. */
  genesCalled: number;
  deidentifiedCopy: boolean;
  batchId: number;
}

export interface GenomicSamplePage {
  total: number;
  offset: number;
  samples: GenomicSampleSummary[];
}

/** Patients per phenotype for each called gene (one call per patient and gene), for the chart. */
export interface PgxSummary {
  genes: { gene: string; patients: number; phenotypes: { phenotype: string; patients: number }[] }[];
}

/** A patient's PGx results and alerts. */
export interface PgxPatient {
  pseudonym: string;
  results: PgxGeneResult[];
  alerts: PgxDrugAlert[];
}

export interface PgxPatientPage {
  total: number;
  offset: number;
  patients: PgxPatient[];
}

/** Options of a VCF import. */
export interface VcfImportOptions {
  /** Path of a CSV mapping VCF sample id → MRN system, MRN value. Without it the sample id is the MRN. */
  sampleSheet?: string;
  /** Also write a de-identified BGZF copy under `<dataDir>/genomics/` (default: no copy). */
  writeDeidentifiedCopy?: boolean;
}

/** DICOM profile options of one import (PS3.15 E.3); unset options take DEFAULT_DICOM_DEID_OPTIONS. */
export type DicomImportOptions = Partial<DicomDeidOptions>;

/** One de-identified imaging study: replacement UID, codes and counts only, never free text. */
export interface ImagingStudySummary {
  /** The 2.25 replacement Study Instance UID. */
  studyUid: string;
  pseudonym: string;
  modalities: string[];
  /** Shifted day number (days since 1970-01-01 after the patient's date shift); null without dates. */
  studyDay: number | null;
  series: number;
  instances: number;
  batchId: number;
}

export interface ImagingStudyPage {
  total: number;
  offset: number;
  studies: ImagingStudySummary[];
  /** Studies per modality over the whole store (a study with two modalities counts for each). */
  byModality: { modality: string; studies: number }[];
}

/** A DICOM file held back for review; the store keeps no bytes, path or date of it. */
export interface QuarantinedFile {
  id: number;
  reason: string;
  sopClassUid: string | null;
  modality: string | null;
  pseudonym: string | null;
  studyDay: number | null;
  bytes: number;
  state: 'pending' | 'discarded';
  batchId: number;
  decidedAt: string | null;
  decidedBy: string | null;
}

export interface QuarantinePage {
  total: number;
  pending: number;
  offset: number;
  items: QuarantinedFile[];
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
  startImport(request: { paths: string[]; vcf?: VcfImportOptions; dicom?: DicomImportOptions }): Promise<{ jobId: string }>;
  cancelImport(request: { jobId: string }): Promise<{ cancelled: boolean }>;
  getImport(request: { jobId: string }): Promise<ImportJobState | null>;
  listImportBatches(): Promise<{ batches: ImportBatchSummary[] }>;
  listPatients(request: { offset: number; limit: number; sort?: PatientSortKey; descending?: boolean }): Promise<PatientPage>;
  getPatient(request: { pseudonym: string }): Promise<PatientDetail | null>;
  listAudit(request: { offset: number; limit: number; action?: string }): Promise<AuditPage>;
  verifyAudit(): Promise<AuditVerifyResult>;
  listGenomicSamples(request: { offset: number; limit: number }): Promise<GenomicSamplePage>;
  getPgxSummary(): Promise<PgxSummary>;
  listPgxPatients(request: { offset: number; limit: number }): Promise<PgxPatientPage>;
  listImagingStudies(request: { offset: number; limit: number; modality?: string }): Promise<ImagingStudyPage>;
  listQuarantine(request: { offset: number; limit: number }): Promise<QuarantinePage>;
  /** Marks a held-back file as discarded (a data steward's decision, audited). */
  discardQuarantined(request: { id: number }): Promise<{ discarded: boolean }>;
  /** Generates synthetic patients (not real people) and imports them as a normal job; only into an empty store. */
  loadSampleData(request: { patients?: number }): Promise<{ jobId: string; patients: number }>;
}

export type ApiMethod = keyof DataSpaceApi;

const patientSortKeys = ['pseudonym', 'sex', 'ageGroup', 'encounters', 'conditions', 'observations', 'medications'] as const;

/** PS3.15 E.3 options; safe private attributes as `(gggg,"Private Creator",ee)`. */
const dicomImportOptionsSchema = z
  .object({
    retainLongitudinalModifiedDates: z.boolean().optional(),
    retainPatientCharacteristics: z.boolean().optional(),
    retainDeviceIdentity: z.boolean().optional(),
    retainSafePrivate: z.boolean().optional(),
    safePrivateAllowlist: z.array(z.string().regex(/^\([0-9A-Fa-f]{4},"[^"\\]{0,64}",[0-9A-Fa-f]{2}\)$/)).max(1000).optional(),
    cleanDescriptors: z.boolean().optional(),
    cleanStructuredContent: z.boolean().optional(),
  })
  .strict();

const DICOM_MODALITY = /^[A-Z0-9_]{1,16}$/;

/** Argument schemas per method; hosts parse every incoming payload with these. */
export const apiInputSchemas = {
  getStatus: z.tuple([]),
  startImport: z.tuple([
    z
      .object({
        paths: z.array(z.string().min(1).max(4096)).min(1).max(100_000),
        vcf: z
          .object({ sampleSheet: z.string().min(1).max(4096).optional(), writeDeidentifiedCopy: z.boolean().optional() })
          .strict()
          .optional(),
        dicom: dicomImportOptionsSchema.optional(),
      })
      .strict(),
  ]),
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
  listGenomicSamples: z.tuple([z.object({ offset: z.number().int().min(0), limit: z.number().int().min(1).max(1000) }).strict()]),
  getPgxSummary: z.tuple([]),
  listPgxPatients: z.tuple([z.object({ offset: z.number().int().min(0), limit: z.number().int().min(1).max(1000) }).strict()]),
  listImagingStudies: z.tuple([
    z
      .object({ offset: z.number().int().min(0), limit: z.number().int().min(1).max(1000), modality: z.string().regex(DICOM_MODALITY).optional() })
      .strict(),
  ]),
  listQuarantine: z.tuple([z.object({ offset: z.number().int().min(0), limit: z.number().int().min(1).max(1000) }).strict()]),
  discardQuarantined: z.tuple([z.object({ id: z.number().int().min(1) }).strict()]),
  loadSampleData: z.tuple([z.object({ patients: z.number().int().min(1).max(5000).optional() }).strict()]),
} satisfies { [K in ApiMethod]: z.ZodType<Parameters<DataSpaceApi[K]>> };

export const apiMethods = Object.keys(apiInputSchemas) as ApiMethod[];

export function isApiMethod(name: string): name is ApiMethod {
  return Object.prototype.hasOwnProperty.call(apiInputSchemas, name);
}
