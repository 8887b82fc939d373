import { sql } from 'kysely';
import { appendAudit, type AuditChange, type AuditEntry, type HeadSigner } from '../audit/log.ts';
import { setTimeout as sleep } from 'node:timers/promises';
import { databaseRefusal, type Database, type Trx } from './database.ts';

/** What a change's work is given: its transaction, its instant, and the one way to record what it did. */
export interface Write {
  trx: Trx;
  /** The instant of the whole change: every row and entry it writes carries it. */
  now: Date;
  /**
   * Appends the audit entry of a change, signed by `signer`, in this transaction.
   * Every change records at least one entry: it is what the other instances hear.
   */
  record(signer: HeadSigner, change: AuditChange): Promise<AuditEntry>;
}

// Any constant will do: it names the lock every instance takes before writing.
const WRITE_LOCK = 727_001;

/**
 * The one way the registry changes — clusters, labels, keys, imports, accounts and
 * API tokens alike: one transaction that no other writer, in this process or another,
 * interleaves with (the audit chain needs its appends in one order); the audit
 * entries `work` records, appended inside it; and, once it has committed, the change
 * announced on the database's change bus, which every instance and process hears.
 * Whatever must follow every change (a public log entry, a status list) is added
 * here, or in `appendAudit`, once. While another writer holds the lock (a long import),
 * a change waits up to `database.writeWaitMs` and is then refused as `database_busy`;
 * a database that cannot be reached is `database_unreachable` (both 503, Retry-After).
 *
 * @example
 * const user = await write(database, now, async ({ trx, record }) => {
 *   await trx.insertInto('users').values(row).execute();
 *   await record(keyring, { actor, action: 'user.create', subject: `user:${row.id}` });
 *   return row;
 * });
 */
export async function write<T>(database: Database, now: () => Date, work: (write: Write) => Promise<T>): Promise<T> {
  const deadline = Date.now() + database.writeWaitMs;
  for (let attempt = 0; ; attempt++) {
    const recorded: AuditEntry[] = [];
    let began = false;
    try {
      const result = await database.db.transaction().execute(async (trx) => {
        began = true;
        if (database.dialect === 'postgres') {
          // Another writer (an import) may hold the lock for long: wait a bounded time, then refuse.
          await sql.raw(`set local lock_timeout = ${Math.max(1, Math.round(database.writeWaitMs))}`).execute(trx);
          await sql`select pg_advisory_xact_lock(${WRITE_LOCK})`.execute(trx);
        }
        const at = now();
        return work({
          trx,
          now: at,
          record: async (signer, change) => {
            const entry = await appendAudit(trx, signer, change, at);
            recorded.push(entry);
            return entry;
          },
        });
      });
      database.changes.committed(recorded);
      return result;
    } catch (error) {
      const refusal = databaseRefusal(error);
      // SQLite's `begin immediate` found the lock taken: nothing has run yet, so try again,
      // waiting off the event loop, until the bound.
      if (refusal?.code === 'database_busy' && !began && Date.now() < deadline) {
        await sleep(Math.min(25 * 2 ** attempt, 250));
        continue;
      }
      throw refusal ?? error;
    }
  }
}
