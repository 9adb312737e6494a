// Tells a FHIR JSON document from FHIR NDJSON (Bulk Data) by looking at the start of the
// content, so a mis-named or gzipped export is still read the right way.

/** The two JSON layouts FHIR exports come in. */
export type FhirJsonKind = 'fhir-json' | 'fhir-ndjson';

const NDJSON_NAME = /\.(ndjson|jsonl)(\.gz)?$/i;

function skipWhitespace(text: string, from: number): number {
  let i = from;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) break;
    i++;
  }
  return i;
}

/**
 * Index just after the line starting at `start` if that line holds exactly one complete
 * JSON object (brackets balanced, string- and escape-aware), else -1.
 */
function endOfOneObjectLine(text: string, start: number): number {
  let depth = 0;
  let inString = false;
  for (let i = start; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x0a) return -1;
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) {
      inString = true;
    } else if (c === 0x7b || c === 0x5b) {
      depth++;
    } else if (c === 0x7d || c === 0x5d) {
      depth--;
      if (depth === 0) {
        const rest = text.indexOf('\n', i);
        if (rest < 0) return -1;
        return text.slice(i + 1, rest).trim() === '' ? rest + 1 : -1;
      }
    }
  }
  return -1;
}

/**
 * 'fhir-ndjson' when the name says so (`.ndjson`, `.jsonl`, optionally `.gz`) or when the
 * first line is one complete JSON object and the next non-blank line starts another;
 * 'fhir-json' when the content is a JSON object otherwise; null when it is not JSON.
 * `text` is the (decompressed) start of the content, any length.
 */
export function sniffFhirJsonKind(text: string, fileName: string): FhirJsonKind | null {
  const start = skipWhitespace(text, text.charCodeAt(0) === 0xfeff ? 1 : 0);
  const byName = NDJSON_NAME.test(fileName);
  if (start >= text.length) return byName ? 'fhir-ndjson' : null;
  if (text.charCodeAt(start) !== 0x7b) return null;
  if (byName) return 'fhir-ndjson';
  const next = endOfOneObjectLine(text, start);
  if (next < 0) return 'fhir-json';
  const following = skipWhitespace(text, next);
  return text.charCodeAt(following) === 0x7b ? 'fhir-ndjson' : 'fhir-json';
}
