import { serve, type ServerType } from '@hono/node-server';
import { createServer as createHttpServer } from 'node:http';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { freePort } from '../support/ports.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemo, type Demo } from '../../demo/serve.ts';
import { seedDemo } from '../../server/seed.ts';
import { chromiumArgs, requireChromium } from '../support/chromium.ts';
import { startTestServer, type TestServer } from '../support/server.ts';


/**
 * The real thing across real origins: the issuer on one loopback port, the demo cluster site
 * on another (listed in the seeded clusters' sites as `http://localhost:…`), the faulty issuer
 * on a third, and the same demo pages under `http://127.0.0.1:…`, an origin nobody lists.
 */
describe('the widget on the demo site, against the real issuer', () => {
  let server: TestServer;
  let issuerServer: ServerType;
  let demo: Demo;
  let browser: Browser;
  let issuer: string;
  let site: string;
  let foreign: string;

  beforeAll(async () => {
    const [issuerPort, demoPort, faultyPort] = [await freePort(), await freePort(), await freePort()];
    issuer = `http://localhost:${issuerPort}`;
    site = `http://localhost:${demoPort}`;
    foreign = `http://127.0.0.1:${demoPort}`;
    server = await startTestServer('sqlite', { env: { PUBLIC_URL: issuer } });
    if (!server.widget.code) throw new Error('dist/widget/cluster-label.js is missing: run `npm run build` before the e2e tests.');
    await seedDemo(server.registry, { sites: [site], now: server.now() });
    issuerServer = serve({ fetch: server.app.fetch, port: issuerPort, hostname: '127.0.0.1' });
    demo = await startDemo({ issuerUrl: issuer, port: demoPort, faultyPort });
    browser = await chromium.launch({ executablePath: requireChromium(), args: chromiumArgs });
  });

  afterAll(async () => {
    await browser?.close();
    await demo?.close();
    await new Promise((resolve) => issuerServer?.close(resolve));
    await server?.cleanup();
  });

  interface Visit {
    page: Page;
    context: BrowserContext;
    problems: string[];
    requests: { url: string; referer: string | undefined; cookie: string | undefined }[];
  }

  /** Opens a page and records console errors, CSP refusals, page errors and every request made. */
  async function visit(url: string): Promise<Visit> {
    const context = await browser.newContext();
    // A cookie the issuer set earlier must never travel with the widget's requests.
    await context.addCookies([{ name: 'session', value: 'secret', url: issuer }]);
    const page = await context.newPage();
    const problems: string[] = [];
    const requests: Visit['requests'] = [];
    page.on('console', (message) => {
      if (message.type() === 'error' || message.text().includes('Content Security Policy')) problems.push(message.text());
    });
    page.on('pageerror', (error) => problems.push(error.message));
    page.on('request', (request) => {
      const headers = request.headers();
      requests.push({ url: request.url(), referer: headers.referer, cookie: headers.cookie });
    });
    await page.goto(url);
    return { page, context, problems, requests };
  }

  const settled = (page: Page) =>
    page.waitForFunction(() => [...document.querySelectorAll('cluster-label')].every((e) => !['loading', null].includes(e.getAttribute('state'))));

  it('shows the demo cluster’s Silver label as valid, under the page’s strict CSP', async () => {
    const { page, context, problems, requests } = await visit(`${site}/`);
    const response = await page.request.get(`${site}/`);
    const csp = response.headers()['content-security-policy'] ?? '';
    expect(csp).toContain(`script-src ${issuer}`);
    expect(csp).toContain(`connect-src ${issuer}`);
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval/);

    await settled(page);
    const badge = page.locator('cluster-label').first();
    expect(await badge.getAttribute('state')).toBe('valid');
    expect(await badge.locator('.level').textContent()).toBe('Silver');
    expect(problems).toEqual([]);

    const widgetRequests = requests.filter((r) => !r.url.startsWith(site));
    expect(widgetRequests.length).toBeGreaterThanOrEqual(3);
    for (const request of widgetRequests) expect(request.url.startsWith(`${issuer}/`), request.url).toBe(true);
    // The page's own script request carries a referrer (so the measurement works); the widget's requests do not.
    expect(widgetRequests.find((r) => r.url.endsWith('/widget.js'))?.referer).toContain(site);
    for (const request of widgetRequests.filter((r) => !r.url.endsWith('/widget.js'))) {
      expect(request.referer ?? '', request.url).toBe('');
      expect(request.cookie ?? '', request.url).not.toContain('secret');
    }
    // Nothing is left on the visitor's device.
    expect(await page.evaluate(() => localStorage.length + sessionStorage.length)).toBe(0);
    expect((await context.cookies()).map((c) => c.name)).toEqual(['session']);
    await context.close();
  });

  it('speaks Polish after one immutable request to the issuer, under the page’s strict CSP; English needs none', async () => {
    const { page, context, problems, requests } = await visit(`${site}/`);
    await settled(page);
    const languageFiles = () => requests.filter((r) => r.url.includes('/locales/'));
    expect(languageFiles()).toEqual([]);
    const polish = await page.evaluate(() => {
      const first = document.querySelector('cluster-label')!;
      const second = first.cloneNode(true) as Element;
      first.after(second);
      for (const badge of [first, second]) badge.setAttribute('lang', 'pl');
      return true;
    });
    expect(polish).toBe(true);
    await page.waitForFunction(() => [...document.querySelectorAll('cluster-label')].slice(0, 2).every((e) => e.shadowRoot?.querySelector('.root')?.getAttribute('lang') === 'pl'));
    expect(await page.locator('cluster-label').first().locator('.level').textContent()).toBe('Srebro');
    expect(await page.locator('cluster-label').first().getAttribute('state')).toBe('valid');
    const [file, ...more] = languageFiles();
    expect(more).toEqual([]);
    expect(file!.url).toBe(`${issuer}/widget/${server.widget.version}/locales/pl.json`);
    expect(file!.referer ?? '').toBe('');
    expect(file!.cookie ?? '').not.toContain('secret');
    const answer = await page.request.get(file!.url);
    expect(answer.headers()['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(problems).toEqual([]);
    await context.close();
  });

  it('opens the dialog on click; its link leads to the issuer’s page for the cluster', async () => {
    const { page, context } = await visit(`${site}/`);
    await settled(page);
    const badge = page.locator('cluster-label').first();
    await badge.getByRole('button').click();
    const dialog = badge.getByRole('dialog');
    expect(await dialog.isVisible()).toBe(true);
    expect(await dialog.textContent()).toContain('Tejo Maritime Innovation Cluster');
    expect(await dialog.locator('.issuer strong').textContent()).toBe(new URL(issuer).host);
    // The statement is the one the issuer's public log records, and the dialog says where.
    const logLink = dialog.getByRole('link', { name: /^recorded in the public log, entry \d+ of \d+$/ });
    expect(await logLink.getAttribute('href')).toBe(`${issuer}/v1/log`);
    const href = await dialog.getByRole('link', { name: /^Confirm on / }).getAttribute('href');
    expect(href).toBe(`${issuer}/clusters/demo-silver`);
    const issuerPage = await context.newPage();
    const response = await issuerPage.goto(href!);
    expect(response?.status()).toBe(200);
    expect(await issuerPage.locator('h1').textContent()).toContain('Tejo Maritime Innovation Cluster');
    await page.keyboard.press('Escape');
    expect(await dialog.isVisible()).toBe(false);
    await context.close();
  });

  it('says “not this site” for the same page on an origin the cluster does not list', async () => {
    const { page, context, problems } = await visit(`${foreign}/`);
    await settled(page);
    for (const state of await page.locator('cluster-label').evaluateAll((els) => els.map((e) => e.getAttribute('state')))) {
      expect(state).toBe('mismatch');
    }
    expect(await page.locator('cluster-label').first().locator('.level').count()).toBe(0);
    expect(problems).toEqual([]);
    await context.close();
  });

  it('shows every state side by side in the gallery, the forged token and the issuer outage included', async () => {
    const { page, context } = await visit(`${site}/gallery`);
    await settled(page);
    const states = Object.fromEntries(
      await page.locator('main .grid:not(.programmes) cluster-label').evaluateAll((els) => els.map((e) => [e.getAttribute('cluster'), e.getAttribute('state')])),
    );
    expect(states).toEqual({
      'demo-bronze': 'valid',
      'demo-silver': 'valid',
      'demo-gold': 'valid',
      'demo-history': 'valid',
      'demo-expired': 'expired',
      'demo-revoked': 'revoked',
      'demo-unlabelled': 'unknown',
      'no-such-cluster': 'unknown',
    });
    const framed = async (name: string) => {
      const badge = page.frameLocator(`iframe[src="/frames/${name}"]`).locator('cluster-label');
      await expect.poll(() => badge.getAttribute('state')).toMatch(/^(?!loading$)[a-z]+$/);
      return badge.getAttribute('state');
    };
    expect(await framed('forged')).toBe('invalid');
    expect(await framed('down')).toBe('unavailable');
    await context.close();
  });

  it('shows each programme’s badge beside the other, each stating its own label: the server’s token, log entry and widget agree', async () => {
    const { page, context, problems } = await visit(`${site}/gallery`);
    await settled(page);
    const states = await page
      .locator('main .programmes cluster-label')
      .evaluateAll((els) => els.map((e) => `${e.getAttribute('cluster')} ${e.getAttribute('scheme') ?? 'ecei'} ${e.getAttribute('state')}`));
    expect(states).toEqual([
      'demo-silver ecei valid',
      'demo-silver kompass valid',
      'demo-kompass ecei unknown',
      'demo-kompass kompass valid',
      'demo-gold ecei valid',
      'demo-gold kompass revoked',
      'demo-bronze ecei valid',
      'demo-bronze kompass unknown',
    ]);
    // The member's Kompass badge names its programme and level, never the ECEI label.
    const member = page.locator('main .programmes cluster-label[cluster="demo-kompass"][scheme="kompass"]');
    expect(await member.locator('.level').textContent()).toBe('Member');
    expect(await member.locator('.programme').first().textContent()).toBe('Kompass Cluster Network');
    // The gallery's unknown cluster and failing issuer answer 404 and 503 on purpose; nothing else may go wrong.
    expect(problems.filter((problem) => !problem.startsWith('Failed to load resource'))).toEqual([]);
    await context.close();
  });

  it('shows a revocation: the revoked cluster’s badge is struck through and gives the reason', async () => {
    const { page, context } = await visit(`${site}/gallery`);
    await settled(page);
    const badge = page.locator('main .grid cluster-label[cluster="demo-revoked"]');
    expect(await badge.getAttribute('state')).toBe('revoked');
    await badge.getByRole('button').click();
    expect(await badge.getByRole('dialog').textContent()).toContain('The benchmarking evidence was found to be incomplete.');
    await context.close();
  });

  it('inside a frame, judges the top-level page’s origin, not the frame’s', async () => {
    // Site builders embed custom HTML in a frame of another origin. A loopback site of its
    // own, listed as http://localhost:PORT and so unlisted as http://127.0.0.1:PORT.
    const port = await freePort();
    const listed = `http://localhost:${port}`;
    const unlisted = `http://127.0.0.1:${port}`;
    await server.registry.createCluster({ id: 'framed', name: 'Framed Cluster', organisation: 'Test', country: 'DE', portfolio: 'Frames', sites: [listed], contactEmail: null }, 'test');
    await server.registry.award('framed', { level: 'gold' }, 'test');
    const page = (body: string) => `<!doctype html><html lang="en"><title>frame</title>${body}</html>`;
    const frameSite = createHttpServer((request, response) => {
      const host = request.headers.host === `localhost:${port}` ? listed : unlisted;
      const other = host === listed ? unlisted : listed;
      response.setHeader('Content-Type', 'text/html; charset=utf-8');
      response.end(
        request.url === '/framing'
          ? page(`<iframe src="${other}/framed-badge"></iframe>`)
          : page(`<script type="module" src="${issuer}/widget.js"></script><cluster-label cluster="framed"><a href="${issuer}/clusters/framed">verify</a></cluster-label>`),
      );
    });
    await new Promise<void>((resolve) => frameSite.listen(port, '127.0.0.1', resolve));
    const context = await browser.newContext();
    const stateIn = async (url: string) => {
      const tab = await context.newPage();
      await tab.goto(url);
      const badge = tab.frameLocator('iframe').locator('cluster-label');
      await expect.poll(() => badge.getAttribute('state'), { timeout: 60_000 }).toMatch(/^(?!loading$)[a-z]+$/);
      return badge.getAttribute('state');
    };
    try {
      // A listed frame on an unlisted page is not this site; an unlisted frame on a listed page is.
      expect(await stateIn(`${unlisted}/framing`)).toBe('mismatch');
      expect(await stateIn(`${listed}/framing`)).toBe('valid');
    } finally {
      await context.close();
      await new Promise((resolve) => frameSite.close(resolve));
    }
  });
});
