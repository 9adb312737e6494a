// Writes the optional de-identified VCF copy as BGZF: the scrubbed header, a #CHROM line whose sample
// columns are patient pseudonyms, and records reduced to linked samples and allowed fields.
import { BgzfWriter } from './bgzf-writer.ts';
import { VcfFieldPolicy, deidentifiedRecordLine } from './deidentify-vcf-record.ts';
import type { LinkedSample } from './link-samples.ts';
import type { ScrubbedVcfHeader } from './scrub-vcf-header.ts';
import type { VcfRecord } from '../../ingest/vcf/vcf-types.ts';

/** Streams records into a de-identified BGZF VCF; `close` commits the file, `abort` removes it. */
export class DeidentifiedVcfWriter {
  private readonly policy: VcfFieldPolicy;
  private readonly sampleIndices: number[];

  private constructor(
    private readonly out: BgzfWriter,
    scrubbed: ScrubbedVcfHeader,
    linked: readonly LinkedSample[],
  ) {
    this.policy = new VcfFieldPolicy(scrubbed);
    this.sampleIndices = linked.map((l) => l.sampleIndex);
  }

  /** Creates the file and writes the header. With no linked samples the copy is sites-only. */
  static async create(
    path: string,
    scrubbed: ScrubbedVcfHeader,
    linked: readonly LinkedSample[],
  ): Promise<DeidentifiedVcfWriter> {
    const out = await BgzfWriter.create(path);
    const columns = ['#CHROM', 'POS', 'ID', 'REF', 'ALT', 'QUAL', 'FILTER', 'INFO'];
    if (linked.length > 0) columns.push('FORMAT', ...linked.map((l) => l.pseudonym));
    out.write(`${[...scrubbed.kept, columns.join('\t')].join('\n')}\n`);
    return new DeidentifiedVcfWriter(out, scrubbed, linked);
  }

  /** Adds one record; call `drainIfNeeded` between batches to bound memory. */
  write(record: VcfRecord): void {
    this.out.write(`${deidentifiedRecordLine(record, this.policy, this.sampleIndices)}\n`);
  }

  async drainIfNeeded(): Promise<void> {
    if (this.out.needsDrain) await this.out.drain();
  }

  close(): Promise<void> {
    return this.out.close();
  }

  abort(): Promise<void> {
    return this.out.abort();
  }
}
