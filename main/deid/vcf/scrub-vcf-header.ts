// VCF header de-identification by allowlist. A header carries the sample's story: ##SAMPLE and ##PEDIGREE
// lines, tool command lines with file paths and user names, ##fileDate, free-text annotations. Only
// structural lines survive, rebuilt field by field so nothing unexpected rides along:
// fileformat, contig (ID, length, assembly name), INFO/FORMAT (ID, Number, Type, Description),
// FILTER/ALT (ID, Description), and ##reference reduced to the assembly name.
import { parseMetaLine } from '../../ingest/vcf/vcf-header-parser.ts';

/** The scrubbed header and the record fields it allows. */
export interface ScrubbedVcfHeader {
  /** `##` lines to write, in their original order (the #CHROM line is rebuilt by the writer). */
  readonly kept: string[];
  /** Number of `##` lines removed. */
  readonly dropped: number;
  /** INFO IDs removed from the header as free text; their values are removed from records too. */
  readonly droppedInfo: ReadonlySet<string>;
  readonly droppedFormat: ReadonlySet<string>;
  /** INFO IDs whose values may stay in records. */
  readonly allowedInfo: ReadonlySet<string>;
  readonly allowedFormat: ReadonlySet<string>;
}

// VCFv4.3 section 1.6.1 Table 1 and SV keys (section 3): reserved INFO keys with defined meaning.
export const RESERVED_INFO = new Set([
  'AA',
  'AC',
  'AD',
  'ADF',
  'ADR',
  'AF',
  'AN',
  'BQ',
  'CIGAR',
  'DB',
  'DP',
  'END',
  'H2',
  'H3',
  'MQ',
  'MQ0',
  'NS',
  'SB',
  'SOMATIC',
  'VALIDATED',
  '1000G',
  'IMPRECISE',
  'NOVEL',
  'SVTYPE',
  'SVLEN',
  'CIPOS',
  'CIEND',
  'HOMLEN',
  'HOMSEQ',
  'BKPTID',
  'MEINFO',
  'METRANS',
  'DGVID',
  'DBVARID',
  'DBRIPID',
  'MATEID',
  'PARID',
  'EVENT',
  'CILEN',
  'DPADJ',
  'CN',
  'CNADJ',
  'CICN',
  'CICNADJ',
]);
// VCFv4.3 section 1.6.2 Table 2 and SV FORMAT keys.
export const RESERVED_FORMAT = new Set([
  'AD',
  'ADF',
  'ADR',
  'DP',
  'EC',
  'FT',
  'GL',
  'GP',
  'GQ',
  'GT',
  'HQ',
  'MQ',
  'PL',
  'PQ',
  'PS',
  'CN',
  'CNQ',
  'CNL',
  'CNP',
  'NQ',
  'HAP',
  'AHAP',
  'PSL',
  'PSO',
  'PSQ',
  'LAA',
  'LGT',
  'LAD',
  'LPL',
]);
// String fields with a variable Number that carry identifiers of variants or structure, not free text.
const SAFE_STRING_INFO = new Set([
  'SVTYPE',
  'MATEID',
  'PARID',
  'EVENT',
  'EVENTTYPE',
  'CIGAR',
  'SVCLAIM',
  'HOMSEQ',
]);
const SAFE_STRING_FORMAT = new Set(['GT', 'FT', 'PSL', 'LGT']);

const FIELD_ID = /^(?:[A-Za-z_][0-9A-Za-z_.]*|1000G)$/;
const CONTIG_ID = /^[0-9A-Za-z!#$%&+./:;?@^_|~-][0-9A-Za-z!#$%&*+./:;=?@^_|~-]{0,254}$/;
const NUMBER = /^(?:\d+|[ARGPM.])$/;
const TYPES = new Set(['Integer', 'Float', 'Flag', 'Character', 'String']);
const REMOVED_DESCRIPTION = 'Description removed during de-identification';

// Anything in a description that may point at a person, a machine or a time.
const SUSPICIOUS_TEXT = [
  /[/\\][\w.-]+[/\\]/, // a path with at least two separators
  /^[/~]|\s[/~]\w/, // an absolute or home path
  /[A-Za-z]:[\\/]/, // a drive letter
  /\b(?:https?|ftp|file|s3|gs):/i,
  /@/,
  /\b(?:19|20)\d\d[-/.](?:0?[1-9]|1[0-2])[-/.](?:0?[1-9]|[12]\d|3[01])\b/,
  /\b(?:0?[1-9]|[12]\d|3[01])[-/.](?:0?[1-9]|1[0-2])[-/.](?:19|20)?\d\d\b/,
  /\b(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.? \d{1,2}\b/,
];

/** A definition's Description, or a neutral text when it could carry identifying detail. */
function safeDescription(text: string | undefined): string {
  if (text === undefined || text === '') return '';
  if (text.length > 400 || SUSPICIOUS_TEXT.some((p) => p.test(text))) return REMOVED_DESCRIPTION;
  return text;
}

function quote(text: string): string {
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** Whether a definition is free text: String/Character with a variable Number (VCFv4.3 1.4.2). */
export function isFreeText(
  type: string,
  number: string,
  id: string,
  safe: ReadonlySet<string>,
): boolean {
  if (type !== 'String' && type !== 'Character') return false;
  if (/^\d+$/.test(number)) return false;
  return !safe.has(id);
}

const ASSEMBLY_NAMES: readonly [string, RegExp][] = [
  ['GRCh38', /GRCh38|hg38|hs38|GCA_000001405\.(?:1[5-9]|2\d)|GCF_000001405\.(?:2[6-9]|[34]\d)/i],
  ['GRCh37', /GRCh37|hg19|hs37|human_g1k_v37|\bb37\b/i],
  ['NCBI36', /NCBI36|hg18|\bb36\b/i],
];

/** The assembly's canonical name if the text names one, else null (paths and URLs are never kept). */
export function assemblyName(text: string): string | null {
  for (const [name, pattern] of ASSEMBLY_NAMES) if (pattern.test(text)) return name;
  return null;
}

/** Keeps only allowlisted `##` lines, rebuilt from their parsed fields. Non-`##` lines are ignored. */
export function scrubVcfHeader(headerLines: readonly string[]): ScrubbedVcfHeader {
  const kept: string[] = [];
  let dropped = 0;
  const droppedInfo = new Set<string>();
  const droppedFormat = new Set<string>();
  const allowedInfo = new Set<string>();
  const allowedFormat = new Set<string>();
  for (const text of headerLines) {
    if (!text.startsWith('##')) continue;
    const rebuilt = rebuildLine(text, { droppedInfo, droppedFormat, allowedInfo, allowedFormat });
    if (rebuilt === null) dropped += 1;
    else kept.push(rebuilt);
  }
  return { kept, dropped, droppedInfo, droppedFormat, allowedInfo, allowedFormat };
}

interface FieldSets {
  droppedInfo: Set<string>;
  droppedFormat: Set<string>;
  allowedInfo: Set<string>;
  allowedFormat: Set<string>;
}

function rebuildLine(text: string, sets: FieldSets): string | null {
  const meta = parseMetaLine(text, 0);
  if (typeof meta === 'string') return null;
  const f = meta.fields;
  switch (meta.key) {
    case 'fileformat':
      return /^VCFv4\.\d$/.test(meta.value) ? `##fileformat=${meta.value}` : null;
    case 'reference': {
      const name = assemblyName(meta.value);
      return name === null ? null : `##reference=${name}`;
    }
    case 'contig': {
      const id = f?.get('ID');
      if (id === undefined || !CONTIG_ID.test(id)) return null;
      let line = `##contig=<ID=${id}`;
      const length = f!.get('length');
      if (length !== undefined && /^\d+$/.test(length)) line += `,length=${length}`;
      const assembly = f!.get('assembly');
      const name = assembly === undefined ? null : assemblyName(assembly);
      if (name !== null) line += `,assembly=${name}`;
      return `${line}>`;
    }
    case 'INFO':
    case 'FORMAT': {
      const id = f?.get('ID');
      const number = f?.get('Number') ?? '';
      const type = f?.get('Type') ?? '';
      if (id === undefined || !FIELD_ID.test(id) || !NUMBER.test(number) || !TYPES.has(type))
        return null;
      const isInfo = meta.key === 'INFO';
      if (isFreeText(type, number, id, isInfo ? SAFE_STRING_INFO : SAFE_STRING_FORMAT)) {
        (isInfo ? sets.droppedInfo : sets.droppedFormat).add(id);
        return null;
      }
      (isInfo ? sets.allowedInfo : sets.allowedFormat).add(id);
      const description = quote(safeDescription(f!.get('Description')));
      return `##${meta.key}=<ID=${id},Number=${number},Type=${type},Description=${description}>`;
    }
    case 'FILTER':
    case 'ALT': {
      const id = f?.get('ID');
      if (id === undefined || !/^[^\s<>,="]{1,100}$/.test(id)) return null;
      return `##${meta.key}=<ID=${id},Description=${quote(safeDescription(f!.get('Description')))}>`;
    }
    default:
      return null;
  }
}
