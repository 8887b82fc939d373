import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createApp } from '../../server/app.ts';
import { ApiTokens } from '../../server/auth/tokens.ts';
import { decryptPrivateKey, loadKeyEncryptionKey } from '../../server/keys/kek.ts';
import { jsonLogger, RequestLog } from '../../server/log.ts';
import { createTestCluster, describeEachDialect, startTestServer, testClock, type TestServer } from '../support/server.ts';

/** The KEK `startTestServer` configures; a secret like any other here. */
const KEK = 'MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=';

type Role = 'viewer' | 'officer' | 'admin';
const RANK: Record<Role, number> = { viewer: 0, officer: 1, admin: 2 };

/** Every admin route, the least role it needs, and a body that is otherwise acceptable. */
const ROUTES: { method: string; path: string; role: Role; body?: unknown }[] = [
  { method: 'GET', path: '/clusters', role: 'viewer' },
  { method: 'POST', path: '/clusters', role: 'officer', body: { id: 'fresh', name: 'Fresh Cluster', country: 'DE' } },
  { method: 'GET', path: '/clusters/alpha', role: 'viewer' },
  { method: 'PATCH', path: '/clusters/alpha', role: 'officer', body: { portfolio: 'Optics' } },
  { method: 'POST', path: '/clusters/alpha/labels/award', role: 'officer', body: { level: 'bronze', awarded: '2026-05-01' } },
  { method: 'POST', path: '/clusters/alpha/labels/upgrade', role: 'officer', body: { level: 'gold', awarded: '2026-05-01' } },
  { method: 'POST', path: '/clusters/alpha/labels/renew', role: 'officer', body: {} },
  { method: 'POST', path: '/clusters/alpha/labels/revoke', role: 'officer', body: { reason: 'Checked for access only' } },
  { method: 'POST', path: '/clusters/alpha/labels/withdraw', role: 'officer' },
  { method: 'GET', path: '/labels/expiring', role: 'viewer' },
  { method: 'GET', path: '/labels/awaiting-withdrawal', role: 'viewer' },
  { method: 'GET', path: '/audit', role: 'viewer' },
  { method: 'GET', path: '/audit/verify', role: 'viewer' },
  { method: 'GET', path: '/keys', role: 'viewer' },
  { method: 'POST', path: '/keys/rotate', role: 'admin', body: {} },
  { method: 'POST', path: '/keys/no-such-kid/revoke', role: 'admin' },
];

describeEachDialect('admin access', (dialect) => {
  let server: TestServer;
  let clock: ReturnType<typeof testClock>;
  let tokens: ApiTokens;
  const secrets: Record<Role, string> = { viewer: '', officer: '', admin: '' };
  let revoked = '';

  beforeEach(async () => {
    clock = testClock('2026-06-15T10:00:00Z');
    server = await startTestServer(dialect, { now: clock.now });
    tokens = new ApiTokens(server.database, server.keyring, server.now);
    for (const role of ['viewer', 'officer', 'admin'] as const) secrets[role] = (await tokens.create(role, role, 'test')).secret;
    revoked = (await tokens.create('gone', 'admin', 'test')).secret;
    await tokens.revoke('gone', 'test');
    await createTestCluster(server, 'alpha');
    await server.registry.award('alpha', { level: 'silver', awarded: '2026-03-01' }, 'test');
  });
  afterEach(() => server.cleanup());

  const request = (app: TestServer['app'], method: string, path: string, authorization: string | undefined, body?: unknown) =>
    app.request(`/v1/admin${path}`, {
      method,
      headers: { ...(authorization ? { Authorization: authorization } : {}), ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });

  it('every admin route refuses a missing, wrong or revoked credential, changing nothing', async () => {
    const forged = `cl_${'A'.repeat(43)}`;
    const credentials: [string, string | undefined][] = [
      ['none', undefined],
      ['empty bearer', 'Bearer '],
      ['forged', `Bearer ${forged}`],
      ['another scheme', `Basic ${Buffer.from(`admin:${secrets.admin}`).toString('base64')}`],
      ['secret with a changed last character', `Bearer ${secrets.admin.slice(0, -1)}${secrets.admin.endsWith('A') ? 'B' : 'A'}`],
      ['revoked', `Bearer ${revoked}`],
      ['two tokens', `Bearer ${secrets.admin}, Bearer ${secrets.admin}`],
    ];
    for (const route of ROUTES) {
      for (const [name, authorization] of credentials) {
        const before = await server.registry.auditHead();
        const response = await request(server.app, route.method, route.path, authorization, route.body);
        expect(response.status, `${route.method} ${route.path} with ${name}`).toBe(401);
        expect(response.headers.get('www-authenticate')).toMatch(/^Bearer realm="cluster-label"/);
        expect(((await response.json()) as { error: { code: string } }).error.code).toBe('unauthorized');
        expect(await server.registry.auditHead()).toEqual(before);
      }
    }
  });

  it('every admin route answers each role as the role table says', async () => {
    for (const route of ROUTES) {
      for (const role of ['viewer', 'officer', 'admin'] as const) {
        const before = await server.registry.auditHead();
        const response = await request(server.app, route.method, route.path, `Bearer ${secrets[role]}`, route.body);
        const where = `${route.method} ${route.path} as ${role}: ${response.status}`;
        if (RANK[role] < RANK[route.role]) {
          expect(response.status, where).toBe(403);
          expect(((await response.json()) as { error: { code: string } }).error.code).toBe('forbidden');
          expect(await server.registry.auditHead(), where).toEqual(before);
        } else {
          // Allowed through: the answer is the route's own (success, or a domain error such as a conflict), never 401/403.
          expect([401, 403], where).not.toContain(response.status);
          expect(response.status, where).toBeLessThan(500);
        }
      }
    }
  });

  describe('secrets', () => {
    it('no private key or token secret appears in any response body, header or log line', async () => {
      const lines: string[] = [];
      const logger = jsonLogger((line) => lines.push(line));
      const requestLog = new RequestLog(logger);
      const app = createApp({ services: server, widget: server.widget, logger, requestLog });
      const seen: string[] = [];
      const record = async (response: Response) => {
        seen.push(`${response.status} ${JSON.stringify([...response.headers])}\n${await response.clone().text()}`);
        return response;
      };
      const as = (role: Role) => `Bearer ${secrets[role]}`;

      // A working day: reads, changes, a full key rotation, a key revocation, mistakes and refusals.
      for (const route of ROUTES) await record(await request(app, route.method, route.path, as('admin'), route.body));
      await record(await request(app, 'POST', '/keys/rotate', as('admin'), {}));
      clock.advance(2 * 3600);
      await record(await request(app, 'POST', '/keys/rotate', as('admin'), {}));
      await record(await request(app, 'POST', '/keys/rotate', as('admin'), { force: true }));
      const { keys } = (await (await record(await request(app, 'GET', '/keys', as('viewer')))).json()) as { keys: { kid: string }[] };
      await record(await request(app, 'POST', `/keys/${keys[0]!.kid}/revoke`, as('admin')));
      await record(await request(app, 'GET', `/clusters?access_token=${secrets.admin}`, as('viewer')));
      await record(await request(app, 'GET', '/clusters', `Bearer ${revoked}`));
      await record(await request(app, 'GET', '/clusters', `Bearer ${secrets.admin}x`));
      for (const path of ['/.well-known/jwks.json', '/v1/clusters/alpha/attestation', '/clusters/alpha', '/v1/clusters', '/v1/clusters.csv', '/openapi.json', '/healthz']) {
        await record(await app.request(path));
      }
      await record(await app.request(`/admin?token=${secrets.admin}`));
      // Secrets put where they do not belong: into the path, found or not.
      await record(await request(app, 'GET', `/clusters/${secrets.admin}`, as('viewer')));
      await record(await request(app, 'PATCH', `/clusters/${secrets.admin}`, as('admin'), { name: 'x' }));
      await record(await app.request(`/${secrets.admin}`));
      await record(await app.request(`/v1/clusters/${secrets.admin}/attestation`));
      requestLog.flush();

      // What must never appear: every private key's `d` (and the whole private JWK), every token secret, the KEK.
      const kek = loadKeyEncryptionKey({ keyEncryptionKey: KEK, dataDir: server.dataDir });
      const rows = await server.database.db.selectFrom('signing_keys').select(['kid', 'private_jwk']).execute();
      expect(rows.length).toBeGreaterThanOrEqual(3);
      const forbidden: string[] = [KEK, kek.toString('hex'), revoked, ...Object.values(secrets)];
      for (const row of rows) {
        const jwk = JSON.parse(decryptPrivateKey(kek, row.kid, row.private_jwk)) as { d: string };
        expect(jwk.d).toMatch(/^[\w-]{43}$/);
        forbidden.push(jwk.d, Buffer.from(jwk.d, 'base64url').toString('hex'), Buffer.from(jwk.d, 'base64url').toString('base64'), row.private_jwk);
      }
      expect(lines.length).toBeGreaterThan(ROUTES.length);
      expect(seen.length).toBeGreaterThan(ROUTES.length);
      const everything = [...seen, ...lines].join('\n');
      for (const secret of forbidden) {
        expect(everything.includes(secret), `a secret (${secret.slice(0, 6)}…) leaked`).toBe(false);
      }
      // The token secrets' prefix tells that a secret *would* have been recognisable.
      expect(Object.values(secrets).every((s) => s.startsWith('cl_'))).toBe(true);
      expect(everything).not.toMatch(/cl_[A-Za-z0-9_-]{43}/);
    });
  });
});
