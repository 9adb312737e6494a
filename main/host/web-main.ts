// `npm run start:web`: runs the engine behind the loopback browser host for headless workstations.
// Prints the URL (with the per-launch token in its fragment) on stdout; everything else on stderr.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createEngine, type Engine } from '../engine.ts';
import { defaultDataDir } from '../store/data-folder.ts';
import { toApiError } from '../util/errors.ts';
import { headlessKeyProtector } from './passphrase.ts';
import { startWebHost, type WebHost } from './web.ts';

const USAGE = `Usage: npm run start:web -- [--data-dir DIR] [--port N]

  --data-dir DIR   data folder (default: DATASPACE_DATA_DIR or the desktop app's folder)
  --port N         loopback port to listen on (default: a free port)

The passphrase comes from DATASPACE_PASSPHRASE or an interactive prompt.`;

function parsePort(text: string | undefined): number {
  if (text === undefined) return 0;
  const port = Number(text);
  if (!Number.isInteger(port) || port < 0 || port > 65_535)
    throw new Error(`--port must be 0–65535, not "${text}".`);
  return port;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      'data-dir': { type: 'string' },
      port: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const port = parsePort(values.port);
  const staticDir = fileURLToPath(new URL('../../renderer/dist/', import.meta.url));
  if (!existsSync(`${staticDir}index.html`)) {
    throw new Error(
      `The browser UI is not built (${staticDir} has no index.html). Run \`npm run build:renderer\`.`,
    );
  }
  const dataDir = values['data-dir'] ?? defaultDataDir();
  const keyProtector = await headlessKeyProtector();

  let engine: Engine | null = null;
  let host: WebHost | null = null;
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`\n${signal}: shutting down…\n`);
    // A worker that ignores cancellation must not keep the process alive forever.
    setTimeout(() => process.exit(process.exitCode ?? 1), 10_000).unref();
    try {
      await host?.close();
      await engine?.close();
      process.exitCode = 0;
    } catch (error) {
      console.error('Shutdown failed:', error);
      process.exitCode = 1;
    }
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));

  engine = await createEngine({ dataDir, keyProtector, actor: 'web', keepImportWorkerReady: true });
  host = await startWebHost({ engine, port, staticDir });
  if (stopping) {
    // A signal arrived while we were still starting.
    await host.close();
    await engine.close();
    return;
  }
  process.stderr.write(`DataSpace Node (browser host) — data folder: ${engine.dataDir}\n`);
  process.stderr.write(
    'Open this address in a browser on this machine (it contains the access token):\n',
  );
  process.stdout.write(`${host.url}\n`);
}

main().catch((error: unknown) => {
  const { message } = toApiError(error);
  process.stderr.write(`dataspace web: ${message}\n`);
  process.exitCode = 1;
});
