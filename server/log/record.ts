import type { AuditEntry } from '../audit/log.ts';
import { yieldToOthers, type Trx } from '../registry/database.ts';
import type { Label } from '../domain/types.ts';
import { currentLabelsOf } from '../registry/current-label.ts';
import { serializeEntry, type ClusterEntry, type LogEntry, type LoggedLabel } from './entry.ts';
import { appendEntries } from './store.ts';

/** The clusters of an import whose entries are appended between two turns of the event loop. */
const IMPORT_SLICE = 250;

/**
 * Appends the log entries an audited change calls for, in its transaction: a change to
 * a cluster or its label, each cluster an import touched, a key event. Other audited
 * changes (accounts, API tokens) say nothing a badge or the register shows, and stay
 * in the audit chain alone — which every entry anchors by its head's hash.
 */
export async function recordInLog(trx: Trx, audit: AuditEntry): Promise<void> {
  const anchor = { at: audit.at, audit: { seq: audit.seq, hash: audit.hash }, change: audit.action } as const;
  const entries: Array<{ subject: string; entry: LogEntry }> = [];
  const [family] = audit.action.split('.');
  if (family === 'cluster' || family === 'label') {
    const states = await publicStates(trx, [audit.subject]);
    entries.push({ subject: audit.subject, entry: { v: 1, type: 'cluster', ...anchor, ...states.get(audit.subject)! } });
  } else if (audit.action === 'register.import') {
    const after = audit.after as { created?: string[]; updated?: string[]; labelled?: string[] };
    const ids = [...new Set([...(after.created ?? []), ...(after.updated ?? []), ...(after.labelled ?? [])])].sort();
    // An import may touch 100,000 clusters: their entries are read, built and appended a
    // slice at a time, the event loop turning between slices, so that the issuer keeps
    // answering while one transaction writes them all.
    for (let i = 0; i < ids.length; i += IMPORT_SLICE) {
      const slice = ids.slice(i, i + IMPORT_SLICE);
      const states = await publicStates(trx, slice);
      await appendEntries(trx, slice.map((id) => ({ subject: id, data: serializeEntry({ v: 1, type: 'cluster', ...anchor, ...states.get(id)! }) })));
      await yieldToOthers();
    }
    return;
  } else if (family === 'key') {
    const kid = audit.subject.slice('key:'.length);
    const row = await trx.selectFrom('signing_keys').select(['state', 'public_jwk']).where('kid', '=', kid).executeTakeFirstOrThrow();
    entries.push({ subject: audit.subject, entry: { v: 1, type: 'key', ...anchor, key: { use: 'attestation', kid, state: row.state, jwk: JSON.parse(row.public_jwk) as Record<string, unknown> } } });
  } else if (family === 'log-key') {
    const keyId = audit.subject.slice('log-key:'.length);
    const row = await trx.selectFrom('log_keys').select(['state', 'vkey']).where('key_id', '=', keyId).executeTakeFirstOrThrow();
    entries.push({ subject: audit.subject, entry: { v: 1, type: 'key', ...anchor, key: { use: 'log', keyId, state: row.state, vkey: row.vkey } } });
  }
  await appendEntries(trx, entries.map(({ subject, entry }) => ({ subject, data: serializeEntry(entry) })));
}

/** A label as a log entry records it. */
function logged(label: Pick<Label, 'level' | 'awarded' | 'validUntil' | 'status' | 'revokedAt' | 'publicReason'>): LoggedLabel {
  const entry: LoggedLabel = { level: label.level, awarded: label.awarded, validUntil: label.validUntil, status: label.status };
  if (label.status === 'revoked') {
    entry.revokedAt = label.revokedAt ?? '';
    entry.reason = label.publicReason ?? '';
  }
  return entry;
}

/** Clusters' public state as the register and its badges show it, every scheme's label included, read inside the writing transaction. */
async function publicStates(trx: Trx, ids: readonly string[]): Promise<Map<string, Pick<ClusterEntry, 'cluster' | 'label' | 'labels'>>> {
  const states = new Map<string, Pick<ClusterEntry, 'cluster' | 'label' | 'labels'>>();
  // An import may touch thousands: read them in chunks, not one by one.
  for (let i = 0; i < ids.length; i += 500) {
    const rows = await trx
      .selectFrom('clusters')
      .leftJoin('labels', 'labels.id', 'clusters.current_label_id')
      .select(['clusters.id', 'clusters.name', 'clusters.sites', 'labels.level', 'labels.awarded', 'labels.valid_until', 'labels.status', 'labels.revoked_at', 'labels.public_reason'])
      .where('clusters.id', 'in', ids.slice(i, i + 500))
      .execute();
    const current = await currentLabelsOf(trx, ids.slice(i, i + 500));
    for (const row of rows) {
      const cluster = { id: row.id, name: row.name, sites: JSON.parse(row.sites) as string[] };
      const labels = (current.get(row.id) ?? []).map((held) => ({ scheme: held.scheme, ...logged(held) }));
      if (row.level === null) {
        states.set(row.id, { cluster, label: null, labels });
        continue;
      }
      const label: NonNullable<ClusterEntry['label']> = { level: row.level, awarded: row.awarded!, validUntil: row.valid_until!, status: row.status! };
      if (row.status === 'revoked') {
        label.revokedAt = row.revoked_at!;
        label.reason = row.public_reason ?? '';
      }
      states.set(row.id, { cluster, label, labels });
    }
  }
  for (const id of ids) if (!states.has(id)) throw new Error(`The cluster ${id} changed but cannot be read.`);
  return states;
}
