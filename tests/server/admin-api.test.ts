import { Readable } from 'node:stream';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { ApiTokens } from '../../server/auth/tokens.ts';
import { createTestCluster, describeEachDialect, startTestServer, testClock, type TestServer } from '../support/server.ts';

describeEachDialect('admin API', (dialect) => {
  let server: TestServer;
  let clock: ReturnType<typeof testClock>;
  const secrets: Record<'viewer' | 'officer' | 'admin', string> = { viewer: '', officer: '', admin: '' };

  beforeEach(async () => {
    clock = testClock('2026-06-15T10:00:00Z');
    server = await startTestServer(dialect, { now: clock.now });
    const tokens = new ApiTokens(server.database, server.keyring, server.now);
    for (const role of ['viewer', 'officer', 'admin'] as const) secrets[role] = (await tokens.create(role, role, 'test')).secret;
  });
  afterEach(() => server.cleanup());

  type Role = keyof typeof secrets;

  function call(method: string, path: string, options: { as?: Role; body?: unknown; headers?: Record<string, string> } = {}) {
    const headers: Record<string, string> = { Authorization: `Bearer ${secrets[options.as ?? 'officer']}`, ...options.headers };
    let body: string | undefined;
    if (options.body !== undefined) {
      body = typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
      headers['Content-Type'] ??= 'application/json';
    }
    return server.app.request(`/v1/admin${path}`, { method, headers, body });
  }

  async function ok<T = Record<string, unknown>>(response: Response, status = 200): Promise<T> {
    const body = await response.json();
    expect(response.status, JSON.stringify(body)).toBe(status);
    return body as T;
  }

  /** The request is refused with `status` and `code`, and the registry is as it was. */
  async function refused(request: Response | Promise<Response> | (() => Response | Promise<Response>), status: number, code: string) {
    const before = await server.registry.auditHead();
    const response = await (typeof request === 'function' ? request() : request);
    const body = (await response.json()) as { error: { code: string; message: string } };
    expect(response.status, JSON.stringify(body)).toBe(status);
    expect(body.error.code).toBe(code);
    expect(body.error.message.length).toBeGreaterThan(10);
    expect(await server.registry.auditHead()).toEqual(before);
    return body.error.message;
  }

  const alpha = { id: 'alpha', name: 'Alpha Cluster', organisation: 'Alpha e.V.', country: 'DE', portfolio: 'Optics', sites: ['https://www.alpha.example'], contactEmail: 'office@alpha.example' };

  // ── clusters ───────────────────────────────────────────────────────────

  it('registers a cluster, answers 201 with its address, and records the token as the actor', async () => {
    const response = await call('POST', '/clusters', { body: alpha });
    const created = await ok(response, 201);
    expect(response.headers.get('location')).toBe('/v1/admin/clusters/alpha');
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(created).toEqual({ ...alpha, createdAt: '2026-06-15T10:00:00.000Z', updatedAt: '2026-06-15T10:00:00.000Z', label: null, currentLabels: [] });
    const [entry] = await server.registry.audit({ limit: 1 });
    expect(entry).toMatchObject({ actor: 'token:officer', action: 'cluster.create', subject: 'alpha' });
    // Personal data is referenced, not copied, into the chain.
    expect(JSON.stringify(entry)).not.toContain('office@alpha.example');
    expect(await server.registry.getCluster('alpha')).toMatchObject({ name: 'Alpha Cluster', contactEmail: 'office@alpha.example' });
  });

  it('refuses bad cluster bodies with a stable code each, changing nothing', async () => {
    await createTestCluster(server, 'taken');
    const post = (body: unknown, headers?: Record<string, string>) => call('POST', '/clusters', { body, ...(headers ? { headers } : {}) });
    await refused(post(JSON.stringify(alpha), { 'Content-Type': 'text/plain' }), 415, 'unsupported_media_type');
    await refused(post('id=alpha&name=x', { 'Content-Type': 'application/x-www-form-urlencoded' }), 415, 'unsupported_media_type');
    await refused(post('{"id": "alpha", "name": '), 400, 'malformed_json');
    await refused(post('[1, 2]'), 400, 'invalid_body');
    await refused(post('"alpha"'), 400, 'invalid_body');
    expect(await refused(post({ ...alpha, level: 'gold' }), 400, 'unknown_field')).toContain('"level"');
    await refused(post('{"__proto__": {"admin": true}, "id": "alpha", "name": "A", "country": "DE"}'), 400, 'unknown_field');
    await refused(post({ ...alpha, name: 42 }), 400, 'invalid_field');
    await refused(post({ ...alpha, sites: 'https://www.alpha.example' }), 400, 'invalid_field');
    await refused(post({ ...alpha, name: undefined }), 400, 'missing_field');
    await refused(post({ ...alpha, id: 'Alpha_Cluster' }), 400, 'invalid_cluster_id');
    await refused(post({ ...alpha, country: 'Germany' }), 400, 'invalid_country');
    await refused(post({ ...alpha, contactEmail: 'not an address' }), 400, 'invalid_email');
    expect(await refused(post({ ...alpha, sites: ['https://www.alpha.example/about'] }), 400, 'invalid_origin')).toContain('https://www.alpha.example');
    await refused(post({ ...alpha, sites: ['ftp://alpha.example'] }), 400, 'invalid_origin');
    await refused(post({ ...alpha, id: 'taken' }), 409, 'cluster_exists');
    await refused(post(`${'['.repeat(5000)}${']'.repeat(5000)}`), 400, 'json_too_deep');
    await refused(post({ ...alpha, portfolio: { a: { b: { c: { d: { e: { f: { g: { h: 1 } } } } } } } } }), 400, 'json_too_deep');
    expect(await server.registry.getCluster('alpha')).toBeUndefined();
  });

  it('refuses a body over 64 KiB, declared or streamed, with 413', async () => {
    const big = JSON.stringify({ ...alpha, portfolio: 'x'.repeat(70_000) });
    await refused(call('POST', '/clusters', { body: big }), 413, 'payload_too_large');
    // Without Content-Length the limit is counted while reading.
    const streamed = () =>
      server.app.request('/v1/admin/clusters', {
        method: 'POST',
        headers: { Authorization: `Bearer ${secrets.officer}`, 'Content-Type': 'application/json' },
        body: Readable.toWeb(Readable.from([Buffer.from(big)])) as ReadableStream,
        duplex: 'half',
      } as RequestInit);
    await refused(streamed, 413, 'payload_too_large');
    // Just under the limit is accepted (and then judged on its fields).
    await refused(call('POST', '/clusters', { body: { ...alpha, portfolio: 'x'.repeat(60_000) } }), 400, 'invalid_field');
  });

  it('lists clusters a page at a time with their current label', async () => {
    for (const id of ['c-3', 'c-1', 'c-2']) await createTestCluster(server, id);
    await server.registry.award('c-2', { level: 'gold', awarded: '2026-01-10' }, 'test');
    const first = await ok<{ items: Array<{ id: string; label: { level: string } | null }>; total: number; page: number; pageSize: number }>(
      await call('GET', '/clusters?pageSize=2', { as: 'viewer' }),
    );
    expect(first).toMatchObject({ total: 3, page: 1, pageSize: 2 });
    expect(first.items.map((c) => c.id)).toEqual(['c-1', 'c-2']);
    expect(first.items[1]!.label).toMatchObject({ level: 'gold', status: 'valid', validUntil: '2028-01-31' });
    expect(first.items[0]!.label).toBeNull();
    const second = await ok<{ items: Array<{ id: string }> }>(await call('GET', '/clusters?page=2&pageSize=2', { as: 'viewer' }));
    expect(second.items.map((c) => c.id)).toEqual(['c-3']);
    await refused(call('GET', '/clusters?page=0'), 400, 'invalid_query');
    await refused(call('GET', '/clusters?pageSize=201'), 400, 'invalid_query');
    await refused(call('GET', '/clusters?page=two'), 400, 'invalid_query');
  });

  it('shows a cluster with its whole history, and 404s an unknown or impossible id', async () => {
    await createTestCluster(server, 'alpha');
    await server.registry.award('alpha', { level: 'bronze', awarded: '2025-01-10' }, 'test');
    await server.registry.upgrade('alpha', { level: 'silver', awarded: '2026-05-04' }, 'test');
    const detail = await ok<{ id: string; label: { level: string }; labels: Array<{ level: string; status: string }> }>(await call('GET', '/clusters/alpha', { as: 'viewer' }));
    expect(detail.label).toMatchObject({ level: 'silver', status: 'valid' });
    expect(detail.labels.map((l) => [l.level, l.status])).toEqual([
      ['bronze', 'superseded'],
      ['silver', 'valid'],
    ]);
    await refused(call('GET', '/clusters/nobody'), 404, 'cluster_not_found');
    await refused(call('GET', '/clusters/Not_A_Slug'), 404, 'cluster_not_found');
  });

  it('reads a valid label past its last day as expired, swept or not', async () => {
    await createTestCluster(server, 'alpha');
    await server.registry.award('alpha', { level: 'bronze', awarded: '2026-01-10', validUntil: '2026-06-30' }, 'test');
    clock.set('2026-07-01T00:00:00Z');
    const detail = await ok<{ label: { status: string } }>(await call('GET', '/clusters/alpha'));
    expect(detail.label.status).toBe('expired');
  });

  it('updates only the fields given, and refuses changing the id, an empty change and an unknown cluster', async () => {
    await createTestCluster(server, 'alpha');
    const updated = await ok<{ sites: string[]; name: string; contactEmail: string | null }>(
      await call('PATCH', '/clusters/alpha', { body: { sites: ['https://alpha.example', 'https://www.alpha.example'], contactEmail: null } }),
    );
    expect(updated).toMatchObject({ name: 'Cluster alpha', sites: ['https://alpha.example', 'https://www.alpha.example'], contactEmail: null });
    expect((await server.registry.audit({ limit: 1 }))[0]).toMatchObject({ action: 'cluster.update', actor: 'token:officer' });
    await refused(call('PATCH', '/clusters/alpha', { body: { id: 'beta' } }), 400, 'immutable_field');
    await refused(call('PATCH', '/clusters/alpha', { body: {} }), 400, 'nothing_to_change');
    await refused(call('PATCH', '/clusters/alpha', { body: { sites: ['https://alpha.example/'] } }), 400, 'invalid_origin');
    await refused(call('PATCH', '/clusters/alpha', { body: { website: 'x' } }), 400, 'unknown_field');
    await refused(call('PATCH', '/clusters/nobody', { body: { name: 'X' } }), 404, 'cluster_not_found');
  });

  // ── labels ─────────────────────────────────────────────────────────────

  it('awards a label valid to the end of the month its period after the assessment', async () => {
    await createTestCluster(server, 'alpha');
    const label = await ok(await call('POST', '/clusters/alpha/labels/award', { body: { level: 'silver', awarded: '2026-03-14', assessmentRef: 'ESCA-1' } }), 201);
    expect(label).toMatchObject({ clusterId: 'alpha', level: 'silver', awarded: '2026-03-14', validUntil: '2028-03-31', status: 'valid', assessmentRef: 'ESCA-1' });
    await refused(call('POST', '/clusters/alpha/labels/award', { body: { level: 'gold', validUntil: '2027-12-31' } }), 409, 'label_already_held');
  });

  it('refuses bad awards with a stable code each, changing nothing', async () => {
    await createTestCluster(server, 'alpha');
    const award = (body: unknown) => call('POST', '/clusters/alpha/labels/award', { body });
    await refused(award({ level: 'platinum' }), 400, 'unknown_level');
    await refused(award({ level: 3 }), 400, 'unknown_level');
    await refused(award({}), 400, 'missing_field');
    await refused(award({ level: 'gold', awarded: '2026-02-30' }), 400, 'invalid_date');
    await refused(award({ level: 'gold', awarded: '15.03.2026' }), 400, 'invalid_date');
    await refused(award({ level: 'gold', validUntil: 20270101 }), 400, 'invalid_date');
    await refused(award({ level: 'gold', awarded: '2026-03-14', validUntil: '2026-03-01' }), 400, 'valid_until_before_awarded');
    await refused(award({ level: 'gold', awarded: '2026-07-01' }), 400, 'awarded_in_future');
    await refused(award({ level: 'gold', assessmentRef: ['x'] }), 400, 'invalid_field');
    await refused(award({ level: 'gold', reason: 'x' }), 400, 'unknown_field');
    await refused(call('POST', '/clusters/nobody/labels/award', { body: { level: 'gold' } }), 404, 'cluster_not_found');
    expect(await server.registry.getLabels('alpha')).toEqual([]);
  });

  it('upgrades to a higher level, keeping the old label as superseded', async () => {
    await createTestCluster(server, 'alpha');
    await server.registry.award('alpha', { level: 'bronze', awarded: '2025-09-01' }, 'test');
    await refused(call('POST', '/clusters/alpha/labels/upgrade', { body: { level: 'bronze' } }), 409, 'not_an_upgrade');
    const label = await ok(await call('POST', '/clusters/alpha/labels/upgrade', { body: { level: 'gold', awarded: '2026-06-01' } }), 201);
    expect(label).toMatchObject({ level: 'gold', validUntil: '2028-06-30', status: 'valid' });
    expect((await server.registry.getLabels('alpha')).map((l) => l.status)).toEqual(['superseded', 'valid']);
    await createTestCluster(server, 'beta');
    await refused(call('POST', '/clusters/beta/labels/upgrade', { body: { level: 'gold' } }), 409, 'no_current_label');
  });

  it('renews from the previous end, also within the grace year', async () => {
    await createTestCluster(server, 'alpha');
    await server.registry.award('alpha', { level: 'bronze', awarded: '2024-03-10' }, 'test');
    clock.set('2026-09-01T08:00:00Z');
    const label = await ok(await call('POST', '/clusters/alpha/labels/renew', { body: { assessmentRef: 'ESCA-R' } }));
    // Bronze renews for 36 months from its previous end, 2026-03-31.
    expect(label).toMatchObject({ validUntil: '2029-03-31', status: 'valid', assessmentRef: 'ESCA-R' });
    await refused(call('POST', '/clusters/alpha/labels/renew', { body: { validUntil: '2029-03-31' } }), 400, 'valid_until_not_later');
    await refused(call('POST', '/clusters/alpha/labels/renew', { body: { validUntil: '2029-02-29' } }), 400, 'invalid_date');
    const again = await ok(await call('POST', '/clusters/alpha/labels/renew'));
    expect(again).toMatchObject({ validUntil: '2032-03-31' });
  });

  it('revokes with a public reason and an internal note', async () => {
    await createTestCluster(server, 'alpha');
    await server.registry.award('alpha', { level: 'gold', awarded: '2026-02-01' }, 'test');
    await refused(call('POST', '/clusters/alpha/labels/revoke', { body: { note: 'no reason given' } }), 400, 'missing_field');
    await refused(call('POST', '/clusters/alpha/labels/revoke', { body: { reason: 5 } }), 400, 'invalid_field');
    const label = await ok(await call('POST', '/clusters/alpha/labels/revoke', { body: { reason: 'Evidence withdrawn.', note: 'Board decision 12/2026' } }));
    expect(label).toMatchObject({ status: 'revoked', revokedAt: '2026-06-15T10:00:00.000Z', publicReason: 'Evidence withdrawn.', internalNote: 'Board decision 12/2026' });
    await refused(call('POST', '/clusters/alpha/labels/revoke', { body: { reason: 'Again.' } }), 409, 'label_already_revoked');
  });

  it('withdraws an expired label only, and takes no body fields', async () => {
    await createTestCluster(server, 'alpha');
    await server.registry.award('alpha', { level: 'bronze', awarded: '2025-01-10' }, 'test');
    await refused(call('POST', '/clusters/alpha/labels/withdraw'), 409, 'label_not_expired');
    clock.set('2028-03-01T00:00:00Z');
    await refused(call('POST', '/clusters/alpha/labels/withdraw', { body: { reason: 'x' } }), 400, 'unknown_field');
    const label = await ok(await call('POST', '/clusters/alpha/labels/withdraw', { body: {} }));
    expect(label).toMatchObject({ status: 'withdrawn', validUntil: '2027-01-31' });
    await refused(call('POST', '/clusters/alpha/labels/withdraw'), 409, 'label_already_withdrawn');
  });

  it('lists labels expiring within N days, and those awaiting withdrawal', async () => {
    for (const id of ['soon', 'later', 'gone']) await createTestCluster(server, id);
    await server.registry.award('soon', { level: 'bronze', awarded: '2024-06-03' }, 'test'); // until 2026-06-30
    await server.registry.award('later', { level: 'bronze', awarded: '2024-09-03' }, 'test'); // until 2026-09-30
    await server.registry.award('gone', { level: 'bronze', awarded: '2022-01-03' }, 'test'); // until 2024-01-31
    const within = async (days: number) =>
      (await ok<{ days: number; items: Array<{ cluster: { id: string } }> }>(await call('GET', `/labels/expiring?days=${days}`, { as: 'viewer' }))).items.map((i) => i.cluster.id);
    expect(await within(30)).toEqual(['soon']);
    expect(await within(120)).toEqual(['soon', 'later']);
    expect(await ok(await call('GET', '/labels/expiring'))).toMatchObject({ days: 30 });
    await refused(call('GET', '/labels/expiring?days=-1'), 400, 'invalid_query');
    await refused(call('GET', '/labels/expiring?days=9999'), 400, 'invalid_query');
    const awaiting = await ok<{ items: Array<{ cluster: { id: string; name: string }; label: { status: string }; graceEnded: string }> }>(await call('GET', '/labels/awaiting-withdrawal', { as: 'viewer' }));
    expect(awaiting.items).toEqual([{ cluster: { id: 'gone', name: 'Cluster gone' }, label: expect.objectContaining({ status: 'expired' }), graceEnded: '2025-01-31' }]);
  });

  // ── audit ──────────────────────────────────────────────────────────────

  it('pages through the audit log, newest first, with filters', async () => {
    for (const id of ['a-1', 'a-2', 'a-3']) await createTestCluster(server, id);
    await server.registry.award('a-2', { level: 'gold', awarded: '2026-01-10' }, 'test');
    type Page = { items: Array<{ seq: number; action: string; subject: string; actor: string }>; nextBefore: number | null };
    const all = await ok<Page>(await call('GET', '/audit?limit=200', { as: 'viewer' }));
    const head = await server.registry.auditHead();
    expect(all.items[0]!.seq).toBe(head!.seq);
    expect(all.nextBefore).toBeNull();
    const first = await ok<Page>(await call('GET', '/audit?limit=2'));
    expect(first.items.map((e) => e.seq)).toEqual([head!.seq, head!.seq - 1]);
    expect(first.nextBefore).toBe(head!.seq - 1);
    const second = await ok<Page>(await call('GET', `/audit?limit=2&before=${first.nextBefore}`));
    expect(second.items.map((e) => e.seq)).toEqual([head!.seq - 2, head!.seq - 3]);
    const bySubject = await ok<Page>(await call('GET', '/audit?subject=a-2'));
    expect(bySubject.items.map((e) => e.action)).toEqual(['label.award', 'cluster.create']);
    const byAction = await ok<Page>(await call('GET', '/audit?action=cluster.create'));
    expect(byAction.items.map((e) => e.subject)).toEqual(['a-3', 'a-2', 'a-1']);
    await refused(call('GET', '/audit?limit=0'), 400, 'invalid_query');
    await refused(call('GET', '/audit?before=1.5'), 400, 'invalid_query');
    await refused(call('GET', `/audit?subject=${'x'.repeat(201)}`), 400, 'invalid_query');
  });

  it('verifies the audit chain and names the first entry that was changed', async () => {
    await createTestCluster(server, 'alpha');
    await createTestCluster(server, 'beta');
    const intact = await ok<{ ok: boolean; entries: number; head: { seq: number } }>(await call('GET', '/audit/verify', { as: 'viewer' }));
    const head = await server.registry.auditHead();
    expect(intact).toEqual({ ok: true, entries: head!.seq, head });
    const target = head!.seq - 1;
    await server.database.db.updateTable('audit_log').set({ actor: 'someone-else' }).where('seq', '=', target).execute();
    const broken = await ok(await call('GET', '/audit/verify'));
    expect(broken).toMatchObject({ ok: false, brokenAt: { seq: target, reason: 'its content does not match its hash' } });
  });

  // ── keys ───────────────────────────────────────────────────────────────

  it('shows the keys to any role and rotates them in two steps for admins', async () => {
    const firstKid = server.keyring.currentKid!;
    const listed = await ok<{ signingKid: string; keys: Array<{ kid: string; state: string }> }>(await call('GET', '/keys', { as: 'viewer' }));
    expect(listed.signingKid).toBe(firstKid);
    expect(listed.keys.map((k) => [k.kid, k.state])).toEqual([[firstKid, 'current']]);

    const published = await ok<{ step: string; kid: string; activateAfter: string }>(await call('POST', '/keys/rotate', { as: 'admin' }));
    expect(published).toMatchObject({ step: 'published', activateAfter: '2026-06-15T10:05:30.000Z' });
    const jwks = (await (await server.app.request('/.well-known/jwks.json')).json()) as { keys: Array<{ kid: string }> };
    expect(jwks.keys.map((k) => k.kid)).toContain(published.kid);
    await refused(call('POST', '/keys/rotate', { as: 'admin' }), 409, 'next_key_too_new');
    await refused(call('POST', '/keys/rotate', { as: 'admin', body: { force: 'yes' } }), 400, 'invalid_field');
    clock.advance(331);
    expect(await ok(await call('POST', '/keys/rotate', { as: 'admin', body: {} }))).toEqual({ step: 'activated', kid: published.kid });
    expect(server.keyring.currentKid).toBe(published.kid);

    await ok(await call('POST', '/keys/rotate', { as: 'admin' }));
    const forced = await ok<{ step: string }>(await call('POST', '/keys/rotate', { as: 'admin', body: { force: true } }));
    expect(forced.step).toBe('activated');
  });

  it('revokes a key at once, for admins only', async () => {
    const kid = server.keyring.currentKid!;
    await refused(call('POST', `/keys/${kid}/revoke`, { as: 'officer' }), 403, 'forbidden');
    await refused(call('POST', '/keys/no-such-key/revoke', { as: 'admin' }), 404, 'key_not_found');
    await refused(call('POST', `/keys/${kid}/revoke`, { as: 'admin', body: { kid } }), 400, 'unknown_field');
    const result = await ok<{ revoked: string; signingKid: string }>(await call('POST', `/keys/${kid}/revoke`, { as: 'admin' }));
    expect(result.revoked).toBe(kid);
    expect(result.signingKid).not.toBe(kid);
    const jwks = (await (await server.app.request('/.well-known/jwks.json')).json()) as { keys: Array<{ kid: string }> };
    expect(jwks.keys.map((k) => k.kid)).toEqual([result.signingKid]);
    await refused(call('POST', `/keys/${kid}/revoke`, { as: 'admin' }), 409, 'key_already_revoked');
  });

  // ── strict bodies ─────────────────────────────────────────────────────

  it('refuses bodies that are not UTF-8 or name a field twice, and stores text as NFC', async () => {
    const bytes = Buffer.concat([Buffer.from('{"id": "alpha", "name": "'), Buffer.from([0xff, 0xfe]), Buffer.from('", "country": "DE"}')]);
    await refused(server.app.request('/v1/admin/clusters', { method: 'POST', headers: { Authorization: `Bearer ${secrets.officer}`, 'Content-Type': 'application/json' }, body: bytes }), 400, 'malformed_json');
    expect(await refused(call('POST', '/clusters', { body: '{"id": "alpha", "name": "A", "country": "DE", "id": "beta"}' }), 400, 'duplicate_field')).toContain('"id"');
    // The same key spelt with an escape is the same key.
    await refused(call('POST', '/clusters', { body: '{"id": "alpha", "name": "A", "country": "DE", "\\u006eame": "B"}' }), 400, 'duplicate_field');
    const created = await ok<{ name: string }>(await call('POST', '/clusters', { body: { ...alpha, name: 'Cafe\u0301 Cluster' } }), 201);
    expect(created.name).toBe('Caf\u00e9 Cluster');
  });

  // ── versions ───────────────────────────────────────────────────────────

  it('gives every cluster an ETag, and refuses a change made on a stale one with 412', async () => {
    await createTestCluster(server, 'alpha');
    const read = await call('GET', '/clusters/alpha', { as: 'viewer' });
    const seen = read.headers.get('etag')!;
    expect(seen).toMatch(/^"[\w-]{22}"$/);
    expect((await call('GET', '/clusters/alpha', { as: 'viewer', headers: { 'If-None-Match': seen } })).status).toBe(304);

    // A colleague changes the cluster; the change made on the version seen before is refused.
    const colleague = await call('PATCH', '/clusters/alpha', { body: { name: 'Alpha Renamed' }, headers: { 'If-Match': seen } });
    await ok(colleague);
    const current = colleague.headers.get('etag')!;
    expect(current).not.toBe(seen);
    expect(current).toBe((await call('GET', '/clusters/alpha')).headers.get('etag'));
    await refused(call('PATCH', '/clusters/alpha', { body: { contactEmail: null }, headers: { 'If-Match': seen } }), 412, 'precondition_failed');
    await refused(call('POST', '/clusters/alpha/labels/award', { body: { level: 'gold' }, headers: { 'If-Match': seen } }), 412, 'precondition_failed');
    // A weak tag or a list never matches; `*` only asks that the cluster exists.
    await refused(call('PATCH', '/clusters/alpha', { body: { name: 'X' }, headers: { 'If-Match': `W/${current}` } }), 412, 'precondition_failed');
    await ok(await call('POST', '/clusters/alpha/labels/award', { body: { level: 'gold' }, headers: { 'If-Match': current } }), 201);
    await ok(await call('PATCH', '/clusters/alpha', { body: { name: 'Alpha Again' }, headers: { 'If-Match': '*' } }));
    // Without If-Match, as before: the change is made.
    await ok(await call('POST', '/clusters/alpha/labels/revoke', { body: { reason: 'Evidence withdrawn.' } }));
    expect((await server.registry.getCluster('alpha'))?.name).toBe('Alpha Again');
  });

  it('gives the lists and the key list an ETag; a key change on a stale key list is refused', async () => {
    await createTestCluster(server, 'alpha');
    for (const path of ['/clusters', '/labels/expiring', '/labels/awaiting-withdrawal', '/audit', '/audit/verify', '/keys']) {
      const response = await call('GET', path, { as: 'viewer' });
      const tag = response.headers.get('etag');
      expect(tag, path).toMatch(/^"[^"]+"$/);
      expect((await call('GET', path, { as: 'viewer', headers: { 'If-None-Match': tag! } })).status, path).toBe(304);
    }
    const seen = (await call('GET', '/keys', { as: 'admin' })).headers.get('etag')!;
    await ok(await call('POST', '/keys/rotate', { as: 'admin', headers: { 'If-Match': seen } }));
    await refused(call('POST', '/keys/rotate', { as: 'admin', body: { force: true }, headers: { 'If-Match': seen } }), 412, 'precondition_failed');
    const current = (await call('GET', '/keys', { as: 'admin' })).headers.get('etag')!;
    expect(await ok(await call('POST', '/keys/rotate', { as: 'admin', body: { force: true }, headers: { 'If-Match': current } }))).toMatchObject({ step: 'activated' });
    await refused(call('POST', `/keys/${server.keyring.currentKid}/revoke`, { as: 'admin', headers: { 'If-Match': current } }), 412, 'precondition_failed');
  });

  it('answers an unknown admin address with 404 for a token holder and 401 for anyone else', async () => {
    await refused(call('GET', '/nothing-here', { as: 'viewer' }), 404, 'not_found');
    await refused(server.app.request('/v1/admin/nothing-here'), 401, 'unauthorized');
  });
});
