import { createHash } from 'node:crypto';
import type { Database } from '../registry/database.ts';

export interface ThrottleLimits {
  /** Failed sign-ins allowed per account within the window. */
  perAccount: number;
  /** Failed sign-ins allowed per client address within the window (offices share addresses, so more). */
  perAddress: number;
  windowSeconds: number;
}

export const DEFAULT_LIMITS: ThrottleLimits = { perAccount: 5, perAddress: 20, windowSeconds: 900 };

// Hashed, so the table holds neither addresses nor e-mails in the clear.
const keyHash = (kind: 'account' | 'address', value: string) => createHash('sha256').update(`${kind}:${value}`).digest('hex');

/**
 * Counts failed sign-ins in the registry, so that every instance behind a load
 * balancer counts the same failures. A sliding window: once the oldest failures
 * in it age out, attempts are allowed again.
 */
export class SignInThrottle {
  readonly #database: Database;
  readonly #now: () => Date;
  readonly #limits: ThrottleLimits;

  constructor(database: Database, now: () => Date, limits: ThrottleLimits = DEFAULT_LIMITS) {
    this.#database = database;
    this.#now = now;
    this.#limits = limits;
  }

  /** Seconds until another attempt is allowed for this account and address; 0 when one is allowed now. */
  async retryAfter(account: string, address: string): Promise<number> {
    const db = this.#database.db;
    const now = this.#now().getTime();
    const since = new Date(now - this.#limits.windowSeconds * 1000).toISOString();
    let wait = 0;
    for (const [key, limit] of [[keyHash('account', account), this.#limits.perAccount], [keyHash('address', address), this.#limits.perAddress]] as const) {
      const rows = await db.selectFrom('sign_in_failures').select('at').where('key_hash', '=', key).where('at', '>', since).orderBy('at', 'desc').limit(limit).execute();
      if (rows.length < limit) continue;
      // Blocked until the oldest of the last `limit` failures leaves the window.
      const oldest = Date.parse(rows[rows.length - 1]!.at);
      wait = Math.max(wait, Math.ceil((oldest + this.#limits.windowSeconds * 1000 - now) / 1000));
    }
    return wait;
  }

  async recordFailure(account: string, address: string): Promise<void> {
    const db = this.#database.db;
    const now = this.#now();
    const at = now.toISOString();
    await db.insertInto('sign_in_failures').values([{ key_hash: keyHash('account', account), at }, { key_hash: keyHash('address', address), at }]).execute();
    await db.deleteFrom('sign_in_failures').where('at', '<=', new Date(now.getTime() - this.#limits.windowSeconds * 1000).toISOString()).execute();
  }

  /** A successful sign-in forgives the account's failures (not the address's). */
  async clearAccount(account: string): Promise<void> {
    await this.#database.db.deleteFrom('sign_in_failures').where('key_hash', '=', keyHash('account', account)).execute();
  }
}
