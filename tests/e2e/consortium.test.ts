// End to end: a sandbox consortium on loopback, and the real renderer build in Chromium driving a
// real engine through enrolment (CSR made by the node, signed here by the sandbox CA, pasted back
// with its chain), the store endpoint, Sync now, the review of what leaves, approval and the upload.
// The object that reaches the consortium store must be byte for byte the payload the steward saw.
// Waits only for what the app shows, never for fixed sleeps. With DATASPACE_SCREENSHOTS=1 the
// review card is saved to docs/screenshots/consortium.png.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Page } from 'playwright-core';
import { runConsortiumSandboxCommand, type SandboxEnrolment } from '../../main/host/cli-consortium-sandbox.ts';
import { signInstitutionCsr } from '../../main/pki/consortium-ca.ts';
import { publishCrl, publishRequest, releaseKey } from '../../main/sync/consortium-layout.ts';
import { ConsortiumObjectStore } from '../../main/sync/consortium-object-store.ts';
import { signConsortiumRequest, type ConsortiumRequest } from '../../main/sync/consortium-request.ts';
import { REPO_ROOT, UI_TIMEOUT, useBrowser, withUiSession } from './ui-session.ts';

const screenshotsDir = join(REPO_ROOT, 'docs', 'screenshots');
const takeDocScreenshots = process.env.DATASPACE_SCREENSHOTS === '1';

// The institution of the UI session's engine (ui-session.ts): the certificate's CN must name it.
const INSTITUTION = { institutionId: 'e2e-hospital', name: 'E2E Test Hospital', country: 'DE' };
const ROUND = 'round-1';
const SEQUENCE = 1;
// Enough index admissions for every statistic to pass the minimum cell size.
const SAMPLE_PATIENTS = 300;

// Like STATISTICS_BODY of tests/integration/consortium-sync.test.ts, but asking for nothing the
// policy withholds on 300 sample patients (a mean next to a histogram with suppressed cells, the mean
// of a rare outcome): the review card only enables Approve when every check passed.
const STATISTICS_BODY = {
  round: ROUND,
  cohort: {},
  statistics: [
    { id: 'los', variable: 'length_of_stay_days', measures: ['count', 'mean', 'variance'] },
    { id: 'lace', variable: 'lace', measures: ['histogram'], bins: [5, 10, 15] },
    { id: 'outcome', variable: 'readmitted_30d', measures: ['count'] },
  ],
};

const read = (path: string) => readFileSync(path, 'utf8');

let workDir: string | undefined;
let enrolment: SandboxEnrolment;
let stopSandbox: (() => Promise<number>) | undefined;
let coordinator: ConsortiumObjectStore;
let ca: { certificatePem: string; privateKeyPem: string };

async function startSandbox(dir: string): Promise<void> {
  const controller = new AbortController();
  let printed: (text: string) => void = () => undefined;
  const line = new Promise<string>((resolve) => (printed = resolve));
  const errors: string[] = [];
  const exit = runConsortiumSandboxCommand(
    ['--dir', dir, '--host', '127.0.0.1', '--port', '0', '--institutions', 'coordinator'],
    { json: true, signal: controller.signal, keyBits: 2048 },
    { out: (t) => printed(t), err: (t) => errors.push(t) },
  );
  stopSandbox = () => {
    controller.abort();
    return exit;
  };
  const output = JSON.parse(await line) as SandboxEnrolment | { error: { message: string } };
  if ('error' in output) throw new Error(`The sandbox did not start: ${output.error.message} ${errors.join(' ')}`);
  enrolment = output;
}

function statisticsRequest(): ConsortiumRequest {
  const now = Date.now();
  return {
    kind: 'aggregate-statistics',
    sequence: SEQUENCE,
    issuedAt: new Date(now - 1000).toISOString(),
    expiresAt: new Date(now + 86_400_000).toISOString(),
    body: STATISTICS_BODY,
  };
}

/** Resolves with whether an element matching `selector` was in the page at any moment since the call. */
async function watchFor(page: Page, selector: string): Promise<() => Promise<boolean>> {
  const key = `seen:${selector}`;
  await page.evaluate(
    ({ selector, key }) => {
      const flags = ((window as unknown as { __seen?: Record<string, boolean> }).__seen ??= {});
      flags[key] = document.querySelector(selector) !== null;
      const observer = new MutationObserver(() => {
        if (document.querySelector(selector)) {
          flags[key] = true;
          observer.disconnect();
        }
      });
      if (!flags[key]) observer.observe(document.body, { subtree: true, childList: true, attributes: true });
    },
    { selector, key },
  );
  return () => page.evaluate((key) => (window as unknown as { __seen?: Record<string, boolean> }).__seen?.[key] === true, key);
}

useBrowser();

before(async () => {
  workDir = mkdtempSync(join(tmpdir(), 'dataspace-e2e-consortium-'));
  await startSandbox(join(workDir, 'sandbox'));
  ca = { certificatePem: read(enrolment.caCertificatePath), privateKeyPem: read(join(enrolment.dir, 'ca', 'ca-key.pem')) };
  const coord = enrolment.institutions.find((i) => i.institutionId === 'coordinator')!;
  coordinator = new ConsortiumObjectStore({
    endpoint: enrolment.endpoint,
    bucket: enrolment.bucket,
    identity: { privateKeyPem: read(coord.privateKeyPath), certificatePem: read(coord.certificatePath), caCertificatePem: ca.certificatePem },
    credentials: enrolment.credentials,
  });
  const signer = {
    privateKeyPem: read(enrolment.modelSigning.privateKeyPath),
    certificateChainPem: [read(enrolment.modelSigning.certificatePath), ca.certificatePem],
  };
  await publishCrl(coordinator, read(enrolment.crlPath));
  await publishRequest(coordinator, signConsortiumRequest(statisticsRequest(), signer), SEQUENCE);
});

after(async () => {
  await stopSandbox?.();
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

test(
  'enrols through the UI, syncs, shows what leaves, and uploads exactly that payload after approval',
  { timeout: 4 * UI_TIMEOUT },
  async (t) => {
    await withUiSession(t, async ({ engine, host, page, problems, foreignRequests }) => {
      const consoleErrors: string[] = [];
      page.on('console', (message) => {
        if (message.type() === 'error') consoleErrors.push(message.text());
      });
      const { jobId } = await engine.loadSampleData({ patients: SAMPLE_PATIENTS });
      assert.equal((await engine.waitForImport(jobId)).state, 'done');

      await page.goto(host.url);
      await page.getByTestId('institution-name').filter({ hasText: 'E2E Test Hospital' }).waitFor();
      await page.getByRole('button', { name: 'Consortium', exact: true }).click();
      await page.getByTestId('consortium-view').waitFor();
      const panel = page.getByTestId('enrolment-panel');
      await page.locator('[data-testid="enrolment-panel"][data-enrolment="not-enrolled"]').waitFor();
      assert.equal(await page.getByTestId('sync-now').isDisabled(), true, 'no sync before enrolment');

      // Step 1: the node makes its key pair and CSR; only the CSR is shown.
      await page.getByTestId('csr-country').fill('DE');
      await page.getByTestId('csr-create').click();
      const csrText = page.getByTestId('csr-pem');
      await csrText.waitFor();
      const csrPem = await csrText.inputValue();
      assert.match(csrPem, /-----BEGIN CERTIFICATE REQUEST-----/);
      assert.doesNotMatch(csrPem, /PRIVATE KEY/);
      await page.locator('[data-testid="enrolment-step-2"][data-state="current"]').waitFor();

      // The consortium CA signs it (here: the sandbox CA, as its operator would).
      const issued = signInstitutionCsr(ca, csrPem, INSTITUTION);

      // Step 2: paste the certificate and the CA chain.
      await page.getByTestId('certificate-pem').fill(issued.certificatePem);
      await page.getByTestId('certificate-chain-pem').fill(ca.certificatePem);
      await page.getByTestId('certificate-import').click();
      await page.locator('[data-testid="enrolment-panel"][data-enrolment="enrolled"]').waitFor();
      await page.locator('[data-testid="enrolment-step-3"][data-state="done"]').waitFor();
      assert.match((await panel.getByTestId('certificate-subject').textContent()) ?? '', /CN=e2e-hospital/);
      assert.match((await panel.getByTestId('certificate-days-left').textContent()) ?? '', /\d/);
      const fingerprint = ((await panel.getByTestId('ca-certificate-fingerprint').textContent()) ?? '').replace(/[^0-9A-F]/gi, '');
      assert.equal(fingerprint.toUpperCase(), enrolment.caFingerprint256.replace(/:/g, '').toUpperCase(), 'the CA shown is the sandbox CA');
      assert.ok(((await panel.getByTestId('certificate-fingerprint').textContent()) ?? '').replace(/[^0-9A-F]/gi, '').length >= 64);
      await panel.getByTestId('ca-certificate').waitFor();

      // The store endpoint; the secret key is not kept in the form once saved.
      await page.getByTestId('endpoint-url').fill(enrolment.endpoint.url);
      await page.getByTestId('endpoint-bucket').fill(enrolment.bucket);
      await page.getByTestId('endpoint-accessKey').fill(enrolment.credentials.accessKey);
      await page.getByTestId('endpoint-secretKey').fill(enrolment.credentials.secretKey);
      await page.getByTestId('endpoint-save').click();
      await page.getByTestId('endpoint-saved').waitFor();
      assert.equal(await page.getByTestId('endpoint-secretKey').inputValue(), '');
      assert.ok(!(await page.content()).includes(enrolment.credentials.secretKey), 'the secret key is not in the page');

      // First sync: the CRL and the signed request come in; nothing leaves yet.
      const sawProgress = await watchFor(page, '[data-testid="sync-progress"]');
      await page.getByTestId('sync-now').click();
      await page
        .getByTestId('sync-finished')
        .filter({ hasText: '1 request received, 0 releases uploaded' })
        .waitFor({ timeout: UI_TIMEOUT });
      assert.ok(await sawProgress(), 'sync progress was shown while syncing');
      const firstRun = page.locator('[data-testid="sync-run-row"][data-state="done"]').first();
      await firstRun.waitFor();
      assert.ok((await firstRun.getByTestId('sync-object').count()) >= 2, 'the CRL and the request are listed');
      assert.match((await firstRun.textContent()) ?? '', /requests\/00000001\.json/);

      // Review: the checks, the payload, its size and SHA-256 recomputed in the page.
      const card = page.locator(`[data-testid="release-request"][data-sequence="${SEQUENCE}"]`);
      await card.waitFor();
      const checks = card.getByTestId('release-check');
      assert.ok((await checks.count()) > 0);
      assert.equal(await card.locator('[data-testid="release-check"][data-passed="false"]').count(), 0, 'every policy check passed');
      const shown = JSON.parse((await card.getByTestId('release-payload').textContent()) ?? '') as Record<string, unknown>;
      assert.equal(typeof shown, 'object');
      await card.getByTestId('release-payload-sha256').filter({ hasText: 'matches the text shown' }).waitFor();
      await card.getByTestId('release-payload-exact').check();
      const exactPayload = (await card.getByTestId('release-payload').textContent()) ?? '';
      assert.deepEqual(JSON.parse(exactPayload), shown, 'the indented and exact views show the same payload');
      const shownSha = ((await card.getByTestId('release-payload-sha256').textContent()) ?? '').replace(/[^0-9a-f]/g, '');
      const payloadSha = createHash('sha256').update(exactPayload, 'utf8').digest('hex');
      assert.ok(shownSha.startsWith(payloadSha), 'the SHA-256 shown is that of the exact text');
      assert.match(
        (await card.getByTestId('release-payload-bytes').textContent()) ?? '',
        new RegExp(`${Buffer.byteLength(exactPayload, 'utf8').toLocaleString('en-US')} bytes`),
      );
      await card.getByTestId('release-payload-exact').uncheck();
      if (takeDocScreenshots) {
        // The card from a full-page capture at scroll 0: scrolled to, it would sit under the sticky header.
        mkdirSync(screenshotsDir, { recursive: true });
        await page.evaluate(() => window.scrollTo(0, 0));
        const box = await card.boundingBox();
        assert.ok(box);
        const margin = 12;
        await page.screenshot({
          path: join(screenshotsDir, 'consortium.png'),
          fullPage: true,
          clip: { x: Math.max(0, box.x - margin), y: Math.max(0, box.y - margin), width: box.width + 2 * margin, height: box.height + 2 * margin },
        });
      }

      // Approve, after the confirmation that names the exact payload.
      await card.getByTestId('release-approve').click();
      const dialog = page.getByTestId('release-approve-dialog');
      await dialog.waitFor();
      assert.match((await dialog.textContent()) ?? '', new RegExp(payloadSha.slice(0, 16)));
      await dialog.getByRole('button', { name: 'Approve', exact: true }).click();
      await dialog.waitFor({ state: 'detached' });
      await page.locator(`[data-testid="release-history-row"][data-sequence="${SEQUENCE}"][data-state="approved"]`).waitFor();
      assert.equal(await card.count(), 0, 'the request left the review list');
      await assert.rejects(coordinator.getObject(releaseKey(INSTITUTION.institutionId, ROUND, SEQUENCE)), 'nothing is uploaded before the next sync');

      // Second sync: the approved release is uploaded.
      await page.getByTestId('sync-now').click();
      await page.getByTestId('sync-finished').filter({ hasText: '1 release uploaded' }).waitFor({ timeout: UI_TIMEOUT });
      await page.locator(`[data-testid="release-history-row"][data-sequence="${SEQUENCE}"][data-state="uploaded"]`).waitFor();
      const key = releaseKey(INSTITUTION.institutionId, ROUND, SEQUENCE);
      assert.equal(key, 'releases/e2e-hospital/round-1-00000001.json');
      const lastRun = page.locator('[data-testid="sync-run-row"][data-state="done"]').first();
      await lastRun.getByTestId('sync-object').filter({ hasText: key }).waitFor();
      assert.equal(await page.locator('[data-testid="sync-run-row"][data-state="done"]').count(), 2);

      // What reached the consortium is exactly what the steward saw.
      const uploaded = await coordinator.getObject(key);
      assert.equal(uploaded.toString('utf8'), exactPayload);
      assert.deepEqual(JSON.parse(uploaded.toString('utf8')), shown);
      const objects = (await coordinator.listObjects(`releases/${INSTITUTION.institutionId}/`)).map((o) => o.key);
      assert.ok(objects.includes(`${key}.jws`), `the release is signed (${objects.join(', ')})`);

      // The disclosure policy in force.
      const policy = page.getByTestId('release-policy');
      const { policy: expected } = await engine.getConsortiumStatus();
      assert.equal(((await policy.getByTestId('policy-min-cell').textContent()) ?? '').replace(/\D/g, ''), String(expected.minimumCellSize));
      assert.ok(expected.minimumCellSize >= 1);
      if (expected.noise !== 'none') assert.match((await policy.getByTestId('policy-budget').textContent()) ?? '', /spent of/);
      else assert.equal(await policy.getByTestId('policy-budget').count(), 0);
      assert.match((await policy.getByTestId('policy-unattended').textContent()) ?? '', expected.unattendedApproval ? /^On/ : /^Off/);

      assert.deepEqual(problems, []);
      assert.deepEqual(consoleErrors, []);
      assert.deepEqual(foreignRequests, []);
    });
  },
);
