// What the node keeps about its consortium (migration 0060), read and written in one place.
import { X509Certificate } from 'node:crypto';
import type { CertificateInfo, ConsortiumRequestSummary, ReleaseCheck, SyncObject, SyncRunSummary } from '../api/contract.ts';
import type { PrivacyBudgetEntry } from '../federated/privacy-budget-ledger.ts';
import type { ReleaseRecord } from '../federated/release-ledger.ts';
import type { WritableDB } from '../store/database.ts';
import { sql } from '../store/sql.ts';

export interface IdentityRow {
  wrapped_key: Buffer;
  csr_pem: string;
  pending_wrapped_key: Buffer | null;
  pending_csr_pem: string | null;
  country: string;
  certificate_pem: string | null;
  ca_pem: string | null;
  enrolled_at: string | null;
}

export interface EndpointRow {
  url: string;
  bucket: string;
  access_key: string;
  wrapped_secret: Buffer;
  proxy_url: string | null;
}

interface RequestRow {
  sequence: number;
  kind: string;
  round: string | null;
  issued_at: string;
  expires_at: string;
  received_at: string;
  state: ConsortiumRequestSummary['state'];
  payload_json: string | null;
  payload_sha256: string | null;
  checks: string;
  refusal: string | null;
  decided_by: string | null;
  decided_at: string | null;
  pending_ledger: string | null;
  object_key: string | null;
}

interface SyncRunRow {
  id: number;
  started_at: string;
  finished_at: string | null;
  state: SyncRunSummary['state'];
  requests_received: number;
  releases_uploaded: number;
  models_registered: number;
  objects: string;
  error: string | null;
}

/** Ledger additions a release makes once it is approved. */
export interface PendingLedger {
  record: ReleaseRecord;
  budget: PrivacyBudgetEntry[];
}

export function certificateInfo(pem: string, at = new Date()): CertificateInfo {
  const cert = new X509Certificate(pem);
  const notAfter = new Date(cert.validTo);
  const daysLeft = Math.floor((notAfter.getTime() - at.getTime()) / 86_400_000);
  return {
    subject: cert.subject.replace(/\n/g, ', '),
    issuer: cert.issuer.replace(/\n/g, ', '),
    serialNumber: cert.serialNumber,
    notBefore: new Date(cert.validFrom).toISOString(),
    notAfter: notAfter.toISOString(),
    daysLeft,
    renewSoon: daysLeft < 30,
    fingerprint256: cert.fingerprint256,
  };
}

const requestSummary = (r: RequestRow): ConsortiumRequestSummary => ({
  sequence: r.sequence,
  kind: r.kind,
  round: r.round,
  issuedAt: r.issued_at,
  expiresAt: r.expires_at,
  receivedAt: r.received_at,
  state: r.state,
  payloadJson: r.payload_json,
  payloadSha256: r.payload_sha256,
  payloadBytes: r.payload_json === null ? null : Buffer.byteLength(r.payload_json),
  checks: JSON.parse(r.checks) as ReleaseCheck[],
  refusal: r.refusal,
  decidedBy: r.decided_by,
  decidedAt: r.decided_at,
});

const syncRunSummary = (r: SyncRunRow): SyncRunSummary => ({
  id: r.id,
  startedAt: r.started_at,
  finishedAt: r.finished_at,
  state: r.state,
  requestsReceived: r.requests_received,
  releasesUploaded: r.releases_uploaded,
  modelsRegistered: r.models_registered,
  objects: JSON.parse(r.objects) as SyncObject[],
  error: r.error,
});

export class ConsortiumNodeState {
  constructor(private readonly db: WritableDB) {}

  identity(): IdentityRow | undefined {
    return this.db.get<IdentityRow>(sql`SELECT wrapped_key, csr_pem, pending_wrapped_key, pending_csr_pem, country, certificate_pem, ca_pem, enrolled_at FROM consortium_identity WHERE id = 1`);
  }

  /** A first key and CSR; once enrolled, a renewal key and CSR that wait beside the certificate in use. */
  saveKeyAndCsr(wrappedKey: Buffer, csrPem: string, country: string, at: string): void {
    if (this.identity()?.certificate_pem) {
      this.db.run(sql`UPDATE consortium_identity SET pending_wrapped_key = ${wrappedKey}, pending_csr_pem = ${csrPem} WHERE id = 1`);
      return;
    }
    this.db.run(sql`INSERT INTO consortium_identity (id, wrapped_key, csr_pem, country, created_at) VALUES (1, ${wrappedKey}, ${csrPem}, ${country}, ${at})
      ON CONFLICT(id) DO UPDATE SET wrapped_key = excluded.wrapped_key, csr_pem = excluded.csr_pem, country = excluded.country,
        created_at = excluded.created_at, certificate_pem = NULL, ca_pem = NULL, enrolled_at = NULL`);
  }

  /** Stores the certificate with the key it belongs to (the renewal key, a PKCS#12 key, or the current one). */
  saveEnrolment(certificatePem: string, caPem: string, at: string, key: { wrappedKey: Buffer; csrPem: string } | null): void {
    if (key) {
      this.db.run(sql`INSERT INTO consortium_identity (id, wrapped_key, csr_pem, country, created_at) VALUES (1, ${key.wrappedKey}, ${key.csrPem}, '', ${at})
        ON CONFLICT(id) DO UPDATE SET wrapped_key = excluded.wrapped_key, csr_pem = excluded.csr_pem`);
    }
    this.db.run(sql`UPDATE consortium_identity SET certificate_pem = ${certificatePem}, ca_pem = ${caPem}, enrolled_at = ${at},
      pending_wrapped_key = NULL, pending_csr_pem = NULL WHERE id = 1`);
  }

  endpoint(): EndpointRow | undefined {
    return this.db.get<EndpointRow>(sql`SELECT url, bucket, access_key, wrapped_secret, proxy_url FROM consortium_endpoint WHERE id = 1`);
  }

  saveEndpoint(e: { url: string; bucket: string; accessKey: string; proxyUrl: string | null }, wrappedSecret: Buffer, at: string): void {
    this.db.run(sql`INSERT INTO consortium_endpoint (id, url, bucket, access_key, wrapped_secret, proxy_url, updated_at)
      VALUES (1, ${e.url}, ${e.bucket}, ${e.accessKey}, ${wrappedSecret}, ${e.proxyUrl}, ${at})
      ON CONFLICT(id) DO UPDATE SET url = excluded.url, bucket = excluded.bucket, access_key = excluded.access_key,
        wrapped_secret = excluded.wrapped_secret, proxy_url = excluded.proxy_url, updated_at = excluded.updated_at`);
  }

  crl(): { crl_pem: string; next_update: string } | undefined {
    return this.db.get(sql`SELECT crl_pem, next_update FROM consortium_crl WHERE id = 1`);
  }

  saveCrl(crlPem: string, nextUpdate: string, at: string): void {
    this.db.run(sql`INSERT INTO consortium_crl (id, crl_pem, fetched_at, next_update) VALUES (1, ${crlPem}, ${at}, ${nextUpdate})
      ON CONFLICT(id) DO UPDATE SET crl_pem = excluded.crl_pem, fetched_at = excluded.fetched_at, next_update = excluded.next_update`);
  }

  highestRequestSequence(): number {
    return this.db.pluck<number>(sql`SELECT max(sequence) FROM consortium_request`) ?? 0;
  }

  saveRequest(r: {
    sequence: number; kind: string; round: string | null; requestJson: string; signature: string; issuedAt: string; expiresAt: string; receivedAt: string;
    state: ConsortiumRequestSummary['state']; payloadJson: string | null; payloadSha256: string | null; checks: ReleaseCheck[]; refusal: string | null;
    pendingLedger: PendingLedger | null; decidedBy: string | null;
  }): void {
    this.db.run(sql`INSERT INTO consortium_request (sequence, kind, round, request_json, signature, issued_at, expires_at, received_at, state,
        payload_json, payload_sha256, checks, refusal, pending_ledger, decided_by, decided_at)
      VALUES (${r.sequence}, ${r.kind}, ${r.round}, ${r.requestJson}, ${r.signature}, ${r.issuedAt}, ${r.expiresAt}, ${r.receivedAt}, ${r.state},
        ${r.payloadJson}, ${r.payloadSha256}, ${JSON.stringify(r.checks)}, ${r.refusal}, ${r.pendingLedger ? JSON.stringify(r.pendingLedger) : null},
        ${r.decidedBy}, ${r.decidedBy ? r.receivedAt : null})`);
  }

  recordRefusal(sequence: number, round: string | null, refusal: string, checks: readonly ReleaseCheck[]): void {
    this.db.run(sql`UPDATE consortium_request SET state = 'refused', round = ${round}, refusal = ${refusal}, checks = ${JSON.stringify(checks)} WHERE sequence = ${sequence}`);
  }

  recordProposal(sequence: number, p: { round: string | null; payloadJson: string; payloadSha256: string; checks: readonly ReleaseCheck[]; pendingLedger: PendingLedger; state: 'approved' | 'pending-review'; decidedBy: string | null; at: string }): void {
    this.db.run(sql`UPDATE consortium_request SET state = ${p.state}, round = ${p.round}, payload_json = ${p.payloadJson}, payload_sha256 = ${p.payloadSha256},
      checks = ${JSON.stringify(p.checks)}, pending_ledger = ${JSON.stringify(p.pendingLedger)}, decided_by = ${p.decidedBy},
      decided_at = ${p.decidedBy ? p.at : null} WHERE sequence = ${sequence}`);
  }

  requests(): ConsortiumRequestSummary[] {
    return this.db.all<RequestRow>(sql`SELECT * FROM consortium_request ORDER BY sequence DESC`).map(requestSummary);
  }

  request(sequence: number): (ConsortiumRequestSummary & { pendingLedger: PendingLedger | null; objectKey: string | null }) | undefined {
    const row = this.db.get<RequestRow>(sql`SELECT * FROM consortium_request WHERE sequence = ${sequence}`);
    return row ? { ...requestSummary(row), pendingLedger: row.pending_ledger ? (JSON.parse(row.pending_ledger) as PendingLedger) : null, objectKey: row.object_key } : undefined;
  }

  /** Approved releases not yet handed to the outbox. */
  approvedNotQueued(): number[] {
    return this.db.all<{ sequence: number }>(sql`SELECT sequence FROM consortium_request WHERE state = 'approved' AND object_key IS NULL ORDER BY sequence`).map((r) => r.sequence);
  }

  /** Pending ledger entries of releases still awaiting a decision (counted as released, to be safe). */
  undecidedLedgers(): PendingLedger[] {
    return this.db
      .all<{ pending_ledger: string }>(sql`SELECT pending_ledger FROM consortium_request WHERE state IN ('pending-review', 'approved') AND object_key IS NULL AND pending_ledger IS NOT NULL`)
      .map((r) => JSON.parse(r.pending_ledger) as PendingLedger);
  }

  decide(sequence: number, state: 'approved' | 'rejected', actor: string, at: string, reason: string | null): void {
    this.db.run(sql`UPDATE consortium_request SET state = ${state}, decided_by = ${actor}, decided_at = ${at},
      refusal = coalesce(${reason}, refusal) WHERE sequence = ${sequence}`);
  }

  /** Records the release in the ledgers and marks it queued under `objectKey`, in the caller's transaction. */
  commitRelease(sequence: number, objectKey: string, ledger: PendingLedger): void {
    this.db.run(sql`INSERT OR IGNORE INTO release_ledger (release_id, released_at, member_hashes)
      VALUES (${ledger.record.releaseId}, ${ledger.record.releasedAt}, ${JSON.stringify(ledger.record.memberHashes)})`);
    for (const b of ledger.budget) this.db.run(sql`INSERT INTO privacy_budget (purpose, epsilon, at) VALUES (${b.purpose}, ${b.epsilon}, ${b.at})`);
    this.db.run(sql`UPDATE consortium_request SET object_key = ${objectKey} WHERE sequence = ${sequence}`);
  }

  /** Approved releases whose object the outbox has uploaded become 'uploaded'; returns how many. */
  markUploadedReleases(): number {
    return this.db.run(sql`UPDATE consortium_request SET state = 'uploaded' WHERE state = 'approved'
      AND object_key IN (SELECT object_key FROM sync_outbox WHERE uploaded_at IS NOT NULL)`).changes;
  }

  releaseLedger(): ReleaseRecord[] {
    return this.db
      .all<{ release_id: string; released_at: string; member_hashes: string }>(sql`SELECT release_id, released_at, member_hashes FROM release_ledger ORDER BY released_at`)
      .map((r) => ({ releaseId: r.release_id, releasedAt: r.released_at, memberHashes: JSON.parse(r.member_hashes) as string[] }));
  }

  budgetEntries(): PrivacyBudgetEntry[] {
    return this.db.all<PrivacyBudgetEntry>(sql`SELECT purpose, epsilon, at FROM privacy_budget ORDER BY seq`);
  }

  highestModelVersion(modelId: string): number {
    return this.db.pluck<number>(sql`SELECT highest_version FROM consortium_model_seen WHERE model_id = ${modelId}`) ?? 0;
  }

  saveModelVersion(modelId: string, version: number): void {
    this.db.run(sql`INSERT INTO consortium_model_seen (model_id, highest_version) VALUES (${modelId}, ${version})
      ON CONFLICT(model_id) DO UPDATE SET highest_version = max(highest_version, excluded.highest_version)`);
  }

  startSyncRun(at: string): number {
    return Number(this.db.run(sql`INSERT INTO sync_run (started_at, state) VALUES (${at}, 'running')`).lastInsertRowid);
  }

  finishSyncRun(id: number, r: { state: 'done' | 'failed'; requestsReceived: number; releasesUploaded: number; modelsRegistered: number; objects: SyncObject[]; error: string | null }, at: string): SyncRunSummary {
    this.db.run(sql`UPDATE sync_run SET finished_at = ${at}, state = ${r.state}, requests_received = ${r.requestsReceived},
      releases_uploaded = ${r.releasesUploaded}, models_registered = ${r.modelsRegistered}, objects = ${JSON.stringify(r.objects)}, error = ${r.error}
      WHERE id = ${id}`);
    return this.syncRuns(1)[0]!;
  }

  /** A run left 'running' by a crash is closed as failed at start-up. */
  closeInterruptedRuns(at: string): number {
    return this.db.run(sql`UPDATE sync_run SET state = 'failed', finished_at = ${at}, error = 'interrupted' WHERE state = 'running'`).changes;
  }

  syncRuns(limit: number): SyncRunSummary[] {
    return this.db.all<SyncRunRow>(sql`SELECT * FROM sync_run ORDER BY id DESC LIMIT ${limit}`).map(syncRunSummary);
  }
}
