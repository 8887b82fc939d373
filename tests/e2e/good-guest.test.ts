import { createServer, type Server } from 'node:http';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumArgs, requireChromium } from '../support/chromium.ts';
import { freePort } from '../support/ports.ts';
import { createTestCluster } from '../support/server.ts';
import { embedSnippet } from '../../server/routes/pages/website.tsx';
import { iframeSnippet } from '../../server/routes/embed.ts';
import { startLiveIssuer, type LiveIssuer } from './live-issuer.ts';

interface HostPage {
  readonly body: string;
  readonly csp?: string;
}

/**
 * The built widget from the real issuer, on host pages this test serves itself from a cluster's
 * registered origin: strict Trusted Types, a host that uses Lit too, CSS zoom, many badges.
 */
describe('a good guest on host pages', () => {
  let live: LiveIssuer;
  let host: Server;
  let site: string;
  let browser: Browser;
  const pages = new Map<string, HostPage>();

  beforeAll(async () => {
    live = await startLiveIssuer();
    const port = await freePort();
    site = `http://localhost:${port}`;
    for (const id of ['guest-gold', 'guest-other']) {
      await createTestCluster(live.server, id, { sites: [site] });
      await live.server.registry.award(id, { level: 'gold' }, 'test');
    }
    host = createServer((request, response) => {
      const path = new URL(request.url ?? '/', site).pathname;
      if (path === '/host-lit.js') {
        // A host page's own Lit-like code: it takes the `lit-html` policy name first.
        response.setHeader('Content-Type', 'text/javascript');
        return void response.end("trustedTypes.createPolicy('lit-html', { createHTML: (s) => s });");
      }
      if (path === '/favicon.ico') return void response.writeHead(204).end();
      const page = pages.get(path);
      if (!page) return void response.writeHead(404).end();
      response.setHeader('Content-Type', 'text/html; charset=utf-8');
      if (page.csp) response.setHeader('Content-Security-Policy', page.csp);
      response.end(page.body);
    });
    await new Promise<void>((resolve) => host.listen(port, '127.0.0.1', resolve));
    browser = await chromium.launch({ executablePath: requireChromium(), args: chromiumArgs });
  });

  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => host?.close(resolve));
    await live?.close();
  });

  const script = () => `<script type="module" src="${live.origin}/widget.js"></script>`;
  const badge = (id = 'guest-gold', attributes = '') => `<cluster-label cluster="${id}" ${attributes}><a href="${live.origin}/clusters/${id}">verify</a></cluster-label>`;

  /** Serves `page` at a fresh path and opens it, collecting page errors and CSP reports. */
  async function open(page: HostPage): Promise<{ tab: Page; problems: string[] }> {
    const path = `/p${pages.size}`;
    pages.set(path, page);
    const tab = await browser.newPage();
    const problems: string[] = [];
    tab.on('pageerror', (error) => problems.push(error.message));
    tab.on('console', (message) => {
      if (message.type() === 'error') problems.push(message.text());
    });
    await tab.goto(`${site}${path}`);
    return { tab, problems };
  }

  const states = (tab: Page) =>
    tab
      .waitForFunction(() => [...document.querySelectorAll('cluster-label')].every((e) => !['loading', null].includes(e.getAttribute('state'))), null, { timeout: 10_000 })
      .then(() => tab.locator('cluster-label').evaluateAll((elements) => elements.map((e) => e.getAttribute('state'))));

  describe('Trusted Types', () => {
    it('works where the page allows only the policy named cluster-label', async () => {
      const { tab, problems } = await open({
        body: `<!doctype html><html lang="en">${script()}${badge()}</html>`,
        csp: `script-src ${live.origin}; require-trusted-types-for 'script'; trusted-types cluster-label`,
      });
      expect(await states(tab)).toEqual(['valid']);
      await tab.locator('cluster-label button.badge').click();
      await expect(tab.locator('cluster-label dialog').isVisible()).resolves.toBe(true);
      expect(problems).toEqual([]);
      await tab.close();
    });

    it('works beside a host that already holds the lit-html policy', async () => {
      const { tab, problems } = await open({
        body: `<!doctype html><html lang="en"><script src="${site}/host-lit.js"></script>${script()}${badge()}</html>`,
        csp: `script-src ${site} ${live.origin}; require-trusted-types-for 'script'; trusted-types lit-html cluster-label`,
      });
      expect(await states(tab)).toEqual(['valid']);
      expect(problems).toEqual([]);
      await tab.close();
    });
  });

  it('under CSS zoom the dialog fits the viewport and scrolls to Close and the issuer link', async () => {
    const { tab } = await open({
      body: `<!doctype html><html lang="de"><style>html { zoom: 2 } header { position: sticky; top: 0; z-index: 2147483647; background: #333; color: #fff }</style><header>Site</header>${script()}${badge('guest-gold', 'theme="light"')}</html>`,
    });
    await tab.setViewportSize({ width: 800, height: 500 });
    expect(await states(tab)).toEqual(['valid']);
    await tab.locator('cluster-label button.badge').click();
    const box = await tab.locator('cluster-label dialog').boundingBox();
    expect(box).not.toBeNull();
    expect(box!.y).toBeGreaterThanOrEqual(0);
    expect(box!.y + box!.height).toBeLessThanOrEqual(500);
    // Playwright scrolls an element into view and clicks only what a pointer could hit there.
    await tab.locator('cluster-label dialog a[part="link"]').click({ trial: true, timeout: 5_000 });
    await tab.locator('cluster-label dialog button.close').click({ timeout: 5_000 });
    await expect(tab.locator('cluster-label dialog').isVisible()).resolves.toBe(false);
    await tab.close();
  });

  it('twenty badges of one cluster and one of another ask the issuer once per cluster', async () => {
    const asked: string[] = [];
    const tab = await browser.newPage();
    tab.on('request', (request) => {
      if (request.url().includes('/attestation')) asked.push(new URL(request.url()).pathname);
    });
    const path = `/p${pages.size}`;
    pages.set(path, { body: `<!doctype html><html lang="en">${script()}${badge('guest-gold', 'size="pill"').repeat(20)}${badge('guest-other')}</html>` });
    await tab.goto(`${site}${path}`);
    expect(new Set(await states(tab))).toEqual(new Set(['valid']));
    expect(asked.sort()).toEqual(['/v1/clusters/guest-gold/attestation', '/v1/clusters/guest-other/attestation']);
    await tab.close();
  });

  it('the snippet as pasted sits in a block theme’s content column', async () => {
    // WordPress block themes size and centre only the column's child elements.
    const { tab } = await open({
      body:
        `<!doctype html><html lang="en"><style>body { margin: 0 } .is-layout-constrained > :where(:not(.alignleft):not(.alignright):not(.alignfull)) { max-width: 640px; margin-left: auto !important; margin-right: auto !important }</style>` +
        `<main class="entry-content is-layout-constrained"><p>Our cluster</p>${embedSnippet(live.origin, 'guest-gold')}</main></html>`,
    });
    await tab.setViewportSize({ width: 1200, height: 600 });
    expect(await states(tab)).toEqual(['valid']);
    const column = await tab.locator('main > p').boundingBox();
    const badgeBox = await tab.locator('cluster-label').boundingBox();
    expect(column!.x).toBe(280);
    expect(badgeBox!.x).toBe(column!.x);
    await tab.close();
  });

  describe('the iframe embed', () => {
    const framePage = (size: 'card' | 'pill') => ({ body: `<!doctype html><html lang="en">${iframeSnippet(live.origin, 'guest-gold', 'Cluster Management Excellence', size)}</html>` });
    const embedFrame = (tab: Page) => tab.frames().find((frame) => frame.url().includes('/embed/'));

    it('on a registered site: the same verified badge, and a click opens the issuer’s page', async () => {
      const { tab } = await open(framePage('pill'));
      // The frame is attached once the page has parsed it and its document has started to load.
      await expect.poll(() => embedFrame(tab)?.url()).toContain('/embed/guest-gold');
      const frame = embedFrame(tab)!;
      await frame.waitForFunction(() => document.querySelector('cluster-label')?.getAttribute('state') === 'valid', null, { timeout: 10_000 });
      expect(await frame.locator('cluster-label').getAttribute('size')).toBe('pill');
      const [popup] = await Promise.all([tab.waitForEvent('popup'), frame.locator('cluster-label button.badge').click()]);
      expect(popup.url()).toBe(`${live.origin}/clusters/guest-gold`);
      expect(await frame.locator('cluster-label dialog').isVisible()).toBe(false);
      await popup.close();
      await tab.close();
    });

    it('on another origin the browser refuses to show it', async () => {
      const path = `/p${pages.size}`;
      pages.set(path, framePage('card'));
      const tab = await browser.newPage();
      const blocked = new Promise<string>((resolve) => tab.on('console', (message) => message.text().includes('frame-ancestors') && resolve(message.text())));
      await tab.goto(`${site.replace('localhost', '127.0.0.1')}${path}`);
      expect(await blocked).toContain('frame-ancestors');
      expect(await embedFrame(tab)?.locator('cluster-label').count().catch(() => 0) ?? 0).toBe(0);
      await tab.close();
    });
  });

  it('the verification page prints as one page with its QR code', async () => {
    const tab = await browser.newPage();
    await tab.goto(`${live.origin}/clusters/guest-gold`);
    await tab.emulateMedia({ media: 'print' });
    expect(await tab.locator('svg.qr').isVisible()).toBe(true);
    expect(await tab.locator('.for-website').isVisible()).toBe(false);
    const pdf = (await tab.pdf({ format: 'A4', preferCSSPageSize: true })).toString('latin1');
    expect(pdf.match(/\/Type\s*\/Page\b/g)).toHaveLength(1);
    await tab.close();
  });
});
