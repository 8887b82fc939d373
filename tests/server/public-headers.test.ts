import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestCluster, describeEachDialect, startTestServer, type TestServer } from '../support/server.ts';

describeEachDialect('cross-origin headers', (dialect) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(dialect);
    await createTestCluster(server, 'alpha');
  });
  afterAll(() => server.cleanup());

  it.each([
    '/.well-known/jwks.json',
    '/v1/clusters/alpha/attestation',
    '/v1/clusters/nobody/attestation',
    '/v1/clusters/alpha/badge.svg',
    '/v1/clusters/nobody/badge.svg',
    '/v1/clusters',
    '/v1/clusters.csv',
    '/v1/audit/head',
    '/widget.js',
    '/widget/0.0.0/cluster-label.js',
  ])('%s may be read by any site, errors included', async (path) => {
    const response = await server.app.request(path);
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    expect(response.headers.get('access-control-allow-credentials')).toBeNull();
    expect(response.headers.get('cross-origin-resource-policy')).toBe('cross-origin');
  });

  it.each(['/clusters', '/clusters/alpha', '/admin', '/v1/admin/clusters'])('%s is not opened to other sites', async (path) => {
    const response = await server.app.request(path);
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
    expect(response.headers.get('cross-origin-resource-policy')).not.toBe('cross-origin');
  });

  it('answers an unknown page with an HTML 404 under a strict policy, and sends / to the register', async () => {
    const missing = await server.app.request('/nowhere');
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toMatch(/^text\/html/);
    expect(missing.headers.get('content-security-policy')).toMatch(/frame-ancestors 'none'/);
    expect(missing.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await missing.text()).not.toMatch(/at .*\.ts/);
    const json = await server.app.request('/v1/nowhere');
    expect(((await json.json()) as { error: { code: string } }).error.code).toBe('not_found');
    const root = await server.app.request('/');
    expect(root.status).toBe(302);
    expect(root.headers.get('location')).toBe('/clusters');
  });
});
