import { randomBytes } from 'node:crypto';
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
  /**
   * A hot read of one row, compiled once, that the database parses and plans once per
   * connection rather than on every run; `name` is the query's own. Call the result with
   * the query's parameters, in their compiled order; it resolves to the first row. Name
   * the columns it selects: a kept plan for `select *` fails once its table gains a column.
   */
  preparedRow<R>(name: string, query: CompiledQuery<R>): (parameters: unknown[]) => Promise<R | undefined>;
  /**
   * Tells every other instance, when `trx` commits, that `change` happened. PostgreSQL
   * only (NOTIFY); SQLite has one instance per file.
   */
  announce(trx: Trx, change: Announced): Promise<void>;
  /**
   * Calls `heard` with every change other instances announce, until `close()`; resolves
   * once the first attempt to listen is over. PostgreSQL only.
   */
  listen(heard: (change: Change) => void): Promise<void>;
  close(): Promise<void>;
}

/**
 * What instances tell each other: a cluster or its labels changed, many clusters did at
 * once (an import), or the signing keys did. `missed` comes from the listener itself
 * when its connection opens again after it was lost or could not open: what was
 * announced meanwhile went unheard.
 */
export type Change = { kind: 'cluster'; id: string } | { kind: 'register' } | { kind: 'keys' } | { kind: 'missed' };
export type Announced = Exclude<Change, { kind: 'missed' }>;

const CHANGE_CHANNEL = 'cluster_label_change';

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

export function openSqlite(file: string): Database {
  if (file !== ':memory:') mkdirSync(join(file, '..'), { recursive: true, mode: 0o700 });
  const handle = new Sqlite(file);
  handle.exec('pragma journal_mode = wal; pragma busy_timeout = 5000; pragma foreign_keys = on; pragma synchronous = normal;');
  const db = new Kysely<Schema>({ dialect: new ImmediateSqliteDialect({ database: preparingOnce(handle) as never }) });
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
    announce: async () => {},
    listen: async () => {},
    close: () => db.destroy(),
  };
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
  const listeners: Array<{ stop(): Promise<void> }> = [];
  // This instance's own announcements come back to its listener; it has acted on them already.
  const from = randomBytes(9).toString('base64url');
  return {
    db,
    dialect: 'postgres',
    describe: where,
    // A named statement: pg parses it once on each pooled connection and runs it by name after.
    preparedRow: (name, query) => async (parameters) => (await pool.query({ name, text: query.sql, values: parameters })).rows[0],
    announce: async (trx, change) => {
      await sql`select pg_notify(${CHANGE_CHANNEL}, ${JSON.stringify({ from, ...change })})`.execute(trx);
    },
    listen: (heard) => {
      const listener = listenOn(url, heard, from);
      listeners.push(listener);
      return listener.ready;
    },
    close: async () => {
      await Promise.all(listeners.map((listener) => listener.stop()));
      await db.destroy();
    },
  };
}

/**
 * One connection of its own that LISTENs for announced changes (a pooled connection
 * cannot: LISTEN belongs to a session). When it is lost it is opened again after a
 * pause that doubles up to 30 s, and reports `missed`.
 */
function listenOn(url: string, heard: (change: Change) => void, self: string): { ready: Promise<void>; stop(): Promise<void> } {
  let stopped = false;
  let client: pg.Client | undefined;
  let wake = () => {};
  let firstTried = () => {};
  const ready = new Promise<void>((resolve) => (firstTried = resolve));
  const run = async () => {
    for (let pause = 250, first = true; !stopped; pause = Math.min(pause * 2, 30_000), first = false) {
      client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000, keepAlive: true });
      const ended = new Promise<void>((resolve) => {
        client!.on('end', resolve);
        // A lost connection reports an error and then ends; the loop opens another.
        client!.on('error', () => {});
      });
      client.on('notification', ({ channel, payload }) => {
        const change = channel === CHANGE_CHANNEL ? announcedIn(payload, self) : undefined;
        if (change) heard(change);
      });
      try {
        await client.connect();
        await client.query(`listen ${CHANGE_CHANNEL}`);
        pause = 250;
        if (!first) heard({ kind: 'missed' });
        firstTried();
        await ended;
      } catch {
        await client.end().catch(() => {});
      }
      firstTried();
      if (stopped) break;
      await new Promise<void>((resolve) => {
        wake = resolve;
        setTimeout(resolve, pause).unref();
      });
    }
  };
  const running = run();
  return {
    ready,
    async stop() {
      stopped = true;
      wake();
      await client?.end().catch(() => {});
      await running;
    },
  };
}

/** The change another instance announced in `payload`; undefined for this instance's own, or anything else. */
function announcedIn(payload: string | undefined, self: string): Announced | undefined {
  let message: { from?: unknown; kind?: unknown; id?: unknown };
  try {
    message = JSON.parse(payload ?? '') as typeof message;
  } catch {
    return undefined;
  }
  if (message.from === self) return undefined;
  if (message.kind === 'keys' || message.kind === 'register') return { kind: message.kind };
  if (message.kind === 'cluster' && typeof message.id === 'string') return { kind: 'cluster', id: message.id };
  return undefined;
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
