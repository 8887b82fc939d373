import { ConfigError } from '../config.ts';
import { DEFAULT_PASSWORD_COST } from './passwords.ts';

export interface ConsoleConfig {
  /** SESSION_HOURS: how long a console session lasts from sign-in (default 8: one working day). */
  sessionSeconds: number;
  /** TRUST_PROXY: count sign-in failures per the last X-Forwarded-For address; on only behind your own proxy. */
  trustProxy: boolean;
  /** PASSWORD_HASH_COST: scrypt's N as a power of two for new passwords (default 15; lower only for test suites). */
  passwordCost: number;
}

type Env = Record<string, string | undefined>;

export function readConsoleConfig(env: Env = process.env): ConsoleConfig {
  const rawHours = env.SESSION_HOURS?.trim() || '8';
  const hours = Number(rawHours);
  if (!Number.isInteger(hours) || hours < 1 || hours > 24 * 7) throw new ConfigError(`SESSION_HOURS must be a whole number of hours from 1 to 168; it is "${rawHours}".`);
  const rawProxy = env.TRUST_PROXY?.trim().toLowerCase() || 'off';
  if (!['on', 'off', 'true', 'false', '1', '0'].includes(rawProxy)) throw new ConfigError(`TRUST_PROXY must be on or off; it is "${rawProxy}".`);
  const rawCost = env.PASSWORD_HASH_COST?.trim() || String(DEFAULT_PASSWORD_COST);
  const cost = Number(rawCost);
  if (!Number.isInteger(cost) || cost < 10 || cost > 20) throw new ConfigError(`PASSWORD_HASH_COST must be a whole number from 10 to 20; it is "${rawCost}".`);
  return { sessionSeconds: hours * 3600, trustProxy: ['on', 'true', '1'].includes(rawProxy), passwordCost: cost };
}
