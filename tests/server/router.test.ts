import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestCluster, describeEachDialect, startTestServer, type TestServer } from '../support/server.ts';

// Hono's SmartRouter takes the first router that can hold every route. RegExpRouter
// matches a path with one regular expression; when a route shape defeats it, every
// request, the attestation route included, goes through TrieRouter instead.
describeEachDialect('router', (dialect) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(dialect);
    await createTestCluster(server, 'alpha');
  });
  afterAll(() => server.cleanup());

  it('the public routes are matched by RegExpRouter', async () => {
    expect((await server.app.request('/v1/clusters/alpha/attestation')).status).toBe(200);
    expect(server.app.router.name).toBe('SmartRouter + RegExpRouter');
  });

  it('the admin API and the console still answer on their own routes, unknown paths included', async () => {
    expect((await server.app.request('/v1/admin/keys/rotate', { method: 'POST' })).status).toBe(401);
    expect((await server.app.request('/admin/clusters/new')).status).toBe(303);
    const missing = await server.app.request('/v1/admin/nowhere', { headers: { Authorization: 'Bearer nothing' } });
    expect(missing.status).toBe(401);
    expect(((await missing.json()) as { error: { code: string } }).error.code).toMatch(/^[a-z_]+$/);
  });
});
