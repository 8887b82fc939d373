import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { ApiTokens } from '../../server/auth/tokens.ts';
import { runCli } from '../../server/cli/run.ts';
import type { Scheme } from '../../server/domain/schemes.ts';
import { seedDemo } from '../../server/seed.ts';
import { kompass } from '../support/schemes.ts';
import { describeEachDialect, startTestServer, type TestServer } from '../support/server.ts';


describeEachDialect('schemes set up by an admin', (dialect) => {
  let server: TestServer;
  const secrets = { officer: '', admin: '' };

  beforeEach(async () => {
    server = await startTestServer(dialect);
    const tokens = new ApiTokens(server.database, server.keyring, server.now);
    for (const role of ['officer', 'admin'] as const) secrets[role] = (await tokens.create(role, role, 'test')).secret;
  });
  afterEach(() => server.cleanup());

  const put = (id: string, body: unknown, as: keyof typeof secrets = 'admin') =>
    server.app.request(`/v1/admin/schemes/${id}`, { method: 'PUT', headers: { Authorization: `Bearer ${secrets[as]}`, 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  const listed = async () => ((await (await server.app.request('/v1/schemes')).json()) as { schemes: Scheme[] }).schemes;

  async function refused(response: Response | Promise<Response>, status: number, code: string) {
    const before = await server.registry.auditHead();
    const answer = await response;
    const body = (await answer.json()) as { error: { code: string; message: string } };
    expect(answer.status, JSON.stringify(body)).toBe(status);
    expect(body.error.code).toBe(code);
    expect(body.error.message.length).toBeGreaterThan(20);
    expect(await server.registry.auditHead()).toEqual(before);
    expect((await listed()).map((s) => s.id)).toEqual(['ecei']);
    return body.error.message;
  }

  it('creates a scheme through the API, lists it publicly at once, and records it in the audit log', async () => {
    expect((await listed()).map((s) => s.id)).toEqual(['ecei']);
    const created = await put('kompass', kompass);
    expect(created.status).toBe(201);
    expect(created.headers.get('location')).toBe('/v1/admin/schemes/kompass');
    expect(await created.json()).toEqual(kompass);
    // The public list was read before: the change bus made it read again.
    expect(await listed()).toEqual([JSON.parse(JSON.stringify(server.registry.scheme)), kompass]);
    const [entry] = await server.registry.audit({ limit: 1 });
    expect(entry).toMatchObject({ actor: 'token:admin', action: 'scheme.create', subject: 'scheme:kompass', before: null, after: kompass });

    const admin = await server.app.request('/v1/admin/schemes', { headers: { Authorization: `Bearer ${secrets.officer}` } });
    expect(admin.status).toBe(200);
    expect(((await admin.json()) as { schemes: Scheme[] }).schemes.map((s) => s.id)).toEqual(['ecei', 'kompass']);
  });

  it('replaces a scheme, and sending the same one again writes nothing', async () => {
    await put('kompass', kompass);
    const renamed = { ...kompass, issuer: 'Kompass Office' };
    const replaced = await put('kompass', renamed);
    expect(replaced.status).toBe(200);
    const [entry] = await server.registry.audit({ limit: 1 });
    expect(entry).toMatchObject({ action: 'scheme.update', before: kompass, after: renamed });
    const head = await server.registry.auditHead();
    expect((await put('kompass', renamed)).status).toBe(200);
    expect(await server.registry.auditHead()).toEqual(head);
    expect((await listed())[1]!.issuer).toBe('Kompass Office');
  });

  it('refuses what is not a scheme, the configured ECEI scheme, another id, and an officer, changing nothing', async () => {
    expect(await refused(put('kompass', { ...kompass, levels: [{ ...kompass.levels[0], seal: { colour: '#ffdd00', emblem: 'check' } }] }), 400, 'invalid_field')).toMatch(/levels\[0\]\.seal\.colour.*contrast/);
    await refused(put('kompass', { ...kompass, kind: 'club' }), 400, 'invalid_field');
    await refused(put('kompass', { ...kompass, levels: [kompass.levels[0], { ...kompass.levels[0], id: 'patron' }] }), 400, 'invalid_field');
    await refused(put('kompass', { ...kompass, extra: 1 }), 400, 'unknown_field');
    await refused(put('other', kompass), 400, 'scheme_id_mismatch');
    await refused(put('ecei', { ...kompass, id: 'ecei' }), 409, 'scheme_configured');
    await refused(put('kompass', kompass, 'officer'), 403, 'forbidden');
  });

  it('sets up and lists schemes from the CLI', async () => {
    const env = {
      DATA_DIR: server.dataDir,
      PUBLIC_URL: 'https://issuer.test',
      SEED_DEMO: 'off',
      KEY_ENCRYPTION_KEY: 'MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=',
      ...(server.databaseUrl ? { DATABASE_URL: server.databaseUrl } : {}),
    };
    const cli = async (...args: string[]) => {
      const run = { code: 0, stdout: '', stderr: '' };
      run.code = await runCli(args, { env, stdin: Readable.from([]), stdout: { write: (t: string) => (run.stdout += t) }, stderr: { write: (t: string) => (run.stderr += t) } });
      return run;
    };
    const file = join(server.dataDir, 'kompass.json');
    writeFileSync(file, JSON.stringify(kompass));
    expect(await cli('schemes', 'put', file)).toMatchObject({ code: 0, stdout: 'Set up the scheme kompass (Kompass Cluster Network), one level.\n' });
    expect((await cli('schemes', 'put', file)).stdout).toBe('Left unchanged the scheme kompass (Kompass Cluster Network), one level.\n');
    const list = await cli('schemes', 'list');
    expect(list.stdout.split('\n')[2]).toMatch(/^kompass\s+membership\s+Kompass Cluster Network\s+Kompass Programme Office\s+member$/);
    writeFileSync(file, '{"id": "kompass",');
    const broken = await cli('schemes', 'put', file);
    expect(broken.code).toBe(1);
    expect(broken.stderr).toMatch(/^error \[malformed_json\]: .*kompass\.json cannot be read as JSON/);
    await server.database.changes.read();
    expect((await listed()).map((s) => s.id)).toEqual(['ecei', 'kompass']);
  });

  it('the demo sets up the fictional Kompass scheme, with clusters holding both marks, one, or neither', async () => {
    expect(await seedDemo(server.registry, { sites: ['http://localhost:8787'], now: server.now() })).toBe(true);
    expect((await listed()).map((s) => s.id)).toEqual(['ecei', 'kompass']);
    const held = async (id: string) => (await server.registry.getCurrentLabels(id)).map((l) => `${l.scheme}:${l.level}:${l.status}`);
    expect(await held('demo-silver')).toEqual(['ecei:silver:valid', 'kompass:member:valid']);
    expect(await held('demo-kompass')).toEqual(['kompass:member:valid']);
    expect(await held('demo-gold')).toEqual(['ecei:gold:valid', 'kompass:member:revoked']);
    expect(await held('demo-unlabelled')).toEqual([]);
  });
});
