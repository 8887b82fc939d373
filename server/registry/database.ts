import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { join } from 'node:path';
import Sqlite from 'libsql';
import pg from 'pg';
import { CompiledQuery, Kysely, PostgresDialect, SqliteDialect, SqliteDriver, sql, type DatabaseConnection, type Transaction } from 'kysely';
import { fail, type LabelError } from '../errors.ts';
import { ChangeBus } from './changes.ts';
import { migrate } from './migrations.ts';
import type { Schema } from './schema.ts';

export type Dialect = 'sqlite' | 'postgres';
export type Db = Kysely<Schema>;
export type Trx = Transaction<Schema>;

export interface Database {
  db: Db;
  dialect: Dialect;
  /** A human description without credentials, for logs. */
  describe: string;
  /**
   * A hot read of one row, compiled once, that the database parses and plans once per
   * connection rather than on every run; `name` is the query's own. Call the result with
   * the query's parameters, in their compiled order; it resolves to the first row. Name
   * the columns it selects: a kept plan for `select *` fails once its table gains a column.
   */
  preparedRow<R>(name: string, query: CompiledQuery<R>): (parameters: unknown[]) => Promise<R | undefined>;
  /** Every committed change, this process's and every other's (`registry/changes.ts`). */
  changes: ChangeBus;
  /**
   * How long a change waits for another writer (an import, the CLI, another instance)
   * before it is refused as `database_busy`, in milliseconds.
   */
  writeWaitMs: number;
  close(): Promise<void>;
}

export class DatabaseError extends Error {
  readonly code = 'database_unreachable';
}

/** What a change waits for another writer's lock before it gives up. */
export const WRITE_WAIT_MS = 5000;
/** What a caller is told to wait before trying again: a lock is usually released sooner than a server comes back. */
const RETRY_BUSY_SECONDS = '2';
const RETRY_UNREACHABLE_SECONDS = '10';

/** SQLite's own codes, and PostgreSQL's lock_not_available and query_canceled (a lock or statement timeout). */
const BUSY = new Set(['SQLITE_BUSY', 'SQLITE_LOCKED', '55P03', '57014']);
/**
 * The network's and PostgreSQL's ways of saying it is not there: refused, reset, unknown
 * host, timed out; shutting down, starting up, too many connections; SQLSTATE class 08.
 */
const UNREACHABLE = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE', 'EAI_AGAIN', '57P01', '57P02', '57P03', '53300']);
// pg's own words when a connection ends or cannot be had in time; they carry no code.
const UNREACHABLE_MESSAGE = /^Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error/;

/**
 * The refusal for a database that is busy (another writer holds the lock past the wait)
 * or cannot be reached, with the `Retry-After` it is answered with; `undefined` for
 * every other failure, which is a bug and stays one.
 */
export function databaseRefusal(error: unknown): LabelError | undefined {
  if (!(error instanceof Error)) return undefined;
  const code = String((error as { code?: unknown }).code ?? '');
  if (BUSY.has(code)) return fail('database_busy').withHeaders({ 'Retry-After': RETRY_BUSY_SECONDS });
  if (UNREACHABLE.has(code) || code.startsWith('08') || UNREACHABLE_MESSAGE.test(error.message)) {
    return fail('database_unreachable').withHeaders({ 'Retry-After': RETRY_UNREACHABLE_SECONDS });
  }
  return undefined;
}

/**
 * SQLite's plain `begin` takes the write lock only at the first write, and two
 * processes (the server and the CLI) can then deadlock; `begin immediate` takes it
 * at once, or fails with SQLITE_BUSY after `busy_timeout` (see `write`).
 */
class ImmediateSqliteDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }
}

class ImmediateSqliteDialect extends SqliteDialect {
  readonly #config: ConstructorParameters<typeof SqliteDialect>[0];
  constructor(config: ConstructorParameters<typeof SqliteDialect>[0]) {
    super(config);
    this.#config = config;
  }
  override createDriver() {
    return new ImmediateSqliteDriver(this.#config);
  }
}

/**
 * Kysely's SQLite driver prepares every statement anew, which costs as much as running
 * a short one. The registry runs a few dozen distinct statements: each is prepared once
 * and kept (the connection is one and synchronous, so a statement is never in use twice).
 */
function preparingOnce(handle: Sqlite.Database) {
  const statements = new Map<string, Sqlite.Statement>();
  return {
    close: () => handle.close(),
    prepare(sql: string) {
      let statement = statements.get(sql);
      if (!statement) {
        // Lists of varying length make their own statements: the cache must not grow without end.
        if (statements.size >= 500) statements.clear();
        statement = handle.prepare(sql);
        statements.set(sql, statement);
      }
      return statement;
    },
  };
}

/**
 * The registry holds password hashes, token hashes and encrypted signing keys: its file
 * is readable by its owner alone. SQLite creates the `-wal` and `-shm` files, whenever it
 * needs them, with the database file's own mode, so the file is made 0600 before SQLite
 * first opens it (an empty file is an empty database), and any older ones are tightened.
 */
function restrictSqliteFiles(file: string): void {
  mkdirSync(join(file, '..'), { recursive: true, mode: 0o700 });
  closeSync(openSync(file, 'a', 0o600));
  for (const path of [file, `${file}-wal`, `${file}-shm`]) if (existsSync(path)) chmodSync(path, 0o600);
}

/** How long one SQLite call may wait for a lock, holding the event loop. */
const SQLITE_BUSY_TIMEOUT_MS = 50;

export function openSqlite(file: string): Database {
  if (file !== ':memory:') restrictSqliteFiles(file);
  const handle = new Sqlite(file);
  // SQLite waits for a lock inside the call, holding the event loop: only briefly, then
  // `write` waits asynchronously between attempts, up to `writeWaitMs` (readers never
  // wait on a writer in WAL mode).
  handle.exec(`pragma journal_mode = wal; pragma busy_timeout = ${SQLITE_BUSY_TIMEOUT_MS}; pragma foreign_keys = on; pragma synchronous = normal;`);
  const db = new Kysely<Schema>({ dialect: new ImmediateSqliteDialect({ database: preparingOnce(handle) as never }) });
  const changes = new ChangeBus(db);
  return {
    db,
    dialect: 'sqlite',
    describe: `SQLite ${file}`,
    preparedRow: <R>(_name: string, query: CompiledQuery<R>) => {
      const statement = handle.prepare(query.sql);
      // libsql reads one row with `get` at a fraction of what `all` costs (Kysely's way).
      // Through Kysely's connection all the same, so the read waits for a transaction in
      // progress, as every other does, and never sees what it has not committed.
      return (parameters: unknown[]) => db.connection().execute(async () => statement.get(parameters) as R | undefined);
    },
    changes,
    writeWaitMs: WRITE_WAIT_MS,
    close: async () => {
      await changes.stop();
      await db.destroy();
    },
  };
}

export async function openPostgres(url: string): Promise<Database> {
  const pool = new pg.Pool({ connectionString: url, max: 10, connectionTimeoutMillis: 5000 });
  // A client that loses its server must not crash the process, idle in the pool or checked
  // out between two queries (pg emits `error` on it then); the next query reports it.
  pool.on('error', () => {});
  pool.on('connect', (client) => client.on('error', () => {}));
  const db = new Kysely<Schema>({ dialect: new PostgresDialect({ pool }) });
  let where = 'PostgreSQL';
  try {
    const parsed = new URL(url);
    where = `PostgreSQL ${parsed.hostname}:${parsed.port || 5432}${parsed.pathname}`;
  } catch {
    throw new DatabaseError('DATABASE_URL is not a valid URL.');
  }
  try {
    await sql`select 1`.execute(db);
  } catch (error) {
    await db.destroy();
    throw new DatabaseError(`Cannot reach ${where}: ${(error as Error).message}`);
  }
  const changes = new ChangeBus(db);
  return {
    db,
    dialect: 'postgres',
    describe: where,
    // A named statement: pg parses it once on each pooled connection and runs it by name after.
    preparedRow: (name, query) => async (parameters) => (await pool.query({ name, text: query.sql, values: parameters })).rows[0],
    changes,
    writeWaitMs: WRITE_WAIT_MS,
    close: async () => {
      await changes.stop();
      await db.destroy();
    },
  };
}

/** Opens the registry the configuration names and brings its schema up to date. */
export async function openDatabase(options: { databaseUrl?: string | undefined; dataDir: string }): Promise<Database> {
  const database = options.databaseUrl
    ? await openPostgres(options.databaseUrl)
    : openSqlite(join(options.dataDir, 'registry.sqlite'));
  await migrate(database.db as Kysely<unknown>, database.dialect);
  return database;
}
