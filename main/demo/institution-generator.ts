// Generates one institution's folder: fhir/ (bulk export), dicom/, vcf/ and ground-truth/.
// Patients are simulated one at a time and streamed out; per patient only the VCF's PGx
// allele bytes are kept until the end (see vcf-cohort-writer.ts).
import { createWriteStream } from 'node:fs';
import { mkdir, readFile, readdir, truncate, writeFile } from 'node:fs/promises';
import { once } from 'node:events';
import { join, relative, sep } from 'node:path';
import { LineDefectScheduler } from './deliberate-defects.ts';
import type { DeliberateDefect } from './deliberate-defects.ts';
import { BoundedFileWrites } from './bounded-file-writes.ts';
import { encodeDicomStudy } from './dicom-study-writer.ts';
import { EXPORT_RESOURCE_TYPES, organizationResource, patientFhirResources } from './fhir-resources.ts';
import { truthHeader, truthRow } from './ground-truth.ts';
import { NdjsonExportWriter, bulkExportManifest } from './ndjson-export-writer.ts';
import { simulatePatient } from './patient-timeline.ts';
import type { PatientSimulationContext } from './patient-timeline.ts';
import { pgxSiteAlleles } from './pgx-genotype.ts';
import { SeededRandom } from './seeded-random.ts';
import type { SiteProfile } from './site-profile.ts';
import { VcfCohortWriter } from './vcf-cohort-writer.ts';
import { CancellationError, InvalidInputError } from '../util/errors.ts';

/** The export's fixed transaction time: the morning of the fixed "today", 2025-06-30. */
export const TRANSACTION_TIME = '2025-06-30T04:00:00Z';
const DUPLICATED_CONDITION_LINES = 200;

/** Counts and paths of one generated institution. */
export interface InstitutionReport {
  institution: string;
  profile: Pick<SiteProfile, 'displayName' | 'diagnosisCoding' | 'mrnSystem' | 'siteEffect' | 'sodiumMeasured' | 'hemoglobinUnit' | 'creatinineUnit' | 'imagingShare' | 'meanAge'>;
  patients: number;
  /** Valid, distinct resources per type (malformed and repeated lines excluded). */
  resources: Record<string, number>;
  /** Every NDJSON line per type, malformed and repeated ones included. */
  ndjsonLines: Record<string, number>;
  indexAdmissions: number;
  readmissions: number;
  prevalence: number;
  meanTrueProbability: number;
  deceasedPatients: number;
  dicomStudies: number;
  dicomFiles: number;
  vcfSamples: number;
  vcfSites: number;
  paths: { fhir: string; manifest: string; dicom: string; vcf: string | null; sampleSheet: string | null; truth: string };
  defects: DeliberateDefect[];
}

export interface InstitutionRun {
  outDir: string;
  site: SiteProfile;
  patients: number;
  seed: number | string;
  maxLinesPerFile: number;
  signal?: AbortSignal;
  onPatient: (done: number) => void;
}

function mrnPermutation(seed: number | string, site: SiteProfile) {
  const rng = SeededRandom.derive(seed, site.institution, 'mrn-permutation');
  const modulus = 10n ** BigInt(site.mrnDigits);
  let multiplier = BigInt(rng.int(1, 2 ** 30)) * 2n + 1n;
  if (multiplier % 5n === 0n) multiplier += 2n;
  return { multiplier: multiplier % modulus, offset: BigInt(rng.int(0, 2 ** 30)) % modulus };
}

async function ensureEmpty(dir: string): Promise<void> {
  const entries = await readdir(dir).catch((e: NodeJS.ErrnoException) => (e.code === 'ENOENT' ? [] : Promise.reject(e)));
  if (entries.length > 0) {
    throw new InvalidInputError(`${dir} already exists and is not empty; choose an empty output folder.`, 'output-not-empty', dir);
  }
}

async function write(stream: NodeJS.WritableStream, text: string): Promise<void> {
  if (!stream.write(text)) await once(stream, 'drain');
}

function endStream(stream: NodeJS.WritableStream): Promise<void> {
  return new Promise((resolve, reject) => {
    stream.once('error', reject);
    stream.end(() => resolve());
  });
}

const increment = (table: Record<string, number>, key: string, by = 1) => {
  table[key] = (table[key] ?? 0) + by;
};

/** The open output of one institution while its patients stream through. */
class InstitutionExport {
  private readonly base: string;
  private readonly dirs: { fhir: string; dicom: string; vcf: string; truth: string };
  private readonly ctx: PatientSimulationContext;
  private readonly organizationId: string;
  private readonly ndjson: NdjsonExportWriter;
  private readonly defectRng: SeededRandom;
  private readonly scheduler: LineDefectScheduler;
  private readonly truth: NodeJS.WritableStream;
  private readonly vcf: VcfCohortWriter;
  private readonly dicomWrites = new BoundedFileWrites();
  /** Which DICOM file gets truncated: the k-th written (or the last, if fewer are written). */
  private readonly truncateAt: number;
  private truncateTarget: string | null = null;
  private lastDicomFile: string | null = null;
  private readonly conditionCopies: string[] = [];
  private readonly defects: DeliberateDefect[] = [];
  private readonly resources: Record<string, number> = {};
  private readonly ndjsonLines: Record<string, number> = {};
  private readonly counts = { indexAdmissions: 0, readmissions: 0, probabilitySum: 0, deceased: 0, dicomStudies: 0, dicomFiles: 0 };

  constructor(private readonly run: InstitutionRun) {
    const { site, seed, outDir } = run;
    this.base = join(outDir, site.institution);
    this.dirs = { fhir: join(this.base, 'fhir'), dicom: join(this.base, 'dicom'), vcf: join(this.base, 'vcf'), truth: join(this.base, 'ground-truth') };
    this.ctx = { seed, site, mrnPermutation: mrnPermutation(seed, site) };
    this.organizationId = SeededRandom.derive(seed, site.institution, 'organization').uuid();
    this.ndjson = new NdjsonExportWriter(this.dirs.fhir, run.maxLinesPerFile);
    this.defectRng = SeededRandom.derive(seed, site.institution, 'defects');
    this.scheduler = new LineDefectScheduler(this.defectRng);
    this.truncateAt = this.defectRng.int(1, 10);
    this.vcf = new VcfCohortWriter(seed, site.institution);
    this.truth = createWriteStream(join(this.dirs.truth, 'truth.csv'));
  }

  static async open(run: InstitutionRun): Promise<InstitutionExport> {
    const base = join(run.outDir, run.site.institution);
    await ensureEmpty(base);
    for (const dir of ['fhir', 'dicom', 'vcf', 'ground-truth']) await mkdir(join(base, dir), { recursive: true });
    const out = new InstitutionExport(run);
    await write(out.truth, truthHeader());
    out.ndjson.append('Organization', JSON.stringify(organizationResource(run.site, out.organizationId)));
    increment(out.resources, 'Organization');
    increment(out.ndjsonLines, 'Organization');
    return out;
  }

  private rel(path: string): string {
    return relative(this.run.outDir, path).split(sep).join('/');
  }

  /** Simulates patient `i` and streams every file it contributes to. */
  async addPatient(i: number): Promise<void> {
    const { site, seed } = this.run;
    const patient = simulatePatient(this.ctx, i);
    const serializationRng = SeededRandom.derive(seed, site.institution, 'fhir', i);
    for (const resource of patientFhirResources(site, patient, this.organizationId, serializationRng)) {
      const line = JSON.stringify(resource);
      this.ndjson.append(resource.resourceType, line);
      increment(this.resources, resource.resourceType);
      increment(this.ndjsonLines, resource.resourceType);
      if (resource.resourceType === 'Condition' && this.conditionCopies.length < DUPLICATED_CONDITION_LINES) this.conditionCopies.push(line);
      const defect = this.scheduler.next(resource);
      if (!defect) continue;
      const at = this.ndjson.append(resource.resourceType, defect.line);
      increment(this.ndjsonLines, resource.resourceType);
      this.defects.push({
        institution: site.institution, file: this.rel(join(this.dirs.fhir, at.fileName)), position: `line ${at.line}`, line: at.line,
        reason: defect.reason, detail: defect.detail, resourceType: resource.resourceType, resourceId: defect.id,
      });
    }
    for (const index of patient.indexAdmissions) {
      this.counts.indexAdmissions++;
      this.counts.readmissions += index.outcome;
      this.counts.probabilitySum += index.probability;
      await write(this.truth, truthRow(site, patient, index));
    }
    if (patient.identity.deceasedMinute !== null) this.counts.deceased++;
    if (patient.genotyped) {
      const sampleId = `${site.institution.toUpperCase()}-BB${String(this.vcf.size + 1).padStart(7, '0')}`;
      this.vcf.add(sampleId, patient.identity.mrn, pgxSiteAlleles(patient.diplotypes));
    }
    const dicomRng = SeededRandom.derive(seed, site.institution, 'dicom', i);
    for (const study of patient.imaging) {
      this.counts.dicomStudies++;
      for (const file of encodeDicomStudy('dicom', site, patient, study, dicomRng)) {
        this.counts.dicomFiles++;
        this.lastDicomFile = file.path;
        if (this.counts.dicomFiles === this.truncateAt) this.truncateTarget = file.path;
        await this.dicomWrites.write(join(this.base, file.path), file.bytes);
      }
    }
    await this.ndjson.drain();
  }

  /** Closes what is open so no handle leaks; the partial folder is left for the caller. */
  async abort(): Promise<void> {
    await endStream(this.truth);
    await this.dicomWrites.flush();
    await this.ndjson.finish(EXPORT_RESOURCE_TYPES);
  }

  /** Writes the repeated part, the manifest, the defects in DICOM and VCF; returns the report. */
  async finish(): Promise<InstitutionReport> {
    const { site } = this.run;
    if (this.conditionCopies.length > 0) {
      const name = this.ndjson.nextPartName('Condition');
      await this.ndjson.writeExtraFile('Condition', name, this.conditionCopies);
      increment(this.ndjsonLines, 'Condition', this.conditionCopies.length);
      this.defects.push({
        institution: site.institution, file: this.rel(join(this.dirs.fhir, name)), position: `lines 1-${this.conditionCopies.length}`,
        reason: 'duplicate-resource', detail: `repeats the first ${this.conditionCopies.length} lines of Condition.000.ndjson (same ids, same content)`,
        resourceType: 'Condition',
      });
    }
    const files = await this.ndjson.finish(EXPORT_RESOURCE_TYPES);
    const manifestPath = join(this.dirs.fhir, 'manifest.json');
    await writeFile(manifestPath, `${JSON.stringify(bulkExportManifest(site.host, TRANSACTION_TIME, files, EXPORT_RESOURCE_TYPES), null, 2)}\n`);
    await endStream(this.truth);
    await this.dicomWrites.flush();
    await this.truncateOneDicomFile();
    const vcf = await this.writeVcf();
    const c = this.counts;
    return {
      institution: site.institution,
      profile: {
        displayName: site.displayName, diagnosisCoding: site.diagnosisCoding, mrnSystem: site.mrnSystem, siteEffect: site.siteEffect,
        sodiumMeasured: site.sodiumMeasured, hemoglobinUnit: site.hemoglobinUnit, creatinineUnit: site.creatinineUnit,
        imagingShare: site.imagingShare, meanAge: site.meanAge,
      },
      patients: this.run.patients,
      resources: this.resources,
      ndjsonLines: this.ndjsonLines,
      indexAdmissions: c.indexAdmissions,
      readmissions: c.readmissions,
      prevalence: c.indexAdmissions > 0 ? c.readmissions / c.indexAdmissions : 0,
      meanTrueProbability: c.indexAdmissions > 0 ? c.probabilitySum / c.indexAdmissions : 0,
      deceasedPatients: c.deceased,
      dicomStudies: c.dicomStudies,
      dicomFiles: c.dicomFiles,
      vcfSamples: vcf.samples,
      vcfSites: vcf.sites,
      paths: {
        fhir: this.rel(this.dirs.fhir), manifest: this.rel(manifestPath), dicom: this.rel(this.dirs.dicom),
        vcf: vcf.path, sampleSheet: vcf.sheet, truth: this.rel(join(this.dirs.truth, 'truth.csv')),
      },
      defects: this.defects,
    };
  }

  private async truncateOneDicomFile(): Promise<void> {
    const target = this.truncateTarget ?? this.lastDicomFile;
    if (!target) return;
    const full = join(this.base, target);
    const bytes = await readFile(full);
    // Cut inside the Pixel Data element header (7FE0,0010), as an interrupted transfer leaves
    // it: every reader must fail there, whereas a cut inside the pixel values some tolerate.
    const pixelTag = bytes.indexOf(Buffer.from([0xe0, 0x7f, 0x10, 0x00]));
    const kept = pixelTag > 0 ? pixelTag + 6 : Math.floor(bytes.length / 2);
    await truncate(full, kept);
    this.defects.push({
      institution: this.run.site.institution, file: this.rel(full), position: `byte ${kept}`, reason: 'truncated',
      detail: `DICOM file cut to ${kept} of ${bytes.length} bytes, inside the Pixel Data element header`,
    });
  }

  private async writeVcf(): Promise<{ samples: number; sites: number; path: string | null; sheet: string | null }> {
    if (this.vcf.size === 0) return { samples: 0, sites: 0, path: null, sheet: null };
    const vcfPath = join(this.dirs.vcf, 'cohort.vcf.gz');
    const sheetPath = join(this.dirs.vcf, 'samples.csv');
    const result = await this.vcf.write(vcfPath, sheetPath, this.run.site.mrnSystem, this.defectRng.int(20, 200));
    if (result.malformedLine !== null) {
      this.defects.push({
        institution: this.run.site.institution, file: this.rel(vcfPath), position: `line ${result.malformedLine}`, line: result.malformedLine,
        reason: 'column-count', detail: `data line has ${8 + result.samples} columns, the header ${9 + result.samples}`,
      });
    }
    return { samples: result.samples, sites: result.sites, path: this.rel(vcfPath), sheet: this.rel(sheetPath) };
  }
}

export async function generateInstitution(run: InstitutionRun): Promise<InstitutionReport> {
  const out = await InstitutionExport.open(run);
  for (let i = 0; i < run.patients; i++) {
    if (run.signal?.aborted) {
      await out.abort();
      throw new CancellationError();
    }
    await out.addPatient(i);
    run.onPatient(i + 1);
  }
  return out.finish();
}
