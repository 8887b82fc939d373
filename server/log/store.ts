import { sql, type RawBuilder } from 'kysely';
import type { Db, Trx } from '../registry/database.ts';
import { CompactRange, consistencyRanges, inclusionRanges, leafHash, nodeKey, nodesOf, rangeHash, rangeNodes, type Hash, type NodeId, type Range } from './proof.ts';

/**
 * The log's tree in the registry database. Each append stores the leaf hash and every
 * perfect subtree it completes, so the root of any size, a proof or a tile is a read of
 * a few stored hashes: nothing is recomputed from the entries.
 */

type Reader = Db | Trx;

/** How many entries the log holds. */
export async function treeSize(db: Reader): Promise<number> {
  const row = await db.selectFrom('log_entries').select((eb) => eb.fn.max('idx').as('last')).executeTakeFirst();
  return row?.last === null || row?.last === undefined ? 0 : Number(row.last) + 1;
}

/** The size of the newest published checkpoint: the entries below it are covered; 0 for none. */
export async function coveredSize(db: Reader): Promise<number> {
  const row = await db.selectFrom('log_checkpoints').select((eb) => eb.fn.max('size').as('size')).executeTakeFirst();
  return Number(row?.size ?? 0);
}

/** The stored hashes of the given subtrees, by `nodeKey`. */
export async function readNodes(db: Reader, ids: readonly NodeId[]): Promise<Map<string, Hash>> {
  const nodes = new Map<string, Hash>();
  // One round trip for them all: each write and each proof waits for this read.
  for (let i = 0; i < ids.length; i += 200) {
    const chunk = ids.slice(i, i + 200);
    const rows = await db
      .selectFrom('log_nodes')
      .select(['level', 'idx', 'hash'])
      .where((eb) => eb.or(chunk.map(([level, index]) => eb.and([eb('level', '=', level), eb('idx', '=', index)]))))
      .execute();
    for (const row of rows) nodes.set(nodeKey([Number(row.level), Number(row.idx)]), Buffer.from(row.hash, 'hex'));
  }
  return nodes;
}

async function hashesOf(db: Reader, ranges: readonly Range[]): Promise<Hash[]> {
  const nodes = await readNodes(db, nodesOf(ranges));
  return ranges.map(([start, end]) => rangeHash(start, end, nodes));
}

/**
 * One column for a query that has the log entry `entry` in its FROM clause: the stored
 * hashes of the perfect subtrees beside the entry's at levels 0 … `levels` − 1, in hex,
 * separated by spaces, empty where there is none (yet). Those are every hash an inclusion
 * proof of the entry needs but the tree's right edge (`TransparencyLog`), so the read that
 * finds the entry brings its proof along. One column rather than one per level: every
 * column costs the PostgreSQL client its description and its value on every run, and a
 * tree of 100,000 entries has 17 levels. The node beside (l, i) is (l, i xor 1), written
 * `i + 1 − 2·(i mod 2)` in SQL both dialects share.
 */
export function siblingsColumn(levels: number): RawBuilder<string> {
  if (levels === 0) return sql<string>`''`;
  const hashes = Array.from({ length: levels }, (_, level) => {
    const index = sql`(entry.idx / ${sql.lit(2 ** level)})`;
    return sql`coalesce((select hash from log_nodes where level = ${sql.lit(level)} and idx = ${index} + 1 - 2 * (${index} % 2)), '')`;
  });
  return sql<string>`${sql.join(hashes, sql` || ' ' || `)}`;
}

/** The siblings `siblingsColumn` read, as the nodes of the tree they are. */
export function siblingNodes(index: number, siblings: string): Map<string, Hash> {
  const nodes = new Map<string, Hash>();
  siblings.split(' ').forEach((hash, level) => {
    if (hash !== '') nodes.set(nodeKey([level, Math.floor(index / 2 ** level) ^ 1]), Buffer.from(hash, 'hex'));
  });
  return nodes;
}

export async function treeRoot(db: Reader, size: number): Promise<Hash> {
  const [root] = await hashesOf(db, [[0, size]]);
  return root!;
}

export const inclusionProof = (db: Reader, index: number, size: number) => inclusionProofFrom(db, index, size, new Map());

/**
 * The inclusion proof of `index` in a tree of `size` from the nodes given, reading only those missing.
 * A range that ends at `size` lies on the tree's right edge, the one part of a proof that is hashed
 * rather than read, and the same for every entry's proof at that size: `edge` keeps those hashes by
 * their start (at most one per level), so a tree's edge is hashed once, not once per token.
 */
export async function inclusionProofFrom(db: Reader, index: number, size: number, known: ReadonlyMap<string, Hash>, edge = new Map<number, Hash>()): Promise<Hash[]> {
  const ranges = inclusionRanges(index, size);
  const toHash = ranges.filter(([start, end]) => end !== size || !edge.has(start));
  const missing = nodesOf(toHash).filter((id) => !known.has(nodeKey(id)));
  const nodes = missing.length === 0 ? known : new Map([...known, ...(await readNodes(db, missing))]);
  return ranges.map(([start, end]) => {
    if (end !== size) return rangeHash(start, end, nodes);
    let hash = edge.get(start);
    if (!hash) edge.set(start, (hash = rangeHash(start, end, nodes)));
    return hash;
  });
}

/** The stored hashes of the perfect subtrees that make up a tree of `size`: its right edge, which every proof in it may need. */
export const edgeNodes = (db: Reader, size: number) => readNodes(db, rangeNodes(0, size));
export const consistencyProof = (db: Reader, oldSize: number, size: number) => hashesOf(db, consistencyRanges(oldSize, size));

/** Hashes at tree level `level` from `from` on, `count` of them, concatenated: a tile's body. */
export async function levelHashes(db: Reader, level: number, from: number, count: number): Promise<Buffer> {
  const rows = await db.selectFrom('log_nodes').select('hash').where('level', '=', level).where('idx', '>=', from).where('idx', '<', from + count).orderBy('idx').execute();
  if (rows.length !== count) throw new Error(`The log lacks hashes at level ${level} from ${from}.`);
  return Buffer.from(rows.map((row) => row.hash).join(''), 'hex');
}

export async function readEntries(db: Reader, from: number, count: number): Promise<Array<{ idx: number; subject: string; data: string }>> {
  const rows = await db.selectFrom('log_entries').select(['idx', 'subject', 'data']).where('idx', '>=', from).where('idx', '<', from + count).orderBy('idx').execute();
  return rows.map((row) => ({ ...row, idx: Number(row.idx) }));
}

/**
 * Appends entries inside the caller's write transaction (whose lock orders every
 * append). The tree's right edge — the perfect subtrees of the current size — is all
 * a new leaf can complete a subtree with, so it is read once.
 */
export async function appendEntries(trx: Trx, entries: ReadonlyArray<{ subject: string; data: string }>): Promise<number[]> {
  if (entries.length === 0) return [];
  const size = await treeSize(trx);
  const edgeIds = rangeNodes(0, size);
  const stored = await readNodes(trx, edgeIds);
  const range = new CompactRange(size, edgeIds.map((id) => [id[0], stored.get(nodeKey(id))!]));
  const nodes: Array<{ level: number; idx: number; hash: string }> = [];
  const indexes = entries.map((entry) => {
    const index = range.size;
    range.append(leafHash(Buffer.from(entry.data)), (level, idx, hash) => nodes.push({ level, idx, hash: Buffer.from(hash).toString('hex') }));
    return index;
  });
  const rows = entries.map((entry, i) => ({ idx: indexes[i]!, subject: entry.subject, data: entry.data }));
  // Chunked: both dialects cap the parameters of one statement.
  for (let i = 0; i < rows.length; i += 500) await trx.insertInto('log_entries').values(rows.slice(i, i + 500)).execute();
  for (let i = 0; i < nodes.length; i += 1000) await trx.insertInto('log_nodes').values(nodes.slice(i, i + 1000)).execute();
  return indexes;
}
