// Launches the real desktop app with Playwright's Electron driver, when the Electron binary is
// installed, and checks that the window opens and the preload bridge reaches the engine.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { _electron as electron } from 'playwright-core';
import type { EngineStatus } from '../../main/api/contract.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));

interface ElectronRuntime {
  version: string;
  binaryPath: string;
  installed: boolean;
}
const nativeScript = (await import(pathToFileURL(join(root, 'scripts', 'rebuild-native-electron.mjs')).href)) as {
  electronRuntime(root: string): ElectronRuntime;
  ensureElectronNative(options: { root: string }): Promise<unknown>;
};
const buildScript = (await import(pathToFileURL(join(root, 'scripts', 'build-electron.mjs')).href)) as {
  buildElectron(options: { root: string; logLevel?: string }): Promise<unknown>;
};

test('the desktop app opens its window and answers getStatus through the preload bridge', { timeout: 180_000 }, async (t) => {
  const runtime = nativeScript.electronRuntime(root);
  if (!runtime.installed) {
    t.skip(`Electron binary not installed: ${runtime.binaryPath} (binary download disabled on this machine)`);
    return;
  }
  if (!existsSync(join(root, 'renderer', 'dist', 'index.html'))) {
    const vite = spawnSync(process.execPath, [join(root, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--config', 'renderer/vite.config.ts', '--logLevel', 'warn'], { cwd: root, stdio: 'inherit' });
    assert.equal(vite.status, 0, 'the renderer builds');
  }
  await buildScript.buildElectron({ root, logLevel: 'warning' });
  await nativeScript.ensureElectronNative({ root });

  const work = mkdtempSync(join(tmpdir(), 'dataspace-electron-e2e-'));
  t.after(() => rmSync(work, { recursive: true, force: true }));
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    // Electron checks only whether ELECTRON_RUN_AS_NODE exists, so it must be absent, not empty.
    if (value !== undefined && key !== 'ELECTRON_RUN_AS_NODE') env[key] = value;
  }
  env.DATASPACE_DATA_DIR = join(work, 'data');
  // Used only when this machine has no usable OS keychain (e.g. Linux CI without a keyring).
  env.DATASPACE_PASSPHRASE = 'test-passphrase-123';
  const app = await electron.launch({
    executablePath: runtime.binaryPath,
    args: [root, `--user-data-dir=${join(work, 'profile')}`],
    cwd: root,
    env,
  });
  try {
    const window = await app.firstWindow();
    await window.waitForLoadState('domcontentloaded');
    assert.equal(await window.title(), 'DataSpace Node');
    assert.match(window.url(), /^app:\/\/dataspace\//);
    const status = (await window.evaluate(() => (window as unknown as { dataspace: { getStatus(): Promise<unknown> } }).dataspace.getStatus())) as EngineStatus;
    assert.equal(status.dataDir, join(work, 'data'));
    assert.ok(['os-keychain', 'passphrase'].includes(status.keyProtection));
    const exposed = await window.evaluate(() => ({
      require: typeof (window as unknown as { require?: unknown }).require,
      process: typeof (window as unknown as { process?: unknown }).process,
    }));
    assert.deepEqual(exposed, { require: 'undefined', process: 'undefined' });
  } finally {
    await app.close();
  }
});
