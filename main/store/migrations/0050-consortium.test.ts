import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openMemory } from '../database.ts';
import { sql } from '../sql.ts';
import { migration0050 } from './0050-consortium.ts';
import { migrate, migrations, schemaVersion } from './index.ts';

/** The shared list up to 0050, whether or not 0050 is registered there yet. */
const upTo0050 = [...migrations.filter((m) => m.version < migration0050.version), migration0050];

test('0050-consortium upgrades the previous schema and creates a STRICT sync_outbox', () => {
  const db = openMemory();
  migrate(db, upTo0050.slice(0, -1));
  assert.deepEqual(migrate(db, upTo0050), [50]);
  assert.equal(schemaVersion(db), 50);
  assert.equal(db.pluck<number>(sql`SELECT strict FROM pragma_table_list WHERE name = 'sync_outbox'`), 1);
  assert.deepEqual(
    db.all<{ name: string }>(sql`SELECT name FROM pragma_table_info('sync_outbox')`).map((c) => c.name),
    ['id', 'object_key', 'content', 'content_sha256', 'signature', 'metadata', 'kind', 'created_at', 'attempts', 'last_error', 'next_attempt_at', 'uploaded_at', 'etag'],
  );
  db.close();
});

test('sync_outbox enforces unique keys, hash length, JSON-object metadata and types', () => {
  const db = openMemory();
  migrate(db, upTo0050);
  const insert = (key: string, sha = 'a'.repeat(64), metadata = '{}', content: Buffer | string = Buffer.from('x')) =>
    db.run(sql`INSERT INTO sync_outbox (object_key, content, content_sha256, signature, metadata, kind, created_at)
               VALUES (${key}, ${content}, ${sha}, 'h..s', ${metadata}, 'model-update', '2024-01-01T00:00:00.000Z')`);
  insert('a.json');
  assert.throws(() => insert('a.json'), /UNIQUE/);
  assert.throws(() => insert('b.json', 'abc'), /CHECK/);
  assert.throws(() => insert('c.json', undefined, '[1]'), /CHECK/);
  assert.throws(() => insert('d.json', undefined, 'not json'), /CHECK/);
  assert.throws(() => insert('e.json', undefined, '{}', 'text, not bytes'), /cannot store TEXT value in BLOB column/);
  assert.equal(db.pluck<number>(sql`SELECT attempts FROM sync_outbox WHERE object_key = 'a.json'`), 0);
  db.close();
});
