import { randomBytes } from 'node:crypto';
import type { HeadSigner } from '../audit/log.ts';
import { fail } from '../errors.ts';
import type { Database } from '../registry/database.ts';
import { write } from '../registry/writes.ts';
import { checkNewPassword, DEFAULT_PASSWORD_COST, dummyHash, hashPassword, verifyPassword } from './passwords.ts';
import { isRole, type Role } from '../auth/roles.ts';

export interface User {
  id: string;
  email: string;
  role: Role;
  createdAt: string;
  disabledAt: string | null;
}

const EMAIL = /^[^\s@<>"]{1,64}@[^\s@<>"]{1,189}\.[^\s@<>".]{2,63}$/;

/** Staff e-mail addresses compare without case: one person, one account. */
export function normaliseEmail(value: string): string {
  const email = value.trim().toLowerCase();
  if (!EMAIL.test(email)) throw fail('invalid_email');
  return email;
}

/** The audit chain names people by their account id, never by their e-mail address. */
export const userActor = (user: Pick<User, 'id'>) => `user:${user.id}`;

type UserRow = { id: string; email: string; role: Role; created_at: string; disabled_at: string | null };
const toUser = (row: UserRow): User => ({ id: row.id, email: row.email, role: row.role, createdAt: row.created_at, disabledAt: row.disabled_at });

/**
 * Console accounts. Creating and disabling one is a registry change like any
 * other: one transaction and one audit entry.
 */
export class Accounts {
  readonly #database: Database;
  readonly #signer: HeadSigner;
  readonly #now: () => Date;
  readonly #passwordCost: number;

  /** `passwordCost`: the scrypt cost new passwords are hashed at (PASSWORD_HASH_COST). */
  constructor(database: Database, signer: HeadSigner, now: () => Date, passwordCost = DEFAULT_PASSWORD_COST) {
    this.#database = database;
    this.#signer = signer;
    this.#now = now;
    this.#passwordCost = passwordCost;
  }

  async create(input: { email: string; role: string; password: string }, actor: string): Promise<User> {
    const email = normaliseEmail(input.email);
    if (!isRole(input.role)) throw fail('invalid_role');
    const role = input.role;
    checkNewPassword(input.password, email);
    const passwordHash = await hashPassword(input.password, this.#passwordCost);
    return write(this.#database, this.#now, async ({ trx, now, record }) => {
      if (await trx.selectFrom('users').select('id').where('email', '=', email).executeTakeFirst()) {
        throw fail('user_exists', { email });
      }
      const user: User = { id: randomBytes(9).toString('base64url'), email, role, createdAt: now.toISOString(), disabledAt: null };
      await trx.insertInto('users').values({ id: user.id, email, role, password_hash: passwordHash, created_at: user.createdAt, disabled_at: null }).execute();
      await record(this.#signer, { actor, action: 'user.create', subject: userActor(user), after: { role } });
      return user;
    });
  }

  async list(): Promise<User[]> {
    const rows = await this.#database.db.selectFrom('users').selectAll().orderBy('email').execute();
    return rows.map(toUser);
  }

  async get(idOrEmail: string): Promise<User | undefined> {
    const row = await this.#database.db
      .selectFrom('users')
      .selectAll()
      .where((eb) => eb.or([eb('id', '=', idOrEmail), eb('email', '=', idOrEmail.trim().toLowerCase())]))
      .executeTakeFirst();
    return row && toUser(row);
  }

  /** Disables an account and ends its sessions at once. */
  async disable(idOrEmail: string, actor: string): Promise<User> {
    return write(this.#database, this.#now, async ({ trx, now, record }) => {
      const row = await trx
        .selectFrom('users')
        .selectAll()
        .where((eb) => eb.or([eb('id', '=', idOrEmail), eb('email', '=', idOrEmail.trim().toLowerCase())]))
        .executeTakeFirst();
      if (!row) throw fail('user_not_found');
      if (row.disabled_at) throw fail('user_already_disabled', { email: row.email });
      const at = now.toISOString();
      await trx.updateTable('users').set({ disabled_at: at }).where('id', '=', row.id).execute();
      await trx.deleteFrom('sessions').where('user_id', '=', row.id).execute();
      await record(this.#signer, { actor, action: 'user.disable', subject: `user:${row.id}`, before: { disabled: false }, after: { disabled: true } });
      return toUser({ ...row, disabled_at: at });
    });
  }

  /**
   * The active account with this e-mail and password, or undefined. An unknown
   * address costs the same scrypt work as a known one, so timing does not tell
   * which addresses have accounts.
   */
  async authenticate(email: string, password: string): Promise<User | undefined> {
    const row = await this.#database.db.selectFrom('users').selectAll().where('email', '=', email.trim().toLowerCase()).executeTakeFirst();
    const matches = await verifyPassword(password, row?.password_hash ?? dummyHash(this.#passwordCost));
    return row && matches && !row.disabled_at ? toUser(row) : undefined;
  }
}
