import { afterEach, beforeEach, expect, it } from 'vitest';
import { eachCluster, encodeCursor, matchCounts, parseCursor, parseSearchParams, searchClusters, SORTS, type Cursor, type SearchQuery } from '../../server/registry/search.ts';
import { createTestCluster, describeEachDialect, startTestServer, testClock, type TestServer } from '../support/server.ts';
import { seedRegister } from '../bench/register.ts';

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

  /** Every page from the first, each starting after the previous one's `next`; `between` runs between pages. */
  async function walk(query: Partial<SearchQuery>, between: (page: number) => Promise<void> = async () => {}) {
    const pages: string[][] = [];
    let after: Cursor | undefined;
    do {
      const result = await search({ ...query, after });
      pages.push(result.items.map((item) => item.cluster.id));
      after = result.next;
      if (after) await between(pages.length);
    } while (after && pages.length < 100);
    return pages;
  }

  /** Two clusters that tie on name and on end date, so only the id tells them apart. */
  async function addTwins() {
    for (const id of ['twin-b', 'twin-a']) {
      await createTestCluster(server, id, { name: 'Twin Cluster' });
      await server.registry.award(id, { level: 'silver', awarded: '2025-03-01' }, 'test'); // until 2027-03-31, as tejo
    }
  }

  it('walks every order from cursor to cursor: each match once, in the order pages by number show', async () => {
    await addTwins();
    for (const sort of SORTS) {
      const all = await ids({ sort });
      expect(all, sort).toHaveLength(7);
      for (const pageSize of [1, 2, 3, 7]) {
        const pages = await walk({ sort, pageSize });
        expect(pages.flat(), `${sort} by ${pageSize}`).toEqual(all);
        // Full pages but the last, and no empty page at the end: `next` is absent exactly on the last page.
        expect(pages.slice(0, -1).every((page) => page.length === pageSize), `${sort} by ${pageSize}`).toBe(true);
        expect(pages.at(-1)!.length, `${sort} by ${pageSize}`).toBeGreaterThan(0);
      }
    }
  });

  it('keeps applying the filters along a walk, with the total of all matches on every page', async () => {
    await addTwins();
    for (const filters of [{ status: 'valid' }, { text: 'cluster' }, { level: 'silver', status: 'valid' }, { country: 'DE' }, { status: 'none' }] as const) {
      for (const sort of SORTS) {
        const all = await ids({ ...filters, sort });
        const pages = await walk({ ...filters, sort, pageSize: 2 });
        expect(pages.flat(), `${JSON.stringify(filters)} ${sort}`).toEqual(all);
      }
    }
    const { total } = await search({ status: 'valid', pageSize: 1, after: { sort: 'name', key: ['Nordlicht Photonics Cluster', 'nordlicht'] } });
    expect(total).toBe(4);
  });

  it('keeps a count between changes and forgets it at the next change to a cluster or a label', async () => {
    const counts = matchCounts(server.database.changes);
    const total = async (query: Partial<SearchQuery>) => (await searchClusters(server.database.db, dialect, { sort: 'name', page: 1, pageSize: 2, now: clock.now(), ...query }, counts)).total;
    expect(await total({ text: 'cluster' })).toBe(4);
    expect(await total({ status: 'valid' })).toBe(2);
    await createTestCluster(server, 'fjord', { name: 'Fjord Cluster' });
    expect(await total({ text: 'cluster' })).toBe(5);
    await server.registry.award('fjord', { level: 'gold', awarded: '2026-05-04' }, 'test');
    expect(await total({ status: 'valid' })).toBe(3);
    // A label's status turns with the date: a count made yesterday is not today's.
    clock.set('2028-02-01T10:00:00Z');
    expect(await total({ status: 'valid' })).toBe(1);
  });

  it('walks on correctly while clusters are added: each cluster once, in order, none missed', async () => {
    for (const sort of SORTS) {
      const before = await ids({ sort });
      const pages = await walk({ sort, pageSize: 2 }, async (page) => {
        if (page > 2) return;
        // By name, "Aaa…" joins behind the cursor and "Zzz…" ahead of it.
        const tag = `${sort.replace('-', 'desc-')}-${page}`;
        await createTestCluster(server, `early-${tag}`, { name: `Aaa ${tag}`, country: 'AT' });
        await createTestCluster(server, `late-${tag}`, { name: `Zzz ${tag}`, country: 'SE' });
      });
      const walked = pages.flat();
      expect(new Set(walked).size, sort).toBe(walked.length);
      const now = await ids({ sort, pageSize: 100 });
      expect(walked, sort).toEqual(now.filter((id) => walked.includes(id)));
      expect(before.filter((id) => !walked.includes(id)), sort).toEqual([]);
      if (sort === 'name') expect(walked.filter((id) => /^(early|late)-/.test(id))).toEqual(['late-name-1', 'late-name-2']);
    }
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
  expect(parse('q=two%09words%0Aok')).toMatchObject({ text: 'two\twords\nok' });
  expect(parse('country=&level=')).toMatchObject({ country: undefined, level: undefined, sort: 'name', page: 1, pageSize: 25 });
  for (const bad of ['level=platinum', 'status=withdrawn', 'country=DEU', 'sort=id', 'page=0', 'page=1.5', 'pageSize=101', `q=${'x'.repeat(201)}`, 'q=a%00b', 'q=esc%1B[31m', 'q=c1%C2%85x']) {
    expect(() => parse(bad), bad).toThrow(expect.objectContaining({ code: 'invalid_query' }));
  }
});

it('reads back the cursors it hands out, and refuses every other "after"', () => {
  const cursors: Cursor[] = [
    { sort: 'name', key: ['Nordlicht Photonics Cluster', 'nordlicht'] },
    { sort: '-name', key: ['Zürich ﷽ クラスター "quoted" 🚀', 'z'] },
    { sort: 'country', key: ['DE', 'Nordlicht', 'nordlicht'] },
    { sort: 'valid-until', key: ['2028-01-31', 'Nordlicht', 'nordlicht'] },
    { sort: '-valid-until', key: [null, 'Rhône', 'rhone'] },
  ];
  const read = (after: string, sort = 'name', extra = '') => parseCursor(new URLSearchParams(`after=${after}${extra}`), sort as Cursor['sort']);
  for (const cursor of cursors) {
    const encoded = encodeCursor(cursor);
    expect(encoded).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(read(encoded, cursor.sort)).toEqual(cursor);
  }
  expect(parseCursor(new URLSearchParams('page=2'), 'name')).toBeUndefined();

  const json = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const refused: Array<[string, string?, string?]> = [
    [''],
    ['not base64!'],
    ['%00'],
    [json(['name', 'Nordlicht', 'nordlicht']).slice(0, -3)],
    [encodeCursor(cursors[0]!), '-name'],
    [encodeCursor(cursors[3]!), '-valid-until'],
    [encodeCursor(cursors[0]!), 'name', '&page=2'],
    [json({ sort: 'name', key: ['a', 'b'] })],
    [json(['name', 'Nordlicht'])],
    [json(['name', 'Nordlicht', 'nordlicht', 'extra'])],
    [json(['name', 42, 'nordlicht'])],
    [json(['name', 'Nordlicht', '../keys'])],
    [json(['name', 'Nordlicht', 'NORDLICHT'])],
    [json(['name', 'x'.repeat(201), 'nordlicht'])],
    [json(['country', null, 'Nordlicht', 'nordlicht']), 'country'],
    [json(['valid-until', '2028-1-31', 'Nordlicht', 'nordlicht']), 'valid-until'],
    [json(['valid-until', "2028-01-31' or 1=1 --", 'Nordlicht', 'nordlicht']), 'valid-until'],
    ['A'.repeat(2001)],
    [Buffer.from('["name", "a", "b"').toString('base64url')],
  ];
  for (const [after, sort, extra] of refused) {
    expect(() => read(after, sort, extra), `${after.slice(0, 40)} ${sort ?? ''}${extra ?? ''}`).toThrow(expect.objectContaining({ code: 'invalid_query' }));
  }
});

describeEachDialect('register search at scale', (dialect) => {
  let server: TestServer;
  const now = new Date('2026-06-15T10:00:00Z');
  beforeEach(async () => {
    server = await startTestServer(dialect, { now: () => now });
    // More clusters than a walk of the name order looks at (search.ts, WALK).
    await seedRegister(server.database, 4000, now);
  });
  afterEach(() => server.cleanup());

  const sortedInDatabase = (ids: string[], sort: 'name' | '-name' | 'country') => {
    const q = server.database.db.selectFrom('clusters').select('id').where('id', 'in', ids);
    if (sort === 'country') return q.orderBy('country').orderBy('name').orderBy('id').execute();
    const direction = sort === 'name' ? 'asc' : 'desc';
    return q.orderBy('name', direction).orderBy('id', direction).execute();
  };

  it('finds the same pages whether the order is walked or the matches sorted', async () => {
    const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
    const key = (sort: string, { cluster }: { cluster: { id: string; name: string; country: string } }) => (sort === 'country' ? [cluster.country, cluster.name, cluster.id] : [cluster.name, cluster.id]);
    // A common word; a word whose matches bunch in name order (names that begin with it); a word with a filter.
    for (const filters of [{ text: 'photonics' }, { text: 'ka' }, { text: 'cluster', status: 'expired' }] as const) {
      const matches = [];
      for await (const batch of eachCluster(server.database.db, dialect, filters, now)) matches.push(...batch);
      expect(matches.length, filters.text).toBeGreaterThan(100);
      for (const sort of ['name', '-name', 'country'] as const) {
        const query = { ...filters, sort, pageSize: 25, now };
        // In binary order, as SQLite compares; PostgreSQL compares by its collation, so there the database sorts the matches.
        const expected =
          dialect === 'sqlite'
            ? matches
                .map((entry) => ({ id: entry.cluster.id, key: key(sort, entry) }))
                .sort((a, b) => (sort === '-name' ? -1 : 1) * a.key.map((part, i) => compare(part, b.key[i]!)).find((order) => order !== 0)!)
                .map((entry) => entry.id)
            : (await sortedInDatabase(matches.map((entry) => entry.cluster.id), sort)).map((row) => row.id);
        for (const page of [1, 3]) {
          const result = await searchClusters(server.database.db, dialect, { ...query, page });
          expect(result.items.map((item) => item.cluster.id), `${filters.text} ${sort} page ${page}`).toEqual(expected.slice((page - 1) * 25, page * 25));
          expect(result.total).toBe(matches.length);
          const next = await searchClusters(server.database.db, dialect, { ...query, page: 1, after: result.next });
          expect(next.items.map((item) => item.cluster.id), `${filters.text} ${sort} after page ${page}`).toEqual(expected.slice(page * 25, (page + 1) * 25));
        }
      }
    }
  });
});
