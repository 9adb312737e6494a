// The `demo` benchmark of `npm run bench`: the synthetic consortium generator (main/demo) writing
// 3 institutions × 10,000 patients (BENCH_DEMO_PATIENTS), run as `dataspace demo generate` in a
// child process of its own so the peak RSS is the generator's alone, then the true mechanism's
// AUROC over the ground truth (`dataspace demo auroc`).
import { spawnSync } from 'node:child_process';
import { readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { GenerationReport } from '../main/demo/index.ts';

type BundleEngine = (entry: string) => Promise<{ script: string; workerDir: string }>;

const INSTITUTIONS = ['dkfz', 'ukhd', 'embl'];

function bytesUnder(dir: string): { bytes: number; files: number } {
  let bytes = 0;
  let files = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    bytes += statSync(join(entry.parentPath, entry.name)).size;
    files++;
  }
  return { bytes, files };
}

export async function demoBench(work: string, bundleEngine: BundleEngine): Promise<void> {
  const patients = Number(process.env.BENCH_DEMO_PATIENTS ?? 10_000);
  const root = fileURLToPath(new URL('..', import.meta.url));
  const dir = join(work, `demo-${patients}`);
  rmSync(dir, { recursive: true, force: true });
  // The CLI as shipped (bundled), so no TypeScript loader is measured.
  const bundle = await bundleEngine(join(root, 'main', 'host', 'cli.ts'));
  const dataspace = <T>(args: string[]): T => {
    const child = spawnSync(process.execPath, [bundle.script, ...args], {
      cwd: root, encoding: 'utf8', maxBuffer: 1 << 30, env: { ...process.env, DATASPACE_WORKER_DIR: bundle.workerDir },
    });
    if (child.status !== 0) throw new Error(`dataspace ${args.join(' ')} failed (${child.status}): ${child.stderr}`);
    return JSON.parse(child.stdout) as T;
  };

  console.log(`generating ${INSTITUTIONS.length} × ${patients} patients...`);
  const { report } = dataspace<{ report: GenerationReport }>([
    'demo', 'generate', '--out', dir, '--institutions', INSTITUTIONS.join(','), '--patients', String(patients), '--seed', '1', '--json',
  ]);
  const started = performance.now();
  const { auroc } = dataspace<{ auroc: number }>(['demo', 'auroc', dir, '--json']);
  const aurocSeconds = (performance.now() - started) / 1000;
  const written = bytesUnder(dir);

  console.table(
    Object.fromEntries(
      report.institutions.map((r) => [
        r.institution,
        {
          'index admissions': r.indexAdmissions,
          readmitted: `${(100 * r.prevalence).toFixed(1)}%`,
          'mean true risk': `${(100 * r.meanTrueProbability).toFixed(1)}%`,
          'DICOM files': r.dicomFiles,
          'VCF samples': r.vcfSamples,
          defects: r.defects.length,
        },
      ]),
    ),
  );
  console.log(
    `${report.totals.patients} patients in ${(report.elapsedMs / 1000).toFixed(1)} s = ${Math.round(report.patientsPerSecond)} patients/s; ` +
      `peak RSS ${(report.processMaxRssBytes / 1e6).toFixed(0)} MB (sampled ${(report.peakRssBytes / 1e6).toFixed(0)} MB); ` +
      `${written.files} files, ${(written.bytes / 1e6).toFixed(0)} MB written`,
  );
  console.log(`true-mechanism AUROC ${auroc.toFixed(4)} over ${report.totals.indexAdmissions} index admissions (${aurocSeconds.toFixed(1)} s); prevalence ${(100 * report.totals.prevalence).toFixed(1)}%`);
  rmSync(dir, { recursive: true, force: true });
}
