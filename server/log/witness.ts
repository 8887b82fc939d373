import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { Hono } from 'hono';
import { messageOf } from '../errors.ts';
import { parseCheckpoint } from './checkpoint.ts';
import type { Cosigner } from './cosignature.ts';
import { NoteError, parseNote, verifyNote, type Verifier } from './note.ts';
import { EMPTY_ROOT, verifyConsistency } from './proof.ts';

/** What a witness remembers per log (by origin): the last checkpoint it cosigned. */
type WitnessState = Record<string, { size: number; root: string }>;

export interface WitnessOptions {
  cosigner: Cosigner;
  /** The logs it witnesses: their checkpoint keys (vkeys of type 1), by origin = key name. */
  logs: Verifier[];
  /** A JSON file holding the state; written whole and renamed into place before each answer. */
  stateFile: string;
  now?: () => Date;
}

const MAX_BODY = 64 * 1024;

/**
 * A witness (c2sp.org/tlog-witness): `POST /add-checkpoint` cosigns a checkpoint of a
 * known log only if it is consistent with the last one it cosigned for that log, and
 * remembers it before answering. Requests are handled one at a time, so the check and
 * the update cannot interleave.
 */
export function witnessApp({ cosigner, logs, stateFile, now = () => new Date() }: WitnessOptions) {
  let state: WitnessState = existsSync(stateFile) ? (JSON.parse(readFileSync(stateFile, 'utf8')) as WitnessState) : {};
  let queue: Promise<unknown> = Promise.resolve();
  const app = new Hono();
  const text = (body: string, status: 200 | 400 | 403 | 404 | 409 | 413 | 422, type = 'text/plain; charset=utf-8') => new Response(body, { status, headers: { 'Content-Type': type } });

  const addCheckpoint = (body: string): Response => {
    const split = body.indexOf('\n\n');
    const head = /^old (0|[1-9][0-9]*)\n((?:[A-Za-z0-9+/]{43}=\n){0,63})$/.exec(body.slice(0, split + 1));
    if (split < 0 || !head) return text('The body is "old <size>", up to 63 proof lines, a blank line and a checkpoint.\n', 400);
    const old = Number(head[1]);
    const proof = head[2]!.split('\n').filter(Boolean).map((line) => Buffer.from(line, 'base64'));
    const note = body.slice(split + 2);
    let checkpoint;
    try {
      const origin = parseNote(note).text.split('\n')[0]!;
      const trusted = logs.filter((log) => log.name === origin);
      if (trusted.length === 0) return text(`Unknown log ${origin}.\n`, 404);
      checkpoint = parseCheckpoint(verifyNote(note, trusted).text);
    } catch (error) {
      const code = error instanceof NoteError ? error.code : undefined;
      return text(`${messageOf(error)}\n`, code === 'note_unverified' || code === 'note_signature_invalid' ? 403 : 400);
    }
    if (old > checkpoint.size) return text('The old size is larger than the checkpoint.\n', 400);
    const known = state[checkpoint.origin];
    if ((known?.size ?? 0) !== old) return text(`${known?.size ?? 0}\n`, 409, 'text/x.tlog.size');
    const root = Buffer.from(checkpoint.root);
    const consistent =
      checkpoint.size === 0
        ? root.equals(EMPTY_ROOT)
        : old === 0
          ? proof.length === 0
          : verifyConsistency(old, checkpoint.size, Buffer.from(known!.root, 'base64'), root, proof);
    if (!consistent) return text('The checkpoint is not consistent with the last one cosigned for this log.\n', 422);
    state = { ...state, [checkpoint.origin]: { size: checkpoint.size, root: root.toString('base64') } };
    writeFileSync(`${stateFile}.tmp`, JSON.stringify(state));
    renameSync(`${stateFile}.tmp`, stateFile);
    const checkpointText = note.slice(0, note.lastIndexOf('\n\n') + 1);
    return text(`${cosigner.cosign(checkpointText, now())}\n`, 200);
  };

  app.post('/add-checkpoint', async (c) => {
    const body = await c.req.text();
    if (body.length > MAX_BODY) return text('The request is too large.\n', 413);
    const answer = queue.then(() => addCheckpoint(body));
    queue = answer.catch(() => {});
    return answer;
  });
  app.get('/', (c) => c.text(`${cosigner.vkey}\n`));
  return app;
}
