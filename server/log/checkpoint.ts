import { HASH_SIZE, type Hash } from './proof.ts';
import { NoteError } from './note.ts';

/**
 * The body of a checkpoint (c2sp.org/tlog-checkpoint): the origin, the tree size in
 * decimal without leading zeroes, and the root hash in base64, each on its own line.
 * This log writes no extension lines.
 */
export interface Checkpoint {
  origin: string;
  size: number;
  root: Hash;
}

export function formatCheckpoint({ origin, size, root }: Checkpoint): string {
  return `${origin}\n${size}\n${Buffer.from(root).toString('base64')}\n`;
}

/** Reads a checkpoint's text (the note text, signatures removed); extension lines are allowed and ignored. */
export function parseCheckpoint(text: string): Checkpoint {
  const lines = text.split('\n');
  const [origin, size, root] = lines;
  const hash = root ? Buffer.from(root, 'base64') : Buffer.alloc(0);
  if (lines.length < 4 || lines[lines.length - 1] !== '' || !origin || !/^(0|[1-9][0-9]{0,15})$/.test(size ?? '') || hash.length !== HASH_SIZE || hash.toString('base64') !== root) {
    throw new NoteError('checkpoint_malformed', 'A checkpoint is an origin, a tree size and a base64 root hash, one per line.');
  }
  if (lines.slice(3, -1).some((line) => line === '')) throw new NoteError('checkpoint_malformed', 'A checkpoint has no empty extension lines.');
  const n = Number(size);
  if (!Number.isSafeInteger(n)) throw new NoteError('checkpoint_malformed', 'The tree size is too large.');
  return { origin, size: n, root: hash };
}
