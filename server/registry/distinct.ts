import { sql } from 'kysely';
import type { Db } from './database.ts';

/**
 * The distinct values of an indexed column, in order, found by one index seek each (a
 * loose index scan) where `select distinct` would read every row: the countries of the
 * register, the actions of the audit log.
 */
export async function distinctValues(db: Db, table: 'clusters' | 'audit_log', column: 'country' | 'action'): Promise<string[]> {
  const [from, value] = [sql.table(table), sql.ref(column)];
  const result = await sql<{ value: string | null }>`
    with recursive d (value) as (
      select min(${value}) from ${from}
      union all
      select (select min(${value}) from ${from} where ${value} > d.value) from d where d.value is not null
    )
    select value from d where value is not null`.execute(db);
  return result.rows.flatMap((row) => (row.value === null ? [] : [row.value]));
}
