import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { backupSqlite } from '../../server/import/backup.ts';
import { openDatabase } from '../../server/registry/database.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A migrated SQLite registry file that each test copies instead of migrating its own. */
    sqliteTemplate: string;
    /** A migrated PostgreSQL database that each test clones (`create database … template …`); empty without TEST_DATABASE_URL. */
    postgresTemplate: string;
  }
}

/** Runs `statement` on the server TEST_DATABASE_URL names, outside any database a test uses. */
export async function onPostgresServer(url: string, statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

/**
 * Brings a database cloned from the template back to the template's state: every connection
 * another test left open is ended, every table but the migrations' own emptied, every
 * sequence restarted.
 */
export async function emptyPostgresDatabase(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('select pg_terminate_backend(pid) from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()');
    const { rows: tables } = await client.query<{ name: string }>(
      "select quote_ident(tablename) as name from pg_tables where schemaname = 'public' and tablename not like 'kysely\\_%'",
    );
    const { rows: sequences } = await client.query<{ name: string }>("select quote_ident(sequencename) as name from pg_sequences where schemaname = 'public'");
    // DELETE, not TRUNCATE: a few rows each, and TRUNCATE writes new files (ten times slower
    // here). Foreign keys and triggers stay quiet meanwhile, so the order does not matter.
    await client.query('begin');
    await client.query('set local session_replication_role = replica');
    for (const table of tables) await client.query(`delete from ${table.name}`);
    for (const sequence of sequences) await client.query(`alter sequence ${sequence.name} restart`);
    await client.query('commit');
  } finally {
    await client.end();
  }
}

/** `url` with another database name. */
export function withDatabase(url: string, name: string): string {
  const next = new URL(url);
  next.pathname = `/${name}`;
  return next.toString();
}

/**
 * Migrates one registry per dialect before any test file runs; every test then starts from a
 * copy, which costs a file copy or a `create database`, not a run of every migration.
 */
export default async function setup(project: TestProject) {
  const folder = mkdtempSync(join(tmpdir(), 'cluster-label-template-'));
  const migrated = await openDatabase({ dataDir: folder });
  const sqliteTemplate = join(folder, 'template.sqlite');
  // One self-contained file (VACUUM INTO), with nothing left in a write-ahead log.
  await backupSqlite(migrated, sqliteTemplate);
  await migrated.close();

  const postgresUrl = process.env.TEST_DATABASE_URL;
  let postgresTemplate = '';
  if (postgresUrl) {
    postgresTemplate = `cl_template_${randomBytes(6).toString('hex')}`;
    await onPostgresServer(postgresUrl, `create database ${postgresTemplate}`);
    await (await openDatabase({ dataDir: folder, databaseUrl: withDatabase(postgresUrl, postgresTemplate) })).close();
  }
  project.provide('sqliteTemplate', sqliteTemplate);
  project.provide('postgresTemplate', postgresTemplate);

  return async () => {
    rmSync(folder, { recursive: true, force: true });
    if (!postgresUrl || !postgresTemplate) return;
    // The clones the tests emptied and kept, then the template itself.
    const client = new pg.Client({ connectionString: postgresUrl });
    await client.connect();
    try {
      const { rows } = await client.query<{ datname: string }>('select datname from pg_database where datname like $1', [`${postgresTemplate}\\_%`]);
      for (const { datname } of [...rows, { datname: postgresTemplate }]) await client.query(`drop database if exists ${datname} with (force)`);
    } finally {
      await client.end();
    }
  };
}
