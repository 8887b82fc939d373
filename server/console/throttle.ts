import { createHash } from 'node:crypto';
import type { Database } from '../registry/database.ts';

export interface ThrottleLimits {
  /** Failed sign-ins allowed for one account from one client address within `windowSeconds`; then that address waits. */
  perAccountAddress: number;
  /** Failed sign-ins allowed from one client address, whatever the accounts, within `windowSeconds` (offices share addresses, so more). */
  perAddress: number;
  windowSeconds: number;
  /** Failed sign-ins of one account, from every address, within `accountWindowSeconds` before the account is slowed. */
  perAccount: number;
  accountWindowSeconds: number;
  /** Once slowed, the account takes one attempt per this many seconds, from anywhere: slowed, never locked. */
  slowedSeconds: number;
}

/**
 * A guesser gets at most 20 tries an hour at one account: from one address, 5 per 15
 * minutes; from many, once 10 have failed within the hour, one per 3 minutes. See
 * docs/security.md for the figures, and why an owner is never locked out.
 */
export const DEFAULT_LIMITS: ThrottleLimits = { perAccountAddress: 5, perAddress: 20, windowSeconds: 900, perAccount: 10, accountWindowSeconds: 3600, slowedSeconds: 180 };

type Kind = 'account' | 'address' | 'pair';
// Hashed, so the table holds neither addresses nor e-mails in the clear.
const keyHash = (kind: Kind, value: string) => createHash('sha256').update(`${kind}:${value}`).digest('hex');
const pairOf = (account: string, address: string) => `${account.length}:${account}${address}`;

/**
 * Counts failed sign-ins in the registry, so that every instance behind a load
 * balancer counts the same failures, in sliding windows (OWASP's advice: limit
 * per account and address, and slow an account down rather than lock it).
 *
 * - one account from one address: after 5 failures that address waits until the
 *   oldest leaves the 15-minute window — the account's owner, elsewhere, does not;
 * - one address, every account: 20 failures, then it waits the same way;
 * - one account, every address: after 10 failures within the hour, attempts are
 *   taken one per 3 minutes. One address adds at most 5 an hour to that count, so
 *   it takes several to slow an account. A guesser with many addresses then gets no
 *   more than one with one; the owner waits minutes at worst, never locked out.
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

  /** Seconds until another attempt is allowed for this account from this address; 0 when one is allowed now. */
  async retryAfter(account: string, address: string): Promise<number> {
    const limits = this.#limits;
    const now = this.#now().getTime();
    const failures = (kind: Kind, value: string, windowSeconds: number, limit: number) =>
      this.#database.db
        .selectFrom('sign_in_failures')
        .select('at')
        .where('key_hash', '=', keyHash(kind, value))
        .where('at', '>', new Date(now - windowSeconds * 1000).toISOString())
        .orderBy('at', 'desc')
        .limit(limit)
        .execute();
    const seconds = (until: number) => Math.max(0, Math.ceil((until - now) / 1000));
    let wait = 0;
    for (const [kind, value, limit] of [['pair', pairOf(account, address), limits.perAccountAddress], ['address', address, limits.perAddress]] as const) {
      const rows = await failures(kind, value, limits.windowSeconds, limit);
      // Blocked until the oldest of the last `limit` failures leaves the window.
      if (rows.length >= limit) wait = Math.max(wait, seconds(Date.parse(rows[rows.length - 1]!.at) + limits.windowSeconds * 1000));
    }
    const recent = await failures('account', account, limits.accountWindowSeconds, limits.perAccount);
    // Slowed: one attempt per `slowedSeconds` after the account's latest failure.
    if (recent.length >= limits.perAccount) wait = Math.max(wait, seconds(Date.parse(recent[0]!.at) + limits.slowedSeconds * 1000));
    return wait;
  }

  async recordFailure(account: string, address: string): Promise<void> {
    const db = this.#database.db;
    const limits = this.#limits;
    const now = this.#now();
    const at = now.toISOString();
    const pair = keyHash('pair', pairOf(account, address));
    // One address adds at most `perAccountAddress` failures an hour to the account's count,
    // so no single address can slow the account down for its owner.
    const fromHere = await db
      .selectFrom('sign_in_failures')
      .select('at')
      .where('key_hash', '=', pair)
      .where('at', '>', new Date(now.getTime() - limits.accountWindowSeconds * 1000).toISOString())
      .limit(limits.perAccountAddress)
      .execute();
    const keys = [pair, keyHash('address', address), ...(fromHere.length < limits.perAccountAddress ? [keyHash('account', account)] : [])];
    await db.insertInto('sign_in_failures').values(keys.map((key_hash) => ({ key_hash, at }))).execute();
    const kept = Math.max(limits.windowSeconds, limits.accountWindowSeconds);
    await db.deleteFrom('sign_in_failures').where('at', '<=', new Date(now.getTime() - kept * 1000).toISOString()).execute();
  }

  /**
   * A successful sign-in forgives the failures of this account from this address. Not
   * the account's count from everywhere: an owner signing in between a guesser's tries
   * would hand the guesser a fresh allowance.
   */
  async succeeded(account: string, address: string): Promise<void> {
    await this.#database.db.deleteFrom('sign_in_failures').where('key_hash', '=', keyHash('pair', pairOf(account, address))).execute();
  }
}
