import { resolve } from 'node:path';
import { readConsoleConfig, type ConsoleConfig } from './console/config.ts';
import type { Level } from './domain/types.ts';
import { readReminderConfig, type ReminderConfig } from './reminders/config.ts';
import { parseWitnesses, type WitnessConfig } from './log/witness-client.ts';
import { messageOf } from './errors.ts';

export interface Config {
  port: number;
  /** The address the issuer listens on (HOST); every interface when unset. */
  host: string | undefined;
  /** The issuer's origin: scheme, host and port, no path, no trailing slash; `http://localhost:{port}` by default. */
  publicUrl: string;
  dataDir: string;
  /** A PostgreSQL URL; without one, the embedded SQLite registry under `dataDir`. */
  databaseUrl: string | undefined;
  /** Lifetime of an attestation token, in seconds. */
  attestationTtl: number;
  seedDemo: boolean;
  /** Port of the demo cluster website served beside the issuer, which takes the next port too for its faulty issuer (0: none). */
  demoPort: number;
  /** Base64 of the 32-byte key that encrypts private signing keys at rest; from a file under `dataDir` when unset. */
  keyEncryptionKey: string | undefined;
  expirySweepSeconds: number;
  keyRefreshSeconds: number;
  validityMonths: Record<Level, number>;
  renewalMonths: Record<Level, number>;
  programmeName: string;
  issuerName: string;
  console: ConsoleConfig;
  reminders: ReminderConfig;
  /** The witnesses asked to cosign each checkpoint (`LOG_WITNESSES`). */
  logWitnesses: WitnessConfig[];
  /** How often an instance publishes a checkpoint when the log has grown, in seconds. */
  logCheckpointSeconds: number;
}

export class ConfigError extends Error {
  readonly code = 'config_invalid';
}

type Env = Record<string, string | undefined>;

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`${name} must be a whole number from ${min} to ${max}; it is "${raw}".`);
  }
  return value;
}

function flag(env: Env, name: string, fallback: boolean): boolean {
  const raw = env[name]?.trim().toLowerCase();
  if (raw === undefined || raw === '') return fallback;
  if (['1', 'true', 'on', 'yes'].includes(raw)) return true;
  if (['0', 'false', 'off', 'no'].includes(raw)) return false;
  throw new ConfigError(`${name} must be on or off; it is "${raw}".`);
}

/** Checks that `value` is a bare http(s) origin and returns it in canonical form. */
export function parseOrigin(value: string, name: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError(`${name} must be an origin such as https://label.example.org; "${value}" is not a URL.`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new ConfigError(`${name} must use http or https; it is "${value}".`);
  }
  if (url.username || url.password || url.search || url.hash || (url.pathname !== '/' && url.pathname !== '')) {
    throw new ConfigError(`${name} must be an origin only (scheme, host, port) without path, query or credentials; it is "${value}".`);
  }
  if (value.endsWith('/')) throw new ConfigError(`${name} must not end with a slash; use "${url.origin}".`);
  return url.origin;
}

function witnesses(value: string | undefined): WitnessConfig[] {
  try {
    return parseWitnesses(value);
  } catch (error) {
    throw new ConfigError(messageOf(error));
  }
}

/** Reads the configuration once, from the environment, with safe defaults. */
export function readConfig(env: Env = process.env): Config {
  const databaseUrl = env.DATABASE_URL?.trim() || undefined;
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    throw new ConfigError('DATABASE_URL must be a PostgreSQL URL (postgres://user@host:5432/database).');
  }
  const seedDemo = flag(env, 'SEED_DEMO', databaseUrl === undefined);
  const keyEncryptionKey = env.KEY_ENCRYPTION_KEY?.trim() || undefined;
  if (keyEncryptionKey !== undefined && Buffer.from(keyEncryptionKey, 'base64').length !== 32) {
    throw new ConfigError('KEY_ENCRYPTION_KEY must be 32 random bytes in base64 (openssl rand -base64 32).');
  }
  if (databaseUrl && !keyEncryptionKey) {
    throw new ConfigError('KEY_ENCRYPTION_KEY is required with DATABASE_URL, so that every instance can read the shared signing keys.');
  }
  const port = integer(env, 'PORT', 8787, 0, 65535);
  return {
    port,
    host: env.HOST?.trim() || undefined,
    publicUrl: parseOrigin(env.PUBLIC_URL?.trim() || `http://localhost:${port}`, 'PUBLIC_URL'),
    dataDir: resolve(env.DATA_DIR?.trim() || 'data'),
    databaseUrl,
    attestationTtl: integer(env, 'ATTESTATION_TTL', 600, 30, 86_400),
    seedDemo,
    demoPort: integer(env, 'DEMO_PORT', seedDemo ? 8788 : 0, 0, 65534),
    keyEncryptionKey,
    expirySweepSeconds: integer(env, 'EXPIRY_SWEEP_INTERVAL', 300, 5, 86_400),
    keyRefreshSeconds: integer(env, 'KEY_REFRESH_INTERVAL', 30, 1, 3600),
    validityMonths: {
      bronze: integer(env, 'VALIDITY_MONTHS_BRONZE', 24, 1, 120),
      silver: integer(env, 'VALIDITY_MONTHS_SILVER', 24, 1, 120),
      gold: integer(env, 'VALIDITY_MONTHS_GOLD', 24, 1, 120),
    },
    renewalMonths: {
      bronze: integer(env, 'RENEWAL_MONTHS_BRONZE', 36, 1, 120),
      silver: integer(env, 'RENEWAL_MONTHS_SILVER', 24, 1, 120),
      gold: integer(env, 'RENEWAL_MONTHS_GOLD', 24, 1, 120),
    },
    programmeName: env.PROGRAMME_NAME?.trim() || 'Cluster Management Excellence Label',
    issuerName: env.ISSUER_NAME?.trim() || 'European Secretariat for Cluster Analysis (ESCA)',
    console: readConsoleConfig(env),
    reminders: readReminderConfig(env),
    logWitnesses: witnesses(env.LOG_WITNESSES),
    logCheckpointSeconds: integer(env, 'LOG_CHECKPOINT_INTERVAL', 2, 1, 3600),
  };
}
