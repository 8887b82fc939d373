import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestCluster, describeEachDialect, startTestServer, type TestServer } from '../support/server.ts';

// One path of every route family, errors among them: each answer carries the security headers.
const EVERY_FAMILY = [
  '/v1/clusters/alpha/attestation',
  '/v1/clusters/nobody/attestation',
  '/v1/clusters/-bad-/attestation',
  '/.well-known/jwks.json',
  '/v1/audit/head',
  '/v1/schemes',
  '/widget.js',
  '/v1/widget',
  '/widget/0.0.0/cluster-label.js',
  '/v1/clusters/alpha/badge.svg',
  '/v1/clusters',
  '/',
  '/clusters',
  '/clusters/alpha',
  '/verify',
  '/nowhere',
  '/v1/nowhere',
  '/admin',
  '/admin/sign-in',
  '/v1/admin/clusters',
  '/v1/admin/nowhere',
  '/healthz',
  '/openapi.json',
  '/v1/log',
  '/log/checkpoint',
  '/v1/status-lists',
  '/v1/clusters/alpha/credentials',
  '/v1/issuer',
  '/.well-known/jwt-vc-issuer',
];

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
    '/v1/schemes',
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

  it.each(EVERY_FAMILY)('%s forbids sniffing and keeps browsers to HTTPS', async (path) => {
    const response = await server.app.request(path);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('strict-transport-security')).toBe('max-age=31536000');
  });

  it('keeps the security headers on an attestation answered from memory, fresh or not modified', async () => {
    const first = await server.app.request('/v1/clusters/alpha/attestation');
    expect(first.status).toBe(200);
    const again = await server.app.request('/v1/clusters/alpha/attestation');
    const unchanged = await server.app.request('/v1/clusters/alpha/attestation', { headers: { 'If-None-Match': first.headers.get('etag')! } });
    expect(unchanged.status).toBe(304);
    for (const response of [again, unchanged]) {
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(response.headers.get('strict-transport-security')).toBe('max-age=31536000');
    }
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

describeEachDialect('security headers over plain HTTP', (dialect) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(dialect, { env: { PUBLIC_URL: 'http://localhost:9700' } });
    await createTestCluster(server, 'alpha');
  });
  afterAll(() => server.cleanup());

  it.each(EVERY_FAMILY)('%s forbids sniffing but sends no Strict-Transport-Security', async (path) => {
    const response = await server.app.request(path);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('strict-transport-security')).toBeNull();
  });
});
