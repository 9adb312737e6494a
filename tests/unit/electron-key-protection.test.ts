// How the desktop host picks and uses its key protector. The OS keychain is played by a real
// AES-256-GCM key held in memory, with the same interface as Electron's safeStorage.
import assert from 'node:assert/strict';
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { createEngine } from '../../main/engine.ts';
import { dataFolderLayout } from '../../main/store/data-folder.ts';
import { passphraseKeyProtector } from '../../main/store/key-protector.ts';
import { chooseKeyProtector, isKeychainUsable, keyFileProtection, safeStorageKeyProtector, type SafeStorageLike } from '../../electron/key-protection.ts';

/** One user's keychain: encrypts with a key only it holds. */
function memoryKeychain(options: { available?: boolean; backend?: string } = {}): SafeStorageLike {
  const key = randomBytes(32);
  return {
    isAsyncEncryptionAvailable: async () => options.available ?? true,
    getSelectedStorageBackend: () => options.backend ?? 'gnome_libsecret',
    async encryptStringAsync(plainText) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const data = Buffer.concat([cipher.update(plainText, 'utf8'), cipher.final()]);
      return Buffer.concat([iv, cipher.getAuthTag(), data]);
    },
    async decryptStringAsync(encrypted) {
      const decipher = createDecipheriv('aes-256-gcm', key, encrypted.subarray(0, 12));
      decipher.setAuthTag(encrypted.subarray(12, 28));
      const result = Buffer.concat([decipher.update(encrypted.subarray(28)), decipher.final()]).toString('utf8');
      return { result, shouldReEncrypt: false };
    },
  };
}

const PASSPHRASE = 'test-passphrase-123';

describe('desktop key protection', () => {
  it('protects a new data folder with the OS keychain when one is usable', async () => {
    const keychain = memoryKeychain();
    const choice = await chooseKeyProtector({ existingKeyFile: null, storage: keychain, platform: 'linux', env: { DATASPACE_PASSPHRASE: PASSPHRASE } });
    assert.ok(choice.ok);
    assert.equal(choice.protector.kind, 'os-keychain');
    const secret = randomBytes(32);
    const wrapped = await choice.protector.protect(secret);
    assert.equal(keyFileProtection(wrapped), 'os-keychain');
    assert.ok(!wrapped.includes(secret) && !wrapped.toString().includes(secret.toString('base64')));
    assert.deepEqual(await choice.protector.unprotect(wrapped), secret);
  });

  it("refuses Linux's basic_text fallback, which encrypts with a hard-coded key", async () => {
    assert.equal(await isKeychainUsable(memoryKeychain({ backend: 'basic_text' }), 'linux'), false);
    assert.equal(await isKeychainUsable(memoryKeychain({ backend: 'basic_text' }), 'darwin'), true);
    assert.equal(await isKeychainUsable(memoryKeychain({ available: false }), 'win32'), false);
  });

  it('falls back to DATASPACE_PASSPHRASE when there is no usable keychain', async () => {
    const choice = await chooseKeyProtector({ existingKeyFile: null, storage: memoryKeychain({ backend: 'basic_text' }), platform: 'linux', env: { DATASPACE_PASSPHRASE: PASSPHRASE } });
    assert.ok(choice.ok);
    assert.equal(choice.protector.kind, 'passphrase');
  });

  it('explains what to do, instead of choosing something weaker, when there is neither', async () => {
    const choice = await chooseKeyProtector({ existingKeyFile: null, storage: memoryKeychain({ available: false }), platform: 'linux', env: {} });
    assert.equal(choice.ok, false);
    assert.ok(!choice.ok);
    assert.equal(choice.title, 'No secure key storage');
    assert.match(choice.message, /DATASPACE_PASSPHRASE/);
    assert.match(choice.message, /Secret Service/);
  });

  it('keeps a passphrase-protected folder on its passphrase, even with a keychain present', async () => {
    const wrapped = await passphraseKeyProtector(PASSPHRASE).protect(randomBytes(32));
    assert.equal(keyFileProtection(wrapped), 'passphrase');
    const withPassphrase = await chooseKeyProtector({ existingKeyFile: wrapped, storage: memoryKeychain(), platform: 'darwin', env: { DATASPACE_PASSPHRASE: PASSPHRASE } });
    assert.ok(withPassphrase.ok);
    assert.equal(withPassphrase.protector.kind, 'passphrase');
    assert.equal((await withPassphrase.protector.unprotect(wrapped)).length, 32);

    const without = await chooseKeyProtector({ existingKeyFile: wrapped, storage: memoryKeychain(), platform: 'darwin', env: {} });
    assert.ok(!without.ok);
    assert.equal(without.title, 'Passphrase required');
  });

  it('does not open a keychain-protected folder when the keychain is gone', async () => {
    const wrapped = await safeStorageKeyProtector(memoryKeychain()).protect(randomBytes(32));
    const choice = await chooseKeyProtector({ existingKeyFile: wrapped, storage: memoryKeychain({ available: false }), platform: 'linux', env: { DATASPACE_PASSPHRASE: PASSPHRASE } });
    assert.ok(!choice.ok);
    assert.equal(choice.title, 'OS keychain unavailable');
  });

  it("fails with a clear setup error when another user's keychain wrapped the key", async () => {
    const wrapped = await safeStorageKeyProtector(memoryKeychain()).protect(randomBytes(32));
    await assert.rejects(safeStorageKeyProtector(memoryKeychain()).unprotect(wrapped), { name: 'EngineSetupError', code: 'keychain-unlock-failed' });
  });

  it('reports a key file in no known format as damaged', async () => {
    const choice = await chooseKeyProtector({ existingKeyFile: Buffer.from('not a key file'), storage: memoryKeychain(), platform: 'linux', env: {} });
    assert.ok(!choice.ok);
    assert.equal(choice.title, 'Damaged key file');
  });

  it('creates and reopens an engine whose key is wrapped by the keychain', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'dataspace-keychain-'));
    try {
      const keychain = memoryKeychain();
      const first = await createEngine({ dataDir, keyProtector: safeStorageKeyProtector(keychain), actor: 'test' });
      const { institution } = await first.getStatus();
      await first.close();
      assert.equal(keyFileProtection(readFileSync(dataFolderLayout(dataDir).keyFile)), 'os-keychain');

      const choice = await chooseKeyProtector({ existingKeyFile: readFileSync(dataFolderLayout(dataDir).keyFile), storage: keychain, platform: 'linux', env: {} });
      assert.ok(choice.ok);
      const second = await createEngine({ dataDir, keyProtector: choice.protector, actor: 'test' });
      const status = await second.getStatus();
      await second.close();
      assert.equal(status.keyProtection, 'os-keychain');
      assert.deepEqual(status.institution, institution);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
