import { afterEach, beforeEach, expect, it } from 'vitest';
import { eachCluster, parseSearchParams, searchClusters, type SearchQuery } from '../../server/registry/search.ts';
import { createTestCluster, describeEachDialect, startTestServer, testClock, type TestServer } from '../support/server.ts';

describeEachDialect('register search', (dialect) => {
  let server: TestServer;
  let clock: ReturnType<typeof testClock>;

  const search = (query: Partial<SearchQuery> = {}) =>
    searchClusters(server.database.db, server.database.dialect, { sort: 'name', page: 1, pageSize: 50, now: clock.now(), ...query });
  const ids = async (query: Partial<SearchQuery> = {}) => (await search(query)).items.map((item) => item.cluster.id);

  beforeEach(async () => {
    clock = testClock('2026-06-15T10:00:00Z');
    server = await startTestServer(dialect, { now: clock.now });
    await createTestCluster(server, 'nordlicht', { name: 'Nordlicht Photonics Cluster', country: 'DE' });
    await createTestCluster(server, 'tejo', { name: 'Tejo Maritime Innovation Cluster', country: 'PT' });
    await createTestCluster(server, 'alpenhof', { name: 'Alpenhof Food Valley Network', country: 'AT' });
    await createTestCluster(server, 'meseta', { name: 'Meseta Renewable Energy Cluster', country: 'ES' });
    await createTestCluster(server, 'rhone', { name: 'Rhône Digital Health Cluster', country: 'FR' });
    await server.registry.award('nordlicht', { level: 'bronze', awarded: '2026-01-10' }, 'test'); // until 2028-01-31
    await server.registry.award('tejo', { level: 'silver', awarded: '2025-03-01' }, 'test'); // until 2027-03-31
    await server.registry.award('alpenhof', { level: 'bronze', awarded: '2024-05-02' }, 'test'); // until 2026-05-31: expired, not swept
    await server.registry.award('meseta', { level: 'gold', awarded: '2026-02-01' }, 'test');
    await server.registry.revoke('meseta', { reason: 'Evidence incomplete.', note: 'internal' }, 'test');
  });
  afterEach(() => server.cleanup());

  it('finds names by every word, case-insensitively, anywhere in the name', async () => {
    expect(await ids({ text: 'photonics' })).toEqual(['nordlicht']);
    expect(await ids({ text: 'CLUSTER' })).toEqual(['meseta', 'nordlicht', 'rhone', 'tejo']);
    expect(await ids({ text: 'cluster maritime' })).toEqual(['tejo']);
    expect(await ids({ text: 'ritim' })).toEqual(['tejo']);
    expect(await ids({ text: 'rhône' })).toEqual(['rhone']);
    expect(await ids({ text: 'photonics maritime' })).toEqual([]);
  });

  it('matches a word of one or two characters at the start of a word in the name', async () => {
    expect(await ids({ text: 'fo' })).toEqual(['alpenhof']);
    expect(await ids({ text: 'En cluster' })).toEqual(['meseta']);
    expect(await ids({ text: 'gy' })).toEqual([]);
    expect(await ids({ text: 'n' })).toEqual(['alpenhof', 'nordlicht']);
  });

  it('searches for query syntax and wildcards as plain text', async () => {
    await createTestCluster(server, 'odd', { name: 'Cluster "NEAR" 100% A_B (OR) * x:y^' });
    for (const text of ['"near"', '100%', 'a_b', '(or)', '*', 'x:y^']) expect(await ids({ text }), text).toEqual(['odd']);
    // Neither % nor _ is a wildcard: as wildcards each of these would match.
    for (const text of ['NEAR(cluster', 'AND OR NOT', '100_', 'A%B', '%', '_']) expect(await ids({ text }), text).toEqual([]);
  });

  it('filters by country, level and the status a token would state', async () => {
    expect(await ids({ country: 'PT' })).toEqual(['tejo']);
    expect(await ids({ level: 'bronze' })).toEqual(['alpenhof', 'nordlicht']);
    expect(await ids({ status: 'valid' })).toEqual(['nordlicht', 'tejo']);
    // Past its last day a valid row reads expired, whether or not the sweep has run.
    expect(await ids({ status: 'expired' })).toEqual(['alpenhof']);
    expect(await ids({ status: 'revoked' })).toEqual(['meseta']);
    expect(await ids({ status: 'none' })).toEqual(['rhone']);
    expect(await ids({ level: 'bronze', status: 'valid', country: 'DE', text: 'nord' })).toEqual(['nordlicht']);
  });

  it('states each current label as a token would, never the internal note', async () => {
    const { items } = await search();
    const byId = Object.fromEntries(items.map((item) => [item.cluster.id, item.label]));
    expect(byId.nordlicht).toEqual({ status: 'valid', level: 'bronze', awarded: '2026-01-10', validUntil: '2028-01-31' });
    expect(byId.alpenhof).toMatchObject({ status: 'expired', level: 'bronze' });
    expect(byId.meseta).toEqual({ status: 'revoked', level: 'gold', awarded: '2026-02-01', validUntil: '2028-02-29', revokedAt: '2026-06-15T10:00:00.000Z', reason: 'Evidence incomplete.' });
    expect(byId.rhone).toEqual({ status: 'none' });
    expect(JSON.stringify(items)).not.toContain('internal');
    expect(JSON.stringify(items)).not.toContain('@');
  });

  it('follows every change to the current label in the same transaction', async () => {
    await server.registry.upgrade('nordlicht', { level: 'gold', awarded: '2026-06-01' }, 'test');
    expect(await ids({ level: 'bronze' })).toEqual(['alpenhof']);
    expect(await ids({ level: 'gold', status: 'valid' })).toEqual(['nordlicht']);
    await server.registry.renew('alpenhof', {}, 'test');
    expect(await ids({ status: 'expired' })).toEqual([]);
    // Tejo's silver ended 2027-03-31; Nordlicht's gold runs to 2028-06-30, Alpenhof's renewal to 2029-05-31.
    clock.set('2028-04-01T00:00:00Z');
    expect(await ids({ status: 'expired' })).toEqual(['tejo']);
    await server.registry.sweepExpired();
    await server.registry.withdraw('tejo', 'test');
    expect((await server.registry.getCurrentLabel('tejo'))!.status).toBe('withdrawn');
    // A withdrawn label reads expired.
    expect(await ids({ status: 'expired' })).toEqual(['tejo']);
    expect(await ids({ status: 'valid' })).toEqual(['alpenhof', 'nordlicht']);
  });

  it('finds a renamed cluster by its new name only', async () => {
    await server.registry.updateCluster('tejo', { name: 'Atlantic Blue Economy Cluster' }, 'test');
    expect(await ids({ text: 'maritime' })).toEqual([]);
    expect(await ids({ text: 'atlantic' })).toEqual(['tejo']);
  });

  it('sorts, and pages without overlap; a page past the end is empty but counts', async () => {
    expect(await ids({ sort: '-name' })).toEqual(['tejo', 'rhone', 'nordlicht', 'meseta', 'alpenhof']);
    expect(await ids({ sort: 'country' })).toEqual(['alpenhof', 'nordlicht', 'meseta', 'rhone', 'tejo']);
    // Clusters without a label come last in both directions.
    expect(await ids({ sort: 'valid-until' })).toEqual(['alpenhof', 'tejo', 'nordlicht', 'meseta', 'rhone']);
    expect(await ids({ sort: '-valid-until' })).toEqual(['meseta', 'nordlicht', 'tejo', 'alpenhof', 'rhone']);
    const pages = await Promise.all([1, 2, 3].map((page) => search({ pageSize: 2, page })));
    expect(pages.map((p) => p.items.map((item) => item.cluster.id))).toEqual([['alpenhof', 'meseta'], ['nordlicht', 'rhone'], ['tejo']]);
    expect(pages.every((p) => p.total === 5)).toBe(true);
    expect(await search({ page: 9, pageSize: 2 })).toEqual({ items: [], total: 5 });
  });

  it('walks every match in id order, one batch at a time', async () => {
    const batches: string[][] = [];
    for await (const batch of eachCluster(server.database.db, server.database.dialect, { text: 'cluster' }, clock.now(), 2)) {
      batches.push(batch.map((entry) => entry.cluster.id));
    }
    expect(batches).toEqual([['meseta', 'nordlicht'], ['rhone', 'tejo']]);
  });
});

it('reads the query of an address and rejects what it cannot mean', () => {
  const now = new Date('2026-06-15T10:00:00Z');
  const parse = (query: string) => parseSearchParams(new URLSearchParams(query), { pageSize: 25, now });
  expect(parse('q=+photonics+&country=de&level=gold&status=valid&sort=-name&page=3&pageSize=10')).toEqual({
    text: 'photonics',
    country: 'DE',
    level: 'gold',
    status: 'valid',
    sort: '-name',
    page: 3,
    pageSize: 10,
    now,
  });
  expect(parse('country=&level=')).toMatchObject({ country: undefined, level: undefined, sort: 'name', page: 1, pageSize: 25 });
  for (const bad of ['level=platinum', 'status=withdrawn', 'country=DEU', 'sort=id', 'page=0', 'page=1.5', 'pageSize=101', `q=${'x'.repeat(201)}`]) {
    expect(() => parse(bad), bad).toThrow(expect.objectContaining({ code: 'invalid_query', status: 400 }));
  }
});
