import { createHash } from 'node:crypto';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { parseScheme } from '../../server/domain/schemes.ts';
import { catalogueOf, fill, LANGUAGES, plural } from '../../server/languages.ts';
import { kompass } from '../support/schemes.ts';
import { createTestCluster, describeEachDialect, startTestServer, testClock, type TestServer } from '../support/server.ts';

const HOSTILE_NAME = '<script>alert("x")</script> & =HYPERLINK("https://evil.example","win")';

/** The text of an HTML fragment as a browser shows it: tags dropped, entities decoded. */
const text = (html: string) =>
  html
    .replace(/<style>[\s\S]*?<\/style>/g, '')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&(#\d+|lt|gt|quot|amp);/g, (_, e: string) => ({ lt: '<', gt: '>', quot: '"', amp: '&' })[e] ?? String.fromCharCode(Number(e.slice(1))))
    .replace(/\s+/g, ' ');

describeEachDialect('register pages', (dialect) => {
  let server: TestServer;
  let clock: ReturnType<typeof testClock>;
  const get = (path: string, headers: Record<string, string> = {}) => server.app.request(path, { headers });

  beforeEach(async () => {
    clock = testClock('2026-06-15T10:00:00Z');
    server = await startTestServer(dialect, { now: clock.now });
    await createTestCluster(server, 'nordlicht', { name: 'Nordlicht Photonics Cluster', sites: ['https://www.nordlicht.example', 'https://nordlicht.example'] });
    await server.registry.award('nordlicht', { level: 'bronze', awarded: '2025-02-10' }, 'test');
    await server.registry.upgrade('nordlicht', { level: 'silver', awarded: '2026-03-05' }, 'test');
    await createTestCluster(server, 'meseta', { name: 'Meseta Renewable Energy Cluster', country: 'ES' });
    await server.registry.award('meseta', { level: 'bronze', awarded: '2024-04-01' }, 'test');
    await createTestCluster(server, 'vistula', { name: 'Vistula Smart Mobility Cluster', country: 'PL' });
    await server.registry.award('vistula', { level: 'gold', awarded: '2026-01-15' }, 'test');
    await server.registry.revoke('vistula', { reason: 'The evidence was incomplete.', note: 'SECRET-INTERNAL-NOTE' }, 'test');
    await createTestCluster(server, 'rhone', { name: 'Rhône Digital Health Cluster', country: 'FR' });
  });
  afterEach(() => server.cleanup());

  it('sends the security headers on every page, its 404 and the language redirect', async () => {
    for (const path of ['/clusters', '/clusters/nordlicht', '/clusters/no-such-cluster', '/clusters?level=platinum', '/clusters?lang=de']) {
      const response = await get(path);
      const csp = response.headers.get('Content-Security-Policy') ?? '';
      expect(csp, path).toContain("default-src 'none'");
      expect(csp, path).toContain("frame-ancestors 'none'");
      expect(csp, path).not.toContain('unsafe-inline');
      expect(csp, path).not.toContain('script-src');
      expect(response.headers.get('X-Content-Type-Options'), path).toBe('nosniff');
      expect(response.headers.get('Referrer-Policy'), path).toBe('no-referrer');
    }
  });

  it('allows exactly its own inline stylesheet by hash', async () => {
    const response = await get('/clusters');
    const html = await response.text();
    const css = /<style>([\s\S]*?)<\/style>/.exec(html)![1]!;
    const hash = createHash('sha256').update(css).digest('base64');
    expect(response.headers.get('Content-Security-Policy')).toContain(`style-src 'sha256-${hash}'`);
    expect(html).not.toMatch(/<script|style="/);
  });

  it('lists the register with its filters in a bookmarkable address', async () => {
    const response = await get('/clusters?q=cluster&level=bronze&sort=-name&pageSize=1');
    expect(response.status).toBe(200);
    expect(response.headers.get('Content-Type')).toContain('text/html');
    const html = await response.text();
    // One bronze label is current (Meseta); Nordlicht's bronze was superseded.
    expect(text(html)).toContain('1 cluster found');
    expect(html).toContain('href="/clusters/meseta"');
    expect(html).not.toContain('href="/clusters/nordlicht"');
    expect(html).toMatch(/<option value="bronze" selected="">/);
    expect(html).toMatch(/<option value="-name" selected="">/);
    expect(html).toContain('<th scope="col">Valid until</th>');
    expect(html).toContain('href="/v1/clusters.csv?q=cluster&amp;level=bronze&amp;sort=-name&amp;pageSize=1"');
  });

  it('pages through the register, keeping the filters', async () => {
    const first = await (await get('/clusters?q=cluster&pageSize=2')).text();
    expect(text(first)).toContain('4 clusters found · page 1 of 2');
    expect(first).toContain('href="/clusters?q=cluster&amp;pageSize=2&amp;page=2" rel="next"');
    expect(first).not.toContain('rel="prev"');
    const second = await (await get('/clusters?q=cluster&pageSize=2&page=2')).text();
    expect(second).toContain('href="/clusters?q=cluster&amp;pageSize=2" rel="prev"');
    expect(second).not.toContain('rel="next"');
    const past = text(await (await get('/clusters?q=cluster&pageSize=2&page=7')).text());
    expect(past).toContain('This page is past the last one.');
    expect(await (await get('/clusters?q=nothing-like-this')).text()).toContain('No cluster matches.');
  });

  it('lists the clusters of one scheme, keeping the scheme in the form, the pages and the downloads', async () => {
    await server.registry.schemes.put(parseScheme(kompass), 'test');
    await server.registry.award('rhone', { scheme: 'kompass', level: 'member', awarded: '2026-02-10' }, 'test');
    await server.registry.award('meseta', { scheme: 'kompass', level: 'member', awarded: '2025-02-10' }, 'test');
    const html = await (await get('/clusters?scheme=kompass&pageSize=1')).text();
    expect(text(html)).toContain('2 clusters found · page 1 of 2');
    expect(html).toContain('href="/clusters/meseta"');
    expect(html).not.toContain('href="/clusters/nordlicht"');
    expect(html).toContain('<input type="hidden" name="scheme" value="kompass"/>');
    expect(html).toContain('href="/clusters?scheme=kompass&amp;pageSize=1&amp;page=2" rel="next"');
    expect(html).toContain('href="/v1/clusters.csv?scheme=kompass&amp;pageSize=1"');
    expect(await (await get('/clusters')).text()).not.toContain('name="scheme"');
  });

  it('answers a bad filter with a 400 page that says what is wrong', async () => {
    const response = await get('/clusters?status=perhaps');
    expect(response.status).toBe(400);
    expect(response.headers.get('Content-Type')).toContain('text/html');
    expect(text(await response.text())).toContain('The parameter "status" must be valid, expired, revoked, none.');
  });

  it('states a valid label in one sentence, with its history', async () => {
    const html = await (await get('/clusters/nordlicht')).text();
    const page = text(html);
    expect(page).toContain('Nordlicht Photonics Cluster holds the Cluster Management Excellence Label SILVER – Dedicated to Cluster Excellence, valid until 31 March 2028.');
    expect(page).toMatch(/Bronze 10 February 2025 28 February 2027 Replaced by a higher level Silver 5 March 2026 31 March 2028 Valid/);
    expect(page).toContain('European Secretariat for Cluster Analysis (ESCA)');
    expect(page).toContain('https://issuer.test/clusters/nordlicht');
    // Personal data stays out of public pages.
    expect(html).not.toContain('office@nordlicht.example');
  });

  it('keeps the webmaster’s material on its own page, linked from the visitor’s', async () => {
    const visitor = await (await get('/clusters/nordlicht')).text();
    expect(visitor).toContain('href="/clusters/nordlicht/website"');
    expect(text(visitor)).not.toContain('<cluster-label');
    expect(text(visitor)).not.toContain('not this site');

    const response = await get('/clusters/nordlicht/website');
    expect(response.status).toBe(200);
    expect(response.headers.get('Content-Security-Policy')).toContain("frame-ancestors 'none'");
    const page = text(await response.text());
    expect(page).toContain(
      '<div><script type="module" src="https://issuer.test/widget.js"></script> <cluster-label cluster="nordlicht"><a href="https://issuer.test/clusters/nordlicht">Cluster Management Excellence Label — verify</a></cluster-label></div>',
    );
    expect(page).toContain('<iframe src="https://issuer.test/embed/nordlicht" width="320" height="96"');
    expect(page).toContain('<img src="https://issuer.test/v1/clusters/nordlicht/badge.png?lang=en"');
    expect(page).toContain('Why does my badge say “not this site”?');
    expect(page).toContain('https://www.nordlicht.example https://nordlicht.example');
    expect((await get('/clusters/nobody/website')).status).toBe(404);
  });

  it('carries a QR code to its own address, kept on a printed page', async () => {
    const html = await (await get('/clusters/nordlicht')).text();
    expect(html).toMatch(/<figure class="qr-code"><svg class="qr" [^>]*role="img" aria-label="QR code of this page’s address, https:\/\/issuer.test\/clusters\/nordlicht"/);
    expect(html).toContain('<figcaption>https://issuer.test/clusters/nordlicht</figcaption>');
    const print = /@media print \{([\s\S]*?)\n\}/.exec(html)![1]!;
    expect(print).toContain('.for-website');
    // Another scheme's history is left off a print, as the ECEI's is; its current label stays.
    expect(print).toContain('.scheme .cards');
    expect(print).not.toMatch(/\.qr(-code)?[,\s][^{]*\{\s*display: none/);
  });

  it('gives expired and revoked labels a clear notice, with the public reason only', async () => {
    const expired = text(await (await get('/clusters/meseta')).text());
    expect(expired).toContain('Expired: The Bronze label of Meseta Renewable Energy Cluster was valid until 30 April 2026 and has expired');
    const revokedHtml = await (await get('/clusters/vistula')).text();
    const revoked = text(revokedHtml);
    expect(revoked).toContain('Revoked: The Gold label of Vistula Smart Mobility Cluster was revoked on 15 June 2026');
    expect(revoked).toContain('Reason: The evidence was incomplete.');
    expect(revokedHtml).not.toContain('SECRET-INTERNAL-NOTE');
    const none = text(await (await get('/clusters/rhone')).text());
    expect(none).toContain('No label: Rhône Digital Health Cluster is registered but holds no label.');
  });

  it('shows each scheme’s current label and history, the ECEI’s first, in the scheme’s own names', async () => {
    await server.registry.schemes.put(parseScheme(kompass), 'test');
    await server.registry.award('nordlicht', { scheme: 'kompass', level: 'member', awarded: '2026-05-10' }, 'test');
    await server.registry.award('rhone', { scheme: 'kompass', level: 'member', awarded: '2025-01-20' }, 'test');
    await server.registry.revoke('rhone', { scheme: 'kompass', reason: 'The quality criteria were no longer met.', note: 'SECRET-KOMPASS-NOTE' }, 'test');

    const both = text(await (await get('/clusters/nordlicht')).text());
    // The ECEI statement and history as before, then the membership under its own heading.
    expect(both).toContain('Nordlicht Photonics Cluster holds the Cluster Management Excellence Label SILVER');
    const kompassAt = both.indexOf('Kompass Cluster Network');
    expect(kompassAt).toBeGreaterThan(both.indexOf('Silver 5 March 2026 31 March 2028 Valid'));
    expect(both.slice(kompassAt)).toContain('The label is awarded by Kompass Programme Office.');
    expect(both.slice(kompassAt)).toContain('Level Member Awarded on 10 May 2026 Valid until 31 May 2029 Status Valid');
    expect(both).toContain('Kompass Cluster Network: Label history Level Awarded on Valid until Status Member 10 May 2026 31 May 2029 Valid');
    // Never a Kompass level among the ECEI's, nor an ECEI level in the Kompass history.
    expect(both.slice(0, kompassAt)).not.toContain('Member');
    expect(both.slice(kompassAt)).not.toMatch(/Bronze|Silver/);

    const revokedHtml = await (await get('/clusters/rhone')).text();
    const revoked = text(revokedHtml);
    expect(revoked).toContain('No label: Rhône Digital Health Cluster is registered but holds no label.');
    expect(revoked).toContain('Level Member Awarded on 20 January 2025 Valid until 31 January 2028 Status Revoked Revoked on 15 June 2026 Reason The quality criteria were no longer met.');
    expect(revokedHtml).not.toContain('SECRET-KOMPASS-NOTE');

    const german = text(await (await get('/clusters/nordlicht', { 'Accept-Language': 'de' })).text());
    expect(german).toContain('Kompass-Clusternetzwerk');
    expect(german).toContain('Mitglied');
    expect(german).not.toContain('Kompass Cluster Network');

    // A cluster that never held a Kompass label has no Kompass section.
    expect(text(await (await get('/clusters/meseta')).text())).not.toContain('Kompass');
  });

  it('answers an unknown id with a real 404 page', async () => {
    const response = await get('/clusters/no-such-cluster');
    expect(response.status).toBe(404);
    expect(response.headers.get('Content-Type')).toContain('text/html');
    const page = text(await response.text());
    expect(page).toContain('Cluster not found');
    expect(page).toContain('No cluster with the id “no-such-cluster” is registered.');
  });

  it('speaks German from Accept-Language, and the switch remembers a choice in a cookie', async () => {
    const german = await get('/clusters/nordlicht', { 'Accept-Language': 'ja-JP, de;q=0.8, en;q=0.5' });
    const html = await german.text();
    expect(html).toContain('<html lang="de">');
    expect(text(html)).toContain('gültig bis 31. März 2028');
    // The badge image on a German page is German.
    const website = await (await get('/clusters/nordlicht/website', { 'Accept-Language': 'de' })).text();
    expect(website).toContain('src="/v1/clusters/nordlicht/badge.svg?lang=de"');
    expect(website).toContain('badge.png?lang=de');
    expect(german.headers.get('Vary')).toContain('Accept-Language');

    const switched = await get('/clusters?q=cluster&lang=en', { 'Accept-Language': 'de' });
    expect(switched.status).toBe(303);
    expect(switched.headers.get('Location')).toBe('/clusters?q=cluster');
    const cookie = switched.headers.get('Set-Cookie')!;
    expect(cookie).toMatch(/^lang=en;/);
    expect(cookie).toContain('SameSite=Lax');
    expect(cookie).toContain('HttpOnly');

    const remembered = await get('/clusters?q=cluster', { 'Accept-Language': 'de', Cookie: 'lang=en' });
    expect(await remembered.text()).toContain('<html lang="en">');
  });

  it('renders the register, the verification page, the webmaster page and the 404 in every language, the document’s lang set', async () => {
    for (const lang of LANGUAGES) {
      const { pages: t, levels, intl } = catalogueOf(lang);
      const cookie = { Cookie: `lang=${lang}` };
      const register = await (await get('/clusters', cookie)).text();
      expect(register, lang).toContain(`<html lang="${lang}">`);
      expect(text(register), lang).toContain(t.registerTitle);
      expect(text(register), lang).toContain(plural(intl, t.found, 4, new Intl.NumberFormat(intl).format(4)));
      const cluster = await (await get('/clusters/nordlicht', cookie)).text();
      expect(cluster, lang).toContain(`<html lang="${lang}">`);
      expect(text(cluster), lang).toContain(text(fill(t.statement.valid, { name: 'Nordlicht Photonics Cluster', label: 'Cluster Management Excellence Label SILVER – Dedicated to Cluster Excellence', until: new Intl.DateTimeFormat(intl, { dateStyle: 'long', timeZone: 'UTC' }).format(new Date('2028-03-31T00:00:00Z')) })));
      expect(text(cluster), lang).toContain(levels.bronze);
      // Every language is offered in its own name, and marked as such.
      expect(cluster, lang).toContain(`<a href="/clusters/nordlicht?lang=el" lang="el" hreflang="el"`);
      const website = await (await get('/clusters/nordlicht/website', cookie)).text();
      expect(website, lang).toContain(`badge.svg?lang=${lang}"`);
      expect(text(website), lang).toContain(t.helpTitle);
      const missing = await get('/clusters/no-such-cluster', cookie);
      expect(missing.status).toBe(404);
      expect(text(await missing.text()), lang).toContain(t.notFoundTitle);
    }
  });

  it('chooses the language by ?lang=, then the cookie, then Accept-Language; a regional tag by its language', async () => {
    const chosen = async (path: string, headers: Record<string, string>) => /<html lang="(\w+)">/.exec(await (await get(path, headers)).text())?.[1];
    expect(await chosen('/clusters', { 'Accept-Language': 'pt-BR,pt;q=0.9,en;q=0.8' })).toBe('pt');
    expect(await chosen('/clusters', { 'Accept-Language': 'ja, fi;q=0.5' })).toBe('fi');
    expect(await chosen('/clusters', { 'Accept-Language': 'ja' })).toBe('en');
    expect(await chosen('/clusters', { 'Accept-Language': 'fi', Cookie: 'lang=el' })).toBe('el');
    const switched = await get('/clusters?lang=sv-FI', { 'Accept-Language': 'fi', Cookie: 'lang=el' });
    expect(switched.headers.get('Set-Cookie')).toMatch(/^lang=sv;/);
    const unknown = await get('/clusters?lang=xx', { Cookie: 'lang=el' });
    expect(unknown.status).toBe(303);
    expect(unknown.headers.get('Set-Cookie')).toBeNull();
  });

  it('shows hostile names as text', async () => {
    await createTestCluster(server, 'hostile', { name: HOSTILE_NAME });
    for (const path of ['/clusters/hostile', '/clusters?q=script']) {
      const html = await (await get(path)).text();
      expect(html, path).not.toContain('<script>alert');
      expect(html, path).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; =HYPERLINK(');
      expect(text(html), path).toContain(HOSTILE_NAME);
    }
  });
});
