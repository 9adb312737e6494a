// Readmission models: the registry (ONNX bytes with their card, stage and provenance), training
// runs, and the append-only prediction log. A model's id is the SHA-256 of its ONNX bytes, checked
// again before every load. Predictions carry pseudonyms and shifted day numbers only.
import type { Migration } from './index.ts';

export const migration0040: Migration = {
  version: 40,
  name: 'models',
  up(db) {
    db.exec(`
      CREATE TABLE training_run (
        id INTEGER PRIMARY KEY,
        started_at TEXT NOT NULL,
        finished_at TEXT NOT NULL,
        -- kind, test fraction, seed, L2, class weighting
        parameters TEXT NOT NULL,
        -- admissions, positives, split sizes, feature set, last import batch: what the model saw
        data_snapshot TEXT NOT NULL,
        metrics TEXT NOT NULL,
        model_id TEXT NOT NULL
      ) STRICT;

      CREATE TABLE model (
        -- SHA-256 of the ONNX bytes, hex
        id TEXT PRIMARY KEY CHECK (length(id) = 64),
        name TEXT NOT NULL,
        version TEXT NOT NULL,
        kind TEXT NOT NULL,
        stage TEXT NOT NULL CHECK (stage IN ('candidate', 'active', 'retired')),
        source TEXT NOT NULL CHECK (source IN ('bundled', 'local-training', 'consortium', 'imported')),
        onnx BLOB NOT NULL,
        card TEXT NOT NULL,
        feature_set_name TEXT NOT NULL,
        feature_set_version TEXT NOT NULL,
        -- detached JWS of the consortium model-signing certificate, for consortium models
        signature TEXT,
        training_run_id INTEGER REFERENCES training_run(id),
        registered_at TEXT NOT NULL,
        activated_at TEXT,
        retired_at TEXT
      ) STRICT;
      CREATE UNIQUE INDEX model_single_active ON model(stage) WHERE stage = 'active';

      -- Every activation in order; rollback re-activates the model before the current one.
      CREATE TABLE model_activation (
        seq INTEGER PRIMARY KEY,
        model_id TEXT NOT NULL REFERENCES model(id),
        previous_model_id TEXT REFERENCES model(id),
        at TEXT NOT NULL,
        actor TEXT NOT NULL,
        reason TEXT NOT NULL CHECK (reason IN ('initial', 'activate', 'rollback'))
      ) STRICT;

      CREATE TABLE score_run (
        id INTEGER PRIMARY KEY,
        model_id TEXT NOT NULL REFERENCES model(id),
        started_at TEXT NOT NULL,
        finished_at TEXT NOT NULL,
        admissions INTEGER NOT NULL,
        seconds REAL NOT NULL,
        -- thresholds in force, metrics and curves on the labelled admissions (JSON)
        summary TEXT NOT NULL
      ) STRICT;

      -- Append-only: one row per admission per scoring run.
      CREATE TABLE prediction (
        id INTEGER PRIMARY KEY,
        run_id INTEGER NOT NULL REFERENCES score_run(id),
        model_id TEXT NOT NULL,
        encounter_key TEXT NOT NULL,
        pseudonym TEXT NOT NULL,
        admit_day INTEGER NOT NULL,
        length_of_stay INTEGER NOT NULL,
        -- SHA-256 (hex, first 32) of the float32 feature vector: what exactly was scored
        feature_hash TEXT NOT NULL,
        risk REAL NOT NULL,
        -- level at scoring time; the Risk view recomputes levels with the thresholds in force
        level TEXT NOT NULL CHECK (level IN ('low', 'moderate', 'high')),
        top_factors TEXT NOT NULL,
        lace INTEGER NOT NULL,
        hospital INTEGER NOT NULL,
        readmitted INTEGER NOT NULL CHECK (readmitted IN (0, 1)),
        scored_at TEXT NOT NULL
      ) STRICT;
      CREATE INDEX prediction_run_risk ON prediction(run_id, risk);
    `);
  },
};
