// Streams a FHIR JSON document. For a Bundle, a small scanner (string- and escape-aware,
// counting bracket depth) finds the top-level `entry` array and cuts out each element,
// which alone goes through JSON.parse — so a 500 MB Bundle never sits in memory. Any
// other top-level resource is one item. The scanner checks the top-level structure; each
// entry's own syntax is JSON.parse's job.
import { bundleEntryItem } from './bundle-entry-item.ts';
import { describeMalformedJson, locateJsonSyntaxError } from './json-syntax-error.ts';
import { isFhirResource, MAX_RESOURCE_CHARS } from './fhir-item.ts';
import type { FhirItem, FhirTextParser } from './fhir-item.ts';

// Where the scanner is in the top-level object.
const START = 0; // before the top-level '{'
const KEY_OR_END = 1; // after '{' or ',' in the top-level object
const KEY = 2; // inside a top-level key string
const COLON = 3;
const MEMBER_VALUE_START = 4;
const IN_VALUE = 5; // inside a member value or an entry element
const AFTER_MEMBER = 6;
const ENTRY_OR_END = 7; // after '[' or ',' in the entry array
const AFTER_ENTRY = 8;
const DONE = 9; // after the top-level '}'
const FAILED = 10;

interface PendingEntry {
  text: string;
  line: number;
  column: number;
  index: number;
}

// A run of characters that do not change nesting: everything but quotes and brackets.
const BORING_RUN = /[^"{}[\]]*/y;

/** Not a delimiter: a value (possibly malformed, which JSON.parse will tell) starts here. */
function isValueStart(c: number): boolean {
  return c !== 0x2c && c !== 0x3a && c !== 0x7d && c !== 0x5d;
}

function isWhitespace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

/** Parses a FHIR JSON document (Bundle or single resource) pushed in text chunks. */
export class JsonDocumentParser implements FhirTextParser {
  private state = START;
  private base = 0; // absolute offset of the current chunk
  private line = 1; // line number at index `linesCountedTo` of the current chunk
  private lineStart = 0; // absolute offset where that line starts
  private linesCountedTo = 0;
  private afterComma = false;

  private key = '';
  private keyParts: string[] = [];
  private keyStart = -1;
  private keyEscape = false;

  // The value being cut out: a top-level member value or an entry element.
  private inEntry = false;
  private depth = 0;
  private inString = false;
  private escapePending = false;
  private scalar = false;
  private valueParts: string[] = [];
  private valueChars = 0;
  private valueStart = -1;
  private valueLine = 0;
  private valueColumn = 0;

  // Until resourceType is known the whole object is kept, in case it is not a Bundle.
  private isBundle: boolean | undefined;
  private wholeParts: string[] = [];
  private wholeChars = 0;
  private wholeStart = -1;
  private pending: PendingEntry[] = [];
  private pendingChars = 0;
  private entryCount = 0;

  push(text: string, out: FhirItem[]): void {
    const n = text.length;
    let i = 0;
    while (i < n && this.state !== FAILED) {
      if (this.state === IN_VALUE) {
        i = this.scanValue(text, i, out);
        continue;
      }
      const c = text.charCodeAt(i);
      if (this.state === KEY) {
        if (this.keyEscape) this.keyEscape = false;
        else if (c === 0x5c) this.keyEscape = true;
        else if (c === 0x22) this.endKey(text, i);
        i++;
        continue;
      }
      if (isWhitespace(c)) {
        i++;
        continue;
      }
      this.structural(c, text, i, out);
      i++;
    }
    if (this.state === FAILED) return;
    this.countLines(text, n);
    this.carryOver(text, out);
    this.base += n;
    this.linesCountedTo = 0;
  }

  /**
   * Brings `line`/`lineStart` up to index `upTo` of the current chunk. Lines are counted
   * lazily with indexOf (native speed) instead of testing every character in the hot loop.
   */
  private countLines(text: string, upTo: number): void {
    let newline = text.indexOf('\n', this.linesCountedTo);
    while (newline >= 0 && newline < upTo) {
      this.line++;
      this.lineStart = this.base + newline + 1;
      newline = text.indexOf('\n', newline + 1);
    }
    this.linesCountedTo = upTo;
  }

  end(out: FhirItem[]): void {
    if (this.state === FAILED) return;
    if (this.state !== DONE) {
      const kind =
        this.state === START ? 'no JSON content' : 'unexpected end of input (truncated file?)';
      this.fail(kind, this.line, this.base - this.lineStart + 1, out);
      return;
    }
    if (this.isBundle === true) return;
    const whole = this.wholeParts.join('');
    this.wholeParts = [];
    let value: unknown;
    try {
      value = JSON.parse(whole);
    } catch {
      out.push({ ok: false, position: 'resource', reason: describeMalformedJson(whole) });
      return;
    }
    if (isFhirResource(value)) out.push({ ok: true, resource: value, position: 'resource' });
    else out.push({ ok: false, position: 'resource', reason: 'no resourceType' });
  }

  abort(reason: string, out: FhirItem[]): void {
    if (this.state === FAILED) return;
    out.push({ ok: false, position: `line ${this.line}`, reason });
    this.state = FAILED;
  }

  /** A non-whitespace character outside any value being cut out. */
  private structural(c: number, text: string, i: number, out: FhirItem[]): void {
    switch (this.state) {
      case START:
        if (c !== 0x7b) return this.failAt('expected a JSON object', text, i, out);
        this.state = KEY_OR_END;
        this.wholeStart = i;
        return;
      case KEY_OR_END:
        if (c === 0x22) {
          this.state = KEY;
          this.keyStart = i;
        } else if (c === 0x7d && !this.afterComma) {
          this.finishDocument(text, i);
        } else {
          this.failAt(c === 0x7d ? 'trailing comma' : 'expected a property name', text, i, out);
        }
        return;
      case COLON:
        if (c !== 0x3a) return this.failAt("expected ':'", text, i, out);
        this.state = MEMBER_VALUE_START;
        return;
      case MEMBER_VALUE_START:
        this.afterComma = false;
        if (this.key === 'entry' && c === 0x5b && this.isBundle !== false) {
          this.state = ENTRY_OR_END;
          return;
        }
        if (isValueStart(c)) this.startValue(c, text, i, false);
        else this.failAt('expected a value', text, i, out);
        return;
      case AFTER_MEMBER:
        if (c === 0x2c) {
          this.state = KEY_OR_END;
          this.afterComma = true;
        } else if (c === 0x7d) {
          this.finishDocument(text, i);
        } else {
          this.failAt("expected ',' or '}'", text, i, out);
        }
        return;
      case ENTRY_OR_END:
        if (c === 0x5d && !this.afterComma) {
          this.state = AFTER_MEMBER;
        } else if (c === 0x5d || c === 0x2c) {
          this.failAt(c === 0x5d ? 'trailing comma' : "unexpected ','", text, i, out);
        } else if (isValueStart(c)) {
          this.startValue(c, text, i, true);
        } else {
          this.failAt('expected a value', text, i, out);
        }
        return;
      case AFTER_ENTRY:
        if (c === 0x2c) {
          this.state = ENTRY_OR_END;
          this.afterComma = true;
        } else if (c === 0x5d) {
          this.state = AFTER_MEMBER;
          this.afterComma = false;
        } else {
          this.failAt("expected ',' or ']'", text, i, out);
        }
        return;
      case DONE:
        return this.failAt('content after the JSON value', text, i, out);
    }
  }

  private endKey(text: string, i: number): void {
    const raw = this.keyParts.join('') + text.slice(this.keyStart, i + 1);
    this.keyParts = [];
    this.keyStart = -1;
    try {
      this.key = JSON.parse(raw) as string;
    } catch {
      this.key = ''; // a malformed key surfaces when the member value is parsed
    }
    this.state = COLON;
  }

  private startValue(c: number, text: string, i: number, inEntry: boolean): void {
    this.countLines(text, i);
    this.inEntry = inEntry;
    this.valueStart = i;
    this.valueParts = [];
    this.valueChars = 0;
    this.valueLine = this.line;
    this.valueColumn = this.base + i - this.lineStart + 1;
    this.scalar = !(c === 0x7b || c === 0x5b || c === 0x22);
    this.depth = c === 0x22 ? 0 : 1;
    this.inString = c === 0x22;
    this.escapePending = false;
    this.state = IN_VALUE;
    if (this.scalar) this.depth = 0;
  }

  /** Advances through the value being cut out; returns where scanning stopped. */
  private scanValue(text: string, from: number, out: FhirItem[]): number {
    const n = text.length;
    let i = from;
    if (this.scalar) {
      // Numbers and literals end at the next delimiter, which belongs to the structure.
      while (i < n) {
        const c = text.charCodeAt(i);
        if (c === 0x2c || c === 0x7d || c === 0x5d || isWhitespace(c)) {
          this.endValue(text, i, out);
          return i;
        }
        i++;
      }
      return n;
    }
    let depth = this.depth;
    let inString = this.inString;
    if (this.escapePending) {
      this.escapePending = false;
      i++;
    }
    while (i < n) {
      if (inString) {
        // Jump to the closing quote: one not preceded by an odd run of backslashes.
        const segmentStart = i;
        let quote = text.indexOf('"', i);
        while (quote >= 0) {
          let k = quote - 1;
          while (k >= segmentStart && text.charCodeAt(k) === 0x5c) k--;
          if (((quote - 1 - k) & 1) === 0) break;
          quote = text.indexOf('"', quote + 1);
        }
        if (quote < 0) {
          // The string goes on in the next chunk; an odd backslash run escapes its first character.
          let k = n - 1;
          while (k >= segmentStart && text.charCodeAt(k) === 0x5c) k--;
          this.escapePending = ((n - 1 - k) & 1) === 1;
          i = n;
          break;
        }
        i = quote + 1;
        inString = false;
        if (depth === 0) break;
        continue;
      }
      // Skip whitespace, numbers and literals natively up to the next quote or bracket.
      BORING_RUN.lastIndex = i;
      BORING_RUN.test(text);
      i = BORING_RUN.lastIndex;
      if (i >= n) break;
      const c = text.charCodeAt(i++);
      if (c === 0x22) {
        inString = true;
      } else if (c === 0x7b || c === 0x5b) {
        depth++;
      } else {
        depth--;
        if (depth === 0) break;
      }
    }
    this.depth = depth;
    this.inString = inString;
    if (depth === 0 && !inString) this.endValue(text, i, out);
    return i;
  }

  /** The value being cut out ends just before `end` in `text`. */
  private endValue(text: string, end: number, out: FhirItem[]): void {
    const piece = text.slice(this.valueStart, end);
    const value = this.valueParts.length > 0 ? this.valueParts.join('') + piece : piece;
    this.valueParts = [];
    this.valueChars = 0;
    this.valueStart = -1;
    if (this.inEntry) {
      this.state = AFTER_ENTRY;
      this.afterComma = false;
      this.onEntry(value, out);
    } else {
      this.state = AFTER_MEMBER;
      this.onMember(value, out);
    }
  }

  private onEntry(text: string, out: FhirItem[]): void {
    const index = ++this.entryCount;
    if (this.isBundle === true) {
      out.push(bundleEntryItem(text, this.valueLine, this.valueColumn, index));
    } else {
      this.pending.push({ text, line: this.valueLine, column: this.valueColumn, index });
      this.pendingChars += text.length;
    }
  }

  private onMember(text: string, out: FhirItem[]): void {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      const place = locateJsonSyntaxError(text, this.valueLine, this.valueColumn);
      this.fail(
        place?.kind ?? 'invalid value',
        place?.line ?? this.valueLine,
        place?.column ?? this.valueColumn,
        out,
      );
      return;
    }
    if (this.key !== 'resourceType' || this.isBundle !== undefined) return;
    this.isBundle = value === 'Bundle';
    if (this.isBundle) {
      this.wholeParts = [];
      this.wholeChars = 0;
      this.wholeStart = -1;
      for (const entry of this.pending)
        out.push(bundleEntryItem(entry.text, entry.line, entry.column, entry.index));
    }
    this.pending = [];
    this.pendingChars = 0;
  }

  private finishDocument(text: string, i: number): void {
    this.state = DONE;
    if (this.wholeStart >= 0) {
      this.wholeParts.push(text.slice(this.wholeStart, i + 1));
      this.wholeStart = -1;
    }
  }

  /** At the end of a chunk, keeps the unfinished key, value and whole-object text. */
  private carryOver(text: string, out: FhirItem[]): void {
    if (this.state === KEY && this.keyStart >= 0) {
      this.keyParts.push(text.slice(this.keyStart));
      this.keyStart = 0;
    }
    if (this.state === IN_VALUE && this.valueStart >= 0) {
      this.valueParts.push(text.slice(this.valueStart));
      this.valueChars += text.length - this.valueStart;
      this.valueStart = 0;
    }
    if (this.wholeStart >= 0) {
      this.wholeParts.push(text.slice(this.wholeStart));
      this.wholeChars += text.length - this.wholeStart;
      this.wholeStart = 0;
    }
    const held = this.valueChars + this.wholeChars + this.pendingChars;
    if (held > MAX_RESOURCE_CHARS) {
      const reason =
        this.isBundle === undefined && this.pending.length > 0
          ? 'top-level resourceType not found before a very large entry array'
          : `single resource larger than ${MAX_RESOURCE_CHARS / 1024 / 1024} MB`;
      out.push({ ok: false, position: `line ${this.line}`, reason });
      this.state = FAILED;
      this.valueParts = [];
      this.wholeParts = [];
      this.pending = [];
    }
  }

  private failAt(kind: string, text: string, i: number, out: FhirItem[]): void {
    this.countLines(text, i);
    this.fail(kind, this.line, this.base + i - this.lineStart + 1, out);
  }

  /** Reports a structural error: the entries already emitted stand, reading stops. */
  private fail(kind: string, line: number, column: number, out: FhirItem[]): void {
    out.push({
      ok: false,
      position: `line ${line}`,
      reason: `malformed JSON at column ${column}: ${kind}`,
    });
    this.state = FAILED;
    this.valueParts = [];
    this.wholeParts = [];
    this.pending = [];
  }
}
