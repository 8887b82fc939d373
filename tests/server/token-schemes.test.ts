import { createPublicKey } from 'node:crypto';
import jsonwebtoken from 'jsonwebtoken';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { parseScheme } from '../../server/domain/schemes.ts';
import { kompass } from '../support/schemes.ts';
import { createTestCluster, describeEachDialect, startTestServer, testClock, type TestServer } from '../support/server.ts';

interface Claims {
  sub: string;
  iat: number;
  exp: number;
  label: Record<string, string>;
  labels: Array<Record<string, string>>;
}

describeEachDialect('the token’s labels, one per scheme', (dialect) => {
  let server: TestServer;
  let clock: ReturnType<typeof testClock>;

  beforeEach(async () => {
    clock = testClock('2026-06-15T10:00:00Z');
    server = await startTestServer(dialect, { now: clock.now });
    await server.registry.schemes.put(parseScheme(kompass), 'test');
    for (const id of ['alpha', 'beta', 'gamma']) await createTestCluster(server, id);
  });
  afterEach(() => server.cleanup());

  /** The token, verified by jsonwebtoken: a library that shares nothing with the issuer's jose. */
  async function claimsOf(id: string): Promise<Claims> {
    const response = await server.app.request(`/v1/clusters/${id}/attestation`);
    expect(response.status).toBe(200);
    const token = await response.text();
    const { keys } = (await (await server.app.request('/.well-known/jwks.json')).json()) as { keys: Array<{ kid: string }> };
    const jwk = keys.find((k) => k.kid === server.keyring.currentKid)!;
    const pem = createPublicKey({ key: jwk as never, format: 'jwk' }).export({ type: 'spki', format: 'pem' }).toString();
    const claims = jsonwebtoken.verify(token, pem, { algorithms: ['ES256'], issuer: 'https://issuer.test', subject: id, clockTimestamp: Math.floor(clock.now().getTime() / 1000) });
    return claims as unknown as Claims;
  }

  it('states every scheme’s current label beside the ECEI label, which stays as it was', async () => {
    await server.registry.award('alpha', { level: 'silver', awarded: '2026-03-02' }, 'test');
    await server.registry.award('alpha', { scheme: 'kompass', level: 'member', awarded: '2026-05-10' }, 'test');
    await server.registry.award('beta', { scheme: 'kompass', level: 'member', awarded: '2026-01-20' }, 'test');

    const alpha = await claimsOf('alpha');
    expect(alpha.label).toEqual({ status: 'valid', level: 'silver', awarded: '2026-03-02', validUntil: '2028-03-31' });
    expect(alpha.labels).toEqual([
      { scheme: 'ecei', ...alpha.label },
      { scheme: 'kompass', status: 'valid', level: 'member', awarded: '2026-05-10', validUntil: '2029-05-31' },
    ]);
    const beta = await claimsOf('beta');
    expect(beta.label).toEqual({ status: 'none' });
    expect(beta.labels).toEqual([{ scheme: 'kompass', status: 'valid', level: 'member', awarded: '2026-01-20', validUntil: '2029-01-31' }]);
    expect((await claimsOf('gamma')).labels).toEqual([]);
  });

  it('says revoked with the public reason, reads withdrawn as expired, and ends with the first valid label of any scheme', async () => {
    await server.registry.award('alpha', { level: 'gold', awarded: '2026-06-01' }, 'test');
    // A membership that ends tonight bounds the token, though the ECEI label holds for years.
    await server.registry.award('alpha', { scheme: 'kompass', level: 'member', awarded: '2023-06-01', validUntil: '2026-06-15' }, 'test');
    clock.set('2026-06-15T23:55:00Z');
    const soon = await claimsOf('alpha');
    expect(soon.exp).toBe(Math.floor(Date.parse('2026-06-16T00:00:00Z') / 1000));
    expect(soon.exp - soon.iat).toBe(300);

    await server.registry.revoke('alpha', { scheme: 'kompass', reason: 'Left the network.', note: 'internal only' }, 'test');
    const revoked = await claimsOf('alpha');
    expect(revoked.labels[1]).toEqual({ scheme: 'kompass', status: 'revoked', level: 'member', awarded: '2023-06-01', validUntil: '2026-06-15', revokedAt: '2026-06-15T23:55:00.000Z', reason: 'Left the network.' });
    expect(JSON.stringify(revoked)).not.toContain('internal only');
    expect(revoked.exp - revoked.iat).toBe(600);

    await server.registry.award('beta', { scheme: 'kompass', level: 'member', awarded: '2023-01-01', validUntil: '2026-01-31' }, 'test');
    await server.registry.withdraw('beta', 'test', undefined, { scheme: 'kompass' });
    expect((await claimsOf('beta')).labels).toEqual([{ scheme: 'kompass', status: 'expired', level: 'member', awarded: '2023-01-01', validUntil: '2026-01-31' }]);
  });

  it('logs every scheme’s label with the cluster’s state, the registry’s statuses kept', async () => {
    await server.registry.award('alpha', { level: 'bronze', awarded: '2026-06-01' }, 'test');
    await server.registry.award('alpha', { scheme: 'kompass', level: 'member', awarded: '2023-01-01', validUntil: '2026-01-31' }, 'test');
    await server.registry.withdraw('alpha', 'test', undefined, { scheme: 'kompass' });
    const last = await server.database.db.selectFrom('log_entries').select('data').where('subject', '=', 'alpha').orderBy('idx', 'desc').limit(1).executeTakeFirstOrThrow();
    const entry = JSON.parse(last.data) as { change: string; label: unknown; labels: unknown };
    expect(entry.change).toBe('label.withdraw');
    expect(entry.label).toEqual({ level: 'bronze', awarded: '2026-06-01', validUntil: '2028-06-30', status: 'valid' });
    expect(entry.labels).toEqual([
      { scheme: 'ecei', level: 'bronze', awarded: '2026-06-01', validUntil: '2028-06-30', status: 'valid' },
      { scheme: 'kompass', level: 'member', awarded: '2023-01-01', validUntil: '2026-01-31', status: 'withdrawn' },
    ]);
    const first = await server.database.db.selectFrom('log_entries').select('data').where('subject', '=', 'gamma').executeTakeFirstOrThrow();
    expect(JSON.parse(first.data)).toMatchObject({ change: 'cluster.create', label: null, labels: [] });
  });

  it('draws a badge image of one scheme, ?scheme= naming it, never another scheme’s label', async () => {
    await server.registry.award('alpha', { level: 'gold', awarded: '2026-06-01' }, 'test');
    await server.registry.award('beta', { scheme: 'kompass', level: 'member', awarded: '2026-06-01' }, 'test');
    const svg = async (path: string) => {
      const response = await server.app.request(path);
      return { status: response.status, body: await response.text() };
    };
    const member = await svg('/v1/clusters/beta/badge.svg?scheme=kompass&lang=de');
    expect(member.status).toBe(200);
    expect(member.body).toContain('Kompass-Clusternetzwerk');
    expect(member.body).toContain('MITGLIED');
    expect(member.body).toContain('fill="#1f5f8b"');
    // alpha holds Gold, but no Kompass membership: its Kompass badge says no label was found.
    const none = await svg('/v1/clusters/alpha/badge.svg?scheme=kompass');
    expect(none.body).toContain('Kompass Cluster Network');
    expect(none.body).not.toMatch(/GOLD/);
    // Without scheme, the ECEI badge as always; beta holds no ECEI label.
    expect((await svg('/v1/clusters/alpha/badge.svg')).body).toContain('GOLD');
    expect((await svg('/v1/clusters/beta/badge.svg')).body).not.toMatch(/MEMBER|Kompass/);
    const refused = await svg('/v1/clusters/alpha/badge.svg?scheme=nowhere');
    expect(refused.status).toBe(400);
    expect(JSON.parse(refused.body)).toMatchObject({ error: { code: 'invalid_query' } });
    expect((await server.app.request('/v1/clusters/beta/badge.png?scheme=kompass')).status).toBe(200);
  });
});
