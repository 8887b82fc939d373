import { afterEach, beforeEach, expect, it } from 'vitest';
import { csvCell, CSV_COLUMNS } from '../../server/routes/open-data.ts';
import { parseScheme } from '../../server/domain/schemes.ts';
import { KOMPASS } from '../../server/seed.ts';
import { createTestCluster, describeEachDialect, startTestServer, testClock, type TestServer } from '../support/server.ts';

const MARKUP = '<script>alert("x")</script> Cluster';
const FORMULA = '=HYPERLINK("https://evil.example","win")';

/** Parses RFC 4180 CSV (every cell quoted, as ours are). */
function parseCsv(body: string): string[][] {
  const rows: string[][] = [];
  for (const line of body.split('\r\n').filter(Boolean)) {
    const cells = [...line.matchAll(/"((?:[^"]|"")*)"|([^,]+)/g)].map((m) => (m[1] !== undefined ? m[1].replaceAll('""', '"') : m[2]!));
    rows.push(cells);
  }
  return rows;
}

describeEachDialect('open data', (dialect) => {
  let server: TestServer;
  const get = (path: string) => server.app.request(path, { headers: { Origin: 'https://elsewhere.example' } });

  beforeEach(async () => {
    const clock = testClock('2026-06-15T10:00:00Z');
    server = await startTestServer(dialect, { now: clock.now });
    await createTestCluster(server, 'nordlicht', { name: 'Nordlicht Photonics Cluster' });
    await server.registry.award('nordlicht', { level: 'silver', awarded: '2026-03-05' }, 'test');
    await createTestCluster(server, 'markup', { name: MARKUP, country: 'FR' });
    await createTestCluster(server, 'formula', { name: FORMULA, country: 'FR' });
    await server.registry.award('formula', { level: 'gold', awarded: '2026-01-15' }, 'test');
    await server.registry.revoke('formula', { reason: '-1 point; @office', note: 'SECRET-INTERNAL-NOTE' }, 'test');
  });
  afterEach(() => server.cleanup());

  it('serves a page of the register as JSON, to any site', async () => {
    type Page = { items: Array<Record<string, unknown>>; total: number; page: number; pageSize: number };
    const response = await get('/v1/clusters?pageSize=2&page=1');
    expect(response.status).toBe(200);
    expect(response.headers.get('Access-Control-Allow-Origin')).toBe('*');
    expect(response.headers.get('Cross-Origin-Resource-Policy')).toBe('cross-origin');
    const first = (await response.json()) as Page;
    const second = (await (await get('/v1/clusters?pageSize=2&page=2')).json()) as Page;
    expect(first).toMatchObject({ total: 3, page: 1, pageSize: 2 });
    expect(second).toMatchObject({ total: 3, page: 2, pageSize: 2 });
    expect([...first.items, ...second.items].map((item) => item.id).sort()).toEqual(['formula', 'markup', 'nordlicht']);

    const body = (await (await get('/v1/clusters?country=DE')).json()) as Page;
    expect(body).toMatchObject({ total: 1, page: 1, pageSize: 50 });
    expect(body.items[0]).toEqual({
      id: 'nordlicht',
      name: 'Nordlicht Photonics Cluster',
      organisation: 'Test organisation',
      country: 'DE',
      portfolio: 'Testing',
      sites: ['https://www.example.org'],
      label: { status: 'valid', level: 'silver', awarded: '2026-03-05', validUntil: '2028-03-31' },
      labels: [{ scheme: 'ecei', status: 'valid', level: 'silver', awarded: '2026-03-05', validUntil: '2028-03-31' }],
      url: 'https://issuer.test/clusters/nordlicht',
    });
  });

  it('states every scheme’s current label, in JSON as the token’s `labels` and in CSV as columns per scheme', async () => {
    await server.registry.schemes.put(parseScheme(KOMPASS), 'test');
    await server.registry.award('markup', { scheme: 'kompass', level: 'member', awarded: '2025-02-10' }, 'test');
    await server.registry.award('formula', { scheme: 'kompass', level: 'member', awarded: '2026-02-10' }, 'test');
    await server.registry.revoke('formula', { scheme: 'kompass', reason: 'Criteria not met', note: 'SECRET-KOMPASS-NOTE' }, 'test');

    type Page = { items: Array<{ id: string; label: unknown; labels: unknown }> };
    const page = (await (await get('/v1/clusters?sort=name')).json()) as Page;
    const byId = Object.fromEntries(page.items.map((item) => [item.id, item]));
    expect(byId.markup).toMatchObject({ label: { status: 'none' }, labels: [{ scheme: 'kompass', status: 'valid', level: 'member', awarded: '2025-02-10', validUntil: '2028-02-29' }] });
    expect(byId.formula?.labels).toEqual([
      { scheme: 'ecei', status: 'revoked', level: 'gold', awarded: '2026-01-15', validUntil: '2028-01-31', revokedAt: expect.any(String), reason: '-1 point; @office' },
      { scheme: 'kompass', status: 'revoked', level: 'member', awarded: '2026-02-10', validUntil: '2029-02-28', revokedAt: expect.any(String), reason: 'Criteria not met' },
    ]);
    expect(byId.nordlicht?.labels).toEqual([{ scheme: 'ecei', status: 'valid', level: 'silver', awarded: '2026-03-05', validUntil: '2028-03-31' }]);

    const body = await (await get('/v1/clusters.csv')).text();
    expect(body).not.toContain('SECRET-KOMPASS-NOTE');
    const [header, ...rows] = parseCsv(body);
    expect(header).toEqual([...CSV_COLUMNS, 'kompass_level', 'kompass_status', 'kompass_awarded', 'kompass_valid_until', 'kompass_revoked_at', 'kompass_revocation_reason']);
    const csv = Object.fromEntries(rows.map((row) => [row[0], Object.fromEntries(header!.map((column, i) => [column, row[i]]))]));
    expect(csv.markup).toMatchObject({ status: 'none', level: '', kompass_level: 'member', kompass_status: 'valid', kompass_valid_until: '2028-02-29', kompass_revoked_at: '' });
    expect(csv.formula).toMatchObject({ status: 'revoked', kompass_status: 'revoked', kompass_revocation_reason: 'Criteria not met' });
    expect(csv.nordlicht).toMatchObject({ status: 'valid', kompass_level: '', kompass_status: 'none', kompass_valid_until: '' });
  });

  it('filters the JSON as the register does, and keeps hostile names as data', async () => {
    const body = (await (await get('/v1/clusters?country=fr&status=revoked')).json()) as { items: Array<{ name: string; label: unknown }>; total: number };
    expect(body.total).toBe(1);
    expect(body.items[0]!.name).toBe(FORMULA);
    expect(body.items[0]!.label).toEqual({ status: 'revoked', level: 'gold', awarded: '2026-01-15', validUntil: '2028-01-31', revokedAt: '2026-06-15T10:00:00.000Z', reason: '-1 point; @office' });
    const markup = (await (await get('/v1/clusters?status=none')).json()) as { items: Array<{ name: string }> };
    expect(markup.items.map((item) => item.name)).toEqual([MARKUP]);
  });

  it('pages on by the `next` link: every match once, in order, filters kept, null on the last page', async () => {
    type Page = { items: Array<{ id: string }>; total: number; page?: number; pageSize: number; next: string | null };
    for (const address of ['/v1/clusters?pageSize=1', '/v1/clusters?pageSize=2&sort=-valid-until', '/v1/clusters?sort=country&country=fr&pageSize=1&page=1']) {
      const everything = (await (await get(address.replace(/pageSize=\d+/, 'pageSize=100'))).json()) as Page;
      const seen: string[] = [];
      let next: string | null = address;
      let first = true;
      while (next !== null && seen.length < 10) {
        const response = await get(next.replace('https://issuer.test', ''));
        expect(response.status, next).toBe(200);
        expect(response.headers.get('Access-Control-Allow-Origin')).toBe('*');
        const page = (await response.json()) as Page;
        expect(page.total, next).toBe(everything.total);
        // A page reached by cursor has no number.
        expect(page.page, next).toBe(first ? 1 : undefined);
        seen.push(...page.items.map((item) => item.id));
        if (page.next !== null) {
          expect(page.next).toMatch(/^https:\/\/issuer\.test\/v1\/clusters\?/);
          expect(new URL(page.next).searchParams.has('page')).toBe(false);
        }
        next = page.next;
        first = false;
      }
      expect(seen, address).toEqual(everything.items.map((item) => item.id));
    }
    expect(((await (await get('/v1/clusters')).json()) as Page).next).toBeNull();
  });

  it('refuses an `after` it did not hand out with a JSON 400 naming the parameter', async () => {
    const { next } = (await (await get('/v1/clusters?pageSize=1')).json()) as { next: string };
    const cursor = new URL(next).searchParams.get('after')!;
    for (const query of ['after=', 'after=%00', 'after=not-a-cursor', `after=${cursor}&sort=-name`, `after=${cursor}&page=2`, `after=${cursor.slice(0, -2)}`, `after=${'A'.repeat(5000)}`]) {
      const response = await get(`/v1/clusters?${query}`);
      expect(response.status, query).toBe(400);
      expect(response.headers.get('Access-Control-Allow-Origin')).toBe('*');
      const { error } = (await response.json()) as { error: { code: string; message: string } };
      expect(error.code, query).toBe('invalid_query');
      expect(error.message, query).toMatch(/"after"/);
    }
  });

  it('answers a bad filter with a JSON 400 that other sites can read', async () => {
    const response = await get('/v1/clusters?level=platinum');
    expect(response.status).toBe(400);
    expect(response.headers.get('Access-Control-Allow-Origin')).toBe('*');
    expect(await response.json()).toEqual({ error: { code: 'invalid_query', message: 'The parameter "level" must be bronze, silver or gold.' } });
    expect((await get('/v1/clusters.csv?status=maybe')).status).toBe(400);
    // PostgreSQL refuses NUL in text: it must be turned away before the database sees it.
    for (const path of ['/v1/clusters?q=a%00b', '/v1/clusters.csv?q=a%00b', '/clusters?q=a%00b']) expect((await get(path)).status, path).toBe(400);
  });

  it('streams every match as CSV, formulas neutralised and no internal note', async () => {
    const response = await get('/v1/clusters.csv');
    expect(response.status).toBe(200);
    expect(response.headers.get('Content-Type')).toBe('text/csv; charset=utf-8; header=present');
    expect(response.headers.get('Access-Control-Allow-Origin')).toBe('*');
    expect(response.headers.get('Cross-Origin-Resource-Policy')).toBe('cross-origin');
    expect(response.body).toBeInstanceOf(ReadableStream);
    const body = await response.text();
    expect(body).not.toContain('SECRET-INTERNAL-NOTE');
    const [header, ...rows] = parseCsv(body);
    expect(header).toEqual([...CSV_COLUMNS]);
    expect(rows.map((row) => row[0])).toEqual(['formula', 'markup', 'nordlicht']);
    const byId = Object.fromEntries(rows.map((row) => [row[0], Object.fromEntries(header!.map((column, i) => [column, row[i]]))]));
    expect(byId.formula).toMatchObject({ name: `'${FORMULA}`, status: 'revoked', level: 'gold', revocation_reason: "'-1 point; @office" });
    expect(byId.markup).toMatchObject({ name: MARKUP, status: 'none', level: '', valid_until: '' });
    expect(byId.nordlicht).toMatchObject({ country: 'DE', sites: 'https://www.example.org', valid_until: '2028-03-31', url: 'https://issuer.test/clusters/nordlicht' });
  });

  it('lists the clusters holding a label of the scheme asked for, beside the other filters', async () => {
    await server.registry.schemes.put(parseScheme(KOMPASS), 'test');
    await server.registry.award('markup', { scheme: 'kompass', level: 'member', awarded: '2025-02-10' }, 'test');
    await server.registry.award('formula', { scheme: 'kompass', level: 'member', awarded: '2026-02-10' }, 'test');
    await server.registry.revoke('formula', { scheme: 'kompass', reason: 'Criteria not met', note: null }, 'test');
    const ids = async (query: string) => ((await (await get(`/v1/clusters?${query}`)).json()) as { items: Array<{ id: string }> }).items.map((item) => item.id).sort();
    expect(await ids('scheme=kompass')).toEqual(['formula', 'markup']);
    expect(await ids('scheme=ecei')).toEqual(['formula', 'nordlicht']);
    expect(await ids('scheme=kompass&status=revoked')).toEqual(['formula']);
    expect(await ids('scheme=kompass&country=DE')).toEqual([]);
    expect(await ids('scheme=elsewhere')).toEqual([]);
    const total = async (query: string) => ((await (await get(`/v1/clusters?${query}`)).json()) as { total: number }).total;
    expect(await total('scheme=kompass')).toBe(2);
    expect(await total('scheme=ecei')).toBe(2);
    const csv = parseCsv(await (await get('/v1/clusters.csv?scheme=kompass')).text());
    expect(csv.slice(1).map((row) => row[0])).toEqual(['formula', 'markup']);
    const refused = await get('/v1/clusters?scheme=Not%20A%20Scheme');
    expect(refused.status).toBe(400);
    expect(await refused.json()).toMatchObject({ error: { code: 'invalid_query', message: expect.stringContaining('scheme') } });
  });

  it('applies the same filters to the CSV', async () => {
    const rows = parseCsv(await (await get('/v1/clusters.csv?q=photonics&level=silver')).text());
    expect(rows.slice(1).map((row) => row[0])).toEqual(['nordlicht']);
  });
});

it('neutralises every cell a spreadsheet would run as a formula', () => {
  for (const start of ['=', '+', '-', '@', '\t', '\r']) expect(csvCell(`${start}SUM(A1)`)).toBe(`"'${start}SUM(A1)"`);
  expect(csvCell('say "hi", then go')).toBe('"say ""hi"", then go"');
  expect(csvCell('plain')).toBe('"plain"');
});
