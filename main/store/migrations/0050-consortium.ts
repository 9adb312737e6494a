// Consortium sync: a durable outbox of signed objects waiting for (or done with) upload to the
// consortium store. An item is enqueued in the same transaction as the work that produced it, so
// a crash never loses an update, and it is keyed by object key so a retry never duplicates one.
import type { Migration } from './index.ts';

export const migration0050: Migration = {
  version: 50,
  name: 'consortium',
  up(db) {
    db.exec(`
      CREATE TABLE sync_outbox (
        id INTEGER PRIMARY KEY,
        object_key TEXT NOT NULL UNIQUE CHECK (length(object_key) BETWEEN 1 AND 1000),
        content BLOB NOT NULL,
        content_sha256 TEXT NOT NULL CHECK (length(content_sha256) = 64),
        -- detached JWS (RFC 7515 Appendix F) over content, uploaded as <object_key>.jws
        signature TEXT NOT NULL,
        -- user metadata sent as x-amz-meta-*, JSON object of strings
        metadata TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(metadata) AND json_type(metadata) = 'object'),
        kind TEXT NOT NULL,
        created_at TEXT NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
        last_error TEXT,
        next_attempt_at TEXT,
        uploaded_at TEXT,
        etag TEXT
      ) STRICT;
      CREATE INDEX sync_outbox_pending ON sync_outbox(id) WHERE uploaded_at IS NULL;
      CREATE INDEX sync_outbox_uploaded ON sync_outbox(uploaded_at) WHERE uploaded_at IS NOT NULL;
    `);
  },
};
