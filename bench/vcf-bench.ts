// The `vcf` benchmark of `npm run bench`: the VCF import core (streaming parse, per-sample summaries, PGx
// calls) on a 2,000,000-record x 1-sample and a 100-sample BGZF file against `bcftools view -H | wc -l`
// and `bcftools query -f '%POS\n'` (targets: within 2x of bcftools, peak RSS < 300 MB), then the full
// engine import of the 2M-record file (import worker, store writer thread, SQLite), with and without
// the de-identified BGZF copy; and a biobank-sized cohort (35,000 sample columns over the PGx sites and
// background variants, as the 100k-patient demo site writes it) through the engine with its sample sheet.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchVcf, type BenchVcfResult } from '../main/ingest/vcf/bench-vcf.ts';
import { PGX_SITES } from '../main/demo/pgx-defining-positions.ts';
import { VcfCohortWriter } from '../main/demo/vcf-cohort-writer.ts';

type BundleEngine = (entry: string) => Promise<{ script: string; workerDir: string }>;

const TARGET_RATIO = 2;
const TARGET_RSS_MB = 300;

function verdict(r: BenchVcfResult): void {
  const run = r.runs.find((x) => x.parser === 'hand')!;
  const ratio = (a: number, b: number | undefined) => (b ? a / b : Number.NaN);
  const wallView = ratio(run.seconds, r.bcftoolsView?.wall);
  const wallQuery = ratio(run.seconds, r.bcftoolsQuery?.wall);
  const cpuView = ratio(run.cpuSeconds, r.bcftoolsView?.cpu);
  const ok = (x: number) => (Number.isNaN(x) ? 'n/a' : `${x.toFixed(2)}x ${x <= TARGET_RATIO ? 'ok' : 'OVER'}`);
  console.log(
    `  => ${r.records} x ${r.samples}: ${run.recordsPerSecond} records/s, peak RSS ${run.peakRssMb} MB (${run.peakRssMb < TARGET_RSS_MB ? 'ok' : 'OVER'} < ${TARGET_RSS_MB}); ` +
      `wall vs view ${ok(wallView)}, vs query ${ok(wallQuery)}; CPU vs view ${ok(cpuView)}`,
  );
}

export async function vcfBench(work: string, bundleEngine: BundleEngine): Promise<void> {
  const records = Number(process.env.BENCH_VCF_RECORDS ?? 2_000_000);
  const multiRecords = Number(process.env.BENCH_VCF_MULTI_RECORDS ?? 100_000);
  const dir = join(work, 'vcf');
  const single = await benchVcf(dir, { records, samples: 1, parsers: ['hand'] });
  verdict(single);
  const hundred = await benchVcf(dir, { records: multiRecords, samples: 100, parsers: ['hand'] });
  verdict(hundred);

  const root = fileURLToPath(new URL('..', import.meta.url));
  const bundle = await bundleEngine(join(root, 'bench', 'vcf-import-child.ts'));
  const runEngine = (file: string, copy: boolean, sheet?: string) => {
    const dataDir = join(work, 'vcf-store');
    rmSync(dataDir, { recursive: true, force: true });
    const child = spawnSync(process.execPath, [bundle.script, dataDir, file, copy ? 'copy' : '', ...(sheet ? [sheet] : [])], {
      cwd: root,
      encoding: 'utf8',
      env: { ...process.env, DATASPACE_WORKER_DIR: bundle.workerDir },
    });
    rmSync(dataDir, { recursive: true, force: true });
    if (child.status !== 0) throw new Error(`VCF import child failed: ${child.stderr}`);
    return JSON.parse(child.stdout.trim().split('\n').pop()!) as {
      state: string;
      fileState: string;
      message?: string;
      samples: number;
      elapsedMs: number;
      maxRssKB: number;
      cpuMs: number;
    };
  };
  for (const mode of ['no copy', 'copy'] as const) {
    const r = runEngine(single.file, mode === 'copy');
    const seconds = r.elapsedMs / 1000;
    const view = single.bcftoolsView?.wall;
    console.log(
      `  engine import (${mode.padEnd(7)}) ${single.records} x 1: ${seconds.toFixed(2)} s, ${Math.round(single.records / seconds)} records/s, ` +
        `CPU ${(r.cpuMs / 1000).toFixed(1)} s (all threads), peak RSS ${Math.round(r.maxRssKB / 1024)} MB` +
        `${view ? `, wall x${(seconds / view).toFixed(2)} of bcftools view` : ''}; ${r.state}/${r.fileState}, ${r.samples} sample stored`,
    );
  }

  const cohortSamples = Number(process.env.BENCH_VCF_COHORT_SAMPLES ?? 35_000);
  const cohortDir = join(dir, `cohort-${cohortSamples}`);
  const cohort = join(cohortDir, 'cohort.vcf.gz');
  const sheet = join(cohortDir, 'samples.csv');
  if (!existsSync(cohort) || !existsSync(sheet)) {
    mkdirSync(cohortDir, { recursive: true });
    const writer = new VcfCohortWriter(20261122, 'bench');
    const alleles = new Uint8Array(PGX_SITES.length * 2);
    for (let i = 0; i < cohortSamples; i++) {
      // Varied genotypes at the PGx sites (allele 0 or 1 per strand), so gene calls differ between samples.
      for (let k = 0; k < alleles.length; k++) alleles[k] = (i * 7919 + k * 104729) % 23 === 0 ? 1 : 0;
      writer.add(`BENCH-BB${String(i + 1).padStart(7, '0')}`, `B${i + 1}`, alleles.slice());
    }
    await writer.write(cohort, sheet, 'urn:bench:mrn', null);
  }
  const r = runEngine(cohort, false, sheet);
  const seconds = r.elapsedMs / 1000;
  const view = spawnSync('bash', ['-o', 'pipefail', '-c', `time -p (bcftools view -H '${cohort}' | wc -l)`], { encoding: 'utf8' });
  const viewSeconds = view.status === 0 ? Number(/real ([\d.]+)/.exec(view.stderr)?.[1]) : Number.NaN;
  console.log(
    `  engine import, cohort ${cohortSamples} samples: ${seconds.toFixed(2)} s, ${Math.round(cohortSamples / seconds)} samples/s, ` +
      `CPU ${(r.cpuMs / 1000).toFixed(1)} s (all threads), peak RSS ${Math.round(r.maxRssKB / 1024)} MB` +
      `${Number.isNaN(viewSeconds) ? '' : ` (bcftools view ${viewSeconds.toFixed(2)} s)`}; ${r.state}/${r.fileState}, ${r.samples} samples stored`,
  );
}
