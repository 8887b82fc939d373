import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Sqlite from 'libsql';
import pg from 'pg';
import { CompiledQuery, Kysely, PostgresDialect, SqliteDialect, SqliteDriver, sql, type DatabaseConnection, type Transaction } from 'kysely';
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
  close(): Promise<void>;
}

export class DatabaseError extends Error {
  readonly code = 'database_unreachable';
}

/**
 * SQLite's plain `begin` takes the write lock only at the first write, and two
 * processes (the server and the CLI) can then deadlock; `begin immediate` takes it
 * at once and waits for `busy_timeout`.
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

export function openSqlite(file: string): Database {
  if (file !== ':memory:') mkdirSync(join(file, '..'), { recursive: true, mode: 0o700 });
  const handle = new Sqlite(file);
  handle.exec('pragma journal_mode = wal; pragma busy_timeout = 5000; pragma foreign_keys = on; pragma synchronous = normal;');
  const db = new Kysely<Schema>({ dialect: new ImmediateSqliteDialect({ database: handle as never }) });
  return { db, dialect: 'sqlite', describe: `SQLite ${file}`, close: () => db.destroy() };
}

export async function openPostgres(url: string): Promise<Database> {
  const pool = new pg.Pool({ connectionString: url, max: 10, connectionTimeoutMillis: 5000 });
  // An idle client that loses its server must not crash the process; the next query reports it.
  pool.on('error', () => {});
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
  return { db, dialect: 'postgres', describe: where, close: () => db.destroy() };
}

/** Opens the registry the configuration names and brings its schema up to date. */
export async function openDatabase(options: { databaseUrl?: string | undefined; dataDir: string }): Promise<Database> {
  const database = options.databaseUrl
    ? await openPostgres(options.databaseUrl)
    : openSqlite(join(options.dataDir, 'registry.sqlite'));
  await migrate(database.db as Kysely<unknown>, database.dialect);
  return database;
}

// Any constant will do: it names the lock every instance takes before writing.
const WRITE_LOCK = 727_001;

/**
 * Runs `work` as one transaction that no other writer, in this process or another
 * instance, interleaves with: the audit chain needs its appends in one order.
 */
export function writeTransaction<T>(database: Database, work: (trx: Trx) => Promise<T>): Promise<T> {
  return database.db.transaction().execute(async (trx) => {
    if (database.dialect === 'postgres') await sql`select pg_advisory_xact_lock(${WRITE_LOCK})`.execute(trx);
    return work(trx);
  });
}
