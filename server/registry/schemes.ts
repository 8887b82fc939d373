import { canonicalJson } from '../audit/chain.ts';
import type { HeadSigner } from '../audit/log.ts';
import { ECEI, type Scheme } from '../domain/schemes.ts';
import { fail } from '../errors.ts';
import type { Database, Db, Trx } from './database.ts';
import { write } from './writes.ts';

/** What an admin's change to a scheme did. */
export interface SchemePut {
  scheme: Scheme;
  /** `created`, `replaced`, or `unchanged` (the same scheme was sent again: nothing was written). */
  outcome: 'created' | 'replaced' | 'unchanged';
}

/**
 * The schemes of a registry: the ECEI's, built from the settings and always there,
 * and those an admin set up, stored as JSON in `schemes`. The list is read once and
 * kept until a change to a scheme is heard on the change bus (made here or by another
 * instance); a label's change reads its scheme inside its own transaction instead, so
 * it always follows the rules that are stored when it commits.
 */
export class Schemes {
  readonly ecei: Scheme;
  readonly #database: Database;
  readonly #signer: HeadSigner;
  readonly #now: () => Date;
  #list: Promise<readonly Scheme[]> | undefined;

  constructor(database: Database, options: { ecei: Scheme; signer: HeadSigner; now: () => Date }) {
    this.#database = database;
    this.ecei = options.ecei;
    this.#signer = options.signer;
    this.#now = options.now;
    database.changes.subscribe(({ action }) => {
      if (action.startsWith('scheme.')) this.#list = undefined;
    });
  }

  /** Every scheme, the ECEI's first, then the others by id. */
  list(): Promise<readonly Scheme[]> {
    if (!this.#list) {
      const reading = this.#read(this.#database.db);
      this.#list = reading;
      // A failed read is not kept: the next call reads again.
      reading.catch(() => {
        if (this.#list === reading) this.#list = undefined;
      });
    }
    return this.#list;
  }

  /** The scheme `id`, from the kept list; refused as `unknown_scheme` if there is none. */
  async get(id: string): Promise<Scheme> {
    return find(await this.list(), id);
  }

  /** The scheme `id` as stored now, read in `trx`: what a change to a label follows. */
  async within(trx: Db | Trx, id: string): Promise<Scheme> {
    if (id === ECEI) return this.ecei;
    return find(await this.#read(trx), id);
  }

  /**
   * Creates or replaces an admin's scheme, in the one write pipeline (one audit entry,
   * `scheme.create` or `scheme.update`). A replacement keeps every level that labels
   * of the scheme hold: their names, seals and periods may change, but a held level
   * cannot disappear.
   */
  put(scheme: Scheme, actor: string): Promise<SchemePut> {
    if (scheme.id === ECEI) throw fail('scheme_configured', { id: ECEI });
    return write(this.#database, this.#now, async ({ trx, now, record }) => {
      const stored = await trx.selectFrom('schemes').select('definition').where('id', '=', scheme.id).executeTakeFirst();
      if (stored && canonicalJson(JSON.parse(stored.definition)) === canonicalJson(scheme)) return { scheme, outcome: 'unchanged' };
      const kept = new Set(scheme.levels.map((level) => level.id));
      const held = await trx.selectFrom('labels').select('level').distinct().where('scheme', '=', scheme.id).execute();
      const orphaned = held.map((row) => row.level).filter((level) => !kept.has(level));
      if (orphaned.length > 0) throw fail('scheme_levels_in_use', { scheme: scheme.id, levels: orphaned.sort() });
      const definition = JSON.stringify(scheme);
      const at = now.toISOString();
      if (stored) await trx.updateTable('schemes').set({ definition, updated_at: at }).where('id', '=', scheme.id).execute();
      else await trx.insertInto('schemes').values({ id: scheme.id, definition, updated_at: at }).execute();
      await record(this.#signer, {
        actor,
        action: stored ? 'scheme.update' : 'scheme.create',
        subject: `scheme:${scheme.id}`,
        before: stored ? JSON.parse(stored.definition) : undefined,
        after: scheme,
      });
      return { scheme, outcome: stored ? 'replaced' : 'created' };
    });
  }

  async #read(db: Db | Trx): Promise<readonly Scheme[]> {
    const rows = await db.selectFrom('schemes').select('definition').orderBy('id').execute();
    // Stored only after `parseScheme` checked it: read back as it was written.
    return [this.ecei, ...rows.map((row) => JSON.parse(row.definition) as Scheme)];
  }
}

function find(schemes: readonly Scheme[], id: string): Scheme {
  const scheme = schemes.find((s) => s.id === id);
  if (!scheme) throw fail('unknown_scheme', { schemes: schemes.map((s) => s.id), value: id });
  return scheme;
}
