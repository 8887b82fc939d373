import { afterEach, expect, it } from 'vitest';
import { eceiScheme, type Scheme } from '../../server/domain/schemes.ts';
import { Registry } from '../../server/registry/registry.ts';
import { createTestCluster, describeEachDialect, startTestServer, testClock, type TestServer } from '../support/server.ts';

describeEachDialect('the schemes', (dialect) => {
  let server: TestServer;
  afterEach(() => server?.cleanup());

  it('lists the ECEI scheme publicly, with the configured periods', async () => {
    server = await startTestServer(dialect, { env: { VALIDITY_MONTHS_GOLD: '36', RENEWAL_MONTHS_SILVER: '30', PROGRAMME_NAME: 'Test Label', ISSUER_NAME: 'Test Office' } });
    const response = await server.app.request('/v1/schemes', { headers: { Origin: 'https://cluster.example' } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(response.headers.get('cache-control')).toBe('public, max-age=300');
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    expect(response.headers.get('access-control-allow-credentials')).toBeNull();
    const { schemes } = (await response.json()) as { schemes: Scheme[] };
    expect(schemes).toHaveLength(1);
    const [ecei] = schemes;
    expect(ecei).toMatchObject({ id: 'ecei', kind: 'levels', name: { en: 'Test Label' }, issuer: 'Test Office', rules: { renewalWindowMonths: null, graceMonths: 12 } });
    expect(ecei!.levels.map((l) => [l.id, l.validityMonths, l.renewalMonths])).toEqual([
      ['bronze', 24, 36],
      ['silver', 24, 30],
      ['gold', 36, 24],
    ]);
    expect(ecei!.levels.map((l) => l.name.de)).toEqual(['Bronze', 'Silber', 'Gold']);
    for (const level of ecei!.levels) expect(level.seal).toEqual({ colour: expect.stringMatching(/^#[0-9a-f]{6}$/), emblem: 'stars' });
    // What it lists is the scheme the registry's rules follow: the same object, as JSON.
    expect(schemes).toEqual(JSON.parse(JSON.stringify([eceiScheme(server.config)])));
  });

  it('awards and renews by the listed periods', async () => {
    server = await startTestServer(dialect, { now: testClock('2026-06-15T10:00:00Z').now, env: { VALIDITY_MONTHS_GOLD: '36', RENEWAL_MONTHS_GOLD: '12' } });
    await createTestCluster(server, 'alpha');
    const { schemes } = (await (await server.app.request('/v1/schemes')).json()) as { schemes: Scheme[] };
    const gold = schemes[0]!.levels.find((l) => l.id === 'gold')!;
    expect([gold.validityMonths, gold.renewalMonths]).toEqual([36, 12]);
    expect((await server.registry.award('alpha', { level: 'gold', awarded: '2026-05-10' }, 'test')).validUntil).toBe('2029-05-31');
    expect((await server.registry.renew('alpha', {}, 'test')).validUntil).toBe('2030-05-31');
  });

  it('holds expired labels in the grace period its scheme sets', async () => {
    const clock = testClock('2026-03-10T10:00:00Z');
    server = await startTestServer(dialect, { now: clock.now });
    await createTestCluster(server, 'alpha');
    await createTestCluster(server, 'beta');
    await server.registry.award('alpha', { level: 'bronze', awarded: '2024-01-10', validUntil: '2026-01-31' }, 'test');
    await server.registry.award('beta', { level: 'bronze', awarded: '2024-01-10', validUntil: '2025-02-28' }, 'test');
    // The ECEI's grace year: alpha is still renewable, beta's ended on 2026-02-28.
    expect((await server.registry.awaitingWithdrawal()).map((e) => [e.cluster.id, e.graceEnded])).toEqual([['beta', '2026-02-28']]);
    const oneMonth: Scheme = { ...server.registry.scheme, rules: { renewalWindowMonths: null, graceMonths: 1 } };
    const shortGrace = new Registry(server.database, { scheme: oneMonth, signer: server.keyring, now: clock.now });
    expect((await shortGrace.awaitingWithdrawal()).map((e) => [e.cluster.id, e.graceEnded])).toEqual([
      ['beta', '2025-03-28'],
      ['alpha', '2026-02-28'],
    ]);
    expect(await shortGrace.renew('alpha', {}, 'test').catch((error: { code: string }) => error.code)).toBe('grace_period_over');
    expect((await server.registry.renew('alpha', {}, 'test')).validUntil).toBe('2029-01-31');
  });
});
