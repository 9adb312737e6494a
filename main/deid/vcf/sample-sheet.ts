// The sample sheet links VCF sample columns to patients: CSV rows of (sample id, MRN system, MRN value),
// with an optional header row. Errors name rows, never their values.
import { InvalidInputError } from '../../util/errors.ts';

/** The patient identifier a sample belongs to. */
export interface SampleSheetEntry {
  readonly mrnSystem: string;
  readonly mrnValue: string;
}

/** Sample id → patient identifier. */
export interface SampleSheet {
  readonly entries: ReadonlyMap<string, SampleSheetEntry>;
}

/** RFC 4180 rows: quoted fields may hold commas, doubled quotes and line breaks. */
function csvRows(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  for (; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i += 1;
        } else {
          quoted = false;
        }
      } else {
        field += c;
      }
    } else if (c === '"' && field === '') {
      quoted = true;
    } else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i += 1;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else {
      field += c;
    }
  }
  if (quoted)
    throw new InvalidInputError(
      'The sample sheet has an unterminated quoted field.',
      'sample-sheet-invalid',
    );
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

const HEADER_FIRST_CELL =
  /^(?:sample|sample[ _-]?id|vcf[ _-]?sample(?:[ _-]?id)?|sample[ _-]?name)$/i;

/** Parses a sample sheet CSV. Throws InvalidInputError naming the row for malformed or conflicting rows. */
export function parseSampleSheet(csvText: string): SampleSheet {
  const entries = new Map<string, SampleSheetEntry & { row: number }>();
  const rows = csvRows(csvText);
  rows.forEach((cells, index) => {
    const rowNumber = index + 1;
    const trimmed = cells.map((c) => c.trim());
    if (trimmed.every((c) => c === '')) return;
    if (index === 0 && HEADER_FIRST_CELL.test(trimmed[0] ?? '')) return;
    if (trimmed.length !== 3 || trimmed.some((c) => c === '')) {
      throw new InvalidInputError(
        `Sample sheet row ${rowNumber} must have 3 non-empty columns: sample id, MRN system, MRN value.`,
        'sample-sheet-invalid',
      );
    }
    const [sampleId, mrnSystem, mrnValue] = trimmed as [string, string, string];
    const previous = entries.get(sampleId);
    if (previous !== undefined) {
      if (previous.mrnSystem !== mrnSystem || previous.mrnValue !== mrnValue) {
        throw new InvalidInputError(
          `Sample sheet row ${rowNumber} gives a different MRN for the sample id of row ${previous.row}.`,
          'sample-sheet-conflict',
        );
      }
      return;
    }
    entries.set(sampleId, { mrnSystem, mrnValue, row: rowNumber });
  });
  const clean = new Map<string, SampleSheetEntry>();
  for (const [id, { mrnSystem, mrnValue }] of entries) clean.set(id, { mrnSystem, mrnValue });
  return { entries: clean };
}
