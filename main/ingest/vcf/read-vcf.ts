// The streaming VCF reader: header once, then batches of records and malformed-line reports.
import { InvalidInputError } from '../../util/errors.ts';
import { VcfHeaderBuilder } from './vcf-header-parser.ts';
import { readVcfLines, MAX_LINE_BYTES } from './vcf-line-stream.ts';
import { parseVcfRecord } from './vcf-record-parser.ts';
import type { VcfLineStreamOptions } from './vcf-line-stream.ts';
import type { VcfRecordContext } from './vcf-record-parser.ts';
import type { VcfEvent, VcfHeader } from './vcf-types.ts';

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

/**
 * Reads a VCF (plain, gzip or BGZF) as a stream. The first batch starts with the header event; every later
 * event is a record or a malformed line (line number and reason), which is skipped. A file that is not
 * VCF throws InvalidInputError before any record is yielded.
 */
export async function* readVcf(
  path: string,
  opts: ReadVcfOptions = {},
): AsyncGenerator<VcfEvent[]> {
  let builder: VcfHeaderBuilder | null = null;
  let header: VcfHeader | null = null;
  let ctx: VcfRecordContext | null = null;
  let sawFirstLine = false;

  for await (const batch of readVcfLines(path, opts)) {
    const events: VcfEvent[] = [];
    let lineNo = batch.firstLine - 1;
    for (const text of batch.lines) {
      lineNo += 1;
      if (text === null) {
        events.push({
          kind: 'malformed',
          line: lineNo,
          reason: `line is longer than ${MAX_LINE_BYTES} bytes`,
        });
        continue;
      }
      if (!sawFirstLine) {
        sawFirstLine = true;
        const first = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
        if (!FILEFORMAT.test(first.trimEnd())) rejectFirstLine(first);
        builder = new VcfHeaderBuilder(first.trimEnd().slice('##fileformat='.length));
        builder.addMetaLine(first.trimEnd(), lineNo);
        continue;
      }
      if (ctx === null) {
        const b = builder!;
        if (text.startsWith('##')) {
          const reason = b.addMetaLine(text, lineNo);
          if (reason !== null) events.push({ kind: 'malformed', line: lineNo, reason });
          continue;
        }
        if (text.startsWith('#')) {
          const finished = b.finish(text, lineNo);
          if (typeof finished === 'string') {
            throw new InvalidInputError(
              `The VCF header is not valid: ${finished} (line ${lineNo}).`,
              'vcf-bad-header',
            );
          }
          header = finished;
          ctx = { sampleCount: header.sampleIds.length, hasFormatColumn: header.hasFormatColumn };
          events.push({ kind: 'header', header });
          continue;
        }
        if (text === '') continue;
        throw new InvalidInputError(
          `The VCF header has no #CHROM column line before the first data line (line ${lineNo}).`,
          'vcf-bad-header',
        );
      }
      if (text === '') continue;
      if (text.charCodeAt(0) === 35) {
        events.push({
          kind: 'malformed',
          line: lineNo,
          reason: 'header line after the first data line',
        });
        continue;
      }
      const parsed = parseVcfRecord(text, lineNo, ctx);
      if (typeof parsed === 'string')
        events.push({ kind: 'malformed', line: lineNo, reason: parsed });
      else events.push(parsed);
    }
    if (events.length > 0) yield events;
  }
  if (!sawFirstLine) throw new InvalidInputError('The file is empty.', 'vcf-empty');
  if (header === null) {
    throw new InvalidInputError('The VCF header has no #CHROM column line.', 'vcf-bad-header');
  }
}
