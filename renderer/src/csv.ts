// CSV export (RFC 4180) for tables the user takes to a spreadsheet.
import { downloadText } from './text-export.ts';

/**
 * Quotes a field when it holds a delimiter, quote or line break, doubling inner quotes. A leading
 * = + - @ (or tab/CR) is prefixed with ' so a spreadsheet shows the text instead of running it as
 * a formula (OWASP "CSV injection").
 */
export function csvField(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '';
  let text = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** Rows to CSV text with CRLF line ends. */
export function toCsv(
  header: readonly string[],
  rows: readonly (readonly (string | number | null | undefined)[])[],
): string {
  return [header, ...rows].map((row) => row.map(csvField).join(',')).join('\r\n') + '\r\n';
}

/** Offers `text` as a file download. The byte-order mark lets Excel read UTF-8 correctly. */
export function downloadCsv(fileName: string, text: string): void {
  downloadText(fileName, `\uFEFF${text}`, 'text/csv;charset=utf-8');
}
