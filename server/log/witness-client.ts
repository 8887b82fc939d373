import { messageOf } from '../errors.ts';
import { formatNote, parseNote, parseVkey, verifyNote, type Verifier } from './note.ts';
import type { Hash } from './proof.ts';

/** A witness the log asks to cosign its checkpoints: its cosigning key and its submission prefix. */
export interface WitnessConfig {
  vkey: string;
  url: string;
  verifier: Verifier;
}

/**
 * Reads `LOG_WITNESSES`: comma-separated pairs `<vkey> <submission URL>`, e.g.
 * `witness.example/w1+1a2b3c4d+BAf… https://witness.example/w1`.
 */
export function parseWitnesses(value: string | undefined): WitnessConfig[] {
  if (!value?.trim()) return [];
  return value.split(',').map((pair) => {
    const [vkey, url, ...rest] = pair.trim().split(/\s+/);
    if (!vkey || !url || rest.length > 0 || !/^https?:\/\//.test(url)) throw new Error(`LOG_WITNESSES: "${pair.trim()}" is not "<vkey> <https URL>".`);
    const verifier = parseVkey(vkey);
    if (verifier.type !== 0x04) throw new Error(`LOG_WITNESSES: ${verifier.name} is not a cosignature key (type 4).`);
    return { vkey, url: url.replace(/\/+$/, ''), verifier };
  });
}

export type ProofFrom = (oldSize: number) => Promise<Hash[]>;

const WITNESS_TIMEOUT = 5000;

/**
 * Asks one witness to cosign (c2sp.org/tlog-witness `add-checkpoint`), starting from
 * the size it is believed to hold; when it answers 409 with the size it really holds,
 * asks once more from there. Returns its verified cosignature lines and the size it
 * now holds, or why it did not cosign.
 */
export async function askWitness(
  witness: WitnessConfig,
  note: string,
  text: string,
  size: number,
  believedSize: number,
  proofFrom: ProofFrom,
): Promise<{ lines: string[]; size: number } | { refused: string }> {
  let old = believedSize;
  for (let attempt = 0; attempt < 2; attempt++) {
    const proof = old === 0 || old > size ? [] : await proofFrom(old);
    const body = `old ${old}\n${proof.map((hash) => `${Buffer.from(hash).toString('base64')}\n`).join('')}\n${note}`;
    let response: Response;
    try {
      response = await fetch(`${witness.url}/add-checkpoint`, { method: 'POST', body, signal: AbortSignal.timeout(WITNESS_TIMEOUT) });
    } catch (error) {
      return { refused: `unreachable: ${messageOf(error)}` };
    }
    const answer = await response.text();
    if (response.status === 409 && attempt === 0) {
      const held = /^(0|[1-9][0-9]*)\n$/.exec(answer);
      if (!held || Number(held[1]) > size) return { refused: `it holds a larger or unreadable size (${answer.trim()})` };
      old = Number(held[1]);
      continue;
    }
    if (response.status !== 200) return { refused: `HTTP ${response.status}: ${answer.trim().slice(0, 200)}` };
    const lines = answer.split('\n').filter((line) => line !== '');
    try {
      verifyNote(formatNote(text, lines), [witness.verifier]);
    } catch (error) {
      return { refused: `its answer does not verify: ${messageOf(error)}` };
    }
    // Only this witness's own signatures: anything else in its answer is not its to add.
    const own = parseNote(formatNote(text, lines)).signatures.filter((s) => s.name === witness.verifier.name && s.keyId === witness.verifier.keyId);
    return { lines: own.map((s) => s.line), size };
  }
  return { refused: 'it answered 409 twice' };
}
