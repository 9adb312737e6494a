// `npm run bench [name...]`: fixed workloads, printed throughput and peak memory.
// Figures are recorded in bench/RESULTS.md. Workloads are generated under bench/work/ (ignored).
import { spawnSync } from 'node:child_process';
import { createReadStream, existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { writeFhirWorkload } from './fhir-workload.ts';
import { writeSyntheaWorkload } from './synthea-workload.ts';
import { vcfBench } from './vcf-bench.ts';
import { demoBench } from './demo-bench.ts';
import { dicomBench } from './dicom-bench.ts';
import { statisticsReleaseBench } from './statistics-release-bench.ts';
import { scoringBench } from './scoring-bench.ts';
import { fhirDeidBench } from './fhir-deid-bench.ts';
import { findWorkerEntries } from '../scripts/build-electron.mjs';
import { STORED_FHIR_RESOURCE_TYPES } from '../main/api/fhir-resource-types.ts';

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

  // The machine's speed shifts by 20-50 % for minutes at a time (a shared host), so the ceiling and
  // the import run in turns, several rounds, and the best of each is compared: the best ceiling is
  // the hardest bar, and the import's best run is its cost with the least interference.
  const rounds = Math.max(1, Number(process.env.BENCH_FHIR_ROUNDS ?? 3));
  const bundle = await bundleEngine(join(root, 'bench', 'fhir-import-child.ts'));
  const ceilings: number[] = [];
  const imports: FhirImportRun[] = [];
  for (let round = 0; round < rounds; round++) {
    ceilings.push(await parseOnlyRate(workload.files));
    imports.push(runFhirImport(bundle, dir));
    console.log(`round ${round + 1}/${rounds}: ceiling ${Math.round(ceilings.at(-1)!)} resources/s, import ${Math.round(imports.at(-1)!.rate)} resources/s, ${imports.at(-1)!.rssMB.toFixed(0)} MB`);
  }
  const ceiling = Math.max(...ceilings);
  const best = imports.reduce((a, b) => (b.rate > a.rate ? b : a));
  const range = (values: number[]) => `${Math.round(Math.min(...values))}–${Math.round(Math.max(...values))}`;
  const { result, processed } = best;

  console.table({
    'parse-only ceiling': { 'resources/s': Math.round(ceiling), seconds: (processed / ceiling).toFixed(1), 'peak RSS MB': '-', [`range over ${rounds}`]: range(ceilings) },
    'import end to end': { 'resources/s': Math.round(best.rate), seconds: best.seconds.toFixed(1), 'peak RSS MB': best.rssMB.toFixed(0), [`range over ${rounds}`]: range(imports.map((i) => i.rate)) },
  });
  console.log(`stored ${result.accepted}, rejected ${result.rejected}, skipped (unsupported types) ${result.skipped}; stored resources/s ${Math.round(Number(result.accepted) / best.seconds)}`);
  console.log(`CPU time (all threads): ${(best.cpuMs / 1000).toFixed(1)} s = ${((1000 * best.cpuMs) / processed).toFixed(1)} µs per resource; parse-only ${(1e6 / ceiling).toFixed(1)} µs per resource`);
  console.log(`peak RSS over all rounds ${Math.max(...imports.map((i) => i.rssMB)).toFixed(0)} MB; import/ceiling = ${((100 * best.rate) / ceiling).toFixed(0)}% best against best (target ≥ 40%), each round ${imports.map((i, n) => `${((100 * i.rate) / ceilings[n]!).toFixed(0)}%`).join(', ')}; target ≥ 25,000 resources/s, peak RSS < 400 MB; state ${result.state}, rejected ${result.rejected}`);

  // For comparison: the same export without the files of types the store does not keep. Their
  // lines are counted unparsed in the run above but parsed by the ceiling; here every line is
  // one the import parses, validates, de-identifies and writes.
  const stored = workload.files.filter((file) => (STORED_FHIR_RESOURCE_TYPES as readonly string[]).includes(basename(file).split('.')[0]!));
  if (stored.length > 0 && stored.length < workload.files.length) {
    const storedDir = join(work, 'fhir-stored-types');
    rmSync(storedDir, { recursive: true, force: true });
    mkdirSync(storedDir);
    for (const file of stored) symlinkSync(file, join(storedDir, basename(file)));
    const storedCeiling = await parseOnlyRate(stored);
    const storedImport = runFhirImport(bundle, storedDir);
    rmSync(storedDir, { recursive: true, force: true });
    console.log(`stored types only (${stored.length} files, one round): ceiling ${Math.round(storedCeiling)} resources/s, import ${Math.round(storedImport.rate)} resources/s = ${((100 * storedImport.rate) / storedCeiling).toFixed(0)}%, ${storedImport.rssMB.toFixed(0)} MB; state ${storedImport.result.state}`);
  }
}

interface FhirImportRun { rate: number; seconds: number; rssMB: number; cpuMs: number; processed: number; result: Record<string, number | string> }

/** The ceiling: read and JSON.parse every line of `files`, nothing else, on one thread. */
async function parseOnlyRate(files: string[]): Promise<number> {
  let parsed = 0;
  const t0 = performance.now();
  for (const file of files) {
    const lines = createInterface({ input: createReadStream(file, { highWaterMark: 1 << 20 }), crlfDelay: Infinity });
    for await (const line of lines) if (line) { JSON.parse(line); parsed++; }
  }
  return parsed / ((performance.now() - t0) / 1000);
}

/** Imports `input` into a fresh data folder through the bundled engine in a child process. */
function runFhirImport(bundle: { script: string; workerDir: string }, input: string): FhirImportRun {
  const dataDir = join(work, 'fhir-store');
  rmSync(dataDir, { recursive: true, force: true });
  const child = spawnSync(process.execPath, [bundle.script, dataDir, input], {
    cwd: root, encoding: 'utf8', maxBuffer: 1 << 24, env: { ...process.env, DATASPACE_WORKER_DIR: bundle.workerDir },
  });
  if (child.status !== 0) throw new Error(`import child failed: ${child.stderr}`);
  const result = JSON.parse(child.stdout.trim().split('\n').pop()!);
  rmSync(dataDir, { recursive: true, force: true });
  // Every resource read counts, as in the ceiling: stored ones are validated, de-identified and
  // written; others are counted as skipped.
  const processed = result.accepted + result.rejected + result.skipped;
  return { rate: processed / (result.elapsedMs / 1000), seconds: result.elapsedMs / 1000, rssMB: result.maxRssKB / 1024, cpuMs: result.cpuMs, processed, result };
}

const benches: Record<string, () => Promise<void>> = { fhir: fhirBench, 'fhir-deid': fhirDeidBench, vcf: () => vcfBench(work, bundleEngine), demo: () => demoBench(work, bundleEngine), dicom: () => dicomBench(work, bundleEngine), statistics: statisticsReleaseBench, scoring: () => scoringBench(work, bundleEngine) };
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
