// Header parsing (VCFv4.3 section 1.4): `##key=value` meta lines, `<ID=..>` structured values and the
// `#CHROM` column line. Errors name lines and columns, never header values (they may identify people).
import type { VcfContig, VcfFieldDefinition, VcfHeader, VcfMetaLine } from './vcf-types.ts';

const FIXED_COLUMNS = ['#CHROM', 'POS', 'ID', 'REF', 'ALT', 'QUAL', 'FILTER', 'INFO'];

/**
 * Splits a structured value `<ID=DP,Number=1,Description="a, \"b\"">` into its fields.
 * Returns null when the text is not a well-formed structured value.
 */
export function parseStructuredValue(value: string): Map<string, string> | null {
  if (!value.startsWith('<') || !value.endsWith('>')) return null;
  const fields = new Map<string, string>();
  const body = value.slice(1, -1);
  let i = 0;
  while (i < body.length) {
    const eq = body.indexOf('=', i);
    if (eq < 0) return null;
    const key = body.slice(i, eq).trim();
    if (key === '') return null;
    let j = eq + 1;
    let text = '';
    if (body[j] === '"') {
      j += 1;
      let closed = false;
      while (j < body.length) {
        const c = body[j]!;
        if (c === '\\' && j + 1 < body.length) {
          text += body[j + 1];
          j += 2;
        } else if (c === '"') {
          closed = true;
          j += 1;
          break;
        } else {
          text += c;
          j += 1;
        }
      }
      if (!closed) return null;
      while (j < body.length && body[j] !== ',') j += 1;
    } else if (body[j] === '[') {
      // VCF 4.3 ##META lines list values in brackets: Values=[a, b]
      const close = body.indexOf(']', j);
      if (close < 0) return null;
      text = body.slice(j, close + 1);
      j = close + 1;
      while (j < body.length && body[j] !== ',') j += 1;
    } else {
      const comma = body.indexOf(',', j);
      const stop = comma < 0 ? body.length : comma;
      text = body.slice(j, stop);
      j = stop;
    }
    fields.set(key, text);
    i = j + 1;
  }
  return fields;
}

/** Parses one `##` line; returns a reason string when it is not `##key=value`. */
export function parseMetaLine(text: string, line: number): VcfMetaLine | string {
  const eq = text.indexOf('=');
  if (!text.startsWith('##') || eq < 3) return 'meta-information line is not ##key=value';
  const key = text.slice(2, eq);
  const value = text.slice(eq + 1).trimEnd();
  const fields = value.startsWith('<') ? parseStructuredValue(value) : null;
  if (value.startsWith('<') && fields === null)
    return `structured ##${safeKey(key)} line is not well formed`;
  return { line, key, value, fields };
}

// Keys of the VCF specification; any other key is not echoed (a custom key could carry a name).
const SPEC_KEYS = new Set([
  'INFO',
  'FORMAT',
  'FILTER',
  'ALT',
  'contig',
  'SAMPLE',
  'PEDIGREE',
  'META',
  'assembly',
]);

function safeKey(key: string): string {
  return SPEC_KEYS.has(key) ? key : '(meta)';
}

/** Accumulates header lines until the column line completes the header. */
export class VcfHeaderBuilder {
  private readonly meta: VcfMetaLine[] = [];
  private readonly info = new Map<string, VcfFieldDefinition>();
  private readonly format = new Map<string, VcfFieldDefinition>();
  private readonly contigs = new Map<string, VcfContig>();

  constructor(readonly fileformat: string) {}

  /** Adds a `##` line; returns a reason when the line is malformed (it is then skipped). */
  addMetaLine(text: string, line: number): string | null {
    const parsed = parseMetaLine(text, line);
    if (typeof parsed === 'string') return parsed;
    this.meta.push(parsed);
    const fields = parsed.fields;
    if (fields === null) return null;
    const id = fields.get('ID');
    if (parsed.key === 'INFO' || parsed.key === 'FORMAT') {
      if (id === undefined || id === '') return `##${parsed.key} definition has no ID`;
      const definition: VcfFieldDefinition = {
        id,
        number: fields.get('Number') ?? '.',
        type: fields.get('Type') ?? 'String',
        description: fields.get('Description') ?? '',
      };
      (parsed.key === 'INFO' ? this.info : this.format).set(id, definition);
    } else if (parsed.key === 'contig') {
      if (id === undefined || id === '') return '##contig definition has no ID';
      const lengthText = fields.get('length');
      const length =
        lengthText !== undefined && /^\d+$/.test(lengthText) ? Number(lengthText) : null;
      this.contigs.set(id, { id, length, assembly: fields.get('assembly') ?? null });
    }
    return null;
  }

  /**
   * Completes the header with the `#CHROM` line. Throws a reason string (caught by the reader) when the
   * column line is not the fixed VCF columns, or sample names repeat.
   */
  finish(columnLine: string, lineCount: number): VcfHeader | string {
    const columns = columnLine.split('\t');
    if (columns.length > 0 && columns[columns.length - 1] === '') columns.pop();
    for (let i = 0; i < FIXED_COLUMNS.length; i++) {
      if (columns[i] !== FIXED_COLUMNS[i]) {
        return `the column line must start with ${FIXED_COLUMNS.join(' ')} separated by tabs (column ${i + 1} differs)`;
      }
    }
    const hasFormatColumn = columns.length > 8;
    if (hasFormatColumn && columns[8] !== 'FORMAT')
      return 'column 9 of the column line must be FORMAT';
    const sampleIds = columns.slice(9);
    const seen = new Set<string>();
    for (let i = 0; i < sampleIds.length; i++) {
      const id = sampleIds[i]!;
      if (seen.has(id)) return `sample column ${i + 1} repeats an earlier sample name`;
      seen.add(id);
    }
    return {
      fileformat: this.fileformat,
      meta: this.meta,
      info: this.info,
      format: this.format,
      contigs: this.contigs,
      sampleIds,
      hasFormatColumn,
      lineCount,
    };
  }
}
