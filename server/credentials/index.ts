import type { Config } from '../config.ts';
import type { Keyring } from '../keys/keyring.ts';
import type { Database } from '../registry/database.ts';
import type { Registry } from '../registry/registry.ts';
import { Credentials } from './credentials.ts';
import { StatusLists } from './status-lists.ts';
import { Verifier } from './verify.ts';

export interface CredentialServices {
  statusLists: StatusLists;
  credentials: Credentials;
  verifier: Verifier;
  /**
   * A label changed, here or on another instance: signed status lists are dropped at
   * once. (Credentials need no word: the next request finds them stale and issues new ones.)
   */
  changed(): void;
}

/** Status lists, credentials and their verifier, over the registry and its keys. */
export function openCredentialServices(database: Database, registry: Registry, keyring: Keyring, config: Config, now: () => Date): CredentialServices {
  const statusLists = new StatusLists(database, keyring, { issuer: config.publicUrl, now });
  const credentials = new Credentials(database, registry, keyring, statusLists, { publicUrl: config.publicUrl, issuerName: config.issuerName, programmeName: config.programmeName, now });
  const verifier = new Verifier(keyring, statusLists, registry, { publicUrl: config.publicUrl, issuerName: config.issuerName, now });
  return {
    statusLists,
    credentials,
    verifier,
    changed: () => statusLists.drop(),
  };
}
