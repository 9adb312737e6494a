// The consortium part of the api: enrolment, endpoint, sync (CRL, signed requests, releases
// through the outbox, signed models down) and the steward's "what leaves" decisions. Composed once
// by createEngine; every enrolment, decision, upload and model download is audited.
import { createHash, randomUUID } from 'node:crypto';
import type { ConsortiumStatus, DataSpaceApi, ModelCard, SyncObject, TaskState } from '../api/contract.ts';
import { assertPayloadReleasable } from '../federated/payload-scanner.ts';
import { STATISTICS_PAYLOAD_SCAN_POLICY, STATISTICS_RELEASE_JWS_TYPE } from '../federated/statistics-release.ts';
import { localReleasePolicy, STATISTICS_REQUEST_KIND, type LocalReleasePolicy } from '../federated/statistics-request.ts';
import { settingValue } from '../store/engine-settings.ts';
import { verifyCertificate, type ConsortiumTrust } from '../pki/certificate-verifier.ts';
import type { ModelRegistry } from '../scoring/model-registry.ts';
import type { KeyProtector } from '../store/key-protector.ts';
import type { WritableDB } from '../store/database.ts';
import { CancellationError, InvalidInputError } from '../util/errors.ts';
import { startWorker } from '../util/worker-entry.ts';
import { CRL_KEY, MODEL_CARD_JWS_TYPE, MODEL_PREFIX, REQUEST_PREFIX, modelOfManifestKey, releaseKey, requestKey, sequenceOfRequestKey } from './consortium-layout.ts';
import { certificateInfo, ConsortiumNodeState, type PendingLedger } from './consortium-node-state.ts';
import type { ConsortiumObjectStore } from './consortium-object-store.ts';
import type { ReleaseOutcome, ReleaseWorkerMessage, ReleaseWorkerRequest } from './consortium-release-worker.ts';
import { verifyConsortiumRequest, type ConsortiumRequest } from './consortium-request.ts';
import { signDetachedJws, verifyDetachedJws } from './detached-jws.ts';
import { verifySignedModel } from './signed-model.ts';
import { SIGNATURE_SUFFIX, UploadOutbox } from './upload-outbox.ts';

type ConsortiumApi = Pick<
  DataSpaceApi,
  'getConsortiumStatus' | 'createEnrolmentRequest' | 'importEnrolment' | 'setConsortiumEndpoint' | 'startSync' | 'listConsortiumRequests' | 'decideRelease' | 'listSyncRuns'
>;

export interface ConsortiumServiceDeps {
  writer: WritableDB;
  databaseFile: string;
  keyProtector: KeyProtector;
  registry: ModelRegistry;
  institution: { id: string; displayName: string };
  actor: string;
  audit(action: string, details: Record<string, unknown>): void;
  emit(type: 'task.progress' | 'task.finished', task: TaskState): void;
}

export interface ConsortiumService extends ConsortiumApi {
  getTask(taskId: string): TaskState | null;
  cancelTask(taskId: string): boolean;
  waitForTask(taskId: string): Promise<TaskState> | null;
  close(): Promise<void>;
}

const sha256 = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');

// The S3 client (minio, ~38 MB when loaded) and node-forge load on first use: a node that never
// syncs, and every import process, stays without them.
const objectStoreModule = () => import('./consortium-object-store.ts');
const identityModule = () => import('../pki/institution-identity.ts');
const caModule = () => import('../pki/consortium-ca.ts');
const crlModule = () => import('../pki/certificate-revocation-list.ts');

export function createConsortiumService(deps: ConsortiumServiceDeps): ConsortiumService {
  const state = new ConsortiumNodeState(deps.writer);
  const outbox = new UploadOutbox(deps.writer, { backoff: { baseMs: 1_000, maxMs: 300_000 } });
  /** The institution's disclosure policy from its settings (`dataspace config set release.*`); a request never changes it. */
  const releasePolicy = (): LocalReleasePolicy =>
    localReleasePolicy({
      minimumCellSize: Number(settingValue(deps.writer, 'release.minimum-cell-size')),
      noise: settingValue(deps.writer, 'release.noise') as LocalReleasePolicy['noise'],
      epsilonPerRelease: Number(settingValue(deps.writer, 'release.epsilon-per-release')),
      totalEpsilon: Number(settingValue(deps.writer, 'release.total-epsilon')),
      unattendedApproval: settingValue(deps.writer, 'release.unattended-approval') === 'true',
    });
  const tasks = new Map<string, { state: TaskState; controller: AbortController; done: Promise<TaskState> }>();
  const now = () => new Date().toISOString();
  const interrupted = state.closeInterruptedRuns(now());
  if (interrupted > 0) deps.audit('consortium.sync.interrupted', { runs: interrupted });

  async function enrolledIdentity() {
    const identity = state.identity();
    if (!identity?.certificate_pem || !identity.ca_pem) {
      throw new InvalidInputError('This node is not enrolled: create a certificate request, have the consortium CA sign it, and import the certificate.', 'not-enrolled');
    }
    const { unprotectInstitutionKey } = await identityModule();
    return { privateKeyPem: await unprotectInstitutionKey(identity.wrapped_key, deps.keyProtector), certificatePem: identity.certificate_pem, caCertificatePem: identity.ca_pem };
  }

  async function objectStore(signal: AbortSignal) {
    const identity = await enrolledIdentity();
    const endpoint = state.endpoint();
    if (!endpoint) throw new InvalidInputError('No consortium endpoint is configured.', 'no-endpoint');
    const url = new URL(endpoint.url);
    const secretKey = (await deps.keyProtector.unprotect(endpoint.wrapped_secret)).toString('utf8');
    const crl = state.crl()?.crl_pem;
    const { ConsortiumObjectStore } = await objectStoreModule();
    const store = new ConsortiumObjectStore({
      endpoint: { host: url.hostname, port: Number(url.port || 443) },
      bucket: endpoint.bucket,
      identity,
      credentials: { accessKey: endpoint.access_key, secretKey },
      ...(crl ? { crlPem: crl } : {}),
      ...(endpoint.proxy_url ? { proxy: { url: endpoint.proxy_url } } : {}),
      retry: { attempts: 3 },
    });
    signal.throwIfAborted();
    return { store, identity };
  }

  /** Fetches and checks the CRL; refuses to go on when this node's certificate is revoked. */
  async function refreshCrl(store: ConsortiumObjectStore, identity: { certificatePem: string; caCertificatePem: string }, objects: SyncObject[], signal: AbortSignal) {
    if (!(await store.statObject(CRL_KEY, { signal }))) return undefined;
    const bytes = await store.getObject(CRL_KEY, { signal });
    const crlPem = bytes.toString('utf8');
    const crl = (await crlModule()).parseCertificateRevocationList(crlPem, identity.caCertificatePem);
    state.saveCrl(crlPem, crl.nextUpdate.toISOString(), now());
    objects.push({ key: CRL_KEY, direction: 'down', bytes: bytes.length, sha256: sha256(bytes) });
    const verdict = verifyCertificate(identity.certificatePem, { caCertificatePem: identity.caCertificatePem, crlPem }, 'clientAuth');
    if (!verdict.ok) throw new InvalidInputError(`This node's certificate cannot be used: ${verdict.message}`, `certificate-${verdict.reason}`);
    return crlPem;
  }

  async function fetchRequests(store: ConsortiumObjectStore, trust: ConsortiumTrust, objects: SyncObject[], signal: AbortSignal): Promise<ConsortiumRequest[]> {
    const sequences = (await store.listObjects(REQUEST_PREFIX, { signal }))
      .map((o) => sequenceOfRequestKey(o.key))
      .filter((s): s is number => s !== null && s > state.highestRequestSequence())
      .sort((a, b) => a - b);
    const accepted: ConsortiumRequest[] = [];
    for (const sequence of sequences) {
      const body = await store.getObject(requestKey(sequence), { signal });
      const signature = (await store.getObject(requestKey(sequence) + SIGNATURE_SUFFIX, { signal })).toString('utf8');
      objects.push({ key: requestKey(sequence), direction: 'down', bytes: body.length, sha256: sha256(body) });
      const requestJson = body.toString('utf8');
      const base = { sequence, requestJson, signature, receivedAt: now(), payloadJson: null, payloadSha256: null, pendingLedger: null, decidedBy: null };
      try {
        const request = verifyConsortiumRequest({ requestJson, signature }, trust, { highestSequenceSeen: state.highestRequestSequence() });
        if (request.sequence !== sequence) throw new InvalidInputError(`The request at ${requestKey(sequence)} says it is number ${request.sequence}.`, 'request-sequence-mismatch');
        accepted.push(request);
        state.saveRequest({ ...base, kind: request.kind, round: null, issuedAt: request.issuedAt, expiresAt: request.expiresAt, state: 'pending-review', checks: [], refusal: null });
      } catch (error) {
        if (!(error instanceof InvalidInputError)) throw error;
        state.saveRequest({ ...base, kind: 'unverified', round: null, issuedAt: '', expiresAt: '', state: 'refused', checks: [], refusal: error.message });
        deps.audit('consortium.request.refused', { sequence, code: error.code, reason: error.message });
      }
    }
    return accepted;
  }

  function computeReleases(requests: ConsortiumRequest[], policy: LocalReleasePolicy): Promise<ReleaseOutcome[]> {
    const pending = state.undecidedLedgers();
    const request: ReleaseWorkerRequest = {
      databaseFile: deps.databaseFile,
      institutionId: deps.institution.id,
      policy,
      requests,
      ledger: [...state.releaseLedger(), ...pending.map((p) => p.record)],
      budget: [...state.budgetEntries(), ...pending.flatMap((p) => p.budget)],
    };
    const worker = startWorker('consortium-release-worker', import.meta.url, { workerData: request });
    return new Promise((resolve, reject) => {
      worker.once('message', (m: ReleaseWorkerMessage) => (m.type === 'done' ? resolve(m.outcomes) : reject(Object.assign(new Error(m.error.message), { code: m.error.code }))));
      worker.once('error', reject);
      worker.once('exit', (code) => reject(new Error(`The release worker stopped (exit code ${code}).`)));
    });
  }

  /** Stores each outcome on its request row; approves automatically only when policy and caller both allow it. */
  function recordOutcomes(outcomes: ReleaseOutcome[], requests: ConsortiumRequest[], unattended: boolean, policy: LocalReleasePolicy) {
    for (const outcome of outcomes) {
      const request = requests.find((r) => r.sequence === outcome.sequence)!;
      const round = typeof request.body.round === 'string' ? request.body.round : null;
      if (!outcome.ok) {
        state.recordRefusal(outcome.sequence, round, outcome.refusal, outcome.checks);
        deps.audit('consortium.release.refused', { sequence: outcome.sequence, code: outcome.code, reason: outcome.refusal });
        continue;
      }
      const pendingLedger: PendingLedger = { record: outcome.ledgerRecord, budget: outcome.budgetEntries };
      const auto = unattended && policy.unattendedApproval && !outcome.requiresStewardApproval;
      state.recordProposal(outcome.sequence, { round, payloadJson: outcome.payloadJson, payloadSha256: sha256(outcome.payloadJson), checks: outcome.checks, pendingLedger, state: auto ? 'approved' : 'pending-review', decidedBy: auto ? `${deps.actor} (unattended policy)` : null, at: now() });
      deps.audit(auto ? 'consortium.release.approved' : 'consortium.release.proposed', { sequence: outcome.sequence, round, payloadSha256: sha256(outcome.payloadJson), unattended: auto });
    }
  }

  /** Signs approved releases with the institution key and queues them, recording them in the ledgers in the same transaction. */
  function queueApproved(identity: { privateKeyPem: string; certificatePem: string; caCertificatePem: string }) {
    for (const sequence of state.approvedNotQueued()) {
      const r = state.request(sequence)!;
      if (!r.payloadJson || !r.pendingLedger) continue;
      // The last line of defence: scan exactly the bytes that will leave.
      assertPayloadReleasable(JSON.parse(r.payloadJson), STATISTICS_PAYLOAD_SCAN_POLICY);
      const key = releaseKey(deps.institution.id, r.round ?? 'round', sequence);
      const content = Buffer.from(r.payloadJson);
      const signature = signDetachedJws(content, { privateKeyPem: identity.privateKeyPem, certificateChainPem: [identity.certificatePem, identity.caCertificatePem] }, { typ: STATISTICS_RELEASE_JWS_TYPE, key });
      deps.writer.transaction(() => {
        outbox.enqueue({ objectKey: key, content, signature, kind: 'statistics-release', metadata: { 'request-sequence': String(sequence) } });
        state.commitRelease(sequence, key, r.pendingLedger!);
      });
      deps.audit('consortium.release.queued', { sequence, objectKey: key, sha256: sha256(content), bytes: content.length });
    }
  }

  async function downloadModels(store: ConsortiumObjectStore, trust: ConsortiumTrust, objects: SyncObject[], signal: AbortSignal): Promise<{ registered: number; refused: string[] }> {
    const manifests = (await store.listObjects(MODEL_PREFIX, { signal }))
      .map((o) => ({ key: o.key, model: modelOfManifestKey(o.key) }))
      .filter((m): m is { key: string; model: { modelId: string; version: number } } => m.model !== null)
      .sort((a, b) => a.model.version - b.model.version);
    let registered = 0;
    const refused: string[] = [];
    for (const { key, model } of manifests) {
      if (model.version <= state.highestModelVersion(model.modelId)) continue;
      const folder = key.slice(0, -'manifest.json'.length);
      const manifestJson = (await store.getObject(key, { signal })).toString('utf8');
      const signature = (await store.getObject(key + SIGNATURE_SUFFIX, { signal })).toString('utf8');
      const onnx = await store.getObject(`${folder}model.onnx`, { signal });
      const cardBytes = await store.getObject(`${folder}card.json`, { signal });
      const cardSignatureKey = `${folder}card.json${SIGNATURE_SUFFIX}`;
      // An unsigned card is refused below like a forged one, not a reason to stop the sync.
      const cardSignature = (await store.statObject(cardSignatureKey, { signal })) ? (await store.getObject(cardSignatureKey, { signal })).toString('utf8') : '';
      objects.push({ key: `${folder}model.onnx`, direction: 'down', bytes: onnx.length, sha256: sha256(onnx) });
      try {
        const manifest = verifySignedModel(onnx, { manifestJson, signature }, trust, { expectedModelId: model.modelId, highestVersionSeen: state.highestModelVersion(model.modelId) });
        // The card is what the steward reads before activating: it must come from the consortium too.
        const { header } = verifyDetachedJws(cardBytes, cardSignature, trust, 'codeSigning');
        if (header.typ !== MODEL_CARD_JWS_TYPE) throw new InvalidInputError('The card signature is not for a model card.', 'signature-wrong-type');
        const card = JSON.parse(cardBytes.toString('utf8')) as ModelCard;
        const summary = deps.registry.register({ onnx, card, source: 'consortium', signature: `${manifestJson}\n${signature}` });
        state.saveModelVersion(model.modelId, manifest.version);
        registered++;
        deps.audit('model.download', { modelId: model.modelId, version: manifest.version, registryId: summary.id, sha256: manifest.sha256 });
      } catch (error) {
        if (!(error instanceof InvalidInputError)) throw error;
        refused.push(`${key}: ${error.message}`);
        deps.audit('model.refused', { object: key, code: error.code, reason: error.message });
      }
    }
    return { registered, refused };
  }

  async function sync(approvePolicy: boolean, task: TaskState, signal: AbortSignal): Promise<TaskState['result']> {
    const progress = (phase: string, fraction: number) => {
      Object.assign(task, { phase, progress: fraction });
      deps.emit('task.progress', { ...task });
    };
    const runId = state.startSyncRun(now());
    const objects: SyncObject[] = [];
    let requestsReceived = 0;
    let releasesUploaded = 0;
    let modelsRegistered = 0;
    try {
      const { store, identity } = await objectStore(signal);
      progress('revocation list', 0.1);
      const crlPem = await refreshCrl(store, identity, objects, signal);
      const trust: ConsortiumTrust = { caCertificatePem: identity.caCertificatePem, ...(crlPem ? { crlPem } : {}) };
      progress('requests', 0.25);
      const requests = await fetchRequests(store, trust, objects, signal);
      requestsReceived = requests.length;
      const statistics = requests.filter((r) => r.kind === STATISTICS_REQUEST_KIND);
      if (statistics.length > 0) {
        progress('computing statistics', 0.4);
        const policy = releasePolicy();
        recordOutcomes(await computeReleases(statistics, policy), statistics, approvePolicy, policy);
      }
      signal.throwIfAborted();
      queueApproved(identity);
      progress('uploading', 0.6);
      const drained = await outbox.drain(store, { signal, ignoreBackoff: true });
      releasesUploaded = state.markUploadedReleases();
      for (const e of outbox.uploadedSince(task.startedAt, 'statistics-release')) objects.push({ key: e.objectKey, direction: 'up', bytes: e.size, sha256: e.sha256 });
      progress('models', 0.8);
      const models = await downloadModels(store, trust, objects, signal);
      modelsRegistered = models.registered;
      const errors = [...(drained.stoppedBy ? [`upload stopped: ${drained.stoppedBy.message}`] : []), ...models.refused];
      const run = state.finishSyncRun(runId, { state: 'done', requestsReceived, releasesUploaded, modelsRegistered, objects, error: errors.length > 0 ? errors.join('\n') : null }, now());
      deps.audit('consortium.sync', { runId, requestsReceived, releasesUploaded, modelsRegistered, objects: objects.map((o) => ({ key: o.key, direction: o.direction, sha256: o.sha256 })) });
      return { type: 'sync', run };
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      state.finishSyncRun(runId, { state: 'failed', requestsReceived, releasesUploaded, modelsRegistered, objects, error: message }, now());
      deps.audit('consortium.sync.failed', { runId, reason: message, code: (error as { code?: string }).code ?? null });
      throw error;
    }
  }

  const service: ConsortiumService = {
    async getConsortiumStatus(): Promise<ConsortiumStatus> {
      const identity = state.identity();
      const endpoint = state.endpoint();
      const pending = outbox.pending();
      const uploaded = outbox.uploadedCount();
      const spent = state.budgetEntries().reduce((a, b) => a + b.epsilon, 0);
      const policy = releasePolicy();
      return {
        enrolment: identity?.certificate_pem ? 'enrolled' : identity ? 'csr-created' : 'not-enrolled',
        csrPem: identity?.pending_csr_pem ?? (identity?.csr_pem || null),
        certificate: identity?.certificate_pem ? certificateInfo(identity.certificate_pem) : null,
        ca: identity?.ca_pem ? certificateInfo(identity.ca_pem) : null,
        endpoint: endpoint ? { url: endpoint.url, bucket: endpoint.bucket, accessKey: endpoint.access_key, proxyUrl: endpoint.proxy_url } : null,
        outbox: { pending: pending.length, uploaded, lastError: pending.find((p) => p.lastError)?.lastError ?? null },
        policy: {
          version: policy.version,
          minimumCellSize: policy.minimumCellSize,
          noise: policy.noise,
          epsilonPerRelease: policy.epsilonPerRelease,
          totalEpsilon: policy.totalEpsilon,
          epsilonSpent: spent,
          unattendedApproval: policy.unattendedApproval,
        },
        lastSync: state.syncRuns(1)[0] ?? null,
        crlNextUpdate: state.crl()?.next_update ?? null,
      };
    },
    async createEnrolmentRequest({ country }) {
      const { createInstitutionCsr, protectInstitutionKey } = await identityModule();
      const keys = await (await caModule()).generateRsaKeyPair();
      const csrPem = createInstitutionCsr(keys, { institutionId: deps.institution.id, name: deps.institution.displayName, country });
      state.saveKeyAndCsr(await protectInstitutionKey(keys.privateKeyPem, deps.keyProtector), csrPem, country, now());
      deps.audit('consortium.csr', { institution: deps.institution.id, country, csrSha256: sha256(csrPem) });
      return { csrPem };
    },
    async importEnrolment(request) {
      const { importInstitutionCertificate, importInstitutionPemBundle, importInstitutionPkcs12, protectInstitutionKey, unprotectInstitutionKey } = await identityModule();
      let imported;
      let key: { wrappedKey: Buffer; csrPem: string } | null = null;
      if (request.pkcs12Base64) {
        imported = importInstitutionPkcs12(Buffer.from(request.pkcs12Base64, 'base64'), request.password ?? '');
        key = { wrappedKey: await protectInstitutionKey(imported.privateKeyPem, deps.keyProtector), csrPem: '' };
      } else {
        const identity = state.identity();
        if (!identity) throw new InvalidInputError('Create a certificate request first: the certificate must match this node\'s key.', 'no-csr');
        if (!request.certificatePem) throw new InvalidInputError('Give the signed certificate (PEM) and the consortium CA chain, or a PKCS#12 file.', 'no-certificate');
        // A renewal certificate belongs to the pending key; until it arrives the current one stays in use.
        const candidates = [
          ...(identity.pending_wrapped_key ? [{ wrappedKey: identity.pending_wrapped_key, csrPem: identity.pending_csr_pem ?? '', pending: true }] : []),
          { wrappedKey: identity.wrapped_key, csrPem: identity.csr_pem, pending: false },
        ];
        let lastError: unknown;
        for (const candidate of candidates) {
          const privateKeyPem = await unprotectInstitutionKey(candidate.wrappedKey, deps.keyProtector);
          try {
            imported = request.chainPem
              ? importInstitutionCertificate({ privateKeyPem, certificatePem: request.certificatePem, caCertificatePem: request.chainPem })
              : importInstitutionPemBundle(privateKeyPem, request.certificatePem);
            if (candidate.pending) key = { wrappedKey: candidate.wrappedKey, csrPem: candidate.csrPem };
            break;
          } catch (error) {
            if (!(error instanceof InvalidInputError && error.code === 'key-mismatch')) throw error;
            lastError = error;
          }
        }
        if (!imported) throw lastError;
      }
      if (imported.institutionId !== deps.institution.id) {
        throw new InvalidInputError(`The certificate is for institution "${imported.institutionId}", but this node is "${deps.institution.id}".`, 'institution-mismatch');
      }
      state.saveEnrolment(imported.certificatePem, imported.caCertificatePem, now(), key);
      const info = certificateInfo(imported.certificatePem);
      deps.audit('consortium.enrol', { subject: info.subject, serialNumber: info.serialNumber, notAfter: info.notAfter, renewal: key !== null && !request.pkcs12Base64, caFingerprint256: certificateInfo(imported.caCertificatePem).fingerprint256 });
      return service.getConsortiumStatus();
    },
    async setConsortiumEndpoint(request) {
      const wrapped = await deps.keyProtector.protect(Buffer.from(request.secretKey, 'utf8'));
      state.saveEndpoint({ url: request.url, bucket: request.bucket, accessKey: request.accessKey, proxyUrl: request.proxyUrl ?? null }, wrapped, now());
      deps.audit('config.consortium-endpoint', { url: request.url, bucket: request.bucket, accessKey: request.accessKey, proxyUrl: request.proxyUrl ?? null });
      return service.getConsortiumStatus();
    },
    async startSync({ approvePolicy }) {
      if ([...tasks.values()].some((t) => t.state.state === 'running')) throw new InvalidInputError('A sync is already running.', 'task-running');
      const taskId = randomUUID();
      const task: TaskState = { taskId, kind: 'sync', state: 'running', phase: 'connecting', progress: 0, startedAt: now(), finishedAt: null };
      const controller = new AbortController();
      const done = sync(approvePolicy ?? false, task, controller.signal).then(
        (result) => Object.assign(task, { state: 'done', phase: 'done', progress: 1, result }),
        (error: unknown) => {
          const cancelled = controller.signal.aborted || error instanceof CancellationError;
          const e = error as Error & { code?: string };
          return Object.assign(task, cancelled ? { state: 'cancelled', phase: 'cancelled' } : {
            state: 'failed',
            phase: 'failed',
            error: { name: e.name === 'ConsortiumStoreError' || e instanceof InvalidInputError ? 'InvalidInputError' : 'InternalError', code: e.code ?? 'internal', message: e.message },
          });
        },
      ).then((t) => {
        t.finishedAt = now();
        deps.emit('task.finished', { ...t });
        return { ...t };
      });
      tasks.set(taskId, { state: task, controller, done });
      deps.emit('task.progress', { ...task });
      return { taskId };
    },
    async listConsortiumRequests() {
      return { requests: state.requests() };
    },
    async decideRelease({ sequence, approve, reason }) {
      const r = state.request(sequence);
      if (!r) throw new InvalidInputError(`No consortium request ${sequence}.`, 'request-not-found');
      if (r.state !== 'pending-review') throw new InvalidInputError(`Request ${sequence} is ${r.state}; only a release pending review can be decided.`, 'request-not-pending');
      state.decide(sequence, approve ? 'approved' : 'rejected', deps.actor, now(), approve ? null : (reason ?? 'rejected by the data steward'));
      deps.audit(approve ? 'consortium.release.approved' : 'consortium.release.rejected', { sequence, payloadSha256: r.payloadSha256, reason: reason ?? null });
      return state.requests().find((x) => x.sequence === sequence)!;
    },
    async listSyncRuns({ limit }) {
      return { runs: state.syncRuns(limit) };
    },
    getTask(taskId) {
      const t = tasks.get(taskId);
      return t ? { ...t.state } : null;
    },
    cancelTask(taskId) {
      const t = tasks.get(taskId);
      if (!t || t.state.state !== 'running') return false;
      t.controller.abort();
      return true;
    },
    waitForTask(taskId) {
      return tasks.get(taskId)?.done ?? null;
    },
    async close() {
      for (const t of tasks.values()) t.controller.abort();
      await Promise.all([...tasks.values()].map((t) => t.done));
    },
  };
  return service;
}
