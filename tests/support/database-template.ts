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
    if (postgresUrl && postgresTemplate) await onPostgresServer(postgresUrl, `drop database if exists ${postgresTemplate} with (force)`);
  };
}
