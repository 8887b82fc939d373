import { createHash } from 'node:crypto';
import type { Insertable } from 'kysely';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { verifyChain } from '../../server/audit/log.ts';
import { MAX_IMPORT_BYTES } from '../../server/console/import-export.tsx';
import { LIST_STATUSES, listedIds, listAddress, queueDates, QUEUES } from '../../server/console/list.ts';
import { ListQuery } from '../../server/contract/console.ts';
import { parseWith } from '../../server/contract/refusals.ts';
import { queryValues } from '../../server/contract/query.ts';
import { utcDate } from '../../server/domain/dates.ts';
import { LEVELS, type LabelStatus } from '../../server/domain/types.ts';
import { exportRegisterCsv } from '../../server/import/register-export.ts';
import type { Schema } from '../../server/registry/schema.ts';
import { describeEachDialect, startTestServer, testClock, type TestServer } from '../support/server.ts';
import { createUser, ORIGIN, SESSION_COOKIE, signIn, type ConsoleClient } from './console-client.ts';

const WITH_ERRORS = [
  'Name;www;Label valid until;Level;Country',
  'Nordlicht Photonics Cluster;www.nordlicht.example;2027-03-31;silver;DE',
  'Tejo Maritime Cluster;tejo.example;2027-13-01;gold;PT',
  ';;;;FR',
  'Alpenhof Food Valley;;;;AT',
].join('\r\n');
const FIXED = WITH_ERRORS.replace('2027-13-01', '2027-12-31').replace(';;;;FR\r\n', '');

/** Sixty clusters with every kind of current label, end dates around today (2026-06-15) so that every work queue has members. */
function register() {
  const today = Date.parse('2026-06-15T00:00:00Z');
  const days = [10, 25, 60, 85, -5, -200, -400, -800, 300, 700];
  const statuses: LabelStatus[] = ['valid', 'valid', 'expired', 'revoked', 'withdrawn', 'valid'];
  const words = ['Photonics', 'Maritime', 'Food', 'Mobility', 'Health'];
  const clusters: Insertable<Schema['clusters']>[] = [];
  const labels: Insertable<Schema['labels']>[] = [];
  for (let i = 0; i < 60; i++) {
    const id = `c-${String(i).padStart(2, '0')}`;
    const at = new Date(Date.parse('2026-01-01T00:00:00Z') + ((i * 7919) % 60) * 86_400_000).toISOString();
    const name = `${String.fromCharCode(97 + ((i * 11) % 26))}${String.fromCharCode(97 + (i % 26))} ${words[i % 5]} Cluster`;
    clusters.push({ id, name, organisation: 'O', country: ['DE', 'FR', 'AT', 'IS'][i % 4]!, portfolio: 'P', sites: '[]', contact_id: null, created_at: at, updated_at: at });
    if (i % 7 === 0) continue;
    const validUntil = utcDate(new Date(today + days[i % 10]! * 86_400_000));
    labels.push({ cluster_id: id, level: LEVELS[i % 3]!, awarded: '2020-01-01', valid_until: validUntil, status: statuses[i % 6]!, assessment_ref: null, revoked_at: null, public_reason: null, internal_note: null, changed_at: at });
  }
  return { clusters, labels };
}

const unescape = (href: string) => href.replaceAll('&amp;', '&');

describeEachDialect('console import and export', (dialect) => {
  let server: TestServer;
  let officer: ConsoleClient;
  let viewer: ConsoleClient;
  const clock = testClock('2026-06-15T10:00:00Z');

  const count = async (table: 'clusters' | 'audit_log') => Number((await server.database.db.selectFrom(table).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
  const stateOf = async (id: string) => (await server.database.db.selectFrom('console_imports').select('state').where('id', '=', id).executeTakeFirstOrThrow()).state;

  /** The upload form as a browser sends it: the token first, then the defaults, then the file. */
  const upload = (client: ConsoleClient, text: string | Uint8Array<ArrayBuffer>, fields: Record<string, string> = {}, options: { csrf?: string; fileFirst?: boolean } = {}) => {
    const form = new FormData();
    const file = new File([text], 'register.csv', { type: 'text/csv' });
    if (options.fileFirst) form.append('file', file);
    form.append('csrf', options.csrf ?? client.csrf);
    for (const [name, value] of Object.entries(fields)) form.append(name, value);
    if (!options.fileFirst) form.append('file', file);
    return server.app.request('/admin/import', { method: 'POST', headers: { Cookie: `${SESSION_COOKIE}=${client.session}`, Origin: ORIGIN }, body: form });
  };

  /** Waits for the job in the background to leave `state` (the page the browser reloads shows the same). */
  const settled = async (id: string, state: string) => {
    for (let i = 0; i < 400 && (await stateOf(id)) === state; i++) await new Promise((resolve) => setTimeout(resolve, 25));
    return stateOf(id);
  };

  const uploadAndCheck = async (text: string, fields: Record<string, string> = {}) => {
    const response = await upload(officer, text, fields);
    expect(response.status, await response.clone().text()).toBe(303);
    const id = response.headers.get('Location')!.split('/').at(-1)!;
    await settled(id, 'checking');
    return id;
  };

  beforeEach(async () => {
    server = await startTestServer(dialect, { now: clock.now });
    await createUser(server, 'officer@office.test', 'officer');
    await createUser(server, 'viewer@office.test', 'viewer');
    officer = await signIn(server, 'officer@office.test');
    viewer = await signIn(server, 'viewer@office.test');
  });
  afterEach(() => server?.cleanup());

  it('checks a file first: the summary on top, every refused line with its number and reason, and nothing written', async () => {
    const audit = await count('audit_log');
    const id = await uploadAndCheck(WITH_ERRORS);
    expect(await stateOf(id)).toBe('refused');
    const html = await (await officer.get(`/admin/import/${id}`)).text();
    // The figures come before the refused lines.
    expect(html.indexOf('to be created')).toBeLessThan(html.indexOf('Refused lines'));
    expect(html).toMatch(/<span class="big">2<\/span> clusters to be created/);
    expect(html).toMatch(/<span class="big">2<\/span> lines refused/);
    expect(html).toContain('<td>3</td><td>&quot;2027-13-01&quot; is not a date');
    expect(html).toContain('<td>4</td><td>the name is empty</td>');
    expect(html).not.toContain('/confirm');
    expect(await count('clusters')).toBe(0);
    expect(await count('audit_log')).toBe(audit);
    // Confirming a refused file is refused.
    const confirm = await officer.post(`/admin/import/${id}/confirm`);
    expect(confirm.status).toBe(409);
    expect(await count('clusters')).toBe(0);
  });

  it('writes the corrected file once confirmed: all of it, audited as one entry with its counts', async () => {
    const audit = await count('audit_log');
    const id = await uploadAndCheck(FIXED);
    expect(await stateOf(id)).toBe('checked');
    const preview = await (await officer.get(`/admin/import/${id}`)).text();
    expect(preview).toMatch(/<span class="big">3<\/span> clusters to be created/);
    expect(preview).toMatch(/<span class="big">2<\/span> clusters to be labelled/);
    expect(preview).toContain(`action="/admin/import/${id}/confirm"`);
    expect(await count('clusters')).toBe(0);

    const confirm = await officer.post(`/admin/import/${id}/confirm`);
    expect(confirm.status).toBe(303);
    expect(await settled(id, 'writing')).toBe('done');
    expect(await count('clusters')).toBe(3);
    expect(await server.registry.getCurrentLabel('tejo-maritime-cluster')).toMatchObject({ level: 'gold', validUntil: '2027-12-31' });
    expect(await count('audit_log')).toBe(audit + 1);
    const [entry] = await server.registry.audit({ limit: 1 });
    expect(entry).toMatchObject({ action: 'register.import', actor: expect.stringMatching(/^user:/), after: { fileName: 'register.csv', rows: 3, counts: { created: 3, updated: 0, labelled: 2, unchanged: 0 } } });
    expect((await verifyChain(server.database.db, server.keyring.allPublicKeys())).ok).toBe(true);
    expect(await (await officer.get(`/admin/import/${id}`)).text()).toContain('The file is imported');

    // A second confirmation (a double click, a colleague) writes nothing more.
    expect((await officer.post(`/admin/import/${id}/confirm`)).status).toBe(409);
    expect(await count('audit_log')).toBe(audit + 1);
  });

  it('writes nothing when the register changed since the preview so that the import would differ, and shows the new preview', async () => {
    const id = await uploadAndCheck(FIXED);
    await server.registry.createCluster({ id: 'alpenhof-food-valley', name: 'Alpenhof Food Valley', organisation: '', country: 'AT', portfolio: '', sites: [], contactEmail: null }, 'test');
    const audit = await count('audit_log');
    await officer.post(`/admin/import/${id}/confirm`);
    expect(await settled(id, 'writing')).not.toBe('done');
    expect(await settled(id, 'checking')).toBe('checked');
    expect(await count('clusters')).toBe(1);
    expect(await count('audit_log')).toBe(audit);
    const html = await (await officer.get(`/admin/import/${id}`)).text();
    expect(html).toContain('The register changed since the preview');
    expect(html).toMatch(/<span class="big">2<\/span> clusters to be created/);
  });

  it('shows an import in German: the heading, the counts with their singular and plural, the state and the numbers', async () => {
    const id = await uploadAndCheck(WITH_ERRORS);
    const html = await (await officer.get(`/admin/import/${id}?lang=de`)).text();
    expect(html).toContain('<html lang="de">');
    expect(html).toContain('<h1>Import von register.csv</h1>');
    expect(html).toMatch(/<span class="big">2<\/span> Cluster werden angelegt/);
    expect(html).toMatch(/<span class="big">1<\/span> Cluster erhält ein Label/);
    expect(html).toMatch(/<span class="big">2<\/span> Zeilen abgelehnt/);
    expect(html).toContain('abgelehnt: Zeilen zu korrigieren.');
    expect(html).toContain('Abgelehnte Zeilen (2)');
    expect(html).toContain('Die korrigierte Datei hochladen');
    // Each refused line's reason in German too, by its code.
    expect(html).toContain('<td>3</td><td>„2027-13-01“ ist kein Datum (schreiben Sie 2026-03-31, 2026/03/31 oder 31.03.2026)</td>');
    expect(html).toContain('<td>4</td><td>der Name ist leer</td>');
    expect(html).not.toMatch(/to be created|Refused lines|Uploaded|is not a date|name is empty/);
    // The limits sentence writes its numbers as German does.
    const index = await (await officer.get('/admin/import?lang=de')).text();
    expect(index).toContain('<h1>Import und Export</h1>');
    expect(index).toContain('eine Zelle höchstens 4.096 Zeichen und eine Zeile höchstens 16.384.');
    expect(index).toContain('<td>abgelehnt: Zeilen zu korrigieren</td>');
  });

  it('lets viewers export but not import, and reads no file from them', async () => {
    expect((await viewer.get('/admin/import')).status).toBe(200);
    expect(await (await viewer.get('/admin/import')).text()).not.toContain('enctype="multipart/form-data"');
    let pulled = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled += 65536;
        controller.enqueue(new Uint8Array(65536));
        if (pulled > 4 << 20) controller.close();
      },
    });
    const response = await server.app.request('/admin/import', {
      method: 'POST',
      headers: { Cookie: `${SESSION_COOKIE}=${viewer.session}`, Origin: ORIGIN, 'Content-Type': 'multipart/form-data; boundary=x' },
      body,
      duplex: 'half',
    } as RequestInit);
    expect(response.status).toBe(403);
    expect(pulled).toBeLessThan(1 << 20);
    expect((await viewer.get(`/admin/import/${'a'.repeat(22)}`)).status).toBe(403);
    expect((await viewer.get('/admin/export.csv')).status).toBe(200);
  });

  it('refuses a file over the size limit before reading it whole, by its declared length or as it streams', async () => {
    const declared = await server.app.request('/admin/import', {
      method: 'POST',
      headers: { Cookie: `${SESSION_COOKIE}=${officer.session}`, Origin: ORIGIN, 'Content-Type': 'multipart/form-data; boundary=x', 'Content-Length': String(MAX_IMPORT_BYTES + 1) },
      body: 'x',
    });
    expect(declared.status).toBe(413);
    expect(await declared.text()).toContain(`larger than ${MAX_IMPORT_BYTES / 1024 / 1024} MiB`);

    // Streamed without a length: the token, then a file that never ends.
    const boundary = 'b0undary';
    const head = new TextEncoder().encode(
      `--${boundary}\r\nContent-Disposition: form-data; name="csrf"\r\n\r\n${officer.csrf}\r\n--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.csv"\r\nContent-Type: text/csv\r\n\r\nName\r\n`,
    );
    const line = new TextEncoder().encode(`${'Cluster Name Long Enough To Fill A Line'.repeat(20)}\r\n`.repeat(64));
    let pulled = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        const chunk = pulled === 0 ? head : line;
        pulled += chunk.length;
        controller.enqueue(chunk);
        if (pulled > 2 * MAX_IMPORT_BYTES) controller.close();
      },
    });
    const streamed = await server.app.request('/admin/import', {
      method: 'POST',
      headers: { Cookie: `${SESSION_COOKIE}=${officer.session}`, Origin: ORIGIN, 'Content-Type': `multipart/form-data; boundary=${boundary}` },
      body,
      duplex: 'half',
    } as RequestInit);
    expect(streamed.status).toBe(413);
    expect(pulled).toBeLessThan(MAX_IMPORT_BYTES + (1 << 20));
    expect(await count('clusters')).toBe(0);
    // What was kept of it as it arrived is gone with it.
    expect(await server.database.db.selectFrom('console_imports').select('id').execute()).toEqual([]);
    expect(await server.database.db.selectFrom('console_import_parts').select('seq').execute()).toEqual([]);
  });

  it('keeps a large file in parts as it arrives, and checks and writes it whole, with its digest', async () => {
    // Some 680,000 characters, with two, three and four bytes in UTF-8 throughout.
    const rows = Array.from({ length: 9000 }, (_, i) => `Großes Ünternehmen ${i} 東京 🚀;www.large-${i}.example;2027-06-30;gold;DE`);
    const text = `Name;www;Label valid until;Level;Country\r\n${rows.join('\r\n')}\r\n`;
    const id = await uploadAndCheck(text);
    const parts = await server.database.db.selectFrom('console_import_parts').select(['seq', 'text']).where('import_id', '=', id).orderBy('seq').execute();
    expect(parts.length).toBe(Math.ceil(text.length / (256 * 1024)));
    for (const part of parts) expect(part.text.length).toBeLessThanOrEqual(256 * 1024 + 1);
    expect(parts.map((part) => part.seq)).toEqual(parts.map((_, i) => i));
    expect(parts.map((part) => part.text).join('')).toBe(text);
    expect(await stateOf(id)).toBe('checked');
    await officer.post(`/admin/import/${id}/confirm`);
    expect(await settled(id, 'writing')).toBe('done');
    expect(await count('clusters')).toBe(9000);
    const [entry] = await server.registry.audit({ limit: 1 });
    expect(entry?.after).toMatchObject({ sha256: createHash('sha256').update(text).digest('hex'), counts: { created: 9000, labelled: 9000 } });
    expect(await server.registry.getCluster('grosses-unternehmen-8999')).toMatchObject({ name: 'Großes Ünternehmen 8999 東京 🚀' });
  });

  it('refuses an over-long cell, a file that is not UTF-8, and a file without its token, each with its reason', async () => {
    const cell = await upload(officer, `Name\r\n"${'x'.repeat(10_000_000)}"\r\n`);
    expect(cell.status).toBe(400);
    expect(await cell.text()).toContain('(csv_cell_too_long): A cell on line 2 is longer than 4096 characters');

    const latin1 = await upload(officer, new Uint8Array([0x4e, 0x61, 0x6d, 0x65, 0x0d, 0x0a, 0x4d, 0xfc, 0x6e, 0x63, 0x68, 0x65, 0x6e]));
    expect(latin1.status).toBe(400);
    expect(await latin1.text()).toContain('not UTF-8');

    const forged = await upload(officer, FIXED, {}, { csrf: "forged" });
    expect(forged.status, await forged.clone().text()).toBe(403);
    expect((await upload(officer, FIXED, {}, { fileFirst: true })).status).toBe(403);
    const foreign = await server.app.request('/admin/import', { method: 'POST', headers: { Cookie: `${SESSION_COOKIE}=${officer.session}`, Origin: 'https://evil.example', 'Content-Type': 'multipart/form-data; boundary=x' }, body: '--x--' });
    expect(foreign.status).toBe(403);
    expect(await server.database.db.selectFrom('console_imports').select('id').execute()).toEqual([]);
  });

  it('takes the defaults of the form for rows without a country or a level', async () => {
    const id = await uploadAndCheck('Name,Label valid until\r\nBare Register Cluster,2027-06-30\r\n', { country: 'fr', level: 'silver' });
    expect(await stateOf(id)).toBe('checked');
    await officer.post(`/admin/import/${id}/confirm`);
    expect(await settled(id, 'writing')).toBe('done');
    expect(await server.registry.getCluster('bare-register-cluster')).toMatchObject({ country: 'FR' });
    expect(await server.registry.getCurrentLabel('bare-register-cluster')).toMatchObject({ level: 'silver' });
  });

  it('exports the register as CSV with the cluster list’s filters, and refuses a bad filter', async () => {
    const id = await uploadAndCheck(FIXED);
    await officer.post(`/admin/import/${id}/confirm`);
    await settled(id, 'writing');
    const all = await viewer.get('/admin/export.csv');
    expect(all.headers.get('Content-Type')).toContain('text/csv');
    expect(all.headers.get('Content-Disposition')).toBe('attachment; filename="register-2026-06-15.csv"');
    const lines = (await all.text()).trimEnd().split('\r\n');
    expect(lines[0]).toBe('Id,Name,Organisation,Country,Comparative portfolio,www,Level,Label valid until,Status');
    expect(lines).toHaveLength(4);
    const gold = (await (await viewer.get('/admin/export.csv?level=gold')).text()).trimEnd().split('\r\n');
    expect(gold.slice(1)).toEqual(['tejo-maritime-cluster,Tejo Maritime Cluster,,PT,,https://tejo.example,gold,2027-12-31,valid']);
    const unlabelled = (await (await viewer.get('/admin/export.csv?status=none&country=at&q=alpenhof')).text()).trimEnd().split('\r\n');
    expect(unlabelled.slice(1)).toEqual(['alpenhof-food-valley,Alpenhof Food Valley,,AT,,,,,']);
    expect((await viewer.get('/admin/export.csv?level=platinum')).status).toBe(400);
  });

  const seed = async () => {
    const { clusters, labels } = register();
    await server.database.db.transaction().execute(async (trx) => {
      await trx.insertInto('clusters').values(clusters).execute();
      await trx.insertInto('labels').values(labels).execute();
    });
  };

  /** What the list shows for an address, page by page as a browser follows "next": its count, its ids in order, and its export link. */
  const listShows = async (query: string) => {
    let html = await (await viewer.get(`/admin/clusters?${query}`)).text();
    const summary = html.match(/(\d+) clusters? match/);
    const count = summary ? Number(summary[1]) : html.includes('No cluster matches') ? 0 : NaN;
    const link = html.match(/href="(\/admin\/export\.csv[^"]*)"/)?.[1];
    const ids: string[] = [];
    for (let pages = 0; pages < 20; pages++) {
      ids.push(...[...html.matchAll(/<th><a href="\/admin\/clusters\/([a-z0-9-]+)">/g)].map((m) => m[1]!));
      const next = html.match(/href="([^"]+)" rel="next"/)?.[1];
      if (!next) break;
      html = await (await viewer.get(unescape(next))).text();
    }
    return { count, ids, link: link && unescape(link) };
  };

  const exported = async (path: string) => {
    const response = await viewer.get(path);
    expect(response.status, path).toBe(200);
    const lines = (await response.text()).trimEnd().split('\r\n');
    expect(lines[0]).toBe('Id,Name,Organisation,Country,Comparative portfolio,www,Level,Label valid until,Status');
    return lines.slice(1).map((line) => line.split(',')[0]!);
  };

  it('exports exactly what the list shows, in its order, for every filter, status, queue and sort, through the list’s own link', async () => {
    await seed();
    const states = [
      '',
      'q=photonics',
      'country=DE',
      'level=gold',
      ...LIST_STATUSES.map((status) => `status=${status}`),
      ...QUEUES.map((queue) => `queue=${queue}`),
      'queue=grace&country=FR&sort=-valid-until',
      'level=silver&sort=level',
      'status=expired&sort=changed',
      'q=cluster&sort=country',
      'queue=ending-90&sort=valid-until',
    ];
    for (const state of states) {
      const list = await listShows(state);
      expect(list.count, state).toBeGreaterThan(0);
      expect(list.ids, state).toHaveLength(list.count);
      // The link carries the filters and sort, never the page's cursor.
      expect(list.link, state).toBe(listAddress('/admin/export.csv', parseWith(ListQuery, queryValues(new URLSearchParams(state)))));
      expect(await exported(list.link!), state).toEqual(list.ids);
    }
    // A filter state with no match: no link, and the export is the header alone.
    expect(await listShows('q=nothing&level=gold')).toEqual({ count: 0, ids: [], link: undefined });
    expect(await exported('/admin/export.csv?q=nothing&level=gold')).toEqual([]);
    // The export of the second page's address holds every match, not those after the cursor.
    const first = await (await viewer.get('/admin/clusters')).text();
    const second = unescape(first.match(/href="([^"]+)" rel="next"/)![1]!);
    expect(await exported(second.replace('/admin/clusters', '/admin/export.csv'))).toEqual((await listShows('')).ids);
  });

  it('streams in keyset batches of the list’s order, whatever their size', async () => {
    await seed();
    const { db } = server.database;
    for (const address of ['queue=withdrawal', 'sort=-name', 'status=valid&sort=level', 'q=food&sort=changed']) {
      const query = parseWith(ListQuery, queryValues(new URLSearchParams(address)));
      const pieces: string[] = [];
      for await (const piece of exportRegisterCsv(server.database, (size) => listedIds(db, dialect, query, queueDates(clock.now(), server.registry.scheme), size), clock.now(), 4)) {
        expect(piece.rows, address).toBeLessThanOrEqual(4);
        pieces.push(piece.csv);
      }
      const ids = pieces.join('').trimEnd().split('\r\n').slice(1).map((line) => line.split(',')[0]);
      expect(pieces.length, address).toBeGreaterThan(2);
      expect(ids, address).toEqual((await listShows(address)).ids);
    }
  });

  it('links to the export in German too', async () => {
    await seed();
    const response = await server.app.request('/admin/clusters?lang=de&level=gold', { headers: { Cookie: `${SESSION_COOKIE}=${viewer.session}` } });
    const html = await response.text();
    expect(html).toMatch(/<a href="\/admin\/export\.csv\?level=gold" download="">Diese Cluster als CSV exportieren<\/a>/);
  });

  it('refuses a filter the list refuses with 400 and its code, before any byte of CSV', async () => {
    for (const bad of ['queue=soon', 'status=lapsed', 'level=platinum', 'sort=size', 'country=Deutschland', 'after=not-a-cursor']) {
      const response = await viewer.get(`/admin/export.csv?${bad}`);
      expect(response.status, bad).toBe(400);
      expect(response.headers.get('Content-Type'), bad).not.toContain('text/csv');
      expect(response.headers.get('Content-Disposition'), bad).toBeNull();
      const text = await response.text();
      expect(text, bad).toContain(bad.split('=')[0]);
      expect(text, bad).not.toContain('Id,Name');
    }
  });
});
