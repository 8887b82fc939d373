import { Attestations } from './attest/attestations.ts';
import type { Config } from './config.ts';
import { loadKeyEncryptionKey } from './keys/kek.ts';
import { Keyring } from './keys/keyring.ts';
import { openDatabase, type Database } from './registry/database.ts';
import { Registry } from './registry/registry.ts';

export interface Services {
  config: Config;
  database: Database;
  keyring: Keyring;
  registry: Registry;
  attestations: Attestations;
  now: () => Date;
  close(): Promise<void>;
}

/** Opens the registry and its keys: what the server, the CLI and the tests share. */
export async function openServices(config: Config, options: { now?: () => Date; database?: Database } = {}): Promise<Services> {
  const now = options.now ?? (() => new Date());
  const kek = loadKeyEncryptionKey(config);
  const database = options.database ?? (await openDatabase(config));
  try {
    const keyring = new Keyring(database, kek, { issuer: config.publicUrl, tokenTtl: config.attestationTtl, refreshSeconds: config.keyRefreshSeconds, now });
    await keyring.start();
    const registry = new Registry(database, { periods: config, signer: keyring, now });
    const attestations = new Attestations(registry, keyring, { issuer: config.publicUrl, ttl: config.attestationTtl, now });
    return { config, database, keyring, registry, attestations, now, close: () => database.close() };
  } catch (error) {
    await database.close();
    throw error;
  }
}
