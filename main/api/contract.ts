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

/** Where a model came from. */
export type ModelSource = 'bundled' | 'local-training' | 'consortium' | 'imported';
/** Registry stage: one model is active at a time; candidates wait for a steward. */
export type ModelStage = 'candidate' | 'active' | 'retired';

/** Discrimination and calibration of one score on labelled admissions. */
export interface ScoreMetrics {
  n: number;
  prevalence: number;
  auroc: number;
  /** DeLong 95% confidence interval. */
  auroc95: [number, number];
  brier: number;
  calibrationSlope: number;
  calibrationIntercept: number;
  /** Expected calibration error over 10 equal-width risk bins. */
  ece: number;
}

/** The model and both clinical scores on the same admissions. */
export interface ModelMetrics {
  model: ScoreMetrics;
  lace: ScoreMetrics;
  hospital: ScoreMetrics;
}

/** What a model is, what it was trained on, how well it did and what it is not for. */
export interface ModelCard {
  name: string;
  version: string;
  kind: string;
  featureSet: { name: string; version: string };
  features: { name: string; description: string }[];
  trainingData: string;
  metrics: ModelMetrics | null;
  /** Where the metrics come from, e.g. "held-out 30% of 3,100 admissions, seed 42". */
  evaluation: string;
  intendedUse: string;
  limitations: string[];
  explanation: string;
}

/** One registry entry. */
export interface ModelSummary {
  /** SHA-256 of the ONNX bytes, hex. */
  id: string;
  name: string;
  version: string;
  kind: string;
  stage: ModelStage;
  source: ModelSource;
  sizeBytes: number;
  registeredAt: string;
  activatedAt: string | null;
  card: ModelCard;
  /** Training run that produced it (local training only). */
  trainingRunId: number | null;
  /** The model's metrics on this store's labelled admissions (evaluateModel), beside LACE and HOSPITAL. */
  localEvaluation: { metrics: ModelMetrics; admissions: number; evaluatedAt: string } | null;
}

export type RiskLevel = 'low' | 'moderate' | 'high';

/** Risk thresholds: a risk at or above `high` is high, at or above `moderate` moderate. */
export interface RiskThresholds {
  moderate: number;
  high: number;
}

/** One factor of one prediction: its contribution to the logit. */
export interface RiskFactor {
  feature: string;
  /** Additive logit contribution relative to the training-mean admission. */
  logit: number;
}

/** One scored index admission (latest scoring run). */
export interface RiskScoreRow {
  encounterKey: string;
  pseudonym: string;
  /** Shifted day numbers of the patient (intervals are real, dates are not). */
  admitDay: number;
  lengthOfStayDays: number;
  risk: number;
  level: RiskLevel;
  topFactors: RiskFactor[];
  lace: number;
  hospital: number;
  /** Observed 30-day readmission in the store. */
  readmitted30d: 0 | 1;
}

export type RiskSortKey = 'risk' | 'lace' | 'hospital' | 'pseudonym' | 'lengthOfStayDays';

export interface RiskPage {
  total: number;
  offset: number;
  rows: RiskScoreRow[];
}

/** A curve for the Risk view: ROC points and calibration bins per score. */
export interface ScoreCurves {
  /** [false positive rate, true positive rate], from (0,0) to (1,1). */
  roc: [number, number][];
  /** Deciles of predicted risk: mean predicted vs observed rate. */
  calibration: { predicted: number; observed: number; n: number }[];
}

/** The latest scoring run with its distribution and evaluation on this store's labelled admissions. */
export interface RiskSummary {
  run: {
    id: number;
    modelId: string;
    modelName: string;
    modelVersion: string;
    scoredAt: string;
    admissions: number;
    seconds: number;
  } | null;
  thresholds: RiskThresholds;
  levels: Record<RiskLevel, number>;
  /** 20 equal-width bins of predicted risk on [0, 1]. */
  histogram: { from: number; to: number; count: number }[];
  /** Metrics of model, LACE and HOSPITAL on the same admissions (LACE/HOSPITAL risks by logistic recalibration). */
  metrics: ModelMetrics | null;
  curves: { model: ScoreCurves; lace: ScoreCurves; hospital: ScoreCurves } | null;
}

export type TaskKind = 'train' | 'score' | 'sync' | 'evaluate';

/** Long work other than imports (training, scoring): progress, result, cancel. */
export interface TaskState {
  taskId: string;
  kind: TaskKind;
  state: 'running' | 'done' | 'failed' | 'cancelled';
  phase: string;
  /** 0..1 */
  progress: number;
  startedAt: string;
  finishedAt: string | null;
  result?: TrainingResult | ScoringResult | SyncResult | EvaluationResult;
  error?: ApiError;
}

export interface TrainingOptions {
  kind?: 'logistic' | 'mlp';
  /** Held-out share for evaluation (default 0.3). */
  testFraction?: number;
  seed?: number;
  /** L2 penalty (default 1). */
  l2?: number;
  classWeight?: 'none' | 'balanced';
}

export interface TrainingResult {
  type: 'train';
  runId: number;
  model: ModelSummary;
  metrics: ModelMetrics;
  admissions: { total: number; train: number; test: number; positives: number };
  parameters: Required<TrainingOptions>;
}

export interface EvaluationResult {
  type: 'evaluate';
  modelId: string;
  admissions: number;
  /** Null when the store has no labelled admissions of both outcomes. */
  metrics: ModelMetrics | null;
}

export interface SyncResult {
  type: 'sync';
  run: SyncRunSummary;
}

export interface ScoringResult {
  type: 'score';
  runId: number;
  modelId: string;
  admissions: number;
  levels: Record<RiskLevel, number>;
  seconds: number;
}

/** A certificate as the Consortium view shows it. */
export interface CertificateInfo {
  subject: string;
  issuer: string;
  serialNumber: string;
  notBefore: string;
  notAfter: string;
  daysLeft: number;
  /** Within 30 days of expiry (or expired): renew with a new CSR. */
  renewSoon: boolean;
  fingerprint256: string;
}

/** The local disclosure policy in force (set here, never by the consortium). */
export interface ReleasePolicySummary {
  version: string;
  minimumCellSize: number;
  noise: 'none' | 'laplace';
  epsilonPerRelease: number;
  totalEpsilon: number;
  epsilonSpent: number;
  unattendedApproval: boolean;
}

/** Where the node stands with its consortium. */
export interface ConsortiumStatus {
  enrolment: 'not-enrolled' | 'csr-created' | 'enrolled';
  /** The pending or last certificate signing request (PEM), to hand to the consortium CA. */
  csrPem: string | null;
  certificate: CertificateInfo | null;
  ca: CertificateInfo | null;
  /** The secret key is never returned. */
  endpoint: { url: string; bucket: string; accessKey: string; proxyUrl: string | null } | null;
  outbox: { pending: number; uploaded: number; lastError: string | null };
  policy: ReleasePolicySummary;
  lastSync: SyncRunSummary | null;
  /** The CRL's next update, when one has been fetched. */
  crlNextUpdate: string | null;
}

/** One policy check a release passed or failed, in words a data steward reads. */
export interface ReleaseCheck {
  id: string;
  /** The statistic id or gene the check is about. */
  subject?: string;
  passed: boolean;
  /** 'withheld': that item is left out (null in the payload) and the rest may go; 'refused': nothing goes. */
  outcome: 'passed' | 'withheld' | 'refused';
  message: string;
}

/** A signed consortium request and what the node would send in answer. */
export interface ConsortiumRequestSummary {
  sequence: number;
  kind: string;
  round: string | null;
  issuedAt: string;
  expiresAt: string;
  receivedAt: string;
  state: 'pending-review' | 'approved' | 'rejected' | 'refused' | 'uploaded';
  /** The exact JSON text that would leave the node (null when refused). */
  payloadJson: string | null;
  payloadSha256: string | null;
  payloadBytes: number | null;
  checks: ReleaseCheck[];
  /** Why the policy refused it. */
  refusal: string | null;
  decidedBy: string | null;
  decidedAt: string | null;
}

/** One object moved during a sync. */
export interface SyncObject {
  key: string;
  direction: 'up' | 'down';
  bytes: number;
  sha256: string;
}

export interface SyncRunSummary {
  id: number;
  startedAt: string;
  finishedAt: string | null;
  state: 'running' | 'done' | 'failed';
  requestsReceived: number;
  releasesUploaded: number;
  modelsRegistered: number;
  objects: SyncObject[];
  error: string | null;
}

/** Enrolment: a PEM certificate with its chain, or a PKCS#12 bundle (base64) with its password. */
export interface EnrolmentImport {
  certificatePem?: string;
  chainPem?: string;
  pkcs12Base64?: string;
  password?: string;
}

/** The consortium store (any S3 API) and, if the hospital requires one, an HTTPS proxy. */
export interface ConsortiumEndpoint {
  url: string;
  bucket: string;
  accessKey: string;
  secretKey: string;
  proxyUrl?: string;
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
  | { type: 'audit.appended'; seq: number; entrySeq: number }
  | { type: 'task.progress'; seq: number; task: TaskState }
  | { type: 'task.finished'; seq: number; task: TaskState };

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
  /** Registry: every model with its stage and card. */
  listModels(): Promise<{ models: ModelSummary[] }>;
  /** Makes a candidate or retired model the active one (audited); the previous active one is retired. */
  activateModel(request: { modelId: string }): Promise<ModelSummary>;
  /** Re-activates the model that was active before the current one (audited). */
  rollbackModel(): Promise<ModelSummary>;
  /** Trains a model on the local store in a worker; registers it as a candidate. */
  startTraining(request: TrainingOptions): Promise<{ taskId: string }>;
  /** Scores every index admission with the active model in a worker; appends to the prediction log. */
  startScoring(): Promise<{ taskId: string }>;
  getTask(request: { taskId: string }): Promise<TaskState | null>;
  cancelTask(request: { taskId: string }): Promise<{ cancelled: boolean }>;
  listRiskScores(request: { offset: number; limit: number; sort?: RiskSortKey; descending?: boolean; level?: RiskLevel }): Promise<RiskPage>;
  getRiskSummary(): Promise<RiskSummary>;
  /** Sets the risk level thresholds (audited); levels of the latest run are recomputed. */
  setRiskThresholds(request: RiskThresholds): Promise<RiskThresholds>;
  getConsortiumStatus(): Promise<ConsortiumStatus>;
  /** Generates the institution key pair (kept encrypted) and returns a CSR for the consortium CA. */
  createEnrolmentRequest(request: { country: string }): Promise<{ csrPem: string }>;
  /** Imports the signed certificate and the consortium CA (checked against the local key). */
  importEnrolment(request: EnrolmentImport): Promise<ConsortiumStatus>;
  setConsortiumEndpoint(request: ConsortiumEndpoint): Promise<ConsortiumStatus>;
  /** Fetches the CRL and signed requests, uploads approved releases, downloads signed models (a task). */
  startSync(request: { approvePolicy?: boolean }): Promise<{ taskId: string }>;
  listConsortiumRequests(): Promise<{ requests: ConsortiumRequestSummary[] }>;
  /** The steward's decision on a release after seeing its payload ("what leaves"); audited. */
  decideRelease(request: { sequence: number; approve: boolean; reason?: string }): Promise<ConsortiumRequestSummary>;
  listSyncRuns(request: { limit: number }): Promise<{ runs: SyncRunSummary[] }>;
  /** Measures a model (e.g. a consortium candidate) on this store's admissions before a steward activates it. */
  evaluateModel(request: { modelId: string }): Promise<{ taskId: string }>;
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
const SHA256_HEX = /^[0-9a-f]{64}$/;
const riskSortKeys = ['risk', 'lace', 'hospital', 'pseudonym', 'lengthOfStayDays'] as const;

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
  listModels: z.tuple([]),
  activateModel: z.tuple([z.object({ modelId: z.string().regex(SHA256_HEX) }).strict()]),
  rollbackModel: z.tuple([]),
  startTraining: z.tuple([
    z
      .object({
        kind: z.enum(['logistic', 'mlp']).optional(),
        testFraction: z.number().min(0.1).max(0.5).optional(),
        seed: z.number().int().min(0).max(2 ** 31).optional(),
        l2: z.number().min(0).max(1000).optional(),
        classWeight: z.enum(['none', 'balanced']).optional(),
      })
      .strict(),
  ]),
  startScoring: z.tuple([]),
  getTask: z.tuple([z.object({ taskId: z.string().uuid() }).strict()]),
  cancelTask: z.tuple([z.object({ taskId: z.string().uuid() }).strict()]),
  listRiskScores: z.tuple([
    z
      .object({
        offset: z.number().int().min(0),
        limit: z.number().int().min(1).max(1000),
        sort: z.enum(riskSortKeys).optional(),
        descending: z.boolean().optional(),
        level: z.enum(['low', 'moderate', 'high']).optional(),
      })
      .strict(),
  ]),
  getRiskSummary: z.tuple([]),
  setRiskThresholds: z.tuple([
    z
      .object({ moderate: z.number().gt(0).lt(1), high: z.number().gt(0).lt(1) })
      .strict()
      .refine((t) => t.moderate < t.high, { message: 'moderate must be below high' }),
  ]),
  getConsortiumStatus: z.tuple([]),
  createEnrolmentRequest: z.tuple([z.object({ country: z.string().regex(/^[A-Z]{2}$/) }).strict()]),
  importEnrolment: z.tuple([
    z
      .object({
        certificatePem: z.string().max(65_536).optional(),
        chainPem: z.string().max(262_144).optional(),
        pkcs12Base64: z.string().max(262_144).regex(/^[A-Za-z0-9+/=\s]*$/).optional(),
        password: z.string().max(1024).optional(),
      })
      .strict(),
  ]),
  setConsortiumEndpoint: z.tuple([
    z
      .object({
        url: z.string().url().max(2048).regex(/^https:\/\//),
        bucket: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/),
        accessKey: z.string().min(1).max(256),
        secretKey: z.string().min(1).max(256),
        proxyUrl: z.string().url().max(2048).regex(/^http:\/\//).optional(),
      })
      .strict(),
  ]),
  startSync: z.tuple([z.object({ approvePolicy: z.boolean().optional() }).strict()]),
  listConsortiumRequests: z.tuple([]),
  decideRelease: z.tuple([z.object({ sequence: z.number().int().min(1), approve: z.boolean(), reason: z.string().max(1000).optional() }).strict()]),
  listSyncRuns: z.tuple([z.object({ limit: z.number().int().min(1).max(1000) }).strict()]),
  evaluateModel: z.tuple([z.object({ modelId: z.string().regex(SHA256_HEX) }).strict()]),
} satisfies { [K in ApiMethod]: z.ZodType<Parameters<DataSpaceApi[K]>> };

export const apiMethods = Object.keys(apiInputSchemas) as ApiMethod[];

export function isApiMethod(name: string): name is ApiMethod {
  return Object.prototype.hasOwnProperty.call(apiInputSchemas, name);
}
