// Index admissions kept with their features, so scoring, training and statistics read one narrow
// row per admission instead of re-deriving them from every resource. An import marks the patients
// whose resources it changed as stale (bumping a generation), in the same transaction as the
// change; a refresh recomputes stale patients and clears a mark only if its generation is the one
// it read, so a patient changed again meanwhile stays stale. Rows hold pseudonyms, shifted days
// and coded features only, like the resources they come from.
import type { Migration } from './index.ts';

export const migration0070: Migration = {
  version: 70,
  name: 'admission-features',
  up(db) {
    db.exec(`
      CREATE TABLE index_admission (
        encounter_key TEXT PRIMARY KEY,
        pseudonym TEXT NOT NULL,
        -- IndexAdmission as JSON (features without the PGx alert, which follows the genomics tables)
        admission TEXT NOT NULL
      ) STRICT;
      CREATE INDEX index_admission_by_patient ON index_admission(pseudonym);

      CREATE TABLE admission_features_stale (
        pseudonym TEXT PRIMARY KEY,
        generation INTEGER NOT NULL DEFAULT 1
      ) STRICT;
      INSERT INTO admission_features_stale (pseudonym) SELECT pseudonym FROM patient;

      -- A model measured on this store's admissions (metrics JSON, admissions, time), for the steward.
      ALTER TABLE model ADD COLUMN local_evaluation TEXT;
    `);
  },
};
