import { Attestations } from './attest/attestations.ts';
import type { Config } from './config.ts';
import { openCredentialServices, type CredentialServices } from './credentials/index.ts';
import { eceiScheme } from './domain/schemes.ts';
import { loadKeyEncryptionKey } from './keys/kek.ts';
import { Keyring } from './keys/keyring.ts';
import { openDatabase, type Database } from './registry/database.ts';
import { Registry } from './registry/registry.ts';
import { TransparencyLog } from './log/transparency-log.ts';

export interface Services {
  config: Config;
  database: Database;
  keyring: Keyring;
  registry: Registry;
  attestations: Attestations;
  credentials: CredentialServices;
  log: TransparencyLog;
  now: () => Date;
  close(): Promise<void>;
}

/**
 * Opens the registry and its keys: what the server, the CLI and the tests share.
 * `listen: false` for a process that serves no tokens (the CLI): its changes reach
 * the others through the registry, and it has no cached token to drop when others
 * change something.
 */
export async function openServices(
  config: Config,
  options: { now?: () => Date; database?: Database; listen?: boolean; onWitnessRefusal?: (witness: string, reason: string) => void } = {},
): Promise<Services> {
  const now = options.now ?? (() => new Date());
  const kek = loadKeyEncryptionKey(config);
  const database = options.database ?? (await openDatabase(config));
  try {
    const keyring = new Keyring(database, kek, { issuer: config.publicUrl, tokenTtl: config.attestationTtl, refreshSeconds: config.keyRefreshSeconds, now });
    await keyring.start();
    const log = new TransparencyLog(database, { issuer: config.publicUrl, kek, auditSigner: keyring, witnesses: config.logWitnesses, now, ...(options.onWitnessRefusal ? { onWitnessRefusal: options.onWitnessRefusal } : {}) });
    await log.start();
    const registry = new Registry(database, { scheme: eceiScheme(config), signer: keyring, now });
    const attestations = new Attestations(registry, keyring, { issuer: config.publicUrl, ttl: config.attestationTtl, now, log });
    const credentials = openCredentialServices(database, registry, keyring, config, now);
    // Every change, made here or elsewhere: drop the tokens and status lists it made
    // stale, read changed keys.
    database.changes.subscribe(({ action, subject }) => {
      const [kind] = action.split('.');
      if (kind === 'cluster' || kind === 'label') attestations.drop(subject);
      if (kind === 'register') attestations.clear();
      if (kind === 'cluster' || kind === 'label' || kind === 'register') credentials.changed();
      if (kind === 'key') {
        // Keys first, then tokens: a token signed in between would be of the revoked key.
        // Should the read fail, the periodic key refresh tries again.
        void keyring
          .refresh()
          .catch(() => false)
          .then(() => action === 'key.revoke' && attestations.clear());
      }
    });
    if (options.listen !== false) await database.changes.follow();
    return { config, database, keyring, registry, attestations, credentials, log, now, close: () => database.close() };
  } catch (error) {
    await database.close();
    throw error;
  }
}
