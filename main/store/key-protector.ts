// Protects the pseudonymisation key at rest. The desktop host supplies one backed by the OS
// keychain (Electron safeStorage); headless hosts use a passphrase (scrypt + AES-256-GCM).
import { createCipheriv, createDecipheriv, randomBytes, scrypt } from 'node:crypto';
import { EngineSetupError } from '../util/errors.ts';

/** Wraps and unwraps secrets; never sees where they are stored. */
export interface KeyProtector {
  readonly kind: 'passphrase' | 'os-keychain' | 'test';
  protect(secret: Buffer): Promise<Buffer>;
  unprotect(wrapped: Buffer): Promise<Buffer>;
}

interface PassphraseEnvelope {
  v: 1;
  kdf: 'scrypt';
  N: number;
  r: number;
  p: number;
  salt: string;
  iv: string;
  tag: string;
  data: string;
}

const SCRYPT = { N: 1 << 15, r: 8, p: 1 };

function deriveKey(passphrase: string, salt: Buffer, params: { N: number; r: number; p: number }): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(passphrase, salt, 32, { ...params, maxmem: 128 * params.N * params.r * 2 }, (err, key) =>
      err ? reject(err) : resolve(key),
    );
  });
}

/** Passphrase-based protection for headless and CLI hosts (DATASPACE_PASSPHRASE or a prompt). */
export function passphraseKeyProtector(passphrase: string, kind: 'passphrase' | 'test' = 'passphrase'): KeyProtector {
  if (passphrase.length < 8) {
    throw new EngineSetupError('The passphrase must be at least 8 characters long.', 'weak-passphrase');
  }
  return {
    kind,
    async protect(secret) {
      const salt = randomBytes(16);
      const iv = randomBytes(12);
      const key = await deriveKey(passphrase, salt, SCRYPT);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const data = Buffer.concat([cipher.update(secret), cipher.final()]);
      const envelope: PassphraseEnvelope = {
        v: 1,
        kdf: 'scrypt',
        ...SCRYPT,
        salt: salt.toString('base64'),
        iv: iv.toString('base64'),
        tag: cipher.getAuthTag().toString('base64'),
        data: data.toString('base64'),
      };
      return Buffer.from(JSON.stringify(envelope));
    },
    async unprotect(wrapped) {
      let envelope: PassphraseEnvelope;
      try {
        envelope = JSON.parse(wrapped.toString('utf8')) as PassphraseEnvelope;
      } catch {
        throw new EngineSetupError('The key file is damaged (not a passphrase envelope).', 'key-file-damaged');
      }
      if (envelope.v !== 1 || envelope.kdf !== 'scrypt') {
        throw new EngineSetupError('The key file was written by an unknown version.', 'key-file-version');
      }
      const key = await deriveKey(passphrase, Buffer.from(envelope.salt, 'base64'), envelope);
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(envelope.iv, 'base64'));
      decipher.setAuthTag(Buffer.from(envelope.tag, 'base64'));
      try {
        return Buffer.concat([decipher.update(Buffer.from(envelope.data, 'base64')), decipher.final()]);
      } catch {
        throw new EngineSetupError('Wrong passphrase for this data folder.', 'wrong-passphrase');
      }
    },
  };
}
