import { serve, type ServerType } from '@hono/node-server';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { formatCheckpoint } from '../../server/log/checkpoint.ts';
import { ed25519Cosigner, type Cosigner } from '../../server/log/cosignature.ts';
import { ed25519Signer, formatNote, parseVkey, verifyNote, type NoteSigner } from '../../server/log/note.ts';
import { allNodes, consistencyRanges, leafHash, rangeHash } from '../../server/log/proof.ts';
import { witnessApp } from '../../server/log/witness.ts';
import { createTestCluster, dialects, startTestServer, type TestServer } from '../support/server.ts';

const ORIGIN = 'issuer.example/log';

/** A log in memory: its checkpoint of the first `size` entries, and consistency proofs. */
function memoryLog(signer: NoteSigner, entries: string[]) {
  const nodes = allNodes(entries.map((e) => leafHash(Buffer.from(e))));
  const text = (size: number) => formatCheckpoint({ origin: signer.name, size, root: rangeHash(0, size, nodes) });
  return {
    checkpoint: (size: number) => formatNote(text(size), [signer.signatureLine(text(size))]),
    proof: (old: number, size: number) => consistencyRanges(old, size).map(([a, b]) => Buffer.from(rangeHash(a, b, nodes)).toString('base64')),
  };
}

describe('witness (tlog-witness add-checkpoint)', () => {
  let dir: string;
  let cosigner: Cosigner;
  let logKey: NoteSigner;
  let witness: ReturnType<typeof witnessApp>;
  const entries = Array.from({ length: 20 }, (_, i) => `entry ${i}`);

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'witness-'));
    cosigner = ed25519Cosigner('witness.example/w1', generateKeyPairSync('ed25519').privateKey);
    logKey = ed25519Signer(ORIGIN, generateKeyPairSync('ed25519').privateKey);
    witness = witnessApp({ cosigner, logs: [parseVkey(logKey.vkey)], stateFile: join(dir, 'state.json') });
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const add = (old: number, proof: string[], note: string) => witness.request('/add-checkpoint', { method: 'POST', body: `old ${old}\n${proof.map((p) => `${p}\n`).join('')}\n${note}` });

  it('cosigns a consistent series, and remembers it across a restart', async () => {
    const log = memoryLog(logKey, entries);
    const first = await add(0, [], log.checkpoint(5));
    expect(first.status).toBe(200);
    const line = (await first.text()).trim();
    expect(verifyNote(formatNote(log.checkpoint(5).split('\n\n')[0]! + '\n', [line]), [parseVkey(cosigner.vkey)]).verifiedBy).toHaveLength(1);
    expect((await add(5, log.proof(5, 12), log.checkpoint(12))).status).toBe(200);
    const restarted = witnessApp({ cosigner, logs: [parseVkey(logKey.vkey)], stateFile: join(dir, 'state.json') });
    const stale = await restarted.request('/add-checkpoint', { method: 'POST', body: `old 5\n\n${log.checkpoint(12)}` });
    expect(stale.status).toBe(409);
    expect(stale.headers.get('content-type')).toBe('text/x.tlog.size');
    expect(await stale.text()).toBe('12\n');
  });

  it('refuses a checkpoint inconsistent with the last one it cosigned', async () => {
    const log = memoryLog(logKey, entries);
    expect((await add(0, [], log.checkpoint(8))).status).toBe(200);
    // The same log key, a history in which entry 3 was rewritten.
    const forked = memoryLog(logKey, entries.map((e, i) => (i === 3 ? 'rewritten' : e)));
    expect((await add(8, forked.proof(8, 13), forked.checkpoint(13))).status).toBe(422);
    // Nor the same size with another root, nor a proof that is not one.
    expect((await add(8, [], forked.checkpoint(8))).status).toBe(422);
    expect((await add(8, log.proof(8, 12), log.checkpoint(13))).status).toBe(422);
    // Still at 8: the genuine continuation is cosigned.
    expect((await add(8, log.proof(8, 13), log.checkpoint(13))).status).toBe(200);
  });

  it('refuses unknown logs (404), other keys (403), a larger old size (400) and malformed bodies (400)', async () => {
    const log = memoryLog(logKey, entries);
    const stranger = memoryLog(ed25519Signer('other.example/log', generateKeyPairSync('ed25519').privateKey), entries);
    expect((await add(0, [], stranger.checkpoint(3))).status).toBe(404);
    const impostor = memoryLog(ed25519Signer(ORIGIN, generateKeyPairSync('ed25519').privateKey), entries);
    expect((await add(0, [], impostor.checkpoint(3))).status).toBe(403);
    expect((await add(4, [], log.checkpoint(3))).status).toBe(400);
    expect((await witness.request('/add-checkpoint', { method: 'POST', body: 'hello' })).status).toBe(400);
  });
});

describe.each(dialects)('the issuer asks its witness [%s]', (dialect) => {
  let first: TestServer;
  let server: TestServer;
  let http: ServerType;
  let cosigner: Cosigner;
  let dir: string;

  beforeEach(async () => {
    first = await startTestServer(dialect);
    const { current } = await first.log.verifierKeys();
    dir = mkdtempSync(join(tmpdir(), 'witness-'));
    cosigner = ed25519Cosigner('witness.example/w1', generateKeyPairSync('ed25519').privateKey);
    http = serve({ fetch: witnessApp({ cosigner, logs: [parseVkey(current!)], stateFile: join(dir, 'state.json') }).fetch, port: 0, hostname: '127.0.0.1' });
    await new Promise((resolve) => http.once('listening', resolve));
    const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
    // A second instance on the same registry, configured with the witness.
    server = await startTestServer(dialect, { shareWith: first, env: { LOG_WITNESSES: `${cosigner.vkey} ${url}` } });
  });
  afterEach(async () => {
    await new Promise((resolve) => http.close(resolve));
    await server.cleanup();
    await first.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  it('publishes checkpoints with the cosignature, growing, and lists the witness in /v1/log', async () => {
    const witnessKey = parseVkey(cosigner.vkey);
    for (const id of ['alpha', 'beta']) {
      await createTestCluster(server, id);
      const { note } = await server.log.publish();
      expect(verifyNote(note, [witnessKey]).verifiedBy).toEqual([witnessKey]);
    }
    const described = (await (await server.app.request('/v1/log')).json()) as { witnesses: Array<{ name: string; verifierKey: string }> };
    expect(described.witnesses).toEqual([{ name: 'witness.example/w1', verifierKey: cosigner.vkey }]);
  });
});
