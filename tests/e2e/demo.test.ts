// End to end: "Load sample data" on a fresh store, in the real renderer build in Chromium through
// the browser host. Waits only for what the app shows ("Import finished"), never for fixed sleeps;
// a trace and a screenshot are kept in test-results/ only when the test fails.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, test } from 'node:test';
import { chromium, type Browser } from 'playwright-core';
import { createEngine } from '../../main/engine.ts';
import { startWebHost } from '../../main/host/web.ts';
import { passphraseKeyProtector } from '../../main/store/key-protector.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
const staticDir = join(root, 'renderer', 'dist');
const resultsDir = join(root, 'test-results');
const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const UI_TIMEOUT = 120_000;

let browser: Browser | null = null;

before(async () => {
  assert.ok(
    existsSync(join(staticDir, 'index.html')),
    `The renderer is not built (${staticDir}/index.html is missing). Run \`npm run build:renderer\` first.`,
  );
  if (!existsSync(chromiumPath)) return;
  browser = await chromium.launch({
    executablePath: chromiumPath,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
});

after(async () => {
  await browser?.close();
});

test('loads synthetic sample data into an empty store and labels the store as synthetic', { timeout: 2 * UI_TIMEOUT }, async (t) => {
  if (!browser) return t.skip(`Chromium not found at ${chromiumPath} (set CHROMIUM_PATH)`);
  const workDir = mkdtempSync(join(tmpdir(), 'dataspace-e2e-demo-'));
  const engine = await createEngine({
    dataDir: join(workDir, 'data'),
    keyProtector: passphraseKeyProtector('test-passphrase-123', 'test'),
    institution: { id: 'e2e-hospital', displayName: 'E2E Test Hospital' },
    actor: 'web',
  });
  const host = await startWebHost({ engine, staticDir });
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  await context.tracing.start({ screenshots: true, snapshots: true });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  let failed = true;
  try {
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
    await page.getByTestId('count-patients').filter({ hasText: '300' }).waitFor();
    await panel.waitFor({ state: 'detached' });

    await page.getByRole('button', { name: 'Patients', exact: true }).click();
    await page.getByTestId('patient-row').first().locator('.mono').filter({ hasText: /^[0-9a-f]{8}/ }).waitFor();
    assert.deepEqual(problems, []);
    failed = false;
  } finally {
    if (failed) {
      mkdirSync(resultsDir, { recursive: true });
      const base = join(resultsDir, 'demo-load-sample-data');
      await page.screenshot({ path: `${base}.png`, fullPage: true }).catch(() => undefined);
      await context.tracing.stop({ path: `${base}-trace.zip` });
      t.diagnostic(`failure artefacts: ${base}.png, ${base}-trace.zip`);
    } else {
      await context.tracing.stop();
    }
    await context.close();
    await host.close();
    await engine.close();
    rmSync(workDir, { recursive: true, force: true });
  }
});
