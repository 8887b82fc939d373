import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Insertable } from 'kysely';
import { describeChange } from '../../server/console/changes.ts';
import { countClusters, listClusters, LIST_SORTS, queueDates, QUEUES, type ListFilters, type ListQuery, type ListRow } from '../../server/console/list.ts';
import { readConfig } from '../../server/config.ts';
import { eceiScheme } from '../../server/domain/schemes.ts';
import { addYears, utcDate } from '../../server/domain/dates.ts';
import { LEVELS, type LabelStatus, type Level } from '../../server/domain/types.ts';
import type { Schema } from '../../server/registry/schema.ts';
import { describeEachDialect, startTestServer, testClock, type TestServer } from '../support/server.ts';
import { createUser, signIn, type ConsoleClient } from './console-client.ts';

const NOW = new Date('2026-06-15T10:00:00Z');
const TODAY = utcDate(NOW);
const ECEI = eceiScheme(readConfig({}));

/** A small deterministic register with every kind of current label; names of lowercase letters only, so every collation orders them alike. */
function register(count: number) {
  let seed = 7;
  const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  const letters = (n: number) => Array.from({ length: n }, () => String.fromCharCode(97 + Math.floor(next() * 26))).join('');
  const countries = ['DE', 'FR', 'AT', 'IS'];
  const statuses: LabelStatus[] = ['valid', 'valid', 'valid', 'expired', 'revoked', 'withdrawn'];
  const clusters: Insertable<Schema['clusters']>[] = [];
  const labels: Array<Insertable<Schema['labels']> & { level: Level }> = [];
  for (let i = 0; i < count; i++) {
    const id = `c-${String(i).padStart(4, '0')}`;
    const at = new Date(Date.parse('2026-01-01T00:00:00Z') + Math.floor(next() * 1e9)).toISOString();
    clusters.push({ id, name: `${letters(5)}${String.fromCharCode(97 + (i % 26))}`, organisation: 'O', country: countries[Math.floor(next() * 4)]!, portfolio: 'P', sites: '[]', contact_id: null, created_at: at, updated_at: at });
    if (i % 7 === 0) continue;
    // End dates from three years ago to two years ahead, so every queue has members.
    const validUntil = utcDate(new Date(NOW.getTime() + Math.floor((next() * 5 - 3) * 365) * 86_400_000));
    labels.push({ cluster_id: id, level: LEVELS[Math.floor(next() * 3)]!, awarded: '2020-01-01', valid_until: validUntil, status: statuses[Math.floor(next() * statuses.length)]!, assessment_ref: null, revoked_at: null, public_reason: null, internal_note: null, changed_at: at });
  }
  return { clusters, labels };
}

interface Expected {
  id: string;
  name: string;
  country: string;
  level: Level | null;
  status: LabelStatus | null;
  validUntil: string | null;
  changedAt: string;
}

/** The list's rules, written out plainly in JavaScript. */
function matches(row: Expected, filters: ListFilters): boolean {
  const { in30, in90, graceFrom } = queueDates(NOW, ECEI);
  const end = row.validUntil ?? '';
  const effectivelyExpired = row.status === 'expired' || (row.status === 'valid' && end < TODAY);
  if (filters.country && row.country !== filters.country) return false;
  if (filters.level && row.level !== filters.level) return false;
  switch (filters.status) {
    case 'valid': if (!(row.status === 'valid' && end >= TODAY)) return false; break;
    case 'expired': if (!effectivelyExpired) return false; break;
    case 'withdrawn': case 'revoked': if (row.status !== filters.status) return false; break;
    case 'none': if (row.status !== null) return false; break;
  }
  const pending = row.status === 'valid' || row.status === 'expired';
  switch (filters.queue) {
    case 'ending-30': if (!(row.status === 'valid' && end >= TODAY && end <= in30)) return false; break;
    case 'ending-90': if (!(row.status === 'valid' && end >= TODAY && end <= in90)) return false; break;
    case 'grace': if (!(pending && end < TODAY && addYears(end, 1) >= TODAY)) return false; break;
    case 'withdrawal': if (!(pending && addYears(end, 1) < TODAY)) return false; break;
    case 'revoked': if (row.status !== 'revoked') return false; break;
    case 'unlabelled': if (row.status !== null) return false; break;
  }
  return true;
}

const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const rank = (level: Level | null) => (level === null ? 3 : 2 - LEVELS.indexOf(level));

function expectedOrder(rows: Expected[], sort: (typeof LIST_SORTS)[number]): string[] {
  const sorted = [...rows].sort((a, b) => {
    switch (sort) {
      case 'name': return byText(a.name, b.name);
      case '-name': return byText(b.name, a.name);
      case 'country': return byText(a.country, b.country) || byText(a.name, b.name);
      case 'level': return rank(a.level) - rank(b.level) || byText(a.name, b.name);
      case 'valid-until':
      case '-valid-until': {
        if ((a.validUntil === null) !== (b.validUntil === null)) return a.validUntil === null ? 1 : -1;
        if (a.validUntil === null) return byText(a.name, b.name);
        const order = byText(a.validUntil, b.validUntil!) || byText(a.name, b.name);
        return sort === 'valid-until' ? order : -order;
      }
      case 'changed': return byText(b.changedAt, a.changedAt) || byText(b.id, a.id);
    }
  });
  return sorted.map((row) => row.id);
}

describeEachDialect('the console’s cluster list', (dialect) => {
  let server: TestServer;
  let rows: Expected[];

  beforeAll(async () => {
    server = await startTestServer(dialect, { now: () => NOW });
    const { clusters, labels } = register(240);
    await server.database.db.transaction().execute(async (trx) => {
      await trx.insertInto('clusters').values(clusters).execute();
      await trx.insertInto('labels').values(labels).execute();
    });
    rows = clusters.map((c) => {
      const label = labels.find((l) => l.cluster_id === c.id);
      return { id: c.id, name: c.name, country: c.country, level: label?.level ?? null, status: label?.status ?? null, validUntil: label?.valid_until ?? null, changedAt: label?.changed_at ?? c.updated_at };
    });
  });
  afterAll(() => server?.cleanup());

  /** Every page of `query`, followed by cursor, seven rows at a time. */
  async function walk(query: Omit<ListQuery, 'after'>): Promise<ListRow[]> {
    const { db } = server.database;
    const seen: ListRow[] = [];
    let after: ListQuery['after'];
    for (let guard = 0; guard < 100; guard++) {
      const count = await countClusters(db, dialect, query, queueDates(NOW, ECEI));
      const page = await listClusters(db, dialect, { ...query, after }, queueDates(NOW, ECEI), 7, count);
      seen.push(...page.rows);
      if (!page.next) return seen;
      after = page.next;
    }
    throw new Error('the walk did not end');
  }

  it('walks every sort in full, in order, without a repeat or a gap', async () => {
    for (const sort of LIST_SORTS) {
      const walked = await walk({ sort });
      expect(walked.map((row) => row.id), sort).toEqual(expectedOrder(rows, sort));
    }
  });

  /** From the last page back to the first by each page's previous cursor: the pages the walk forward saw, in reverse. */
  async function walkBack(query: Omit<ListQuery, 'after' | 'before'>): Promise<ListRow[][]> {
    const { db } = server.database;
    const dates = queueDates(NOW, ECEI);
    const count = await countClusters(db, dialect, query, dates);
    let page = await listClusters(db, dialect, query, dates, 7, count);
    while (page.next) page = await listClusters(db, dialect, { ...query, after: page.next }, dates, 7, count);
    const pages = [page.rows];
    for (let guard = 0; page.previous && guard < 100; guard++) {
      page = await listClusters(db, dialect, { ...query, before: page.previous }, dates, 7, count);
      pages.unshift(page.rows);
    }
    return pages;
  }

  it('walks every sort back from its last page to its first by "previous", page for page as forward', async () => {
    for (const query of [...LIST_SORTS.map((sort) => ({ sort })), { sort: 'level' as const, country: 'IS' }, { sort: 'valid-until' as const, queue: 'withdrawal' as const }]) {
      const pages = await walkBack(query);
      const forward = await walk(query);
      // The first page is the list's own first page, full, with no "previous".
      expect(pages.flat().map((row) => row.id), JSON.stringify(query)).toEqual(forward.map((row) => row.id));
      if (forward.length > 7) expect(pages.slice(0, -1).every((rowsOfPage) => rowsOfPage.length === 7), JSON.stringify(query)).toBe(true);
    }
    // A page whose predecessor is short of a page back to the start: the first page, in full.
    const dates = queueDates(NOW, ECEI);
    const first = await listClusters(server.database.db, dialect, { sort: 'name' }, dates, 7);
    const second = await listClusters(server.database.db, dialect, { sort: 'name', after: { ...first.next!, key: [rows.map((r) => r.name).sort()[2]!, 'c-~'] } }, dates, 7);
    const back = await listClusters(server.database.db, dialect, { sort: 'name', before: second.previous }, dates, 7);
    expect(back.rows.map((row) => row.id)).toEqual(first.rows.map((row) => row.id));
    expect(back.previous).toBeUndefined();
  });

  it('filters by every queue, status, level and country, in any sort, and counts the same', async () => {
    const cases: ListFilters[] = [
      ...QUEUES.map((queue) => ({ queue })),
      ...(['valid', 'expired', 'withdrawn', 'revoked', 'none'] as const).map((status) => ({ status })),
      { level: 'gold' },
      { country: 'IS', level: 'silver' },
      { country: 'DE', queue: 'grace' },
      { level: 'bronze', status: 'expired' },
    ];
    for (const filters of cases) {
      const expected = rows.filter((row) => matches(row, filters));
      expect(expected.length, JSON.stringify(filters)).toBeGreaterThan(0);
      for (const sort of ['name', 'level', 'valid-until', 'changed'] as const) {
        const walked = await walk({ ...filters, sort });
        expect(walked.map((row) => row.id), `${JSON.stringify(filters)} by ${sort}`).toEqual(expectedOrder(expected, sort));
      }
      expect(await countClusters(server.database.db, dialect, filters, queueDates(NOW, ECEI))).toEqual({ total: expected.length, more: false });
    }
  });

  it('finds by words of the name or the start of the id', async () => {
    const target = rows[17]!;
    const byName = await walk({ q: target.name.slice(1, 5).toUpperCase(), sort: 'name' });
    expect(byName.map((row) => row.id)).toContain(target.id);
    expect(byName.every((row) => row.name.includes(target.name.slice(1, 5)))).toBe(true);
    expect((await walk({ q: 'c-001', sort: 'name' })).map((row) => row.id).sort()).toEqual(rows.filter((row) => row.id.startsWith('c-001')).map((row) => row.id));
  });

  describe('over HTTP', () => {
    let officer: ConsoleClient;
    beforeAll(async () => {
      await createUser(server, 'lister@office.test', 'officer');
      officer = await signIn(server, 'lister@office.test');
    });

    it('keeps every filter in the address, and its next page too', async () => {
      const response = await officer.get('/admin/clusters?queue=withdrawal&sort=valid-until&country=DE');
      expect(response.status).toBe(200);
      const html = await response.text();
      const expected = rows.filter((row) => matches(row, { queue: 'withdrawal', country: 'DE' }));
      expect(html).toContain(`${expected.length} clusters match.`);
      expect(html).toContain('<option value="withdrawal" selected="">');
      if (expected.length > 50) expect(html).toMatch(/href="\/admin\/clusters\?country=DE&amp;queue=withdrawal&amp;sort=valid-until&amp;after=[\w-]+" rel="next"/);
    });

    it('links a later page back to the one before it, as a shareable address', async () => {
      const first = await (await officer.get('/admin/clusters?sort=country')).text();
      expect(first).not.toContain('rel="prev"');
      const next = /href="([^"]+)" rel="next"/.exec(first)![1]!.replaceAll('&amp;', '&');
      const second = await (await officer.get(next)).text();
      const previous = /href="([^"]+)" rel="prev"/.exec(second)![1]!.replaceAll('&amp;', '&');
      expect(previous).toMatch(/^\/admin\/clusters\?sort=country&before=[\w-]+$/);
      const back = await (await officer.get(previous)).text();
      const ids = (html: string) => [...html.matchAll(/href="\/admin\/clusters\/(c-[\w-]+)"/g)].map((m) => m[1]);
      expect(ids(back)).toEqual(ids(first));
      expect(ids(back).length).toBe(50);
      expect((await officer.get('/admin/clusters?after=x&before=y')).status).toBe(400);
      expect((await officer.get('/admin/clusters?before=bm90LWEtY3Vyc29y')).status).toBe(400);
      // A cursor read in another order than its own would seek in the wrong index.
      const otherSort = await officer.get(next.replace('sort=country', 'sort=-name'));
      expect(otherSort.status).toBe(400);
      expect(await otherSort.text()).toContain('The parameter &quot;after&quot; must be the cursor of a &quot;next&quot; link, with the same sort.');
    });

    it('refuses a wrong parameter with a message in its own frame, and answers an unknown address with its own 404', async () => {
      const wrong = await officer.get('/admin/clusters?sort=sideways');
      expect(wrong.status).toBe(400);
      expect(await wrong.text()).toMatch(/office console[\s\S]*role="alert">The parameter &quot;sort&quot; must be/);
      const forged = await officer.get('/admin/clusters?after=bm90LWEtY3Vyc29y');
      expect(forged.status).toBe(400);
      const missing = await officer.get('/admin/no-such-page');
      expect(missing.status).toBe(404);
      const html = await missing.text();
      expect(html).toContain('office console');
      expect(html).toContain('There is nothing at this address.');
      expect(html).toContain('href="/admin/console.css"');
    });

    it('speaks German when asked, and remembers it', async () => {
      const response = await officer.get('/admin?lang=de');
      expect(response.headers.get('Set-Cookie')).toContain('lang=de');
      const html = await response.text();
      expect(html).toContain('<html lang="de">');
      expect(html).toContain('Übersicht');
      expect(html).toContain('Kulanzjahr');
    });
  });
});

describeEachDialect('console forms against lost updates', (dialect) => {
  let server: TestServer;
  let officer: ConsoleClient;
  const clock = testClock('2026-06-15T10:00:00Z');

  beforeAll(async () => {
    server = await startTestServer(dialect, { now: clock.now });
    await server.registry.createCluster({ id: 'nordlicht', name: 'Nordlicht Photonics', organisation: 'Nordlicht e.V.', country: 'DE', portfolio: 'Photonics', sites: ['https://www.nordlicht.example'], contactEmail: 'office@nordlicht.example' }, 'test');
    await server.registry.award('nordlicht', { level: 'bronze', awarded: '2026-03-10' }, 'test');
    await createUser(server, 'officer@office.test', 'officer');
    officer = await signIn(server, 'officer@office.test');
  });
  afterAll(() => server?.cleanup());

  const hidden = (html: string, name: string) => new RegExp(`name="${name}" value="([^"]*)"`).exec(html)![1]!;

  it('a stale edit changes nothing and shows what was seen, what is stored and what was sent', async () => {
    const form = await (await officer.get('/admin/clusters/nordlicht/edit')).text();
    const version = hidden(form, 'version');
    const seen = hidden(form, 'seen');
    // Meanwhile a colleague renames the cluster through the API.
    await server.registry.updateCluster('nordlicht', { name: 'Nordlicht Photonics Cluster' }, 'token:crm-sync');

    const stale = await officer.post('/admin/clusters/nordlicht', { version, seen, name: 'Nordlicht', organisation: 'Nordlicht e.V.', country: 'DE', portfolio: 'Photonics', sites: 'https://www.nordlicht.example', contactEmail: '' });
    expect(stale.status).toBe(409);
    const html = await stale.text();
    expect(html).toContain('Changed meanwhile: nothing was saved');
    expect(html).toMatch(/<th>Name<\/th><td>Nordlicht Photonics<\/td><td class="differs">Nordlicht Photonics Cluster<\/td><td>Nordlicht<\/td>/);
    // Nothing was written: the colleague's name and the contact stand.
    expect(await server.registry.getCluster('nordlicht')).toMatchObject({ name: 'Nordlicht Photonics Cluster', contactEmail: 'office@nordlicht.example' });
    // The form again, on the current version: sent as it is, it applies.
    const retryVersion = hidden(html, 'version');
    expect(retryVersion).toBe(await server.registry.version('nordlicht'));
    const retried = await officer.post('/admin/clusters/nordlicht', { version: retryVersion, name: 'Nordlicht', organisation: 'Nordlicht e.V.', country: 'DE', portfolio: 'Photonics', sites: 'https://www.nordlicht.example', contactEmail: 'office@nordlicht.example' });
    expect(retried.status).toBe(303);
    expect((await server.registry.getCluster('nordlicht'))?.name).toBe('Nordlicht');
  });

  it('a stale label action changes nothing, at the second look or at the confirmation', async () => {
    const page = await (await officer.get('/admin/clusters/nordlicht')).text();
    const version = hidden(page, 'version');
    const seen = hidden(page, 'seen');
    const look = await officer.post('/admin/clusters/nordlicht/renew', { version, seen, assessmentRef: 'R-1' });
    expect(look.status).toBe(200);
    // A colleague renews first, by the API.
    await server.registry.renew('nordlicht', { validUntil: '2029-12-31' }, 'token:crm-sync');
    const confirmed = await officer.post('/admin/clusters/nordlicht/renew', { version, seen, assessmentRef: 'R-1', confirm: 'yes' });
    expect(confirmed.status).toBe(409);
    const html = await confirmed.text();
    expect(html).toContain('31 March 2028');
    expect(html).toContain('31 December 2029');
    expect(await server.registry.getCurrentLabel('nordlicht')).toMatchObject({ validUntil: '2029-12-31', assessmentRef: null });
    // A form drawn before the change gets no second look on the new state either.
    expect((await officer.post('/admin/clusters/nordlicht/upgrade', { version, level: 'gold' })).status).toBe(409);
  });
});

describe('what an audit entry changed', () => {
  it('lists the fields that differ, before → after', () => {
    expect(describeChange({ action: 'label.renew', before: { id: 3, level: 'silver', validUntil: '2026-03-31', assessmentRef: null }, after: { id: 3, level: 'silver', validUntil: '2028-03-31', assessmentRef: 'R-9' } })).toEqual([
      { field: 'validUntil', before: '2026-03-31', after: '2028-03-31' },
      { field: 'assessmentRef', before: undefined, after: 'R-9' },
    ]);
    expect(describeChange({ action: 'cluster.create', before: null, after: { name: 'Alpha', sites: ['https://a.example', 'https://b.example'], contact: 'x' } })).toEqual([
      { field: 'name', before: undefined, after: 'Alpha' },
      { field: 'sites', before: undefined, after: 'https://a.example, https://b.example' },
    ]);
  });

  it('says an import by its counts', () => {
    expect(describeChange({ action: 'register.import', before: null, after: { sha256: 'ab', rows: 3, created: 2, updated: 1, labelled: 2, unchanged: 0 } }).map((c) => `${c.field}=${c.after}`)).toEqual(['rows=3', 'created=2', 'updated=1', 'labelled=2', 'unchanged=0']);
  });
});

describe('the grace year in the queues', () => {
  it('starts from the first end date whose year-later day is today or later', () => {
    expect(queueDates(new Date('2026-06-15T10:00:00Z'), ECEI).graceFrom).toBe('2025-06-15');
    // 29 February 2024 + 1 year is 28 February 2025: that end is still in its grace year on 28 February.
    expect(queueDates(new Date('2025-02-28T10:00:00Z'), ECEI).graceFrom).toBe('2024-02-28');
    expect(queueDates(new Date('2025-03-01T10:00:00Z'), ECEI).graceFrom).toBe('2024-03-01');
    expect(queueDates(new Date('2024-02-29T10:00:00Z'), ECEI).graceFrom).toBe('2023-03-01');
  });

  it('follows the grace period of the scheme', () => {
    const oneMonth = { ...ECEI, rules: { ...ECEI.rules, graceMonths: 1 } };
    expect(queueDates(new Date('2026-06-15T10:00:00Z'), oneMonth).graceFrom).toBe('2026-05-15');
    // An end on 28 February had its month of grace end on 28 March: on 30 March the first end still in grace is 1 March.
    expect(queueDates(new Date('2026-03-30T10:00:00Z'), oneMonth).graceFrom).toBe('2026-03-01');
  });
});
