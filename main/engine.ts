// DataSpace Node engine: the composition root. `createEngine` builds every service by hand and
// returns an object implementing the api contract; hosts (Electron, web, CLI) only wrap it.
import { randomBytes, hkdfSync } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import type {
  AuditPage,
  AuditVerifyResult,
  DataSpaceApi,
  EngineEvent,
  EngineStatus,
  ImportJobState,
} from './api/contract.ts';
import { AuditTrail } from './audit/audit-trail.ts';
import { SAFE_HARBOR_POLICY } from './deid/safe-harbor-policy.ts';
import { ImportJobs } from './pipeline/import-jobs.ts';
import { openReadable, openWritable, type ReadableDB, type WritableDB } from './store/database.ts';
import { dataFolderLayout, loadOrCreatePseudonymSecret } from './store/data-folder.ts';
import type { KeyProtector } from './store/key-protector.ts';
import { LATEST_SCHEMA_VERSION, migrate, schemaVersion } from './store/migrations/index.ts';
import { ResearchStore } from './store/research-store.ts';
import { sql } from './store/sql.ts';
import { EngineSetupError } from './util/errors.ts';

export interface EngineOptions {
  dataDir: string;
  keyProtector: KeyProtector;
  /** Used only on first run, to create the institution profile. */
  institution?: { id?: string; displayName?: string };
  /** Who is acting, for the audit trail (e.g. "cli", "desktop", "web"). */
  actor?: string;
}

/** The engine: the api contract plus lifecycle and events. */
export interface Engine extends DataSpaceApi {
  readonly dataDir: string;
  onEvent(listener: (event: EngineEvent) => void): () => void;
  /** Resolves when the job ends (done, failed or cancelled). */
  waitForImport(jobId: string): Promise<ImportJobState>;
  /** Appends an audit entry on behalf of a host (e.g. a configuration change). */
  audit(action: string, details?: Record<string, unknown>): void;
  close(): Promise<void>;
}

const INSTITUTION_ID = /^[a-z0-9][a-z0-9-]{1,62}$/;

export async function createEngine(options: EngineOptions): Promise<Engine> {
  const layout = dataFolderLayout(options.dataDir);
  mkdirSync(layout.root, { recursive: true, mode: 0o700 });
  const { secret, created } = await loadOrCreatePseudonymSecret(layout, options.keyProtector);
  const actor = options.actor ?? 'engine';

  const writer: WritableDB = openWritable(layout.database);
  let reader: ReadableDB;
  try {
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

    const institution = writer.get<{ id: string; display_name: string }>(sql`SELECT id, display_name FROM institution LIMIT 1`);
    if (!institution) throw new EngineSetupError('The institution profile is missing.', 'institution-missing');

    const store = new ResearchStore(reader);
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
        };
      },
      async startImport(request) {
        return { jobId: jobs.start(request.paths) };
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
        return store.getPatient(request.pseudonym);
      },
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
      audit(action, details = {}) {
        audit.append(actor, action, details);
      },
      async close() {
        await jobs.cancelAll();
        listeners.clear();
        reader.close();
        writer.close();
        secret.fill(0);
      },
    };
    return engine;
  } catch (error) {
    writer.close();
    throw error;
  }
}
