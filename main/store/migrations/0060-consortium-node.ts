// The node's side of the consortium: its enrolment (institution key wrapped like the pseudonym
// key, CSR, certificate, pinned CA), the store endpoint (secret wrapped), the last CRL, signed
// requests with the exact payload proposed in answer, the release and privacy-budget ledgers,
// the newest model version seen per model (rollback protection) and the history of syncs.
import type { Migration } from './index.ts';

export const migration0060: Migration = {
  version: 60,
  name: 'consortium-node',
  up(db) {
    db.exec(`
      CREATE TABLE consortium_identity (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        wrapped_key BLOB NOT NULL,
        csr_pem TEXT NOT NULL,
        country TEXT NOT NULL,
        certificate_pem TEXT,
        ca_pem TEXT,
        created_at TEXT NOT NULL,
        enrolled_at TEXT,
        -- renewal: a new key and CSR wait here while the current certificate stays in use
        pending_wrapped_key BLOB,
        pending_csr_pem TEXT
      ) STRICT;

      CREATE TABLE consortium_endpoint (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        url TEXT NOT NULL,
        bucket TEXT NOT NULL,
        access_key TEXT NOT NULL,
        wrapped_secret BLOB NOT NULL,
        proxy_url TEXT,
        updated_at TEXT NOT NULL
      ) STRICT;

      CREATE TABLE consortium_crl (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        crl_pem TEXT NOT NULL,
        fetched_at TEXT NOT NULL,
        next_update TEXT NOT NULL
      ) STRICT;

      CREATE TABLE consortium_request (
        sequence INTEGER PRIMARY KEY,
        kind TEXT NOT NULL,
        round TEXT,
        request_json TEXT NOT NULL,
        signature TEXT NOT NULL,
        issued_at TEXT NOT NULL,
        expires_at TEXT NOT NULL,
        received_at TEXT NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('pending-review', 'approved', 'rejected', 'refused', 'uploaded')),
        payload_json TEXT,
        payload_sha256 TEXT,
        checks TEXT NOT NULL DEFAULT '[]',
        refusal TEXT,
        -- ledger entries this release will add once approved (cohort member hashes, epsilon spent)
        pending_ledger TEXT,
        object_key TEXT,
        decided_by TEXT,
        decided_at TEXT
      ) STRICT;

      CREATE TABLE release_ledger (
        release_id TEXT PRIMARY KEY,
        released_at TEXT NOT NULL,
        -- SHA-256 of the cohort's pseudonyms (never the pseudonyms), JSON array
        member_hashes TEXT NOT NULL
      ) STRICT;

      CREATE TABLE privacy_budget (
        seq INTEGER PRIMARY KEY,
        purpose TEXT NOT NULL,
        epsilon REAL NOT NULL CHECK (epsilon > 0),
        at TEXT NOT NULL
      ) STRICT;

      CREATE TABLE consortium_model_seen (
        model_id TEXT PRIMARY KEY,
        highest_version INTEGER NOT NULL
      ) STRICT;

      CREATE TABLE sync_run (
        id INTEGER PRIMARY KEY,
        started_at TEXT NOT NULL,
        finished_at TEXT,
        state TEXT NOT NULL CHECK (state IN ('running', 'done', 'failed')),
        requests_received INTEGER NOT NULL DEFAULT 0,
        releases_uploaded INTEGER NOT NULL DEFAULT 0,
        models_registered INTEGER NOT NULL DEFAULT 0,
        objects TEXT NOT NULL DEFAULT '[]',
        error TEXT
      ) STRICT;
    `);
  },
};
