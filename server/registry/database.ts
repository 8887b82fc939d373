import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { join } from 'node:path';
import Sqlite from 'libsql';
import pg from 'pg';
import { CompiledQuery, Kysely, PostgresDialect, SelectQueryNode, SqliteDialect, sql, type DatabaseConnection, type Driver, type QueryResult, type Transaction } from 'kysely';
import { fail, type LabelError, messageOf, codeOf } from '../errors.ts';
import { ChangeBus } from './changes.ts';
import { checkpointOffThread } from './checkpoints.ts';
import { migrate } from './migrations.ts';
import type { Schema } from './schema.ts';

export type Dialect = 'sqlite' | 'postgres';
export type Db = Kysely<Schema>;

/**
 * Lets the server answer whatever else is waiting (attestations, health checks) before
 * the next piece of a long job. SQLite's reads and writes run on this thread, and
 * awaiting one completes without giving network events a turn: a page of many reads, or
 * an import of many rows, would hold every other request until its end.
 */
export const yieldToOthers = () => new Promise<void>((resolve) => setImmediate(resolve));
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
  const code = codeOf(error) ?? '';
  if (BUSY.has(code)) return fail('database_busy').withHeaders({ 'Retry-After': RETRY_BUSY_SECONDS });
  if (UNREACHABLE.has(code) || code.startsWith('08') || UNREACHABLE_MESSAGE.test(error.message)) {
    return fail('database_unreachable').withHeaders({ 'Retry-After': RETRY_UNREACHABLE_SECONDS });
  }
  return undefined;
}

/**
 * Kysely's SQLite driver prepares every statement anew, which costs as much as running
 * a short one. The registry runs a few dozen distinct statements: each is prepared once
 * and kept, per connection (a connection is synchronous, so a statement is never in use twice).
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

type Statements = ReturnType<typeof preparingOnce>;

/** One SQLite handle as Kysely sees a connection. */
function sqliteConnection(statements: Statements): DatabaseConnection {
  return {
    async executeQuery<R>({ sql, parameters }: CompiledQuery): Promise<QueryResult<R>> {
      const statement = statements.prepare(sql);
      if (statement.reader) return { rows: statement.all(parameters) as R[] };
      const { changes, lastInsertRowid } = statement.run(parameters);
      return { numAffectedRows: BigInt(changes ?? 0), insertId: lastInsertRowid === undefined || lastInsertRowid === null ? undefined : BigInt(lastInsertRowid), rows: [] };
    },
    async *streamQuery<R>({ sql, parameters }: CompiledQuery): AsyncIterableIterator<QueryResult<R>> {
      for (const row of statements.prepare(sql).iterate(parameters)) yield { rows: [row as R] };
    },
  };
}

/** What one use of the registry's SQLite holds: the writer, while it runs a transaction. */
class SqliteUse implements DatabaseConnection {
  holdsWriter = false;
  readonly #driver: RegistrySqliteDriver;
  constructor(driver: RegistrySqliteDriver) {
    this.#driver = driver;
  }
  executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    return this.#driver.run(this, query);
  }
  streamQuery<R>(query: CompiledQuery): AsyncIterableIterator<QueryResult<R>> {
    return this.#driver.stream(this, query);
  }
}

/**
 * Two connections to one SQLite file in WAL mode: the writer, which one use at a time
 * holds (a transaction, or one statement that writes), and a reader for every `select`
 * outside a transaction. WAL lets the reader read beside a writer, so the issuer's
 * reads — an attestation's subject, the keys, the register — never wait for a long
 * transaction such as an import, and see what every committed one wrote (each read
 * starts from the newest commit), as a PostgreSQL pool's connections do. A transaction
 * reads through the writer, its own writes included.
 *
 * SQLite's plain `begin` takes the write lock only at the first write, and two
 * processes (the server and the CLI) can then deadlock; `begin immediate` takes it
 * at once, or fails with SQLITE_BUSY after `busy_timeout` (see `write`).
 */
class RegistrySqliteDriver implements Driver {
  readonly #writer: DatabaseConnection;
  readonly #reader: DatabaseConnection | undefined;
  readonly #close: () => void;
  /** Resolves when the writer is free; each holder chains the next on it. */
  #writerFree: Promise<void> = Promise.resolve();

  constructor(writer: Statements, reader: Statements | undefined) {
    this.#writer = sqliteConnection(writer);
    this.#reader = reader && sqliteConnection(reader);
    this.#close = () => {
      writer.close();
      reader?.close();
    };
  }

  async init(): Promise<void> {}

  async acquireConnection(): Promise<DatabaseConnection> {
    return new SqliteUse(this);
  }

  async #holdWriter(): Promise<() => void> {
    const before = this.#writerFree;
    let release!: () => void;
    this.#writerFree = new Promise((resolve) => (release = resolve));
    await before;
    return release;
  }

  #releases = new WeakMap<SqliteUse, () => void>();

  #reads(use: SqliteUse, query: CompiledQuery): boolean {
    return this.#reader !== undefined && !use.holdsWriter && SelectQueryNode.is(query.query);
  }

  async run<R>(use: SqliteUse, query: CompiledQuery): Promise<QueryResult<R>> {
    if (use.holdsWriter) return this.#writer.executeQuery(query);
    if (this.#reads(use, query)) return this.#reader!.executeQuery(query);
    // A statement outside a transaction that may write waits its turn for the writer.
    const release = await this.#holdWriter();
    try {
      return await this.#writer.executeQuery(query);
    } finally {
      release();
    }
  }

  async *stream<R>(use: SqliteUse, query: CompiledQuery): AsyncIterableIterator<QueryResult<R>> {
    if (!SelectQueryNode.is(query.query)) throw new Error('Only a select can be streamed.');
    yield* (use.holdsWriter || !this.#reader ? this.#writer : this.#reader).streamQuery<R>(query, 1);
  }

  async beginTransaction(connection: DatabaseConnection): Promise<void> {
    const use = connection as SqliteUse;
    const release = await this.#holdWriter();
    try {
      await this.#writer.executeQuery(CompiledQuery.raw('begin immediate'));
    } catch (error) {
      release();
      throw error;
    }
    use.holdsWriter = true;
    this.#releases.set(use, release);
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('commit'));
    this.#releaseWriter(connection as SqliteUse);
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    try {
      await connection.executeQuery(CompiledQuery.raw('rollback'));
    } finally {
      this.#releaseWriter(connection as SqliteUse);
    }
  }

  async releaseConnection(connection: DatabaseConnection): Promise<void> {
    // A failed commit is rolled back before the connection is released; this is the last resort.
    this.#releaseWriter(connection as SqliteUse);
  }

  #releaseWriter(use: SqliteUse): void {
    if (!use.holdsWriter) return;
    use.holdsWriter = false;
    this.#releases.get(use)?.();
    this.#releases.delete(use);
  }

  async destroy(): Promise<void> {
    this.#close();
  }
}

class RegistrySqliteDialect extends SqliteDialect {
  readonly #writer: Statements;
  readonly #reader: Statements | undefined;
  constructor(writer: Statements, reader: Statements | undefined) {
    super({ database: writer as never });
    this.#writer = writer;
    this.#reader = reader;
  }
  override createDriver() {
    return new RegistrySqliteDriver(this.#writer, this.#reader);
  }
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
  // Checkpoints run on a thread of their own, never in the call that commits (checkpoints.ts).
  const checkpoints = file === ':memory:' ? undefined : checkpointOffThread(file);
  if (checkpoints) handle.exec('pragma wal_autocheckpoint = 0;');
  // The reader: a second connection to the same file (an in-memory database has no
  // second connection, and keeps its one). `query_only`: a write sent to it by mistake fails.
  const readHandle = file === ':memory:' ? undefined : new Sqlite(file);
  readHandle?.exec(`pragma busy_timeout = ${SQLITE_BUSY_TIMEOUT_MS}; pragma query_only = on;`);
  const db = new Kysely<Schema>({ dialect: new RegistrySqliteDialect(preparingOnce(handle), readHandle && preparingOnce(readHandle)) });
  const changes = new ChangeBus(db);
  return {
    db,
    dialect: 'sqlite',
    describe: `SQLite ${file}`,
    preparedRow: <R>(_name: string, query: CompiledQuery<R>) => {
      // libsql reads one row with `get` at a fraction of what `all` costs (Kysely's way).
      if (readHandle) {
        // On the reader: beside any transaction in progress, from the newest commit.
        const statement = readHandle.prepare(query.sql);
        return async (parameters: unknown[]) => statement.get(parameters) as R | undefined;
      }
      // Through Kysely's connection, so the read waits for a transaction in progress and
      // never sees what it has not committed.
      const statement = handle.prepare(query.sql);
      return (parameters: unknown[]) => db.connection().execute(async () => statement.get(parameters) as R | undefined);
    },
    changes,
    writeWaitMs: WRITE_WAIT_MS,
    close: async () => {
      await changes.stop();
      await checkpoints?.stop();
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
    throw new DatabaseError(`Cannot reach ${where}: ${messageOf(error)}`);
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
