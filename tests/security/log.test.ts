import { expect, test } from 'vitest';
import { makeTestLog } from '../support/log-claim.ts';
import { claims, makeKey, signToken, testLog, verdictFor } from './kit.ts';

/**
 * A `valid` statement is shown only when the issuer's public log records exactly it:
 * each way of breaking that link is refused with `ERR_LOG`, and negative statements
 * need no log at all.
 */

const key = await makeKey();
const jwks = { keys: [key.jwk] };
const genuine = (await testLog.claim(claims())) as { index: number; entry: string; checkpoint: string; proof: string[] };

async function refused(log: unknown) {
  const verdict = await verdictFor(await signToken(key, { log }), jwks);
  expect(verdict).toMatchObject({ state: 'invalid', code: 'ERR_LOG', claims: null });
}

test('a valid token with its log claim is valid, and says where the log records it', async () => {
  expect(await verdictFor(await signToken(key), jwks)).toMatchObject({ state: 'valid', log: { index: 1, size: 3 } });
});

test('a valid token without a log claim is refused', async () => {
  const verdict = await verdictFor(await signToken(key, { log: undefined }), jwks);
  expect(verdict).toMatchObject({ state: 'invalid', code: 'ERR_LOG' });
});

test('a forged inclusion proof is refused', async () => {
  await refused({ ...genuine, proof: [genuine.proof[1], genuine.proof[0]] });
  await refused({ ...genuine, proof: genuine.proof.slice(1) });
  await refused({ ...genuine, index: 0 });
  await refused({ ...genuine, proof: 'AAAA' });
});

test('a checkpoint signed by another key, even under the same name, is refused', async () => {
  const other = await makeTestLog(testLog.origin);
  const text = genuine.checkpoint.slice(0, genuine.checkpoint.lastIndexOf('\n\n') + 1);
  await refused({ ...genuine, checkpoint: await other.sign(text) });
  // The genuine signature over another root.
  await refused({ ...genuine, checkpoint: genuine.checkpoint.replace(/\n3\n/, '\n4\n') });
});

test('a token whose statement differs from its entry is refused', async () => {
  for (const patch of [{ label: { status: 'valid', level: 'gold', awarded: '2024-03-12', validUntil: '2026-03-31' } }, { label: { status: 'valid', level: 'silver', awarded: '2024-03-12', validUntil: '2027-03-31' } }, { cluster: { name: 'Nordlicht Photonics Cluster', sites: ['https://evil.example'] } }]) {
    // The genuine log claim of the default statement, under a token that states something else.
    const verdict = await verdictFor(await signToken(key, { ...patch, log: genuine }), jwks);
    expect(verdict.state === 'invalid' || verdict.state === 'mismatch').toBe(true);
    if (verdict.state === 'invalid') expect(verdict.code).toBe('ERR_LOG');
  }
  // An entry that records a revoked label does not support a valid token.
  const revokedEntry = genuine.entry.replace('"status":"valid"', '"status":"revoked"');
  await refused({ ...genuine, entry: revokedEntry });
});

test('a negative statement needs no log and is shown as before', async () => {
  const verdict = await verdictFor(await signToken(key, { label: { status: 'revoked', level: 'silver', awarded: '2024-03-12', validUntil: '2026-03-31', revokedAt: '2025-06-01T00:00:00Z', reason: 'Audit failed' } }), jwks);
  expect(verdict.state).toBe('revoked');
});
