import { LEVELS, type Level } from '../domain/types.ts';
import { yieldToOthers, type Db, type Dialect } from '../registry/database.ts';
import type { Registry } from '../registry/registry.ts';
import { countClusters, listClusters, queueDates, QUEUES, readAll, type ListRow, type ListSort, type Queue, type QueueDates } from './list.ts';

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
}

/**
 * What the dashboard shows, in a few index reads whatever the register's size: one
 * grouped count over the label mirror, and per queue its count and its next ten.
 */
export async function loadOverview(registry: Registry, now: Date): Promise<Overview> {
  const { db, dialect } = registry.database;
  const dates = queueDates(now, registry.scheme);
  const [counts, queues] = await Promise.all([labelCounts(db, dialect, dates), readAll(dialect, QUEUES.map((queue) => () => queueOverview(db, dialect, queue, dates)))]);
  return { ...counts, queues };
}

async function queueOverview(db: Db, dialect: Dialect, queue: Queue, dates: QueueDates): Promise<QueueOverview> {
  const count = await countClusters(db, dialect, { queue }, dates);
  const page = await listClusters(db, dialect, { queue, sort: QUEUE_SORT[queue] }, dates, QUEUE_PREVIEW, count);
  return { queue, next: page.rows, ...count };
}

/**
 * Clusters by level and stored status, then the valid rows past their end moved to
 * expired: each number one range of the label mirror's index (level, status, end),
 * so that no single read holds SQLite for long (one grouped scan of 100,000 rows took
 * 50 ms; the largest range here takes a few), read as `readAll` reads.
 */
async function labelCounts(db: Db, dialect: Dialect, { today }: QueueDates): Promise<Pick<Overview, 'clusters' | 'counts' | 'unlabelled'>> {
  const count = async (level: Level | null, status: 'valid' | 'expired' | 'withdrawn' | 'revoked' | null, endBefore?: string) => {
    await yieldToOthers();
    let q = db.selectFrom('clusters').select((eb) => eb.fn.countAll<number | string>().as('n'));
    q = level === null ? q.where('label_level', 'is', null) : q.where('label_level', '=', level);
    if (status !== null) q = q.where('label_status', '=', status);
    if (endBefore !== undefined) q = q.where('label_valid_until', '<', endBefore);
    return Number((await q.executeTakeFirstOrThrow()).n);
  };
  const STATUSES = ['valid', 'expired', 'withdrawn', 'revoked'] as const;
  const [unlabelled = 0, ...byLevel] = await readAll(dialect, [
    () => count(null, null),
    ...LEVELS.flatMap((level) => [...STATUSES.map((status) => () => count(level, status)), () => count(level, 'valid', today)]),
  ]);
  const counts = {} as Overview['counts'];
  let clusters = unlabelled;
  LEVELS.forEach((level, i) => {
    const [valid = 0, expired = 0, withdrawn = 0, revoked = 0, pastEnd = 0] = byLevel.slice(i * 5, i * 5 + 5);
    counts[level] = { valid: valid - pastEnd, expired: expired + pastEnd, withdrawn, revoked };
    clusters += valid + expired + withdrawn + revoked;
  });
  return { clusters, counts, unlabelled };
}
