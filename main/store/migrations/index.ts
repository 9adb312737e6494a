// Numbered, forward-only migrations (Signal ts/sql/migrations). PRAGMA user_version holds the
// last applied version; a database from a newer version of the app is refused.
import type { WritableDB } from '../database.ts';
import { EngineSetupError } from '../../util/errors.ts';
import { migration0010 } from './0010-initial.ts';
import { migration0020 } from './0020-dicom.ts';
import { migration0030 } from './0030-genomics.ts';
import { migration0040 } from './0040-models.ts';
import { migration0050 } from './0050-consortium.ts';
import { migration0060 } from './0060-consortium-node.ts';
import { migration0070 } from './0070-admission-features.ts';
import { migration0080 } from './0080-pgx-position-sets.ts';

/** One schema step; `up` runs inside a transaction. */
export interface Migration {
  version: number;
  name: string;
  up(db: WritableDB): void;
}

export const migrations: readonly Migration[] = [migration0010, migration0020, migration0030, migration0040, migration0050, migration0060, migration0070, migration0080];

export const LATEST_SCHEMA_VERSION = migrations[migrations.length - 1]!.version;

export function schemaVersion(db: WritableDB): number {
  return db.pragma('user_version') instanceof Array
    ? Number((db.pragma('user_version') as { user_version: number }[])[0]?.user_version ?? 0)
    : 0;
}

/** Applies every pending migration; returns the versions applied. */
export function migrate(db: WritableDB, list: readonly Migration[] = migrations): number[] {
  const current = schemaVersion(db);
  const latest = list[list.length - 1]?.version ?? 0;
  if (current > latest) {
    throw new EngineSetupError(
      `This data folder was written by a newer version of DataSpace Node (schema ${current}; this version knows up to ${latest}). Update the app; the data was not touched.`,
      'schema-newer',
    );
  }
  const applied: number[] = [];
  for (const migration of list) {
    if (migration.version <= current) continue;
    db.transaction(() => {
      migration.up(db);
      db.pragma(`user_version = ${migration.version}`);
    });
    applied.push(migration.version);
  }
  return applied;
}
