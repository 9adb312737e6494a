// Describes why JSON.parse rejected a text without quoting any of it. V8's own messages
// embed the input (`Unexpected token 'J', "John..." is not valid JSON`) and change between
// versions, so on the (rare) failure path we re-scan the text with this small RFC 8259
// checker and report only the kind of error and where it is.

/** Where and why a text is not valid JSON; `kind` never contains input content. */
export interface JsonSyntaxError {
  /** Character offset (UTF-16 code units) of the first offending character. */
  offset: number;
  kind: string;
}

/** Line and column (both 1-based) of an offset, counting from `firstLine`. */
export interface TextPlace {
  line: number;
  column: number;
}

const ARRAY = 0;
const OBJECT = 1;

// What the checker expects next.
const VALUE = 0;
const FIRST_VALUE = 1; // after '[': a value or ']'
const NEXT_VALUE = 2; // after ',' in an array: a value (']' would be a trailing comma)
const FIRST_KEY = 3; // after '{': a key or '}'
const NEXT_KEY = 4; // after ',' in an object: a key ('}' would be a trailing comma)
const AFTER_VALUE = 5;

function isJsonWhitespace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

/** Returns the index after the string starting at `start` (a quote), or an error. */
function scanString(text: string, start: number): number | JsonSyntaxError {
  let i = start + 1;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c === 0x22) return i + 1;
    if (c < 0x20) return { offset: i, kind: 'control character in string' };
    if (c === 0x5c) {
      const e = text.charCodeAt(i + 1);
      if (e === 0x75) {
        if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6)))
          return { offset: i, kind: 'invalid \\u escape' };
        i += 6;
        continue;
      }
      if (Number.isNaN(e)) break;
      if (!'"\\/bfnrt'.includes(String.fromCharCode(e)))
        return { offset: i, kind: 'invalid escape sequence' };
      i += 2;
      continue;
    }
    i++;
  }
  return { offset: text.length, kind: 'unterminated string' };
}

/** Returns the index after the number starting at `start`, or an error. */
function scanNumber(text: string, start: number): number | JsonSyntaxError {
  const match = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
  match.lastIndex = start;
  const m = match.exec(text);
  const end = m ? start + m[0].length : start;
  const next = text.charCodeAt(end);
  // A letter or digit glued to the number (12x, 01, 1.e5) makes the number itself invalid.
  if (!m || m[0] === '-' || isDigit(next) || next === 0x2e || /[A-Za-z_]/.test(text.charAt(end))) {
    return { offset: start, kind: 'invalid number' };
  }
  return end;
}

/** Finds the first syntax error in `text`, or null if it is valid JSON. */
export function findJsonSyntaxError(text: string): JsonSyntaxError | null {
  const stack: number[] = [];
  let expect = VALUE;
  let i = 0;
  const n = text.length;
  for (;;) {
    while (i < n && isJsonWhitespace(text.charCodeAt(i))) i++;
    if (i >= n) {
      return stack.length === 0 && expect === AFTER_VALUE
        ? null
        : { offset: n, kind: 'unexpected end of input' };
    }
    const c = text.charCodeAt(i);
    if (expect === AFTER_VALUE) {
      const top = stack[stack.length - 1];
      if (top === undefined) return { offset: i, kind: 'content after the JSON value' };
      if (c === 0x2c) {
        expect = top === OBJECT ? NEXT_KEY : NEXT_VALUE;
        i++;
      } else if ((c === 0x7d && top === OBJECT) || (c === 0x5d && top === ARRAY)) {
        stack.pop();
        i++;
      } else {
        return { offset: i, kind: top === OBJECT ? "expected ',' or '}'" : "expected ',' or ']'" };
      }
      continue;
    }
    if (expect === FIRST_KEY || expect === NEXT_KEY) {
      if (c === 0x7d) {
        if (expect === NEXT_KEY) return { offset: i, kind: 'trailing comma' };
        stack.pop();
        expect = AFTER_VALUE;
        i++;
        continue;
      }
      if (c !== 0x22) return { offset: i, kind: 'expected a property name' };
      const end = scanString(text, i);
      if (typeof end !== 'number') return end;
      i = end;
      while (i < n && isJsonWhitespace(text.charCodeAt(i))) i++;
      if (i >= n) return { offset: n, kind: 'unexpected end of input' };
      if (text.charCodeAt(i) !== 0x3a) return { offset: i, kind: "expected ':'" };
      i++;
      expect = VALUE;
      continue;
    }
    if (c === 0x5d && (expect === FIRST_VALUE || expect === NEXT_VALUE)) {
      if (expect === NEXT_VALUE) return { offset: i, kind: 'trailing comma' };
      stack.pop();
      expect = AFTER_VALUE;
      i++;
      continue;
    }
    // A value.
    if (c === 0x7b) {
      stack.push(OBJECT);
      expect = FIRST_KEY;
      i++;
    } else if (c === 0x5b) {
      stack.push(ARRAY);
      expect = FIRST_VALUE;
      i++;
    } else {
      let end: number | JsonSyntaxError;
      if (c === 0x22) end = scanString(text, i);
      else if (c === 0x2d || isDigit(c)) end = scanNumber(text, i);
      else if (text.startsWith('true', i)) end = i + 4;
      else if (text.startsWith('false', i)) end = i + 5;
      else if (text.startsWith('null', i)) end = i + 4;
      else end = { offset: i, kind: c === 0x2c ? "unexpected ','" : 'unexpected character' };
      if (typeof end !== 'number') return end;
      i = end;
      expect = AFTER_VALUE;
    }
  }
}

/** Line and column of `offset` in `text`, the text's first line being `firstLine`. */
export function placeOfOffset(
  text: string,
  offset: number,
  firstLine = 1,
  firstColumn = 1,
): TextPlace {
  let line = firstLine;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  const column = line === firstLine ? firstColumn + offset : offset - lineStart + 1;
  return { line, column };
}

/** Line, column and kind of the first syntax error in `text`, or null if it is valid. */
export function locateJsonSyntaxError(
  text: string,
  firstLine = 1,
  firstColumn = 1,
): (TextPlace & { kind: string }) | null {
  const error = findJsonSyntaxError(text);
  return error
    ? { ...placeOfOffset(text, error.offset, firstLine, firstColumn), kind: error.kind }
    : null;
}

/**
 * A reason for a JSON.parse failure that names only the kind of error and its place,
 * e.g. `malformed JSON at line 3, column 17: trailing comma`.
 */
export function describeMalformedJson(
  text: string,
  firstLine = 1,
  firstColumn = 1,
  showLine = true,
): string {
  const place = locateJsonSyntaxError(text, firstLine, firstColumn);
  if (!place) return 'malformed JSON';
  const where = showLine ? `line ${place.line}, column ${place.column}` : `column ${place.column}`;
  return `malformed JSON at ${where}: ${place.kind}`;
}
