// End to end for DICOM: the real renderer build in Chromium, through the browser host, in front of
// a real engine on a fresh data folder. A DICOM file and a Secondary Capture go in through the file
// picker; the study appears in the Imaging view (chart and table), the capture in Quarantine, where
// it is discarded after confirmation. Waits only for what the app shows, never for fixed sleeps;
// a trace and screenshot are kept in test-results/ only when the test fails.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { syntheticCtInstance, writeInstanceWithDcmjs } from '../../main/deid/dicom/marker-fixture.ts';
import { UI_TIMEOUT, useBrowser, withUiSession } from './ui-session.ts';

useBrowser();

test('imports DICOM through the UI, shows the study in Imaging and the held-back file in Quarantine', { timeout: 3 * UI_TIMEOUT }, async (t) => {
  await withUiSession(
    t,
    async ({ page, host, workDir, problems }) => {
    const ct = join(workDir, 'ct-slice.dcm');
    writeFileSync(ct, writeInstanceWithDcmjs(syntheticCtInstance({ '00100010': { vr: 'PN', Value: [{ Alphabetic: 'E2EMARKER^IMAGING' }] } })));
    const capture = join(workDir, 'screen-capture.dcm');
    writeFileSync(capture, writeInstanceWithDcmjs(syntheticCtInstance({
      '00080016': { vr: 'UI', Value: ['1.2.840.10008.5.1.4.1.1.7'] },
      '00080018': { vr: 'UI', Value: ['1.2.3.999.2'] },
      '00080060': { vr: 'CS', Value: ['OT'] },
    })));

    await page.goto(host.url);
    await page.getByTestId('institution-name').filter({ hasText: 'E2E Imaging Hospital' }).waitFor();
    await page.getByText('DICOM Part 10 files').waitFor();
    await page.getByTestId('file-input').setInputFiles([ct, capture]);
    await page.getByRole('button', { name: 'Start import' }).click();
    await page
      .locator('[data-testid="import-status"]:is([data-state="done"], [data-state="failed"], [data-state="cancelled"])')
      .waitFor({ timeout: UI_TIMEOUT });
    assert.equal(await page.getByTestId('import-status').textContent(), 'Import finished');
    assert.equal(await page.getByTestId('summary-accepted').textContent(), '1');
    const heldBack = page.getByTestId('held-back');
    await heldBack.waitFor();
    assert.match((await heldBack.textContent()) ?? '', /screen-capture\.dcm/, 'the live report names the held-back file');

    // Imaging: the chart has a CT bar, the table one study.
    await page.getByRole('button', { name: 'Imaging', exact: true }).click();
    const chart = page.getByTestId('modality-chart');
    await chart.locator('[data-modality="CT"]').waitFor({ timeout: UI_TIMEOUT });
    const rows = page.getByTestId('imaging-row');
    await rows.first().waitFor();
    assert.equal(await rows.count(), 1);
    assert.match((await rows.first().textContent()) ?? '', /2\.25\./);
    assert.match((await rows.first().textContent()) ?? '', /CT/);
    assert.doesNotMatch((await page.content()), /E2EMARKER/);

    // Quarantine: one pending file, discarded after confirmation.
    await page.getByRole('button', { name: 'Quarantine', exact: true }).click();
    const qrow = page.getByTestId('quarantine-row');
    await qrow.first().waitFor();
    assert.match((await qrow.first().textContent()) ?? '', /Secondary Capture/);
    assert.doesNotMatch((await qrow.first().textContent()) ?? '', /screen-capture/, 'no file name in the review list');
    await qrow.first().getByRole('button', { name: 'Discard…' }).click();
    await qrow.first().getByRole('button', { name: 'Confirm discard' }).click();
    await qrow.first().locator('.pill', { hasText: 'discarded' }).waitFor();
    await page.getByTestId('quarantine-pending').filter({ hasText: '0 pending review' }).waitFor();

    // The patient's timeline shows the study.
    await page.getByRole('button', { name: 'Patients', exact: true }).click();
    await page.getByTestId('patient-row').first().click();
    await page.getByTestId('timeline-table').locator('tbody tr', { hasText: 'ImagingStudy' }).first().waitFor();

    assert.deepEqual(problems, []);
    },
    { institution: { id: 'e2e-imaging', displayName: 'E2E Imaging Hospital' } },
  );
});
