import * as z from 'zod';
import { messageOf } from '../errors.ts';
import { parseCheckpoint } from './checkpoint.ts';
import { parseVkey, verifyNote } from './note.ts';
import { CompactRange, leafHash } from './proof.ts';
import { readEntryBundle, tileIndexPath, TILE_WIDTH } from './tiles.ts';

/** What a monitor remembers of a log: the last size and root it verified, and the tree's right edge to extend it. */
export interface WatchState {
  origin: string;
  size: number;
  root: string;
  edge: Array<[number, string]>;
}

export type WatchOutcome = { state: WatchState; entries: Array<{ index: number; subject: string; data: string }> } | { problem: string };

async function get(url: string): Promise<Response> {
  const response = await fetch(url, { signal: AbortSignal.timeout(15_000) });
  if (!response.ok) throw new Error(`${url} answered ${response.status}.`);
  return response;
}

/** What a watcher needs of `GET /v1/log`: the log's origin line and its verifier keys. */
const LogDescription = z.object({ origin: z.string(), verifierKeys: z.array(z.string()) });

/**
 * One round of watching an issuer's log: reads its checkpoint, checks the log's
 * signature, then fetches every entry added since `state` and recomputes the tree from
 * the remembered edge. The new root must be the checkpoint's: that shows the new tree
 * extends the old one (what a consistency proof shows) and that these entries are the
 * ones it committed to. A log that shrank, or whose root disagrees, is a `problem`.
 */
export async function watchRound(issuer: string, state: WatchState | undefined): Promise<WatchOutcome> {
  const described = LogDescription.safeParse(await (await get(`${issuer}/v1/log`)).json());
  if (!described.success) throw new Error(`${issuer}/v1/log does not describe a log.`);
  const info = described.data;
  if (state && state.origin !== info.origin) return { problem: `the log's origin changed from ${state.origin} to ${info.origin}` };
  const note = await (await get(`${issuer}/log/checkpoint`)).text();
  let checkpoint;
  try {
    checkpoint = parseCheckpoint(verifyNote(note, info.verifierKeys.map(parseVkey)).text);
  } catch (error) {
    return { problem: `the checkpoint does not verify under the log's keys: ${messageOf(error)}` };
  }
  if (checkpoint.origin !== info.origin) return { problem: `the checkpoint names the origin ${checkpoint.origin}` };
  const old = state?.size ?? 0;
  if (checkpoint.size < old) return { problem: `the log shrank from ${old} to ${checkpoint.size} entries` };
  const range = new CompactRange(old, (state?.edge ?? []).map(([level, hash]) => [level, Buffer.from(hash, 'base64')]));
  const entries: Array<{ index: number; subject: string; data: string }> = [];
  for (let bundle = Math.floor(old / TILE_WIDTH); bundle * TILE_WIDTH < checkpoint.size; bundle++) {
    const width = Math.min(TILE_WIDTH, checkpoint.size - bundle * TILE_WIDTH);
    const path = `${issuer}/log/tile/entries/${tileIndexPath(bundle)}${width < TILE_WIDTH ? `.p/${width}` : ''}`;
    const data = readEntryBundle(new Uint8Array(await (await get(path)).arrayBuffer()));
    if (data.length !== width) return { problem: `the entry bundle ${bundle} holds ${data.length} entries, not ${width}` };
    for (const [i, bytes] of data.entries()) {
      const index = bundle * TILE_WIDTH + i;
      if (index < old) continue;
      range.append(leafHash(bytes));
      const text = bytes.toString('utf8');
      const { cluster, key } = JSON.parse(text) as { cluster?: { id?: string }; key?: { kid?: string; keyId?: string } };
      entries.push({ index, subject: cluster?.id ?? `key:${key?.kid ?? key?.keyId ?? '?'}`, data: text });
    }
  }
  const root = Buffer.from(range.root()).toString('base64');
  if (root !== Buffer.from(checkpoint.root).toString('base64')) {
    return { problem: `the checkpoint of size ${checkpoint.size} is not consistent with the ${old} entries seen before: the log's history was rewritten` };
  }
  return { state: { origin: info.origin, size: checkpoint.size, root, edge: range.edge.map(([level, hash]) => [level, Buffer.from(hash).toString('base64')]) }, entries };
}
