// The streaming VCF reader: header once, then batches of records and malformed-line reports.
import { InvalidInputError } from '../../util/errors.ts';
import { VcfHeaderBuilder } from './vcf-header-parser.ts';
import { MAX_LINE_BYTES, rawBatchLines, readVcfRawLines } from './vcf-line-stream.ts';
import { VcfSiteScanner } from './vcf-site-scanner.ts';
import type { VcfSite } from './vcf-site-scanner.ts';
import { parseVcfRecord } from './vcf-record-parser.ts';
import type { VcfLineStreamOptions } from './vcf-line-stream.ts';
import type { VcfRecordContext } from './vcf-record-parser.ts';
import type { VcfEvent, VcfHeader, VcfIssue, VcfRecord } from './vcf-types.ts';

export type ReadVcfOptions = VcfLineStreamOptions;

// VCF 4.0 to 4.5 share the column layout and GT syntax; 4.1-4.4 is the supported range, and the
// neighbours are read the same way rather than refused over a version string.
const FILEFORMAT = /^##fileformat=VCFv4\.[0-5]$/;

function rejectFirstLine(text: string): never {
  if (text.startsWith('##fileformat=VCFv')) {
    throw new InvalidInputError(
      'This VCF version is not supported (VCF 4.0 to 4.5 are).',
      'vcf-unsupported-version',
    );
  }
  if (text.startsWith('#CHROM')) {
    throw new InvalidInputError(
      'This is not a complete VCF file: it has no ##fileformat line (VCF 4.x, section 1.4.1).',
      'vcf-not-vcf',
    );
  }
  throw new InvalidInputError(
    'This is not a VCF file: it does not start with ##fileformat=VCFv4.x.',
    'vcf-not-vcf',
  );
}

/** Reads the header lines, then parses data lines; shared by `readVcf` and `scanVcf`. */
class VcfLineReader {
  private builder: VcfHeaderBuilder | null = null;
  header: VcfHeader | null = null;
  ctx: VcfRecordContext | null = null;
  private sawFirstLine = false;

  /** One line of text: the header once it is complete, a record, a malformed-line report, or nothing. */
  line(text: string, lineNo: number): VcfEvent | null {
    if (!this.sawFirstLine) {
      this.sawFirstLine = true;
      const first = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
      if (!FILEFORMAT.test(first.trimEnd())) rejectFirstLine(first);
      this.builder = new VcfHeaderBuilder(first.trimEnd().slice('##fileformat='.length));
      this.builder.addMetaLine(first.trimEnd(), lineNo);
      return null;
    }
    if (this.ctx === null) return this.headerLine(text, lineNo);
    if (text === '') return null;
    if (text.charCodeAt(0) === 35) {
      return { kind: 'malformed', line: lineNo, reason: 'header line after the first data line' };
    }
    const parsed = parseVcfRecord(text, lineNo, this.ctx);
    return typeof parsed === 'string' ? { kind: 'malformed', line: lineNo, reason: parsed } : parsed;
  }

  overlong(lineNo: number): VcfEvent {
    return { kind: 'malformed', line: lineNo, reason: `line is longer than ${MAX_LINE_BYTES} bytes` };
  }

  /** Throws when the file ended before a complete header. */
  finish(): void {
    if (!this.sawFirstLine) throw new InvalidInputError('The file is empty.', 'vcf-empty');
    if (this.header === null) {
      throw new InvalidInputError('The VCF header has no #CHROM column line.', 'vcf-bad-header');
    }
  }

  private headerLine(text: string, lineNo: number): VcfEvent | null {
    const b = this.builder!;
    if (text.startsWith('##')) {
      const reason = b.addMetaLine(text, lineNo);
      return reason === null ? null : { kind: 'malformed', line: lineNo, reason };
    }
    if (text.startsWith('#')) {
      const finished = b.finish(text, lineNo);
      if (typeof finished === 'string') {
        throw new InvalidInputError(
          `The VCF header is not valid: ${finished} (line ${lineNo}).`,
          'vcf-bad-header',
        );
      }
      this.header = finished;
      this.ctx = { sampleCount: finished.sampleIds.length, hasFormatColumn: finished.hasFormatColumn };
      return { kind: 'header', header: finished };
    }
    if (text === '') return null;
    throw new InvalidInputError(
      `The VCF header has no #CHROM column line before the first data line (line ${lineNo}).`,
      'vcf-bad-header',
    );
  }
}

/**
 * Reads a VCF (plain, gzip or BGZF) as a stream. The first batch starts with the header event; every later
 * event is a record or a malformed line (line number and reason), which is skipped. A file that is not
 * VCF throws InvalidInputError before any record is yielded.
 */
export async function* readVcf(
  path: string,
  opts: ReadVcfOptions = {},
): AsyncGenerator<VcfEvent[]> {
  const reader = new VcfLineReader();
  for await (const batch of readVcfRawLines(path, opts)) {
    const events: VcfEvent[] = [];
    const lines = rawBatchLines(batch);
    let lineNo = batch.firstLine - 1;
    for (const text of lines) {
      const event = reader.line(text, ++lineNo);
      if (event !== null) events.push(event);
    }
    if (batch.overlong) events.push(reader.overlong(lineNo + 1));
    if (events.length > 0) yield events;
  }
  reader.finish();
}

/** What `scanVcf` calls, in file order. */
export interface VcfVisitor {
  header(header: VcfHeader): void | Promise<void>;
  /** A data line read in full by the tokenizer. */
  record(record: VcfRecord): void;
  /**
   * A data line the byte scanner read (REF, ALT and GT only), offered only when `needsRecord` said no.
   * The object is reused for the next line.
   */
  site(site: VcfSite): void;
  /** Whether a line at CHROM:POS..END must be read in full (for `record`) rather than as a site. */
  needsRecord(chrom: string, pos: number, end: number): boolean;
  /** Asked once, after `header`: true when every line must be read in full (no sites at all). */
  everyRecord?(): boolean;
  malformed(issue: VcfIssue): void;
  /** After each batch of lines (about 64 KiB of text): flush, report progress. */
  batchDone?(): void | Promise<void>;
}

/**
 * Reads a VCF like `readVcf` and hands each line to `visitor`. Data lines of the common shape are read
 * from their bytes by `VcfSiteScanner` and offered as sites unless the visitor needs the full record;
 * every other line takes the tokenizer's path, so reports and records are those `readVcf` gives.
 */
export async function scanVcf(path: string, visitor: VcfVisitor, opts: ReadVcfOptions = {}): Promise<void> {
  const reader = new VcfLineReader();
  let scanner: VcfSiteScanner | null = null;
  // Records and reports are handed over synchronously: an await per line cost ~0.7 s on 2M lines.
  const deliver = (event: VcfEvent): Promise<void> | undefined => {
    if (event.kind === 'record') visitor.record(event);
    else if (event.kind === 'malformed') visitor.malformed(event);
    else return startScanning(event.header);
    return undefined;
  };
  const startScanning = async (header: VcfHeader) => {
    await visitor.header(header);
    if (visitor.everyRecord?.() !== true) scanner = new VcfSiteScanner(reader.ctx!);
  };
  for await (const batch of readVcfRawLines(path, opts)) {
    const { bytes, starts, ends } = batch;
    // Lines the scanner declines are decoded with the rest of their batch, once.
    let lines: string[] | null = null;
    let lineNo = batch.firstLine - 1;
    for (let i = 0; i < batch.count; i++) {
      lineNo += 1;
      const s = scanner as VcfSiteScanner | null;
      if (s !== null && s.scan(bytes, starts[i]!, ends[i]!)) {
        const site = s.current;
        if (!visitor.needsRecord(site.chrom, site.pos, site.end)) {
          visitor.site(site);
          continue;
        }
      }
      lines ??= rawBatchLines(batch);
      const event = reader.line(lines[i]!, lineNo);
      if (event !== null) {
        const started = deliver(event);
        if (started) await started;
      }
    }
    if (batch.overlong) deliver(reader.overlong(lineNo + 1));
    await visitor.batchDone?.();
  }
  reader.finish();
}
