// The outbox's own rules, against an in-memory stand-in for the store (the real store, minio and
// TLS are exercised in tests/integration/consortium-transport.test.ts).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { openMemory } from '../store/database.ts';
import type { WritableDB } from '../store/database.ts';
import { migrate, migrations } from '../store/migrations/index.ts';
import { migration0050 } from '../store/migrations/0050-consortium.ts';
import { CancellationError } from '../util/errors.ts';
import { ConsortiumStoreError } from './consortium-object-store.ts';
import type { StoredObjectInfo } from './consortium-object-store.ts';
import { UploadOutbox } from './upload-outbox.ts';
import type { OutboxObjectStore } from './upload-outbox.ts';

const NOW = new Date('2024-05-01T12:00:00.000Z');
const SIGNATURE = 'eyJhbGciOiJQUzI1NiJ9..c2lnbmF0dXJl';

function database(): WritableDB {
  const db = openMemory();
  migrate(db, [...migrations.filter((m) => m.version < migration0050.version), migration0050]);
  return db;
}

/** Objects in a Map; `failOn` makes a PUT of that key fail the way an unreachable store does. */
class MemoryStore implements OutboxObjectStore {
  readonly objects = new Map<string, { bytes: Buffer; metadata: Record<string, string> }>();
  readonly puts: string[] = [];
  failOn?: string;

  async statObject(key: string): Promise<StoredObjectInfo | undefined> {
    const found = this.objects.get(key);
    return found && { key, size: found.bytes.length, etag: createHash('md5').update(found.bytes).digest('hex'), lastModified: NOW, metadata: found.metadata };
  }

  async putObject(key: string, bytes: Buffer, metadata: Record<string, string> = {}): Promise<{ etag: string }> {
    if (key === this.failOn) throw new ConsortiumStoreError('Cannot reach the consortium store (ECONNREFUSED).', 'ECONNREFUSED', true);
    this.puts.push(key);
    this.objects.set(key, { bytes, metadata });
    return { etag: createHash('md5').update(bytes).digest('hex') };
  }
}

const item = (objectKey: string, text = objectKey) => ({ objectKey, content: Buffer.from(text), signature: SIGNATURE, kind: 'model-update', metadata: { round: '1' } });

describe('upload outbox', () => {
  it('refuses keys, signatures and metadata the store could not take', () => {
    const outbox = new UploadOutbox(database());
    for (const objectKey of ['', '../escape.json', 'a//b.json', 'update.json.jws']) {
      assert.throws(() => outbox.enqueue(item(objectKey)), { code: 'invalid-object-key' }, objectKey);
    }
    assert.throws(() => outbox.enqueue({ ...item('a.json'), signature: 'not a jws' }), { code: 'invalid-signature' });
    const refused: Record<string, string>[] = [{ Round: '1' }, { 'content-sha256': 'x' }, { note: 'Ünïcode' }, { big: 'x'.repeat(3000) }];
    for (const metadata of refused) {
      assert.throws(() => outbox.enqueue({ ...item('a.json'), metadata }), { code: 'invalid-metadata' }, JSON.stringify(metadata).slice(0, 40));
    }
  });

  it('uploads in order, signature first, and stops at the first unreachable store with a backoff', async () => {
    const db = database();
    const outbox = new UploadOutbox(db, { now: () => NOW, backoff: { baseMs: 60_000, maxMs: 600_000 }, random: () => 1 });
    for (const key of ['1.json', '2.json', '3.json']) outbox.enqueue(item(key));
    const store = new MemoryStore();
    store.failOn = '2.json';
    const result = await outbox.drain(store);
    assert.deepEqual(result, { uploaded: 1, alreadyPresent: 0, failed: 1, pending: 2, stoppedBy: { code: 'ECONNREFUSED', message: 'Cannot reach the consortium store (ECONNREFUSED).' } });
    assert.deepEqual(store.puts, ['1.json.jws', '1.json', '2.json.jws'], 'the third item was not tried');
    assert.equal(store.objects.get('1.json')?.metadata['content-sha256'], createHash('sha256').update('1.json').digest('hex'));
    assert.equal(store.objects.get('1.json')?.metadata.round, '1');
    assert.equal(store.objects.get('1.json.jws')?.metadata['content-type'], 'application/jose');
    const [failed, untouched] = outbox.pending();
    assert.equal(failed?.attempts, 1);
    assert.equal(failed?.lastError, 'ECONNREFUSED: Cannot reach the consortium store (ECONNREFUSED).');
    assert.equal(failed?.nextAttemptAt, new Date(NOW.getTime() + 60_000).toISOString(), 'first retry after at most the base delay');
    assert.equal(untouched?.attempts, 0);
    assert.deepEqual(await outbox.drain(store), { uploaded: 0, alreadyPresent: 0, failed: 0, pending: 2 }, 'the head is backing off and the rest waits behind it');
    store.failOn = undefined;
    assert.deepEqual(await outbox.drain(store, { ignoreBackoff: true }), { uploaded: 2, alreadyPresent: 0, failed: 0, pending: 0 });
    assert.deepEqual(outbox.history(3).map((e) => [e.objectKey, e.size, e.attempts, e.uploadedAt]), [
      ['3.json', 6, 1, NOW.toISOString()],
      ['2.json', 6, 2, NOW.toISOString()],
      ['1.json', 6, 1, NOW.toISOString()],
    ]);
  });

  it('marks an object the store already holds with the same hash without sending it, and sets aside a conflict', async () => {
    const outbox = new UploadOutbox(database(), { now: () => NOW });
    outbox.enqueue(item('kept.json'));
    outbox.enqueue(item('taken.json'));
    outbox.enqueue(item('after.json'));
    const store = new MemoryStore();
    const sha = createHash('sha256').update('kept.json').digest('hex');
    store.objects.set('kept.json', { bytes: Buffer.from('kept.json'), metadata: { 'content-sha256': sha } });
    store.objects.set('taken.json', { bytes: Buffer.from('someone else'), metadata: { 'content-sha256': 'f'.repeat(64) } });
    const result = await outbox.drain(store);
    assert.deepEqual(result, { uploaded: 1, alreadyPresent: 1, failed: 1, pending: 1 });
    assert.deepEqual(store.puts, ['kept.json.jws', 'after.json.jws', 'after.json'], 'only the missing signature and the next item were sent');
    assert.match(outbox.pending()[0]?.lastError ?? '', /^object-conflict: The store already holds different content under "taken.json"/);
    outbox.enqueue(item('later.json'));
    assert.deepEqual(await outbox.drain(store), { uploaded: 1, alreadyPresent: 0, failed: 0, pending: 1 }, 'a set-aside conflict does not hold the queue');
  });

  it('stops when cancelled', async () => {
    const outbox = new UploadOutbox(database());
    outbox.enqueue(item('a.json'));
    await assert.rejects(outbox.drain(new MemoryStore(), { signal: AbortSignal.abort() }), CancellationError);
    assert.equal(outbox.pending().length, 1);
  });
});
