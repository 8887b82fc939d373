import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestCluster, describeEachDialect, startTestServer, testClock, type TestServer } from '../support/server.ts';
import { createUser, signIn, type ConsoleClient } from './console-client.ts';

type Need = 'public' | 'viewer' | 'officer' | 'admin';

/**
 * Every console route and the least role it needs. The test below also checks
 * this table against the routes the app really has, so a new route cannot be
 * added without saying who may use it.
 */
const ROUTES: Array<{ method: 'GET' | 'POST'; path: string; need: Need; fields?: Record<string, string> }> = [
  { method: 'GET', path: '/admin/console.css', need: 'public' },
  { method: 'GET', path: '/admin/sign-in', need: 'public' },
  { method: 'POST', path: '/admin/sign-in', need: 'public' },
  { method: 'POST', path: '/admin/sign-out', need: 'viewer' },
  { method: 'GET', path: '/admin', need: 'viewer' },
  { method: 'GET', path: '/admin/clusters', need: 'viewer' },
  { method: 'GET', path: '/admin/clusters/new', need: 'officer' },
  { method: 'POST', path: '/admin/clusters', need: 'officer', fields: { id: 'role-probe', name: '', country: 'DE' } },
  { method: 'GET', path: '/admin/clusters/:id', need: 'viewer' },
  { method: 'GET', path: '/admin/clusters/:id/edit', need: 'officer' },
  { method: 'POST', path: '/admin/clusters/:id', need: 'officer', fields: { name: '' } },
  { method: 'POST', path: '/admin/clusters/:id/award', need: 'officer', fields: { level: 'platinum' } },
  { method: 'POST', path: '/admin/clusters/:id/renew', need: 'officer', fields: { validUntil: 'not-a-date' } },
  { method: 'POST', path: '/admin/clusters/:id/upgrade', need: 'officer', fields: { level: 'platinum' } },
  { method: 'POST', path: '/admin/clusters/:id/revoke', need: 'officer', fields: { reason: '' } },
  { method: 'POST', path: '/admin/clusters/:id/withdraw', need: 'officer' },
  { method: 'GET', path: '/admin/audit', need: 'viewer' },
  { method: 'GET', path: '/admin/reminders', need: 'viewer' },
  { method: 'GET', path: '/admin/import', need: 'viewer' },
  { method: 'POST', path: '/admin/import', need: 'officer' },
  { method: 'GET', path: '/admin/import/:id', need: 'officer' },
  { method: 'POST', path: '/admin/import/:id/confirm', need: 'officer' },
  { method: 'GET', path: '/admin/export.csv', need: 'viewer' },
  { method: 'GET', path: '/admin/users', need: 'admin' },
  { method: 'POST', path: '/admin/users', need: 'admin', fields: { email: 'not-an-address', role: 'viewer', password: 'x' } },
  { method: 'POST', path: '/admin/users/:id/disable', need: 'admin' },
  { method: 'GET', path: '/admin/tokens', need: 'admin' },
  { method: 'POST', path: '/admin/tokens', need: 'admin', fields: { name: 'Not Valid', role: 'viewer' } },
  { method: 'POST', path: '/admin/tokens/:name/revoke', need: 'admin' },
  { method: 'GET', path: '/admin/keys', need: 'admin' },
  { method: 'POST', path: '/admin/keys/rotate', need: 'admin' },
  { method: 'POST', path: '/admin/keys/:kid/revoke', need: 'admin' },
];

const RANK: Record<Need, number> = { public: 0, viewer: 1, officer: 2, admin: 3 };
const concrete = (path: string) =>
  path.replace(':id/disable', 'no-such-user/disable').replace(':id', 'probe').replace(':name', 'no-such-token').replace(':kid', 'no-such-key');

describeEachDialect('console roles', (dialect) => {
  let server: TestServer;
  const clients: Record<'viewer' | 'officer' | 'admin', ConsoleClient> = {} as never;

  beforeAll(async () => {
    server = await startTestServer(dialect);
    await createTestCluster(server, 'probe');
    for (const role of ['viewer', 'officer', 'admin'] as const) {
      await createUser(server, `${role}@office.test`, role);
      clients[role] = await signIn(server, `${role}@office.test`);
    }
  });
  afterAll(() => server?.cleanup());

  it('lists every console route in the role table', () => {
    const actual = server.app.routes
      .filter((r) => (r.method === 'GET' || r.method === 'POST') && (r.path === '/admin' || r.path.startsWith('/admin/')))
      .map((r) => `${r.method} ${r.path}`);
    expect(new Set(actual)).toEqual(new Set(ROUTES.map((r) => `${r.method} ${r.path}`)));
  });

  for (const route of ROUTES.filter((r) => r.need !== 'public')) {
    it(`${route.method} ${route.path}: refused without a session`, async () => {
      const response =
        route.method === 'GET'
          ? await server.app.request(concrete(route.path))
          : await server.app.request(concrete(route.path), { method: 'POST', headers: { Origin: 'https://issuer.test', 'Content-Type': 'application/x-www-form-urlencoded' }, body: '' });
      expect(response.status).toBe(303);
      expect(response.headers.get('Location')).toBe('/admin/sign-in');
    });

    for (const role of ['viewer', 'officer', 'admin'] as const) {
      const allowed = RANK[role] >= RANK[route.need];
      it(`${route.method} ${route.path}: ${allowed ? 'allowed' : 'refused'} for ${role}`, async () => {
        // Sign-out is probed last, on a session of its own, so the shared sessions stay alive.
        const client = route.path === '/admin/sign-out' ? await signIn(server, `${role}@office.test`) : clients[role];
        const response = route.method === 'GET' ? await client.get(concrete(route.path)) : await client.post(concrete(route.path), route.fields);
        if (allowed) {
          expect(response.status, await response.clone().text()).not.toBe(403);
          // Signing out ends at the sign-in page by design; anything else sent there was refused.
          if (route.path !== '/admin/sign-out') expect(response.headers.get('Location')).not.toBe('/admin/sign-in');
          expect(response.status).toBeLessThan(500);
        } else {
          expect(response.status).toBe(403);
          expect(response.headers.get('Content-Type')).toContain('text/html');
        }
      });
    }
  }

  it('changes nothing on refused requests', async () => {
    const before = await server.registry.audit({ limit: 500 });
    await clients.viewer.post('/admin/clusters', { id: 'viewer-made', name: 'Viewer made', country: 'DE' });
    await clients.officer.post('/admin/keys/rotate');
    await clients.officer.post('/admin/users', { email: 'new@office.test', role: 'admin', password: 'long enough password' });
    expect(await server.registry.getCluster('viewer-made')).toBeUndefined();
    expect(await server.registry.audit({ limit: 500 })).toHaveLength(before.length);
  });
});

describeEachDialect('console actions', (dialect) => {
  let server: TestServer;
  let officer: ConsoleClient;
  let admin: ConsoleClient;
  const clock = testClock('2026-06-15T10:00:00Z');

  beforeAll(async () => {
    server = await startTestServer(dialect, { now: clock.now });
    await createUser(server, 'officer@office.test', 'officer');
    await createUser(server, 'admin@office.test', 'admin');
    officer = await signIn(server, 'officer@office.test');
    admin = await signIn(server, 'admin@office.test');
  });
  afterAll(() => server?.cleanup());

  const follow = async (response: Response, client: ConsoleClient) => {
    expect(response.status, await response.clone().text()).toBe(303);
    return client.get(response.headers.get('Location')!);
  };

  it('registers a cluster, then edits its websites and contact', async () => {
    const created = await follow(
      await officer.post('/admin/clusters', { id: 'nordlicht', name: 'Nordlicht Photonics', organisation: 'Nordlicht e.V.', country: 'de', portfolio: 'Photonics', sites: 'https://www.nordlicht.example\nhttps://nordlicht.example', contactEmail: 'office@nordlicht.example' }),
      officer,
    );
    const html = await created.text();
    expect(html).toContain('The cluster is registered.');
    expect(html).toContain('&lt;cluster-label cluster=&quot;nordlicht&quot;&gt;');
    const cluster = await server.registry.getCluster('nordlicht');
    expect(cluster).toMatchObject({ country: 'DE', sites: ['https://www.nordlicht.example', 'https://nordlicht.example'], contactEmail: 'office@nordlicht.example' });

    await follow(await officer.post('/admin/clusters/nordlicht', { name: 'Nordlicht Photonics', organisation: 'Nordlicht e.V.', country: 'DE', portfolio: 'Photonics', sites: 'https://www.nordlicht.example', contactEmail: 'labels@nordlicht.example' }), officer);
    expect(await server.registry.getCluster('nordlicht')).toMatchObject({ sites: ['https://www.nordlicht.example'], contactEmail: 'labels@nordlicht.example' });
    const [entry] = await server.registry.audit({ subject: 'nordlicht', limit: 1 });
    expect(entry).toMatchObject({ action: 'cluster.update', actor: expect.stringMatching(/^user:/) });
  });

  it('keeps what was typed when a form fails, and says why', async () => {
    const response = await officer.post('/admin/clusters', { id: 'Bad Id', name: 'Kept name <b>', country: 'DE', sites: 'https://example.org/path' });
    expect(response.status).toBe(400);
    const html = await response.text();
    expect(html).toContain('role="alert"');
    expect(html).toContain('value="Kept name &lt;b&gt;"');
    expect(html).toContain('https://example.org/path');
    expect(await server.registry.getCluster('bad-id')).toBeUndefined();
  });

  it('awards, upgrades and renews through the forms', async () => {
    const awarded = await follow(await officer.post('/admin/clusters/nordlicht/award', { level: 'bronze', awarded: '2026-03-10', assessmentRef: 'B-1' }), officer);
    expect(await awarded.text()).toContain('The label is awarded.');
    expect(await server.registry.getCurrentLabel('nordlicht')).toMatchObject({ level: 'bronze', validUntil: '2028-03-31', status: 'valid' });

    const again = await officer.post('/admin/clusters/nordlicht/award', { level: 'silver', validUntil: '2029-01-31' });
    expect(again.status).toBe(409);
    const html = await again.text();
    expect(html).toContain('holds a valid bronze label');
    expect(html).toContain('value="2029-01-31"');

    // Upgrade and renew take a second look first: the label now and after, and one button.
    const upgradeLook = await officer.post('/admin/clusters/nordlicht/upgrade', { level: 'silver', assessmentRef: 'S-1' });
    expect(upgradeLook.status).toBe(200);
    expect(await upgradeLook.text()).toMatch(/Bronze[\s\S]*Silver[\s\S]*31 March 2028[\s\S]*30 June 2028[\s\S]*S-1[\s\S]*Yes, upgrade the label/);
    expect((await server.registry.getLabels('nordlicht')).map((l) => l.status)).toEqual(['valid']);
    await follow(await officer.post('/admin/clusters/nordlicht/upgrade', { level: 'silver', assessmentRef: 'S-1', confirm: 'yes' }), officer);
    expect((await server.registry.getLabels('nordlicht')).map((l) => l.status)).toEqual(['superseded', 'valid']);

    const renewLook = await officer.post('/admin/clusters/nordlicht/renew', { assessmentRef: 'R-1' });
    expect(await renewLook.text()).toMatch(/30 June 2028[\s\S]*30 June 2030[\s\S]*Yes, renew the label/);
    expect(await server.registry.getCurrentLabel('nordlicht')).toMatchObject({ validUntil: '2028-06-30' });
    await follow(await officer.post('/admin/clusters/nordlicht/renew', { assessmentRef: 'R-1', confirm: 'yes' }), officer);
    expect(await server.registry.getCurrentLabel('nordlicht')).toMatchObject({ level: 'silver', validUntil: '2030-06-30', assessmentRef: 'R-1' });
    // The history shows the renewal with its previous end.
    expect(await (await officer.get('/admin/clusters/nordlicht')).text()).toContain('renewed: 30 June 2028 → 30 June 2030');
  });

  it('revokes only after the confirmation step, with public reason and internal note', async () => {
    const first = await officer.post('/admin/clusters/nordlicht/revoke', { reason: 'Evidence was incomplete.', note: 'Case 42' });
    expect(first.status).toBe(200);
    const confirm = await first.text();
    expect(confirm).toContain('Yes, revoke the label');
    expect(confirm).toContain('name="confirm" value="yes"');
    expect(await server.registry.getCurrentLabel('nordlicht')).toMatchObject({ status: 'valid' });

    const done = await follow(await officer.post('/admin/clusters/nordlicht/revoke', { reason: 'Evidence was incomplete.', note: 'Case 42', confirm: 'yes' }), officer);
    expect(await done.text()).toContain('The label is revoked.');
    expect(await server.registry.getCurrentLabel('nordlicht')).toMatchObject({ status: 'revoked', publicReason: 'Evidence was incomplete.', internalNote: 'Case 42' });
  });

  it('withdraws an expired label after confirmation, and lists it on the dashboard before', async () => {
    await createTestCluster(server, 'meseta');
    await server.registry.award('meseta', { level: 'bronze', awarded: '2023-01-10' }, 'test');
    const dashboard = await (await officer.get('/admin')).text();
    expect(dashboard).toMatch(/Grace year over, awaiting withdrawal[\s\S]*Cluster meseta/);

    // A withdrawal takes a reference, like a revocation its reason.
    const unreferenced = await officer.post('/admin/clusters/meseta/withdraw');
    expect(unreferenced.status).toBe(400);
    expect(await unreferenced.text()).toContain('The field &quot;reference&quot; is required.');
    const look = await officer.post('/admin/clusters/meseta/withdraw', { reference: 'W-7' });
    expect(look.status).toBe(200);
    expect(await look.text()).toMatch(/Expired[\s\S]*Withdrawn[\s\S]*31 January 2025[\s\S]*W-7[\s\S]*Yes, withdraw the label/);
    expect(await server.registry.getCurrentLabel('meseta')).toMatchObject({ status: 'valid' });
    await follow(await officer.post('/admin/clusters/meseta/withdraw', { reference: 'W-7', confirm: 'yes' }), officer);
    expect(await server.registry.getCurrentLabel('meseta')).toMatchObject({ status: 'withdrawn' });
    const [entry] = await server.registry.audit({ subject: 'meseta', action: 'label.withdraw', limit: 1 });
    expect(entry!.after).toMatchObject({ status: 'withdrawn', reference: 'W-7' });
  });

  it('finds clusters by name and shows the history', async () => {
    const list = await (await officer.get('/admin/clusters?q=NORDLICHT')).text();
    expect(list).toContain('Nordlicht Photonics');
    expect(list).not.toContain('Cluster meseta');
    const none = await (await officer.get('/admin/clusters?q=%25')).text();
    expect(none).toContain('No cluster matches.');
    const detail = await (await officer.get('/admin/clusters/nordlicht')).text();
    expect(detail).toMatch(/Revoked[\s\S]*Replaced by a higher level/);
    expect(detail).toContain('Internal note: Case 42');
  });

  it('shows the audit log with its verification status and filters', async () => {
    const html = await (await officer.get('/admin/audit?action=label.revoke&verify=1')).text();
    expect(html).toContain('The chain verifies');
    // What changed, field by field.
    expect(html).toContain('<del>valid</del> → <ins>revoked</ins>');
    expect(html).toContain('officer@office.test');
    expect(html).toContain('label.revoke');
    // Only revocations are listed (every action stays a choice of the filter).
    expect(html).toContain('<code>label.revoke</code>');
    expect(html).not.toContain('<code>label.award</code>');
    // A filter the page cannot read is refused on the console's page, saying which and why.
    for (const [address, message] of [
      ['/admin/audit?from=2026-02-30', 'The parameter &quot;from&quot; must be a date such as 2026-03-31.'],
      ['/admin/audit?before=0', 'The parameter &quot;before&quot; must be a whole number from 1'],
      ['/admin/audit?verify=yes', 'The parameter &quot;verify&quot; must be one of 1.'],
    ] as const) {
      const refused = await officer.get(address);
      expect(refused.status, address).toBe(400);
      expect(await refused.text(), address).toContain(`role="alert">${message}`);
    }
  });

  it('lets an admin manage accounts, tokens and keys', async () => {
    await follow(await admin.post('/admin/users', { email: 'Viewer2@Office.test', role: 'viewer', password: 'a long enough password' }), admin);
    const users = await (await admin.get('/admin/users')).text();
    expect(users).toContain('viewer2@office.test');
    const id = /action="\/admin\/users\/([^/]+)\/disable"/.exec(users.slice(users.indexOf('viewer2@office.test')))![1]!;
    await follow(await admin.post(`/admin/users/${id}/disable`), admin);
    expect(await (await admin.get('/admin/users')).text()).toMatch(/viewer2@office.test[\s\S]*?disabled/);

    const created = await admin.post('/admin/tokens', { name: 'crm-sync', role: 'officer' });
    expect(created.status).toBe(201);
    const secret = /<pre>(cl_[A-Za-z0-9_-]+)<\/pre>/.exec(await created.text())![1]!;
    const api = await server.app.request('/v1/admin/clusters', { headers: { Authorization: `Bearer ${secret}` } });
    expect(api.status).toBe(200);
    await follow(await admin.post('/admin/tokens/crm-sync/revoke'), admin);
    expect((await server.app.request('/v1/admin/clusters', { headers: { Authorization: `Bearer ${secret}` } })).status).toBe(401);

    const published = await follow(await admin.post('/admin/keys/rotate'), admin);
    expect(await published.text()).toContain('A next key is published');
    const tooSoon = await admin.post('/admin/keys/rotate');
    expect(tooSoon.status).toBe(409);
    clock.advance(3600);
    const oldKid = server.keyring.currentKid;
    await follow(await admin.post('/admin/keys/rotate'), admin);
    expect(server.keyring.currentKid).not.toBe(oldKid);
  });

  it('sends the console strict security headers', async () => {
    const response = await officer.get('/admin');
    expect(response.headers.get('Content-Security-Policy')).toContain("default-src 'none'");
    expect(response.headers.get('Content-Security-Policy')).toContain("frame-ancestors 'none'");
    expect(response.headers.get('Cache-Control')).toBe('no-store');
    expect(await response.text()).not.toContain('<script');
  });
});
