// The VCF import core: one streaming pass over the file computes per-sample summaries and PGx calls for
// the linked samples and, when asked, writes the de-identified BGZF copy. It returns plain data for the
// pipeline to store; nothing identifying (sample names, header text, paths, dates) is in the result.
import { detectGenomeBuild } from '../../ingest/vcf/detect-genome-build.ts';
import { scanVcf } from '../../ingest/vcf/read-vcf.ts';
import { VcfSampleStats } from '../../ingest/vcf/vcf-sample-stats.ts';
import { DeidentifiedVcfWriter } from '../../deid/vcf/deidentified-vcf-writer.ts';
import { linkSamples } from '../../deid/vcf/link-samples.ts';
import { scrubVcfHeader } from '../../deid/vcf/scrub-vcf-header.ts';
import { InvalidInputError } from '../../util/errors.ts';
import { createPgxCaller } from './pgx-caller.ts';
import { loadPgxResources } from './pgx-resources.ts';
import type { GenomeBuild } from '../../ingest/vcf/detect-genome-build.ts';
import type { VcfSampleSummary } from '../../ingest/vcf/vcf-sample-stats.ts';
import type { VcfHeader, VcfIssue } from '../../ingest/vcf/vcf-types.ts';
import type { LinkedSample, UnlinkedSample } from '../../deid/vcf/link-samples.ts';
import type { SampleSheet } from '../../deid/vcf/sample-sheet.ts';
import type { PseudonymKey } from '../../deid/pseudonym-key.ts';
import type { GeneCall } from './call-gene.ts';
import type { PgxCaller } from './pgx-caller.ts';
import type { PgxResources } from './pgx-resources.ts';

export interface ImportVcfOptions {
  readonly key: PseudonymKey;
  /** MRN system used when there is no sample sheet and the sample id is taken as the MRN. */
  readonly defaultMrnSystem: string;
  readonly sampleSheet?: SampleSheet | null;
  /** Where to write the de-identified BGZF copy; no copy when absent (the default). */
  readonly deidentifiedCopyPath?: string | null;
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: {
    readonly bytesRead: number;
    readonly records: number;
  }) => void;
  /** Malformed lines kept in the result (all are counted). Default 1000. */
  readonly maxIssues?: number;
  readonly resources?: PgxResources;
}

/** One linked sample's result. */
export interface SampleResult {
  readonly pseudonym: string;
  readonly summary: VcfSampleSummary;
  readonly pgx: readonly GeneCall[];
}

/**
 * The linked samples' results in column order, computed one at a time when read: a cohort VCF with tens
 * of thousands of sample columns never holds every sample's gene calls at once.
 */
export interface SampleResults extends Iterable<SampleResult> {
  readonly length: number;
  at(slot: number): SampleResult;
}

export interface ImportVcfResult {
  readonly fileformat: string;
  readonly genomeBuild: { readonly build: GenomeBuild; readonly evidence: string };
  readonly sampleColumns: number;
  readonly samples: SampleResults;
  /** Sample columns not imported, by column index, with a reason that never names the sample. */
  readonly unlinked: UnlinkedSample[];
  readonly records: number;
  readonly malformed: VcfIssue[];
  readonly malformedCount: number;
  readonly header: {
    readonly keptLines: number;
    readonly droppedLines: number;
    readonly droppedInfoFields: string[];
    readonly droppedFormatFields: string[];
  };
  readonly deidentifiedCopy: { readonly records: number } | null;
  readonly warnings: string[];
  readonly pgxSources: { readonly definitions: string; readonly phenotypes: string };
}

const UNSUPPORTED_BUILD_HELP =
  'Only GRCh38 is supported: the PGx allele definitions (CPIC/PharmCAT) use GRCh38 positions. ' +
  'Lift the file over to GRCh38 (for example with Picard LiftoverVcf or bcftools +liftover) and import it again.';

interface ImportState {
  header: VcfHeader;
  linked: LinkedSample[];
  unlinked: UnlinkedSample[];
  stats: VcfSampleStats;
  caller: PgxCaller;
  writer: DeidentifiedVcfWriter | null;
  scrubbed: ReturnType<typeof scrubVcfHeader>;
  build: { build: GenomeBuild; evidence: string };
}

async function startImport(
  header: VcfHeader,
  opts: ImportVcfOptions,
  resources: PgxResources,
): Promise<ImportState> {
  const detected = detectGenomeBuild(header);
  if (detected.build === 'GRCh37' || detected.build === 'NCBI36') {
    throw new InvalidInputError(
      `This VCF is aligned to ${detected.build} (${detected.evidence}). ${UNSUPPORTED_BUILD_HELP}`,
      'vcf-unsupported-build',
    );
  }
  if (detected.conflict) {
    throw new InvalidInputError(
      `The genome build of this VCF is unclear (${detected.evidence}). ${UNSUPPORTED_BUILD_HELP}`,
      'vcf-unsupported-build',
    );
  }
  const { linked, unlinked } = linkSamples(
    header.sampleIds,
    opts.sampleSheet ?? null,
    opts.key,
    opts.defaultMrnSystem,
  );
  const sampleIndices = linked.map((l) => l.sampleIndex);
  const scrubbed = scrubVcfHeader(header.meta.map((m) => `##${m.key}=${m.value}`));
  const writer = opts.deidentifiedCopyPath
    ? await DeidentifiedVcfWriter.create(opts.deidentifiedCopyPath, scrubbed, linked)
    : null;
  return {
    header,
    linked,
    unlinked,
    stats: new VcfSampleStats(sampleIndices),
    caller: createPgxCaller({ sampleIndices, header, resources }),
    writer,
    scrubbed,
    build: { build: detected.build, evidence: detected.evidence },
  };
}

/**
 * Imports a VCF in one streaming pass. Throws InvalidInputError for files that are not VCF or not GRCh38,
 * CancellationError when `signal` aborts; a partial de-identified copy is removed in both cases.
 */
export async function importVcfCore(
  path: string,
  opts: ImportVcfOptions,
): Promise<ImportVcfResult> {
  const resources = opts.resources ?? loadPgxResources();
  const maxIssues = opts.maxIssues ?? 1000;
  let bytesRead = 0;
  let records = 0;
  let malformedCount = 0;
  const malformed: VcfIssue[] = [];
  let state: ImportState | null = null;
  try {
    await scanVcf(
      path,
      {
        header: async (header) => {
          state = await startImport(header, opts, resources);
        },
        // The de-identified copy rewrites every line from its record.
        everyRecord: () => state!.writer !== null,
        needsRecord: (chrom, pos, end) => state!.caller.needsRecord(chrom, pos, end),
        site: (site) => {
          records += 1;
          state!.stats.add(site);
        },
        record: (record) => {
          records += 1;
          const s = state!;
          s.stats.add(record);
          s.caller.feed(record);
          s.writer?.write(record);
        },
        malformed: (issue) => {
          malformedCount += 1;
          if (malformed.length < maxIssues) malformed.push({ line: issue.line, reason: issue.reason });
        },
        batchDone: async () => {
          await state?.writer?.drainIfNeeded();
          opts.onProgress?.({ bytesRead, records });
        },
      },
      {
        signal: opts.signal,
        onBytes: (n) => {
          bytesRead += n;
        },
      },
    );
    const s = state!;
    await s.writer?.close();
    return buildResult(s, records, malformed, malformedCount, resources);
  } catch (error) {
    await (state as ImportState | null)?.writer?.abort();
    throw error;
  }
}

function lazySampleResults(s: ImportState): SampleResults {
  const at = (slot: number): SampleResult => {
    const linked = s.linked[slot];
    if (linked === undefined) throw new RangeError(`no linked sample in slot ${slot}`);
    return {
      pseudonym: linked.pseudonym,
      summary: s.stats.summary(slot),
      pgx: s.caller.resultFor(slot).genes,
    };
  };
  return {
    length: s.linked.length,
    at,
    *[Symbol.iterator]() {
      for (let slot = 0; slot < s.linked.length; slot++) yield at(slot);
    },
  };
}

function buildResult(
  s: ImportState,
  records: number,
  malformed: VcfIssue[],
  malformedCount: number,
  resources: PgxResources,
): ImportVcfResult {
  const warnings: string[] = [];
  if (s.build.build === 'unknown') {
    warnings.push(
      `The genome build could not be confirmed as GRCh38 (${s.build.evidence}); PGx calls assume GRCh38.`,
    );
  }
  if (s.header.sampleIds.length === 0)
    warnings.push('The VCF has no sample columns: nothing to import per patient.');
  return {
    fileformat: s.header.fileformat,
    genomeBuild: s.build,
    sampleColumns: s.header.sampleIds.length,
    samples: lazySampleResults(s),
    unlinked: s.unlinked,
    records,
    malformed,
    malformedCount,
    header: {
      keptLines: s.scrubbed.kept.length,
      droppedLines: s.scrubbed.dropped,
      droppedInfoFields: [...s.scrubbed.droppedInfo].sort(),
      droppedFormatFields: [...s.scrubbed.droppedFormat].sort(),
    },
    deidentifiedCopy: s.writer ? { records } : null,
    warnings,
    pgxSources: {
      definitions: `${resources.definitionSource.project} ${resources.definitionSource.describe} allele definitions`,
      phenotypes: `${resources.phenotypeSource.project} ${resources.phenotypeSource.describe} CPIC phenotypes`,
    },
  };
}
