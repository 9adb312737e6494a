// De-identified DICOM files in the data folder, content-addressed:
// `<dataDir>/dicom/<sha256[0..2]>/<sha256>.dcm`. A file is written to a temporary name in the
// same folder and renamed into place, so a reader (or a crash) never sees a partial file under a
// final name; a file that is already there with the same size is the same content and is reused.
import { mkdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { threadId } from 'node:worker_threads';

const DICOM_FOLDER = 'dicom';
const SHA256_HEX = /^[0-9a-f]{64}$/;
const TEMP_NAME = /^\.tmp-(\d+)-[0-9a-f]+$/;

/** Where the file with this content lives, relative to the data folder (forward slashes). */
export function dicomRelativePath(sha256: string): string {
  if (!SHA256_HEX.test(sha256)) throw new Error('not a SHA-256 hex digest');
  return `${DICOM_FOLDER}/${sha256.slice(0, 2)}/${sha256}.dcm`;
}

/** Prefix folders this thread already made, so a large import does not mkdir per file. */
const madeFolders = new Set<string>();

/**
 * Temporary names are unique without a random draw per file: the process (which the abandoned-file
 * sweep checks is gone), this thread, and a counter. Two threads never share a name.
 */
const TEMP_PREFIX = `.tmp-${process.pid}-${threadId.toString(16).padStart(8, '0')}`;
let tempCounter = 0;

/** `join(dataDir, 'dicom')` for the last data folder stored into: one join per import, not per file. */
let lastDataDir = '';
let lastDicomRoot = '';
function dicomRoot(dataDir: string): string {
  if (dataDir !== lastDataDir) {
    lastDicomRoot = join(dataDir, DICOM_FOLDER);
    lastDataDir = dataDir;
  }
  return lastDicomRoot;
}

/**
 * Stores `bytes` (whose SHA-256 is `sha256`) unless an identical file is already there.
 * Synchronous on purpose: it runs on the de-identification worker threads, where blocking is
 * cheaper than a round trip through libuv's small thread pool for every one of thousands of files.
 */
export function storeDicomFile(dataDir: string, bytes: Uint8Array, sha256: string): { relativePath: string; created: boolean } {
  const relativePath = dicomRelativePath(sha256);
  const folder = `${dicomRoot(dataDir)}/${sha256.slice(0, 2)}`;
  const target = `${folder}/${sha256}.dcm`;
  const existing = statSync(target, { throwIfNoEntry: false });
  if (existing?.isFile() && existing.size === bytes.byteLength) return { relativePath, created: false };
  if (!madeFolders.has(folder)) {
    mkdirSync(folder, { recursive: true, mode: 0o700 });
    madeFolders.add(folder);
  }
  const temp = `${folder}/${TEMP_PREFIX}${(++tempCounter).toString(16)}`;
  try {
    writeFileSync(temp, bytes, { mode: 0o600 });
    renameSync(temp, target);
  } catch (error) {
    rmSync(temp, { force: true });
    // The data folder may have been emptied under us: forget the folder and let the caller retry.
    madeFolders.delete(folder);
    throw error;
  }
  return { relativePath, created: true };
}

/** Removes a file this import just stored but will not reference (a conflicting duplicate). */
export function removeDicomFile(dataDir: string, relativePath: string): void {
  dicomRelativePath(relativePath.slice(relativePath.lastIndexOf('/') + 1, -'.dcm'.length));
  rmSync(join(dataDir, relativePath), { force: true });
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Removes the files under `dicom/<prefix>/` that `pick` chooses; returns how many. */
async function removeFiles(dataDir: string, pick: (prefix: string, name: string) => boolean): Promise<number> {
  const root = join(dataDir, DICOM_FOLDER);
  let removed = 0;
  for (const prefix of await readdir(root).catch(() => [] as string[])) {
    for (const name of await readdir(join(root, prefix)).catch(() => [] as string[])) {
      if (!pick(prefix, name)) continue;
      await rm(join(root, prefix, name), { force: true });
      removed++;
    }
  }
  return removed;
}

/** Removes temporary files left by a process that was killed mid-write. */
export function removeAbandonedTemporaryFiles(dataDir: string): Promise<number> {
  return removeFiles(dataDir, (_prefix, name) => {
    const match = TEMP_NAME.exec(name);
    return match !== null && !processAlive(Number(match[1]));
  });
}

const STORED_NAME = /^([0-9a-f]{64})\.dcm$/;

/**
 * Removes stored files no instance row names: what an import that crashed or failed leaves between
 * writing a file and committing its row (at most a transaction's worth, plus files in flight).
 * They are de-identified, but a store should hold only what it records. Only safe while no import
 * is writing, which the engine guarantees by calling it when it opens, holding the data folder.
 */
export function removeUnreferencedDicomFiles(dataDir: string, isReferenced: (sha256: string) => boolean): Promise<number> {
  return removeFiles(dataDir, (prefix, name) => {
    const sha256 = STORED_NAME.exec(name)?.[1];
    return sha256 !== undefined && sha256.slice(0, 2) === prefix && !isReferenced(sha256);
  });
}
