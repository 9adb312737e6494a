// Write side of an import: prepared statements for patients, aliases, resources and source files.
// Idempotent by construction: resources are keyed by their stable source identity, so a
// re-import or a re-run after a crash updates nothing that is unchanged and duplicates nothing.
import type { WritableDB } from './database.ts';
import { sql } from './sql.ts';

/** A de-identified patient row. */
export interface StoredPatient {
  pseudonym: string;
  sex: string | null;
  ageGroup: string | null;
  birthYear: number | null;
  birthDay: number | null;
  deceased: boolean;
  deceasedDay: number | null;
  zip3: string | null;
  state: string | null;
  country: string | null;
}

/** A de-identified resource row. */
export interface StoredResource {
  key: string;
  type: string;
  pseudonym: string;
  startDay: number | null;
  endDay: number | null;
  codes: string[];
  /** The de-identified resource as JSON text. */
  body: string;
}

/**
 * A resource row as it travels to the writer thread: a flat tuple, codes already JSON. Structured
 * cloning writes no property names for an array, and the import threads sent 285,000 of these per
 * 500 MB of NDJSON.
 */
export type StoredResourceRow = [key: string, type: string, pseudonym: string, startDay: number | null, endDay: number | null, codesJson: string, body: string];

export function resourceRow(r: StoredResource): StoredResourceRow {
  return [r.key, r.type, r.pseudonym, r.startDay, r.endDay, JSON.stringify(r.codes), r.body];
}

export interface SourceFileRecord {
  fingerprint: string;
  kind: string;
  bytes: number;
}

export class ImportWriter {
  private readonly upsertPatientStmt;
  private readonly insertAliasStmt;
  private readonly findAliasStmt;
  private readonly upsertResourceStmt;
  private readonly markStaleStmt;
  /** Patients already marked stale in the current transaction. */
  private readonly markedInTransaction = new Set<string>();

  constructor(
    private readonly db: WritableDB,
    readonly batchId: number,
  ) {
    // Bulk loading: keep the key indexes in cache and checkpoint the WAL rarely; the
    // importer's connection is its own, so these settings do not touch the serving thread. The
    // two resource indexes of a 500 MB FHIR export take ~31 MB: with a 16 MB cache the writer
    // re-read 226,000 pages through read() calls, with 48 MB 111,000 (FHIR bench: writer thread
    // ~0.4 s less CPU, peak RSS +26 MB, 331 -> 357 MB).
    db.pragma('cache_size = -49152');
    db.pragma('wal_autocheckpoint = 20000');
    db.pragma('temp_store = MEMORY');
    // Foreign keys are not checked row by row on this connection: the importers write every
    // patient (and the batch row) before anything that names it, which the import tests verify
    // with foreign_key_check, and the parent lookups took about a fifth of the writer thread's
    // time (FHIR bench: writer 4.8-5.1 s -> 4.0-4.2 s CPU). Other connections keep them on.
    db.pragma('foreign_keys = OFF');
    this.upsertPatientStmt = db.prepare(`
      INSERT INTO patient (pseudonym, sex, age_group, birth_year, birth_day, deceased, deceased_day, zip3, state, country, first_batch_id)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT(pseudonym) DO UPDATE SET
        sex = excluded.sex, age_group = excluded.age_group, birth_year = excluded.birth_year,
        birth_day = excluded.birth_day, deceased = excluded.deceased, deceased_day = excluded.deceased_day,
        zip3 = excluded.zip3, state = excluded.state, country = excluded.country`);
    this.insertAliasStmt = db.prepare(`INSERT OR IGNORE INTO patient_alias (ref_key, pseudonym) VALUES (?, ?)`);
    this.findAliasStmt = db.prepare(`SELECT pseudonym FROM patient_alias WHERE ref_key = ?`).pluck();
    this.upsertResourceStmt = db.prepare(`
      INSERT INTO resource (key, type, pseudonym, start_day, end_day, codes, body, batch_id)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT(key) DO UPDATE SET
        type = excluded.type, pseudonym = excluded.pseudonym, start_day = excluded.start_day,
        end_day = excluded.end_day, codes = excluded.codes, body = excluded.body, batch_id = excluded.batch_id
      WHERE resource.body <> excluded.body OR resource.pseudonym <> excluded.pseudonym`);
    this.markStaleStmt = db.prepare(`INSERT INTO admission_features_stale (pseudonym) VALUES (?)
      ON CONFLICT(pseudonym) DO UPDATE SET generation = generation + 1`);
  }

  /** Marks the patient's index admissions for recomputation (migration 0070), once per transaction. */
  private markStale(pseudonym: string): void {
    if (this.markedInTransaction.has(pseudonym)) return;
    this.markStaleStmt.run(pseudonym);
    this.markedInTransaction.add(pseudonym);
  }

  /**
   * Opens a transaction that spans several calls (the writer thread groups batches); end it with
   * `commit` or `rollback`. BEGIN IMMEDIATE for the reason given in database.ts.
   */
  begin(): void {
    this.markedInTransaction.clear();
    this.db.exec('BEGIN IMMEDIATE');
  }

  commit(): void {
    this.markedInTransaction.clear();
    try {
      this.db.exec('COMMIT');
    } catch (error) {
      this.rollback();
      throw error;
    }
  }

  rollback(): void {
    this.markedInTransaction.clear();
    try {
      this.db.exec('ROLLBACK');
    } catch {
      // No transaction is open any more (SQLite rolled it back itself).
    }
  }

  upsertPatient(p: StoredPatient): void {
    this.upsertPatientStmt.run(
      p.pseudonym, p.sex, p.ageGroup, p.birthYear, p.birthDay, p.deceased ? 1 : 0,
      p.deceasedDay, p.zip3, p.state, p.country, this.batchId,
    );
    this.markStale(p.pseudonym);
  }

  addAlias(refKey: string, pseudonym: string): void {
    this.insertAliasStmt.run(refKey, pseudonym);
  }

  findPseudonym(refKey: string): string | undefined {
    return this.findAliasStmt.get(refKey) as string | undefined;
  }

  /** Returns true when the row was inserted or changed, false when it was already there as is. */
  upsertResource(row: StoredResourceRow): boolean {
    const [key, type, pseudonym, startDay, endDay, codesJson, body] = row;
    const result = this.upsertResourceStmt.run(key, type, pseudonym, startDay, endDay, codesJson, body, this.batchId);
    if (result.changes === 0) return false;
    if (ADMISSION_TYPES.has(type)) this.markStale(pseudonym);
    return true;
  }

  isFileCompleted(fingerprint: string): boolean {
    return (
      this.db.pluck<number>(sql`SELECT completed FROM source_file WHERE fingerprint = ${fingerprint}`) === 1
    );
  }

  beginFile(file: SourceFileRecord): void {
    this.db.run(sql`INSERT INTO source_file (fingerprint, kind, bytes, batch_id) VALUES (${file.fingerprint}, ${file.kind}, ${file.bytes}, ${this.batchId})
      ON CONFLICT(fingerprint) DO UPDATE SET batch_id = excluded.batch_id, completed = 0`);
  }

  completeFile(fingerprint: string, contentSha256: string | null, counts: { accepted: number; rejected: number; skipped: number }): void {
    this.db.run(sql`UPDATE source_file SET completed = 1, content_sha256 = ${contentSha256},
      accepted = ${counts.accepted}, rejected = ${counts.rejected}, skipped = ${counts.skipped}
      WHERE fingerprint = ${fingerprint}`);
  }

  /** Refreshes the per-patient counts shown in the Patients view. */
  refreshPatientCounts(): void {
    this.db.exec(`
      UPDATE patient SET
        encounters = (SELECT count(*) FROM resource r WHERE r.pseudonym = patient.pseudonym AND r.type = 'Encounter'),
        conditions = (SELECT count(*) FROM resource r WHERE r.pseudonym = patient.pseudonym AND r.type = 'Condition'),
        observations = (SELECT count(*) FROM resource r WHERE r.pseudonym = patient.pseudonym AND r.type = 'Observation'),
        medications = (SELECT count(*) FROM resource r WHERE r.pseudonym = patient.pseudonym
                       AND r.type IN ('MedicationRequest', 'MedicationStatement'))`);
  }

  finishBatch(status: 'done' | 'failed' | 'cancelled', totals: { files: number; accepted: number; inserted: number; rejected: number; skipped: number }): void {
    this.db.run(sql`UPDATE import_batch SET status = ${status}, finished_at = ${new Date().toISOString()},
      files = ${totals.files}, accepted = ${totals.accepted}, inserted = ${totals.inserted},
      rejected = ${totals.rejected}, skipped = ${totals.skipped}
      WHERE id = ${this.batchId}`);
  }
}

/** Resource types index admissions are derived from (features/readmission/index-admissions.ts). */
const ADMISSION_TYPES = new Set(['Encounter', 'Condition', 'Observation', 'MedicationRequest', 'Procedure']);

/** Creates the batch row before any work starts, so an interrupted import is visible. */
export function createImportBatch(db: WritableDB, policy: { name: string; version: string }): number {
  const result = db.run(sql`INSERT INTO import_batch (started_at, status, policy_name, policy_version)
    VALUES (${new Date().toISOString()}, 'running', ${policy.name}, ${policy.version})`);
  return Number(result.lastInsertRowid);
}
