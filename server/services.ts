import { Attestations } from './attest/attestations.ts';
import type { Config } from './config.ts';
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
  log: TransparencyLog;
  now: () => Date;
  close(): Promise<void>;
}

/**
 * Opens the registry and its keys: what the server, the CLI and the tests share.
 * `listen: false` for a process that serves no tokens (the CLI): it announces its
 * changes, but has no cached token to drop when others announce theirs.
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
    const registry = new Registry(database, { periods: config, signer: keyring, now });
    const attestations = new Attestations(registry, keyring, { issuer: config.publicUrl, ttl: config.attestationTtl, now, log });
    // Changes other instances announce: drop the tokens they made stale, read changed keys.
    if (options.listen !== false) {
      await database.listen((change) => {
        if (change.kind === 'cluster') return attestations.drop(change.id);
        if (change.kind === 'register') return attestations.clear();
        // A revoked key's tokens stop being served once the keys are read again.
        if (change.kind === 'missed') attestations.clear();
        // Should the read fail, the periodic key refresh tries again.
        keyring.refresh().catch(() => {});
      });
    }
    return { config, database, keyring, registry, attestations, log, now, close: () => database.close() };
  } catch (error) {
    await database.close();
    throw error;
  }
}
