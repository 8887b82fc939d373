import { sql, type Expression, type ExpressionBuilder, type SelectQueryBuilder, type SqlBool } from 'kysely';
import { addMonths, utcDate } from '../domain/dates.ts';
import { graceEnds, type Scheme } from '../domain/schemes.ts';
import { isClusterId } from '../domain/clusters.ts';
import { LEVELS, type IsoDate, type LabelStatus, type Level } from '../domain/types.ts';
import { nameMatches, words } from '../registry/search.ts';
import { yieldToOthers, type Db, type Dialect } from '../registry/database.ts';
import type { Schema } from '../registry/schema.ts';

/**
 * The console's list of clusters: filters, sorts and keyset pages over the current
 * label mirrored on `clusters` (`label_*`, `changed_at`; migrations 004 and 009), so
 * that a page costs index steps whatever the register's size. Never a join over all
 * labels.
 */

export const LIST_SORTS = ['name', '-name', 'country', 'level', 'valid-until', '-valid-until', 'changed'] as const;
export type ListSort = (typeof LIST_SORTS)[number];

/** The office's work queues: what needs doing, each a filter of the list and a box on the dashboard. */
export const QUEUES = ['ending-30', 'ending-90', 'grace', 'withdrawal', 'revoked', 'unlabelled'] as const;
export type Queue = (typeof QUEUES)[number];

/** The current label's status as the office sees it: `expired` includes a `valid` row past its end. */
export const LIST_STATUSES = ['valid', 'expired', 'withdrawn', 'revoked', 'none'] as const;
export type ListStatus = (typeof LIST_STATUSES)[number];

export const PAGE_SIZE = 50;

export interface ListFilters {
  q?: string | undefined;
  /** ISO 3166 alpha-2. */
  country?: string | undefined;
  level?: Level | undefined;
  status?: ListStatus | undefined;
  queue?: Queue | undefined;
}

export interface ListQuery extends ListFilters {
  sort: ListSort;
  /** The page after this place; or, with `before`, the page before it (a "previous" link). */
  after?: Cursor | undefined;
  before?: Cursor | undefined;
}

/** A place in an order: the stretch of the order (see {@link stretches}) and the sort key of the last row shown. */
export interface Cursor {
  sort: ListSort;
  stretch: number;
  key: string[];
}

export interface ListRow {
  id: string;
  name: string;
  country: string;
  level: Level | null;
  status: LabelStatus | null;
  validUntil: string | null;
  changedAt: string | null;
}

export interface ListPage {
  rows: ListRow[];
  /** Where the next page starts; absent on the last page. */
  next?: Cursor | undefined;
  /** Where the previous page ends; absent on the first page. */
  previous?: Cursor | undefined;
}

export interface ListCount {
  /** All matches, exactly up to {@link COUNT_LIMIT}; `more` when there are more than that. */
  total: number;
  more: boolean;
}


/**
 * Several reads of one page. PostgreSQL answers them at once from its pool; SQLite's
 * reads run on this thread, so there they run one after another, each behind a turn
 * of the event loop (they yield themselves), and no page holds the issuer for long.
 */
export async function readAll<T>(dialect: Dialect, reads: ReadonlyArray<() => Promise<T>>): Promise<T[]> {
  if (dialect === 'postgres') return Promise.all(reads.map((read) => read()));
  const results: T[] = [];
  for (const read of reads) results.push(await read());
  return results;
}

/** Counting stops here: an exact count of a broad text search would read every match. */
export const COUNT_LIMIT = 10_000;

/** The address parameters of a query, in a fixed order and without empty ones: the shareable form of a filter state. */
export function listParams(query: ListFilters & { sort?: ListSort | undefined; after?: Cursor | undefined; before?: Cursor | undefined }): URLSearchParams {
  const params = new URLSearchParams();
  for (const name of ['q', 'country', 'level', 'status', 'queue'] as const) {
    const v = query[name];
    if (v) params.set(name, v);
  }
  if (query.sort && query.sort !== 'name') params.set('sort', query.sort);
  if (query.after) params.set('after', encodeCursor(query.after));
  else if (query.before) params.set('before', encodeCursor(query.before));
  return params;
}

/** `path` with the address parameters of a query, and no `?` when there are none. */
export function listAddress(path: string, query: Parameters<typeof listParams>[0]): string {
  const params = listParams(query).toString();
  return params ? `${path}?${params}` : path;
}

export function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify([cursor.sort, cursor.stretch, ...cursor.key])).toString('base64url');
}

/**
 * The place a cursor names, in the order it names; undefined for anything that is not
 * a cursor this list wrote (`encodeCursor`). Whether its order is the asked one is the
 * query's check (server/contract/console.ts).
 */
export function decodeCursor(raw: string): Cursor | undefined {
  if (raw.length > 2000 || !/^[A-Za-z0-9_-]+$/.test(raw)) return undefined;
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  if (!Array.isArray(decoded)) return undefined;
  const [sort, stretch, ...key]: unknown[] = decoded;
  if (!isListSort(sort) || typeof stretch !== 'number') return undefined;
  const columns = stretches(sort)[stretch]?.columns;
  if (!columns || key.length !== columns.length || !isClusterId(key.at(-1))) return undefined;
  const parts = key.filter((part): part is string => typeof part === 'string' && part.length <= 200);
  return parts.length === key.length ? { sort, stretch, key: parts } : undefined;
}

const isListSort = (value: unknown): value is ListSort => LIST_SORTS.some((sort) => sort === value);

type Column = 'name' | 'id' | 'country' | 'label_valid_until' | 'changed_at';
type Condition = (eb: ExpressionBuilder<Schema, 'clusters'>) => Expression<SqlBool>;

/**
 * An order as consecutive stretches, each one index range read in its own column
 * order: the `level` order is the gold clusters by name, then silver, bronze, and
 * those without a label; the end-date orders put clusters without a label last.
 * A cursor names its stretch, so paging on is a range seek in one index.
 */
interface Stretch {
  where?: Condition;
  /** Only clusters with a label (true), only those without (false). */
  labelled?: boolean;
  level?: Level;
  columns: Column[];
  direction: 'asc' | 'desc';
}

function stretches(sort: ListSort): Stretch[] {
  const byName: Column[] = ['name', 'id'];
  switch (sort) {
    case 'name':
      return [{ columns: byName, direction: 'asc' }];
    case '-name':
      return [{ columns: byName, direction: 'desc' }];
    case 'country':
      return [{ columns: ['country', 'name', 'id'], direction: 'asc' }];
    case 'level':
      return [
        ...[...LEVELS].reverse().map((level): Stretch => ({ where: (eb) => eb('clusters.label_level', '=', level), labelled: true, level, columns: byName, direction: 'asc' })),
        { where: (eb) => eb('clusters.label_level', 'is', null), labelled: false, columns: byName, direction: 'asc' },
      ];
    case 'valid-until':
    case '-valid-until':
      return [
        { where: (eb) => eb('clusters.label_valid_until', 'is not', null), labelled: true, columns: ['label_valid_until', 'name', 'id'], direction: sort === 'valid-until' ? 'asc' : 'desc' },
        { where: (eb) => eb('clusters.label_valid_until', 'is', null), labelled: false, columns: byName, direction: 'asc' },
      ];
    case 'changed':
      return [{ columns: ['changed_at', 'id'], direction: 'desc' }];
  }
}

/** Whether a stretch can hold a match at all: a walk never reads a stretch the filters rule out. */
function fits(stretch: Stretch, filters: ListFilters): boolean {
  const unlabelled = filters.status === 'none' || filters.queue === 'unlabelled';
  const labelled = filters.level !== undefined || (filters.status !== undefined && !unlabelled) || (filters.queue !== undefined && !unlabelled);
  if (stretch.labelled === true && unlabelled) return false;
  if (stretch.labelled === false && labelled) return false;
  return !(stretch.level && filters.level && stretch.level !== filters.level);
}

/** The dates a queue or status is judged by, from today, by the scheme's grace period. */
export function queueDates(now: Date, scheme: Scheme): QueueDates {
  const today = utcDate(now);
  const plus = (days: number) => utcDate(new Date(Date.parse(today) + days * 86_400_000));
  // The earliest end date still in its grace period is the first whose grace ends today or
  // later; from the same day the grace period earlier, a clamped month's end moves it on
  // (the ECEI's year: a label that ended on 29 February had its grace end on 28 February).
  let graceFrom = addMonths(today, -scheme.rules.graceMonths);
  while (graceEnds(scheme, { validUntil: graceFrom }) < today) graceFrom = plus(Math.round((Date.parse(graceFrom) - Date.parse(today)) / 86_400_000) + 1);
  return { today, in30: plus(30), in90: plus(90), graceFrom };
}

export interface QueueDates {
  today: IsoDate;
  in30: IsoDate;
  in90: IsoDate;
  /** The earliest end date of a label still in its grace period today. */
  graceFrom: IsoDate;
}

type From = SelectQueryBuilder<Schema, 'clusters', {}>;

/**
 * The clusters matching `filters` (no order), for a count or for one stretch of an
 * order. SQLite plans without statistics, and may read a weak index: so the most
 * selective filter leads (the name, else the country), then, for a page, the order's
 * own index, read from its start or the cursor until the page is full, and for a
 * count the label's index; a unary + keeps the other columns from being used as
 * index constraints.
 */
export function filtered(db: Db, dialect: Dialect, filters: ListFilters, dates: QueueDates, use: 'count' | Stretch = 'count'): From {
  const { today, in30, in90, graceFrom } = dates;
  const lead = filters.q ? 'text' : filters.country ? 'country' : use === 'count' ? 'label' : 'order';
  const orderLeads = typeof use === 'object' ? use.columns[0] : undefined;
  type Ref = `clusters.${'country' | 'label_level' | 'label_status' | 'label_valid_until'}`;
  const ref = (column: Ref, group: 'country' | 'label') => {
    const plain = group === lead || (lead === 'order' && column === `clusters.${orderLeads}`);
    return dialect === 'sqlite' && !plain ? sql<string>`+${sql.ref(column)}` : sql.ref<string>(column);
  };
  const status = ref('clusters.label_status', 'label');
  const end = ref('clusters.label_valid_until', 'label');
  let q: From = db.selectFrom('clusters');
  const text = filters.q;
  if (text) q = q.where((eb) => textMatches(eb, dialect, text));
  if (filters.country) q = q.where(ref('clusters.country', 'country'), '=', filters.country);
  if (filters.level) q = q.where(ref('clusters.label_level', 'label'), '=', filters.level);
  switch (filters.status) {
    case 'valid':
      q = q.where(status, '=', 'valid').where(end, '>=', today);
      break;
    case 'expired':
      q = q.where((eb) => eb.or([eb(status, '=', 'expired'), eb.and([eb(status, '=', 'valid'), eb(end, '<', today)])]));
      break;
    case 'withdrawn':
    case 'revoked':
      q = q.where(status, '=', filters.status);
      break;
    case 'none':
      q = q.where(status, 'is', null);
      break;
  }
  switch (filters.queue) {
    case 'ending-30':
    case 'ending-90':
      q = q.where(status, '=', 'valid').where(end, '>=', today).where(end, '<=', filters.queue === 'ending-30' ? in30 : in90);
      break;
    // Expired (by its end or by the sweep) and still renewable, or past that and waiting to be withdrawn.
    case 'grace':
      q = q.where(status, 'in', ['valid', 'expired']).where(end, '<', today).where(end, '>=', graceFrom);
      break;
    case 'withdrawal':
      q = q.where(status, 'in', ['valid', 'expired']).where(end, '<', graceFrom);
      break;
    case 'revoked':
      q = q.where(status, '=', 'revoked');
      break;
    case 'unlabelled':
      q = q.where(status, 'is', null);
      break;
  }
  return q;
}

/** The name's words as the register matches them (`nameMatches`), or the start of the id. */
function textMatches(eb: ExpressionBuilder<Schema, 'clusters'>, dialect: Dialect, text: string): Expression<SqlBool> {
  const name = nameMatches(eb, dialect, words(text), true);
  // An id is a lowercase slug: text that could start one also matches ids by their start
  // (a slug holds no LIKE wildcard). PostgreSQL reads it from migration 012's index; SQLite
  // as a range of the key ('~' sorts after every slug character).
  const prefix = text.toLowerCase();
  if (!/^[a-z0-9-]+$/.test(prefix)) return name;
  const id = dialect === 'postgres' ? eb('clusters.id', 'like', `${prefix}%`) : eb.and([eb('clusters.id', '>=', prefix), eb('clusters.id', '<', `${prefix}~`)]);
  return eb.or([name, id]);
}

const ROW = ['clusters.id', 'clusters.name', 'clusters.country', 'clusters.label_level', 'clusters.label_status', 'clusters.label_valid_until', 'clusters.changed_at'] as const;

function ordered(q: From, stretch: Stretch, direction: Stretch['direction']) {
  let out = q;
  for (const column of stretch.columns) out = out.orderBy(`clusters.${column}`, direction);
  return out;
}

/** Up to this many matches a page is sorted from the filters' index; more, and it walks the order's index. */
const SORT_AT_MOST = 2000;

/**
 * One page of the list. It walks its order's stretches from the cursor (or the
 * start) until it is full; for the page before a cursor, the same walk backwards,
 * each index read in reverse. A page before which fewer than a page's rows remain
 * is the first page.
 *
 * @example await listClusters(db, 'sqlite', { queue: 'ending-30', sort: 'valid-until' }, queueDates(new Date(), registry.scheme))
 */
export async function listClusters(db: Db, dialect: Dialect, query: ListQuery, dates: QueueDates, pageSize = PAGE_SIZE, matches?: ListCount): Promise<ListPage> {
  // Few matches (the count says so): read them by the filters and sort; many: walk the order.
  const fewMatches = matches !== undefined && !matches.more && matches.total <= SORT_AT_MOST;
  const all = stretches(query.sort);
  const back = query.before !== undefined;
  const from = query.before ?? query.after;
  const wanted = pageSize + 1;
  type Place = { row: ListRow; index: number; stretch: Stretch };
  const found: Place[] = [];
  const step = back ? -1 : 1;
  // Past either end of the order there is no stretch: the walk ends there.
  for (let index = from?.stretch ?? 0, stretch = all[index]; stretch && found.length < wanted; index += step, stretch = all[index]) {
    if (!fits(stretch, query)) continue;
    await yieldToOthers();
    const direction = back === (stretch.direction === 'asc') ? 'desc' : 'asc';
    let q = filtered(db, dialect, query, dates, fewMatches ? 'count' : stretch);
    if (stretch.where) q = q.where(stretch.where);
    if (from && index === from.stretch) {
      const key = from.key;
      q = q.where((eb) => eb(eb.refTuple(...(stretch.columns.map((c) => `clusters.${c}`) as [`clusters.${Column}`, `clusters.${Column}`])), direction === 'asc' ? '>' : '<', eb.tuple(...(key as [string, string]))));
    }
    const rows = await ordered(q, stretch, direction).select(ROW).limit(wanted - found.length).execute();
    for (const row of rows) found.push({ row: toRow(row), index, stretch });
  }
  if (back && found.length < pageSize) return listClusters(db, dialect, { ...query, before: undefined }, dates, pageSize, matches);
  const more = found.length > pageSize;
  const shown = back ? found.slice(0, pageSize).reverse() : found.slice(0, pageSize);
  const cursorAt = (place: Place | undefined): Cursor | undefined => place && { sort: query.sort, stretch: place.index, key: keyOf(place.row, place.stretch) };
  // Back from a cursor, there is a page after; on from one, a page before.
  const next = more || back ? cursorAt(shown.at(-1)) : undefined;
  const previous = (back && more) || query.after ? cursorAt(shown[0]) : undefined;
  return { rows: shown.map((f) => f.row), next, previous };
}

/** How many clusters match, exactly up to {@link COUNT_LIMIT}. */
export async function countClusters(db: Db, dialect: Dialect, filters: ListFilters, dates: QueueDates): Promise<ListCount> {
  await yieldToOthers();
  const matches = filtered(db, dialect, filters, dates).select('clusters.id').limit(COUNT_LIMIT + 1);
  const { n } = await db.selectFrom(matches.as('m')).select((eb) => eb.fn.countAll<number | string>().as('n')).executeTakeFirstOrThrow();
  const total = Number(n);
  return total > COUNT_LIMIT ? { total: COUNT_LIMIT, more: true } : { total, more: false };
}

/**
 * Every match of a list query, from its first, as ids in batches of `batchSize`
 * in the list's own order: the list's pages, each read as the list reads one, with
 * the count (taken once) choosing between the filters' index and the order's. The
 * cursor of `query` is not used: an export holds every match, not those after a page.
 */
export async function* listedIds(db: Db, dialect: Dialect, query: ListFilters & { sort: ListSort }, dates: QueueDates, batchSize = 1000): AsyncGenerator<string[]> {
  const filters: ListQuery = { q: query.q, country: query.country, level: query.level, status: query.status, queue: query.queue, sort: query.sort };
  const count = await countClusters(db, dialect, filters, dates);
  let after: Cursor | undefined;
  do {
    const page = await listClusters(db, dialect, { ...filters, after }, dates, batchSize, count);
    if (page.rows.length > 0) yield page.rows.map((row) => row.id);
    after = page.next;
  } while (after);
}

function keyOf(row: ListRow, stretch: Stretch): string[] {
  const value: Record<Column, string | null> = { name: row.name, id: row.id, country: row.country, label_valid_until: row.validUntil, changed_at: row.changedAt };
  return stretch.columns.map((column) => value[column] ?? '');
}

function toRow(row: { id: string; name: string; country: string; label_level: Level | null; label_status: LabelStatus | null; label_valid_until: string | null; changed_at: string | null }): ListRow {
  return { id: row.id, name: row.name, country: row.country, level: row.label_level, status: row.label_status, validUntil: row.label_valid_until, changedAt: row.changed_at };
}
