// The first schema: institution, audit chain, import batches, files, patients and resources.
// Every table is STRICT; no column ever holds a name, identifier value, file path or calendar date.
import type { Migration } from './index.ts';

export const migration0010: Migration = {
  version: 10,
  name: 'initial',
  up(db) {
    db.exec(`
      CREATE TABLE meta (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
      ) STRICT;

      CREATE TABLE institution (
        id TEXT PRIMARY KEY,
        display_name TEXT NOT NULL,
        created_at TEXT NOT NULL
      ) STRICT;

      CREATE TABLE audit (
        seq INTEGER PRIMARY KEY,
        at TEXT NOT NULL,
        actor TEXT NOT NULL,
        action TEXT NOT NULL,
        details TEXT NOT NULL,
        prev_hash TEXT NOT NULL,
        hash TEXT NOT NULL
      ) STRICT;

      CREATE TABLE import_batch (
        id INTEGER PRIMARY KEY,
        started_at TEXT NOT NULL,
        finished_at TEXT,
        status TEXT NOT NULL CHECK (status IN ('running', 'done', 'failed', 'cancelled', 'interrupted')),
        policy_name TEXT NOT NULL,
        policy_version TEXT NOT NULL,
        files INTEGER NOT NULL DEFAULT 0,
        accepted INTEGER NOT NULL DEFAULT 0,
        inserted INTEGER NOT NULL DEFAULT 0,
        rejected INTEGER NOT NULL DEFAULT 0,
        skipped INTEGER NOT NULL DEFAULT 0
      ) STRICT;

      -- A source file is known by a keyed fingerprint (path, size, mtime) and its content hash;
      -- the path itself is never stored because export file names often carry patient names.
      CREATE TABLE source_file (
        fingerprint TEXT PRIMARY KEY,
        content_sha256 TEXT,
        kind TEXT NOT NULL,
        bytes INTEGER NOT NULL,
        batch_id INTEGER NOT NULL REFERENCES import_batch(id),
        completed INTEGER NOT NULL DEFAULT 0,
        accepted INTEGER NOT NULL DEFAULT 0,
        rejected INTEGER NOT NULL DEFAULT 0,
        skipped INTEGER NOT NULL DEFAULT 0
      ) STRICT;

      CREATE TABLE patient (
        pseudonym TEXT PRIMARY KEY,
        sex TEXT,
        age_group TEXT,
        birth_year INTEGER,
        birth_day INTEGER,
        deceased INTEGER NOT NULL DEFAULT 0,
        deceased_day INTEGER,
        zip3 TEXT,
        state TEXT,
        country TEXT,
        encounters INTEGER NOT NULL DEFAULT 0,
        conditions INTEGER NOT NULL DEFAULT 0,
        observations INTEGER NOT NULL DEFAULT 0,
        medications INTEGER NOT NULL DEFAULT 0,
        first_batch_id INTEGER NOT NULL REFERENCES import_batch(id)
      ) STRICT;

      -- Opaque keys of every source reference that names a patient (Patient/<id>, urn:uuid:...).
      CREATE TABLE patient_alias (
        ref_key TEXT PRIMARY KEY,
        pseudonym TEXT NOT NULL REFERENCES patient(pseudonym)
      ) STRICT;

      CREATE TABLE resource (
        key TEXT PRIMARY KEY,
        type TEXT NOT NULL,
        pseudonym TEXT NOT NULL REFERENCES patient(pseudonym),
        start_day INTEGER,
        end_day INTEGER,
        codes TEXT NOT NULL,
        body TEXT NOT NULL,
        batch_id INTEGER NOT NULL REFERENCES import_batch(id)
      ) STRICT;
      CREATE INDEX resource_by_patient ON resource(pseudonym, type, start_day);
    `);
  },
};
