// Builds better-sqlite3 for Electron's ABI into .native/electron/ (node scripts/rebuild-native-electron.mjs [--force] [--arch=x64]).
// node_modules keeps its build for plain Node, so `npm test` and the CLI keep working, while the
// desktop shell loads .native/electron/better_sqlite3.node (main/store/database.ts). The build runs
// on a temporary copy of the package: nothing under node_modules is touched.
// onnxruntime-node is N-API and loads in both runtimes unchanged.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, copyFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const defaultRoot = fileURLToPath(new URL('..', import.meta.url));
const ELECTRON_HEADERS_URL = 'https://electronjs.org/headers';

function readJson(path) {
  return JSON.parse(readFileSync(path, 'utf8'));
}

/**
 * The Electron runtime as installed in node_modules, found without `require('electron')`: that
 * call tries to download the binary when it is missing, which hangs on a machine without internet.
 */
export function electronRuntime(root = defaultRoot, env = process.env) {
  const packageDir = join(root, 'node_modules', 'electron');
  const version = readJson(join(packageDir, 'package.json')).version;
  const pathFile = join(packageDir, 'path.txt');
  const relativeBinary = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : null;
  let binaryPath;
  if (env.ELECTRON_OVERRIDE_DIST_PATH) binaryPath = join(env.ELECTRON_OVERRIDE_DIST_PATH, relativeBinary ?? 'electron');
  else if (relativeBinary) binaryPath = join(packageDir, 'dist', relativeBinary);
  else binaryPath = join(packageDir, 'dist', process.platform === 'win32' ? 'electron.exe' : process.platform === 'darwin' ? 'Electron.app/Contents/MacOS/Electron' : 'electron');
  return { version, binaryPath, installed: existsSync(binaryPath), packageDir };
}

export function nativeElectronDir(root = defaultRoot) {
  return join(root, '.native', 'electron');
}

function buildStamp(root, electronVersion, arch) {
  const sqliteVersion = readJson(join(root, 'node_modules', 'better-sqlite3', 'package.json')).version;
  return { electron: electronVersion, betterSqlite3: sqliteVersion, platform: process.platform, arch };
}

/** True when .native/electron holds a better-sqlite3 built for exactly this Electron, package version and arch. */
export function isElectronNativeCurrent(root, electronVersion, arch = process.arch) {
  const dir = nativeElectronDir(root);
  const stampFile = join(dir, 'build-info.json');
  if (!existsSync(join(dir, 'better_sqlite3.node')) || !existsSync(stampFile)) return false;
  const want = buildStamp(root, electronVersion, arch);
  const have = readJson(stampFile);
  return Object.keys(want).every((key) => have[key] === want[key]);
}

function findNodeGyp(root) {
  const candidates = [
    join(dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
    join(dirname(process.execPath), 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
    join(root, 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
  ];
  if (process.env.npm_config_node_gyp) candidates.unshift(process.env.npm_config_node_gyp);
  return candidates.find((path) => existsSync(path)) ?? null;
}

function nodeAtLeast(major, minor) {
  const [ma, mi] = process.versions.node.split('.').map(Number);
  return ma > major || (ma === major && mi >= minor);
}

/** @electron/rebuild (an ES module needing Node >= 22.12) when present and usable; else false. */
async function rebuildWithElectronRebuild(root, projectDir, electronVersion, arch) {
  if (!nodeAtLeast(22, 12)) return false;
  const require = createRequire(join(root, 'package.json'));
  let entry;
  try {
    entry = require.resolve('@electron/rebuild');
  } catch {
    return false;
  }
  const { rebuild } = await import(pathToFileURL(entry).href);
  await rebuild({ buildPath: projectDir, electronVersion, arch, onlyModules: ['better-sqlite3'], force: true, headerURL: ELECTRON_HEADERS_URL });
  return true;
}

/**
 * The environment for node-gyp without npm's `npm_config_*` build settings: under `npm run`,
 * an npmrc `nodedir` (or target/runtime/disturl) would silently build against Node's headers.
 */
function electronBuildEnv(env = process.env) {
  const clean = { ...env };
  for (const key of Object.keys(clean)) {
    if (/^npm_config_(nodedir|target|runtime|disturl|dist_url|arch|target_arch|devdir|build_from_source)$/i.test(key)) delete clean[key];
  }
  return clean;
}

function rebuildWithNodeGyp(root, moduleDir, electronVersion, arch) {
  const nodeGyp = findNodeGyp(root);
  if (!nodeGyp) throw new Error('Neither @electron/rebuild nor node-gyp (npm\'s bundled copy) was found.');
  const args = [nodeGyp, 'rebuild', '--release', `--target=${electronVersion}`, `--arch=${arch}`];
  // Offline machines can point at an unpacked node-v<electron>-headers tarball instead of downloading it.
  if (process.env.DATASPACE_ELECTRON_HEADERS_DIR) args.push(`--nodedir=${process.env.DATASPACE_ELECTRON_HEADERS_DIR}`);
  else args.push(`--dist-url=${ELECTRON_HEADERS_URL}`, `--devdir=${join(homedir(), '.electron-gyp')}`); // Electron docs, "Using Native Node Modules"
  const result = spawnSync(process.execPath, args, { cwd: moduleDir, stdio: 'inherit', env: electronBuildEnv() });
  if (result.status !== 0) throw new Error(`node-gyp failed (exit ${result.status ?? result.signal}).`);
}

/**
 * An addon built for Electron must NOT load in this Node (different NODE_MODULE_VERSION). If it
 * does, the build used Node's headers, and shipping it would crash the desktop app at start.
 */
function assertNotNodeAbi(addon) {
  const probe = spawnSync(process.execPath, ['-e', `process.dlopen({ exports: {} }, ${JSON.stringify(addon)})`], { encoding: 'utf8' });
  if (probe.status === 0) {
    throw new Error(`${addon} loads in Node ${process.versions.node}: it was built against Node's headers, not Electron's.`);
  }
  if (!/NODE_MODULE_VERSION/.test(probe.stderr)) {
    throw new Error(`Could not check the ABI of ${addon}: ${probe.stderr.trim().split('\n')[0]}`);
  }
}

/** Ensures .native/electron/better_sqlite3.node matches the installed Electron; builds it if not. */
export async function ensureElectronNative({ root = defaultRoot, arch = process.arch, force = false, log = console.log } = {}) {
  const { version: electronVersion } = electronRuntime(root);
  if (!force && isElectronNativeCurrent(root, electronVersion, arch)) return { rebuilt: false, electronVersion };

  log(`Building better-sqlite3 for Electron ${electronVersion} (${process.platform}-${arch}) in a temporary copy…`);
  const work = mkdtempSync(join(tmpdir(), 'dataspace-native-'));
  try {
    const moduleDir = join(work, 'node_modules', 'better-sqlite3');
    cpSync(join(root, 'node_modules', 'better-sqlite3'), moduleDir, {
      recursive: true,
      filter: (source) => !/[\\/]better-sqlite3[\\/]build([\\/]|$)/.test(source),
    });
    writeFileSync(join(work, 'package.json'), JSON.stringify({ name: 'dataspace-native-build', private: true, dependencies: { 'better-sqlite3': '*' } }));
    const usedElectronRebuild = await rebuildWithElectronRebuild(root, work, electronVersion, arch);
    if (!usedElectronRebuild) rebuildWithNodeGyp(root, moduleDir, electronVersion, arch);

    const built = join(moduleDir, 'build', 'Release', 'better_sqlite3.node');
    if (!existsSync(built)) throw new Error(`The build produced no ${built}.`);
    assertNotNodeAbi(built);
    const target = nativeElectronDir(root);
    mkdirSync(target, { recursive: true });
    copyFileSync(built, join(target, 'better_sqlite3.node'));
    writeFileSync(join(target, 'build-info.json'), `${JSON.stringify(buildStamp(root, electronVersion, arch), null, 2)}\n`);
    return { rebuilt: true, electronVersion };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const archArg = process.argv.find((a) => a.startsWith('--arch='));
  ensureElectronNative({ force: process.argv.includes('--force'), arch: archArg ? archArg.slice(7) : process.arch })
    .then(({ rebuilt, electronVersion }) => {
      console.log(rebuilt ? `Built .native/electron/better_sqlite3.node for Electron ${electronVersion}.` : `.native/electron is current for Electron ${electronVersion}.`);
    })
    .catch((error) => {
      console.error(`Could not build better-sqlite3 for Electron: ${error instanceof Error ? error.message : error}`);
      console.error('It needs the Electron headers (downloaded from electronjs.org/headers) and a C++ toolchain (python3, make, g++ / Xcode / Visual Studio Build Tools).');
      process.exit(1);
    });
}
