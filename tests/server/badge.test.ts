import { afterEach, beforeEach, expect, it } from 'vitest';
import { catalogueOf, LANGUAGES } from '../../server/languages.ts';
import { createTestCluster, describeEachDialect, startTestServer, testClock, type TestServer } from '../support/server.ts';

const escape = (text: string) => text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);

const HOSTILE = '<script>alert(1)</script> =HYPERLINK("https://evil.example") & Co';

describeEachDialect('badge image', (dialect) => {
  let server: TestServer;
  let clock: ReturnType<typeof testClock>;
  const get = (path: string) => server.app.request(path, { headers: { Origin: 'https://www.example.org' } });
  const svg = async (id: string, query = '') => (await get(`/v1/clusters/${id}/badge.svg${query}`)).text();
  const title = (image: string) => /<title id="title">([^<]*)<\/title>/.exec(image)![1];

  beforeEach(async () => {
    clock = testClock('2026-06-15T10:00:00Z');
    server = await startTestServer(dialect, { now: clock.now });
    await createTestCluster(server, 'valid', { name: 'Nordlicht Photonics Cluster' });
    await server.registry.award('valid', { level: 'gold', awarded: '2026-03-05' }, 'test');
    await createTestCluster(server, 'expired');
    await server.registry.award('expired', { level: 'bronze', awarded: '2024-04-01' }, 'test');
    await createTestCluster(server, 'revoked');
    await server.registry.award('revoked', { level: 'silver', awarded: '2026-01-15' }, 'test');
    await server.registry.revoke('revoked', { reason: 'Incomplete.', note: null }, 'test');
    await createTestCluster(server, 'none');
  });
  afterEach(() => server.cleanup());

  it('draws the current label as an SVG any site may embed', async () => {
    const response = await get('/v1/clusters/valid/badge.svg');
    expect(response.status).toBe(200);
    expect(response.headers.get('Content-Type')).toBe('image/svg+xml; charset=utf-8');
    expect(response.headers.get('Cache-Control')).toBe('public, max-age=300');
    expect(response.headers.get('Content-Security-Policy')).toBe("default-src 'none'; style-src 'unsafe-inline'");
    expect(response.headers.get('Access-Control-Allow-Origin')).toBe('*');
    expect(response.headers.get('Cross-Origin-Resource-Policy')).toBe('cross-origin');
    expect(response.headers.get('X-Content-Type-Options')).toBe('nosniff');
    const image = await response.text();
    expect(image).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg" width="\d+" height="28"[^>]* role="img" aria-labelledby="title">/);
    expect(image).toContain('rx="14"');
    expect(title(image)).toBe('Cluster Management Excellence Label — Nordlicht Photonics Cluster: GOLD, valid until 2028-03-31. Verify at https://issuer.test/clusters/valid');
    expect(image).toContain('>GOLD</text>');
    expect(image).toContain('>valid until 2028-03-31</text>');
  });

  it('makes each state recognisable without colour: its own sign and words', async () => {
    const images = { valid: await svg('valid'), expired: await svg('expired'), revoked: await svg('revoked'), none: await svg('none') };
    expect(images.expired).toContain('>BRONZE</text>');
    expect(images.expired).toContain('>expired 2026-04-30</text>');
    expect(images.revoked).toContain('>revoked 2026-06-15</text>');
    expect(images.none).toContain('>no label</text>');
    // Only the revoked level is struck through (a horizontal stroke across the level).
    const strike = /<path d="M\d+ 14\.5h\d+"/;
    expect(images.revoked).toMatch(strike);
    for (const image of [images.valid, images.expired, images.none]) expect(image).not.toMatch(strike);
    // The sign in the seal differs for every state.
    const signs = Object.values(images).map((image) => /<circle cx="14"[^>]*\/>(.*?)<g font-family/.exec(image)![1]);
    expect(new Set(signs).size).toBe(4);
  });

  it('keeps a valid label’s image in caches for five minutes at most and never past its end', async () => {
    expect((await get('/v1/clusters/expired/badge.svg')).headers.get('Cache-Control')).toBe('public, max-age=60');
    expect((await get('/v1/clusters/revoked/badge.svg')).headers.get('Cache-Control')).toBe('public, max-age=60');
    clock.set('2028-03-31T23:58:20Z'); // 100 s before the gold label ends
    expect((await get('/v1/clusters/valid/badge.svg')).headers.get('Cache-Control')).toBe('public, max-age=100');
  });

  it('speaks every official EU language, a regional tag its language', async () => {
    for (const lang of LANGUAGES) {
      const { badge, levels, intl } = catalogueOf(lang);
      const image = await svg('valid', `?lang=${lang}`);
      expect(image, lang).toContain(`>${escape(badge.valid.replace('{date}', '2028-03-31'))}</text>`);
      expect(image, lang).toContain(`>${escape(levels.gold.toLocaleUpperCase(intl))}</text>`);
    }
    expect(await svg('valid', '?lang=el')).toContain('>ΧΡΥΣΟ</text>');
    expect(await svg('valid', '?lang=pt-BR')).toContain('>válido até 2028-03-31</text>');
  });

  it('speaks German on request and refuses a language it does not have', async () => {
    expect(await svg('valid', '?lang=de')).toContain('>gültig bis 2028-03-31</text>');
    const response = await get('/v1/clusters/valid/badge.svg?lang=ja');
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('invalid_query');
  });

  it('escapes a hostile name in the text alternative', async () => {
    await createTestCluster(server, 'hostile', { name: HOSTILE });
    const image = await svg('hostile');
    expect(image).not.toContain('<script');
    expect(title(image)).toContain('&#60;script&#62;alert(1)&#60;/script&#62; =HYPERLINK(&#34;https://evil.example&#34;) &#38; Co');
  });

  it('answers an unknown cluster with a "not registered" image and its 404, readable by any site', async () => {
    for (const id of ['nobody', 'NOT_A_SLUG']) {
      const response = await get(`/v1/clusters/${id}/badge.svg`);
      expect(response.status).toBe(404);
      expect(response.headers.get('Content-Type')).toBe('image/svg+xml; charset=utf-8');
      expect(response.headers.get('Access-Control-Allow-Origin')).toBe('*');
      expect(response.headers.get('Cross-Origin-Resource-Policy')).toBe('cross-origin');
      expect(await response.text()).toContain('>not registered</text>');
    }
    expect(await (await get('/v1/clusters/nobody/badge.svg?lang=de')).text()).toContain('>nicht registriert</text>');
  });

  it('draws the same image as a PNG at twice the size, in the language asked for', async () => {
    const size = (png: Uint8Array) => {
      const view = new DataView(png.buffer, png.byteOffset);
      return [view.getUint32(16), view.getUint32(20)];
    };
    const svgWidth = Number(/width="(\d+)"/.exec(await svg('valid'))![1]);
    for (const [id, status] of [['valid', 200], ['nobody', 404]] as const) {
      const response = await get(`/v1/clusters/${id}/badge.png`);
      expect(response.status, id).toBe(status);
      expect(response.headers.get('Content-Type')).toBe('image/png');
      expect(response.headers.get('Access-Control-Allow-Origin')).toBe('*');
      const png = new Uint8Array(await response.arrayBuffer());
      expect([...png.slice(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
      expect(size(png)[1], id).toBe(56);
      if (id === 'valid') expect(size(png)[0]).toBe(svgWidth * 2);
    }
    // German words are other pixels than English ones.
    const english = Buffer.from(await (await get('/v1/clusters/valid/badge.png')).arrayBuffer());
    const german = Buffer.from(await (await get('/v1/clusters/valid/badge.png?lang=de')).arrayBuffer());
    expect(german.equals(english)).toBe(false);
    expect((await get('/v1/clusters/valid/badge.png?lang=ja')).status).toBe(400);
  });
});
