// Resolves a worker-thread entry point. From source (.ts) the worker starts through a small
// bootstrap that registers tsx inside the worker; in the bundled desktop app the entries are
// prebuilt .js files in DATASPACE_WORKER_DIR.
import { join } from 'node:path';
import { Worker, type WorkerOptions } from 'node:worker_threads';

/** Starts the worker `name` that sits next to the module at `siblingOf` (an import.meta.url). */
export function startWorker(name: string, siblingOf: string, options: WorkerOptions = {}): Worker {
  const bundledDir = process.env.DATASPACE_WORKER_DIR;
  if (bundledDir) return new Worker(join(bundledDir, `${name}.js`), options);
  const entry = new URL(`./${name}.ts`, siblingOf).href;
  return new Worker(new URL('./ts-worker-bootstrap.mjs', import.meta.url), { ...options, argv: [...(options.argv ?? []), entry] });
}
