// End to end: the real renderer build in Chromium, through the browser host, in front of a real
// engine on a fresh data folder. Waits only for what the app shows ("Import finished"), never
// for fixed sleeps. Traces and screenshots are kept only when a test fails (test-results/);
// with DATASPACE_SCREENSHOTS=1 one screenshot per main view goes to docs/screenshots/.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { REPO_ROOT, UI_TIMEOUT, useBrowser, withUiSession } from './ui-session.ts';

const root = REPO_ROOT;
const screenshotsDir = join(root, 'docs', 'screenshots');
const takeDocScreenshots = process.env.DATASPACE_SCREENSHOTS === '1';
const syntheaDir = join(root, '..', 'shared', 'data', 'fhir', 'synthea-smart', 'R4', 'SYNTHEA');
const SYNTHEA_FILES = [
  'Buster_Hoeger_ad2e3fc5-2b5d-4cb9-8d03-9ea0f4ac8423.json',
  'Alberto_Atencio_fc712d1f-5a2e-4407-9c55-a2a2bad623c2.json',
  'Antonio_Castellanos_6d2eba67-5b4a-403f-a29f-e6da3f1ea963.json',
];

async function docScreenshot(page: Page, name: string, fullPage = false): Promise<void> {
  if (!takeDocScreenshots) return;
  mkdirSync(screenshotsDir, { recursive: true });
  // A full-page capture of a scrolled page paints the sticky header mid-page.
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: join(screenshotsDir, `${name}.png`), fullPage });
}

useBrowser();

describe('browser UI', () => {
  test(
    'opens with the token moved out of the address bar, under the CSP, with no remote requests',
    { timeout: UI_TIMEOUT },
    async (t) => {
      await withUiSession(t, async ({ host, page, problems, foreignRequests }) => {
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
      await withUiSession(t, async ({ host, page, workDir }) => {
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
      const missing = SYNTHEA_FILES.map((name) => join(syntheaDir, name)).filter((file) => !existsSync(file));
      if (missing.length > 0) return t.skip(`shared Synthea test data (../shared/data/fhir) is absent: ${missing[0]}`);
      await withUiSession(t, async ({ host, page, workDir, problems, foreignRequests }) => {
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
