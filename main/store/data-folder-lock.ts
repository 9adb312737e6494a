// One engine per data folder at a time. A second process (a scheduled `dataspace import` while the
// desktop app is open, say) would otherwise take the first one's running import for a crashed one
// and mark it interrupted, and the two would write the same store from two places. The lock is
// SQLite's own exclusive lock on `engine.lock`, which the operating system drops when a process
// ends, however it ends; `engine.lock.json` beside it says who holds it, for the message.
import { hostname } from 'node:os';
import { join } from 'node:path';
import { readFileSync, rmSync } from 'node:fs';
import { EngineSetupError } from '../util/errors.ts';
import { holdExclusiveLock } from './database.ts';
import { writeFileAtomic } from './data-folder.ts';

export interface DataFolderLockHolder {
  pid: number;
  host: string;
  actor: string;
  since: string;
}

export interface DataFolderLock {
  release(): void;
}

/** Takes the data folder for this engine, or throws EngineSetupError `data-folder-in-use`. */
export function lockDataFolder(root: string, actor: string, now: () => Date = () => new Date()): DataFolderLock {
  const lockFile = join(root, 'engine.lock');
  const infoFile = `${lockFile}.json`;
  const held = holdExclusiveLock(lockFile);
  if (!held) {
    throw new EngineSetupError(`The data folder ${root} is in use by ${describeHolder(infoFile)}. Close it, or run this again when it has finished.`, 'data-folder-in-use');
  }
  const holder: DataFolderLockHolder = { pid: process.pid, host: hostname(), actor, since: now().toISOString() };
  writeFileAtomic(infoFile, `${JSON.stringify(holder)}\n`);
  let released = false;
  return {
    release() {
      if (released) return;
      released = true;
      rmSync(infoFile, { force: true });
      held.release();
    },
  };
}

function describeHolder(infoFile: string): string {
  try {
    const holder = JSON.parse(readFileSync(infoFile, 'utf8')) as DataFolderLockHolder;
    const here = holder.host === hostname();
    const parts = [holder.actor, `process ${holder.pid}${here ? '' : ` on ${holder.host}`}`];
    if (here && holder.pid === process.pid) parts.push('this process');
    return `another DataSpace Node engine (${[...parts, `since ${holder.since}`].join(', ')})`;
  } catch {
    return 'another DataSpace Node engine';
  }
}
