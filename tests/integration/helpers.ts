// Shared helpers for integration tests: temp engines, shared test data, and the byte scanner
// that proves no identifier reached the data folder.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import Database from 'better-sqlite3';
import { createEngine, type Engine } from '../../main/engine.ts';
import { passphraseKeyProtector } from '../../main/store/key-protector.ts';

export const TEST_PASSPHRASE = 'test-passphrase-123';

/**
 * Rows whose foreign keys point nowhere. The import's writer connection does not check foreign
 * keys row by row (store/import-writer.ts), so the import tests check the result instead.
 */
export function foreignKeyViolations(databaseFile: string): unknown[] {
  const db = new Database(databaseFile, { readonly: true });
  try {
    return db.pragma('foreign_key_check') as unknown[];
  } finally {
    db.close();
  }
}
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const SHARED_DATA = join(REPO_ROOT, '..', 'shared', 'data');

/** The shared data folder `sub`, or null when it is absent (the caller skips with a reason). */
export function sharedData(sub: string): string | null {
  const path = join(SHARED_DATA, sub);
  return existsSync(path) ? path : null;
}

export function tempDir(prefix: string): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), `dsn-${prefix}-`));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

export async function testEngine(dataDir: string, institution = { id: 'test-inst', displayName: 'Test Institution' }): Promise<Engine> {
  return createEngine({ dataDir, keyProtector: passphraseKeyProtector(TEST_PASSPHRASE, 'test'), institution, actor: 'test' });
}

export function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...filesUnder(path));
    else out.push(path);
  }
  return out;
}

/**
 * Every byte the engine wrote under `dataDir`, as text views to search: each file's raw bytes
 * decoded as UTF-8, plus for SQLite files a logical dump
 * of every table, because long values can be split across overflow pages in the raw file,
 * and for gzip files (the de-identified BGZF VCF copies) their decompressed text.
 */
export function writtenText(dataDir: string): { file: string; text: string }[] {
  const views: { file: string; text: string }[] = [];
  for (const file of filesUnder(dataDir)) {
    const bytes = readFileSync(file);
    views.push({ file, text: bytes.toString('utf8') });
    if (bytes[0] === 0x1f && bytes[1] === 0x8b) views.push({ file: `${file} gunzipped`, text: gunzipSync(bytes).toString('utf8') });
    if (file.endsWith('.sqlite')) {
      const db = new Database(file, { readonly: true });
      const tables = db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table'`).pluck().all() as string[];
      for (const table of tables) {
        const rows = db.prepare(`SELECT * FROM "${table}"`).raw().all() as unknown[][];
        views.push({ file: `${file} table ${table}`, text: rows.map((r) => r.join('\u0001')).join('\n') });
      }
      db.close();
    }
  }
  return views;
}

/** Identifying strings found in FHIR inputs, by class; see `collectFhirMarkers`. */
export interface FhirMarkers {
  names: Set<string>;
  identifiers: Set<string>;
  streets: Set<string>;
  cities: Set<string>;
  postalCodes: Set<string>;
  phones: Set<string>;
  emails: Set<string>;
  dates: Set<string>;
}

const DATE = /\b(\d{4})-(\d{2})-(\d{2})\b/g;

/**
 * Walks every JSON value of the inputs and collects what Safe Harbor must remove. Short or
 * purely numeric values are left out where they would match unrelated numbers the store holds
 * legitimately (day offsets, counts): numeric identifiers need 7+ digits, names 4+ letters.
 * The unit tests of each rule cover those classes with unique markers instead.
 */
export function collectFhirMarkers(values: Iterable<unknown>): FhirMarkers {
  const m: FhirMarkers = { names: new Set(), identifiers: new Set(), streets: new Set(), cities: new Set(), postalCodes: new Set(), phones: new Set(), emails: new Set(), dates: new Set() };
  const addIdentifier = (v: unknown) => {
    if (typeof v !== 'string') return;
    const s = v.trim();
    if (/^\d+$/.test(s) ? s.length >= 7 : s.length >= 6 && /\d/.test(s)) m.identifiers.add(s);
  };
  const visit = (node: unknown, key: string | null): void => {
    if (typeof node === 'string') {
      for (const match of node.matchAll(DATE)) m.dates.add(match[0]);
      return;
    }
    if (Array.isArray(node)) {
      for (const item of node) visit(item, key);
      return;
    }
    if (typeof node !== 'object' || node === null) return;
    const o = node as Record<string, unknown>;
    if (key === 'name' || 'family' in o || 'given' in o) {
      for (const part of [o.family, ...(Array.isArray(o.given) ? o.given : [])]) {
        if (typeof part === 'string' && part.trim().length >= 4) m.names.add(part.trim());
      }
    }
    if (key === 'identifier') addIdentifier(o.value);
    if (key === 'address' || key === 'birthPlace') {
      for (const line of Array.isArray(o.line) ? o.line : []) if (typeof line === 'string' && line.length >= 6) m.streets.add(line);
      if (typeof o.city === 'string' && o.city.length >= 4) m.cities.add(o.city);
      if (typeof o.postalCode === 'string' && o.postalCode.replace(/\D/g, '').length >= 5) m.postalCodes.add(o.postalCode);
    }
    if (key === 'telecom' && typeof o.value === 'string') {
      if (o.system === 'email' || o.value.includes('@')) m.emails.add(o.value);
      else if (o.value.replace(/\D/g, '').length >= 7) m.phones.add(o.value);
    }
    for (const [k, v] of Object.entries(o)) visit(v, k);
  };
  for (const value of values) visit(value, null);
  return m;
}

/** Reads every JSON and NDJSON file under `dir` (no streaming: test inputs are small). */
export function* readJsonInputs(dir: string): Generator<unknown> {
  for (const file of filesUnder(dir)) {
    const text = readFileSync(file, 'utf8').replace(/^\uFEFF/, '');
    if (file.endsWith('.ndjson')) {
      for (const line of text.split('\n')) {
        if (!line.trim()) continue;
        try {
          yield JSON.parse(line);
        } catch {
          /* malformed lines are the importer's problem, not the marker collector's */
        }
      }
    } else if (file.endsWith('.json')) {
      try {
        yield JSON.parse(text);
      } catch {
        /* as above */
      }
    }
  }
}

/**
 * Multi-pattern search (Aho–Corasick) of all markers over all views in one pass each, with a
 * word-boundary check so "Ann" does not hit "Annotation". Returns [marker, where] for each hit.
 */
export function scanForMarkers(views: { file: string; text: string }[], markers: Iterable<string>): [string, string][] {
  type Node = { next: Map<number, number>; fail: number; out: string[] };
  const nodes: Node[] = [{ next: new Map(), fail: 0, out: [] }];
  for (const marker of new Set(markers)) {
    if (!marker) continue;
    let s = 0;
    for (let i = 0; i < marker.length; i++) {
      const c = marker.charCodeAt(i);
      let t = nodes[s]!.next.get(c);
      if (t === undefined) {
        t = nodes.length;
        nodes.push({ next: new Map(), fail: 0, out: [] });
        nodes[s]!.next.set(c, t);
      }
      s = t;
    }
    nodes[s]!.out.push(marker);
  }
  const queue: number[] = [];
  for (const t of nodes[0]!.next.values()) queue.push(t);
  while (queue.length > 0) {
    const r = queue.shift()!;
    for (const [c, u] of nodes[r]!.next) {
      queue.push(u);
      let f = nodes[r]!.fail;
      while (f !== 0 && !nodes[f]!.next.has(c)) f = nodes[f]!.fail;
      const g = nodes[f]!.next.get(c);
      nodes[u]!.fail = g !== undefined && g !== u ? g : 0;
      nodes[u]!.out.push(...nodes[nodes[u]!.fail]!.out);
    }
  }
  const isWord = (c: number) => (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
  const hits = new Map<string, string>();
  for (const view of views) {
    const text = view.text;
    let s = 0;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      while (s !== 0 && !nodes[s]!.next.has(c)) s = nodes[s]!.fail;
      s = nodes[s]!.next.get(c) ?? 0;
      for (const marker of nodes[s]!.out) {
        if (hits.has(marker)) continue;
        const start = i - marker.length + 1;
        const before = start > 0 ? text.charCodeAt(start - 1) : 32;
        const after = i + 1 < text.length ? text.charCodeAt(i + 1) : 32;
        const needsLeft = isWord(marker.charCodeAt(0));
        const needsRight = isWord(marker.charCodeAt(marker.length - 1));
        if ((!needsLeft || !isWord(before)) && (!needsRight || !isWord(after))) hits.set(marker, view.file);
      }
    }
  }
  return [...hits];
}
