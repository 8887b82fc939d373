import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { messageOf, codeOf } from '../errors.ts';

export class KeyError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.code = code;
  }
}

export const KEK_FILE = 'key-encryption.key';

/**
 * The key that encrypts private signing keys at rest. From KEY_ENCRYPTION_KEY when
 * set; for the embedded registry, generated once into a file only its owner reads.
 */
export function loadKeyEncryptionKey(options: { keyEncryptionKey?: string | undefined; dataDir: string }): Buffer {
  if (options.keyEncryptionKey) return Buffer.from(options.keyEncryptionKey, 'base64');
  const file = join(options.dataDir, KEK_FILE);
  try {
    const mode = statSync(file).mode & 0o777;
    if (mode & 0o077) throw new KeyError('key_unreadable', `${file} can be read by others (mode ${mode.toString(8)}); run chmod 600 on it.`);
    const key = Buffer.from(readFileSync(file, 'utf8').trim(), 'base64');
    if (key.length !== 32) throw new KeyError('key_unreadable', `${file} does not hold a 32-byte key in base64.`);
    return key;
  } catch (error) {
    if (error instanceof KeyError) throw error;
    if (codeOf(error) !== 'ENOENT') {
      throw new KeyError('key_unreadable', `Cannot read the key-encryption key ${file}: ${messageOf(error)}`);
    }
  }
  mkdirSync(options.dataDir, { recursive: true, mode: 0o700 });
  const key = randomBytes(32);
  writeFileSync(file, `${key.toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  return key;
}

/** AES-256-GCM, bound to the key id so a ciphertext cannot be moved to another row. */
export function encryptPrivateKey(kek: Buffer, kid: string, plaintext: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', kek, iv);
  cipher.setAAD(Buffer.from(kid));
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return ['v1', iv.toString('base64url'), body.toString('base64url'), cipher.getAuthTag().toString('base64url')].join('.');
}

export function decryptPrivateKey(kek: Buffer, kid: string, sealed: string): string {
  const [version, iv, body, tag] = sealed.split('.');
  if (version !== 'v1' || !iv || !body || !tag) throw new KeyError('key_unreadable', `The private key ${kid} is not in a known format.`);
  try {
    const decipher = createDecipheriv('aes-256-gcm', kek, Buffer.from(iv, 'base64url'));
    decipher.setAAD(Buffer.from(kid));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
  } catch {
    throw new KeyError('key_unreadable', `The private key ${kid} cannot be decrypted: the key-encryption key is not the one it was sealed with.`);
  }
}
