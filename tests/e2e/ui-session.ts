// Shared set-up for the end-to-end tests: Debian's Chromium driven by Playwright, the real
// renderer build served by the browser host, a real engine on a fresh data folder. Artefacts
// (screenshot, trace) are kept in test-results/ only when a test fails.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, type TestContext } from 'node:test';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { createEngine, type Engine, type EngineOptions } from '../../main/engine.ts';
import { startWebHost, type WebHost } from '../../main/host/web.ts';
import { passphraseKeyProtector } from '../../main/store/key-protector.ts';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const STATIC_DIR = join(REPO_ROOT, 'renderer', 'dist');
const RESULTS_DIR = join(REPO_ROOT, 'test-results');
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** Long enough for a cold worker on a slow CI machine; waits end as soon as the UI reports. */
export const UI_TIMEOUT = 120_000;

/** One browser page on a fresh engine and host. */
export interface UiSession {
  engine: Engine;
  host: WebHost;
  context: BrowserContext;
  page: Page;
  workDir: string;
  /** Console messages about CSP violations, and uncaught page errors. */
  problems: string[];
  /** Requests that left the loopback origin. */
  foreignRequests: string[];
}

let browser: Browser | null = null;

/** Registers the suite's browser: started once before the tests of the file, closed after. */
export function useBrowser(): void {
  before(async () => {
    assert.ok(
      existsSync(join(STATIC_DIR, 'index.html')),
      `The renderer is not built (${STATIC_DIR}/index.html is missing). Run \`npm run build:renderer\` first.`,
    );
    if (!existsSync(CHROMIUM_PATH)) return;
    browser = await chromium.launch({
      executablePath: CHROMIUM_PATH,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
  });
  after(async () => {
    await browser?.close();
    browser = null;
  });
}

function safeName(name: string): string {
  return name.replace(/[^a-z0-9]+/gi, '-').replace(/^-|-$/g, '').toLowerCase();
}

async function openSession(engineOptions: Partial<EngineOptions>): Promise<UiSession> {
  if (!browser) throw new Error('The browser did not start.');
  const workDir = mkdtempSync(join(tmpdir(), 'dataspace-e2e-'));
  const engine = await createEngine({
    dataDir: join(workDir, 'data'),
    keyProtector: passphraseKeyProtector('test-passphrase-123', 'test'),
    institution: { id: 'e2e-hospital', displayName: 'E2E Test Hospital' },
    actor: 'web',
    ...engineOptions,
  });
  const host = await startWebHost({ engine, staticDir: STATIC_DIR });
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, acceptDownloads: true });
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
    if (!url.startsWith(`${origin}/`) && !url.startsWith('blob:') && !url.startsWith('data:')) foreignRequests.push(url);
  });
  return { engine, host, context, page, workDir, problems, foreignRequests };
}

async function closeSession(t: TestContext, session: UiSession, failed: boolean): Promise<void> {
  try {
    if (failed) {
      mkdirSync(RESULTS_DIR, { recursive: true });
      const base = join(RESULTS_DIR, safeName(t.name));
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

/** Runs `body` on a fresh session (skipped, with the reason, without Chromium). */
export async function withUiSession(
  t: TestContext,
  body: (session: UiSession) => Promise<void>,
  engineOptions: Partial<EngineOptions> = {},
): Promise<void> {
  if (!existsSync(CHROMIUM_PATH)) {
    t.skip(`Chromium not found at ${CHROMIUM_PATH} (set CHROMIUM_PATH)`);
    return;
  }
  const session = await openSession(engineOptions);
  let failed = true;
  try {
    await body(session);
    failed = false;
  } finally {
    await closeSession(t, session, failed);
  }
}
