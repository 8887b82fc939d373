import { createHash } from 'node:crypto';

/**
 * The Merkle tree of RFC 6962 §2.1 (RFC 9162 §2.1): leaf `SHA-256(0x00 ‖ entry)`,
 * node `SHA-256(0x01 ‖ left ‖ right)`, the empty tree `SHA-256()`. Proofs are built
 * from the hashes of perfect subtrees ("nodes"), named by level and index: the node
 * (l, i) covers the entries [i·2^l, (i+1)·2^l). Everything here is pure: the caller
 * says which nodes it has.
 */

export type Hash = Uint8Array;
/** A perfect subtree: its height and its index among the subtrees of that height. */
export type NodeId = readonly [level: number, index: number];

export const HASH_SIZE = 32;
export const EMPTY_ROOT: Hash = createHash('sha256').digest();

export function leafHash(entry: Uint8Array): Hash {
  return createHash('sha256').update(Uint8Array.of(0)).update(entry).digest();
}

export function nodeHash(left: Hash, right: Hash): Hash {
  return createHash('sha256').update(Uint8Array.of(1)).update(left).update(right).digest();
}

export const nodeKey = ([level, index]: NodeId): string => `${level}/${index}`;

/** The largest power of two below `n` (n > 1): where RFC 6962 splits a range. */
function split(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/**
 * The perfect subtrees that make up MTH(D[start:end]), left to right. Every range the
 * RFC's recursions name starts at a multiple of its left part's size, so its left
 * parts are perfect subtrees and its hash folds them from the right.
 */
export function rangeNodes(start: number, end: number): NodeId[] {
  const nodes: NodeId[] = [];
  while (start < end) {
    let size = 1;
    while (size * 2 <= end - start && start % (size * 2) === 0) size *= 2;
    nodes.push([Math.log2(size), start / size]);
    start += size;
  }
  return nodes;
}

/** MTH(D[start:end]) from the hashes of its perfect subtrees. */
export function rangeHash(start: number, end: number, nodes: ReadonlyMap<string, Hash>): Hash {
  if (start === end) return EMPTY_ROOT;
  const ids = rangeNodes(start, end);
  let hash = lookup(nodes, ids[ids.length - 1]!);
  for (let i = ids.length - 2; i >= 0; i--) hash = nodeHash(lookup(nodes, ids[i]!), hash);
  return hash;
}

function lookup(nodes: ReadonlyMap<string, Hash>, id: NodeId): Hash {
  const hash = nodes.get(nodeKey(id));
  if (!hash) throw new Error(`The tree has no node ${nodeKey(id)}.`);
  return hash;
}

export type Range = readonly [start: number, end: number];

/** The ranges whose hashes form the inclusion proof of `index` in a tree of `size` (RFC 6962 §2.1.1 PATH), leaf first. */
export function inclusionRanges(index: number, size: number): Range[] {
  if (!(index >= 0 && index < size)) throw new RangeError(`Entry ${index} is not in a tree of size ${size}.`);
  const path: Range[] = [];
  const walk = (m: number, start: number, end: number) => {
    const n = end - start;
    if (n <= 1) return;
    const k = split(n);
    if (m < k) {
      walk(m, start, start + k);
      path.push([start + k, end]);
    } else {
      walk(m - k, start + k, end);
      path.push([start, start + k]);
    }
  };
  walk(index, 0, size);
  return path;
}

/** The ranges whose hashes form the consistency proof from `oldSize` to `size` (RFC 6962 §2.1.2 PROOF). */
export function consistencyRanges(oldSize: number, size: number): Range[] {
  if (!(oldSize >= 0 && oldSize <= size)) throw new RangeError(`A tree of size ${oldSize} cannot grow into one of size ${size}.`);
  const proof: Range[] = [];
  if (oldSize === 0 || oldSize === size) return proof;
  const sub = (m: number, start: number, end: number, whole: boolean) => {
    const n = end - start;
    if (m === n) {
      if (!whole) proof.push([start, end]);
      return;
    }
    const k = split(n);
    if (m <= k) {
      sub(m, start, start + k, whole);
      proof.push([start + k, end]);
    } else {
      sub(m - k, start + k, end, false);
      proof.push([start, start + k]);
    }
  };
  sub(oldSize, 0, size, true);
  return proof;
}

/** Every perfect subtree the given ranges need, once each. */
export function nodesOf(ranges: readonly Range[]): NodeId[] {
  const seen = new Map<string, NodeId>();
  for (const [start, end] of ranges) for (const id of rangeNodes(start, end)) seen.set(nodeKey(id), id);
  return [...seen.values()];
}

const equal = (a: Hash, b: Hash) => a.length === b.length && a.every((byte, i) => byte === b[i]);

/** RFC 9162 §2.1.3.2: does `proof` lead from the leaf hash at `index` to `root` of a tree of `size`? */
export function verifyInclusion(index: number, size: number, leaf: Hash, proof: readonly Hash[], root: Hash): boolean {
  if (!(Number.isSafeInteger(index) && index >= 0 && index < size)) return false;
  let fn = index;
  let sn = size - 1;
  let r = leaf;
  for (const p of proof) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      r = nodeHash(p, r);
      while (fn % 2 === 0 && fn !== 0) {
        fn /= 2;
        sn = Math.floor(sn / 2);
      }
    } else {
      r = nodeHash(r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && equal(r, root);
}

/** RFC 9162 §2.1.4.2: does `proof` show the tree `(oldSize, oldRoot)` is a prefix of `(size, root)`? */
export function verifyConsistency(oldSize: number, size: number, oldRoot: Hash, root: Hash, proof: readonly Hash[]): boolean {
  if (!(Number.isSafeInteger(oldSize) && Number.isSafeInteger(size) && oldSize >= 0 && oldSize <= size)) return false;
  if (oldSize === 0) return proof.length === 0;
  if (oldSize === size) return proof.length === 0 && equal(oldRoot, root);
  const path = Number.isInteger(Math.log2(oldSize)) ? [oldRoot, ...proof] : [...proof];
  if (path.length === 0) return false;
  let fn = oldSize - 1;
  let sn = size - 1;
  while (fn % 2 === 1) {
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  let fr = path[0]!;
  let sr = path[0]!;
  for (const c of path.slice(1)) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      while (fn % 2 === 0 && fn !== 0) {
        fn /= 2;
        sn = Math.floor(sn / 2);
      }
    } else {
      sr = nodeHash(sr, c);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && equal(fr, oldRoot) && equal(sr, root);
}

/**
 * Every node of a tree built from `leaves`, for tests and for recomputing a log: a
 * perfect subtree's hash under its key.
 */
export function allNodes(leaves: readonly Hash[]): Map<string, Hash> {
  const nodes = new Map<string, Hash>();
  let level: Hash[] = [...leaves];
  for (let l = 0; level.length > 0; l++) {
    level.forEach((hash, i) => nodes.set(nodeKey([l, i]), hash));
    const up: Hash[] = [];
    for (let i = 0; i + 1 < level.length; i += 2) up.push(nodeHash(level[i]!, level[i + 1]!));
    level = up;
  }
  return nodes;
}

/**
 * The right edge of a tree — the perfect subtrees its size is made of, highest first —
 * which is all that appending needs: a new leaf completes subtrees only with these.
 * Also the state a monitor keeps of a log it recomputes.
 */
export class CompactRange {
  /** [level, hash], highest level first. */
  readonly edge: Array<[number, Hash]>;
  size: number;

  constructor(size = 0, edge: Array<[number, Hash]> = []) {
    this.size = size;
    this.edge = edge;
  }

  /** Appends a leaf hash; calls `completed` with each perfect subtree it completes, the leaf first. */
  append(leaf: Hash, completed?: (level: number, index: number, hash: Hash) => void): void {
    let hash = leaf;
    let level = 0;
    let index = this.size++;
    completed?.(level, index, hash);
    while (this.edge.length > 0 && this.edge[this.edge.length - 1]![0] === level) {
      hash = nodeHash(this.edge.pop()![1], hash);
      level++;
      index = Math.floor(index / 2);
      completed?.(level, index, hash);
    }
    this.edge.push([level, hash]);
  }

  root(): Hash {
    if (this.edge.length === 0) return EMPTY_ROOT;
    let hash = this.edge[this.edge.length - 1]![1];
    for (let i = this.edge.length - 2; i >= 0; i--) hash = nodeHash(this.edge[i]![1], hash);
    return hash;
  }
}
