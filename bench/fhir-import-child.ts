// Child process for the FHIR import benchmark, so its peak RSS is its own.
import { createEngine } from '../main/engine.ts';
import { passphraseKeyProtector } from '../main/store/key-protector.ts';

const [dataDir, input] = process.argv.slice(2) as [string, string];
const engine = await createEngine({ dataDir, keyProtector: passphraseKeyProtector('bench-passphrase', 'test'), actor: 'bench' });
const started = performance.now();
const job = await engine.waitForImport((await engine.startImport({ paths: [input] })).jobId);
const elapsedMs = performance.now() - started;
await engine.close();
process.stdout.write(
  JSON.stringify({ state: job.state, accepted: job.totals.accepted, rejected: job.totals.rejected, skipped: job.totals.skipped, elapsedMs, maxRssKB: process.resourceUsage().maxRSS, cpuMs: (process.cpuUsage().user + process.cpuUsage().system) / 1000 }) + '\n',
);
