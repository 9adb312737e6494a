// Child process for the DICOM pipeline benchmark (so its peak RSS is its own): one import of DIR
// through the engine: import worker, de-identification worker pool, store writer thread, SQLite.
import { createEngine } from '../main/engine.ts';
import { passphraseKeyProtector } from '../main/store/key-protector.ts';

const [dataDir, input] = process.argv.slice(2) as [string, string];
const engine = await createEngine({ dataDir, keyProtector: passphraseKeyProtector('bench-passphrase', 'test'), actor: 'bench', keepImportWorkerReady: true });
const started = performance.now();
const job = await engine.waitForImport((await engine.startImport({ paths: [input] })).jobId);
const elapsedMs = performance.now() - started;
const studies = (await engine.listImagingStudies({ offset: 0, limit: 1 })).total;
await engine.close();
// The whole process too (node start, engine open and close): the import thread starts while the engine opens.
const processMs = performance.now();
const usage = process.cpuUsage();
process.stdout.write(
  `${JSON.stringify({ state: job.state, accepted: job.totals.accepted, rejected: job.totals.rejected, skipped: job.totals.skipped, bytes: job.totals.bytesRead, studies, elapsedMs, processMs, maxRssKB: process.resourceUsage().maxRSS, cpuMs: (usage.user + usage.system) / 1000 })}\n`,
);
