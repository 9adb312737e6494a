// Resolves a worker-thread entry point. From source (.ts) the worker loads through tsx; in the
// bundled desktop app the entries are prebuilt .js files in DATASPACE_WORKER_DIR.
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker, type WorkerOptions } from 'node:worker_threads';

function tsxLoaderUrl(): string {
  const require = createRequire(import.meta.url);
  return pathToFileURL(require.resolve('tsx/esm')).href;
}

/** Starts the worker `name` that sits next to the module at `siblingOf` (an import.meta.url). */
export function startWorker(name: string, siblingOf: string, options: WorkerOptions = {}): Worker {
  const bundledDir = process.env.DATASPACE_WORKER_DIR;
  if (bundledDir) return new Worker(join(bundledDir, `${name}.js`), options);
  const url = new URL(`./${name}.ts`, siblingOf);
  const inherited = (options.execArgv ?? process.execArgv).filter((a) => !a.includes('tsx'));
  return new Worker(url, { ...options, execArgv: [...inherited, '--import', tsxLoaderUrl()] });
}
