import { sql, type Selectable, type SelectQueryBuilder } from 'kysely';
import type { ClaimedSchemeLabel } from '../domain/claims.ts';
import { eceiLabel } from '../domain/labels.ts';
import type { Label, Level } from '../domain/types.ts';
import type { Db, Dialect, Trx } from './database.ts';
import type { Schema } from './schema.ts';

/**
 * The one answer to "which label is a cluster's current one in a scheme": its newest
 * label of that scheme, whatever its status. Triggers inside every writing transaction
 * keep it in `current_labels`, one row per cluster and scheme with the level, status and
 * end that filters read (migration 018); for the ECEI scheme also in
 * `clusters.current_label_id` (with `label_level`, `label_status`, `label_valid_until`;
 * migrations 004, 016), so that the register's search and the console's list filter and
 * sort clusters by it in one index. `joinCurrentLabel` joins the ECEI one;
 * `currentLabelIn`, `currentLabelsOf` and `currentLabelsJson` read every scheme's.
 *
 * @example
 * const row = await joinCurrentLabel(db.selectFrom('clusters')).selectAll('labels').where('clusters.id', '=', id).executeTakeFirst();
 */
export function joinCurrentLabel<O>(clusters: SelectQueryBuilder<Schema, 'clusters', O>) {
  return clusters.innerJoin('labels', 'labels.id', 'clusters.current_label_id');
}

/** The current ECEI labels of the clusters named, by cluster id; a cluster without one has no entry. */
export async function currentLabels(db: Db | Trx, clusterIds: readonly string[]): Promise<Map<string, Label<Level>>> {
  if (clusterIds.length === 0) return new Map();
  const rows = await joinCurrentLabel(db.selectFrom('clusters')).selectAll('labels').where('clusters.id', 'in', clusterIds).execute();
  return new Map(rows.map((row) => [row.cluster_id, eceiLabel(toLabel(row))]));
}

/** The cluster's current label in `scheme`, or undefined when it never held one there. */
export async function currentLabelIn(db: Db | Trx, clusterId: string, scheme: string): Promise<Label | undefined> {
  const row = await db
    .selectFrom('current_labels as now_held')
    .innerJoin('labels', 'labels.id', 'now_held.label_id')
    .selectAll('labels')
    .where('now_held.cluster_id', '=', clusterId)
    .where('now_held.scheme', '=', scheme)
    .executeTakeFirst();
  return row && toLabel(row);
}

/** The current label of every scheme, per cluster named, sorted by scheme; a cluster without labels has no entry. */
export async function currentLabelsOf(db: Db | Trx, clusterIds: readonly string[]): Promise<Map<string, Label[]>> {
  if (clusterIds.length === 0) return new Map();
  const rows = await db.selectFrom('current_labels as now_held').innerJoin('labels', 'labels.id', 'now_held.label_id').selectAll('labels').where('now_held.cluster_id', 'in', clusterIds).execute();
  const labels = new Map<string, Label[]>();
  for (const row of rows) labels.set(row.cluster_id, [...(labels.get(row.cluster_id) ?? []), toLabel(row)]);
  // Sorted here, by code point: a database's collation may order hyphens otherwise.
  for (const list of labels.values()) list.sort((a, b) => (a.scheme < b.scheme ? -1 : a.scheme > b.scheme ? 1 : 0));
  return labels;
}

/** A current label as `currentLabelsJson` states it, the registry's status as stored. */
export interface CurrentLabelJson {
  scheme: string;
  level: string;
  awarded: string;
  validUntil: string;
  status: Label['status'];
  revokedAt: string | null;
  reason: string | null;
}

/**
 * A column for a query over `clusters`: the cluster's current label in every scheme, as
 * one JSON array of {@link CurrentLabelJson} (text; `[]` for none), so that the read
 * that needs them — an attestation's cold path, a log entry — stays one statement.
 */
export function currentLabelsJson(dialect: Dialect) {
  const held = sql`current_labels as now_held join labels as held on held.id = now_held.label_id where now_held.cluster_id = clusters.id`;
  const fields = sql`'scheme', held.scheme, 'level', held.level, 'awarded', held.awarded, 'validUntil', held.valid_until, 'status', held.status, 'revokedAt', held.revoked_at, 'reason', held.public_reason`;
  return dialect === 'postgres'
    ? sql<string>`(select coalesce(json_agg(json_build_object(${fields}))::text, '[]') from ${held})`
    : sql<string>`(select json_group_array(json_object(${fields})) from ${held})`;
}

/** The labels `currentLabelsJson` read, as a token states them, sorted by scheme (by code point, whatever the database's collation). */
export function parseCurrentLabels(json: string): ClaimedSchemeLabel[] {
  const labels = JSON.parse(json) as CurrentLabelJson[];
  return labels.sort((a, b) => (a.scheme < b.scheme ? -1 : a.scheme > b.scheme ? 1 : 0)).map(({ reason, ...held }) => ({ ...held, publicReason: reason }));
}

/** A label row as the domain sees it. */
export function toLabel(row: Selectable<Schema['labels']>): Label {
  return {
    id: Number(row.id),
    clusterId: row.cluster_id,
    scheme: row.scheme,
    level: row.level,
    awarded: row.awarded,
    validUntil: row.valid_until,
    status: row.status,
    assessmentRef: row.assessment_ref,
    revokedAt: row.revoked_at,
    publicReason: row.public_reason,
    internalNote: row.internal_note,
    changedAt: row.changed_at,
  };
}
