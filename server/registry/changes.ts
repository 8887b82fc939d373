import type { AuditEntry } from '../audit/log.ts';
import type { Db } from './database.ts';

/** One committed change: the audit entry that records it, by its place in the chain. */
export type Change = Pick<AuditEntry, 'seq' | 'action' | 'subject'>;

/** How often a following instance reads the chain for changes committed elsewhere. */
export const CHANGE_POLL_MS = 250;
/** Entries read per query; a larger backlog is read in several. */
const PAGE = 500;

/**
 * The change bus: every committed change, heard by every instance and every process
 * that shares the registry, SQLite included.
 *
 * Why the audit chain is the bus: every write appends exactly one chain entry per
 * change inside its transaction, and writers take turns (`begin immediate` on
 * SQLite, an advisory lock on PostgreSQL), so the entries' `seq` is already a gap-free,
 * monotonically increasing change sequence that commits in order. Following it costs
 * one primary-key range read (`seq > last`) per tick, which finds nothing almost
 * always; it needs no extra connection, no table of its own, and no special mode of
 * a connection pooler. A follower that could not read (the database was away) reads
 * on from where it stopped, so nothing is missed. Polling beats the alternatives
 * here: PostgreSQL's NOTIFY cannot reach SQLite, and SQLite's `data_version` says only
 * that something changed, not what. A change made in this process is heard at once
 * (`committed`); one made elsewhere within {@link CHANGE_POLL_MS}.
 */
export class ChangeBus {
  readonly #db: Db;
  readonly #listeners = new Set<(change: Change) => void>();
  /** The last seq heard; undefined while not following. */
  #last: number | undefined;
  /** This process's own entries, heard already when committed: the next read skips them. */
  readonly #own = new Set<number>();
  #timer: ReturnType<typeof setInterval> | undefined;
  #reading: Promise<void> | undefined;

  constructor(db: Db) {
    this.#db = db;
  }

  /** Calls `listener` with every change, this process's own and everyone else's, in commit order per source. */
  subscribe(listener: (change: Change) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Entries this process has just committed: heard now, not again when the chain is read. */
  committed(entries: readonly Change[]): void {
    for (const entry of entries) {
      if (this.#last !== undefined && entry.seq > this.#last) this.#own.add(entry.seq);
      this.#emit(entry);
    }
  }

  /** Starts hearing changes made elsewhere, from the chain's present head on. */
  async follow(intervalMs = CHANGE_POLL_MS): Promise<void> {
    if (this.#timer) return;
    const head = await this.#db.selectFrom('audit_log').select((eb) => eb.fn.max('seq').as('seq')).executeTakeFirst();
    this.#last = Number(head?.seq ?? 0);
    this.#timer = setInterval(() => void this.read(), intervalMs);
    this.#timer.unref();
  }

  /** Reads what was committed since the last read; one read at a time. A failed read is tried again at the next tick. */
  read(): Promise<void> {
    this.#reading ??= this.#readAll()
      .catch(() => {})
      .finally(() => (this.#reading = undefined));
    return this.#reading;
  }

  async stop(): Promise<void> {
    clearInterval(this.#timer);
    this.#timer = undefined;
    await this.#reading;
  }

  async #readAll(): Promise<void> {
    for (;;) {
      if (this.#last === undefined) return;
      const rows = await this.#db.selectFrom('audit_log').select(['seq', 'action', 'subject']).where('seq', '>', this.#last).orderBy('seq').limit(PAGE).execute();
      for (const row of rows) {
        const seq = Number(row.seq);
        this.#last = seq;
        if (!this.#own.delete(seq)) this.#emit({ seq, action: row.action, subject: row.subject });
      }
      if (rows.length < PAGE) return;
    }
  }

  #emit(change: Change): void {
    for (const listener of this.#listeners) listener(change);
  }
}
