// Turns what the user picked (files and folders) into the list of files to import, and
// tells what each one is by its content, not its name: exports arrive gzipped, renamed,
// or with no extension at all (DICOM files and DICOMDIR rarely have one).
import { readdirSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { InvalidInputError } from '../util/errors.ts';
import { sniffFhirJsonKind } from './fhir/fhir-json-kind.ts';
import { peekInputBytes } from './input-text-stream.ts';

/** One file to import, as found on disk. */
export interface InputFile {
  path: string;
  bytes: number;
  mtimeMs: number;
}

/** What a file contains, as far as the importers are concerned. */
export type InputKind = 'fhir-json' | 'fhir-ndjson' | 'dicom' | 'vcf' | 'unknown';

function notFound(path: string): InvalidInputError {
  return new InvalidInputError(`Input path does not exist: ${path}`, 'input-not-found', path);
}

/**
 * Expands folders recursively (skipping dot-files and dot-folders, following symlinks but
 * never into a folder already visited), removes duplicates (the same file reached twice)
 * and returns the files sorted by path. Throws InvalidInputError for a missing path.
 */
export async function listInputFiles(paths: string[]): Promise<InputFile[]> {
  const files = new Map<string, InputFile>();
  const visitedFolders = new Set<string>();

  // Blocking calls on purpose: this runs on the import thread, and a DICOM folder holds thousands
  // of files; a thread-pool round trip per stat cost more than the stats (2,000 files: ~100 ms).
  function visit(path: string, explicit: boolean): void {
    let info;
    try {
      info = statSync(path, { bigint: true });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      // A dangling symlink or a file deleted meanwhile inside a folder is not the user's doing.
      if (!explicit && (code === 'ENOENT' || code === 'ELOOP')) return;
      if (code === 'ENOENT' || code === 'ENOTDIR') throw notFound(path);
      throw new InvalidInputError(
        `Input path cannot be read (${code ?? 'I/O error'}): ${path}`,
        'unreadable-input',
        path,
      );
    }
    // Device and inode identify a file or folder whatever link or relative path led to it.
    const identity = `${info.dev}:${info.ino}`;
    if (info.isDirectory()) {
      if (visitedFolders.has(identity)) return;
      visitedFolders.add(identity);
      for (const name of readdirSync(path)) if (!name.startsWith('.')) visit(join(path, name), false);
    } else if (info.isFile() && !files.has(identity)) {
      files.set(identity, { path, bytes: Number(info.size), mtimeMs: Number(info.mtimeMs) });
    }
  }

  for (const path of paths) visit(resolve(path), true);
  return [...files.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

// Two-letter value representations (PS3.5 Table 6.2-1), to recognise an explicit-VR element.
const DICOM_VRS = new Set(
  'AE AS AT CS DA DS DT FD FL IS LO LT OB OD OF OL OV OW PN SH SL SQ SS ST SV TM UC UI UL UN UR US UT UV'.split(
    ' ',
  ),
);

/**
 * A file written without the 128-byte preamble and 'DICM' (older ACR-NEMA style, or
 * PS3.10 files stripped by some tools) starts directly with a data element: group 0002
 * (meta) or 0008 (identification) followed by an explicit VR or a small even length.
 */
function looksLikeDicomWithoutPreamble(bytes: Buffer): boolean {
  if (bytes.length < 8) return false;
  const groupLe = bytes.readUInt16LE(0);
  const groupBe = bytes.readUInt16BE(0);
  const vr = bytes.toString('latin1', 4, 6);
  if (groupLe === 0x0002 || groupLe === 0x0008) {
    if (DICOM_VRS.has(vr)) return true;
    const length = bytes.readUInt32LE(4);
    return length % 2 === 0 && length <= 0x10000;
  }
  // Explicit VR big endian (retired transfer syntax) has the VR at the same place.
  return groupBe === 0x0008 && DICOM_VRS.has(vr);
}

/** PS3.10 7.1: a 128-byte preamble, then 'DICM'. */
const hasDicomPrefix = (head: Buffer) => head.length >= 132 && head.toString('latin1', 128, 132) === 'DICM';

/** Detects the kind of an input file from its (gunzipped) first bytes; 'unknown' if none fits. */
export async function detectInputKind(path: string): Promise<InputKind> {
  let head: Buffer;
  try {
    head = await peekInputBytes(path, undefined, hasDicomPrefix);
  } catch (error) {
    if (error instanceof InvalidInputError && error.code === 'input-not-found')
      throw notFound(path);
    throw error;
  }
  const name = basename(path);
  if (hasDicomPrefix(head)) return 'dicom';
  if (name.toUpperCase() === 'DICOMDIR' && head.length > 0) return 'dicom';
  const text = head.toString('utf8');
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  if (body.startsWith('##fileformat=VCF')) return 'vcf';
  const json = sniffFhirJsonKind(text, name);
  if (json) return json;
  if (looksLikeDicomWithoutPreamble(head)) return 'dicom';
  return 'unknown';
}
