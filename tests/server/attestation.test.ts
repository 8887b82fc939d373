import { createLocalJWKSet, decodeProtectedHeader, jwtVerify, type JWTPayload } from 'jose';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { createApp } from '../../server/app.ts';
import { Attestations } from '../../server/attest/attestations.ts';
import { jsonLogger, RequestLog } from '../../server/log.ts';
import { parseCheckpoint } from '../../server/log/checkpoint.ts';
import { leafHash, verifyInclusion } from '../../server/log/proof.ts';
import type { LogClaim } from '../../server/log/transparency-log.ts';
import { createTestCluster, describeEachDialect, startTestServer, testClock, type TestServer } from '../support/server.ts';

describeEachDialect('attestation route', (dialect) => {
  let server: TestServer;
  let clock: ReturnType<typeof testClock>;

  beforeEach(async () => {
    clock = testClock('2026-06-15T10:00:00Z');
    server = await startTestServer(dialect, { now: clock.now });
    await createTestCluster(server, 'alpha', { name: 'Alpha Cluster', sites: ['https://www.alpha.example', 'https://alpha.example'] });
  });
  afterEach(() => server.cleanup());

  async function fetchToken(id = 'alpha', headers: Record<string, string> = {}) {
    return server.app.request(`/v1/clusters/${id}/attestation`, { headers });
  }

  async function verified(response: Response) {
    const jwks = createLocalJWKSet((await (await server.app.request('/.well-known/jwks.json')).json()) as never);
    const token = await response.text();
    const { payload, protectedHeader } = await jwtVerify(token, jwks, {
      algorithms: ['ES256'],
      issuer: 'https://issuer.test',
      typ: 'cluster-label+jwt',
      currentDate: clock.now(),
    });
    return { token, payload: payload as JWTPayload & { label: Record<string, string>; cluster: { name: string; sites: string[] } }, protectedHeader };
  }

  it('signs the current valid label with the contract header, claims and headers', async () => {
    await server.registry.award('alpha', { level: 'silver', awarded: '2026-03-02' }, 'test');
    const response = await fetchToken();
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/cluster-label+jwt');
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    expect(response.headers.get('cross-origin-resource-policy')).toBe('cross-origin');
    expect(response.headers.get('cache-control')).toBe('public, max-age=300');
    expect(response.headers.get('cache-control')).not.toMatch(/stale/);
    const { payload, protectedHeader, token } = await verified(response);
    expect(protectedHeader).toEqual({ alg: 'ES256', typ: 'cluster-label+jwt', kid: server.keyring.currentKid });
    expect(Object.keys(decodeProtectedHeader(token)).sort()).toEqual(['alg', 'kid', 'typ']);
    const iat = Math.floor(clock.now().getTime() / 1000);
    expect(payload).toMatchObject({
      iss: 'https://issuer.test',
      sub: 'alpha',
      iat,
      nbf: iat,
      exp: iat + 600,
      label: { status: 'valid', level: 'silver', awarded: '2026-03-02', validUntil: '2028-03-31' },
      cluster: { name: 'Alpha Cluster', sites: ['https://www.alpha.example', 'https://alpha.example'] },
    });
    expect(payload.jti).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(response.headers.get('etag')).toBe(`"${payload.jti}"`);
  });

  it('answers 304 to a matching If-None-Match, with the same caching headers', async () => {
    const first = await fetchToken();
    const etag = first.headers.get('etag')!;
    const second = await fetchToken('alpha', { 'If-None-Match': etag });
    expect(second.status).toBe(304);
    expect(await second.text()).toBe('');
    expect(second.headers.get('etag')).toBe(etag);
    expect(second.headers.get('access-control-allow-origin')).toBe('*');
    expect((await fetchToken('alpha', { 'If-None-Match': '"other"' })).status).toBe(200);
  });

  it('signs `none` for a registered cluster without a label, with a one-minute cache', async () => {
    const response = await fetchToken();
    expect(response.headers.get('cache-control')).toBe('public, max-age=60');
    const { payload } = await verified(response);
    expect(payload.label).toEqual({ status: 'none' });
  });

  it('signs a revoked statement with the public reason and never the internal note', async () => {
    await server.registry.award('alpha', { level: 'gold', awarded: '2026-01-10' }, 'test');
    clock.advance(5);
    await server.registry.revoke('alpha', { reason: 'Benchmark evidence withdrawn.', note: 'SECRET internal remark' }, 'test');
    const response = await fetchToken();
    const body = await response.clone().text();
    const { payload } = await verified(response);
    expect(payload.label).toEqual({ status: 'revoked', level: 'gold', awarded: '2026-01-10', validUntil: '2028-01-31', revokedAt: '2026-06-15T10:00:05.000Z', reason: 'Benchmark evidence withdrawn.' });
    expect(Buffer.from(body.split('.')[1]!, 'base64url').toString()).not.toContain('SECRET');
    expect(response.headers.get('cache-control')).toBe('public, max-age=60');
  });

  it('signs expired for a label past its end and for a withdrawn one', async () => {
    await server.registry.award('alpha', { level: 'bronze', awarded: '2024-06-20' }, 'test');
    expect((await verified(await fetchToken())).payload.label.status).toBe('valid');
    clock.set('2026-07-01T00:00:00Z');
    expect((await verified(await fetchToken())).payload.label).toMatchObject({ status: 'expired', validUntil: '2026-06-30' });
    clock.set('2027-07-05T00:00:00Z');
    await server.registry.withdraw('alpha', 'test');
    expect((await verified(await fetchToken())).payload.label.status).toBe('expired');
  });

  it('never lets a valid token outlive the label, and caps the cache at exp', async () => {
    await server.registry.award('alpha', { level: 'bronze', awarded: '2024-06-20' }, 'test');
    clock.set('2026-06-30T23:58:00Z');
    const response = await fetchToken();
    const { payload } = await verified(response);
    expect(payload.exp).toBe(Date.parse('2026-07-01T00:00:00Z') / 1000);
    expect(response.headers.get('cache-control')).toBe('public, max-age=60');
  });

  it('serves the same token from memory while more than half its life is left, then re-signs', async () => {
    const first = await (await fetchToken()).text();
    clock.advance(299);
    const cached = await fetchToken();
    expect(await cached.text()).toBe(first);
    expect(cached.headers.get('cache-control')).toBe('public, max-age=60');
    clock.advance(2);
    expect(await (await fetchToken()).text()).not.toBe(first);
  });

  it("keeps a cluster's first token on probation, so a crawler's tokens never enter the cache proper", async () => {
    for (const id of ['beta', 'gamma', 'delta', 'epsilon']) await createTestCluster(server, id);
    const attestations = new Attestations(server.registry, server.keyring, {
      issuer: server.config.publicUrl,
      ttl: server.config.attestationTtl,
      now: clock.now,
      log: server.log,
      cache: { entries: 2, bytes: 1 << 20 },
      probation: { entries: 1, bytes: 1 << 20 },
    });
    const shown = await attestations.get('alpha');
    // Asked for again while waiting: the same token, now in the cache proper.
    expect((await attestations.get('alpha')).token).toBe(shown.token);
    // A crawler asks for every other id once: each token waits alone on probation, then goes.
    const crawled = [];
    for (const id of ['beta', 'gamma', 'delta']) crawled.push(await attestations.get(id));
    expect(attestations.cached('alpha')?.token).toBe(shown.token);
    expect(attestations.cached('beta')).toBeUndefined();
    expect(attestations.cached('delta')?.token).toBe(crawled[2]!.token);
    expect(attestations.cacheUse.entries).toBe(2);
    // Asked for again after its first token has gone: signed anew, and kept at once.
    const again = await attestations.get('beta');
    expect(again.token).not.toBe(crawled[0]!.token);
    // A newcomer pushes only the one waiting token out, not the kept ones.
    await attestations.get('epsilon');
    expect(attestations.cached('beta')?.token).toBe(again.token);
    expect(attestations.cached('delta')).toBeUndefined();
  });

  it('serves a change from the very next request on this instance', async () => {
    const before = await (await fetchToken()).text();
    await server.registry.award('alpha', { level: 'bronze' }, 'test');
    const after = await verified(await fetchToken());
    expect(after.token).not.toBe(before);
    expect(after.payload.label.status).toBe('valid');
  });

  it('states the newest label through an upgrade, a renewal and a revocation', async () => {
    await server.registry.award('alpha', { level: 'bronze', awarded: '2024-06-20' }, 'test');
    await server.registry.upgrade('alpha', { level: 'silver', awarded: '2026-06-01' }, 'test');
    expect((await verified(await fetchToken())).payload.label).toMatchObject({ status: 'valid', level: 'silver', awarded: '2026-06-01', validUntil: '2028-06-30' });
    clock.set('2028-07-10T00:00:00Z');
    await server.registry.renew('alpha', {}, 'test');
    expect((await verified(await fetchToken())).payload.label).toMatchObject({ status: 'valid', level: 'silver', validUntil: '2030-06-30' });
    await server.registry.revoke('alpha', { reason: 'Audit failed.', note: null }, 'test');
    expect((await verified(await fetchToken())).payload.label).toMatchObject({ status: 'revoked', level: 'silver', reason: 'Audit failed.' });
  });

  it('does not keep a token whose registry read a change overtook', async () => {
    // The change is heard while the signing waits for the registry (another instance's, on PostgreSQL).
    const signing = server.attestations.get('alpha');
    server.attestations.drop('alpha');
    const overtaken = await signing;
    const next = await server.attestations.get('alpha');
    expect(next.token).not.toBe(overtaken.token);
    expect(await server.attestations.get('alpha')).toBe(next);
  });

  it('answers 404 cluster_not_found in JSON with CORS for unknown and malformed ids', async () => {
    for (const id of ['nobody', 'UPPER', '..%2f..%2fetc', 'a'.repeat(80)]) {
      const response = await fetchToken(id);
      expect(response.status, id).toBe(404);
      expect(response.headers.get('access-control-allow-origin')).toBe('*');
      expect(response.headers.get('cross-origin-resource-policy')).toBe('cross-origin');
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe('cluster_not_found');
    }
  });

  it('proves every token in the log, whichever the tree size and wherever the entry sits in it', async () => {
    const ids = Array.from({ length: 13 }, (_, i) => `proof-${i}`);
    const check = async (id: string) => {
      const { payload } = await verified(await fetchToken(id));
      const { log } = payload as typeof payload & { log: LogClaim };
      const checkpoint = parseCheckpoint(`${log.checkpoint.split('\n\n')[0]!}\n`);
      expect(JSON.parse(log.entry)).toMatchObject({ cluster: { id } });
      const proof = log.proof.map((hash) => Buffer.from(hash, 'base64'));
      expect(verifyInclusion(log.index, checkpoint.size, leafHash(Buffer.from(log.entry)), proof, checkpoint.root), `${id} at ${log.index} of ${checkpoint.size}`).toBe(true);
      return checkpoint.size;
    };
    // Each new entry makes the tree one larger: proofs at many sizes, the newest entry at the right edge.
    const sizes = new Set<number>();
    for (const id of ids) {
      await createTestCluster(server, id);
      await server.registry.award(id, { level: 'gold', awarded: '2026-03-02' }, 'test');
      sizes.add(await check(id));
    }
    expect(sizes.size).toBe(ids.length);
    // Older entries, deep in the tree, signed anew under the newest checkpoint.
    server.attestations.clear();
    for (const id of ids) expect(await check(id)).toBe(Math.max(...sizes));
  });

  it('counts every answer in the request log by its route, a token from memory too, never by its path', async () => {
    const lines: string[] = [];
    const requestLog = new RequestLog(jsonLogger((line) => lines.push(line)));
    const app = createApp({ services: server, widget: server.widget, logger: jsonLogger(() => {}), requestLog });
    const first = await app.request('/v1/clusters/alpha/attestation');
    await app.request('/v1/clusters/alpha/attestation');
    expect((await app.request('/v1/clusters/alpha/attestation', { headers: { 'If-None-Match': first.headers.get('etag')! } })).status).toBe(304);
    requestLog.flush();
    const { routes } = JSON.parse(lines[0]!) as { routes: Array<{ method: string; route: string; status: number; count: number }> };
    expect(routes.map(({ method, route, status, count }) => ({ method, route, status, count })).sort((a, b) => a.status - b.status)).toEqual([
      { method: 'GET', route: '/v1/clusters/:id/attestation', status: 200, count: 2 },
      { method: 'GET', route: '/v1/clusters/:id/attestation', status: 304, count: 1 },
    ]);
    expect(lines.join('')).not.toContain('alpha');
  });

  it('answers a failure nobody foresaw with 500 internal_error that any site may read', async () => {
    // A fault inside the route's own code, not a refusal it knows.
    server.attestations.cached = () => {
      throw new TypeError('unforeseen');
    };
    const response = await fetchToken();
    expect(response.status).toBe(500);
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    expect(response.headers.get('cross-origin-resource-policy')).toBe('cross-origin');
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('internal_error');
  });

  it('keeps serving a signed token while the registry is down, then answers 503', async () => {
    const token = await (await fetchToken()).text();
    await server.database.close();
    clock.advance(400);
    const during = await fetchToken();
    expect(during.status).toBe(200);
    expect(await during.text()).toBe(token);
    clock.advance(201);
    const after = await fetchToken();
    expect(after.status).toBe(503);
    expect(after.headers.get('access-control-allow-origin')).toBe('*');
    expect(((await after.json()) as { error: { code: string } }).error.code).toBe('registry_unavailable');
    const health = await server.app.request('/healthz');
    expect(health.status).toBe(503);
  });
});
