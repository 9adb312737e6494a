// "Load sample data" on first run: generates one small synthetic institution (main/demo) in a
// worker thread, into a temporary folder outside the data folder, imports its FHIR, DICOM and VCF
// as one normal import job (progress events, cancel, audit), and removes the folder when the job
// ends. The raw synthetic exports carry fake names and MRNs, so they never enter the data folder.
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { isAbsolute, join, relative, resolve } from 'node:path';
import type { Worker } from 'node:worker_threads';
import type { ApiError, ImportJobState } from '../api/contract.ts';
import { siteProfileFor, type GenerationReport } from '../demo/index.ts';
import { CancellationError, EngineSetupError, InvalidInputError } from '../util/errors.ts';
import { startWorker } from '../util/worker-entry.ts';

export const DEFAULT_SAMPLE_PATIENTS = 1000;

export interface SampleDataWorkerRequest {
  outDir: string;
  institution: string;
  patients: number;
  seed: string;
}
export type SampleDataWorkerCommand = { type: 'cancel' };
export type SampleDataWorkerMessage = { type: 'done'; report: GenerationReport } | { type: 'failed'; error: ApiError };

/** What the sample data import needs of the engine. */
export interface SampleDataImportDeps {
  dataDir: string;
  institutionId: string;
  /** True when the store holds patients that did not come from sample data. */
  holdsRealPatients(): boolean;
  /** Marks the store as synthetic and audits the load; called once generation has succeeded. */
  recordLoad(details: { patients: number; seed: string }): void;
  /** Starts the import job; `dicomIssuers` maps Issuer of Patient ID → MRN system for this job only. */
  startImport(paths: string[], linkage: { sampleSheet: string | null; dicomIssuers: Record<string, string> }): string;
  waitForImport(jobId: string): Promise<ImportJobState>;
  /** Parent of the temporary folder; default the OS temp dir. */
  tempRoot?: string;
}

/** The generator's folder name for our institution (it allows 1–32 of a-z, 0-9, "-", "_"). */
export function sampleInstitutionName(institutionId: string): string {
  return institutionId.slice(0, 32);
}

function isInside(parent: string, child: string): boolean {
  const rel = relative(resolve(parent), resolve(child));
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

function errorFrom(error: ApiError): Error {
  if (error.code === 'cancelled') return new CancellationError();
  if (error.name === 'InvalidInputError') return new InvalidInputError(error.message, error.code);
  return new Error(error.message);
}

export class SampleDataImport {
  private closed = false;
  private busy = false;
  private readonly workers = new Set<Worker>();
  /** Loads in progress and folder removals still to happen; close() waits for them. */
  private readonly pending = new Set<Promise<unknown>>();

  constructor(private readonly deps: SampleDataImportDeps) {}

  /** Generates `patients` synthetic patients and starts their import; resolves with the job. */
  load(patients: number): Promise<{ jobId: string; patients: number }> {
    if (this.closed) return Promise.reject(new CancellationError());
    if (this.busy) return Promise.reject(new InvalidInputError('Sample data is already being loaded.', 'sample-data-busy'));
    if (this.deps.holdsRealPatients()) {
      return Promise.reject(
        new InvalidInputError(
          'Sample data can only be loaded into an empty store: this one already holds imported patients, and synthetic patients must not mix with them.',
          'store-not-empty',
        ),
      );
    }
    this.busy = true;
    const loading = this.generateAndStart(patients);
    this.track(loading);
    return loading;
  }

  /** Stops a generation in progress and waits until every temporary folder is removed. */
  async close(): Promise<void> {
    this.closed = true;
    for (const worker of this.workers) worker.postMessage({ type: 'cancel' } satisfies SampleDataWorkerCommand);
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }

  private track(promise: Promise<unknown>): void {
    const settled = promise.then(
      () => undefined,
      () => undefined,
    );
    this.pending.add(settled);
    void settled.then(() => this.pending.delete(settled));
  }

  private async generateAndStart(patients: number): Promise<{ jobId: string; patients: number }> {
    let folder: string | null = null;
    try {
      const root = resolve(this.deps.tempRoot ?? tmpdir());
      if (isInside(this.deps.dataDir, root)) {
        throw new EngineSetupError('The temporary folder for sample data must be outside the data folder.', 'sample-in-data-folder');
      }
      folder = await mkdtemp(join(root, 'dataspace-sample-'));
      const institution = sampleInstitutionName(this.deps.institutionId);
      const seed = `sample-data:${this.deps.institutionId}`;
      const report = await this.generate({ outDir: folder, institution, patients, seed });
      if (this.closed) throw new CancellationError();
      const generated = report.institutions[0]!;
      const fhirDir = join(folder, generated.paths.fhir);
      // The NDJSON parts only: manifest.json lists them and is not a resource.
      const ndjson = (await readdir(fhirDir)).filter((name) => name.endsWith('.ndjson')).sort();
      const paths = [
        ...ndjson.map((name) => join(fhirDir, name)),
        join(folder, generated.paths.dicom),
        ...(generated.paths.vcf ? [join(folder, generated.paths.vcf)] : []),
      ];
      const site = siteProfileFor(institution, seed);
      this.deps.recordLoad({ patients, seed });
      const jobId = this.deps.startImport(paths, {
        sampleSheet: generated.paths.sampleSheet ? join(folder, generated.paths.sampleSheet) : null,
        dicomIssuers: { [site.issuerOfPatientId]: site.mrnSystem },
      });
      const started = folder;
      folder = null;
      this.track(
        this.deps
          .waitForImport(jobId)
          .catch(() => undefined)
          .then(() => rm(started, { recursive: true, force: true }))
          .finally(() => {
            this.busy = false;
          }),
      );
      return { jobId, patients };
    } catch (error) {
      this.busy = false;
      if (folder) await rm(folder, { recursive: true, force: true });
      throw error;
    }
  }

  private generate(request: SampleDataWorkerRequest): Promise<GenerationReport> {
    const worker = startWorker('sample-data-worker', import.meta.url, { workerData: request });
    this.workers.add(worker);
    return new Promise<GenerationReport>((resolveReport, reject) => {
      let settled = false;
      const settle = (outcome: () => void) => {
        if (settled) return;
        settled = true;
        this.workers.delete(worker);
        outcome();
      };
      worker.on('message', (message: SampleDataWorkerMessage) =>
        settle(() => (message.type === 'done' ? resolveReport(message.report) : reject(errorFrom(message.error)))),
      );
      worker.on('error', (error) => settle(() => reject(error)));
      worker.on('exit', (code) => settle(() => reject(new Error(`The sample data generator stopped unexpectedly (exit code ${code}).`))));
    });
  }
}
