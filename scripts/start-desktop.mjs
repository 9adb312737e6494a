// `npm start [-- args]`: builds the renderer and the Electron bundles, makes sure better-sqlite3 is
// built for Electron in .native/electron, and launches the desktop app. Where the Electron runtime
// is not installed (or the native build cannot be made) it says so and runs the browser host
// instead, with the same arguments, so `npm start` always ends in a working app.
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildElectron } from './build-electron.mjs';
import { electronRuntime, ensureElectronNative } from './rebuild-native-electron.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);

function buildRenderer() {
  const vite = join(root, 'node_modules', 'vite', 'bin', 'vite.js');
  const result = spawnSync(process.execPath, [vite, 'build', '--config', 'renderer/vite.config.ts', '--logLevel', 'warn'], {
    cwd: root,
    stdio: 'inherit',
  });
  if (result.status !== 0) throw new Error('Building the renderer failed (see above).');
}

/** Runs a child in the foreground: signals go to it, its exit code becomes ours. */
function runForeground(command, commandArgs, env) {
  const child = spawn(command, commandArgs, { cwd: root, stdio: 'inherit', env });
  // Ctrl+C already reaches the child (same process group); a second SIGINT from us would cut
  // its graceful shutdown short. SIGTERM (from a service manager) is forwarded.
  process.on('SIGINT', () => {});
  process.on('SIGTERM', () => child.kill('SIGTERM'));
  child.on('error', (error) => {
    console.error(`Could not start ${command}: ${error.message}`);
    process.exit(1);
  });
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

function startBrowserHost(reason) {
  console.error(`\n${reason}\nStarting the browser host instead (same as \`npm run start:web\`)…\n`);
  runForeground(process.execPath, ['--import', 'tsx', join('main', 'host', 'web-main.ts'), ...args], process.env);
}

async function main() {
  const runtime = electronRuntime(root);
  buildRenderer();
  if (!runtime.installed) {
    startBrowserHost(
      `The Electron runtime is not installed (no ${runtime.binaryPath}): its binary download is disabled on this machine ` +
        `("allowScripts": { "electron": false } in package.json, so npm never runs its installer).\n` +
        `To install it, run \`npx install-electron\` (the electron package's installer; it downloads Electron ${runtime.version} ` +
        `from GitHub, or from ELECTRON_MIRROR), then \`npm start\` again.`,
    );
    return;
  }
  await buildElectron({ root });
  try {
    await ensureElectronNative({ root });
  } catch (error) {
    startBrowserHost(
      `better-sqlite3 could not be built for Electron ${runtime.version} (${error instanceof Error ? error.message : error}).\n` +
        'Run `node scripts/rebuild-native-electron.mjs` with internet access (for the Electron headers) and a C++ toolchain.',
    );
    return;
  }
  const env = { ...process.env };
  // Inherited from some tool environments; it would make the Electron binary act as plain Node.
  delete env.ELECTRON_RUN_AS_NODE;
  runForeground(runtime.binaryPath, [root, ...args], env);
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
