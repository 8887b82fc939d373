import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterEach, expect, it } from 'vitest';
import { openSqlite, type Database } from '../../server/registry/database.ts';

let dir: string | undefined;
let database: Database | undefined;
afterEach(async () => {
  await database?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

it('leaves checkpoints to a thread of their own: a commit only appends to the log, and the log reaches the database file all the same', async () => {
  dir = mkdtempSync(join(tmpdir(), 'cluster-label-checkpoints-'));
  const file = join(dir, 'registry.sqlite');
  database = openSqlite(file);
  const db = database.db;
  await sql`create table t (x text)`.execute(db);
  const before = statSync(file).size;
  // Some 8 MB in one transaction: past the 1,000 pages at which SQLite would checkpoint in the committing call.
  await db.transaction().execute(async (trx) => {
    for (let i = 0; i < 2000; i++) await sql`insert into t values (${'x'.repeat(4000)})`.execute(trx);
  });
  // The commit left the database file as it was: the pages are in the log alone.
  expect(statSync(file).size).toBe(before);
  // Then the thread copies them into the file, and the rows read back from it.
  for (let i = 0; i < 200 && statSync(file).size === before; i++) await new Promise((resolve) => setTimeout(resolve, 50));
  expect(statSync(file).size).toBeGreaterThan(8_000_000);
  expect((await sql<{ n: number }>`select count(*) as n from t`.execute(db)).rows[0]?.n).toBe(2000);
});
