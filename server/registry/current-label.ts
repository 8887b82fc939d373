import type { SelectQueryBuilder } from 'kysely';
import type { Label } from '../domain/types.ts';
import type { Db, Trx } from './database.ts';
import type { Schema } from './schema.ts';

/**
 * The one answer to "which label is a cluster's current one": `clusters.current_label_id`,
 * its newest label whatever its status, kept by triggers inside every writing
 * transaction (migration 004). The register, the console, the export, the import and
 * the attestation all read it through here or join the same column.
 *
 * @example
 * const row = await joinCurrentLabel(db.selectFrom('clusters')).selectAll('labels').where('clusters.id', '=', id).executeTakeFirst();
 */
export function joinCurrentLabel<O>(clusters: SelectQueryBuilder<Schema, 'clusters', O>) {
  return clusters.innerJoin('labels', 'labels.id', 'clusters.current_label_id');
}

/** The current labels of the clusters named, by cluster id; a cluster without a label has no entry. */
export async function currentLabels(db: Db | Trx, clusterIds: readonly string[]): Promise<Map<string, Label>> {
  if (clusterIds.length === 0) return new Map();
  const rows = await joinCurrentLabel(db.selectFrom('clusters')).selectAll('labels').where('clusters.id', 'in', clusterIds).execute();
  return new Map(rows.map((row) => [row.cluster_id, toLabel(row)]));
}

/** A label row as the domain sees it. */
export function toLabel(row: Omit<Schema['labels'], 'id'> & { id: number }): Label {
  return {
    id: Number(row.id),
    clusterId: row.cluster_id,
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
