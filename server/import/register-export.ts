import { tokenStatus } from '../domain/labels.ts';
import type { LabelStatus, Level } from '../domain/types.ts';
import type { Database } from '../registry/database.ts';
import { writeCsv } from './csv.ts';
import { yieldToOthers } from '../registry/database.ts';

export const EXPORT_HEADER = ['Id', 'Name', 'Organisation', 'Country', 'Comparative portfolio', 'www', 'Level', 'Label valid until', 'Status'];

/**
 * Which clusters an export holds, and in which order: their ids, in batches of at
 * most `batchSize`. The console's export passes its cluster list's matches
 * (`listedIds`, server/console/list.ts), so the file holds what the list shows.
 */
export type ExportSelection = (batchSize: number) => AsyncIterable<string[]>;

/** Every cluster, in id order, by keyset: the CLI's export. */
export const everyCluster =
  (database: Database): ExportSelection =>
  async function* (batchSize) {
    let after: string | undefined;
    for (;;) {
      let q = database.db.selectFrom('clusters').select('id');
      if (after !== undefined) q = q.where('id', '>', after);
      const ids = (await q.orderBy('id').limit(batchSize).execute()).map((row) => row.id);
      if (ids.length > 0) yield ids;
      if (ids.length < batchSize) return;
      after = ids.at(-1);
    }
  };

/** The export's lines of these clusters, in the order of `ids` (one read, by primary key). */
async function linesOf(database: Database, ids: string[], now: Date): Promise<string[][]> {
  const rows = await database.db
    .selectFrom('clusters')
    .leftJoin('labels', 'labels.id', 'clusters.current_label_id')
    .select(['clusters.id', 'clusters.name', 'clusters.organisation', 'clusters.country', 'clusters.portfolio', 'clusters.sites', 'labels.level', 'labels.valid_until', 'labels.status'])
    .where('clusters.id', 'in', ids)
    .execute();
  const byId = new Map(rows.map((row) => [row.id, row]));
  // A cluster deleted between the two reads is left out.
  return ids.flatMap((id) => {
    const row = byId.get(id);
    if (!row) return [];
    const label = row.status === null ? undefined : { status: row.status as LabelStatus, validUntil: row.valid_until!, level: row.level as Level };
    // The status a token states (withdrawn reads expired, a valid label past its end too).
    const status = tokenStatus(label, now);
    return [[row.id, row.name, row.organisation, row.country, row.portfolio, (JSON.parse(row.sites) as string[]).join(' '), label?.level ?? '', label?.validUntil ?? '', status === 'none' ? '' : status]];
  });
}

/**
 * The register as CSV, one cluster a line with its current label, in the
 * columns the import reads (Status is for people and ignored on import), so an
 * exported file imports again without changing anything. No contact e-mails.
 *
 * In pieces of at most `batchSize` clusters, as `select` gives their ids (every
 * cluster in id order unless told): a consumer that sends each piece on before
 * asking for the next holds one piece at a time, however large the register.
 */
export async function* exportRegisterCsv(database: Database, select: ExportSelection = everyCluster(database), now = new Date(), batchSize = 1000): AsyncGenerator<{ csv: string; rows: number }> {
  yield { csv: writeCsv([EXPORT_HEADER]), rows: 0 };
  for await (const ids of select(batchSize)) {
    const lines = await linesOf(database, ids, now);
    if (lines.length > 0) yield { csv: writeCsv(lines), rows: lines.length };
    // SQLite answers synchronously: a fast reader would otherwise take every batch in one turn of the event loop.
    await yieldToOthers();
  }
}

/** The whole register as one CSV text (the CLI's `register export`). */
export async function exportRegister(database: Database, now = new Date()): Promise<{ csv: string; rows: number }> {
  let csv = '';
  let rows = 0;
  for await (const piece of exportRegisterCsv(database, everyCluster(database), now)) {
    csv += piece.csv;
    rows += piece.rows;
  }
  return { csv, rows };
}
