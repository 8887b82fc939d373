import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ApiTokens } from '../../server/auth/tokens.ts';
import { describeEachDialect, startTestServer, testClock, type TestServer } from '../support/server.ts';

/**
 * Hostile input to the admin API. Every refusal is JSON `{error: {code, message}}` with a
 * snake_case code, never a 500 or a stack trace, and leaves the audit head where it was; every
 * acceptance adds exactly one audit entry.
 */

const RUNS = Number(process.env.FUZZ_RUNS ?? 60);

describeEachDialect('hostile admin input', (dialect) => {
  let server: TestServer;
  let secret = '';

  beforeAll(async () => {
    server = await startTestServer(dialect, { now: testClock('2026-06-15T10:00:00Z').now });
    secret = (await new ApiTokens(server.database, server.keyring, server.now).create('fuzz', 'admin', 'test')).secret;
    const created = await call('POST', '/clusters', { id: 'alpha', name: 'Alpha', country: 'DE', sites: ['https://www.alpha.example'] });
    expect(created.status).toBe(201);
    expect((await call('POST', '/clusters/alpha/labels/award', { level: 'silver', awarded: '2026-03-01' })).status).toBe(201);
  });
  afterAll(() => server.cleanup());

  function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
    return server.app.request(`/v1/admin${path}`, {
      method,
      headers: { Authorization: `Bearer ${secret}`, 'Content-Type': 'application/json', ...headers },
      ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
  }

  /** A refusal with a stable code, no trace of the server's insides, and nothing changed. */
  async function refused(method: string, path: string, body: unknown, status: number | number[], code?: string | string[]) {
    const before = await server.registry.auditHead();
    const response = await call(method, path, body);
    const text = await response.text();
    expect([status].flat(), `${method} ${path} ${String(JSON.stringify(body)).slice(0, 200)} → ${response.status} ${text.slice(0, 300)}`).toContain(response.status);
    const { error } = JSON.parse(text) as { error: { code: string; message: string } };
    expect(error.code).toMatch(/^[a-z][a-z0-9_]*$/);
    if (code) expect([code].flat(), error.message).toContain(error.code);
    expect(error.message.length).toBeGreaterThan(10);
    expect(text).not.toMatch(/\bat .*\.(ts|js):\d+|node_modules|Error:/);
    expect(await server.registry.auditHead()).toEqual(before);
    return error;
  }

  const MUTATIONS: [string, string, readonly string[]][] = [
    ['POST', '/clusters', ['id', 'name', 'organisation', 'country', 'portfolio', 'sites', 'contactEmail']],
    ['PATCH', '/clusters/alpha', ['name', 'organisation', 'country', 'portfolio', 'sites', 'contactEmail']],
    ['POST', '/clusters/alpha/labels/award', ['level', 'awarded', 'validUntil', 'assessmentRef']],
    ['POST', '/clusters/alpha/labels/upgrade', ['level', 'awarded', 'validUntil', 'assessmentRef']],
    ['POST', '/clusters/alpha/labels/renew', ['validUntil', 'assessmentRef']],
    ['POST', '/clusters/alpha/labels/revoke', ['reason', 'note']],
  ];

  it('wrong types in every field of every body are refused with 400 and a stable code', async () => {
    const wrong: unknown[] = [42, -1.5, true, false, null, [], ['x'], {}, { a: 1 }, 1e308, '\u0000'];
    for (const [method, path, fields] of MUTATIONS) {
      for (const field of fields) {
        for (const value of wrong) {
          // An empty value may count as absent; what matters is that nothing bad is accepted.
          const before = await server.registry.auditHead();
          const response = await call(method, path, { [field]: value });
          if (response.status < 400) {
            // The only acceptable successes: null for an optional field (read as absent) and an empty list of sites.
            const harmless = value === null || (field === 'sites' && Array.isArray(value) && value.length === 0);
            expect(harmless, `${method} ${path} ${field}=${JSON.stringify(value)} was accepted`).toBe(true);
            continue;
          }
          expect(response.status, `${method} ${path} ${field}=${JSON.stringify(value)}`).toBeLessThan(500);
          const { error } = (await response.json()) as { error: { code: string } };
          expect(error.code).toMatch(/^[a-z][a-z0-9_]*$/);
          expect(await server.registry.auditHead()).toEqual(before);
        }
      }
    }
  });

  it('random JSON bodies: never a 500; a refusal changes nothing; an acceptance is exactly one audit entry', async () => {
    const value = fc.oneof(
      fc.jsonValue({ maxDepth: 3 }),
      fc.string({ unit: 'binary', maxLength: 40 }),
      fc.constantFrom('gold', 'silver', 'bronze', '2026-02-30', '2027-12-31', 'DE', 'https://www.alpha.example', 'x@y.example', ''),
    );
    const body = fc.oneof(
      fc.tuple(fc.constantFrom(...MUTATIONS), fc.dictionary(fc.string({ maxLength: 12 }), value, { maxKeys: 4 })).map(([route, extra]) => ({ route, body: extra as unknown })),
      fc.tuple(fc.constantFrom(...MUTATIONS), fc.constantFrom(...MUTATIONS.flatMap(([, , f]) => f)), value).map(([route, field, v]) => ({ route, body: { [field]: v } as unknown })),
      fc.tuple(fc.constantFrom(...MUTATIONS), fc.jsonValue({ maxDepth: 4 })).map(([route, v]) => ({ route, body: v as unknown })),
    );
    await fc.assert(
      fc.asyncProperty(body, async ({ route: [method, path], body }) => {
        const before = await server.registry.audit({ limit: 1 });
        const response = await call(method, path, body === undefined ? 'null' : JSON.stringify(body));
        const text = await response.text();
        if (response.status >= 500 || /\bat .*\.(ts|js):\d+/.test(text)) return false;
        const after = await server.registry.audit({ limit: 2 });
        if (response.status >= 400) {
          const { error } = JSON.parse(text) as { error: { code: string } };
          return /^[a-z][a-z0-9_]*$/.test(error.code) && after[0]?.seq === before[0]?.seq;
        }
        return after[0]!.seq === before[0]!.seq + 1;
      }),
      { numRuns: RUNS },
    );
  });

  it('huge and deeply nested JSON is refused with 413 or 400 before it costs anything', async () => {
    await refused('POST', '/clusters', `{"id":"big","name":"${'x'.repeat(70_000)}","country":"DE"}`, 413, 'payload_too_large');
    await refused('POST', '/clusters', '{"a":'.repeat(20_000) + '1' + '}'.repeat(20_000), 413, 'payload_too_large');
    for (const [method, path] of MUTATIONS) {
      await refused(method, path, '['.repeat(9) + ']'.repeat(9), 400, 'json_too_deep');
      await refused(method, path, `{"name":${'{"a":'.repeat(10)}1${'}'.repeat(10)}}`, 400, 'json_too_deep');
      // Brackets inside strings do not count, and an escaped quote does not end a string early.
      await refused(method, path, `{"zz":"\\"${'['.repeat(100)}"}`, 400, 'unknown_field');
    }
    // A key sent twice is refused before anything else is read of the body.
    await refused('POST', '/clusters', `{"id":"a","id":"b",${'"k":1,'.repeat(5000)}"name":"x"}`, 400, 'duplicate_field');
  });

  it('unicode edge cases: controls, lone surrogates and bidi overrides refused; emoji and combining marks kept as given (NFC)', async () => {
    const bad = ['Nul\u0000Cluster', 'Bell\u0007', 'Esc\u001b[31m', 'Del\u007f', 'C1\u0085next', 'Lone \ud800 high', 'Lone \udfff low', 'Reversed \u202eanil\u202c', 'Isolate \u2066x\u2069', 'Embed \u202bx\u202c', 'Line\u2028sep'];
    for (const name of bad) {
      await refused('POST', '/clusters', { id: 'uni', name, country: 'DE' }, 400, 'invalid_field');
      await refused('PATCH', '/clusters/alpha', { name }, 400, 'invalid_field');
      await refused('POST', '/clusters/alpha/labels/award', { level: 'gold', assessmentRef: name }, 400, 'invalid_field');
    }
    await refused('POST', '/clusters/alpha/labels/revoke', { reason: 'Because \u202eetaerf' }, 400, 'invalid_field');

    const good = [['Cluster 🚀🧬 Nord', 'Cluster 🚀🧬 Nord'], ['Cafe\u0301 Cluster', 'Café Cluster'], ['Zürich ﷽ クラスター', 'Zürich ﷽ クラスター'], ['مجموعة التجمع', 'مجموعة التجمع']];
    for (const [index, [given, stored]] of good.entries()) {
      const id = `uni-${index}`;
      const response = await call('POST', '/clusters', { id, name: given, country: 'DE' });
      expect(response.status, await response.clone().text()).toBe(201);
      expect(((await response.json()) as { name: string }).name).toBe(stored);
      expect(((await (await call('GET', `/clusters/${id}`)).json()) as { name: string }).name).toBe(stored);
    }
  });

  it('ids with path tricks find no cluster and change nothing', async () => {
    const nameBefore = (await server.registry.getCluster('alpha'))?.name;
    const tricks = ['..', '%2e%2e', '..%2f..%2fkeys', '%2e%2e%2f%2e%2e%2fkeys', 'alpha%00', 'alpha%2500', 'ALPHA', 'Alpha', 'alpha%20', '%20alpha', 'alpha.', 'a'.repeat(65), 'a'.repeat(5000), '-alpha', 'alpha-', '%u0061lpha', 'alpha%0a', 'al%70ha%3b'];
    for (const id of tricks) {
      for (const [method, suffix, body] of [['GET', '', undefined], ['PATCH', '', { name: 'Hijacked' }], ['POST', '/labels/revoke', { reason: 'Hijacked by a path trick' }], ['POST', '/labels/award', { level: 'gold' }]] as const) {
        const before = await server.registry.auditHead();
        const response = await call(method, `/clusters/${id}${suffix}`, body);
        expect([404, 400], `${method} /clusters/${id}${suffix}`).toContain(response.status);
        const { error } = (await response.json()) as { error: { code: string } };
        expect(['cluster_not_found', 'not_found']).toContain(error.code);
        expect(await server.registry.auditHead()).toEqual(before);
      }
    }
    // `al%70ha` is alpha once decoded: the id is compared after URL decoding, exactly once.
    expect((await server.registry.getCluster('alpha'))?.name).toBe(nameBefore);
  });

  it('a hostile name stored through the API is text on every surface', async () => {
    const name = '<script>alert(1)</script><img src=x onerror=alert(2)> =HYPERLINK("https://evil.example") 🚀 &amp; "quoted" \'single\'';
    expect((await call('POST', '/clusters', { id: 'hostile', name, country: 'DE', sites: ['https://www.hostile.example'] })).status).toBe(201);
    expect((await call('POST', '/clusters/hostile/labels/award', { level: 'gold', awarded: '2026-03-01' })).status).toBe(201);

    for (const path of ['/clusters', '/clusters?q=script', '/clusters/hostile']) {
      const html = await (await server.app.request(path)).text();
      expect(html, path).not.toMatch(/<script>alert|<img src=x/);
      expect(html, path).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    }
    const json = (await (await server.app.request('/v1/clusters')).json()) as { items: { id: string; name: string }[] };
    expect(json.items.find((i) => i.id === 'hostile')?.name).toBe(name);
    const csv = await (await server.app.request('/v1/clusters.csv')).text();
    expect(csv).not.toMatch(/(^|,)"?=HYPERLINK/m);
    expect(csv).toContain('<script>alert(1)</script>');
    const svg = await (await server.app.request('/v1/clusters/hostile/badge.svg')).text();
    expect(svg).not.toMatch(/<script|<img/);
    expect(svg).toContain('&#60;script&#62;alert(1)&#60;/script&#62;&#60;img src=x onerror=alert(2)&#62;');
    const token = await (await server.app.request('/v1/clusters/hostile/attestation')).text();
    const claims = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8')) as { cluster: { name: string } };
    expect(claims.cluster.name).toBe(name);
  });

  it('query parameters that are not numbers or are absurdly long are refused', async () => {
    for (const query of ['page=0', 'page=-1', 'page=1e3', 'page=0x10', 'pageSize=201', 'pageSize=NaN', `page=${'9'.repeat(40)}`]) {
      await refused('GET', `/clusters?${query}`, undefined, 400, 'invalid_query');
    }
    await refused('GET', `/audit?subject=${'x'.repeat(300)}`, undefined, 400, 'invalid_query');
    await refused('GET', '/labels/expiring?days=3661', undefined, 400, 'invalid_query');
    // A NUL byte is refused before it reaches the database (PostgreSQL cannot take one in text).
    await refused('GET', '/audit?subject=a%00b', undefined, 400, 'invalid_query');
    await refused('GET', '/audit?action=a%00b', undefined, 400, 'invalid_query');
    await refused('POST', '/keys/a%00b/revoke', undefined, 404, 'key_not_found');
    await refused('POST', `/keys/${'k'.repeat(42)}%00/revoke`, undefined, 404, 'key_not_found');
  });
});
