import { tokenStatus } from '../domain/labels.ts';
import { ECEI } from '../domain/schemes.ts';
import { currentLabelsOf } from '../registry/current-label.ts';
import type { Database } from '../registry/database.ts';
import { writeCsv } from './csv.ts';
import { yieldToOthers } from '../registry/database.ts';

const CLUSTER_COLUMNS = ['Id', 'Name', 'Organisation', 'Country', 'Comparative portfolio', 'www'];
const LABEL_COLUMNS = ['Level', 'Label valid until', 'Status'];
const EXPORT_HEADER = [...CLUSTER_COLUMNS, ...LABEL_COLUMNS];
/** The header once a label of another scheme than the ECEI's exists. */
const EXPORT_HEADER_WITH_SCHEME = [...CLUSTER_COLUMNS, 'Scheme', ...LABEL_COLUMNS];

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

/**
 * The export's lines of these clusters, in the order of `ids`: one line per current
 * label, sorted by scheme, and one without a label for a cluster that holds none.
 * Without the Scheme column (`withScheme` false, no label of another scheme exists)
 * a cluster has at most its ECEI label, so one line.
 */
async function linesOf(database: Database, ids: string[], now: Date, withScheme: boolean): Promise<string[][]> {
  const rows = await database.db.selectFrom('clusters').select(['id', 'name', 'organisation', 'country', 'portfolio', 'sites']).where('id', 'in', ids).execute();
  const labels = await currentLabelsOf(database.db, ids);
  const byId = new Map(rows.map((row) => [row.id, row]));
  // A cluster deleted between the reads is left out.
  return ids.flatMap((id) => {
    const row = byId.get(id);
    if (!row) return [];
    const cluster = [row.id, row.name, row.organisation, row.country, row.portfolio, (JSON.parse(row.sites) as string[]).join(' ')];
    const held = labels.get(id) ?? [];
    if (held.length === 0) return [[...cluster, ...(withScheme ? [''] : []), '', '', '']];
    return held.map((label) => {
      // The status a token states (withdrawn reads expired, a valid label past its end too).
      const status = tokenStatus(label, now);
      return [...cluster, ...(withScheme ? [label.scheme] : []), label.level, label.validUntil, status];
    });
  });
}

/** Whether any cluster holds a label of another scheme than the ECEI's: then the export names each line's scheme. */
async function hasOtherSchemes(database: Database): Promise<boolean> {
  return (await database.db.selectFrom('labels').select('id').where('scheme', '<>', ECEI).limit(1).executeTakeFirst()) !== undefined;
}

/**
 * The register as CSV, one line per cluster and current label, in the columns the
 * import reads (Status is for people and ignored on import), so an exported file
 * imports again without changing anything. No contact e-mails. A register whose
 * labels are all the ECEI's is written as it always was, without a Scheme column;
 * once a label of another scheme exists, every line names its scheme (docs/register.md).
 *
 * In pieces of at most `batchSize` clusters, as `select` gives their ids (every
 * cluster in id order unless told): a consumer that sends each piece on before
 * asking for the next holds one piece at a time, however large the register.
 */
export async function* exportRegisterCsv(database: Database, select: ExportSelection = everyCluster(database), now = new Date(), batchSize = 1000): AsyncGenerator<{ csv: string; rows: number }> {
  const withScheme = await hasOtherSchemes(database);
  yield { csv: writeCsv([withScheme ? EXPORT_HEADER_WITH_SCHEME : EXPORT_HEADER]), rows: 0 };
  for await (const ids of select(batchSize)) {
    const lines = await linesOf(database, ids, now, withScheme);
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
