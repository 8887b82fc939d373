import { randomInt } from 'node:crypto';
import type { LabelStatus } from '../domain/types.ts';
import type { Keyring } from '../keys/keyring.ts';
import type { Database, Trx } from '../registry/database.ts';
import { encodeStatusList, STATUS_INVALID, type Bits } from './status-list.ts';

export const STATUS_LIST_TYP = 'statuslist+jwt';
export const STATUS_LIST_MEDIA_TYPE = 'application/statuslist+jwt';
/** Labels per list. */
export const LIST_CAPACITY = 100_000;
/** One bit per label: valid or invalid. */
export const LIST_BITS: Bits = 1;
/**
 * `ttl`, seconds: how long a relying party may keep a status list token before it
 * fetches a fresh one — and the HTTP cache lifetime of the list. A change shows in
 * the served list at once (or, if this instance did not hear of it, once its signed
 * copy is this old); a relying party that honours `ttl` sees it within this.
 */
export const STATUS_LIST_TTL = 300;
/** A status list token's `exp − iat`: how long an offline verifier may use one copy. */
export const STATUS_LIST_LIFETIME = 86_400;

/** Label states whose credentials no longer stand: revoked for cause, withdrawn, or replaced by a new level. */
const INVALIDATING: LabelStatus[] = ['revoked', 'withdrawn', 'superseded'];

export interface StatusReference {
  idx: number;
  uri: string;
}

export interface SignedStatusList {
  list: number;
  token: string;
  kid: string;
  /** One status per index, unpacked. */
  statuses: Uint8Array;
  iat: number;
}

/**
 * The issuer's status lists: each label's place in one, and the signed list tokens.
 * The status of an entry is read from its label when the list is signed, so a
 * revocation needs no write here — only that the cached token is dropped (`drop`).
 */
export class StatusLists {
  readonly #database: Database;
  readonly #keyring: Keyring;
  readonly #issuer: string;
  readonly #now: () => Date;
  #signed = new Map<number, Promise<SignedStatusList>>();

  constructor(database: Database, keyring: Keyring, options: { issuer: string; now: () => Date }) {
    this.#database = database;
    this.#keyring = keyring;
    this.#issuer = options.issuer;
    this.#now = options.now;
  }

  uri(list: number): string {
    return `${this.#issuer}/v1/status-lists/${list}`;
  }

  /** Status List Aggregation (draft §9): every list, for relying parties that keep them all. */
  aggregationUri(): string {
    return `${this.#issuer}/v1/status-lists`;
  }

  /** The URIs of every list there is; the first exists before any label has an entry. */
  async all(): Promise<string[]> {
    const newest = await this.#database.db.selectFrom('status_entries').select((eb) => eb.fn.max('list').as('list')).executeTakeFirst();
    return Array.from({ length: Math.max(1, Number(newest?.list ?? 1)) }, (_, i) => this.uri(i + 1));
  }

  /** The list a status list URI of this issuer names, or undefined. */
  listOf(uri: string): number | undefined {
    const prefix = `${this.#issuer}/v1/status-lists/`;
    if (!uri.startsWith(prefix)) return undefined;
    const rest = uri.slice(prefix.length);
    return /^[1-9]\d{0,8}$/.test(rest) ? Number(rest) : undefined;
  }

  /**
   * The label's entry, given it on first use: a random free index of the newest list
   * that has room, so that an index says nothing about when a label was awarded.
   * Runs inside a write transaction: no other writer allocates meanwhile.
   */
  async place(trx: Trx, labelId: number): Promise<StatusReference> {
    const existing = await trx.selectFrom('status_entries').select(['list', 'idx']).where('label_id', '=', labelId).executeTakeFirst();
    if (existing) return { idx: existing.idx, uri: this.uri(existing.list) };
    const newest = await trx
      .selectFrom('status_entries')
      .select(['list', (eb) => eb.fn.countAll<string | number>().as('used')])
      .groupBy('list')
      .orderBy('list', 'desc')
      .limit(1)
      .executeTakeFirst();
    let list = newest?.list ?? 1;
    if (newest && Number(newest.used) >= LIST_CAPACITY) list++;
    const idx = await this.#freeIndex(trx, list);
    await trx.insertInto('status_entries').values({ label_id: labelId, list, idx }).execute();
    return { idx, uri: this.uri(list) };
  }

  async #freeIndex(trx: Trx, list: number): Promise<number> {
    // A few random draws find a free index at once unless the list is nearly full.
    for (let draw = 0; draw < 16; draw++) {
      const idx = randomInt(LIST_CAPACITY);
      const taken = await trx.selectFrom('status_entries').select('idx').where('list', '=', list).where('idx', '=', idx).executeTakeFirst();
      if (!taken) return idx;
    }
    // Nearly full: the k-th free index for a random k, equally likely any free one.
    const used = await trx.selectFrom('status_entries').select('idx').where('list', '=', list).orderBy('idx').execute();
    let k = randomInt(LIST_CAPACITY - used.length);
    let idx = 0;
    for (const row of used) {
      if (row.idx - idx > k) break;
      k -= row.idx - idx;
      idx = row.idx + 1;
    }
    return idx + k;
  }

  /** The signed token of `list`, or undefined when there is no such list. Signed again after a change, a key change, or `ttl`. */
  async signed(list: number): Promise<SignedStatusList | undefined> {
    if (!(await this.#exists(list))) return undefined;
    const cached = this.#signed.get(list);
    const current = await cached?.catch(() => undefined);
    const now = Math.floor(this.#now().getTime() / 1000);
    if (current && current.kid === this.#keyring.currentKid && now - current.iat < STATUS_LIST_TTL) return current;
    let signing = this.#signed.get(list);
    // Unless another request began signing meanwhile, this one does.
    if (!signing || signing === cached) {
      const started = this.#sign(list);
      started.catch(() => this.#signed.get(list) === started && this.#signed.delete(list));
      this.#signed.set(list, started);
      signing = started;
    }
    return signing;
  }

  /** Forgets every signed list: a label changed here or on another instance. */
  drop(): void {
    this.#signed.clear();
  }

  async #exists(list: number): Promise<boolean> {
    if (list === 1) return true;
    const row = await this.#database.db.selectFrom('status_entries').select('list').where('list', '=', list).limit(1).executeTakeFirst();
    return row !== undefined;
  }

  async #sign(list: number): Promise<SignedStatusList> {
    // Only the few invalid entries are read (through the labels' status index); the rest are valid.
    const db = this.#database.db;
    const rows = await db
      .selectFrom('status_entries')
      .select('idx')
      .where('label_id', 'in', db.selectFrom('labels').select('id').where('status', 'in', INVALIDATING))
      .where('list', '=', list)
      .execute();
    const statuses = new Uint8Array(LIST_CAPACITY);
    for (const row of rows) statuses[row.idx] = STATUS_INVALID;
    const iat = Math.floor(this.#now().getTime() / 1000);
    const payload = {
      iss: this.#issuer,
      sub: this.uri(list),
      iat,
      exp: iat + STATUS_LIST_LIFETIME,
      ttl: STATUS_LIST_TTL,
      status_list: { bits: LIST_BITS, lst: encodeStatusList(statuses, LIST_BITS), aggregation_uri: this.aggregationUri() },
    };
    const { token, kid } = this.#keyring.signToken(payload, STATUS_LIST_TYP);
    return { list, token, kid, statuses, iat };
  }
}
