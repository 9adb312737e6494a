import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { passphraseKeyProtector } from '../../main/store/key-protector.ts';
import { dataFolderLayout, loadOrCreatePseudonymSecret } from '../../main/store/data-folder.ts';

test('the pseudonymisation key is never written in plain text and needs the right passphrase', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'dsn-key-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const layout = dataFolderLayout(dir);
  const first = await loadOrCreatePseudonymSecret(layout, passphraseKeyProtector('correct horse battery'));
  assert.equal(first.created, true);
  assert.equal(first.secret.length, 32);
  const onDisk = readFileSync(layout.keyFile);
  assert.equal(onDisk.includes(first.secret), false);
  assert.equal(onDisk.toString('utf8').includes(first.secret.toString('hex')), false);
  assert.equal(onDisk.toString('utf8').includes(first.secret.toString('base64')), false);
  const again = await loadOrCreatePseudonymSecret(layout, passphraseKeyProtector('correct horse battery'));
  assert.equal(again.created, false);
  assert.deepEqual(again.secret, first.secret);
  await assert.rejects(loadOrCreatePseudonymSecret(layout, passphraseKeyProtector('wrong passphrase!')), /Wrong passphrase/);
});

test('short passphrases are refused', () => {
  assert.throws(() => passphraseKeyProtector('short'), /at least 8/);
});
