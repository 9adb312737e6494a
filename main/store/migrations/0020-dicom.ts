// DICOM: imaging studies, series and instances linked to patient pseudonyms, the review list of
// held-back files, and the DICOM policy of each import batch. Like 0010, no column ever holds a
// name, identifier value, source path, original UID or calendar date: UIDs are the 2.25 keyed
// replacements, days are shifted day numbers, paths are relative to the data folder.
//
// Quarantined files: their ORIGINAL bytes are not kept anywhere under the data folder (they still
// carry every identifier, which is exactly why they were held back). A row keeps only what a
// reviewer needs to decide (reason, SOP class, modality, pseudonym, shifted day, size) and a keyed
// fingerprint of the content, so the same file is recognised on re-import; the file path is shown
// only in the live import report, never stored.
import type { Migration } from './index.ts';

export const migration0020: Migration = {
  version: 20,
  name: 'dicom',
  up(db) {
    db.exec(`
      -- The DICOM profile, its version and options in force for the batch, as JSON.
      ALTER TABLE import_batch ADD COLUMN dicom_policy TEXT;

      CREATE TABLE imaging_study (
        study_uid TEXT PRIMARY KEY,
        pseudonym TEXT NOT NULL REFERENCES patient(pseudonym),
        -- Distinct Modality (0008,0060) values of its series, space-separated, sorted.
        modalities TEXT NOT NULL,
        -- Study Date as a shifted day number; NULL unless dates were kept shifted.
        study_day INTEGER,
        series_count INTEGER NOT NULL DEFAULT 0,
        instance_count INTEGER NOT NULL DEFAULT 0,
        batch_id INTEGER NOT NULL REFERENCES import_batch(id)
      ) STRICT;
      CREATE INDEX imaging_study_by_patient ON imaging_study(pseudonym, study_day);

      CREATE TABLE imaging_series (
        series_uid TEXT PRIMARY KEY,
        study_uid TEXT NOT NULL REFERENCES imaging_study(study_uid),
        modality TEXT,
        body_part TEXT,
        sop_class_uid TEXT NOT NULL,
        instance_count INTEGER NOT NULL DEFAULT 0
      ) STRICT;
      CREATE INDEX imaging_series_by_study ON imaging_series(study_uid);

      CREATE TABLE imaging_instance (
        sop_instance_uid TEXT PRIMARY KEY,
        series_uid TEXT NOT NULL REFERENCES imaging_series(series_uid),
        -- The de-identified file: its SHA-256 and where it is, relative to the data folder.
        file_sha256 TEXT NOT NULL,
        relative_path TEXT NOT NULL,
        pixel_sha256 TEXT,
        frames INTEGER,
        bytes INTEGER NOT NULL,
        transfer_syntax TEXT NOT NULL,
        batch_id INTEGER NOT NULL REFERENCES import_batch(id)
      ) STRICT;
      CREATE INDEX imaging_instance_by_series ON imaging_instance(series_uid);

      CREATE TABLE dicom_quarantine (
        id INTEGER PRIMARY KEY,
        reason TEXT NOT NULL,
        sop_class_uid TEXT,
        modality TEXT,
        -- Not a foreign key: a held-back file creates no patient row.
        pseudonym TEXT,
        study_day INTEGER,
        bytes INTEGER NOT NULL,
        -- Keyed HMAC of the file's SHA-256: recognises the same file, reveals nothing.
        source_fingerprint TEXT NOT NULL UNIQUE,
        state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'discarded')),
        batch_id INTEGER NOT NULL REFERENCES import_batch(id),
        decided_at TEXT,
        decided_by TEXT
      ) STRICT;
      CREATE INDEX dicom_quarantine_by_state ON dicom_quarantine(state, id);
    `);
  },
};
