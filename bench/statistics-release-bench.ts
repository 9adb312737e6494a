// The `statistics-release` benchmark: a full aggregate-statistics release (13 features, LACE,
// HOSPITAL, length of stay, the outcome; count, mean, variance and histogram of each, plus a PGx
// phenotype table) over BENCH_STATS_PATIENTS synthetic patients (default 100,000) held in
// memory, then the detached JWS signature with a 3072-bit institution key (the production size,
// consortium-ca.ts). Prints compute and signing time, payload bytes and peak RSS.
// Alone: node --import tsx -e "import('./bench/statistics-release-bench.ts').then(m=>m.statisticsReleaseBench())"
import { createHash } from 'node:crypto';
import type { AdmissionFeatures, IndexAdmission } from '../main/features/readmission/index-admissions.ts';
import { ReleaseLedger } from '../main/federated/release-ledger.ts';
import { PrivacyBudgetLedger } from '../main/federated/privacy-budget-ledger.ts';
import { STATISTICS_RELEASE_JWS_TYPE, computeStatisticsRelease } from '../main/federated/statistics-release.ts';
import type { PatientPhenotype, StatisticsRelease } from '../main/federated/statistics-release.ts';
import { localReleasePolicy } from '../main/federated/statistics-request.ts';
import type { LocalReleasePolicy } from '../main/federated/statistics-request.ts';
import { createConsortiumCa, generateRsaKeyPair, signInstitutionCsr } from '../main/pki/consortium-ca.ts';
import { createInstitutionCsr } from '../main/pki/institution-identity.ts';
import { signDetachedJws, verifyDetachedJws } from '../main/sync/detached-jws.ts';
import type { JwsSigner } from '../main/sync/detached-jws.ts';
import type { ConsortiumRequest } from '../main/sync/consortium-request.ts';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { issueServerCertificate } from '../main/pki/consortium-ca.ts';
import { ConsortiumObjectStore } from '../main/sync/consortium-object-store.ts';
import { startS3Sandbox } from '../main/sync/s3-sandbox-server.ts';
import { S3SandboxStorage } from '../main/sync/s3-sandbox-storage.ts';
import { seededUniform } from '../main/util/seeded-random.ts';
import { FULL_RELEASE_BINS } from '../main/federated/statistics-request-fixture.ts';

const INSTITUTION = { institutionId: 'inst-bench-0001', name: 'Bench Hospital', country: 'CA' };
const PHENOTYPES = ['Normal Metabolizer', 'Intermediate Metabolizer', 'Poor Metabolizer', 'Rapid Metabolizer', 'Ultrarapid Metabolizer'];


function features(r: () => number, los: number): AdmissionFeatures {
  return {
    ageYears: 18 + Math.floor(r() * 80),
    ageGroup: null,
    sex: r() < 0.52 ? 'female' : 'male',
    lengthOfStayDays: los,
    emergencyAdmission: r() < 0.6,
    charlsonIndex: Math.floor(r() * r() * 10),
    charlsonCategories: [],
    priorEdVisits6m: Math.floor(r() * r() * 6),
    priorAdmissions12m: Math.floor(r() * r() * 6),
    dischargeHemoglobinGdl: r() < 0.85 ? 7 + r() * 10 : null,
    dischargeSodiumMmolL: r() < 0.85 ? 124 + r() * 22 : null,
    proceduresDuringStay: r() < 0.4 ? 1 + Math.floor(r() * 3) : 0,
    oncology: r() < 0.15,
    activeMedications: Math.floor(r() * 16),
    imagingStudiesDuringStay: 0,
    pgxAlert: r() < 0.1,
  };
}

/** About 1.3 index admissions per patient, as in an adult medical population. */
function syntheticPopulation(patients: number): { admissions: IndexAdmission[]; phenotypes: PatientPhenotype[] } {
  const r = seededUniform(20_240_607);
  const admissions: IndexAdmission[] = [];
  const phenotypes: PatientPhenotype[] = [];
  for (let p = 0; p < patients; p++) {
    const pseudonym = createHash('sha256').update(`bench-patient-${p}`).digest('hex');
    const stays = r() < 0.75 ? 1 : 2 + Math.floor(r() * 2);
    let day = 18_000 + Math.floor(r() * 3000);
    for (let k = 0; k < stays; k++) {
      const los = Math.floor(r() * r() * 25);
      admissions.push({ pseudonym, encounterKey: `enc-${p}-${k}`, admitDay: day, dischargeDay: day + los, readmitted30d: r() < 0.16 ? 1 : 0, daysToReadmission: null, features: features(r, los) });
      day += los + 20 + Math.floor(r() * 300);
    }
    if (r() < 0.3) phenotypes.push({ pseudonym, gene: 'CYP2C19', phenotype: PHENOTYPES[Math.floor(r() * r() * PHENOTYPES.length)]! });
  }
  return { admissions, phenotypes };
}


function fullRequest(sequence: number): ConsortiumRequest {
  const now = Date.now();
  return {
    kind: 'aggregate-statistics',
    sequence,
    issuedAt: new Date(now).toISOString(),
    expiresAt: new Date(now + 7 * 86_400_000).toISOString(),
    body: {
      round: 'round-7',
      cohort: {},
      statistics: Object.entries(FULL_RELEASE_BINS).map(([variable, bins]) => ({ id: `s-${variable}`, variable, measures: ['count', 'mean', 'variance', 'histogram'], bins })),
      phenotypes: ['CYP2C19'],
    },
  };
}

async function benchSigner() {
  const ca = await createConsortiumCa({ commonName: 'Bench Consortium Root CA', organization: 'Bench Consortium', country: 'CA', modulusLength: 3072 });
  const keys = await generateRsaKeyPair(3072);
  const issued = signInstitutionCsr(ca, createInstitutionCsr(keys, INSTITUTION), INSTITUTION);
  const signer: JwsSigner = { privateKeyPem: keys.privateKeyPem, certificateChainPem: [issued.certificatePem, ca.certificatePem] };
  return { signer, ca, certificatePem: issued.certificatePem, caCertificatePem: ca.certificatePem };
}

/** Uploads the payload and its signature to a sandbox store on loopback over mutual TLS; returns ms. */
async function uploadToSandbox(setup: Awaited<ReturnType<typeof benchSigner>>, payload: Buffer, signature: string): Promise<number> {
  const root = mkdtempSync(join(tmpdir(), 'dsn-bench-sandbox-'));
  const serverKeys = await generateRsaKeyPair(3072);
  const server = issueServerCertificate(setup.ca, serverKeys.publicKeyPem, { commonName: 'bench-store' });
  const credentials = { accessKey: 'BENCHACCESSKEY000001', secretKey: 'bench-secret-key-0000000000000000000000' };
  await new S3SandboxStorage(root).createBucket('consortium');
  const sandbox = await startS3Sandbox({ rootDir: root, tls: { keyPem: serverKeys.privateKeyPem, certPem: server.certificatePem, caPem: setup.caCertificatePem }, credentials });
  const store = new ConsortiumObjectStore({
    endpoint: sandbox.endpoint,
    bucket: 'consortium',
    identity: { privateKeyPem: setup.signer.privateKeyPem, certificatePem: setup.certificatePem, caCertificatePem: setup.caCertificatePem },
    credentials,
  });
  try {
    const t0 = performance.now();
    await store.putObject('releases/inst-bench-0001/round-7-00000001.json.jws', Buffer.from(signature));
    await store.putObject('releases/inst-bench-0001/round-7-00000001.json', payload);
    return performance.now() - t0;
  } finally {
    store.close();
    await sandbox.close();
    rmSync(root, { recursive: true, force: true });
  }
}

function timed<T>(fn: () => T): { value: T; ms: number } {
  const t0 = performance.now();
  const value = fn();
  return { value, ms: performance.now() - t0 };
}

export async function statisticsReleaseBench(): Promise<void> {
  const patients = Number(process.env.BENCH_STATS_PATIENTS ?? 100_000);
  const generated = timed(() => syntheticPopulation(patients));
  const { admissions, phenotypes } = generated.value;
  console.log(`statistics release: ${patients} patients, ${admissions.length} index admissions, ${phenotypes.length} CYP2C19 phenotypes (generated in ${generated.ms.toFixed(0)} ms)`);

  const run = (policy: LocalReleasePolicy, sequence: number): { value: StatisticsRelease; ms: number } =>
    timed(() =>
      computeStatisticsRelease({
        request: fullRequest(sequence),
        admissions,
        phenotypes,
        policy,
        budget: new PrivacyBudgetLedger({ totalEpsilon: policy.totalEpsilon, entries: [] }),
        releaseLedger: new ReleaseLedger(),
        institutionId: INSTITUTION.institutionId,
      }),
    );
  const exact = run(localReleasePolicy(), 1);
  const noisy = run(localReleasePolicy({ noise: 'laplace' }), 2);
  const release = exact.value;
  const payloadJson = JSON.stringify(release.payload);
  const withheld = release.checks.filter((c) => c.outcome === 'withheld').length;
  const suppressed = release.payload.statistics.reduce((a, s) => a + (s.histogram?.cells.filter((c) => c === null).length ?? 0), 0);
  console.log(`  compute: ${exact.ms.toFixed(0)} ms (suppression only), ${noisy.ms.toFixed(0)} ms (with Laplace noise); cohort ${release.payload.cohortPatients} patients`);
  console.log(`  ${release.payload.statistics.length} statistics, ${suppressed} histogram cells suppressed, ${withheld} item(s) withheld, ${release.checks.length} checks`);

  const setup = await benchSigner();
  const { signer, caCertificatePem } = setup;
  const payloadBytes = Buffer.from(payloadJson);
  const header = { typ: STATISTICS_RELEASE_JWS_TYPE, 'dsp:object': `${release.payload.round}/${INSTITUTION.institutionId}/statistics.json` };
  const signed = timed(() => signDetachedJws(payloadBytes, signer, header));
  const verified = timed(() => verifyDetachedJws(payloadBytes, signed.value, { caCertificatePem }, 'clientAuth'));
  console.log(`  sign (PS256, RSA-3072): ${signed.ms.toFixed(1)} ms; verify: ${verified.ms.toFixed(1)} ms (signer ${verified.value.signerId})`);
  console.log(`  payload: ${payloadBytes.length} bytes JSON, signature ${signed.value.length} bytes`);
  const uploadMs = await uploadToSandbox(setup, payloadBytes, signed.value);
  console.log(`  upload to the sandbox on loopback (mutual TLS 1.3, new connection, payload + signature): ${uploadMs.toFixed(0)} ms`);
  console.log(`  end to end (compute + sign + upload): ${(exact.ms + signed.ms + uploadMs).toFixed(0)} ms (target < 5,000 ms; payload must not grow with patients)`);
  console.log(`  peak RSS: ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`);
}
