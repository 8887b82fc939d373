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
   * A cluster's labels changed, here or on another instance (`clusterId` undefined:
   * unknown which). Signed status lists are dropped at once; a cluster changed here
   * gets its new credentials issued now rather than at the next request.
   */
  changed(clusterId?: string): void;
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
    changed(clusterId) {
      statusLists.drop();
      // Should issuing fail now, the next request for the credentials issues them.
      if (clusterId) credentials.current(clusterId).catch(() => {});
    },
  };
}
