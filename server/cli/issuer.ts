import { decodeJwt } from 'jose';
import { auditHead } from '../audit/log.ts';
import { readConfig, type Config } from '../config.ts';
import { openDatabase, type Database } from '../registry/database.ts';

/**
 * The CLI's configuration and its registry. The CLI signs audit heads and log entries
 * as the issuer, but the server's PUBLIC_URL is often not in an administrator's shell,
 * and the default (`http://localhost:PORT`) would stamp them with an issuer that is not
 * the deployment's. So without PUBLIC_URL the CLI signs as the issuer the registry's
 * latest audit head names: the server's, as it last wrote. PUBLIC_URL, when set, wins.
 */
export async function openCliRegistry(env: Record<string, string | undefined>): Promise<{ config: Config; database: Database }> {
  const config = readConfig(env);
  const database = await openDatabase(config);
  if (env.PUBLIC_URL?.trim()) return { config, database };
  try {
    const issuer = await registryIssuer(database);
    return { config: issuer && issuer !== config.publicUrl ? readConfig({ ...env, PUBLIC_URL: issuer }) : config, database };
  } catch (error) {
    await database.close();
    throw error;
  }
}

async function registryIssuer(database: Database): Promise<string | undefined> {
  const head = await auditHead(database.db);
  if (!head) return undefined;
  const { iss } = decodeJwt(head.signature);
  return typeof iss === 'string' ? iss : undefined;
}
