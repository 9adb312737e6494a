// The connection wrappers keep prepared statements by text: the same text serves get, all and
// pluck in turn without one call's mode leaking into the next, and a full cache still answers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openMemory } from './database.ts';
import { sql, sqlId } from './sql.ts';

test('one statement text answers pluck, get and all in turn, each in its own shape', () => {
  const db = openMemory();
  db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT)');
  for (const [id, name] of [[1, 'a'], [2, 'b']] as const) db.run(sql`INSERT INTO t (id, name) VALUES (${id}, ${name})`);
  const query = (id: number) => sql`SELECT name FROM t WHERE id >= ${id} ORDER BY id`;
  assert.equal(db.pluck(query(1)), 'a');
  assert.deepEqual(db.get(query(2)), { name: 'b' });
  assert.deepEqual(db.all(query(1)), [{ name: 'a' }, { name: 'b' }]);
  assert.equal(db.pluck(query(2)), 'b');
  db.close();
});

test('more distinct statements than the cache holds still run, and old ones are prepared again', () => {
  const db = openMemory();
  for (let i = 0; i < 250; i++) db.exec(`CREATE TABLE t${i} (v INTEGER)`);
  for (let round = 0; round < 2; round++) {
    for (let i = 0; i < 250; i++) db.run(sql`INSERT INTO ${sqlId(`t${i}`)} (v) VALUES (${i})`);
  }
  for (const i of [0, 124, 249]) assert.deepEqual(db.all(sql`SELECT v FROM ${sqlId(`t${i}`)}`), [{ v: i }, { v: i }]);
  db.close();
});

test('a table dropped and made again is read through a statement prepared before', () => {
  const db = openMemory();
  db.exec('CREATE TABLE t (v INTEGER)');
  db.run(sql`INSERT INTO t (v) VALUES (${1})`);
  assert.equal(db.pluck(sql`SELECT count(*) FROM t`), 1);
  db.exec('DROP TABLE t; CREATE TABLE t (v INTEGER, w INTEGER)');
  assert.equal(db.pluck(sql`SELECT count(*) FROM t`), 0);
  db.close();
});
