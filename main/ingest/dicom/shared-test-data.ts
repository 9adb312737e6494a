// Locating the shared public DICOM test corpus (../shared/data/dicom relative to the repo root)
// and the dcmtk tools, so tests can skip with a stated reason when either is absent.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

/** ../shared/data/dicom from the repository root. */
export const SHARED_DICOM_DIR = resolve(repoRoot, '../shared/data/dicom');

export function sharedDicomFile(relative: string): string | null {
  const path = join(SHARED_DICOM_DIR, relative);
  return existsSync(path) ? path : null;
}

export function listFilesRecursively(dir: string): string[] {
  const files: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) files.push(...listFilesRecursively(path));
    else files.push(path);
  }
  return files;
}

let dcmdump: boolean | undefined;

/** True when dcmtk's dcmdump can be run. */
export function dcmdumpAvailable(): boolean {
  dcmdump ??= spawnSync('dcmdump', ['--version'], { encoding: 'utf8' }).status === 0;
  return dcmdump;
}

/** Runs dcmdump on a file; returns its error and warning lines ("E: ...", "W: ..."). */
export function dcmdumpProblems(path: string): { status: number | null; problems: string[] } {
  const result = spawnSync('dcmdump', ['-dc', path], { encoding: 'latin1', maxBuffer: 64 * 1024 * 1024 });
  const problems = `${result.stderr}\n${result.stdout}`.split('\n').filter((line) => /^[EF]: /.test(line));
  return { status: result.status, problems };
}
