// Imports VCF files into the store on the import worker thread: the VCF core (features/pgx) streams the
// file once for per-sample summaries, PGx calls and the optional de-identified copy; this module links
// the results to the store through the ImportSink. Nothing identifying crosses: samples are known by a
// keyed id of (content hash, column), patients by the pseudonym FHIR and DICOM derive from the same MRN.
import { createHash, randomUUID } from 'node:crypto';
import { mkdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { ImportIssue } from '../api/contract.ts';
import { opaqueKey, type PseudonymKey } from '../deid/pseudonym-key.ts';
import { parseSampleSheet, type SampleSheet } from '../deid/vcf/sample-sheet.ts';
import { importVcfCore, type ImportVcfResult, type SampleResult } from '../features/pgx/import-vcf-core.ts';
import type { InputFile } from '../ingest/input-files.ts';
import { PgxGenotypeEncoder, type StoredGenomicSample } from '../store/genomics-writer.ts';
import { CancellationError, InvalidInputError } from '../util/errors.ts';
import { sha256OfFile } from '../util/file-sha256.ts';
import type { FileTally } from './import-progress.ts';
import type { ImportSink } from './store-sink.ts';

/** What a job needs to import VCF files (sent to the worker with the run request). */
export interface VcfRunOptions {
  /** Path of the sample sheet CSV, or null: the sample id is then the MRN in `defaultMrnSystem`. */
  sampleSheet: string | null;
  writeDeidentifiedCopy: boolean;
  defaultMrnSystem: string;
  /** False while `vcf.default-mrn-system` is unset (the import says so when it relied on it). */
  defaultMrnSystemConfigured: boolean;
  /** `<dataDir>/genomics`, where de-identified copies go. */
  genomicsDir: string;
}

export interface VcfImportServices {
  sink: ImportSink;
  key: PseudonymKey;
  options: VcfRunOptions;
  report(issue: ImportIssue): void;
  signal: AbortSignal;
  /** Called when a file starts and ends, to push progress to the UI at once. */
  onStateChange(): void;
}

/** Linked samples per batch to the writer thread: each carries ten gene calls with their genotypes. */
const SAMPLES_PER_BATCH = 200;
/** A sample sheet is a small CSV; anything this large is a wrong file. */
const MAX_SAMPLE_SHEET_BYTES = 64 * 1024 * 1024;

function toStoredSample(
  key: PseudonymKey,
  contentSha256: string,
  sampleIndex: number,
  sample: SampleResult,
  build: 'GRCh38' | 'unknown',
  copy: string | null,
  encoder: PgxGenotypeEncoder,
): StoredGenomicSample {
  const s = sample.summary;
  return {
    sampleKey: opaqueKey(key, 'genomic-sample', `${contentSha256}|${sampleIndex}`),
    pseudonym: sample.pseudonym,
    sampleIndex,
    genomeBuild: build,
    records: s.records,
    called: s.called,
    snvs: s.snvs,
    indels: s.indels,
    otherVariants: s.otherVariants,
    multiAllelic: s.multiAllelicSites,
    het: s.het,
    homAlt: s.homAlt,
    homRef: s.homRef,
    tiTv: s.tiTv,
    hetHomRatio: s.hetHomRatio,
    callRate: s.callRate,
    deidentifiedCopy: copy,
    pgx: sample.pgx.map((g) => ({
      gene: g.gene,
      status: g.status,
      diplotype: g.diplotype,
      candidates: [...g.candidates],
      phenotype: g.phenotype,
      activityScore: g.activityScore,
      ...encoder.encode(g.gene, g.genotypes),
      missingPositions: g.missingPositions,
    })),
  };
}

export class VcfImporter {
  private sheet: Promise<{ sheet: SampleSheet | null; sha256: string }> | null = null;

  constructor(private readonly s: VcfImportServices) {}

  /** The sample sheet, read once per job. Errors name rows, never values (parseSampleSheet). */
  private sampleSheet(): Promise<{ sheet: SampleSheet | null; sha256: string }> {
    this.sheet ??= (async () => {
      const path = this.s.options.sampleSheet;
      if (path === null) return { sheet: null, sha256: '' };
      let text: Buffer;
      try {
        if ((await stat(path)).size > MAX_SAMPLE_SHEET_BYTES) {
          throw new InvalidInputError('The sample sheet is too large for a CSV of sample ids and MRNs.', 'sample-sheet-invalid');
        }
        text = await readFile(path);
      } catch (error) {
        if (error instanceof InvalidInputError) throw error;
        const code = (error as NodeJS.ErrnoException).code ?? 'I/O error';
        throw new InvalidInputError(`The sample sheet cannot be read (${code}).`, 'sample-sheet-unreadable');
      }
      return { sheet: parseSampleSheet(text.toString('utf8')), sha256: createHash('sha256').update(text).digest('hex') };
    })();
    return this.sheet;
  }

  /** Imports one VCF; failures of this file are reported on its tally, cancellation propagates. */
  async importFile(file: InputFile, tally: FileTally): Promise<void> {
    tally.kind = 'vcf';
    try {
      await this.importChecked(file, tally);
    } catch (error) {
      if (error instanceof CancellationError || this.s.signal.aborted) throw error instanceof CancellationError ? error : new CancellationError();
      tally.state = 'failed';
      tally.message = error instanceof InvalidInputError ? error.message : 'the file could not be read';
      this.s.report({ file: file.path, position: 'file', reason: tally.message, severity: 'rejected' });
    }
    this.s.onStateChange();
  }

  private async importChecked(file: InputFile, tally: FileTally): Promise<void> {
    const { sheet, sha256: sheetSha } = await this.sampleSheet();
    const opts = this.s.options;
    // The linkage and the copy are part of what was imported: the same file with another sample sheet
    // (or now with a copy) is imported again; rows that are already there stay unchanged.
    const fingerprint = opaqueKey(
      this.s.key,
      'source-file',
      `${file.path}|${file.bytes}|${file.mtimeMs}|vcf|${sheet ? sheetSha : opts.defaultMrnSystem}|${opts.writeDeidentifiedCopy ? 'copy' : ''}`,
    );
    if (this.s.sink.isFileCompleted(fingerprint)) {
      tally.state = 'skipped';
      tally.bytesRead = file.bytes;
      tally.message = 'already imported (unchanged since)';
      return;
    }
    this.s.sink.beginFile({ fingerprint, kind: 'vcf', bytes: file.bytes });
    tally.state = 'running';
    this.s.onStateChange();

    let incoming: string | null = null;
    if (opts.writeDeidentifiedCopy) {
      await mkdir(opts.genomicsDir, { recursive: true, mode: 0o700 });
      incoming = join(opts.genomicsDir, `.incoming-${randomUUID()}.vcf.gz`);
    }
    // Both passes read the file at once; settle both before cleaning up, so a cancelled core has
    // removed its partial copy by the time this file is reported.
    const [hashed, imported] = await Promise.allSettled([
      sha256OfFile(file.path, this.s.signal),
      importVcfCore(file.path, {
        key: this.s.key,
        defaultMrnSystem: opts.defaultMrnSystem,
        sampleSheet: sheet,
        deidentifiedCopyPath: incoming,
        signal: this.s.signal,
        onProgress: (p) => (tally.bytesRead = p.bytesRead),
      }),
    ]);
    if (hashed.status === 'rejected' || imported.status === 'rejected') {
      if (incoming) await rm(incoming, { force: true });
      const error: unknown = imported.status === 'rejected' ? imported.reason : (hashed as PromiseRejectedResult).reason;
      if (this.s.signal.aborted || (error as Error).name === 'AbortError') throw new CancellationError();
      throw error;
    }
    const contentSha256 = hashed.value;
    const result: ImportVcfResult = imported.value;
    const copy = incoming ? await this.commitCopy(incoming) : null;
    await this.store(file, tally, result, contentSha256, copy);
    this.s.sink.completeFile(fingerprint, contentSha256, tally);
    await this.s.sink.endBatch();
    tally.state = 'done';
    tally.bytesRead = file.bytes;
  }

  /** Names the copy after the sha256 of its bytes, atomically (rename within the folder). */
  private async commitCopy(incoming: string): Promise<string> {
    const sha = await sha256OfFile(incoming, this.s.signal);
    await rename(incoming, join(this.s.options.genomicsDir, `${sha}.vcf.gz`));
    return sha;
  }

  private async store(file: InputFile, tally: FileTally, result: ImportVcfResult, contentSha256: string, copy: string | null): Promise<void> {
    for (const issue of result.malformed) {
      this.s.report({ file: file.path, position: `line ${issue.line}`, reason: issue.reason, severity: 'rejected' });
    }
    tally.rejected += result.malformedCount;
    for (const u of result.unlinked) {
      // Columns are numbered from 1 as a user counts them; the reason never names the sample.
      this.s.report({ file: file.path, position: `sample ${u.sampleIndex + 1}`, reason: `not imported: ${u.reason}`, severity: 'skipped' });
    }
    if (result.unlinked.length > 0) {
      tally.skipped += result.unlinked.length;
      tally.skippedByType['VCF sample'] = (tally.skippedByType['VCF sample'] ?? 0) + result.unlinked.length;
    }

    const build = result.genomeBuild.build === 'GRCh38' ? 'GRCh38' : 'unknown';
    const columns = this.linkedColumns(result);
    const encoder = new PgxGenotypeEncoder();
    for (let i = 0; i < result.samples.length; i++) {
      this.s.sink.upsertGenomicSample(tally.index, toStoredSample(this.s.key, contentSha256, columns[i]!, result.samples.at(i), build, copy, encoder));
      tally.accepted++;
      if ((i + 1) % SAMPLES_PER_BATCH === 0) await this.s.sink.endBatch();
    }
    const notes = [...result.warnings];
    if (result.samples.length > 0 && this.s.options.sampleSheet === null && !this.s.options.defaultMrnSystemConfigured) {
      notes.push(
        `samples were linked as MRNs in the placeholder system ${this.s.options.defaultMrnSystem}; ` +
          'set vcf.default-mrn-system (dataspace config set) or give a sample sheet so they link to FHIR patients',
      );
    }
    if (copy) notes.push(`de-identified copy: genomics/${copy}.vcf.gz`);
    if (notes.length > 0) tally.message = notes.join('; ');
  }

  /** Sample column of each linked result, in the core's order (linked samples in column order). */
  private linkedColumns(result: ImportVcfResult): number[] {
    const unlinked = new Set(result.unlinked.map((u) => u.sampleIndex));
    const columns: number[] = [];
    for (let c = 0; c < result.sampleColumns; c++) if (!unlinked.has(c)) columns.push(c);
    return columns;
  }
}
