import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openMemory } from '../../main/store/database.ts';
import { migrate } from '../../main/store/migrations/index.ts';
import { AuditTrail } from '../../main/audit/audit-trail.ts';
import { sql } from '../../main/store/sql.ts';

function trailWithEntries(n: number) {
  const db = openMemory();
  migrate(db);
  const trail = new AuditTrail(db, Buffer.alloc(32, 1));
  for (let i = 0; i < n; i++) trail.append('test', `action.${i}`, { i });
  return { db, trail };
}

test('an untouched chain verifies', () => {
  const { trail } = trailWithEntries(5);
  assert.deepEqual(trail.verify(), { ok: true, checked: 5, problems: [] });
});

test('an edited row is reported by its number', () => {
  const { db, trail } = trailWithEntries(5);
  db.run(sql`UPDATE audit SET details = '{"i":99}' WHERE seq = 3`);
  const result = trail.verify();
  assert.equal(result.ok, false);
  assert.deepEqual(result.problems.map((p) => [p.seq, p.kind]), [[3, 'edited']]);
});

test('an edited row whose hash was recomputed still breaks the link to the next row', async () => {
  const { db, trail } = trailWithEntries(5);
  const { createHash } = await import('node:crypto');
  const row = db.get<{ seq: number; at: string; actor: string; action: string; prev_hash: string }>(sql`SELECT * FROM audit WHERE seq = 2`)!;
  const details = '{"i":42}';
  const hash = createHash('sha256').update(JSON.stringify([row.seq, row.at, row.actor, row.action, details, row.prev_hash])).digest('hex');
  db.run(sql`UPDATE audit SET details = ${details}, hash = ${hash} WHERE seq = 2`);
  const result = trail.verify();
  assert.equal(result.ok, false);
  assert.equal(result.problems[0]?.seq, 3);
});

test('a deleted row in the middle and at the end are both reported', () => {
  const middle = trailWithEntries(5);
  middle.db.run(sql`DELETE FROM audit WHERE seq = 2`);
  assert.deepEqual(middle.trail.verify().problems.map((p) => [p.seq, p.kind]).slice(0, 1), [[3, 'deleted']]);
  const tail = trailWithEntries(5);
  tail.db.run(sql`DELETE FROM audit WHERE seq = 5`);
  const result = tail.trail.verify();
  assert.equal(result.ok, false);
  assert.deepEqual(result.problems.map((p) => p.kind), ['deleted']);
});

test('a row appended outside the app is reported as inserted', () => {
  const { db, trail } = trailWithEntries(3);
  const last = db.get<{ hash: string }>(sql`SELECT hash FROM audit WHERE seq = 3`)!;
  db.run(sql`INSERT INTO audit (seq, at, actor, action, details, prev_hash, hash) VALUES (4, 'x', 'evil', 'import.finished', '{}', ${last.hash}, 'ffff')`);
  const kinds = trail.verify().problems.map((p) => p.kind);
  assert.ok(kinds.includes('inserted'));
});
