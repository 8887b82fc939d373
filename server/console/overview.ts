import { sql } from 'kysely';
import type { AuditEntry } from '../audit/log.ts';
import { utcDate } from '../domain/dates.ts';
import { effectiveStatus, graceEnds } from '../domain/labels.ts';
import type { Cluster, Label } from '../domain/types.ts';
import { currentLabels } from '../registry/current-label.ts';
import type { Registry } from '../registry/registry.ts';

export interface LabelRow {
  cluster: Pick<Cluster, 'id' | 'name'>;
  label: Label;
}

export interface Overview {
  clusters: number;
  /** Clusters by the level and effective status of their current label; `none` for no label. */
  counts: Record<string, Record<string, number>>;
  expiring30: LabelRow[];
  expiring90: LabelRow[];
  inGrace: Array<LabelRow & { graceEnds: string }>;
  awaitingWithdrawal: Array<LabelRow & { graceEnded: string }>;
  recent: AuditEntry[];
}

/** Each cluster with its current label, optionally filtered by a search text on id and name. */
export async function clustersWithCurrentLabel(registry: Registry, query: { search?: string; limit?: number } = {}) {
  let q = registry.db.selectFrom('clusters').select(['clusters.id', 'clusters.name', 'clusters.country']);
  const search = query.search?.trim().toLowerCase();
  if (search) {
    const pattern = `%${search.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;
    // An explicit ESCAPE: SQLite has no default escape character for LIKE, PostgreSQL's is the same backslash.
    q = q.where(sql<boolean>`(lower(clusters.id) like ${pattern} escape '\\' or lower(clusters.name) like ${pattern} escape '\\')`);
  }
  const rows = await q.orderBy('clusters.name').limit(query.limit ?? 100_000).execute();
  const labels = await currentLabels(registry.db, rows.map((r) => r.id));
  return rows.map((cluster) => ({ cluster, label: labels.get(cluster.id) }));
}

/** What the dashboard shows: computed from the registry on every load (some 1,300 rows: cheap). */
export async function loadOverview(registry: Registry, now: Date): Promise<Overview> {
  const all = await clustersWithCurrentLabel(registry);
  const today = utcDate(now);
  const counts: Overview['counts'] = {};
  const inGrace: Overview['inGrace'] = [];
  for (const { cluster, label } of all) {
    const level = label?.level ?? 'none';
    const status = label ? effectiveStatus(label, now) : 'none';
    counts[level] ??= {};
    counts[level][status] = (counts[level][status] ?? 0) + 1;
    if (label && status === 'expired' && graceEnds(label) >= today) inGrace.push({ cluster, label, graceEnds: graceEnds(label) });
  }
  inGrace.sort((a, b) => a.graceEnds.localeCompare(b.graceEnds));
  const [expiring30, expiring90, awaitingWithdrawal, recent] = await Promise.all([
    registry.expiringWithin(30),
    registry.expiringWithin(90),
    registry.awaitingWithdrawal(),
    registry.audit({ limit: 10 }),
  ]);
  return { clusters: all.length, counts, expiring30, expiring90, inGrace, awaitingWithdrawal, recent };
}
