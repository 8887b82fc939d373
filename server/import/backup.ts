import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { sql } from 'kysely';
import { fail } from '../errors.ts';
import type { Database } from '../registry/database.ts';

/**
 * A consistent copy of the SQLite registry, taken while the server runs:
 * `VACUUM INTO` writes a compacted snapshot of one read transaction. PostgreSQL
 * registries are backed up with the database's own tools (pg_dump).
 */
export async function backupSqlite(database: Database, file: string): Promise<string> {
  if (database.dialect !== 'sqlite') throw fail('backup_not_sqlite');
  const target = resolve(file);
  // VACUUM INTO refuses to overwrite; say so before it does, in words.
  if (existsSync(target)) throw fail('backup_exists', { file: target });
  await sql`vacuum into ${target}`.execute(database.db);
  return target;
}
