// End to end: "Load sample data" on a fresh store, in the real renderer build in Chromium through
// the browser host. Waits only for what the app shows ("Import finished"), never for fixed sleeps;
// a trace and a screenshot are kept in test-results/ only when the test fails.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { UI_TIMEOUT, useBrowser, withUiSession } from './ui-session.ts';

useBrowser();

test('loads synthetic sample data into an empty store and labels the store as synthetic', { timeout: 2 * UI_TIMEOUT }, async (t) => {
  await withUiSession(t, async ({ page, host, problems }) => {
    await page.goto(host.url);
    await page.getByTestId('institution-name').filter({ hasText: 'E2E Test Hospital' }).waitFor();
    assert.equal(await page.getByTestId('synthetic-badge').count(), 0, 'no badge before sample data');

    const panel = page.getByTestId('sample-data-panel');
    await panel.getByText('Load sample data (synthetic, not real patients)').waitFor();
    await panel.getByRole('button', { name: 'Load sample data' }).click();
    await page
      .locator('[data-testid="import-status"]:is([data-state="done"], [data-state="failed"], [data-state="cancelled"])')
      .waitFor({ timeout: UI_TIMEOUT });
    assert.equal(await page.getByTestId('import-status').textContent(), 'Import finished');
    assert.ok(Number((await page.getByTestId('summary-rejected').textContent())?.replace(/\D/g, '')) > 0, 'the deliberate defects are rejected');

    await page.getByTestId('synthetic-badge').waitFor();
    await page.getByTestId('count-patients').filter({ hasText: '1,000' }).waitFor();
    await panel.waitFor({ state: 'detached' });

    await page.getByRole('button', { name: 'Patients', exact: true }).click();
    await page.getByTestId('patient-row').first().locator('.mono').filter({ hasText: /^[0-9a-f]{8}/ }).waitFor();
    assert.deepEqual(problems, []);
  });
});
