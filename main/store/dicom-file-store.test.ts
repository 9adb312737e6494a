import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dicomRelativePath, removeAbandonedTemporaryFiles, storeDicomFile } from './dicom-file-store.ts';

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

test('files are stored under their SHA-256, once, with no temporary file left behind', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'dicom-store-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const bytes = Buffer.from('DICM-ish content');
  const digest = sha(bytes);
  const first = storeDicomFile(dir, bytes, digest);
  assert.deepEqual(first, { relativePath: `dicom/${digest.slice(0, 2)}/${digest}.dcm`, created: true });
  assert.deepEqual(readFileSync(join(dir, first.relativePath)), bytes);
  const mtime = statSync(join(dir, first.relativePath)).mtimeMs;
  assert.deepEqual(storeDicomFile(dir, bytes, digest), { relativePath: first.relativePath, created: false });
  assert.equal(statSync(join(dir, first.relativePath)).mtimeMs, mtime, 'an identical file is reused, not rewritten');
  assert.deepEqual(readdirSync(join(dir, 'dicom', digest.slice(0, 2))), [`${digest}.dcm`]);
  assert.throws(() => dicomRelativePath('../../etc/passwd'));
});

test('a truncated file under the final name (e.g. after power loss) is replaced', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'dicom-store-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const bytes = Buffer.alloc(4096, 7);
  const digest = sha(bytes);
  mkdirSync(join(dir, 'dicom', digest.slice(0, 2)), { recursive: true });
  writeFileSync(join(dir, dicomRelativePath(digest)), bytes.subarray(0, 100));
  assert.equal((storeDicomFile(dir, bytes, digest)).created, true);
  assert.equal(statSync(join(dir, dicomRelativePath(digest))).size, 4096);
});

test('temporary files of a dead process are removed, those of a live one are kept', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'dicom-store-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const folder = join(dir, 'dicom', 'ab');
  mkdirSync(folder, { recursive: true });
  writeFileSync(join(folder, '.tmp-999999999-abcdef'), 'partial');
  writeFileSync(join(folder, `.tmp-${process.pid}-abcdef`), 'in progress');
  assert.equal(await removeAbandonedTemporaryFiles(dir), 1);
  assert.deepEqual(readdirSync(folder), [`.tmp-${process.pid}-abcdef`]);
});
