import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseScheme } from '../../server/domain/schemes.ts';
import { kompass } from '../support/schemes.ts';
import { createTestCluster, startTestServer, type TestServer } from '../support/server.ts';

describe('GET /embed/{id}: the badge as a frame', () => {
  let server: TestServer;
  const get = (path: string) => server.app.request(path);

  beforeEach(async () => {
    server = await startTestServer('sqlite');
    await createTestCluster(server, 'framed', { sites: ['https://www.framed.example', 'https://framed.example'] });
    await server.registry.award('framed', { level: 'gold' }, 'test');
    await createTestCluster(server, 'siteless', { sites: [] });
  });
  afterEach(() => server.cleanup());

  it('runs the widget with the chosen size, theme and language, framed only by the cluster’s sites', async () => {
    const response = await get('/embed/framed?size=seal&theme=dark&lang=de');
    expect(response.status).toBe(200);
    expect(response.headers.get('Content-Type')).toMatch(/^text\/html/);
    const csp = response.headers.get('Content-Security-Policy') ?? '';
    expect(csp).toContain('frame-ancestors https://www.framed.example https://framed.example;');
    expect(csp).toMatch(/script-src 'self' 'sha256-[^']+';/);
    expect(csp).toContain("require-trusted-types-for 'script'; trusted-types cluster-label");
    expect(csp).not.toContain('unsafe-inline');
    const page = await response.text();
    expect(page).toContain('<script type="module" src="/widget.js"></script>');
    expect(page).toContain('<cluster-label cluster="framed" size="seal" theme="dark" lang="de">');
    expect(page).toContain('<html lang="de">');
    expect(page).toContain(`href="${server.config.publicUrl}/clusters/framed"`);
  });

  it('defaults to the card in auto theme and English', async () => {
    const page = await (await get('/embed/framed')).text();
    expect(page).toContain('<cluster-label cluster="framed" size="card" theme="auto" lang="en">');
  });

  it('runs the badge of the scheme asked for, named as that scheme in the chosen language', async () => {
    await server.registry.schemes.put(parseScheme(kompass), 'test');
    const page = await (await get('/embed/framed?scheme=kompass&lang=de')).text();
    expect(page).toContain('<cluster-label cluster="framed" scheme="kompass" size="card" theme="auto" lang="de">');
    expect(page).toContain('<title>Kompass-Clusternetzwerk</title>');
    expect(page).toContain('rel="noopener">Kompass-Clusternetzwerk</a>');
    // The ECEI's, asked for by name, is the badge as it always was.
    const ecei = await (await get('/embed/framed?scheme=ecei')).text();
    expect(ecei).toContain('<cluster-label cluster="framed" size="card" theme="auto" lang="en">');
    expect(ecei).toContain(`rel="noopener">${server.config.programmeName} Label</a>`);
  });

  it('a cluster with no registered site may be framed nowhere', async () => {
    const response = await get('/embed/siteless');
    expect(response.headers.get('Content-Security-Policy')).toContain("frame-ancestors 'none'");
  });

  it('answers bad options and unknown clusters with an HTML error page, framed nowhere', async () => {
    for (const [path, status] of [
      ['/embed/framed?size=huge', 400],
      ['/embed/framed?lang=ja', 400],
      ['/embed/framed?theme=%22%3E%3Cscript%3E', 400],
      ['/embed/framed?scheme=kompass', 400],
      ['/embed/framed?scheme=%22%3E%3Cscript%3E', 400],
      ['/embed/nobody', 404],
      ['/embed/..%2Fadmin', 404],
    ] as const) {
      const response = await get(path);
      expect(response.status, path).toBe(status);
      expect(response.headers.get('Content-Type'), path).toMatch(/^text\/html/);
      expect(response.headers.get('Content-Security-Policy'), path).toContain("frame-ancestors 'none'");
      expect(await response.text(), path).not.toContain('<script');
    }
  });
});
