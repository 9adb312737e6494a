// End to end: a VCF and a FHIR export uploaded through the browser UI link to one patient, whose detail
// shows the PGx panel with the CPIC clopidogrel alert, and the Genomics view charts the phenotypes.
// Same harness as ui.test.ts: the real renderer build in Chromium, the browser host, a fresh engine;
// waits only for what the app shows, keeps a trace and screenshot only when the test fails.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { REPO_ROOT, UI_TIMEOUT, useBrowser, withUiSession } from './ui-session.ts';

const s2s2Vcf = join(REPO_ROOT, '..', 'shared', 'data', 'vcf', 'pharmcat', 'src/test/resources/org/pharmgkb/pharmcat/haplotype/cyp2c19/s2s2.vcf');
const MRN_SYSTEM = 'http://hospital.example.org/mrn';
const MRN = 'MRN-E2E-GENOMICS-1';

useBrowser();

/** The VCF sample named with the MRN, and a FHIR Patient with that MRN and a clopidogrel order. */
function writeInputs(dir: string): string[] {
  const vcf = join(dir, 'exome.vcf');
  const text = readFileSync(s2s2Vcf, 'utf8');
  const sample = text.split('\n').find((l) => l.startsWith('#CHROM'))!.split('\t')[9]!;
  writeFileSync(vcf, text.replace(`\t${sample}\n`, `\t${MRN}\n`));
  const fhir = join(dir, 'Patient.ndjson');
  const patient = {
    resourceType: 'Patient',
    id: 'e2e-genomics-patient',
    identifier: [{ type: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0203', code: 'MR' }] }, system: MRN_SYSTEM, value: MRN }],
    gender: 'male',
    birthDate: '1958-02-03',
  };
  const order = {
    resourceType: 'MedicationRequest',
    id: 'e2e-genomics-order',
    status: 'active',
    intent: 'order',
    medicationCodeableConcept: { coding: [{ system: 'http://www.nlm.nih.gov/research/umls/rxnorm', code: '32968' }] },
    subject: { reference: 'Patient/e2e-genomics-patient' },
    authoredOn: '2022-03-04',
  };
  writeFileSync(fhir, `${JSON.stringify(patient)}\n${JSON.stringify(order)}\n`);
  return [fhir, vcf];
}

test('a VCF and a FHIR patient uploaded in the UI show a PGx panel with the alert, and the Genomics chart', { timeout: 3 * UI_TIMEOUT }, async (t) => {
  if (!existsSync(s2s2Vcf)) return t.skip('shared VCF test data (../shared/data/vcf) is absent');
  await withUiSession(
    t,
    async ({ engine, page, host, workDir, problems }) => {
    // The sample id is the MRN: no sample sheet, the institution's MRN system set once beforehand.
    engine.setSetting('vcf.default-mrn-system', MRN_SYSTEM);
    await page.goto(host.url);
    await page.getByTestId('file-input').setInputFiles(writeInputs(workDir));
    await page.getByRole('button', { name: 'Start import' }).click();
    await page
      .locator('[data-testid="import-status"]:is([data-state="done"], [data-state="failed"], [data-state="cancelled"])')
      .waitFor({ timeout: UI_TIMEOUT });
    assert.equal(await page.getByTestId('import-status').textContent(), 'Import finished');
    await page.getByTestId('count-patients').filter({ hasText: /^1$/ }).waitFor();

    // One patient: FHIR and VCF linked by the MRN.
    await page.getByRole('button', { name: 'Patients', exact: true }).click();
    const rows = page.getByTestId('patient-row');
    await rows.first().locator('.mono').filter({ hasText: /^[0-9a-f]{8}/ }).waitFor();
    assert.equal(await rows.count(), 1);
    await rows.first().click();
    const panel = page.getByTestId('pgx-panel');
    await panel.waitFor();
    const cyp2c19 = panel.locator('[data-testid="pgx-row"][data-gene="CYP2C19"]');
    assert.match((await cyp2c19.textContent()) ?? '', /\*2\/\*2.*Poor Metabolizer.*called/);
    const alert = panel.getByTestId('pgx-alert');
    assert.equal(await alert.count(), 1);
    assert.match((await alert.textContent()) ?? '', /clopidogrel.*CYP2C19 Poor Metabolizer.*alternative P2Y12 inhibitor/);

    // Genomics: the sample with its summary, and the stacked bars of phenotypes per gene.
    await page.getByRole('button', { name: 'Genomics', exact: true }).click();
    await page.getByTestId('genomic-sample-row').first().waitFor();
    assert.equal(await page.getByTestId('genomic-sample-row').count(), 1);
    const chart = page.getByTestId('pgx-chart');
    await chart.waitFor();
    const segment = chart.locator('g[data-gene="CYP2C19"] rect.pgx-segment');
    assert.equal(await segment.count(), 1);
    assert.equal(await segment.getAttribute('data-phenotype'), 'Poor Metabolizer');
    assert.ok((await chart.locator('rect.pgx-segment').count()) >= 2, 'one bar per gene with results');
    assert.deepEqual(problems, []);
    },
    { institution: { id: 'e2e-genomics', displayName: 'E2E Genomics Hospital' } },
  );
});
