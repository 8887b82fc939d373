import { readFileSync } from 'node:fs';
import { compactVerify, decodeProtectedHeader, importJWK, type JWK } from 'jose';
import * as z from 'zod';
import { AUDIT_HEAD_TYP, verifyChain } from '../audit/log.ts';
import { fail, messageOf } from '../errors.ts';
import type { Command } from './command.ts';

/** Exit code of a chain that does not hold (1 is for errors). */
const EXIT_BROKEN = 2;

interface SavedHead {
  seq: number;
  hash: string;
}

const headError = (file: string, why: string) => fail('invalid_head', { file, why });

/** What a saved head holds: other fields (`at`) are passed over. */
const SavedHeadFile = z.object({ seq: z.int(), hash: z.string(), signature: z.string() });

/**
 * A head saved from GET /v1/audit/head. Its signature is checked with the
 * registry's keys, so a hand-edited file cannot vouch for a rewritten chain.
 */
async function readHead(file: string, keys: Map<string, JWK>): Promise<SavedHead> {
  let text: unknown;
  try {
    text = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw headError(file, `cannot be read as JSON: ${messageOf(error)}`);
  }
  const saved = SavedHeadFile.safeParse(text);
  if (!saved.success) throw headError(file, 'is not a head saved from /v1/audit/head (it needs seq, hash and signature).');
  const { seq, hash, signature } = saved.data;
  try {
    const { kid, typ } = decodeProtectedHeader(signature);
    const jwk = kid === undefined ? undefined : keys.get(kid);
    if (!jwk || typ !== AUDIT_HEAD_TYP) throw new Error('unknown key or type');
    const { payload } = await compactVerify(signature, await importJWK(jwk, 'ES256'), { algorithms: ['ES256'] });
    const signed = JSON.parse(new TextDecoder().decode(payload)) as Record<string, unknown>;
    if (signed.seq !== seq || signed.hash !== hash) throw new Error('other content');
  } catch {
    throw headError(file, 'is not signed by this registry’s keys for the seq and hash it names.');
  }
  return { seq, hash };
}

export const auditVerifyCommand: Command = {
  name: 'audit verify',
  summary: 'verify the whole audit chain, optionally against a head saved earlier',
  options: { head: { type: 'string', value: 'file', description: 'JSON saved earlier from GET /v1/audit/head; the chain must still contain it' } },
  details: `Recomputes every entry's hash and checks every signature. Exit code 0 when the chain holds, ${EXIT_BROKEN} when it does not (naming the first broken entry), 1 on any other error.`,
  async run(cli, _args, options) {
    const { database, keyring } = cli.services;
    const keys = keyring.allPublicKeys();
    const head = typeof options.head === 'string' ? await readHead(options.head, keys) : undefined;
    const report = await verifyChain(database.db, keys, head);
    if (!report.ok) {
      cli.out(`The audit chain is broken at entry ${report.brokenAt!.seq}: ${report.brokenAt!.reason}.`);
      return EXIT_BROKEN;
    }
    cli.out(`The audit chain holds: ${report.entries} entries${head ? `, including the saved head ${head.seq}` : ''}.`);
  },
};
