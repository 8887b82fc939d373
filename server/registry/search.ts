import { sql, type Expression, type ExpressionBuilder, type SelectQueryBuilder, type SqlBool } from 'kysely';
import { utcDate } from '../domain/dates.ts';
import { labelClaim, schemeLabelClaim, type LabelClaim, type SchemeLabelClaim } from '../domain/claims.ts';
import { isClusterId } from '../domain/clusters.ts';
import { registerQuery, type Sort } from '../contract/register.ts';
import { queryValues } from '../contract/query.ts';
import { parseWith } from '../contract/refusals.ts';
import { isLevel, type Cluster, type Label, type LabelStatus, type Level, type TokenStatus } from '../domain/types.ts';
import { fail } from '../errors.ts';
import type { Change, ChangeBus } from './changes.ts';
import { currentLabelsJson, parseCurrentLabels } from './current-label.ts';
import { distinctValues } from './distinct.ts';
import type { Db, Dialect } from './database.ts';
import type { Schema } from './schema.ts';

export { MAX_PAGE_SIZE, SORTS, STATUSES, type Sort } from '../contract/register.ts';

export interface SearchFilters {
  /** Words that must all occur in the name, case-insensitively; one or two characters match the start of a word. */
  text?: string | undefined;
  /** ISO 3166 alpha-2, upper case. */
  country?: string | undefined;
  /** A scheme id: clusters holding a current label of that scheme (any status; an unknown scheme matches none). */
  scheme?: string | undefined;
  level?: Level | undefined;
  /** The current label's status as a token states it (`withdrawn` reads `expired`). */
  status?: TokenStatus | undefined;
}

export interface SearchQuery extends SearchFilters {
  sort: Sort;
  /** From 1. */
  page: number;
  pageSize: number;
  /** The instant a `valid` label is judged at. */
  now: Date;
  /** Where the previous page of a walk ended: the page starts after it (`page` then does not apply). */
  after?: Cursor | undefined;
}

/**
 * A place in the register's order: the sort and the sort key of the last
 * cluster a page showed. Every key ends in the unique id, so it names exactly
 * one place however the register changes, and paging on from it costs index
 * steps, not the rows before it.
 */
export interface Cursor {
  sort: Sort;
  /** `[name, id]`; `[country, name, id]` for `country`; `[validUntil or null, name, id]` for the `valid-until` orders. */
  key: (string | null)[];
}

/** What the register shows of a cluster: never its contact. */
export type PublicCluster = Pick<Cluster, 'id' | 'name' | 'organisation' | 'country' | 'portfolio' | 'sites'>;

export interface RegisterEntry {
  cluster: PublicCluster;
  /** The current ECEI label as a token states it. */
  label: LabelClaim;
  /** The current label in every scheme, as the token's `labels` states them, sorted by scheme; `[]` when none. */
  labels: SchemeLabelClaim[];
}

export interface SearchResult {
  items: RegisterEntry[];
  total: number;
  /** Where the next page starts; absent on the last page. */
  next?: Cursor | undefined;
}

/**
 * Checks the register's query parameters (as a URL carries them) against the register's
 * query schema and returns a clean query; throws `invalid_query` naming the parameter.
 *
 * @example parseSearchParams(new URL(c.req.url).searchParams, { pageSize: 25, now })
 */
export function parseSearchParams(params: URLSearchParams, defaults: { pageSize: number; now: Date }): SearchQuery {
  const { q, country, scheme, level, status, sort, page, pageSize } = parseWith(registerQuery(defaults.pageSize), queryValues(params));
  return { text: q, country, scheme, level, status, sort, page, pageSize, now: defaults.now };
}

/** Longer than any cursor a page hands out (a name is at most 200 characters). */
const MAX_CURSOR_LENGTH = 2000;

/** A cursor as it travels in an address: base64url of JSON `[sort, ...key]`. Opaque to clients. */
export function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify([cursor.sort, ...cursor.key])).toString('base64url');
}

/**
 * Reads the `after` parameter (a cursor from a page's `next` link) for `query`'s
 * sort; throws `invalid_query` for anything a page did not hand out, for a cursor
 * of another sort, and beside `page`.
 *
 * @example parseCursor(params, query.sort)
 */
export function parseCursor(params: URLSearchParams, sort: Sort): Cursor | undefined {
  const raw = params.get('after');
  if (raw === null) return undefined;
  if (params.get('page')?.trim()) throw fail('invalid_query', { parameter: 'page', rule: 'cannot be combined with "after": follow the "next" link of a page' });
  const refused = () => fail('invalid_query', { parameter: 'after', rule: 'must be the cursor of a "next" link, with the same sort' });
  if (raw.length > MAX_CURSOR_LENGTH || !/^[A-Za-z0-9_-]+$/.test(raw)) throw refused();
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
  } catch {
    throw refused();
  }
  if (!Array.isArray(decoded) || decoded[0] !== sort) throw refused();
  const key: unknown[] = decoded.slice(1);
  const text = (value: unknown) => typeof value === 'string' && value.length <= 200;
  const date = (value: unknown) => value === null || (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value));
  const lead = sort === 'country' ? text : sort === 'valid-until' || sort === '-valid-until' ? date : undefined;
  const expected = lead ? [lead, text, isId] : [text, isId];
  if (key.length !== expected.length || !expected.every((valid, i) => valid(key[i]))) throw refused();
  return { sort, key: key as (string | null)[] };
}

const isId = (value: unknown) => typeof value === 'string' && isClusterId(value);

/**
 * One page of the register and the number of all matches. The name search uses
 * each dialect's own text index: FTS5 trigram on SQLite, pg_trgm on PostgreSQL;
 * level and status filter on the current label mirrored on `clusters`.
 *
 * @example await searchClusters(db, 'sqlite', { text: 'photonics', level: 'gold', sort: 'name', page: 1, pageSize: 25, now: new Date() })
 */
export async function searchClusters(db: Db, dialect: Dialect, query: SearchQuery, counts?: MatchCounts): Promise<SearchResult> {
  // One row more than the page shows says whether a next page exists.
  const wanted = query.pageSize + 1;
  const count = (filters: SearchFilters & { now: Date }) => {
    const countAll = async () => {
      const { total } = await filtered(db, dialect, filters)
        .select((eb) => eb.fn.countAll<number | string | bigint>().as('total'))
        .executeTakeFirstOrThrow();
      return Number(total);
    };
    return counts ? counts.count(filters, countAll) : countAll();
  };
  // The page's ids first, from the indexes alone; only those rows are then read
  // whole with their label. Skipping to a deep page so costs index steps, not joins.
  let ids: string[] | undefined;
  let total: number | undefined;
  if (query.text && WALKED_SORTS.has(query.sort)) {
    const [matches, all] = await Promise.all([count(query), count({ now: query.now })]);
    total = matches;
    const offset = query.after ? 0 : (query.page - 1) * query.pageSize;
    // Matches common enough that the walk should meet the page twice over, were they spread
    // evenly. A word of one or two letters matches the start of words, so most of its
    // matches are names that begin with it, which sort together: never spread evenly.
    const spread = words(query.text).every((word) => length(word) >= TRIGRAM);
    if (spread && matches * WALK >= 2 * (offset + wanted) * all) ids = await idsByWalk(db, dialect, query, wanted, offset);
    if (!ids && dialect === 'postgres') ids = await idsAmongMatches(db, query, wanted, offset);
  }
  ids ??= query.after ? await idsAfter(db, dialect, query, query.after, wanted) : await idsAt(db, dialect, query, wanted);
  const found = ids;
  const [rows, matches] = await Promise.all([found.length === 0 ? [] : withLabel(sorted(search(db).where('clusters.id', 'in', found), query.sort), dialect).execute(), total ?? count(query)]);
  const shown = rows.slice(0, query.pageSize);
  const last = shown.at(-1);
  const next = rows.length > query.pageSize && last ? { sort: query.sort, key: sortKey(last, query.sort) } : undefined;
  return { items: shown.map((row) => toEntry(row, query.now)), total: matches, next };
}

/** Counts kept at most: a few hundred distinct searches between two changes. */
const KEPT_COUNTS = 500;

/**
 * Exact match counts of recent searches, kept until the register next changes.
 * Counting every match of a broad search (a common word, a whole country) costs
 * more than finding its page, and the number changes only when a cluster or a label
 * does: every such change, this instance's or another's, is heard on the change bus
 * and forgets them all. A count is kept for the UTC day it was made on, as a label's
 * status turns with the date. One per change bus (`matchCounts`).
 */
export class MatchCounts {
  readonly #counts = new Map<string, Promise<number>>();

  constructor(changes: ChangeBus) {
    changes.subscribe(({ action }: Change) => {
      const [kind] = action.split('.');
      if (kind === 'cluster' || kind === 'label' || kind === 'register') this.#counts.clear();
    });
  }

  /** The count of `filters`' matches: kept, or `countAll()`'s, then kept. */
  count(filters: SearchFilters & { now: Date }, countAll: () => Promise<number>): Promise<number> {
    const key = JSON.stringify([filters.text ? words(filters.text) : null, filters.country ?? null, filters.scheme ?? null, filters.level ?? null, filters.status ?? null, utcDate(filters.now)]);
    let count = this.#counts.get(key);
    if (!count) {
      if (this.#counts.size >= KEPT_COUNTS) this.#counts.delete(this.#counts.keys().next().value!);
      const counting = countAll();
      // A failed count is not kept: the next search counts again.
      counting.catch(() => this.#counts.get(key) === counting && this.#counts.delete(key));
      this.#counts.set(key, (count = counting));
    }
    return count;
  }
}

const countsByBus = new WeakMap<ChangeBus, MatchCounts>();

/** The match counts kept for the registry whose changes `changes` announces. */
export function matchCounts(changes: ChangeBus): MatchCounts {
  let counts = countsByBus.get(changes);
  if (!counts) countsByBus.set(changes, (counts = new MatchCounts(changes)));
  return counts;
}

/**
 * A name search in an order by name or country: how many entries of the order's index
 * a page is looked for in before the matches are all found and sorted instead. The
 * name's text index finds every match (a common word: thousands) to sort them, where
 * the order's index, read from the start (or the cursor), meets a page of common
 * matches within a few hundred entries. The walk is tried when the counts say it
 * should find the page; should the matches bunch further on (names that begin alike
 * sort together: `q=ka`), it stops here and the matches are sorted after all. Neither
 * database can choose this alone: SQLite keeps no statistics, and PostgreSQL's assume
 * matches spread evenly, so it walks the whole bunch's way (30,000 names for `q=ka`).
 */
const WALK = 3000;
const WALKED_SORTS: ReadonlySet<Sort> = new Set(['name', '-name', 'country']);

/** The ids of the page within the first `WALK` entries of the order (after the cursor), or undefined if it is not all there. */
async function idsByWalk(db: Db, dialect: Dialect, query: SearchQuery, wanted: number, offset: number): Promise<string[] | undefined> {
  const stretch = query.after ? stretchesAfter(query.after)[0] : undefined;
  const from = stretch ? search(db).where(stretch) : search(db);
  const end = await sorted(from, query.sort).select(['clusters.id', 'clusters.name', 'clusters.country']).offset(WALK - 1).limit(1).executeTakeFirst();
  let walk = filtered(db, dialect, query, 'walk');
  if (stretch) walk = walk.where(stretch);
  if (end) walk = walk.where(upTo(query.sort, end));
  const rows = await sorted(walk, query.sort).select('clusters.id').limit(wanted).offset(offset).execute();
  // Short of the page within the walk, unless the walk reached the end of the order: the rest lies further on.
  return rows.length === wanted || !end ? rows.map((row) => row.id) : undefined;
}

/**
 * PostgreSQL: the page among every match of the name search, found first by the name's
 * trigram index (`materialized`: the planner may not fold this into a walk of the
 * order's index), then sorted. What the walk does not find quickly, this finds in the
 * time the matches take to read.
 */
async function idsAmongMatches(db: Db, query: SearchQuery, wanted: number, offset: number): Promise<string[]> {
  const stretch = query.after ? stretchesAfter(query.after)[0] : undefined;
  const matches = filtered(db, 'postgres', query).select(['clusters.id', 'clusters.name', 'clusters.country']);
  const rows = await db
    .with((cte) => cte('matches').materialized(), () => (stretch ? matches.where(stretch) : matches))
    .selectFrom('matches')
    .select('matches.id')
    // The orders of `sorted`, on the matches' columns.
    .$call((q) => {
      switch (query.sort) {
        case 'country':
          return q.orderBy('matches.country').orderBy('matches.name').orderBy('matches.id');
        case '-name':
          return q.orderBy('matches.name', 'desc').orderBy('matches.id', 'desc');
        default:
          return q.orderBy('matches.name').orderBy('matches.id');
      }
    })
    .limit(wanted)
    .offset(offset)
    .execute();
  return rows.map((row) => row.id);
}

/** The part of the order up to and including the entry `end`. */
function upTo(sort: Sort, end: { id: string; name: string; country: string }): Condition {
  switch (sort) {
    case 'country':
      return (eb) => eb(eb.refTuple('clusters.country', 'clusters.name', 'clusters.id'), '<=', eb.tuple(end.country, end.name, end.id));
    case '-name':
      return (eb) => eb(eb.refTuple('clusters.name', 'clusters.id'), '>=', eb.tuple(end.name, end.id));
    default:
      return (eb) => eb(eb.refTuple('clusters.name', 'clusters.id'), '<=', eb.tuple(end.name, end.id));
  }
}

/** The ids of a page by number: the database steps over the rows of the pages before it. */
async function idsAt(db: Db, dialect: Dialect, query: SearchQuery, wanted: number): Promise<string[]> {
  const rows = await sorted(filtered(db, dialect, query), query.sort)
    .select('clusters.id')
    .limit(wanted)
    .offset((query.page - 1) * query.pageSize)
    .execute();
  return rows.map((row) => row.id);
}

/**
 * The ids of the page after `cursor`: each stretch of the order after it is one
 * index range, read in order until the page is full (one stretch, but up to three
 * for the `valid-until` orders, whose labelless clusters come last).
 */
async function idsAfter(db: Db, dialect: Dialect, query: SearchQuery, cursor: Cursor, wanted: number): Promise<string[]> {
  const ids: string[] = [];
  for (const stretch of stretchesAfter(cursor)) {
    // A walk follows the order's index from the cursor: without text or country
    // to lead, SQLite is told not to read the label filters' index and sort.
    const rows = await sorted(filtered(db, dialect, query, 'order').where(stretch), query.sort)
      .select('clusters.id')
      .limit(wanted - ids.length)
      .execute();
    ids.push(...rows.map((row) => row.id));
    if (ids.length === wanted) break;
  }
  return ids;
}

type Condition = (eb: ExpressionBuilder<Schema, 'clusters'>) => Expression<SqlBool>;

/** The parts of the order after `cursor`, in order, each a condition one index serves as a range. */
function stretchesAfter({ sort, key }: Cursor): Condition[] {
  const nameId = (op: '>' | '<', name: string, id: string): Condition => (eb) => eb(eb.refTuple('clusters.name', 'clusters.id'), op, eb.tuple(name, id));
  switch (sort) {
    case 'name':
    case '-name': {
      const [name, id] = key as [string, string];
      return [nameId(sort === 'name' ? '>' : '<', name, id)];
    }
    case 'country': {
      const [country, name, id] = key as [string, string, string];
      return [(eb) => eb(eb.refTuple('clusters.country', 'clusters.name', 'clusters.id'), '>', eb.tuple(country, name, id))];
    }
    case 'valid-until':
    case '-valid-until': {
      const [end, name, id] = key as [string | null, string, string];
      // Clusters without a label come last, in name order.
      const labelless: Condition = (eb) => eb('clusters.label_valid_until', 'is', null);
      if (end === null) return [(eb) => eb.and([labelless(eb), nameId('>', name, id)(eb)])];
      return [
        (eb) => eb.and([eb('clusters.label_valid_until', '=', end), nameId('>', name, id)(eb)]),
        (eb) => eb('clusters.label_valid_until', sort === 'valid-until' ? '>' : '<', end),
        labelless,
      ];
    }
  }
}

/** A row's place in `sort`: the key a cursor keeps. */
function sortKey(row: Row, sort: Sort): (string | null)[] {
  switch (sort) {
    case 'name':
    case '-name':
      return [row.name, row.id];
    case 'country':
      return [row.country, row.name, row.id];
    case 'valid-until':
    case '-valid-until':
      return [row.label_valid_until, row.name, row.id];
  }
}

/**
 * Every match in id order, `batchSize` rows at a time (keyset paging, so each
 * batch costs the same however deep): for exports that must not hold them all.
 */
export async function* eachCluster(db: Db, dialect: Dialect, filters: SearchFilters, now: Date, batchSize = 1000): AsyncGenerator<RegisterEntry[]> {
  let after: string | undefined;
  for (;;) {
    let batch = withLabel(filtered(db, dialect, { ...filters, now }), dialect);
    if (after !== undefined) batch = batch.where('clusters.id', '>', after);
    const rows = await batch.orderBy('clusters.id').limit(batchSize).execute();
    if (rows.length === 0) return;
    yield rows.map((row) => toEntry(row, now));
    if (rows.length < batchSize) return;
    after = rows[rows.length - 1]!.id;
  }
}

type From = SelectQueryBuilder<Schema, 'clusters', {}>;

const search = (db: Db): From => db.selectFrom('clusters');

/**
 * The matches of `query`. SQLite plans without statistics until ANALYZE has run,
 * and may then pick a weak index. So the most selective filter leads (the name,
 * else the country, else the label), and a unary + keeps the others from being
 * used as index constraints. A walk from a cursor has `order` lead instead of the
 * label: the order's own index, read from the cursor, finds a page of a common
 * label in a few steps, where the label's index would find all of them to sort.
 */
function filtered(db: Db, dialect: Dialect, query: SearchFilters & { now: Date }, fallback: 'label' | 'order' | 'walk' = 'label'): From {
  const today = utcDate(query.now);
  const lead = fallback === 'walk' ? fallback : query.text ? 'text' : query.country ? 'country' : fallback;
  const ref = (column: `clusters.${'country' | 'label_level' | 'label_status' | 'label_valid_until'}`, group: 'text' | 'country' | 'label') =>
    dialect === 'sqlite' && group !== lead ? sql`+${sql.ref(column)}` : sql.ref(column);
  const status = ref('clusters.label_status', 'label');
  const validUntil = ref('clusters.label_valid_until', 'label');

  let q = search(db);
  if (query.text) q = q.where((eb) => nameMatches(eb, dialect, words(query.text!), lead === 'text'));
  if (query.country) q = q.where(ref('clusters.country', 'country'), '=', query.country);
  // A cluster's newest label of a scheme is its current one, whatever its status: holding any label of the scheme is holding a current one.
  const { scheme } = query;
  if (scheme) q = q.where('clusters.id', 'in', (eb) => eb.selectFrom('labels').select('labels.cluster_id').where('labels.scheme', '=', scheme));
  if (query.level) q = q.where(ref('clusters.label_level', 'label'), '=', query.level);
  // Mirrors `tokenStatus`: a `valid` row past its last day reads expired, swept or not.
  switch (query.status) {
    case 'valid':
      q = q.where(status, '=', 'valid').where(validUntil, '>=', today);
      break;
    case 'expired':
      q = q.where((eb) => eb.or([eb(status, 'in', ['expired', 'withdrawn']), eb.and([eb(status, '=', 'valid'), eb(validUntil, '<', today)])]));
      break;
    case 'revoked':
      q = q.where(status, '=', 'revoked');
      break;
    case 'none':
      q = q.where(status, 'is', null);
      break;
  }
  return q;
}

/** Up to ten distinct words; a longer query adds nothing a person meant. */
export function words(text: string): string[] {
  return [...new Set(text.normalize('NFC').split(/\s+/).filter(Boolean))].slice(0, 10);
}

// Trigram indexes need three characters. A shorter word ("AI", "EU") matches the
// start of a word in the name: that finds what a person means rather than every
// name with those letters, and a trigram index still serves it (SQLite indexes the
// name after a space, so " ai" is a trigram; pg_trgm pads words itself).
const TRIGRAM = 3;
const escapeLike = (word: string) => word.replace(/[\\%_]/g, (ch) => `\\${ch}`);
const length = (word: string) => [...word].length;

/** `leads`: on SQLite, whether the text index may lead the plan (a walk has the order's index lead). */
export function nameMatches(eb: ExpressionBuilder<Schema, 'clusters'>, dialect: Dialect, terms: string[], leads: boolean) {
  if (dialect === 'postgres') {
    // ILIKE folds case by the database's locale; pg_trgm's GIN index serves it.
    const like = (pattern: string) => eb('clusters.name', 'ilike', pattern);
    return eb.and(
      terms.map((word) => (length(word) >= TRIGRAM ? like(`%${escapeLike(word)}%`) : eb.or([like(`${escapeLike(word)}%`), like(`% ${escapeLike(word)}%`)]))),
    );
  }
  const indexed = terms.filter((word) => length(word) >= TRIGRAM - 1).map((word) => (length(word) < TRIGRAM ? ` ${word}` : word));
  // A single character makes no trigram even after a space: those few queries scan (LIKE folds ASCII only).
  const scanned = terms.filter((word) => length(word) < TRIGRAM - 1);
  const conditions: Expression<SqlBool>[] = scanned.map((word) => {
    const like = (pattern: string) => sql<SqlBool>`clusters.name like ${pattern} escape '\\'`;
    return eb.or([like(`${escapeLike(word)}%`), like(`% ${escapeLike(word)}%`)]);
  });
  if (indexed.length > 0) {
    // Each word a quoted phrase: FTS5 query syntax in a name is searched for, not obeyed.
    const match = indexed.map((word) => `"${word.replaceAll('"', '""')}"`).join(' ');
    const searchId = leads ? sql`clusters.search_id` : sql`+clusters.search_id`;
    conditions.unshift(sql<SqlBool>`${searchId} in (select rowid from clusters_fts where clusters_fts match ${match})`);
  }
  return eb.and(conditions);
}

function withLabel(q: From, dialect: Dialect) {
  return q
    .leftJoin('labels', 'labels.id', 'clusters.current_label_id')
    .select([
      'clusters.id',
      'clusters.name',
      'clusters.organisation',
      'clusters.country',
      'clusters.portfolio',
      'clusters.sites',
      'clusters.label_valid_until',
      'labels.id as label_id',
      'labels.level',
      'labels.awarded',
      'labels.valid_until',
      'labels.status',
      'labels.revoked_at',
      'labels.public_reason',
    ])
    .select(currentLabelsJson(dialect).as('current_labels'));
}

type Row = Awaited<ReturnType<ReturnType<typeof withLabel>['execute']>>[number];

function sorted(q: From, sort: Sort): From {
  // Every order ends in the unique id, so pages never overlap or skip.
  switch (sort) {
    case 'name':
      return q.orderBy('clusters.name').orderBy('clusters.id');
    case '-name':
      return q.orderBy('clusters.name', 'desc').orderBy('clusters.id', 'desc');
    case 'country':
      return q.orderBy('clusters.country').orderBy('clusters.name').orderBy('clusters.id');
    // Clusters without a label come last in both directions, and in both dialects.
    case 'valid-until':
      return q.orderBy('clusters.label_valid_until', (o) => o.asc().nullsLast()).orderBy('clusters.name').orderBy('clusters.id');
    case '-valid-until':
      return q.orderBy('clusters.label_valid_until', (o) => o.desc().nullsLast()).orderBy('clusters.name').orderBy('clusters.id');
  }
}

function toEntry(row: Row, now: Date): RegisterEntry {
  const cluster: PublicCluster = {
    id: row.id,
    name: row.name,
    organisation: row.organisation,
    country: row.country,
    portfolio: row.portfolio,
    sites: JSON.parse(row.sites) as string[],
  };
  const labels = parseCurrentLabels(row.current_labels).map((held) => schemeLabelClaim(held, now));
  if (row.label_id === null) return { cluster, label: labelClaim(undefined, now), labels };
  const label = { level: row.level as Level, awarded: row.awarded!, validUntil: row.valid_until!, status: row.status as LabelStatus, revokedAt: row.revoked_at, publicReason: row.public_reason };
  return { cluster, label: labelClaim(label, now), labels };
}

/** The countries that have a registered cluster, in code order. */
export const registeredCountries = (db: Db) => distinctValues(db, 'clusters', 'country');
