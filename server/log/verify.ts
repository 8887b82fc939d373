import type { Db } from '../registry/database.ts';
import { messageOf } from '../errors.ts';
import { parseCheckpoint } from './checkpoint.ts';
import type { AuditAnchor } from './entry.ts';
import { verifyNote, type Verifier } from './note.ts';
import { CompactRange, leafHash } from './proof.ts';
import { treeRoot } from './store.ts';

export interface LogReport {
  ok: boolean;
  entries: number;
  checkpoints: number;
  /** What does not hold, first found. */
  problem?: string;
}

const PAGE = 5000;
const equal = (a: Uint8Array, b: Uint8Array) => Buffer.compare(Buffer.from(a), Buffer.from(b)) === 0;

/**
 * Recomputes the log from its entries alone and checks, at every published size, that
 * the checkpoint verifies under the log's keys, names the recomputed root, and agrees
 * with the stored subtree hashes that proofs and tiles are served from; each stored leaf
 * hash must match its entry; and each entry's audit anchor must be the audit chain's
 * entry of that number. Reads in pages, in flat memory.
 */
export async function verifyLog(db: Db, verifiers: readonly Verifier[], origin: string): Promise<LogReport> {
  const checkpoints = await db.selectFrom('log_checkpoints').select(['size', 'note']).orderBy('size').execute();
  const range = new CompactRange();
  let next = 0;
  const fail = (problem: string): LogReport => ({ ok: false, entries: range.size, checkpoints: next, problem });
  const checkUpTo = async (size: number) => {
    for (; next < checkpoints.length && Number(checkpoints[next]!.size) === size; next++) {
      const { note } = checkpoints[next]!;
      let checkpoint;
      try {
        checkpoint = parseCheckpoint(verifyNote(note, verifiers).text);
      } catch (error) {
        return `the checkpoint of size ${size} does not verify: ${messageOf(error)}`;
      }
      if (checkpoint.origin !== origin || checkpoint.size !== size) return `the checkpoint stored as size ${size} names ${checkpoint.origin} at size ${checkpoint.size}`;
      if (!equal(checkpoint.root, range.root())) return `the checkpoint of size ${size} names a root the entries do not make: the log was rewritten`;
      if (!equal(await treeRoot(db, size), checkpoint.root)) return `the stored subtree hashes at size ${size} disagree with the entries`;
    }
    return undefined;
  };
  for (;;) {
    const problem = await checkUpTo(range.size);
    if (problem) return fail(problem);
    const rows = await db.selectFrom('log_entries').select(['idx', 'data']).where('idx', '>=', range.size).orderBy('idx').limit(PAGE).execute();
    if (rows.length === 0) break;
    const from = range.size;
    const [leaves, audits] = await Promise.all([
      db.selectFrom('log_nodes').select(['idx', 'hash']).where('level', '=', 0).where('idx', '>=', from).where('idx', '<', from + rows.length).orderBy('idx').execute(),
      auditHashes(db, rows.map((row) => (JSON.parse(row.data) as { audit: AuditAnchor }).audit.seq)),
    ]);
    for (const [i, row] of rows.entries()) {
      if (Number(row.idx) !== range.size) return fail(`entry ${range.size} is missing`);
      const leaf = leafHash(Buffer.from(row.data));
      if (leaves[i]?.hash !== Buffer.from(leaf).toString('hex')) return fail(`the stored leaf hash of entry ${range.size} does not match the entry`);
      const { audit } = JSON.parse(row.data) as { audit: AuditAnchor };
      if (audits.get(audit.seq) !== audit.hash) return fail(`entry ${range.size} anchors audit entry ${audit.seq}, which the audit chain does not hold as recorded`);
      range.append(leaf);
      const problem = await checkUpTo(range.size);
      if (problem) return fail(problem);
    }
  }
  if (next < checkpoints.length) return fail(`a checkpoint of size ${checkpoints[next]!.size} was published, but the log holds ${range.size} entries`);
  return { ok: true, entries: range.size, checkpoints: checkpoints.length };
}

async function auditHashes(db: Db, seqs: number[]): Promise<Map<number, string>> {
  const unique = [...new Set(seqs)];
  const hashes = new Map<number, string>();
  for (let i = 0; i < unique.length; i += 1000) {
    const rows = await db.selectFrom('audit_log').select(['seq', 'hash']).where('seq', 'in', unique.slice(i, i + 1000)).execute();
    for (const row of rows) hashes.set(Number(row.seq), row.hash);
  }
  return hashes;
}
