// End to end: sample data, then train a model, activate it after reviewing its card, score every
// admission and read the Risk view — in the real renderer build in Chromium through the browser
// host. Waits only for what the app shows, never for fixed sleeps. With DATASPACE_SCREENSHOTS=1
// the Models and Risk views are saved to docs/screenshots/.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Page } from 'playwright-core';
import { REPO_ROOT, UI_TIMEOUT, useBrowser, withUiSession } from './ui-session.ts';

const screenshotsDir = join(REPO_ROOT, 'docs', 'screenshots');
const takeDocScreenshots = process.env.DATASPACE_SCREENSHOTS === '1';

async function docScreenshot(page: Page, name: string): Promise<void> {
  if (!takeDocScreenshots) return;
  mkdirSync(screenshotsDir, { recursive: true });
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: join(screenshotsDir, `${name}.png`), fullPage: true });
}

// Training needs at least 20 readmitted and 20 other index admissions; the UI's 300 sample
// patients have fewer readmissions, so the store is seeded through the engine with more.
const SAMPLE_PATIENTS = 1500;

useBrowser();

test(
  'trains, activates and scores a readmission model, then shows risks, ROC, calibration and metrics',
  { timeout: 4 * UI_TIMEOUT },
  async (t) => {
    await withUiSession(t, async ({ engine, host, page, problems, foreignRequests }) => {
      const { jobId } = await engine.loadSampleData({ patients: SAMPLE_PATIENTS });
      assert.equal((await engine.waitForImport(jobId)).state, 'done');
      await page.goto(host.url);
      await page.getByTestId('institution-name').filter({ hasText: 'E2E Test Hospital' }).waitFor();

      // Risk before any scoring: the bundled model is active, nothing is scored yet.
      await page.getByRole('button', { name: 'Risk', exact: true }).click();
      await page.locator('[data-testid="risk-empty"][data-reason="not-scored"]').waitFor();

      // Models: train a candidate with the default options.
      await page.getByRole('button', { name: 'Models', exact: true }).click();
      const rows = page.getByTestId('model-row');
      await page.locator('[data-testid="model-row"][data-stage="active"]').waitFor();
      const before = await rows.count();
      await page.getByTestId('training-form').getByRole('button', { name: 'Train' }).click();
      const notice = page.getByTestId('models-notice');
      await notice.filter({ hasText: /^Trained / }).waitFor({ timeout: UI_TIMEOUT });
      assert.match(
        (await notice.textContent()) ?? '',
        /AUROC 0\.\d{3} \(0\.\d{3}–[01]\.\d{3}\) on \d+ held-out admissions/,
      );
      await page.locator('[data-testid="model-row"]').nth(before).waitFor();
      const candidate = page.locator('[data-testid="model-row"][data-stage="candidate"]').last();
      assert.match(
        (await candidate.getByTestId('model-auroc').textContent()) ?? '',
        /^0\.\d{3} \(/,
      );
      const candidateId = await candidate.getAttribute('data-model-id');
      assert.ok(candidateId);

      // Activation shows the card's metrics before anything changes.
      await candidate.getByRole('button', { name: /^Activate / }).click();
      const dialog = page.getByTestId('activate-dialog');
      await dialog.waitFor();
      assert.equal(
        await dialog.getByTestId('activate-metrics-table').locator('tbody tr').count(),
        3,
      );
      await dialog.getByRole('button', { name: 'Activate', exact: true }).click();
      await notice.filter({ hasText: 'is now the active model' }).waitFor();
      await page
        .locator(`[data-testid="model-row"][data-model-id="${candidateId}"][data-stage="active"]`)
        .waitFor();
      await page
        .getByTestId('models-view')
        .getByTestId('model-card')
        .filter({ hasText: 'Intended use' })
        .waitFor();
      // The steward can measure the model on this store's own admissions before relying on it.
      const card = page.getByTestId('models-view').getByTestId('model-card');
      await card.getByTestId('evaluate-model').click();
      await card.getByTestId('local-metrics-table').waitFor({ timeout: UI_TIMEOUT });
      await docScreenshot(page, 'models');

      // Risk: score with the new model.
      await page.getByRole('button', { name: 'Risk', exact: true }).click();
      await page.getByRole('button', { name: 'Score admissions' }).click();
      const riskRows = page.getByTestId('risk-row');
      await riskRows
        .first()
        .locator('.mono')
        .filter({ hasText: /^[0-9a-f]{8}/ })
        .waitFor({ timeout: UI_TIMEOUT });
      assert.ok(
        Number(
          ((await page.getByTestId('risk-admissions').textContent()) ?? '').replace(/\D/g, ''),
        ) > 0,
      );
      assert.equal(
        await page.locator('[data-testid="risk-histogram"] rect.histogram-bar').count(),
        20,
      );
      assert.equal(await page.locator('[data-testid="roc-chart"] path.series-line').count(), 3);
      assert.match(
        (await page.getByTestId('roc-chart').getAttribute('aria-label')) ?? '',
        /Model AUROC 0\.\d{3}, 95% CI/,
      );
      assert.ok((await page.locator('[data-testid="calibration-chart"] circle').count()) >= 3);
      assert.equal(await page.getByTestId('metrics-table').locator('tbody tr').count(), 3);
      assert.match((await page.getByTestId('risk-active-model').textContent()) ?? '', / v/);

      // A new sort column starts with the highest score.
      const lace = page.getByRole('button', { name: 'LACE', exact: true });
      await lace.click();
      await page
        .locator('[role="columnheader"][aria-sort="descending"]', { hasText: 'LACE' })
        .waitFor();

      // Thresholds: a moderate threshold above the high one is refused before anything is sent.
      const editor = page.getByTestId('threshold-editor');
      await editor.getByLabel('Moderate from').fill('40');
      await editor.getByLabel('High from').fill('30');
      await editor.getByRole('alert').filter({ hasText: 'below the high threshold' }).waitFor();
      assert.equal(
        await editor.getByRole('button', { name: 'Save thresholds' }).isDisabled(),
        true,
      );
      await editor.getByLabel('Moderate from').fill('5');
      await editor.getByLabel('High from').fill('20');
      await editor.getByRole('button', { name: 'Save thresholds' }).click();
      await page
        .locator('[data-testid="risk-histogram"][aria-label*="moderate 5%, high 20%"]')
        .waitFor();

      // The level filter shows only the chosen level.
      await page.getByRole('button', { name: /^High · / }).click();
      await page.locator('[data-testid="risk-row"][data-level="high"]').first().waitFor();
      assert.equal(
        await page.locator('[data-testid="risk-row"][data-level]:not([data-level="high"])').count(),
        0,
      );
      await page.getByRole('button', { name: /^All · / }).click();
      await riskRows.first().waitFor();
      await docScreenshot(page, 'risk');

      assert.deepEqual(problems, []);
      assert.deepEqual(foreignRequests, []);
    });
  },
);
