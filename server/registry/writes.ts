import { sql } from 'kysely';
import { appendAudit, type AuditChange, type AuditEntry, type HeadSigner } from '../audit/log.ts';
import type { Database, Trx } from './database.ts';

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
 * here, or in `appendAudit`, once.
 *
 * @example
 * const user = await write(database, now, async ({ trx, record }) => {
 *   await trx.insertInto('users').values(row).execute();
 *   await record(keyring, { actor, action: 'user.create', subject: `user:${row.id}` });
 *   return row;
 * });
 */
export async function write<T>(database: Database, now: () => Date, work: (write: Write) => Promise<T>): Promise<T> {
  const recorded: AuditEntry[] = [];
  const result = await database.db.transaction().execute(async (trx) => {
    // SQLite takes its write lock at `begin immediate` (see `ImmediateSqliteDriver`).
    if (database.dialect === 'postgres') await sql`select pg_advisory_xact_lock(${WRITE_LOCK})`.execute(trx);
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
}
