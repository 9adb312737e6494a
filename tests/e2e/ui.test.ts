// End to end: the real renderer build in Chromium, through the browser host, in front of a real
// engine on a fresh data folder. Waits only for what the app shows ("Import finished"), never
// for fixed sleeps. Traces and screenshots are kept only when a test fails (test-results/);
// with DATASPACE_SCREENSHOTS=1 one screenshot per main view goes to docs/screenshots/.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test, type TestContext } from 'node:test';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { createEngine, type Engine } from '../../main/engine.ts';
import { startWebHost, type WebHost } from '../../main/host/web.ts';
import { passphraseKeyProtector } from '../../main/store/key-protector.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
const staticDir = join(root, 'renderer', 'dist');
const resultsDir = join(root, 'test-results');
const screenshotsDir = join(root, 'docs', 'screenshots');
const takeDocScreenshots = process.env.DATASPACE_SCREENSHOTS === '1';
const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const syntheaDir = join(root, '..', 'shared', 'data', 'fhir', 'synthea-smart', 'R4', 'SYNTHEA');
const SYNTHEA_FILES = [
  'Buster_Hoeger_ad2e3fc5-2b5d-4cb9-8d03-9ea0f4ac8423.json',
  'Alberto_Atencio_fc712d1f-5a2e-4407-9c55-a2a2bad623c2.json',
  'Antonio_Castellanos_6d2eba67-5b4a-403f-a29f-e6da3f1ea963.json',
];
// Long enough for a cold worker on a slow CI machine; the waits end as soon as the UI reports.
const UI_TIMEOUT = 120_000;

/** One browser page on a fresh engine and host, torn down after the test. */
interface Session {
  engine: Engine;
  host: WebHost;
  context: BrowserContext;
  page: Page;
  workDir: string;
  /** Console messages about CSP violations and uncaught page errors. */
  problems: string[];
  /** Requests that left the loopback origin. */
  foreignRequests: string[];
}

let browser: Browser | null = null;

function safeName(name: string): string {
  return name
    .replace(/[^a-z0-9]+/gi, '-')
    .replace(/^-|-$/g, '')
    .toLowerCase();
}

async function openSession(): Promise<Session> {
  if (!browser) throw new Error('The browser did not start.');
  const workDir = mkdtempSync(join(tmpdir(), 'dataspace-e2e-'));
  const engine = await createEngine({
    dataDir: join(workDir, 'data'),
    keyProtector: passphraseKeyProtector('test-passphrase-123', 'test'),
    institution: { id: 'e2e-hospital', displayName: 'E2E Test Hospital' },
    actor: 'web',
  });
  const host = await startWebHost({ engine, staticDir });
  const context = await browser.newContext({
    viewport: { width: 1440, height: 900 },
    acceptDownloads: true,
  });
  await context.tracing.start({ screenshots: true, snapshots: true });
  const page = await context.newPage();
  const problems: string[] = [];
  const foreignRequests: string[] = [];
  const origin = `http://127.0.0.1:${host.port}`;
  page.on('console', (message) => {
    if (/Content Security Policy|Refused to/i.test(message.text())) problems.push(message.text());
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('request', (request) => {
    const url = request.url();
    if (!url.startsWith(`${origin}/`) && !url.startsWith('blob:') && !url.startsWith('data:'))
      foreignRequests.push(url);
  });
  return { engine, host, context, page, workDir, problems, foreignRequests };
}

async function closeSession(t: TestContext, session: Session, failed: boolean): Promise<void> {
  try {
    if (failed) {
      mkdirSync(resultsDir, { recursive: true });
      const base = join(resultsDir, safeName(t.name));
      await session.page.screenshot({ path: `${base}.png`, fullPage: true }).catch(() => undefined);
      await session.context.tracing.stop({ path: `${base}-trace.zip` });
      t.diagnostic(`failure artefacts: ${base}.png, ${base}-trace.zip`);
    } else {
      await session.context.tracing.stop();
    }
  } finally {
    await session.context.close();
    await session.host.close();
    await session.engine.close();
    rmSync(session.workDir, { recursive: true, force: true });
  }
}

/** Runs `body` on a fresh session, keeping artefacts only if it throws. */
async function withSession(
  t: TestContext,
  body: (session: Session) => Promise<void>,
): Promise<void> {
  if (!existsSync(chromiumPath)) {
    t.skip(`Chromium not found at ${chromiumPath} (set CHROMIUM_PATH)`);
    return;
  }
  const session = await openSession();
  let failed = true;
  try {
    await body(session);
    failed = false;
  } finally {
    await closeSession(t, session, failed);
  }
}

async function docScreenshot(page: Page, name: string, fullPage = false): Promise<void> {
  if (!takeDocScreenshots) return;
  mkdirSync(screenshotsDir, { recursive: true });
  // A full-page capture of a scrolled page paints the sticky header mid-page.
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: join(screenshotsDir, `${name}.png`), fullPage });
}

before(async () => {
  assert.ok(
    existsSync(join(staticDir, 'index.html')),
    `The renderer is not built (${staticDir}/index.html is missing). Run \`npm run build:renderer\` first.`,
  );
  if (!existsSync(chromiumPath)) return;
  browser = await chromium.launch({
    executablePath: chromiumPath,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
});

after(async () => {
  await browser?.close();
});

describe('browser UI', () => {
  test(
    'opens with the token moved out of the address bar, under the CSP, with no remote requests',
    { timeout: UI_TIMEOUT },
    async (t) => {
      await withSession(t, async ({ host, page, problems, foreignRequests }) => {
        await page.goto(host.url);
        await page
          .getByTestId('institution-name')
          .filter({ hasText: 'E2E Test Hospital' })
          .waitFor();
        assert.equal(new URL(page.url()).hash, '', 'the token is removed from the address bar');
        assert.equal(
          await page.evaluate(() => sessionStorage.getItem('dataspace.token')),
          host.token,
        );
        assert.match((await page.getByTestId('policy').textContent()) ?? '', /v\d/);
        assert.equal(await page.getByTestId('count-patients').textContent(), '0');
        // A reload keeps working from sessionStorage.
        await page.reload();
        await page
          .getByTestId('institution-name')
          .filter({ hasText: 'E2E Test Hospital' })
          .waitFor();
        assert.deepEqual(problems, []);
        assert.deepEqual(foreignRequests, []);
      });
    },
  );

  test(
    'finishes an import by polling when the event stream is unavailable',
    { timeout: UI_TIMEOUT },
    async (t) => {
      await withSession(t, async ({ host, page, workDir }) => {
        await page.route('**/api/events**', (route) => route.abort());
        const file = join(workDir, 'one-patient.ndjson');
        writeFileSync(
          file,
          `${JSON.stringify({ resourceType: 'Patient', id: 'e2e-marker-poll-1', gender: 'male', birthDate: '1980-05-05' })}\n`,
        );
        await page.goto(host.url);
        await page.getByTestId('file-input').setInputFiles([file]);
        await page.getByRole('button', { name: 'Start import' }).click();
        await page
          .locator(
            '[data-testid="import-status"]:is([data-state="done"], [data-state="failed"], [data-state="cancelled"])',
          )
          .waitFor({ timeout: UI_TIMEOUT });
        assert.equal(await page.getByTestId('import-status').textContent(), 'Import finished');
        assert.equal(await page.getByTestId('summary-accepted').textContent(), '1');
      });
    },
  );

  test(
    'imports files through the picker, then shows patients, a timeline and a verified audit chain',
    { timeout: 4 * UI_TIMEOUT },
    async (t) => {
      await withSession(t, async ({ host, page, workDir, problems, foreignRequests }) => {
        const malformed = join(workDir, 'malformed-export.ndjson');
        writeFileSync(
          malformed,
          [
            JSON.stringify({
              resourceType: 'Patient',
              id: 'e2e-marker-patient-1',
              gender: 'female',
              birthDate: '1970-01-01',
            }),
            '{"resourceType": "Observation", "id": "e2e-broken-line", ',
            'this line is not JSON at all',
            '',
          ].join('\n'),
        );
        const files = [...SYNTHEA_FILES.map((name) => join(syntheaDir, name)), malformed];
        for (const file of files) assert.ok(existsSync(file), `missing fixture ${file}`);

        await page.goto(host.url);
        await page
          .getByTestId('institution-name')
          .filter({ hasText: 'E2E Test Hospital' })
          .waitFor();

        // Import
        await page.getByTestId('file-input').setInputFiles(files);
        await page.getByText(`${files.length} files selected`).waitFor();
        await page.getByRole('button', { name: 'Start import' }).click();
        const status = page.getByTestId('import-status');
        await page
          .locator(
            '[data-testid="import-status"]:is([data-state="done"], [data-state="failed"], [data-state="cancelled"])',
          )
          .waitFor({ timeout: UI_TIMEOUT });
        assert.equal(await status.textContent(), 'Import finished');
        const count = async (id: string) =>
          Number(((await page.getByTestId(id).textContent()) ?? '').replace(/[^0-9]/g, ''));
        assert.ok((await count('summary-accepted')) > 0, 'some records were accepted');
        assert.ok((await count('summary-rejected')) > 0, 'the malformed lines were rejected');
        const rejectionRows = page.getByTestId('rejections').locator('tbody tr');
        assert.ok((await rejectionRows.count()) >= 1);
        assert.match((await rejectionRows.first().textContent()) ?? '', /malformed-export\.ndjson/);
        assert.equal(await page.getByTestId('outcome-chart').locator('rect.chart-bar').count(), 5);

        const download = page.waitForEvent('download');
        await page.getByRole('button', { name: 'Export CSV' }).click();
        const csvPath = await (await download).path();
        const csv = readFileSync(csvPath, 'utf8').replace(/^\uFEFF/, '');
        const lines = csv.trim().split('\r\n');
        assert.equal(lines[0], 'file,position,path,reason');
        assert.equal(lines.length - 1, await count('summary-rejected'));
        // The header updates once the store has the patients.
        await page.getByTestId('count-patients').filter({ hasNotText: /^0$/ }).waitFor();
        await docScreenshot(page, 'import', true);

        // Patients
        await page.getByRole('button', { name: 'Patients', exact: true }).click();
        const rows = page.getByTestId('patient-row');
        await rows
          .first()
          .locator('.mono')
          .filter({ hasText: /^[0-9a-f]{8}/ })
          .waitFor();
        assert.ok((await rows.count()) >= SYNTHEA_FILES.length, 'one row per imported patient');
        // Sort by encounters, most first, so the first row has a timeline to draw.
        const encounters = page.getByRole('button', { name: 'Encounters' });
        await encounters.click();
        await page
          .locator('[role="columnheader"][aria-sort="ascending"]', { hasText: 'Encounters' })
          .waitFor();
        await encounters.click();
        await page
          .locator('[role="columnheader"][aria-sort="descending"]', { hasText: 'Encounters' })
          .waitFor();
        await rows
          .first()
          .locator('.mono')
          .filter({ hasText: /^[0-9a-f]{8}/ })
          .waitFor();
        await rows.first().click();
        const timeline = page.getByTestId('patient-timeline');
        await timeline.waitFor();
        assert.ok(
          (await timeline.locator('circle, rect.tl-span').count()) > 0,
          'the timeline draws events',
        );
        assert.ok((await page.getByTestId('timeline-table').locator('tbody tr').count()) > 0);
        await docScreenshot(page, 'patients');

        // Audit
        await page.getByRole('button', { name: 'Audit', exact: true }).click();
        await page.getByTestId('audit-table').locator('tbody tr').first().waitFor();
        await page.getByRole('button', { name: 'Verify chain' }).click();
        const verdict = page.getByTestId('audit-verify-result');
        await verdict.waitFor();
        assert.equal(await verdict.getAttribute('data-ok'), 'true');
        assert.match((await verdict.textContent()) ?? '', /Chain intact/);
        await docScreenshot(page, 'audit');

        assert.deepEqual(problems, []);
        assert.deepEqual(foreignRequests, []);
      });
    },
  );
});
