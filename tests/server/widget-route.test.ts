import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCatalogue, widgetMessages } from '../../locales/catalogue.ts';
import { requireBuilt } from '../support/built.ts';
import { startTestServer, type TestServer } from '../support/server.ts';

describe('widget delivery', () => {
  let server: TestServer;
  let bundle: string;
  beforeAll(async () => {
    bundle = requireBuilt('dist/widget/cluster-label.js');
    server = await startTestServer('sqlite');
  });
  afterAll(() => server.cleanup());

  it('serves the evergreen and the versioned bundle, and publishes its SRI hash', async () => {
    const code = readFileSync(bundle);
    const info = (await (await server.app.request('/v1/widget')).json()) as { version: string; pinned: string; integrity: string };
    expect(info.integrity).toBe(`sha384-${createHash('sha384').update(code).digest('base64')}`);
    expect(info.pinned).toBe(`https://issuer.test/widget/${info.version}/cluster-label.js`);

    const evergreen = await server.app.request('/widget.js');
    expect(evergreen.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(evergreen.headers.get('cache-control')).toBe('public, max-age=300');
    expect(Buffer.from(await evergreen.arrayBuffer()).equals(code)).toBe(true);

    const pinned = await server.app.request(`/widget/${info.version}/cluster-label.js`);
    expect(pinned.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(Buffer.from(await pinned.arrayBuffer()).equals(code)).toBe(true);
    const again = await server.app.request('/widget.js', { headers: { 'If-None-Match': evergreen.headers.get('etag')! } });
    expect(again.status).toBe(304);
  });

  it('answers an unknown version with 404 in JSON', async () => {
    const response = await server.app.request('/widget/0.0.1/cluster-label.js');
    expect(response.status).toBe(404);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('widget_version_not_found');
  });

  it('serves each language not in the bundle beside the versioned bundle: immutable, readable by any site', async () => {
    const { version } = (await (await server.app.request('/v1/widget')).json()) as { version: string };
    const catalogue = readCatalogue();
    for (const [lang, messages] of catalogue) {
      const response = await server.app.request(`/widget/${version}/locales/${lang}.json`);
      if (lang === 'en' || lang === 'de') {
        // In the bundle: no file to ask for.
        expect(response.status, lang).toBe(404);
        continue;
      }
      expect(response.status, lang).toBe(200);
      expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
      expect(response.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
      expect(response.headers.get('access-control-allow-origin')).toBe('*');
      expect(response.headers.get('cross-origin-resource-policy')).toBe('cross-origin');
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(await response.json(), lang).toEqual(widgetMessages(messages));
    }
    for (const path of [`/widget/0.0.1/locales/pl.json`, `/widget/${version}/locales/xx.json`, `/widget/${version}/locales/pl.js`, `/widget/${version}/locales/..%2Fcluster-label.js`]) {
      const response = await server.app.request(path);
      expect(response.status, path).toBe(404);
      expect(response.headers.get('access-control-allow-origin'), path).toBe('*');
      expect(((await response.json()) as { error: { code: string } }).error.code, path).toMatch(/^widget_(version|language)_not_found$/);
    }
  });
});
