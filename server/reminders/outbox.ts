import { randomUUID } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { Database } from '../registry/database.ts';
import type { Schema } from '../registry/schema.ts';
import type { ReminderEvent } from './plan.ts';

type Row = Omit<Schema['reminder_outbox'], 'id'> & { id: number };

export type Channel = 'email' | 'webhook';

export type DeliveryStatus = 'pending' | 'sent' | 'failed';

export interface Delivery {
  id: number;
  deliveryId: string;
  channel: Channel;
  /** `contact` for e-mail (the address is looked up when sending, so an erased contact is not kept here); the URL for a webhook. */
  target: string;
  clusterId: string;
  labelId: number;
  event: ReminderEvent;
  payload: string;
  status: DeliveryStatus;
  attempts: number;
  nextAttemptAt: string;
  lastError: string | null;
  createdAt: string;
  sentAt: string | null;
}

export interface NewDelivery {
  dedupeKey: string;
  channel: Channel;
  target: string;
  clusterId: string;
  labelId: number;
  event: ReminderEvent;
  /** Builds the body from the delivery id, which the receiver uses to drop repeats. */
  payload: (deliveryId: string) => string;
}

const toDelivery = (r: Row): Delivery => ({
  id: Number(r.id),
  deliveryId: r.delivery_id,
  channel: r.channel,
  target: r.target,
  clusterId: r.cluster_id,
  labelId: Number(r.label_id),
  event: r.event,
  payload: r.payload,
  status: r.status,
  attempts: Number(r.attempts),
  nextAttemptAt: r.next_attempt_at,
  lastError: r.last_error,
  createdAt: r.created_at,
  sentAt: r.sent_at,
});

/**
 * The reminders waiting to go out, shared by every instance. A message is
 * enqueued once (a unique key), claimed by one worker for a lease, and sent at
 * least once: a worker that dies mid-send loses its lease and another retries.
 * Queue bookkeeping is not a registry change and writes no audit entry.
 */
export class Outbox {
  readonly #database: Database;
  readonly #db: Kysely<Schema>;
  readonly #now: () => Date;

  constructor(database: Database, now: () => Date) {
    this.#database = database;
    this.#db = database.db;
    this.#now = now;
  }

  /** Adds what is not queued yet; returns how many were new. Several instances may enqueue the same message: one row wins. */
  async enqueue(items: NewDelivery[]): Promise<number> {
    let added = 0;
    const now = this.#now().toISOString();
    for (const item of items) {
      const deliveryId = randomUUID();
      const result = await this.#db
        .insertInto('reminder_outbox')
        .values({
          dedupe_key: item.dedupeKey,
          delivery_id: deliveryId,
          channel: item.channel,
          target: item.target,
          cluster_id: item.clusterId,
          label_id: item.labelId,
          event: item.event,
          payload: item.payload(deliveryId),
          status: 'pending',
          attempts: 0,
          next_attempt_at: now,
          claimed_by: null,
          claimed_until: null,
          last_error: null,
          created_at: now,
          sent_at: null,
        })
        .onConflict((oc) => oc.column('dedupe_key').doNothing())
        .executeTakeFirst();
      added += Number(result.numInsertedOrUpdatedRows ?? 0);
    }
    return added;
  }

  /**
   * Takes up to `limit` due messages for `worker` until the lease ends. On
   * PostgreSQL, `for update skip locked` lets workers claim side by side without
   * waiting or taking the same row; SQLite has one writer at a time, so the
   * single statement is already exclusive.
   */
  async claim(worker: string, limit: number, leaseSeconds: number): Promise<Delivery[]> {
    const now = this.#now();
    const at = now.toISOString();
    const until = new Date(now.getTime() + leaseSeconds * 1000).toISOString();
    const lock = this.#database.dialect === 'postgres' ? sql`for update skip locked` : sql``;
    const result = await sql<Row>`
      update reminder_outbox
         set claimed_by = ${worker}, claimed_until = ${until}, attempts = attempts + 1
       where id in (select id from reminder_outbox
                     where status = 'pending' and next_attempt_at <= ${at}
                       and (claimed_until is null or claimed_until < ${at})
                     order by id limit ${limit} ${lock})
      returning *`.execute(this.#db);
    return result.rows.map(toDelivery).sort((a, b) => a.id - b.id);
  }

  async markSent(id: number): Promise<void> {
    const at = this.#now().toISOString();
    await this.#db.updateTable('reminder_outbox').set({ status: 'sent', sent_at: at, claimed_by: null, claimed_until: null, last_error: null }).where('id', '=', id).execute();
  }

  /** Records a failed attempt: retried at `retryAt`, or given up on when it is undefined. */
  async markFailed(id: number, error: string, retryAt: Date | undefined): Promise<void> {
    await this.#db
      .updateTable('reminder_outbox')
      .set({
        status: retryAt ? 'pending' : 'failed',
        next_attempt_at: retryAt?.toISOString() ?? this.#now().toISOString(),
        claimed_by: null,
        claimed_until: null,
        last_error: error.slice(0, 500),
      })
      .where('id', '=', id)
      .execute();
  }

  /** Newest first. */
  async list(query: { clusterId?: string; limit?: number } = {}): Promise<Delivery[]> {
    let q = this.#db.selectFrom('reminder_outbox').selectAll();
    if (query.clusterId) q = q.where('cluster_id', '=', query.clusterId);
    const rows = await q.orderBy('id', 'desc').limit(query.limit ?? 100).execute();
    return rows.map(toDelivery);
  }

  async counts(): Promise<Record<string, number>> {
    const rows = await this.#db.selectFrom('reminder_outbox').select(['status', (eb) => eb.fn.countAll<string | number>().as('n')]).groupBy('status').execute();
    return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
  }
}
