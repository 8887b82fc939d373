import { decodeJwt } from 'jose';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { parseCheckpoint } from '../../server/log/checkpoint.ts';
import { parseVkey, verifyNote } from '../../server/log/note.ts';
import { leafHash, verifyInclusion } from '../../server/log/proof.ts';
import { readEntryBundle } from '../../server/log/tiles.ts';
import type { LogClaim } from '../../server/log/transparency-log.ts';
import { createTestCluster, describeEachDialect, startTestServer, testClock, type TestServer } from '../support/server.ts';

describeEachDialect('transparency log', (dialect) => {
  let server: TestServer;
  let clock: ReturnType<typeof testClock>;

  beforeEach(async () => {
    clock = testClock('2026-06-15T10:00:00Z');
    server = await startTestServer(dialect, { now: clock.now });
  });
  afterEach(() => server.cleanup());

  const entries = async () => (await server.database.db.selectFrom('log_entries').selectAll().orderBy('idx').execute()).map((row) => ({ subject: row.subject, entry: JSON.parse(row.data) as Record<string, unknown> }));
  const logInfo = async () => (await (await server.app.request('/v1/log')).json()) as { origin: string; verifierKey: string; witnesses: unknown[] };

  it('records each public change as the cluster’s resulting state, anchored to its audit entry, and nothing private', async () => {
    await createTestCluster(server, 'alpha', { name: 'Alpha Cluster', sites: ['https://alpha.example'] });
    await server.registry.award('alpha', { level: 'silver', awarded: '2026-03-02' }, 'test');
    await server.registry.revoke('alpha', { reason: 'Audit failed', note: 'internal: spoke to the director' }, 'test');
    const clusterEntries = (await entries()).filter((e) => e.subject === 'alpha');
    expect(clusterEntries.map((e) => e.entry.change)).toEqual(['cluster.create', 'label.award', 'label.revoke']);
    expect(clusterEntries[1]!.entry).toMatchObject({
      v: 1,
      type: 'cluster',
      cluster: { id: 'alpha', name: 'Alpha Cluster', sites: ['https://alpha.example'] },
      label: { level: 'silver', awarded: '2026-03-02', validUntil: '2028-03-31', status: 'valid' },
    });
    expect(clusterEntries[2]!.entry.label).toEqual({ level: 'silver', awarded: '2026-03-02', validUntil: '2028-03-31', status: 'revoked', revokedAt: '2026-06-15T10:00:00.000Z', reason: 'Audit failed' });
    const raw = (await server.database.db.selectFrom('log_entries').select('data').execute()).map((r) => r.data).join('\n');
    expect(raw).not.toContain('office@alpha.example');
    expect(raw).not.toContain('internal: spoke');
    const head = (await server.registry.auditHead())!;
    expect(clusterEntries[2]!.entry.audit).toEqual({ seq: head.seq, hash: head.hash });
    // The log key and the first signing key are in the log too.
    expect((await entries()).filter((e) => e.entry.type === 'key').map((e) => (e.entry.key as { use: string }).use).sort()).toEqual(['attestation', 'log']);
  });

  it('puts in every attestation the entry, a checkpoint signed by the log key and a proof that leads to its root', async () => {
    await createTestCluster(server, 'alpha');
    await server.registry.award('alpha', { level: 'gold', awarded: '2026-03-02' }, 'test');
    const token = await (await server.app.request('/v1/clusters/alpha/attestation')).text();
    const claims = decodeJwt(token) as { label: Record<string, string>; cluster: { name: string; sites: string[] }; log: LogClaim };
    const entry = JSON.parse(claims.log.entry) as { cluster: unknown; label: Record<string, string> };
    expect(entry.cluster).toEqual({ id: 'alpha', name: claims.cluster.name, sites: claims.cluster.sites });
    expect(entry.label).toMatchObject({ level: claims.label.level, awarded: claims.label.awarded, validUntil: claims.label.validUntil, status: 'valid' });
    const { origin, verifierKey } = await logInfo();
    expect(origin).toBe('issuer.test/log');
    const { text } = verifyNote(claims.log.checkpoint, [parseVkey(verifierKey)]);
    const checkpoint = parseCheckpoint(text);
    expect(checkpoint.origin).toBe(origin);
    const proof = claims.log.proof.map((h) => Buffer.from(h, 'base64'));
    expect(verifyInclusion(claims.log.index, checkpoint.size, leafHash(Buffer.from(claims.log.entry)), proof, checkpoint.root)).toBe(true);
    // The same entry under another statement does not lead to the root.
    const forged = claims.log.entry.replace('"gold"', '"silver"');
    expect(verifyInclusion(claims.log.index, checkpoint.size, leafHash(Buffer.from(forged)), proof, checkpoint.root)).toBe(false);
  });

  it('proves every entry of one checkpoint, the right edge hashed once and reused by the next proofs', async () => {
    // 13 entries: a tree whose right edge is no perfect subtree, so proofs reuse its hashes.
    for (let i = 0; i < 13; i++) await createTestCluster(server, `edge-${i}`);
    await server.log.publish();
    const verifier = [parseVkey((await logInfo()).verifierKey)];
    const sizes = new Set<number>();
    for (const round of [1, 2]) {
      for (let i = 0; i < 13; i++) {
        server.attestations.clear();
        const claims = decodeJwt(await (await server.app.request(`/v1/clusters/edge-${i}/attestation`)).text()) as { log: LogClaim };
        const checkpoint = parseCheckpoint(verifyNote(claims.log.checkpoint, verifier).text);
        sizes.add(checkpoint.size);
        const proof = claims.log.proof.map((h) => Buffer.from(h, 'base64'));
        expect(verifyInclusion(claims.log.index, checkpoint.size, leafHash(Buffer.from(claims.log.entry)), proof, checkpoint.root), `edge-${i}, round ${round}`).toBe(true);
      }
    }
    expect(sizes.size).toBe(1);
  });

  it('serves the checkpoint and tiles per tlog-tiles: CORS, short-lived checkpoint, immutable tiles that hash to the root', async () => {
    for (let i = 0; i < 5; i++) await createTestCluster(server, `c${i}`);
    await server.log.publish();
    const response = await server.app.request('/log/checkpoint');
    expect(response.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    expect(response.headers.get('cache-control')).toBe('public, max-age=2');
    const { text } = verifyNote(await response.text(), [parseVkey((await logInfo()).verifierKey)]);
    const { size } = parseCheckpoint(text);
    const tile = await server.app.request(`/log/tile/0/000.p/${size}`);
    expect(tile.status).toBe(200);
    expect(tile.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    const hashes = Buffer.from(await tile.arrayBuffer());
    expect(hashes.length).toBe(32 * size);
    const bundle = readEntryBundle(Buffer.from(await (await server.app.request(`/log/tile/entries/000.p/${size}`)).arrayBuffer()));
    expect(bundle).toHaveLength(size);
    bundle.forEach((entry, i) => expect(Buffer.from(leafHash(entry))).toEqual(hashes.subarray(32 * i, 32 * i + 32)));
    // Beyond the published checkpoint, and in other spellings: 404 with a code.
    for (const path of [`/log/tile/0/000.p/${size + 1}`, '/log/tile/0/000', '/log/tile/0/x000/000.p/1', '/log/tile/0/000.p/1/x']) {
      const missing = await server.app.request(path);
      expect(missing.status).toBe(404);
      expect(missing.headers.get('access-control-allow-origin')).toBe('*');
      expect(((await missing.json()) as { error: { code: string } }).error.code).toMatch(/not_found/);
    }
  });

  it('records one entry per cluster an import touched', async () => {
    const { importRegister } = await import('../../server/import/register-import.ts');
    const csv = 'Name,www,Label valid until,Level,Country\nImported One,https://one.example,2027-05-31,silver,DE\nImported Two,https://two.example,,,FR\n';
    const report = await importRegister(server.database, server.keyring, csv, { actor: 'test', defaultCountry: 'DE', defaultLevel: 'bronze', scheme: server.registry.scheme, now: clock.now() });
    expect(report.applied).toBe(true);
    const imported = (await entries()).filter((e) => e.entry.change === 'register.import');
    expect(imported.map((e) => e.subject).sort()).toEqual([...report.created].sort());
  });

  it('rotates the log key: audited, logged, and later checkpoints signed by the new key only', async () => {
    const before = (await logInfo()).verifierKey;
    const { vkey } = await server.log.rotate('test');
    expect(vkey).not.toBe(before);
    expect((await server.registry.audit({ action: 'log-key.create' })).length).toBe(2);
    expect((await server.registry.audit({ action: 'log-key.retire' })).length).toBe(1);
    await createTestCluster(server, 'after-rotation');
    const { note } = await server.log.publish();
    expect(() => verifyNote(note, [parseVkey(before)])).toThrow(expect.objectContaining({ code: 'note_unverified' }));
    expect(verifyNote(note, [parseVkey(vkey)]).verifiedBy).toHaveLength(1);
  });

  it('two instances on one registry publish one log: a change made on one is proven by the other within one request', async () => {
    const other = await startTestServer(dialect, { now: clock.now, shareWith: server });
    try {
      await createTestCluster(server, 'alpha');
      await server.registry.award('alpha', { level: 'silver', awarded: '2026-03-02' }, 'test');
      await server.log.publish();
      await server.registry.revoke('alpha', { reason: 'Audit failed', note: null }, 'test');
      // The other instance signs a token whose proof covers the revocation: it publishes the checkpoint itself.
      const claim = (await other.log.claim('alpha'))!;
      expect(JSON.parse(claim.entry)).toMatchObject({ change: 'label.revoke', label: { status: 'revoked' } });
      expect((await server.log.latest())!.note).toBe(claim.checkpoint);
      expect(verifyInclusion(claim.index, parseCheckpoint(claim.checkpoint.split('\n\n')[0]! + '\n').size, leafHash(Buffer.from(claim.entry)), claim.proof.map((h) => Buffer.from(h, 'base64')), parseCheckpoint(claim.checkpoint.split('\n\n')[0]! + '\n').root)).toBe(true);
    } finally {
      await other.cleanup();
    }
  });
});
