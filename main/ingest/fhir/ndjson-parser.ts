// FHIR Bulk Data NDJSON: one resource per line (https://hl7.org/fhir/uv/bulkdata/).
// A bad line is reported and skipped; the rest of the file is still read.
import { describeMalformedJson } from './json-syntax-error.ts';
import { isFhirResource, MAX_RESOURCE_CHARS } from './fhir-item.ts';
import type { FhirItem, FhirTextParser } from './fhir-item.ts';

function isBlank(line: string): boolean {
  for (let i = 0; i < line.length; i++) if (!isBlankChar(line.charCodeAt(i))) return false;
  return true;
}

const LEADING_TYPE = /^\s*\{\s*"resourceType"\s*:\s*"([A-Za-z]{1,64})"\s*,/;

/**
 * The resourceType a line declares first, as Bulk Data exports write it
 * (`{"resourceType":"Claim",...}`), read without parsing the line; undefined when the line does
 * not start that way or does not end with `}` (a line cut short is left to the parser to report).
 */
export function leadingResourceType(line: string): string | undefined {
  let end = line.length - 1;
  while (end >= 0 && isBlankChar(line.charCodeAt(end))) end--;
  if (end < 0 || line.charCodeAt(end) !== 0x7d) return undefined;
  return LEADING_TYPE.exec(line)?.[1];
}

function isBlankChar(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0d;
}

/** Decides before parsing whether a line is read at all (lets parallel readers split a file). */
export type NdjsonLineFilter = (lineNumber: number, line: string) => boolean;

/** Splits text into lines and parses each as one resource; positions are `line N`. */
export class NdjsonParser implements FhirTextParser {
  constructor(private readonly selectLine?: NdjsonLineFilter) {}

  private lineNumber = 0;
  private pending: string[] = [];
  private pendingChars = 0;
  private oversized = false;

  push(text: string, out: FhirItem[]): void {
    let start = 0;
    for (let newline = text.indexOf('\n'); newline >= 0; newline = text.indexOf('\n', start)) {
      this.lineNumber++;
      if (this.oversized) {
        this.oversized = false;
      } else {
        let line = text.slice(start, newline);
        if (this.pending.length > 0) {
          this.pending.push(line);
          line = this.pending.join('');
        }
        this.parseLine(line, out);
      }
      this.pending = [];
      this.pendingChars = 0;
      start = newline + 1;
    }
    if (start < text.length && !this.oversized) {
      this.pending.push(text.slice(start));
      this.pendingChars += text.length - start;
      if (this.pendingChars > MAX_RESOURCE_CHARS) {
        // Drop the line rather than exhaust memory; keep counting lines after it.
        this.oversized = true;
        this.pending = [];
        this.pendingChars = 0;
        out.push({
          ok: false,
          position: `line ${this.lineNumber + 1}`,
          reason: `line longer than ${MAX_RESOURCE_CHARS / 1024 / 1024} MB`,
        });
      }
    }
  }

  end(out: FhirItem[]): void {
    if (this.pending.length > 0) {
      this.lineNumber++;
      this.parseLine(this.pending.join(''), out);
      this.pending = [];
    }
  }

  abort(reason: string, out: FhirItem[]): void {
    // The line being read when input stopped is incomplete: report it, do not parse it.
    out.push({ ok: false, position: `line ${this.lineNumber + 1}`, reason });
    this.pending = [];
  }

  private parseLine(rawLine: string, out: FhirItem[]): void {
    const line = rawLine.endsWith('\r') ? rawLine.slice(0, -1) : rawLine;
    if (isBlank(line)) return;
    if (this.selectLine && !this.selectLine(this.lineNumber, line)) return;
    const position = `line ${this.lineNumber}`;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      out.push({
        ok: false,
        position,
        reason: describeMalformedJson(line, this.lineNumber, 1, false),
      });
      return;
    }
    if (isFhirResource(value)) out.push({ ok: true, resource: value, position });
    else out.push({ ok: false, position, reason: 'no resourceType' });
  }
}
