import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openMemory } from '../../main/store/database.ts';
import { LATEST_SCHEMA_VERSION, migrate, migrations, schemaVersion } from '../../main/store/migrations/index.ts';
import { sql } from '../../main/store/sql.ts';

test('migrations are numbered in steps of ten, ascending', () => {
  migrations.forEach((m, i) => {
    assert.equal(m.version % 10, 0, `${m.name} version ${m.version}`);
    if (i > 0) assert.ok(m.version > migrations[i - 1]!.version);
  });
});

test('0010-initial creates STRICT tables on an in-memory database', () => {
  const db = openMemory();
  assert.deepEqual(migrate(db), migrations.map((m) => m.version));
  assert.equal(schemaVersion(db), LATEST_SCHEMA_VERSION);
  const tables = db.all<{ name: string; strict: number }>(sql`SELECT name, strict FROM pragma_table_list WHERE schema = 'main' AND name NOT LIKE 'sqlite_%'`);
  assert.ok(tables.length >= 7);
  for (const t of tables) assert.equal(t.strict, 1, `${t.name} is STRICT`);
  assert.throws(() => db.run(sql`INSERT INTO patient (pseudonym, birth_year, first_batch_id) VALUES ('p', 'not a number', 1)`));
  db.close();
});

test('migrating twice applies nothing the second time', () => {
  const db = openMemory();
  migrate(db);
  assert.deepEqual(migrate(db), []);
  db.close();
});

test('a database from a newer version is refused and left untouched', () => {
  const db = openMemory();
  migrate(db);
  db.pragma(`user_version = ${LATEST_SCHEMA_VERSION + 10}`);
  assert.throws(() => migrate(db), (e: Error & { code?: string }) => e.code === 'schema-newer' && /newer version/.test(e.message));
  assert.equal(schemaVersion(db), LATEST_SCHEMA_VERSION + 10);
  db.close();
});

test('the sql template binds values and asserts identifiers', async () => {
  const { sqlId } = await import('../../main/store/sql.ts');
  const q = sql`SELECT * FROM ${sqlId('patient')} WHERE sex = ${"x' OR 1=1 --"}`;
  assert.equal(q.text, 'SELECT * FROM "patient" WHERE sex = ?');
  assert.deepEqual(q.params, ["x' OR 1=1 --"]);
  assert.throws(() => sqlId('patient; DROP TABLE audit'));
});
