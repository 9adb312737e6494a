// Child process for the VCF engine-import benchmark (so its peak RSS is its own): one import of FILE
// through the engine, its worker threads and the store, optionally with the de-identified copy and a
// sample sheet (argv: DATA_DIR FILE ['copy'|''] [SHEET]).
import { createEngine } from '../main/engine.ts';
import { passphraseKeyProtector } from '../main/store/key-protector.ts';

const [dataDir, input, copy, sheet] = process.argv.slice(2) as [string, string, string | undefined, string | undefined];
const engine = await createEngine({ dataDir, keyProtector: passphraseKeyProtector('bench-passphrase', 'test'), actor: 'bench' });
const started = performance.now();
const request = { paths: [input], vcf: { writeDeidentifiedCopy: copy === 'copy', ...(sheet ? { sampleSheet: sheet } : {}) } };
const job = await engine.waitForImport((await engine.startImport(request)).jobId);
const elapsedMs = performance.now() - started;
const samples = (await engine.listGenomicSamples({ offset: 0, limit: 1 })).total;
await engine.close();
const usage = process.cpuUsage();
process.stdout.write(
  `${JSON.stringify({ state: job.state, fileState: job.files[0]?.state, message: job.files[0]?.message, samples, elapsedMs, maxRssKB: process.resourceUsage().maxRSS, cpuMs: (usage.user + usage.system) / 1000 })}\n`,
);
