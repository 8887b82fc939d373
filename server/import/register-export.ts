import type { Database } from '../registry/database.ts';
import { eachCluster, type RegisterEntry, type SearchFilters } from '../registry/search.ts';
import { writeCsv } from './csv.ts';
import { yieldToEventLoop } from './register-import.ts';

export const EXPORT_HEADER = ['Id', 'Name', 'Organisation', 'Country', 'Comparative portfolio', 'www', 'Level', 'Label valid until', 'Status'];

const exportRow = ({ cluster, label }: RegisterEntry) => [
  cluster.id,
  cluster.name,
  cluster.organisation,
  cluster.country,
  cluster.portfolio,
  cluster.sites.join(' '),
  label.level ?? '',
  label.validUntil ?? '',
  label.status === 'none' ? '' : label.status,
];

/**
 * The register as CSV, one cluster a line with its current label, in the
 * columns the import reads (Status is for people and ignored on import), so an
 * exported file imports again without changing anything. No contact e-mails.
 *
 * In pieces of `batchSize` clusters (keyset paging, in id order): a consumer that
 * sends each piece on before asking for the next holds one piece at a time,
 * however large the register. `filters` are the register search's (text,
 * country, level, status), as the console's cluster list passes them.
 */
export async function* exportRegisterCsv(database: Database, filters: SearchFilters = {}, now = new Date(), batchSize = 1000): AsyncGenerator<{ csv: string; rows: number }> {
  yield { csv: writeCsv([EXPORT_HEADER]), rows: 0 };
  for await (const batch of eachCluster(database.db, database.dialect, filters, now, batchSize)) {
    yield { csv: writeCsv(batch.map(exportRow)), rows: batch.length };
    // SQLite answers synchronously: a fast reader would otherwise take every batch in one turn of the event loop.
    await yieldToEventLoop();
  }
}

/** The whole register as one CSV text (the CLI's `register export`). */
export async function exportRegister(database: Database, now = new Date()): Promise<{ csv: string; rows: number }> {
  let csv = '';
  let rows = 0;
  for await (const piece of exportRegisterCsv(database, {}, now)) {
    csv += piece.csv;
    rows += piece.rows;
  }
  return { csv, rows };
}
