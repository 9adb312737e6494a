// How the desktop app protects the pseudonymisation key at rest: with the OS keychain through
// Electron's safeStorage (Keychain on macOS, DPAPI on Windows, Secret Service/KWallet on Linux),
// or with DATASPACE_PASSPHRASE when there is no usable keychain or the folder was set up that way.
import { passphraseKeyProtector, type KeyProtector } from '../main/store/key-protector.ts';
import { EngineSetupError } from '../main/util/errors.ts';

/** The part of Electron's `safeStorage` we use (an interface so tests need no Electron). */
export interface SafeStorageLike {
  isAsyncEncryptionAvailable(): Promise<boolean>;
  encryptStringAsync(plainText: string): Promise<Buffer>;
  decryptStringAsync(encrypted: Buffer): Promise<{ result: string; shouldReEncrypt: boolean }>;
  getSelectedStorageBackend?(): string;
}

interface KeychainEnvelope {
  v: 1;
  kind: 'os-keychain';
  data: string;
}

/** Wraps the key with safeStorage; the file records the kind so a later start picks the right protector. */
export function safeStorageKeyProtector(storage: SafeStorageLike): KeyProtector {
  return {
    kind: 'os-keychain',
    async protect(secret) {
      // safeStorage encrypts strings only; base64 keeps the 32 key bytes intact.
      const encrypted = await storage.encryptStringAsync(secret.toString('base64'));
      const envelope: KeychainEnvelope = { v: 1, kind: 'os-keychain', data: encrypted.toString('base64') };
      return Buffer.from(JSON.stringify(envelope));
    },
    async unprotect(wrapped) {
      if (keyFileProtection(wrapped) !== 'os-keychain') {
        throw new EngineSetupError('The key file was not written by the OS keychain protector.', 'key-file-damaged');
      }
      const envelope = JSON.parse(wrapped.toString('utf8')) as KeychainEnvelope;
      try {
        const { result } = await storage.decryptStringAsync(Buffer.from(envelope.data, 'base64'));
        return Buffer.from(result, 'base64');
      } catch {
        throw new EngineSetupError(
          'The OS keychain could not unlock the pseudonymisation key. The data folder was probably created by another user account, or the keychain was reset; restore the key file from backup.',
          'keychain-unlock-failed',
        );
      }
    },
  };
}

/** Which protector wrote a key file, from its envelope. */
export function keyFileProtection(wrapped: Buffer): 'passphrase' | 'os-keychain' | 'unknown' {
  try {
    const envelope = JSON.parse(wrapped.toString('utf8')) as Record<string, unknown>;
    if (envelope.kind === 'os-keychain' && typeof envelope.data === 'string') return 'os-keychain';
    if (envelope.kdf === 'scrypt') return 'passphrase';
  } catch {
    // Not JSON: neither of our envelopes.
  }
  return 'unknown';
}

/**
 * Whether safeStorage really protects anything. On Linux without a keyring Chromium falls back
 * to `basic_text`, a hard-coded key: encryption "works" but protects nothing, so we refuse it.
 */
export async function isKeychainUsable(storage: SafeStorageLike, platform: NodeJS.Platform): Promise<boolean> {
  if (!(await storage.isAsyncEncryptionAvailable())) return false;
  if (platform === 'linux' && storage.getSelectedStorageBackend?.() === 'basic_text') return false;
  return true;
}

export type KeyProtectorChoice =
  | { ok: true; protector: KeyProtector }
  | { ok: false; title: string; message: string };

const PASSPHRASE_HOWTO =
  'To use a passphrase instead, quit and start DataSpace Node with the environment variable ' +
  'DATASPACE_PASSPHRASE set (at least 8 characters), for example from a terminal:\n\n' +
  '    DATASPACE_PASSPHRASE=... dataspace-node\n\n' +
  'The same passphrase is then needed on every start, and by the command-line tools.';

/**
 * Picks the key protector for the desktop host. An existing key file decides (a passphrase folder
 * stays a passphrase folder); a new folder uses the keychain when it is usable, else the passphrase
 * from DATASPACE_PASSPHRASE; otherwise the user gets an explanation instead of a weaker default.
 */
export async function chooseKeyProtector(options: {
  existingKeyFile: Buffer | null;
  storage: SafeStorageLike;
  platform: NodeJS.Platform;
  env: NodeJS.ProcessEnv;
}): Promise<KeyProtectorChoice> {
  const { existingKeyFile, storage, platform, env } = options;
  const passphrase = env.DATASPACE_PASSPHRASE;
  const existing = existingKeyFile ? keyFileProtection(existingKeyFile) : null;
  const keychain = await isKeychainUsable(storage, platform);

  if (existing === 'passphrase') {
    if (passphrase) return { ok: true, protector: passphraseKeyProtector(passphrase) };
    return {
      ok: false,
      title: 'Passphrase required',
      message: `This data folder's key is protected by a passphrase (it was set up by the command line or browser host).\n\n${PASSPHRASE_HOWTO}`,
    };
  }
  if (existing === 'os-keychain' || (existing === null && keychain)) {
    if (keychain) return { ok: true, protector: safeStorageKeyProtector(storage) };
    return {
      ok: false,
      title: 'OS keychain unavailable',
      message:
        "This data folder's key is protected by the operating system keychain, which is not available now " +
        '(on Linux: no running Secret Service or KWallet). Unlock or start your keyring and try again.',
    };
  }
  if (existing === 'unknown') {
    return { ok: false, title: 'Damaged key file', message: 'The pseudonymisation key file is not in a known format. Restore it from backup.' };
  }
  if (passphrase) return { ok: true, protector: passphraseKeyProtector(passphrase) };
  return {
    ok: false,
    title: 'No secure key storage',
    message:
      'DataSpace Node protects its pseudonymisation key with the operating system keychain, but none is ' +
      'available (on Linux: install and unlock GNOME Keyring, KWallet or another Secret Service provider).\n\n' +
      PASSPHRASE_HOWTO,
  };
}
