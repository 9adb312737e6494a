// The identifying strings of a source FHIR resource, and a scan that proves none of them reached a
// de-identified output. STYLE.md asks that a scan of every written byte can prove identifiers are
// gone; this is that scan for FHIR (tests over real exports, and post-import leak checks).
import { isObject } from './element-allowlist.ts';

// Shorter values (initials, "Mr.", two-letter states) match unrelated output by chance.
const MIN_LENGTH = 4;

const ADDRESS_KEYS = new Set(['address', 'valueAddress']);
const ATTACHMENT_KEYS = new Set([
  'photo',
  'attachment',
  'valueAttachment',
  'presentedForm',
  'content',
]);
const DATE_KEYS = new Set(['birthDate', 'deceasedDateTime']);
const FREE_TEXT_KEYS = new Set(['valueString', 'div']);

/**
 * Names (family, given, text, "given family"), identifier values, telecom values, street lines,
 * city, district and full postal code of any address, birth and death dates (as written and as
 * YYYYMMDD), attachment data and URLs, Reference displays and conditional-reference identifier
 * values, string extension values, narrative, and ids of 8+ characters, anywhere in the resource.
 */
export function identifyingStrings(resource: unknown, into: Set<string> = new Set()): Set<string> {
  walk(resource, '', into);
  return into;
}

function add(into: Set<string>, value: unknown): void {
  if (typeof value === 'string' && value.trim().length >= MIN_LENGTH) into.add(value.trim());
}

function walk(value: unknown, key: string, into: Set<string>): void {
  if (Array.isArray(value)) {
    for (const item of value) walk(item, key, into);
    return;
  }
  if (typeof value === 'string') {
    if (DATE_KEYS.has(key)) addDate(into, value);
    else if (FREE_TEXT_KEYS.has(key)) add(into, value);
    else if (key === 'id' && value.length >= 8) add(into, value);
    return;
  }
  if (!isObject(value)) return;
  if (key === 'identifier' || key === 'telecom') add(into, value.value);
  if (isHumanName(value)) addName(into, value);
  if (ADDRESS_KEYS.has(key)) {
    for (const line of Array.isArray(value.line) ? value.line : []) add(into, line);
    add(into, value.city);
    add(into, value.district);
    add(into, value.text);
    add(into, value.postalCode);
  }
  if (ATTACHMENT_KEYS.has(key) || 'contentType' in value) {
    add(into, value.data);
    add(into, value.url);
    add(into, value.title);
  }
  if (typeof value.reference === 'string') {
    add(into, value.display);
    const conditional = /\|([^&|]+)$/.exec(value.reference);
    if (value.reference.includes('?') && conditional) add(into, conditional[1]);
  }
  for (const child in value) walk(value[child], child, into);
}

function isHumanName(value: Record<string, unknown>): boolean {
  return typeof value.family === 'string' || Array.isArray(value.given);
}

function addName(into: Set<string>, name: Record<string, unknown>): void {
  const given = Array.isArray(name.given)
    ? name.given.filter((g): g is string => typeof g === 'string')
    : [];
  for (const g of given) add(into, g);
  add(into, name.family);
  add(into, name.text);
  if (typeof name.family === 'string' && given.length > 0)
    add(into, `${given.join(' ')} ${name.family}`);
}

function addDate(into: Set<string>, value: string): void {
  const date = /^(\d{4})-(\d{2})-(\d{2})/.exec(value);
  if (!date) return;
  into.add(date[0]);
  into.add(`${date[1]}${date[2]}${date[3]}`);
}

// Keyed values the profile writes: opaque keys, `Type/<key>`, `urn:key:<key>`, remapped DICOM UIDs.
// They are HMAC outputs, so a marker "found" inside one is chance, not a leak.
const OPAQUE = /^(?:(?:[A-Z][A-Za-z]+\/|urn:key:)?[0-9a-f]{32}|(?:urn:oid:)?2\.25\.\d+)$/;

/**
 * The identifying strings that occur in a de-identified output (every string and number value in
 * it, keyed opaque values aside). Digit-only strings (ZIP codes, NPIs, compact dates) must stand
 * alone, not inside a longer number; anything else is found as a substring.
 */
export function leakedStrings(output: unknown, identifying: Iterable<string>): string[] {
  const atoms = new Set<string>();
  collectAtoms(output, atoms);
  const text = [...atoms].join('\n');
  const leaked: string[] = [];
  for (const s of identifying) {
    const found = /^\d+$/.test(s)
      ? new RegExp(`(?<![0-9A-Za-z])${s}(?![0-9A-Za-z])`).test(text)
      : text.includes(s);
    if (found) leaked.push(s);
  }
  return leaked;
}

function collectAtoms(value: unknown, atoms: Set<string>): void {
  if (Array.isArray(value)) {
    for (const item of value) collectAtoms(item, atoms);
  } else if (isObject(value)) {
    // Element names come from the profile's allowlist, not from the source: only values are scanned.
    for (const key in value) collectAtoms(value[key], atoms);
  } else if (typeof value === 'string') {
    if (!OPAQUE.test(value)) atoms.add(value);
  } else if (typeof value === 'number' || typeof value === 'boolean') {
    atoms.add(String(value));
  }
}
