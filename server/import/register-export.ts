import { joinCurrentLabel } from '../registry/current-label.ts';
import type { Database } from '../registry/database.ts';
import { writeCsv } from './csv.ts';

export const EXPORT_HEADER = ['Id', 'Name', 'Organisation', 'Country', 'Comparative portfolio', 'www', 'Level', 'Label valid until', 'Status'];

/**
 * The register as CSV, one cluster a line with its current label, in the
 * columns the import reads (Status is for people and ignored on import), so an
 * exported file imports again without changing anything. No contact e-mails.
 */
export async function exportRegister(database: Database): Promise<{ csv: string; rows: number }> {
  const clusters = await database.db.selectFrom('clusters').select(['id', 'name', 'organisation', 'country', 'portfolio', 'sites']).orderBy('name').orderBy('id').execute();
  const labels = await joinCurrentLabel(database.db.selectFrom('clusters')).select(['labels.cluster_id', 'labels.level', 'labels.valid_until', 'labels.status']).execute();
  const current = new Map(labels.map((l) => [l.cluster_id, l]));
  const rows = clusters.map((c) => {
    const label = current.get(c.id);
    return [c.id, c.name, c.organisation, c.country, c.portfolio, (JSON.parse(c.sites) as string[]).join(' '), label?.level ?? '', label?.valid_until ?? '', label?.status ?? ''];
  });
  return { csv: writeCsv([EXPORT_HEADER, ...rows]), rows: rows.length };
}
