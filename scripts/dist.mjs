// `npm run dist [-- electron-builder args]`: builds the renderer and the Electron bundles, builds
// better-sqlite3 for Electron into .native/electron, then packages with electron-builder
// (build/electron-builder.config.cjs). Extra arguments go to electron-builder, e.g.
// `npm run dist -- --linux AppImage` or `--win --x64`. Each step that needs the network or a
// packaging tool says so when it fails.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildElectron } from './build-electron.mjs';
import { electronRuntime, ensureElectronNative } from './rebuild-native-electron.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const builderArgs = process.argv.slice(2);

class DistError extends Error {}

function step(title) {
  console.log(`\n▸ ${title}`);
}

function targetArch(args) {
  const archFlags = ['x64', 'arm64', 'ia32', 'armv7l', 'universal'].filter((arch) => args.includes(`--${arch}`));
  if (archFlags.length > 1) throw new DistError('Package one architecture per run: native addons are built for one at a time.');
  return archFlags[0] ?? process.arch;
}

async function main() {
  const builderCli = join(root, 'node_modules', 'electron-builder', 'cli.js');
  if (!existsSync(builderCli)) throw new DistError('electron-builder is not installed (npm ci installs it as a devDependency).');
  const arch = targetArch(builderArgs);
  const runtime = electronRuntime(root);

  step('Building the renderer');
  const vite = spawnSync(process.execPath, [join(root, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--config', 'renderer/vite.config.ts', '--logLevel', 'warn'], { cwd: root, stdio: 'inherit' });
  if (vite.status !== 0) throw new DistError('Building the renderer failed (see above).');

  step('Bundling the Electron main process, preload and workers');
  await buildElectron({ root, production: true });

  step(`Building better-sqlite3 for Electron ${runtime.version} (${arch})`);
  try {
    await ensureElectronNative({ root, arch });
  } catch (error) {
    throw new DistError(
      `better-sqlite3 could not be built for Electron ${runtime.version}: ${error instanceof Error ? error.message : error}\n` +
        'Packaging needs the Electron headers (https://electronjs.org/headers) and a C++ toolchain. ' +
        'Native addons cannot be cross-compiled: build each OS on that OS (CI matrix).',
    );
  }

  step('Packaging with electron-builder');
  const result = spawnSync(
    process.execPath,
    [builderCli, '--config', 'build/electron-builder.config.cjs', '--publish', 'never', ...builderArgs],
    { cwd: root, stdio: 'inherit' },
  );
  if (result.status !== 0) {
    throw new DistError(
      'electron-builder failed (see above). It downloads the Electron runtime for the target ' +
        `(electron-v${runtime.version}-<os>-<arch>.zip from GitHub, or ELECTRON_MIRROR / an electron_config_cache that holds it) ` +
        'and its packaging tools (AppImage, fpm for deb, NSIS and WiX for Windows); a machine without internet access has neither.',
    );
  }
  console.log('\nInstallers are in dist/.');
}

main().catch((error) => {
  console.error(`\nnpm run dist: ${error instanceof Error ? error.message : error}`);
  if (!(error instanceof DistError) && error instanceof Error) console.error(error.stack);
  process.exit(1);
});
