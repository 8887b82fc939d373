import { createHash, randomBytes } from 'node:crypto';
import type { Database } from '../registry/database.ts';
import type { User } from './accounts.ts';

export interface Session {
  user: User;
  csrfToken: string;
  expiresAt: string;
}

const hashId = (id: string) => createHash('sha256').update(id).digest('hex');

/**
 * Server-side sessions in the registry, so every instance knows them and
 * signing out or disabling an account ends them everywhere at once. The cookie
 * carries 256 random bits; the table keeps only their hash.
 */
export class Sessions {
  readonly #database: Database;
  readonly #now: () => Date;
  readonly #lifetimeMs: number;

  constructor(database: Database, options: { now: () => Date; lifetimeSeconds: number }) {
    this.#database = database;
    this.#now = options.now;
    this.#lifetimeMs = options.lifetimeSeconds * 1000;
  }

  /** A new session with a new id: an id the browser had before signing in is never reused (no fixation). */
  async create(userId: string): Promise<{ id: string; expiresAt: Date }> {
    const db = this.#database.db;
    const now = this.#now();
    const id = randomBytes(32).toString('base64url');
    const expiresAt = new Date(now.getTime() + this.#lifetimeMs);
    // Sign-in is rare enough to tidy up expired sessions on the way.
    await db.deleteFrom('sessions').where('expires_at', '<=', now.toISOString()).execute();
    await db
      .insertInto('sessions')
      .values({ id_hash: hashId(id), user_id: userId, csrf_token: randomBytes(32).toString('base64url'), created_at: now.toISOString(), expires_at: expiresAt.toISOString() })
      .execute();
    return { id, expiresAt };
  }

  /** The live session of an active account, or undefined. */
  async find(id: string | undefined): Promise<Session | undefined> {
    if (!id || id.length > 100) return undefined;
    const row = await this.#database.db
      .selectFrom('sessions')
      .innerJoin('users', 'users.id', 'sessions.user_id')
      .select(['sessions.csrf_token', 'sessions.expires_at', 'users.id', 'users.email', 'users.role', 'users.created_at', 'users.disabled_at'])
      .where('sessions.id_hash', '=', hashId(id))
      .where('sessions.expires_at', '>', this.#now().toISOString())
      .where('users.disabled_at', 'is', null)
      .executeTakeFirst();
    if (!row) return undefined;
    return {
      user: { id: row.id, email: row.email, role: row.role, createdAt: row.created_at, disabledAt: row.disabled_at },
      csrfToken: row.csrf_token,
      expiresAt: row.expires_at,
    };
  }

  async destroy(id: string | undefined): Promise<void> {
    if (id) await this.#database.db.deleteFrom('sessions').where('id_hash', '=', hashId(id)).execute();
  }
}
