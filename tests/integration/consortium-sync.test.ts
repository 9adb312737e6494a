// Three generated institutions join a sandbox consortium on loopback: one enrols with a locally
// generated key and CSR signed by the consortium CA, two with PKCS#12 bundles. The coordinator
// publishes a signed statistics request and a signed model; each node answers after its steward
// approves the exact payload, and registers the model as a candidate. Forged, tampered and
// replayed objects are refused; no pseudonym or date of any node appears in what it uploaded.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ModelCard, SyncResult } from '../../main/api/contract.ts';
import { generateConsortium } from '../../main/demo/index.ts';
import type { Engine } from '../../main/engine.ts';
import { FEATURE_NAMES, FEATURE_SET } from '../../main/features/readmission/feature-set.ts';
import { runConsortiumSandboxCommand, type SandboxEnrolment } from '../../main/host/cli-consortium-sandbox.ts';
import { signInstitutionCsr } from '../../main/pki/consortium-ca.ts';
import { buildLogisticOnnx } from '../../main/scoring/risk-model-graphs.ts';
import { publishCrl, publishModel, publishRequest, releaseKey } from '../../main/sync/consortium-layout.ts';
import { ConsortiumObjectStore } from '../../main/sync/consortium-object-store.ts';
import { signConsortiumRequest, type ConsortiumRequest } from '../../main/sync/consortium-request.ts';
import { verifyDetachedJws } from '../../main/sync/detached-jws.ts';
import { tempDir, testEngine } from './helpers.ts';

const SITES = ['alpha', 'beta', 'gamma'];
const read = (path: string) => readFileSync(path, 'utf8');

let work: { path: string; remove(): void };
let enrolment: SandboxEnrolment;
let stopSandbox: () => Promise<number>;
let coordinator: ConsortiumObjectStore;
let signer: { privateKeyPem: string; certificateChainPem: string[] };
const engines = new Map<string, Engine>();

async function startSandbox(dir: string): Promise<void> {
  const controller = new AbortController();
  let printed: (text: string) => void = () => undefined;
  const line = new Promise<string>((resolve) => (printed = resolve));
  const exit = runConsortiumSandboxCommand(['--dir', dir, '--port', '0', '--institutions', [...SITES, 'coordinator'].join(',')], { json: true, signal: controller.signal, keyBits: 2048 }, { out: (t) => printed(t), err: () => undefined });
  enrolment = JSON.parse(await line) as SandboxEnrolment;
  stopSandbox = () => {
    controller.abort();
    return exit;
  };
}

function request(sequence: number, body: Record<string, unknown>): ConsortiumRequest {
  const now = Date.now();
  return { kind: 'aggregate-statistics', sequence, issuedAt: new Date(now - 1000).toISOString(), expiresAt: new Date(now + 86_400_000).toISOString(), body };
}

const STATISTICS_BODY = {
  round: 'round-1',
  cohort: {},
  statistics: [
    { id: 'los', variable: 'length_of_stay_days', measures: ['count', 'mean', 'variance', 'histogram'], bins: [2, 4, 7, 14] },
    { id: 'lace', variable: 'lace', measures: ['mean', 'histogram'], bins: [5, 10, 15] },
    { id: 'outcome', variable: 'readmitted_30d', measures: ['count', 'mean'] },
  ],
};

async function sync(engine: Engine, approvePolicy = false): Promise<SyncResult> {
  const { taskId } = await engine.startSync({ approvePolicy });
  const task = await engine.waitForTask(taskId);
  assert.equal(task.state, 'done', JSON.stringify(task.error));
  return task.result as SyncResult;
}

before(async () => {
  work = tempDir('consortium-sync');
  await startSandbox(join(work.path, 'sandbox'));
  const ca = { certificatePem: read(enrolment.caCertificatePath), privateKeyPem: read(join(enrolment.dir, 'ca', 'ca-key.pem')) };
  const coord = enrolment.institutions.find((i) => i.institutionId === 'coordinator')!;
  coordinator = new ConsortiumObjectStore({
    endpoint: enrolment.endpoint,
    bucket: enrolment.bucket,
    identity: { privateKeyPem: read(coord.privateKeyPath), certificatePem: read(coord.certificatePath), caCertificatePem: ca.certificatePem },
    credentials: enrolment.credentials,
  });
  signer = { privateKeyPem: read(enrolment.modelSigning.privateKeyPath), certificateChainPem: [read(enrolment.modelSigning.certificatePath), ca.certificatePem] };
  const report = await generateConsortium({ outDir: join(work.path, 'exports'), institutions: SITES, patients: 250, seed: 5 });
  for (const inst of report.institutions) {
    const engine = await testEngine(join(work.path, `node-${inst.institution}`), { id: inst.institution, displayName: `Hospital ${inst.institution}` });
    engines.set(inst.institution, engine);
    const { jobId } = await engine.startImport({ paths: [join(report.outDir, inst.paths.fhir)] });
    assert.equal((await engine.waitForImport(jobId)).state, 'done');
    if (inst.institution === 'alpha') {
      // The private key never leaves the node: only the CSR travels to the CA and back signed.
      const { csrPem } = await engine.createEnrolmentRequest({ country: 'DE' });
      const issued = signInstitutionCsr(ca, csrPem, { institutionId: 'alpha', name: 'Hospital alpha', country: 'DE' });
      await engine.importEnrolment({ certificatePem: issued.certificatePem, chainPem: ca.certificatePem });
    } else {
      const mine = enrolment.institutions.find((i) => i.institutionId === inst.institution)!;
      await engine.importEnrolment({ pkcs12Base64: readFileSync(mine.pkcs12Path).toString('base64'), password: mine.pkcs12Password });
    }
    await engine.setConsortiumEndpoint({ url: enrolment.endpoint.url, bucket: enrolment.bucket, ...enrolment.credentials });
  }
  await publishCrl(coordinator, read(enrolment.crlPath));
});

after(async () => {
  for (const engine of engines.values()) await engine.close();
  await stopSandbox?.();
  work?.remove();
});

describe('consortium sync through the sandbox', () => {
  it('enrols three institutions with certificates from the consortium CA', async () => {
    for (const [site, engine] of engines) {
      const status = await engine.getConsortiumStatus();
      assert.equal(status.enrolment, 'enrolled', site);
      assert.match(status.certificate!.subject, new RegExp(`CN=${site}`));
      assert.equal(status.ca!.fingerprint256, enrolment.caFingerprint256);
      assert.equal(status.endpoint!.accessKey, enrolment.credentials.accessKey);
      assert.ok(!JSON.stringify(status).includes(enrolment.credentials.secretKey), 'the secret key is never returned');
    }
  });

  it('answers a signed request only after the steward approves the exact payload, and uploads it signed', async () => {
    await publishRequest(coordinator, signConsortiumRequest(request(1, STATISTICS_BODY), signer), 1);
    for (const [site, engine] of engines) {
      const first = await sync(engine);
      assert.equal(first.run.requestsReceived, 1, site);
      assert.equal(first.run.releasesUploaded, 0, 'nothing leaves before approval');
      const [pending] = (await engine.listConsortiumRequests()).requests;
      assert.equal(pending!.state, 'pending-review', `${site}: ${pending!.refusal}`);
      assert.ok(pending!.checks.length > 0 && pending!.checks.every((c) => c.passed || c.message.length > 0));
      await engine.decideRelease({ sequence: 1, approve: true });
      const second = await sync(engine);
      assert.equal(second.run.releasesUploaded, 1, site);

      const key = releaseKey(site, 'round-1', 1);
      const uploaded = await coordinator.getObject(key);
      assert.equal(uploaded.toString('utf8'), pending!.payloadJson, 'what leaves is exactly what the steward saw');
      const signature = (await coordinator.getObject(`${key}.jws`)).toString('utf8');
      const verified = verifyDetachedJws(uploaded, signature, { caCertificatePem: read(enrolment.caCertificatePath) }, 'clientAuth');
      assert.match(verified.signerId, new RegExp(site));

      // No pseudonym or shifted day of this node's store appears in the upload.
      const text = uploaded.toString('utf8');
      const patients = await engine.listPatients({ offset: 0, limit: 1000 });
      for (const p of patients.patients) assert.ok(!text.includes(p.pseudonym), `${site} leaked a pseudonym`);
      assert.doesNotMatch(text, /\d{4}-\d{2}-\d{2}/, 'no dates');
      const audit = await engine.listAudit({ offset: 0, limit: 200 });
      for (const action of ['consortium.enrol', 'consortium.release.proposed', 'consortium.release.approved', 'consortium.release.queued', 'consortium.sync']) {
        assert.ok(audit.entries.some((e) => e.action === action), `${site}: audit ${action}`);
      }
    }
  });

  it('downloads a model signed by the consortium as a candidate and refuses tampered or replayed ones', async () => {
    const identity = { featureSetName: FEATURE_SET.name, featureSetVersion: FEATURE_SET.version };
    const build = (bias: number) =>
      Buffer.from(buildLogisticOnnx({ featureNames: [...FEATURE_NAMES], standardisation: { mean: FEATURE_NAMES.map(() => 0), scale: FEATURE_NAMES.map(() => 1) }, weights: FEATURE_NAMES.map((_, j) => 0.05 * (j + 1)), intercept: bias }, { name: 'global', ...identity }));
    const card = JSON.parse(read(join('models', 'readmission-30d-baseline.card.json'))) as ModelCard;
    await publishModel(coordinator, { modelId: 'readmission-global', version: 2, onnx: build(-2), card: { ...card, name: 'readmission-global', version: '2' } }, signer);

    const alpha = engines.get('alpha')!;
    const first = await sync(alpha);
    assert.equal(first.run.modelsRegistered, 1);
    const models = (await alpha.listModels()).models.filter((m) => m.source === 'consortium');
    assert.equal(models.length, 1);
    assert.equal(models[0]!.stage, 'candidate', 'a steward activates it, not the sync');
    // Before activating, the steward measures it on this store's own admissions.
    assert.equal(models[0]!.localEvaluation, null);
    const { taskId } = await alpha.evaluateModel({ modelId: models[0]!.id });
    const evaluated = await alpha.waitForTask(taskId);
    assert.equal(evaluated.state, 'done', JSON.stringify(evaluated.error));
    const local = (await alpha.listModels()).models.find((m) => m.id === models[0]!.id)!.localEvaluation!;
    assert.ok(local.admissions > 50);
    assert.ok(local.metrics.model.auroc > 0 && local.metrics.model.auroc < 1);
    assert.equal(local.metrics.lace.n, local.metrics.model.n, 'LACE and HOSPITAL on the same admissions');

    // An older version (replay) is not taken even though its signature is valid.
    await publishModel(coordinator, { modelId: 'readmission-global', version: 1, onnx: build(-1), card }, signer);
    // A newer version whose bytes were swapped after signing is refused.
    await publishModel(coordinator, { modelId: 'readmission-global', version: 3, onnx: build(-3), card }, signer);
    await coordinator.putObject('models/readmission-global/000003/model.onnx', build(-4));
    // A model signed by an institution key instead of the consortium's model-signing certificate is refused.
    const beta = enrolment.institutions.find((i) => i.institutionId === 'beta')!;
    await publishModel(coordinator, { modelId: 'readmission-forged', version: 9, onnx: build(-5), card }, { privateKeyPem: read(beta.privateKeyPath), certificateChainPem: [read(beta.certificatePath)] });
    // A card edited after signing (e.g. better metrics written in) is refused.
    await publishModel(coordinator, { modelId: 'readmission-carded', version: 1, onnx: build(-6), card }, signer);
    await coordinator.putObject('models/readmission-carded/000001/card.json', Buffer.from(JSON.stringify({ ...card, intendedUse: 'anything' })));
    const second = await sync(alpha);
    assert.equal(second.run.modelsRegistered, 0);
    assert.match(second.run.error ?? '', /readmission-carded\/000001\/manifest\.json: .*signature/i);
    assert.match(second.run.error ?? '', /does not match its signed manifest/);
    assert.match(second.run.error ?? '', /readmission-forged/);
    assert.equal((await alpha.listModels()).models.filter((m) => m.source === 'consortium').length, 1);
  });

  it('renews a certificate with a new CSR while the current one stays in use', async () => {
    const alpha = engines.get('alpha')!;
    const before = await alpha.getConsortiumStatus();
    const { csrPem } = await alpha.createEnrolmentRequest({ country: 'DE' });
    const during = await alpha.getConsortiumStatus();
    assert.equal(during.enrolment, 'enrolled', 'the current certificate stays in use during renewal');
    assert.equal(during.certificate!.serialNumber, before.certificate!.serialNumber);
    assert.equal(during.csrPem, csrPem);
    await sync(alpha);
    const ca = { certificatePem: read(enrolment.caCertificatePath), privateKeyPem: read(join(enrolment.dir, 'ca', 'ca-key.pem')) };
    const renewed = signInstitutionCsr(ca, csrPem, { institutionId: 'alpha', name: 'Hospital alpha', country: 'DE' });
    const after = await alpha.importEnrolment({ certificatePem: renewed.certificatePem, chainPem: ca.certificatePem });
    assert.notEqual(after.certificate!.serialNumber, before.certificate!.serialNumber);
    assert.equal((await sync(alpha)).run.state, 'done', 'the renewed certificate and its new key work over mutual TLS');
  });

  it('sends a release unattended only where the local policy allows it', async () => {
    const beta = engines.get('beta')!;
    const gamma = engines.get('gamma')!;
    beta.setSetting('release.unattended-approval', 'true');
    await publishRequest(coordinator, signConsortiumRequest(request(3, { ...STATISTICS_BODY, round: 'round-3' }), signer), 3);
    const betaRun = await sync(beta, true);
    assert.equal(betaRun.run.releasesUploaded, 1, 'beta allows unattended approval');
    const gammaRun = await sync(gamma, true);
    assert.equal(gammaRun.run.releasesUploaded, 0, 'gamma keeps the default: a steward decides');
    assert.equal((await gamma.listConsortiumRequests()).requests.find((r) => r.sequence === 3)!.state, 'pending-review');
    assert.equal((await beta.getConsortiumStatus()).policy.unattendedApproval, true);
  });

  it('refuses a request that the consortium did not sign', async () => {
    const gamma = engines.get('gamma')!;
    const beta = enrolment.institutions.find((i) => i.institutionId === 'beta')!;
    const forged = signConsortiumRequest(request(4, { ...STATISTICS_BODY, round: 'round-4' }), { privateKeyPem: read(beta.privateKeyPath), certificateChainPem: [read(beta.certificatePath)] });
    await publishRequest(coordinator, forged, 4);
    await sync(gamma);
    const refused = (await gamma.listConsortiumRequests()).requests.find((r) => r.sequence === 4)!;
    assert.equal(refused.state, 'refused');
    assert.equal(refused.payloadJson, null);
    assert.match(refused.refusal ?? '', /sign|certificate|usage/i);
  });
});
