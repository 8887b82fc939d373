import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { HeadSigner } from '../audit/log.ts';
import { fail } from '../errors.ts';
import type { Database } from '../registry/database.ts';
import { write } from '../registry/writes.ts';
import { isRole, ROLES, type Principal, type Role } from './roles.ts';

export interface ApiTokenInfo {
  name: string;
  role: Role;
  createdAt: string;
  revokedAt: string | null;
}

/** Every secret starts with this, so a leaked one is recognisable (and secret scanners can match it). */
const TOKEN_PREFIX = 'cl_';
const SECRET = /^cl_[A-Za-z0-9_-]{43}$/;
const NAME = /^[a-z0-9](?:[a-z0-9._-]{0,62}[a-z0-9])?$/;

const hashOf = (secret: string) => createHash('sha256').update(secret).digest();

/**
 * Bearer API tokens. The registry keeps only the SHA-256 of each secret: the secret
 * itself is shown once, when it is created. A token's name is never reused, so an
 * actor in the audit log (`token:<name>`) always means one token.
 *
 * @example
 * const tokens = new ApiTokens(services.database, services.keyring, services.now);
 * const { secret } = await tokens.create('ci', 'officer', 'cli:anna');
 * await tokens.authenticate(secret); // → { actor: 'token:ci', role: 'officer' }
 */
export class ApiTokens {
  readonly #database: Database;
  readonly #signer: HeadSigner;
  readonly #now: () => Date;

  constructor(database: Database, signer: HeadSigner, now: () => Date = () => new Date()) {
    this.#database = database;
    this.#signer = signer;
    this.#now = now;
  }

  async create(name: string, role: string, actor: string): Promise<{ token: ApiTokenInfo; secret: string }> {
    if (!NAME.test(name)) {
      throw fail('invalid_token_name');
    }
    if (!isRole(role)) throw fail('unknown_role', { roles: ROLES, value: role });
    const secret = `${TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
    return write(this.#database, this.#now, async ({ trx, now, record }) => {
      const existing = await trx.selectFrom('api_tokens').select('revoked_at').where('name', '=', name).executeTakeFirst();
      if (existing) {
        throw fail('token_exists', { name, revoked: existing.revoked_at !== null });
      }
      const token: ApiTokenInfo = { name, role, createdAt: now.toISOString(), revokedAt: null };
      await trx
        .insertInto('api_tokens')
        .values({ id: randomBytes(12).toString('base64url'), name, role, token_hash: hashOf(secret).toString('hex'), created_at: token.createdAt, revoked_at: null })
        .execute();
      await record(this.#signer, { actor, action: 'token.create', subject: `token:${name}`, after: { name, role } });
      return { token, secret };
    });
  }

  async revoke(name: string, actor: string): Promise<ApiTokenInfo> {
    return write(this.#database, this.#now, async ({ trx, now, record }) => {
      const row = await trx.selectFrom('api_tokens').selectAll().where('name', '=', name).executeTakeFirst();
      if (!row) throw fail('token_not_found', { name });
      if (row.revoked_at) throw fail('token_already_revoked', { name, at: row.revoked_at });
      await trx.updateTable('api_tokens').set({ revoked_at: now.toISOString() }).where('id', '=', row.id).execute();
      await record(this.#signer, { actor, action: 'token.revoke', subject: `token:${name}`, before: { revokedAt: null }, after: { revokedAt: now.toISOString() } });
      return { name, role: row.role, createdAt: row.created_at, revokedAt: now.toISOString() };
    });
  }

  /** All tokens, revoked ones included, oldest first. */
  async list(): Promise<ApiTokenInfo[]> {
    const rows = await this.#database.db.selectFrom('api_tokens').select(['name', 'role', 'created_at', 'revoked_at']).orderBy('created_at').orderBy('name').execute();
    return rows.map((r) => ({ name: r.name, role: r.role, createdAt: r.created_at, revokedAt: r.revoked_at }));
  }

  /**
   * The principal a presented secret stands for; undefined when it is malformed,
   * unknown or revoked. Read from the shared registry on every request, so a
   * revocation holds at once on every instance.
   */
  async authenticate(secret: string): Promise<Principal | undefined> {
    if (!SECRET.test(secret)) return undefined;
    const hash = hashOf(secret);
    // The lookup is by hash, so its timing says nothing about the secret; the
    // constant-time comparison makes sure the row found is the one presented.
    const row = await this.#database.db.selectFrom('api_tokens').select(['name', 'role', 'token_hash', 'revoked_at']).where('token_hash', '=', hash.toString('hex')).executeTakeFirst();
    if (!row || row.revoked_at || !isRole(row.role)) return undefined;
    const stored = Buffer.from(row.token_hash, 'hex');
    if (stored.length !== hash.length || !timingSafeEqual(stored, hash)) return undefined;
    return { actor: `token:${row.name}`, role: row.role };
  }
}
