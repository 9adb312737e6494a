// `dataspace demo generate|auroc`: the synthetic consortium (main/demo) on the command line. Needs
// no data folder and no passphrase: it writes export files and reads ground truth, nothing else.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { DEFAULT_INSTITUTIONS, generateConsortium, trueMechanismAuroc, type GenerationReport } from '../demo/index.ts';
import { CancellationError, InvalidInputError, toApiError } from '../util/errors.ts';
import type { CliIo } from './cli.ts';

export const DEMO_USAGE = `Usage:
  dataspace demo generate [--out DIR] [--institutions dkfz,ukhd,embl] [--patients N] [--seed S] [--json]
      writes <DIR>/<institution>/{fhir,dicom,vcf,ground-truth}; defaults: ./demo-data, dkfz,ukhd,embl, 1000, 1
  dataspace demo auroc DIR... [--json]
      AUROC of the true mechanism over the ground truth (output folders, institution folders or truth.csv files)`;

/** Options of `dataspace demo`, as parsed by cli.ts. */
export interface DemoCommandOptions {
  out?: string;
  institutions?: string;
  patients?: string;
  seed?: string;
  json: boolean;
}

const DEFAULT_PATIENTS = 1000;

function patientCount(value: string | undefined): number {
  if (value === undefined) return DEFAULT_PATIENTS;
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n)) throw new InvalidInputError('--patients must be a whole number.', 'invalid-option');
  return n;
}

const percent = (x: number) => `${(100 * x).toFixed(1)}%`;

function formatReport(report: GenerationReport): string {
  const lines = [
    `Generated ${report.institutions.length} institution(s) × ${report.institutions[0]?.patients ?? 0} patients (seed ${report.seed}, today ${report.today}) in ${report.outDir}`,
    `  ${(report.elapsedMs / 1000).toFixed(1)} s, ${Math.round(report.patientsPerSecond)} patients/s, peak RSS ${(report.peakRssBytes / 1e6).toFixed(0)} MB`,
  ];
  for (const r of report.institutions) {
    lines.push(
      `  ${r.institution}: ${r.patients} patients, ${r.indexAdmissions} index admissions, ${percent(r.prevalence)} readmitted within 30 days ` +
        `(mean true risk ${percent(r.meanTrueProbability)}), ${r.dicomFiles} DICOM files in ${r.dicomStudies} studies, ${r.vcfSamples} VCF samples`,
    );
  }
  const byReason = new Map<string, number>();
  for (const d of report.defects) byReason.set(d.reason, (byReason.get(d.reason) ?? 0) + 1);
  lines.push(
    `Deliberate defects: ${report.defects.length} (${[...byReason].map(([reason, n]) => `${reason} ${n}`).join(', ')}); each is listed with --json`,
    `Totals: ${report.totals.patients} patients, ${report.totals.indexAdmissions} index admissions, ${percent(report.totals.prevalence)} readmitted`,
    `Ground truth: <institution>/ground-truth/truth.csv (never import it); true-mechanism AUROC: dataspace demo auroc ${report.outDir}`,
  );
  return lines.join('\n');
}

async function generate(options: DemoCommandOptions, io: CliIo): Promise<number> {
  const outDir = resolve(options.out ?? 'demo-data');
  const institutions = options.institutions === undefined ? [...DEFAULT_INSTITUTIONS] : options.institutions.split(',').map((s) => s.trim()).filter((s) => s !== '');
  const patients = patientCount(options.patients);
  const interactive = !options.json && process.stderr.isTTY;
  const controller = new AbortController();
  const onSignal = () => controller.abort();
  process.once('SIGINT', onSignal);
  // Institutions whose folder the generator has opened (it refuses non-empty ones first).
  const opened = new Set<string>();
  try {
    const report = await generateConsortium({
      outDir, institutions, patients, seed: options.seed ?? '1', signal: controller.signal,
      onProgress: (p) => {
        opened.add(p.institution);
        if (interactive) process.stderr.write(`\r${p.institution}: ${p.patientsDone}/${p.patientsTotal} patients   `);
      },
    });
    if (interactive) process.stderr.write('\n');
    io.out(options.json ? JSON.stringify({ report }) : formatReport(report));
    return 0;
  } catch (error) {
    if (!(error instanceof CancellationError)) throw error;
    if (interactive) process.stderr.write('\n');
    // Cancellation is only noticed between patients of an opened institution, so every folder
    // in `opened` was empty or absent before this run: removing it loses nothing of the user's.
    await Promise.all([...opened].map((name) => rm(join(outDir, name), { recursive: true, force: true })));
    if (options.json) io.out(JSON.stringify({ error: { name: 'CancellationError', code: 'cancelled', message: 'Cancelled' } }));
    io.err(`Cancelled; removed the partial output of ${[...opened].join(', ') || 'no institution'}.`);
    return 130;
  } finally {
    process.removeListener('SIGINT', onSignal);
  }
}

/** The ground-truth CSVs a path stands for: a truth.csv, an institution folder or an output folder. */
function truthFilesOf(path: string): string[] {
  const full = resolve(path);
  if (!existsSync(full)) throw new InvalidInputError(`${path} does not exist.`, 'input-not-found', path);
  if (statSync(full).isFile()) return [full];
  const own = join(full, 'ground-truth', 'truth.csv');
  if (existsSync(own)) return [own];
  const found = readdirSync(full)
    .sort()
    .map((name) => join(full, name, 'ground-truth', 'truth.csv'))
    .filter((file) => existsSync(file));
  if (found.length === 0) throw new InvalidInputError(`${path} holds no <institution>/ground-truth/truth.csv.`, 'no-ground-truth', path);
  return found;
}

function auroc(paths: string[], json: boolean, io: CliIo): number {
  if (paths.length === 0) throw new InvalidInputError('demo auroc needs at least one folder or truth.csv.', 'no-input');
  const files = paths.flatMap(truthFilesOf);
  const pooled = trueMechanismAuroc(files);
  const perFile = files.map((file) => ({ file, auroc: trueMechanismAuroc([file]) }));
  if (json) io.out(JSON.stringify({ auroc: pooled, truthFiles: perFile }));
  else {
    io.out(`True-mechanism AUROC: ${pooled.toFixed(4)} over ${files.length} ground-truth file(s)`);
    for (const f of perFile) io.out(`  ${f.auroc.toFixed(4)}  ${f.file}`);
  }
  return 0;
}

/** Runs `dataspace demo <sub> ...`; returns the exit code. */
export async function runDemoCommand(args: string[], options: DemoCommandOptions, io: CliIo): Promise<number> {
  const [sub, ...rest] = args;
  try {
    if (sub === 'generate' && rest.length === 0) return await generate(options, io);
    if (sub === 'auroc') return auroc(rest, options.json, io);
  } catch (error) {
    const apiError = toApiError(error);
    if (options.json) io.out(JSON.stringify({ error: apiError }));
    io.err(`dataspace demo ${sub}: ${apiError.message}`);
    if (!(error instanceof InvalidInputError) && error instanceof Error) io.err(error.stack ?? '');
    return 1;
  }
  io.err(DEMO_USAGE);
  return 2;
}
