import type { InferResult } from 'kysely';
import type { AttestationSubject } from '../domain/claims.ts';
import type { Hash } from '../log/proof.ts';
import { siblingNodes, siblingsColumn } from '../log/store.ts';
import type { TransparencyLog } from '../log/transparency-log.ts';
import type { Database } from '../registry/database.ts';
import { subjectQuery, toSubject } from '../registry/registry.ts';

/** What a token states and how the log proves it, as one read found them. */
export interface AttestationSource {
  subject: AttestationSubject;
  /** The cluster's latest log entry and the tree's nodes read beside it; absent when the log has none. */
  entry?: { index: number; data: string; nodes: Map<string, Hash> };
}

function sourceQuery(database: Database, levels: number) {
  return subjectQuery(database)
    .leftJoin('log_entries as entry', (join) =>
      join.on((eb) => eb('entry.idx', '=', eb.selectFrom('log_entries as latest').select((e) => e.fn.max('latest.idx').as('last')).whereRef('latest.subject', '=', 'clusters.id'))),
    )
    .select(['entry.idx as entry_idx', 'entry.data as entry_data', siblingsColumn(levels).as('siblings')]);
}
type SourceRow = InferResult<ReturnType<typeof sourceQuery>>[number];

/**
 * The read of a token signed anew: the cluster, its current label, its latest log
 * entry and the stored hashes of that entry's inclusion proof, in one statement. One
 * statement is one round trip to PostgreSQL, and one snapshot: the entry always
 * records the state the token states, even while a change commits.
 * Prepared once for each proof height (`TransparencyLog.proofLevels`).
 */
export function attestationSource(database: Database, log: TransparencyLog): (id: string) => Promise<AttestationSource | undefined> {
  const statements = new Map<number, (parameters: unknown[]) => Promise<SourceRow | undefined>>();
  return async (id) => {
    const levels = log.proofLevels;
    let read = statements.get(levels);
    if (!read) statements.set(levels, (read = database.preparedRow(`attestation_source_${levels}`, sourceQuery(database, levels).compile())));
    const row = await read([id]);
    if (!row) return undefined;
    const subject = toSubject(id, row);
    if (row.entry_idx === null || row.entry_data === null) return { subject };
    const index = Number(row.entry_idx);
    return { subject, entry: { index, data: row.entry_data, nodes: siblingNodes(index, row.siblings) } };
  };
}
