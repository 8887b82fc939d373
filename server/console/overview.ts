import type { AuditEntry } from '../audit/log.ts';
import type { Level } from '../domain/types.ts';
import type { Db, Dialect } from '../registry/database.ts';
import type { Registry } from '../registry/registry.ts';
import { countClusters, listClusters, queueDates, QUEUES, type ListRow, type ListSort, type Queue } from './list.ts';

/** How many of each queue the dashboard shows; the rest is one link away. */
export const QUEUE_PREVIEW = 10;

/** Each queue's own order: the most urgent first. */
export const QUEUE_SORT: Record<Queue, ListSort> = {
  'ending-30': 'valid-until',
  'ending-90': 'valid-until',
  grace: 'valid-until',
  withdrawal: 'valid-until',
  revoked: 'changed',
  unlabelled: 'changed',
};

export interface QueueOverview {
  queue: Queue;
  total: number;
  more: boolean;
  next: ListRow[];
}

export interface Overview {
  clusters: number;
  /** Clusters by the level and status of their current label, as the list filters them (`expired` includes a valid row past its end). */
  counts: Record<Level, Record<'valid' | 'expired' | 'withdrawn' | 'revoked', number>>;
  unlabelled: number;
  queues: QueueOverview[];
  recent: AuditEntry[];
}

/**
 * What the dashboard shows, in a few index reads whatever the register's size: one
 * grouped count over the label mirror, and per queue its count and its next ten.
 */
export async function loadOverview(registry: Registry, now: Date): Promise<Overview> {
  const { db, dialect } = registry.database;
  const [counts, queues, recent] = await Promise.all([
    labelCounts(db, now),
    Promise.all(QUEUES.map((queue) => queueOverview(db, dialect, queue, now))),
    registry.audit({ limit: 5 }),
  ]);
  return { ...counts, queues, recent };
}

async function queueOverview(db: Db, dialect: Dialect, queue: Queue, now: Date): Promise<QueueOverview> {
  const [page, count] = await Promise.all([
    listClusters(db, dialect, { queue, sort: QUEUE_SORT[queue] }, now, QUEUE_PREVIEW),
    countClusters(db, dialect, { queue }, now),
  ]);
  return { queue, next: page.rows, ...count };
}

/**
 * Clusters by level and stored status from the mirror's index alone, then the valid
 * rows past their end moved to expired (a range of the status index).
 */
async function labelCounts(db: Db, now: Date): Promise<Pick<Overview, 'clusters' | 'counts' | 'unlabelled'>> {
  const { today } = queueDates(now);
  const [grouped, pastEnd] = await Promise.all([
    db
      .selectFrom('clusters')
      .select(['label_level', 'label_status', (eb) => eb.fn.countAll<number | string>().as('n')])
      .groupBy(['label_level', 'label_status'])
      .execute(),
    db
      .selectFrom('clusters')
      .select(['label_level', (eb) => eb.fn.countAll<number | string>().as('n')])
      .where('label_status', '=', 'valid')
      .where('label_valid_until', '<', today)
      .groupBy('label_level')
      .execute(),
  ]);
  const counts = {} as Overview['counts'];
  for (const level of ['bronze', 'silver', 'gold'] as const) counts[level] = { valid: 0, expired: 0, withdrawn: 0, revoked: 0 };
  let clusters = 0;
  let unlabelled = 0;
  for (const row of grouped) {
    const n = Number(row.n);
    clusters += n;
    if (row.label_level === null) unlabelled += n;
    else if (row.label_status && row.label_status !== 'superseded') counts[row.label_level][row.label_status] += n;
  }
  for (const row of pastEnd) {
    if (row.label_level === null) continue;
    counts[row.label_level].valid -= Number(row.n);
    counts[row.label_level].expired += Number(row.n);
  }
  return { clusters, counts, unlabelled };
}
