// Entry point of the synthetic consortium: generates every institution in turn, reports
// progress, and returns counts, deliberate defects, timing and memory. Same seed, same bytes.
import { mkdir } from 'node:fs/promises';
import type { DeliberateDefect } from './deliberate-defects.ts';
import { generateInstitution } from './institution-generator.ts';
import type { InstitutionReport } from './institution-generator.ts';
import { DEFAULT_INSTITUTIONS, isValidInstitutionName, siteProfileFor } from './site-profile.ts';
import { InvalidInputError } from '../util/errors.ts';

/** Options of generateConsortium. */
export interface GenerateConsortiumOptions {
  outDir: string;
  /** Folder names of the institutions; empty means the defaults dkfz, ukhd, embl. */
  institutions: string[];
  /** Patients per institution. */
  patients: number;
  seed: number | string;
  signal?: AbortSignal;
  onProgress?: (p: { institution: string; patientsDone: number; patientsTotal: number }) => void;
  /** Lines per NDJSON file before rolling over to the next part (default 100,000). */
  maxResourcesPerFile?: number;
}

/** What was generated: per-institution counts, the deliberate defects, time and memory. */
export interface GenerationReport {
  seed: string;
  /** The fixed "today" of the data. */
  today: string;
  outDir: string;
  institutions: InstitutionReport[];
  defects: DeliberateDefect[];
  totals: { patients: number; indexAdmissions: number; readmissions: number; prevalence: number };
  elapsedMs: number;
  patientsPerSecond: number;
  /** Highest resident set size sampled during generation. */
  peakRssBytes: number;
  /** The process's lifetime peak RSS as the OS reports it (getrusage ru_maxrss). */
  processMaxRssBytes: number;
}

const PROGRESS_EVERY = 100;

export async function generateConsortium(options: GenerateConsortiumOptions): Promise<GenerationReport> {
  const institutions = options.institutions.length > 0 ? options.institutions : [...DEFAULT_INSTITUTIONS];
  for (const name of institutions) {
    if (!isValidInstitutionName(name)) {
      throw new InvalidInputError(`Institution "${name}" must be 1-32 characters of a-z, 0-9, "-" or "_", starting with a letter or digit.`, 'invalid-institution');
    }
  }
  if (new Set(institutions).size !== institutions.length) throw new InvalidInputError('Institution names must be unique.', 'duplicate-institution');
  if (!Number.isInteger(options.patients) || options.patients < 0) {
    throw new InvalidInputError('patients must be a non-negative integer.', 'invalid-patient-count');
  }
  const maxLinesPerFile = options.maxResourcesPerFile ?? 100_000;
  if (!Number.isInteger(maxLinesPerFile) || maxLinesPerFile < 1) throw new InvalidInputError('maxResourcesPerFile must be a positive integer.', 'invalid-part-size');

  const started = performance.now();
  let peakRss = process.memoryUsage.rss();
  await mkdir(options.outDir, { recursive: true });
  const reports: InstitutionReport[] = [];
  for (const institution of institutions) {
    const site = siteProfileFor(institution, options.seed);
    options.onProgress?.({ institution, patientsDone: 0, patientsTotal: options.patients });
    reports.push(await generateInstitution({
      outDir: options.outDir, site, patients: options.patients, seed: options.seed, maxLinesPerFile, signal: options.signal,
      onPatient: (done) => {
        if (done % PROGRESS_EVERY !== 0 && done !== options.patients) return;
        peakRss = Math.max(peakRss, process.memoryUsage.rss());
        options.onProgress?.({ institution, patientsDone: done, patientsTotal: options.patients });
      },
    }));
  }
  peakRss = Math.max(peakRss, process.memoryUsage.rss());
  const elapsedMs = performance.now() - started;
  const indexAdmissions = reports.reduce((n, r) => n + r.indexAdmissions, 0);
  const readmissions = reports.reduce((n, r) => n + r.readmissions, 0);
  const patients = options.patients * institutions.length;
  return {
    seed: String(options.seed),
    today: '2025-06-30',
    outDir: options.outDir,
    institutions: reports,
    defects: reports.flatMap((r) => r.defects),
    totals: { patients, indexAdmissions, readmissions, prevalence: indexAdmissions > 0 ? readmissions / indexAdmissions : 0 },
    elapsedMs,
    patientsPerSecond: elapsedMs > 0 ? patients / (elapsedMs / 1000) : 0,
    peakRssBytes: peakRss,
    processMaxRssBytes: process.resourceUsage().maxRSS * 1024,
  };
}
