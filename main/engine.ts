// DataSpace Node engine: the composition root. `createEngine` builds every service by hand and
// returns an object implementing the api contract; hosts (Electron, web, CLI) only wrap it.
import { randomBytes, hkdfSync } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type {
  AuditPage,
  AuditVerifyResult,
  DataSpaceApi,
  EngineEvent,
  EngineStatus,
  ImportJobState,
  TaskState,
} from './api/contract.ts';
import { AuditTrail } from './audit/audit-trail.ts';
import { SAFE_HARBOR_POLICY } from './deid/safe-harbor-policy.ts';
import { DEFAULT_DICOM_DEID_OPTIONS, type DicomDeidOptions } from './deid/dicom/dicom-deid-options.ts';
import type { MrnSystemMapping } from './deid/dicom/mrn-system-mapping.ts';
import { patientPgxAlerts } from './features/pgx/patient-pgx-alerts.ts';
import { ImportJobs, startIdleImportWorker } from './pipeline/import-jobs.ts';
import { DEFAULT_SAMPLE_PATIENTS, SampleDataImport } from './pipeline/sample-data-import.ts';
import { openReadable, openWritable, type ReadableDB, type WritableDB } from './store/database.ts';
import { lockDataFolder } from './store/data-folder-lock.ts';
import { sweepAfterUncleanImports } from './store/unreferenced-dicom-sweep.ts';
import { dataFolderLayout, loadOrCreatePseudonymSecret } from './store/data-folder.ts';
import { readSetting, readSettingFamily, settingValue, writeSetting } from './store/engine-settings.ts';
import { GenomicsStore } from './store/genomics-store.ts';
import { ImagingStore, discardQuarantinedFile } from './store/imaging-store.ts';
import { mrnSystemMapping } from './store/mrn-system-settings.ts';
import type { KeyProtector } from './store/key-protector.ts';
import { LATEST_SCHEMA_VERSION, migrate, schemaVersion } from './store/migrations/index.ts';
import { ResearchStore } from './store/research-store.ts';
import { defaultModelsDir } from './scoring/bundled-models.ts';
import { createReadmissionService } from './scoring/readmission-service.ts';
import type { ConsortiumService, ConsortiumServiceDeps } from './sync/consortium-service.ts';
import { containsSyntheticData, markSyntheticData } from './store/synthetic-data-mark.ts';
import { sql } from './store/sql.ts';
import { EngineSetupError, InvalidInputError } from './util/errors.ts';
import { tuneV8Tiering } from './util/v8-tiering.ts';

export interface EngineOptions {
  dataDir: string;
  keyProtector: KeyProtector;
  /** Used only on first run, to create the institution profile. */
  institution?: { id?: string; displayName?: string };
  /** Who is acting, for the audit trail (e.g. "cli", "desktop", "web"). */
  actor?: string;
  /** DICOM Issuer of Patient ID → FHIR MRN system defaults (e.g. from IT policy); stored settings win. */
  mrnSystems?: Partial<MrnSystemMapping>;
  /** Folder of the bundled models (default: the app's `models/`). */
  modelsDir?: string;
  /**
   * Keep an import thread started and idle, so an import begins without waiting for one (for hosts
   * where importing is likely: the desktop app, the web host, `dataspace import`). Default off.
   */
  keepImportWorkerReady?: boolean;
}

/** The engine: the api contract plus lifecycle and events. */
export interface Engine extends DataSpaceApi {
  readonly dataDir: string;
  onEvent(listener: (event: EngineEvent) => void): () => void;
  /** Resolves when the job ends (done, failed or cancelled). */
  waitForImport(jobId: string): Promise<ImportJobState>;
  /** Resolves when imports have finished their background work (the admission-feature refresh). */
  settleImports(): Promise<void>;
  /** Resolves when a training or scoring task ends. */
  waitForTask(taskId: string): Promise<TaskState>;
  /** Appends an audit entry on behalf of a host (e.g. a configuration change). */
  audit(action: string, details?: Record<string, unknown>): void;
  /** A setting's stored value (null while unset); unknown keys throw InvalidInputError. */
  getSetting(key: string): string | null;
  /** Validates, stores and audits a setting (see store/engine-settings.ts for the keys). */
  setSetting(key: string, value: string): void;
  /** Stored settings of a family such as `dicom.mrn-system.`, as key → value. */
  getSettingFamily(prefix: string): Record<string, string>;
  close(): Promise<void>;
}

const INSTITUTION_ID = /^[a-z0-9][a-z0-9-]{1,62}$/;

/**
 * The consortium service loads on first use: its S3 client, X.509 and signature code cost tens of
 * megabytes that an import process, or a node that never syncs, should not carry.
 */
function lazyConsortiumService(deps: ConsortiumServiceDeps) {
  let service: ConsortiumService | undefined;
  let loading: Promise<ConsortiumService> | undefined;
  const load = () => (loading ??= import('./sync/consortium-service.ts').then((m) => (service = m.createConsortiumService(deps))));
  const call =
    <K extends keyof ConsortiumService>(name: K) =>
    async (...args: Parameters<Extract<ConsortiumService[K], (...a: never[]) => unknown>>) =>
      ((await load())[name] as (...a: unknown[]) => unknown)(...args);
  return {
    getConsortiumStatus: call('getConsortiumStatus'),
    createEnrolmentRequest: call('createEnrolmentRequest'),
    importEnrolment: call('importEnrolment'),
    setConsortiumEndpoint: call('setConsortiumEndpoint'),
    startSync: call('startSync'),
    listConsortiumRequests: call('listConsortiumRequests'),
    decideRelease: call('decideRelease'),
    listSyncRuns: call('listSyncRuns'),
    getTask: (taskId: string) => service?.getTask(taskId) ?? null,
    cancelTask: (taskId: string) => service?.cancelTask(taskId) ?? false,
    waitForTask: (taskId: string) => service?.waitForTask(taskId) ?? null,
    close: async () => {
      if (loading) await (await loading).close();
    },
  } as unknown as ConsortiumService;
}

export async function createEngine(options: EngineOptions): Promise<Engine> {
  // Before any worker starts (the writer and the import threads are isolates of this process).
  tuneV8Tiering();
  const layout = dataFolderLayout(options.dataDir);
  mkdirSync(layout.root, { recursive: true, mode: 0o700 });
  const actor = options.actor ?? 'engine';
  // Before anything reads or writes the folder: marking 'running' imports as interrupted below is
  // only right when no other engine can be running one.
  const lock = lockDataFolder(layout.root, actor);
  // Started first, so the thread loads its code while the key is derived and the store opened.
  const idleImportWorker = options.keepImportWorkerReady ? startIdleImportWorker() : undefined;
  let opened: WritableDB | undefined;
  let reader: ReadableDB;
  try {
    const { secret, created } = await loadOrCreatePseudonymSecret(layout, options.keyProtector);
    const writer: WritableDB = openWritable(layout.database);
    opened = writer;
    const before = schemaVersion(writer);
    const applied = migrate(writer);
    reader = openReadable(layout.database);
    const audit = new AuditTrail(writer, Buffer.from(hkdfSync('sha256', secret, 'dataspace', 'audit-head', 32)));

    if (created || before === 0) {
      const id = options.institution?.id ?? `inst-${randomBytes(4).toString('hex')}`;
      if (!INSTITUTION_ID.test(id)) {
        throw new EngineSetupError('Institution id must be lowercase letters, digits and dashes (2–63).', 'invalid-institution');
      }
      const displayName = options.institution?.displayName?.trim() || id;
      writer.run(sql`INSERT INTO institution (id, display_name, created_at) VALUES (${id}, ${displayName}, ${new Date().toISOString()})`);
      audit.append(actor, 'init', {
        institution: id,
        schemaVersion: LATEST_SCHEMA_VERSION,
        keyProtection: options.keyProtector.kind,
      });
    } else if (applied.length > 0) {
      audit.append(actor, 'migrate', { from: before, to: LATEST_SCHEMA_VERSION, applied });
    }
    const interrupted = writer.run(sql`UPDATE import_batch SET status = 'interrupted' WHERE status = 'running'`).changes;
    if (interrupted > 0) audit.append(actor, 'import.interrupted', { batches: interrupted });
    const sweep = await sweepAfterUncleanImports(writer, layout.root);
    if (sweep && sweep.removedFiles + sweep.removedTemporary > 0) {
      audit.append(actor, 'dicom.unreferenced-removed', { afterBatch: sweep.throughBatch, files: sweep.removedFiles, temporary: sweep.removedTemporary });
    }

    const institution = writer.get<{ id: string; display_name: string }>(sql`SELECT id, display_name FROM institution LIMIT 1`);
    if (!institution) throw new EngineSetupError('The institution profile is missing.', 'institution-missing');

    const store = new ResearchStore(reader);
    const genomics = new GenomicsStore(reader);
    const imaging = new ImagingStore(reader);
    const listeners = new Set<(event: EngineEvent) => void>();
    let eventSeq = 0;
    const emit = (event: EngineEvent) => {
      for (const listener of listeners) listener(event);
    };
    const nextSeq = () => ++eventSeq;

    const jobs = new ImportJobs({
      databaseFile: layout.database,
      dataDir: layout.root,
      secret,
      writer,
      audit: (action, details) => {
        const entry = audit.append(actor, action, details);
        emit({ type: 'audit.appended', seq: nextSeq(), entrySeq: entry.seq });
      },
      emit: (type, job) => emit({ type, seq: nextSeq(), job }),
    });
    if (idleImportWorker) jobs.keepWorkerReady(idleImportWorker);

    /** Starts an import job; `dicomIssuers` adds Issuer of Patient ID → MRN system mappings for this job only. */
    const startImportJob = (request: Parameters<DataSpaceApi['startImport']>[0], dicomIssuers: Record<string, string> = {}): string => {
      const mrnSystem = readSetting(writer, 'vcf.default-mrn-system');
      const vcf = {
        sampleSheet: request.vcf?.sampleSheet ?? null,
        writeDeidentifiedCopy: request.vcf?.writeDeidentifiedCopy ?? false,
        defaultMrnSystem: mrnSystem ?? settingValue(writer, 'vcf.default-mrn-system'),
        defaultMrnSystemConfigured: mrnSystem !== null,
        genomicsDir: join(layout.root, 'genomics'),
      };
      // Unset options take the defaults; zod leaves absent keys out, never undefined.
      const dicomOptions: DicomDeidOptions = { ...DEFAULT_DICOM_DEID_OPTIONS, ...request.dicom };
      const mrnSystems = mrnSystemMapping(writer, options.mrnSystems);
      const dicom = { options: dicomOptions, mrnSystems: { ...mrnSystems, byIssuer: { ...mrnSystems.byIssuer, ...dicomIssuers } } };
      return jobs.start(request.paths, { vcf, dicom });
    };

    const readmission = createReadmissionService({
      writer,
      reader,
      databaseFile: layout.database,
      modelsDir: options.modelsDir ?? defaultModelsDir(),
      institution: institution.display_name,
      actor,
      audit: (action, details) => {
        const entry = audit.append(actor, action, details);
        emit({ type: 'audit.appended', seq: nextSeq(), entrySeq: entry.seq });
      },
      emit: (type, task) => emit({ type, seq: nextSeq(), task }),
    });

    const consortium = lazyConsortiumService({
      writer,
      databaseFile: layout.database,
      keyProtector: options.keyProtector,
      registry: readmission.registry,
      institution: { id: institution.id, displayName: institution.display_name },
      actor,
      audit: (action, details) => {
        const entry = audit.append(actor, action, details);
        emit({ type: 'audit.appended', seq: nextSeq(), entrySeq: entry.seq });
      },
      emit: (type, task) => emit({ type, seq: nextSeq(), task }),
    });

    const sampleData = new SampleDataImport({
      dataDir: layout.root,
      institutionId: institution.id,
      holdsRealPatients: () => store.counts().patients > 0 && !containsSyntheticData(reader),
      recordLoad: ({ patients, seed }) => {
        markSyntheticData(writer, new Date().toISOString());
        const entry = audit.append(actor, 'demo.load', { patients, seed, institutions: 1 });
        emit({ type: 'audit.appended', seq: nextSeq(), entrySeq: entry.seq });
      },
      startImport: (paths, linkage) => startImportJob({ paths, ...(linkage.sampleSheet ? { vcf: { sampleSheet: linkage.sampleSheet } } : {}) }, linkage.dicomIssuers),
      waitForImport: (jobId) => jobs.wait(jobId),
    });

    const engine: Engine = {
      dataDir: layout.root,
      async getStatus(): Promise<EngineStatus> {
        return {
          institution: { id: institution.id, displayName: institution.display_name },
          dataDir: layout.root,
          schemaVersion: LATEST_SCHEMA_VERSION,
          policy: { name: SAFE_HARBOR_POLICY.name, version: SAFE_HARBOR_POLICY.version },
          counts: store.counts(),
          keyProtection: options.keyProtector.kind,
          synthetic: containsSyntheticData(reader),
        };
      },
      async startImport(request) {
        return { jobId: startImportJob(request) };
      },
      async cancelImport(request) {
        return { cancelled: jobs.cancel(request.jobId) };
      },
      async getImport(request) {
        return jobs.get(request.jobId);
      },
      async listImportBatches() {
        return { batches: store.listBatches() };
      },
      async listPatients(request) {
        return store.listPatients(request);
      },
      async getPatient(request) {
        const detail = store.getPatient(request.pseudonym);
        const pgx = detail ? genomics.pgxFor(request.pseudonym) : [];
        if (!detail || pgx.length === 0) return detail;
        return { ...detail, pgx, alerts: patientPgxAlerts(pgx, genomics.medicationCodes(request.pseudonym)) };
      },
      async listGenomicSamples(request) {
        return genomics.listSamples(request);
      },
      async getPgxSummary() {
        return genomics.pgxSummary();
      },
      async listPgxPatients(request) {
        const page = genomics.pgxPatients(request);
        return {
          total: page.total,
          offset: request.offset,
          patients: page.pseudonyms.map((pseudonym) => {
            const results = genomics.pgxFor(pseudonym);
            return { pseudonym, results, alerts: patientPgxAlerts(results, genomics.medicationCodes(pseudonym)) };
          }),
        };
      },
      async listImagingStudies(request) {
        return imaging.listStudies(request);
      },
      async listQuarantine(request) {
        return imaging.listQuarantine(request);
      },
      async loadSampleData(request) {
        return sampleData.load(request.patients ?? DEFAULT_SAMPLE_PATIENTS);
      },
      async discardQuarantined(request) {
        const reason = discardQuarantinedFile(writer, request.id, actor);
        if (reason === null) return { discarded: false };
        const entry = audit.append(actor, 'dicom.quarantine.discard', { id: request.id, reason });
        emit({ type: 'audit.appended', seq: nextSeq(), entrySeq: entry.seq });
        return { discarded: true };
      },
      listModels: readmission.listModels,
      activateModel: readmission.activateModel,
      rollbackModel: readmission.rollbackModel,
      startTraining: readmission.startTraining,
      startScoring: readmission.startScoring,
      async getTask(request) {
        return consortium.getTask(request.taskId) ?? readmission.getTask(request);
      },
      async cancelTask(request) {
        return consortium.cancelTask(request.taskId) ? { cancelled: true } : readmission.cancelTask(request);
      },
      listRiskScores: readmission.listRiskScores,
      getRiskSummary: readmission.getRiskSummary,
      setRiskThresholds: readmission.setRiskThresholds,
      evaluateModel: readmission.evaluateModel,
      waitForTask(taskId) {
        return consortium.waitForTask(taskId) ?? readmission.waitForTask(taskId);
      },
      getConsortiumStatus: consortium.getConsortiumStatus,
      createEnrolmentRequest: consortium.createEnrolmentRequest,
      importEnrolment: consortium.importEnrolment,
      setConsortiumEndpoint: consortium.setConsortiumEndpoint,
      startSync: consortium.startSync,
      listConsortiumRequests: consortium.listConsortiumRequests,
      decideRelease: consortium.decideRelease,
      listSyncRuns: consortium.listSyncRuns,
      async listAudit(request): Promise<AuditPage> {
        return audit.list(reader, request);
      },
      async verifyAudit(): Promise<AuditVerifyResult> {
        const result = audit.verify(reader);
        return result;
      },
      onEvent(listener) {
        listeners.add(listener);
        return () => listeners.delete(listener);
      },
      waitForImport(jobId) {
        return jobs.wait(jobId);
      },
      settleImports() {
        return jobs.settle();
      },
      audit(action, details = {}) {
        audit.append(actor, action, details);
      },
      getSetting(key) {
        return readSetting(reader, key);
      },
      getSettingFamily(prefix) {
        return readSettingFamily(reader, prefix);
      },
      setSetting(key, value) {
        if (key.startsWith('risk.threshold.')) {
          const pair = { moderate: Number(settingValue(writer, 'risk.threshold.moderate')), high: Number(settingValue(writer, 'risk.threshold.high')) };
          pair[key === 'risk.threshold.high' ? 'high' : 'moderate'] = Number(value);
          if (!(pair.moderate < pair.high)) throw new InvalidInputError('risk.threshold.moderate must stay below risk.threshold.high.', 'invalid-thresholds');
        }
        writeSetting(writer, key, value);
        const entry = audit.append(actor, 'config.set', { key, value });
        emit({ type: 'audit.appended', seq: nextSeq(), entrySeq: entry.seq });
      },
      async close() {
        // Together: cancelling the jobs lets the sample import remove its temporary folder.
        await Promise.all([sampleData.close(), jobs.cancelAll(), readmission.close(), consortium.close()]);
        listeners.clear();
        reader.close();
        writer.close();
        secret.fill(0);
        lock.release();
      },
    };
    return engine;
  } catch (error) {
    void idleImportWorker?.terminate();
    opened?.close();
    lock.release();
    throw error;
  }
}
