// The data folder: its layout, the default location (the desktop app's), and first-run setup of
// the database and the pseudonymisation key (256 bits, only ever written wrapped by a KeyProtector).
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { KeyProtector } from './key-protector.ts';
import { EngineSetupError } from '../util/errors.ts';

export const APP_FOLDER_NAME = 'DataSpace Node';

/** Electron's userData for this app on each platform, plus `data`; the CLI uses the same folder. */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (env.DATASPACE_DATA_DIR) return env.DATASPACE_DATA_DIR;
  const home = homedir();
  let base: string;
  if (platform === 'win32') base = env.APPDATA ?? join(home, 'AppData', 'Roaming');
  else if (platform === 'darwin') base = join(home, 'Library', 'Application Support');
  else base = env.XDG_CONFIG_HOME ?? join(home, '.config');
  return join(base, APP_FOLDER_NAME, 'data');
}

export interface DataFolderLayout {
  root: string;
  database: string;
  keyFile: string;
  dicomDir: string;
}

export function dataFolderLayout(root: string): DataFolderLayout {
  return {
    root,
    database: join(root, 'dataspace.sqlite'),
    keyFile: join(root, 'keys', 'pseudonym-key.wrapped'),
    dicomDir: join(root, 'dicom'),
  };
}

/** Writes a file atomically (temp + rename), so a crash never leaves half a key. */
export function writeFileAtomic(path: string, data: Buffer | string, mode = 0o600): void {
  const temp = `${path}.${process.pid}.tmp`;
  writeFileSync(temp, data, { mode });
  renameSync(temp, path);
}

/** Loads the pseudonymisation key, creating it on first run. Returns whether it was created. */
export async function loadOrCreatePseudonymSecret(
  layout: DataFolderLayout,
  protector: KeyProtector,
): Promise<{ secret: Buffer; created: boolean }> {
  if (existsSync(layout.keyFile)) {
    const secret = await protector.unprotect(readFileSync(layout.keyFile));
    if (secret.length !== 32) throw new EngineSetupError('The pseudonymisation key has the wrong length.', 'key-file-damaged');
    return { secret, created: false };
  }
  if (existsSync(layout.database)) {
    throw new EngineSetupError(
      'The data folder has a database but no pseudonymisation key. Restore the key file from backup; a new key would break every pseudonym.',
      'key-missing',
    );
  }
  mkdirSync(join(layout.root, 'keys'), { recursive: true, mode: 0o700 });
  const secret = randomBytes(32);
  writeFileAtomic(layout.keyFile, await protector.protect(secret));
  return { secret, created: true };
}
