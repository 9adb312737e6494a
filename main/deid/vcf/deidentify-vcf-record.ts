// Record-level de-identification for the optional VCF copy: positions, IDs, alleles, QUAL and FILTER stay;
// INFO and FORMAT keep only fields the scrubbed header allows (free-text fields go), and only the
// columns of linked samples are written.
import { RESERVED_FORMAT, RESERVED_INFO } from './scrub-vcf-header.ts';
import type { ScrubbedVcfHeader } from './scrub-vcf-header.ts';
import type { VcfRecord } from '../../ingest/vcf/vcf-types.ts';

/** Decides, once per key, whether INFO/FORMAT values may stay in the copy. */
export class VcfFieldPolicy {
  private readonly infoCache = new Map<string, boolean>();
  private readonly formatCache = new Map<string, boolean>();

  constructor(private readonly header: ScrubbedVcfHeader) {}

  keepsInfo(key: string): boolean {
    let keep = this.infoCache.get(key);
    if (keep === undefined) {
      // An undeclared key has no type to judge by: keep it only when the spec reserves its meaning.
      keep =
        this.header.allowedInfo.has(key) ||
        (!this.header.droppedInfo.has(key) && RESERVED_INFO.has(key));
      this.infoCache.set(key, keep);
    }
    return keep;
  }

  keepsFormat(key: string): boolean {
    let keep = this.formatCache.get(key);
    if (keep === undefined) {
      keep =
        this.header.allowedFormat.has(key) ||
        (!this.header.droppedFormat.has(key) && RESERVED_FORMAT.has(key));
      this.formatCache.set(key, keep);
    }
    return keep;
  }
}

function scrubInfo(info: string, policy: VcfFieldPolicy): string {
  if (info === '.') return info;
  const kept: string[] = [];
  for (const entry of info.split(';')) {
    const eq = entry.indexOf('=');
    const key = eq < 0 ? entry : entry.slice(0, eq);
    if (key !== '' && policy.keepsInfo(key)) kept.push(entry);
  }
  return kept.length === 0 ? '.' : kept.join(';');
}

/**
 * The de-identified text of one record with the given sample columns, in that order. Returns the
 * 8 site columns only when `sampleIndices` is empty.
 */
export function deidentifiedRecordLine(
  record: VcfRecord,
  policy: VcfFieldPolicy,
  sampleIndices: readonly number[],
): string {
  const alt = record.alt.length === 0 ? '.' : record.alt.join(',');
  const site = `${record.chrom}\t${record.pos}\t${record.id}\t${record.ref}\t${alt}\t${record.qual}\t${record.filter}\t${scrubInfo(record.info, policy)}`;
  if (sampleIndices.length === 0) return site;
  const keep: number[] = [];
  for (let k = 0; k < record.format.length; k++)
    if (policy.keepsFormat(record.format[k]!)) keep.push(k);
  if (keep.length === 0) return `${site}\t.${'\t.'.repeat(sampleIndices.length)}`;
  const format = keep.map((k) => record.format[k]).join(':');
  const allKept = keep.length === record.format.length;
  let line = `${site}\t${format}`;
  for (const s of sampleIndices) {
    const column = record.samples[s] ?? '.';
    if (allKept) {
      line += `\t${column}`;
      continue;
    }
    const values = column.split(':');
    let out = '';
    for (let i = 0; i < keep.length; i++) {
      out += (i === 0 ? '' : ':') + (values[keep[i]!] ?? '.');
    }
    line += `\t${out}`;
  }
  return line;
}
