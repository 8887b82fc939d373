import { createHash } from 'node:crypto';
import { Hono } from 'hono';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { authenticate, requireRole, principalOf } from '../../server/auth/middleware.ts';
import { roleAllows, ROLES, type AuthEnv, type Role } from '../../server/auth/roles.ts';
import { ApiTokens } from '../../server/auth/tokens.ts';
import { errorBody, LabelError, statusOf } from '../../server/errors.ts';
import { describeEachDialect, startTestServer, testClock, type TestServer } from '../support/server.ts';

function codeOf(error: unknown): string {
  expect(error).toBeInstanceOf(LabelError);
  return (error as LabelError).code;
}

describeEachDialect('API tokens', (dialect) => {
  let server: TestServer;
  let tokens: ApiTokens;

  beforeEach(async () => {
    const clock = testClock('2026-06-15T10:00:00Z');
    server = await startTestServer(dialect, { now: clock.now });
    tokens = new ApiTokens(server.database, server.keyring, server.now);
  });
  afterEach(() => server.cleanup());

  const clusters = (secret?: string, scheme = 'Bearer') => server.app.request('/v1/admin/clusters', secret === undefined ? {} : { headers: { Authorization: `${scheme} ${secret}` } });

  it('shows the secret once and stores only its SHA-256', async () => {
    const { token, secret } = await tokens.create('ci-deploy', 'officer', 'cli:anna');
    expect(secret).toMatch(/^cl_[A-Za-z0-9_-]{43}$/);
    expect(token).toEqual({ name: 'ci-deploy', role: 'officer', createdAt: '2026-06-15T10:00:00.000Z', revokedAt: null });
    const rows = await server.database.db.selectFrom('api_tokens').selectAll().execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]!.token_hash).toBe(createHash('sha256').update(secret).digest('hex'));
    expect(JSON.stringify(rows)).not.toContain(secret.slice(3));
    // Two tokens never share a secret.
    expect((await tokens.create('second', 'viewer', 'cli:anna')).secret).not.toBe(secret);
  });

  it('writes one audit entry for each creation and revocation, naming who did it', async () => {
    await tokens.create('ci', 'admin', 'cli:anna');
    await tokens.revoke('ci', 'cli:ben');
    const entries = await server.registry.audit({ limit: 2 });
    expect(entries.map((e) => [e.actor, e.action, e.subject, e.after])).toEqual([
      ['cli:ben', 'token.revoke', 'token:ci', { revokedAt: '2026-06-15T10:00:00.000Z' }],
      ['cli:anna', 'token.create', 'token:ci', { name: 'ci', role: 'admin' }],
    ]);
    const report = await (await server.app.request('/v1/admin/audit/verify', { headers: { Authorization: `Bearer ${(await tokens.create('v', 'viewer', 't')).secret}` } })).json();
    expect(report).toMatchObject({ ok: true });
  });

  it('lists tokens without secrets, revoked ones included', async () => {
    await tokens.create('a', 'viewer', 't');
    await tokens.create('b', 'admin', 't');
    await tokens.revoke('a', 't');
    expect(await tokens.list()).toEqual([
      { name: 'a', role: 'viewer', createdAt: '2026-06-15T10:00:00.000Z', revokedAt: '2026-06-15T10:00:00.000Z' },
      { name: 'b', role: 'admin', createdAt: '2026-06-15T10:00:00.000Z', revokedAt: null },
    ]);
  });

  it('refuses bad names, unknown roles, reused names and double revocations, writing nothing', async () => {
    await tokens.create('ci', 'viewer', 't');
    const head = await server.registry.auditHead();
    const attempts = [
      () => tokens.create('Has Spaces', 'viewer', 't'),
      () => tokens.create('', 'viewer', 't'),
      () => tokens.create('x'.repeat(65), 'viewer', 't'),
      () => tokens.create('ok', 'superuser', 't'),
      () => tokens.create('ci', 'viewer', 't'),
      () => tokens.revoke('nobody', 't'),
    ];
    const codes = [];
    for (const attempt of attempts) codes.push(await attempt().then(() => 'none', codeOf));
    expect(codes).toEqual(['invalid_token_name', 'invalid_token_name', 'invalid_token_name', 'unknown_role', 'token_exists', 'token_not_found']);
    expect(await server.registry.auditHead()).toEqual(head);
    await tokens.revoke('ci', 't');
    expect(await tokens.revoke('ci', 't').then(() => 'none', codeOf)).toBe('token_already_revoked');
    // A revoked name stays taken, so `token:ci` in the audit log always means one token.
    expect(await tokens.create('ci', 'viewer', 't').then(() => 'none', codeOf)).toBe('token_exists');
  });

  it('answers 401 with WWW-Authenticate without a token, or with a wrong, malformed or revoked one', async () => {
    const { secret } = await tokens.create('ci', 'viewer', 't');
    expect((await clusters(secret)).status).toBe(200);
    expect((await clusters(secret, 'bearer')).status).toBe(200);

    const missing = await clusters();
    expect(missing.status).toBe(401);
    expect(missing.headers.get('www-authenticate')).toBe('Bearer realm="cluster-label"');
    expect(await missing.json()).toMatchObject({ error: { code: 'unauthorized' } });

    const forged = `cl_${'A'.repeat(43)}`;
    const almost = `${secret.slice(0, -1)}${secret.endsWith('A') ? 'B' : 'A'}`;
    for (const response of [await clusters(forged), await clusters(almost), await clusters('not-a-token'), await clusters(secret, 'Basic'), await clusters(`${secret} extra`)]) {
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toBe('Bearer realm="cluster-label", error="invalid_token"');
      expect(await response.json()).toMatchObject({ error: { code: 'unauthorized', message: 'The API token is not valid or has been revoked.' } });
    }

    await tokens.revoke('ci', 't');
    expect((await clusters(secret)).status).toBe(401);
  });

  it('answers 403 to a role too low, and lets each role do what it may', async () => {
    const as: Record<Role, string> = { viewer: '', officer: '', admin: '' };
    for (const role of ROLES) as[role] = (await tokens.create(role, role, 't')).secret;
    const post = (role: Role, path: string, body: unknown) =>
      server.app.request(`/v1/admin${path}`, { method: 'POST', headers: { Authorization: `Bearer ${as[role]}`, 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
    const cluster = (id: string) => ({ id, name: `Cluster ${id}`, country: 'DE' });

    const refused = await post('viewer', '/clusters', cluster('by-viewer'));
    expect(refused.status).toBe(403);
    expect(await refused.json()).toEqual(errorBody('forbidden', 'This needs the officer role; token:viewer has the viewer role.'));
    expect((await post('officer', '/clusters', cluster('by-officer'))).status).toBe(201);
    expect((await post('admin', '/clusters', cluster('by-admin'))).status).toBe(201);
    expect((await post('officer', '/keys/rotate', {})).status).toBe(403);
    expect((await post('admin', '/keys/rotate', {})).status).toBe(200);
    expect((await server.registry.audit({ action: 'cluster.create' })).map((e) => e.actor)).toEqual(['token:admin', 'token:officer']);
    expect(await server.registry.getCluster('by-viewer')).toBeUndefined();
  });
});

describe('roles', () => {
  it('orders viewer below officer below admin', () => {
    const allowed = ROLES.flatMap((held) => ROLES.filter((needed) => roleAllows(held, needed)).map((needed) => `${held}>=${needed}`));
    expect(allowed).toEqual(['viewer>=viewer', 'officer>=viewer', 'officer>=officer', 'admin>=viewer', 'admin>=officer', 'admin>=admin']);
  });
});

describe('requireRole with another sign-in method', () => {
  // How the console plugs in: its own authenticator, the same role checks.
  function app(principal: { actor: string; role: Role } | undefined) {
    const app = new Hono<AuthEnv>();
    app.onError((error, c) => (error instanceof LabelError ? c.json(errorBody(error.code, error.message), statusOf(error), { ...error.headers }) : c.text('bug', 500)));
    app.use(
      authenticate(
        async () => undefined,
        async () => principal,
      ),
    );
    app.get('/read', requireRole('viewer'), (c) => c.text(principalOf(c).actor));
    app.post('/keys', requireRole('admin'), (c) => c.text('rotated'));
    return app;
  }

  it('takes the principal of the first authenticator that recognises the request', async () => {
    const response = await app({ actor: 'user:7', role: 'officer' }).request('/read');
    expect(await response.text()).toBe('user:7');
    expect((await app({ actor: 'user:7', role: 'officer' }).request('/keys', { method: 'POST' })).status).toBe(403);
    expect((await app({ actor: 'user:1', role: 'admin' }).request('/keys', { method: 'POST' })).status).toBe(200);
    expect((await app(undefined).request('/read')).status).toBe(401);
  });

  it('refuses to be set up wrongly', () => {
    expect(() => requireRole('root' as Role)).toThrow(TypeError);
    expect(() => authenticate()).toThrow(TypeError);
  });
});
