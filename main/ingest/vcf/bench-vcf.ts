// VCF import benchmark (called by `npm run bench`): generates a bgzipped GRCh38 VCF with the PGx defining
// positions, runs the import core (summaries + PGx calls) in a child process so peak RSS is its own, and
// times `bcftools view -H | wc -l` and `bcftools query -f '%POS\n'` on the same file. The child also runs
// the same pipeline on @gmod/vcf-parsed records, which is how the tokenizer choice was made.
// A harness, not engine code: like a pipeline it composes ingest with features/pgx.
import { spawn, spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, statSync } from 'node:fs';
import { once } from 'node:events';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadPgxResources } from '../../features/pgx/pgx-resources.ts';
import { seededUniform } from '../../util/seeded-random.ts';

export interface BenchVcfOptions {
  readonly records: number;
  readonly samples: number;
  /** Parsers to run in the child: the production hand-written one and/or the @gmod/vcf variant. */
  readonly parsers?: readonly ('hand' | 'gmod')[];
  /** Each measurement is repeated and the best kept (default 3): the machine may be shared. */
  readonly repeats?: number;
}

export interface BenchRun {
  readonly parser: 'hand' | 'gmod';
  /** Best of the repeats. */
  readonly seconds: number;
  readonly cpuSeconds: number;
  readonly records: number;
  readonly recordsPerSecond: number;
  readonly peakRssMb: number;
}

export interface BenchVcfResult {
  readonly file: string;
  readonly records: number;
  readonly samples: number;
  readonly fileMb: number;
  readonly bcftoolsView: Timing | null;
  readonly bcftoolsQuery: Timing | null;
  readonly runs: BenchRun[];
}

// GRCh38 primary assembly lengths (GRC assembly report GCF_000001405.40).
const GRCH38: readonly [string, number][] = [
  ['chr1', 248956422],
  ['chr2', 242193529],
  ['chr3', 198295559],
  ['chr4', 190214555],
  ['chr5', 181538259],
  ['chr6', 170805979],
  ['chr7', 159345973],
  ['chr8', 145138636],
  ['chr9', 138394717],
  ['chr10', 133797422],
  ['chr11', 135086622],
  ['chr12', 133275309],
  ['chr13', 114364328],
  ['chr14', 107043718],
  ['chr15', 101991189],
  ['chr16', 90338345],
  ['chr17', 83257441],
  ['chr18', 80373285],
  ['chr19', 58617616],
  ['chr20', 64444167],
  ['chr21', 46709983],
  ['chr22', 50818468],
  ['chrX', 156040895],
  ['chrY', 57227415],
];
const GENOME = GRCH38.reduce((n, [, len]) => n + len, 0);
const BASES = 'ACGT';


function genotype(rand: () => number, altCount: number): string {
  const r = rand();
  if (r < 0.01) return './.';
  if (r < 0.55) return rand() < 0.5 ? '0/1' : '0|1';
  if (r < 0.85) return '1/1';
  return altCount > 1 ? '1/2' : '0/0';
}

function sampleColumn(rand: () => number, altCount: number): string {
  const gt = genotype(rand, altCount);
  const dp = 10 + Math.floor(rand() * 40);
  const ref = gt.startsWith('0') ? Math.floor(dp / 2) : 0;
  return `${gt}:${ref},${dp - ref}:${dp}:${20 + Math.floor(rand() * 79)}`;
}

/** A random SNV (85%), insertion, deletion or multi-allelic record with realistic FORMAT columns. */
function randomRecord(rand: () => number, chrom: string, pos: number, samples: number): string {
  const r = rand();
  const ref = BASES[Math.floor(rand() * 4)]!;
  let alt = BASES[(BASES.indexOf(ref) + 1 + Math.floor(rand() * 3)) % 4]!;
  let refAllele = ref;
  if (r < 0.06) alt = `${ref}${BASES[Math.floor(rand() * 4)]}${BASES[Math.floor(rand() * 4)]}`;
  else if (r < 0.12) refAllele = `${ref}${BASES[Math.floor(rand() * 4)]}`;
  else if (r < 0.15) alt = `${alt},${[...BASES].find((b) => b !== ref && b !== alt)!}`;
  if (refAllele.length > 1) alt = ref;
  const cols = Array.from({ length: samples }, () => sampleColumn(rand, alt.split(',').length));
  const id = rand() < 0.3 ? `rs${Math.floor(rand() * 1e9)}` : '.';
  const qual = (rand() * 100).toFixed(1);
  const info = `AC=1;AN=${2 * samples};DP=${30 * samples}`;
  return `${chrom}\t${pos}\t${id}\t${refAllele}\t${alt}\t${qual}\tPASS\t${info}\tGT:AD:DP:GQ\t${cols.join('\t')}\n`;
}

/** Genotypes at PGx positions: mostly reference, as in real samples (a few variant alleles per gene). */
function pgxColumn(rand: () => number): string {
  const r = rand();
  const gt = r < 0.9 ? '0/0' : r < 0.98 ? '0/1' : '1/1';
  return `${gt}:15,15:30:99`;
}

/** Writes the benchmark VCF through `bgzip` (BGZF, as sequencing pipelines deliver it). */
export async function generateBenchVcf(
  file: string,
  records: number,
  samples: number,
): Promise<void> {
  const rand = seededUniform(20240611 + samples);
  const pgx = new Map<string, Map<number, { ref: string; alt: string }>>();
  for (const definition of loadPgxResources().definitions.values()) {
    const byPos = pgx.get(definition.chromosome) ?? new Map<number, { ref: string; alt: string }>();
    for (const p of definition.positions) byPos.set(p.pos, { ref: p.ref, alt: p.alts[0] ?? 'N' });
    pgx.set(definition.chromosome, byPos);
  }
  const bgzip = spawn('bgzip', ['-c', '-@', '2'], { stdio: ['pipe', 'pipe', 'inherit'] });
  const out = createWriteStream(file);
  bgzip.stdout.pipe(out);
  const sampleNames = Array.from(
    { length: samples },
    (_, i) => `BENCH${String(i + 1).padStart(4, '0')}`,
  );
  const header = [
    '##fileformat=VCFv4.2',
    ...GRCH38.map(([c, len]) => `##contig=<ID=${c},length=${len},assembly=GRCh38>`),
    '##INFO=<ID=AC,Number=A,Type=Integer,Description="Allele count in genotypes">',
    '##INFO=<ID=AN,Number=1,Type=Integer,Description="Total number of alleles in called genotypes">',
    '##INFO=<ID=DP,Number=1,Type=Integer,Description="Combined depth">',
    '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">',
    '##FORMAT=<ID=AD,Number=R,Type=Integer,Description="Allelic depths">',
    '##FORMAT=<ID=DP,Number=1,Type=Integer,Description="Read depth">',
    '##FORMAT=<ID=GQ,Number=1,Type=Integer,Description="Genotype quality">',
    `#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\t${sampleNames.join('\t')}`,
  ];
  let buffer = `${header.join('\n')}\n`;
  const flush = async () => {
    if (!bgzip.stdin.write(buffer)) await once(bgzip.stdin, 'drain');
    buffer = '';
  };
  const pgxLine = (chrom: string, p: number, ref: string, alt: string) => {
    const cols = Array.from({ length: samples }, () => pgxColumn(rand));
    return `${chrom}\t${p}\t.\t${ref}\t${alt}\t50\tPASS\tAN=${2 * samples}\tGT:AD:DP:GQ\t${cols.join('\t')}\n`;
  };
  for (const [chrom, length] of GRCH38) {
    const pgxHere = [...(pgx.get(chrom)?.entries() ?? [])].sort((a, b) => a[0] - b[0]);
    // ceil per chromosome, and a mean gap that ends before the chromosome does: at least `records` in total
    const target = Math.ceil((records * length) / GENOME);
    const gap = (0.95 * length) / target;
    let pos = 1;
    let k = 0;
    for (let i = 0; i < target; i++) {
      pos += 1 + Math.floor(rand() * 2 * gap);
      if (pos >= length) break;
      while (k < pgxHere.length && pgxHere[k]![0] <= pos) {
        const [p, { ref, alt }] = pgxHere[k++]!;
        if (p === pos) pos += 1;
        buffer += pgxLine(chrom, p, ref, alt);
      }
      buffer += randomRecord(rand, chrom, pos, samples);
      if (buffer.length > 1 << 20) await flush();
    }
    for (; k < pgxHere.length; k++)
      buffer += pgxLine(chrom, pgxHere[k]![0], pgxHere[k]![1].ref, pgxHere[k]![1].alt);
  }
  await flush();
  bgzip.stdin.end();
  await Promise.all([once(bgzip, 'close'), once(out, 'close')]);
}

/** Wall and CPU seconds of a measurement; CPU time stays meaningful on a loaded, shared machine. */
export interface Timing {
  readonly wall: number;
  readonly cpu: number;
}

/** Runs a shell pipeline; CPU time comes from bash's `times` (user + system of the children). */
function timeShell(command: string): Timing | null {
  const start = process.hrtime.bigint();
  const result = spawnSync('bash', ['-o', 'pipefail', '-c', `${command} > /dev/null && times`], {
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const wall = Number(process.hrtime.bigint() - start) / 1e9;
  if (result.status !== 0) return null;
  const lines = result.stdout.toString().trim().split('\n');
  const seconds = (lines[lines.length - 1] ?? '').match(/(\d+)m([\d.]+)s/g) ?? [];
  const cpu = seconds.reduce((sum, t) => {
    const m = /(\d+)m([\d.]+)s/.exec(t)!;
    return sum + Number(m[1]) * 60 + Number(m[2]);
  }, 0);
  return { wall, cpu };
}

function best(timings: (Timing | null)[]): Timing | null {
  const ok = timings.filter((t): t is Timing => t !== null);
  if (ok.length === 0) return null;
  return { wall: Math.min(...ok.map((t) => t.wall)), cpu: Math.min(...ok.map((t) => t.cpu)) };
}

async function runChild(file: string, parser: 'hand' | 'gmod'): Promise<BenchRun> {
  const child = fileURLToPath(new URL('./bench-vcf-child.ts', import.meta.url));
  const proc = spawn(process.execPath, ['--import', 'tsx', child, file, parser], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let text = '';
  proc.stdout.on('data', (d: Buffer) => {
    text += d.toString();
  });
  const [code] = (await once(proc, 'close')) as [number];
  if (code !== 0) throw new Error(`benchmark child failed (${parser}, exit ${code})`);
  const report = JSON.parse(text.trim().split('\n').pop()!) as {
    seconds: number;
    cpuSeconds: number;
    records: number;
    maxRssKb: number;
  };
  return {
    parser,
    seconds: report.seconds,
    cpuSeconds: report.cpuSeconds,
    records: report.records,
    recordsPerSecond: Math.round(report.records / report.seconds),
    peakRssMb: Math.round(report.maxRssKb / 1024),
  };
}

/** Generates (or reuses) the benchmark file and measures the importer against bcftools. */
export async function benchVcf(workDir: string, opts: BenchVcfOptions): Promise<BenchVcfResult> {
  mkdirSync(workDir, { recursive: true });
  const file = join(workDir, `bench-${opts.records}x${opts.samples}.vcf.gz`);
  if (!existsSync(file)) await generateBenchVcf(file, opts.records, opts.samples);
  const hasBcftools = spawnSync('bcftools', ['--version'], { stdio: 'ignore' }).status === 0;
  const repeats = opts.repeats ?? 3;
  const times = (command: string) =>
    best(Array.from({ length: repeats }, () => timeShell(command)));
  const view = hasBcftools ? times(`bcftools view -H '${file}' | wc -l`) : null;
  const query = hasBcftools ? times(`bcftools query -f '%POS\\n' '${file}'`) : null;
  const runs: BenchRun[] = [];
  for (const parser of opts.parsers ?? ['hand', 'gmod']) {
    const attempts: BenchRun[] = [];
    for (let i = 0; i < repeats; i++) attempts.push(await runChild(file, parser));
    runs.push({
      ...attempts.reduce((a, b) => (b.seconds < a.seconds ? b : a)),
      cpuSeconds: Math.min(...attempts.map((a) => a.cpuSeconds)),
      peakRssMb: Math.max(...attempts.map((a) => a.peakRssMb)),
    });
  }
  const result: BenchVcfResult = {
    file,
    records: opts.records,
    samples: opts.samples,
    fileMb: Math.round(statSync(file).size / 1e5) / 10,
    bcftoolsView: view,
    bcftoolsQuery: query,
    runs,
  };
  printBench(result);
  return result;
}

function printBench(r: BenchVcfResult): void {
  const f = (n: number | null | undefined, d = 2) =>
    n === null || n === undefined ? 'n/a' : n.toFixed(d);
  const ratio = (a: number, b: number | undefined) => (b ? f(a / b) : 'n/a');
  console.log(
    `VCF import benchmark: ${r.records} records x ${r.samples} samples, ${r.fileMb} MB BGZF (best of repeats)`,
  );
  console.log(
    `  bcftools view -H | wc -l : ${f(r.bcftoolsView?.wall)} s wall, ${f(r.bcftoolsView?.cpu)} s CPU`,
  );
  console.log(
    `  bcftools query -f %POS   : ${f(r.bcftoolsQuery?.wall)} s wall, ${f(r.bcftoolsQuery?.cpu)} s CPU`,
  );
  for (const run of r.runs) {
    console.log(
      `  import core (${run.parser.padEnd(4)})       : ${f(run.seconds)} s wall, ${f(run.cpuSeconds)} s CPU, ` +
        `${run.recordsPerSecond} records/s, peak RSS ${run.peakRssMb} MB; ` +
        `wall x${ratio(run.seconds, r.bcftoolsView?.wall)} of view, x${ratio(run.seconds, r.bcftoolsQuery?.wall)} of query; ` +
        `CPU x${ratio(run.cpuSeconds, r.bcftoolsView?.cpu)} of view, x${ratio(run.cpuSeconds, r.bcftoolsQuery?.cpu)} of query`,
    );
  }
}
