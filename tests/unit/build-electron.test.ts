// The esbuild bundles the desktop app ships: what they leave external, and that the bundled
// import worker really runs the engine's import when the shell points DATASPACE_WORKER_DIR at it.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createEngine } from '../../main/engine.ts';
import { passphraseKeyProtector } from '../../main/store/key-protector.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));

interface BuildElectronModule {
  ELECTRON_EXTERNALS: string[];
  findWorkerEntries(root: string): Map<string, string>;
  buildElectron(options: { root: string; outdir: string; logLevel?: string }): Promise<{ outdir: string; workers: string[]; externals: Record<string, string[]> }>;
}
const buildScript = (await import(pathToFileURL(join(root, 'scripts', 'build-electron.mjs')).href)) as BuildElectronModule;

const isBuiltin = (name: string) => name.startsWith('node:') || builtinModules.includes(name);

describe('Electron bundles', () => {
  let outdir: string;
  let workers: string[];
  let externals: Record<string, string[]>;
  before(async () => {
    // Under node_modules/.cache (ignored by git and eslint) so the bundles resolve node_modules as from electron/dist.
    mkdirSync(join(root, 'node_modules', '.cache'), { recursive: true });
    outdir = mkdtempSync(join(root, 'node_modules', '.cache', 'dataspace-electron-bundle-test-'));
    ({ workers, externals } = await buildScript.buildElectron({ root, outdir, logLevel: 'silent' }));
  });
  after(() => rmSync(outdir, { recursive: true, force: true }));

  it('finds every engine worker from its startWorker call', () => {
    const entries = buildScript.findWorkerEntries(root);
    assert.equal(entries.get('import-worker'), join(root, 'main', 'pipeline', 'import-worker.ts'));
    assert.deepEqual(workers.sort(), [...entries.keys()].sort());
  });

  it('leaves only Electron, the native addons and Node builtins external', () => {
    assert.deepEqual(Object.keys(externals).sort(), ['main.cjs', 'preload.cjs', ...workers.map((w) => `${w}.js`)].sort());
    for (const [file, names] of Object.entries(externals)) {
      for (const name of names.filter((n) => !isBuiltin(n))) assert.ok(buildScript.ELECTRON_EXTERNALS.includes(name), `${file} requires ${name}`);
      // esbuild leaves import.meta empty in CommonJS; the build defines import.meta.url instead.
      assert.doesNotMatch(readFileSync(join(outdir, file), 'utf8'), /import\.meta/, `${file} still uses import.meta`);
    }
    assert.ok(externals['main.cjs']!.includes('electron'));
    assert.ok(externals['main.cjs']!.includes('better-sqlite3'), 'the native addon stays out of the bundle');
    assert.deepEqual(externals['preload.cjs'], ['electron']);
    // Worker bundles are .js files in a "type": "module" project: their folder declares CommonJS.
    assert.deepEqual(JSON.parse(readFileSync(join(outdir, 'package.json'), 'utf8')), { type: 'commonjs' });
  });

  it('runs an import through the bundled worker', async () => {
    const dataDir = mkdtempSync(join(outdir, 'data-'));
    const input = join(dataDir, '..', 'Patient.ndjson');
    writeFileSync(
      input,
      `${JSON.stringify({ resourceType: 'Patient', id: 'pat-BUNDLE-ZZQ', name: [{ family: 'BUNDLEFAMILYZZQ', given: ['BUNDLEGIVENZZQ'] }], gender: 'female', birthDate: '1970-04-02' })}\n`,
    );
    const previous = process.env.DATASPACE_WORKER_DIR;
    process.env.DATASPACE_WORKER_DIR = outdir;
    const engine = await createEngine({ dataDir, keyProtector: passphraseKeyProtector('test-passphrase-123', 'test'), actor: 'test' });
    try {
      const { jobId } = await engine.startImport({ paths: [input] });
      const job = await engine.waitForImport(jobId);
      assert.equal(job.state, 'done', JSON.stringify(job.error ?? job.issues));
      assert.equal((await engine.getStatus()).counts.patients, 1);
    } finally {
      await engine.close();
      if (previous === undefined) delete process.env.DATASPACE_WORKER_DIR;
      else process.env.DATASPACE_WORKER_DIR = previous;
    }
  });
});
