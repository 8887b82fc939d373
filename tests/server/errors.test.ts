import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ERRORS, fail, LabelError, statusOf } from '../../server/errors.ts';
import { createApp } from '../../server/app.ts';
import { ApiTokens } from '../../server/auth/tokens.ts';
import { jsonLogger } from '../../server/log.ts';
import { openApiDocument } from '../../server/contract/document.ts';
import { describeEachDialect, startTestServer, type TestServer } from '../support/server.ts';

describe('the error catalogue', () => {
  it('has snake_case codes, each with an HTTP error status and a message', () => {
    for (const [code, entry] of Object.entries(ERRORS)) {
      expect(code).toMatch(/^[a-z][a-z0-9_]*$/);
      expect(entry.status).toBeGreaterThanOrEqual(400);
      expect(entry.status).toBeLessThan(600);
    }
  });

  it('writes a message from the details of one refusal, and knows nothing of HTTP', () => {
    const error = fail('cluster_exists', { id: 'nordlicht' });
    expect(error).toBeInstanceOf(LabelError);
    expect(error.code).toBe('cluster_exists');
    expect(error.message).toBe('A cluster with the id "nordlicht" is already registered.');
    expect(error).not.toHaveProperty('status');
    expect(statusOf(error)).toBe(409);
    expect(fail('cluster_not_found').message).toBe('No cluster with this id is registered.');
  });

  it('is where every code the OpenAPI document names comes from, with the status it is documented under', () => {
    const doc = openApiDocument('https://issuer.test', '1.0.0') as { paths: Record<string, Record<string, { responses: Record<string, { description: string }> }>> };
    const documented = Object.values(doc.paths).flatMap((item) =>
      Object.values(item).flatMap((operation) => Object.entries(operation.responses).flatMap(([status, { description }]) =>
          // An error's description ends with the codes it can carry: "… (`cluster_not_found`)".
          [...(/\((`[a-z_]+`(?:, `[a-z_]+`)*)\)$/.exec(description)?.[1]?.matchAll(/`([a-z_]+)`/g) ?? [])].map((m) => [m[1]!, Number(status)] as const),
        ),
      ),
    );
    expect(documented.length).toBeGreaterThan(20);
    for (const [code, status] of documented) {
      expect(Object.keys(ERRORS), code).toContain(code);
      expect(ERRORS[code as keyof typeof ERRORS].status, code).toBe(status);
    }
  });

  it('carries headers without changing the refusal', () => {
    const error = fail('unauthorized', { presented: false }).withHeaders({ 'WWW-Authenticate': 'Bearer' }).withHeaders({ 'Retry-After': '5' });
    expect(error.code).toBe('unauthorized');
    expect(error.headers).toEqual({ 'WWW-Authenticate': 'Bearer', 'Retry-After': '5' });
  });
});

describeEachDialect('error answers', (dialect) => {
  let server: TestServer;
  beforeEach(async () => {
    server = await startTestServer(dialect);
  });
  afterEach(() => server.cleanup());

  it('answers a middleware refusal with the headers it carries', async () => {
    const response = await server.app.request('/v1/admin/clusters');
    expect(response.status).toBe(401);
    expect(response.headers.get('WWW-Authenticate')).toBe('Bearer realm="cluster-label"');
    expect(response.headers.get('Cache-Control')).toBe('no-store');
    expect(await response.json()).toEqual({ error: { code: 'unauthorized', message: fail('unauthorized', { presented: false }).message } });
  });

  it('answers pages for people with an error page in the register frame, in their language', async () => {
    const response = await server.app.request('/no/such/page', { headers: { 'Accept-Language': 'de' } });
    expect(response.status).toBe(404);
    expect(response.headers.get('Content-Type')).toContain('text/html');
    expect(response.headers.get('Content-Security-Policy')).toContain("default-src 'none'");
    const html = await response.text();
    expect(html).toContain('<html lang="de">');
    expect(html).toContain('There is nothing at this address.');
    expect(html).toContain('href="/clusters"');
  });

  it('answers a failure it did not foresee with internal_error and no detail, as JSON or as a page', async () => {
    // A registry that has gone away under the app: every read fails with the driver's own error.
    await server.database.db.destroy();
    const api = await server.app.request('/v1/clusters');
    expect(api.status).toBe(500);
    expect(await api.json()).toEqual({ error: { code: 'internal_error', message: ERRORS.internal_error.message } });
    const page = await server.app.request('/clusters');
    expect(page.status).toBe(500);
    expect(page.headers.get('Content-Type')).toContain('text/html');
    const html = await page.text();
    expect(html).toContain(ERRORS.internal_error.message);
    expect(html).toContain('<main id="content">');
  });

  it('logs an unforeseen failure by its route pattern, never by the path asked for', async () => {
    const lines: string[] = [];
    const app = createApp({ services: server, widget: server.widget, logger: jsonLogger((line) => lines.push(line)) });
    const { secret: token } = await new ApiTokens(server.database, server.keyring, server.now).create('viewer', 'viewer', 'test');
    await server.database.db.destroy();
    const secret = 'hunter2-secret-segment';
    expect((await app.request(`/clusters/${secret}`)).status).toBe(500);
    expect((await app.request(`/v1/admin/clusters/${secret}`, { headers: { Authorization: `Bearer ${token}` } })).status).toBe(500);
    const errors = lines.map((line) => JSON.parse(line) as Record<string, unknown>).filter((entry) => entry.event === 'unhandled_error');
    expect(errors.map((entry) => entry.route)).toEqual(['/clusters/:id', '/v1/admin/*']);
    expect(lines.join('')).not.toContain(secret);
  });
});
