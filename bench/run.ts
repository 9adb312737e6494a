// `npm run bench [name...]`: fixed workloads, printed throughput and peak memory.
// Figures are recorded in bench/RESULTS.md. Workloads are generated under bench/work/ (ignored).
import { spawnSync } from 'node:child_process';
import { createReadStream, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { writeFhirWorkload } from './fhir-workload.ts';
import { writeSyntheaWorkload } from './synthea-workload.ts';
import { vcfBench } from './vcf-bench.ts';
import { demoBench } from './demo-bench.ts';
import { dicomBench } from './dicom-bench.ts';
import { statisticsReleaseBench } from './statistics-release-bench.ts';
import { scoringBench } from './scoring-bench.ts';
import { findWorkerEntries } from '../scripts/build-electron.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const work = join(root, 'bench', 'work');
mkdirSync(work, { recursive: true });

const mb = (bytes: number) => (bytes / 1e6).toFixed(1);

/**
 * The engine as the desktop app runs it: bundled with esbuild, workers as separate files
 * (scripts/build-electron.mjs does the same for Electron), so no TypeScript loader is measured.
 */
async function bundleEngine(entry: string): Promise<{ script: string; workerDir: string }> {
  const outdir = join(work, 'bundle');
  const entryPoints: Record<string, string> = Object.fromEntries(findWorkerEntries(root));
  entryPoints.entry = entry;
  await build({
    entryPoints, outdir, bundle: true, platform: 'node', format: 'esm', target: 'node20', logLevel: 'warning',
    external: ['better-sqlite3', 'onnxruntime-node'],
    banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
  });
  writeFileSync(join(outdir, 'package.json'), '{"type":"module"}');
  return { script: join(outdir, 'entry.js'), workerDir: outdir };
}

async function fhirBench(): Promise<void> {
  const targetBytes = Number(process.env.BENCH_FHIR_BYTES ?? 520e6);
  const dir = join(work, `fhir-synthea-${targetBytes}`);
  const manifest = join(dir, 'workload.json');
  let workload: { resources: number; bytes: number; files: string[]; source?: string };
  if (existsSync(manifest)) {
    workload = JSON.parse(readFileSync(manifest, 'utf8'));
  } else {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    console.log(`generating ${mb(targetBytes)} MB of FHIR NDJSON...`);
    workload =
      (await writeSyntheaWorkload(join(root, '..', 'shared', 'data', 'fhir'), dir, targetBytes)) ??
      { ...(await writeFhirWorkload(dir, targetBytes)), source: 'synthetic resources (shared Synthea data absent)' };
    writeFileSync(manifest, JSON.stringify(workload));
  }
  console.log(`FHIR workload: ${workload.resources} resources, ${mb(workload.bytes)} MB NDJSON, ${workload.source}`);

  // Ceiling: read and JSON.parse every line, nothing else, on one thread.
  let parsed = 0;
  const t0 = performance.now();
  for (const file of workload.files) {
    const lines = createInterface({ input: createReadStream(file, { highWaterMark: 1 << 20 }), crlfDelay: Infinity });
    for await (const line of lines) if (line) { JSON.parse(line); parsed++; }
  }
  const parseSeconds = (performance.now() - t0) / 1000;
  const ceiling = parsed / parseSeconds;

  const dataDir = join(work, 'fhir-store');
  rmSync(dataDir, { recursive: true, force: true });
  const bundle = await bundleEngine(join(root, 'bench', 'fhir-import-child.ts'));
  const child = spawnSync(process.execPath, [bundle.script, dataDir, dir], {
    cwd: root, encoding: 'utf8', maxBuffer: 1 << 24, env: { ...process.env, DATASPACE_WORKER_DIR: bundle.workerDir },
  });
  if (child.status !== 0) throw new Error(`import child failed: ${child.stderr}`);
  const result = JSON.parse(child.stdout.trim().split('\n').pop()!);
  // Every resource read counts, as in the ceiling: stored ones are validated, de-identified and
  // written; others are counted as skipped.
  const processed = result.accepted + result.rejected + result.skipped;
  const rate = processed / (result.elapsedMs / 1000);
  rmSync(dataDir, { recursive: true, force: true });

  console.table({
    'parse-only ceiling': { 'resources/s': Math.round(ceiling), seconds: parseSeconds.toFixed(1), 'peak RSS MB': '-' },
    'import end to end': { 'resources/s': Math.round(rate), seconds: (result.elapsedMs / 1000).toFixed(1), 'peak RSS MB': (result.maxRssKB / 1024).toFixed(0) },
  });
  console.log(`stored ${result.accepted}, rejected ${result.rejected}, skipped (unsupported types) ${result.skipped}; stored resources/s ${Math.round(result.accepted / (result.elapsedMs / 1000))}`);
  console.log(`CPU time (all threads): ${(result.cpuMs / 1000).toFixed(1)} s = ${((1000 * result.cpuMs) / processed).toFixed(1)} µs per resource; parse-only ${((1e6 * parseSeconds) / parsed).toFixed(1)} µs per resource`);
  console.log(`import/ceiling = ${((100 * rate) / ceiling).toFixed(0)}% (target ≥ 40%); target ≥ 25,000 resources/s, peak RSS < 400 MB; state ${result.state}, rejected ${result.rejected}`);
}

const benches: Record<string, () => Promise<void>> = { fhir: fhirBench, vcf: () => vcfBench(work, bundleEngine), demo: () => demoBench(work, bundleEngine), dicom: () => dicomBench(work, bundleEngine), statistics: statisticsReleaseBench, scoring: () => scoringBench(work, bundleEngine) };
const selected = process.argv.slice(2).length > 0 ? process.argv.slice(2) : Object.keys(benches);
for (const name of selected) {
  const bench = benches[name];
  if (!bench) {
    console.error(`unknown benchmark ${name}; known: ${Object.keys(benches).join(', ')}`);
    process.exit(2);
  }
  console.log(`\n== ${name} ==`);
  await bench();
}
