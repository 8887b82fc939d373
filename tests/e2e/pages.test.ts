import { serve, type ServerType } from '@hono/node-server';
import axe from 'axe-core';
import { chromium, type Browser, type Page } from 'playwright-core';
import { freePort } from '../support/ports.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemo } from '../../server/seed.ts';
import { chromiumArgs, requireChromium } from '../support/chromium.ts';
import { createTestCluster, startTestServer, type TestServer } from '../support/server.ts';


/** Runs axe-core in the page for WCAG 2.1 A and AA; returns each violation's id and the elements it found. */
async function axeViolations(page: Page): Promise<string[]> {
  await page.evaluate(axe.source);
  const result = await page.evaluate(() => (window as unknown as { axe: typeof axe }).axe.run(document, { runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] }));
  return result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

const PHONE = { width: 360, height: 740 };

describe('register pages in Chromium', () => {
  let server: TestServer;
  let issuer: ServerType;
  let browser: Browser;
  let base: string;

  beforeAll(async () => {
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    server = await startTestServer('sqlite', { env: { PUBLIC_URL: base } });
    await seedDemo(server.registry, { sites: ['https://www.example.org'], now: server.now() });
    await createTestCluster(server, 'hostile', { name: '<img src=x onerror=alert(1)> =HYPERLINK("https://evil.example") Very Long Clusternamewithoutanyspacesatallthatmustwrapsomewhere', country: 'DE' });
    issuer = serve({ fetch: server.app.fetch, port, hostname: '127.0.0.1' });
    browser = await chromium.launch({ executablePath: requireChromium(), args: chromiumArgs });
  });

  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => issuer?.close(resolve));
    await server?.cleanup();
  });

  /** A page that records what the CSP refused: nothing should be refused. */
  async function open(path: string, options: Parameters<Browser['newContext']>[0] = {}) {
    const context = await browser.newContext(options);
    const page = await context.newPage();
    const refused: string[] = [];
    page.on('console', (message) => {
      if (message.text().includes('Content Security Policy')) refused.push(message.text());
    });
    const response = await page.goto(`${base}${path}`);
    return { page, context, response, refused };
  }

  it('has no accessibility violations on the register, styled under its CSP', async () => {
    const { page, context, refused } = await open('/clusters');
    // The stylesheet applied: the search form has its tinted background.
    expect(await page.locator('form.filters').evaluate((form) => getComputedStyle(form).backgroundColor)).toBe('rgb(243, 245, 248)');
    expect(await axeViolations(page)).toEqual([]);
    expect(refused).toEqual([]);
    await context.close();
  });

  it('has no accessibility violations on verification pages: history, revoked, no label, not found', async () => {
    // demo-gold holds a revoked Kompass membership beside its Gold label: a second scheme's section.
    for (const path of ['/clusters/demo-history', '/clusters/demo-revoked', '/clusters/demo-gold', '/clusters/demo-unlabelled', '/clusters/no-such-cluster']) {
      const { page, context, refused } = await open(path);
      expect(await page.locator('h1').count(), path).toBe(1);
      expect(await axeViolations(page), path).toEqual([]);
      // The badge image preview is the only image, and it loads under the CSP.
      expect(refused, path).toEqual([]);
      await context.close();
    }
  });

  it('works without JavaScript: search, filter, page and switch language', async () => {
    const { page, context } = await open('/clusters', { javaScriptEnabled: false, locale: 'en-GB' });
    await page.getByLabel('Name').fill('cluster');
    await page.getByLabel('Status').selectOption('valid');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.waitForURL(/status=valid/);
    expect(new URL(page.url()).searchParams.get('q')).toBe('cluster');
    const rows = page.locator('table.cards tbody tr');
    expect(await rows.count()).toBeGreaterThan(0);
    for (const status of await rows.locator('.status').allTextContents()) expect(status).toBe('Valid');

    await page.getByRole('link', { name: 'Deutsch' }).click();
    await page.waitForURL((url) => !url.searchParams.has('lang'));
    expect(await page.locator('html').getAttribute('lang')).toBe('de');
    expect(new URL(page.url()).searchParams.get('status')).toBe('valid');
    // Remembered: the next page is German too.
    await page.getByRole('link', { name: /Baltic/ }).click();
    expect(await page.locator('html').getAttribute('lang')).toBe('de');
    expect(await page.locator('#verdict').textContent()).toContain('gültig bis');
    await context.close();
  });

  it('shows hostile names as text', async () => {
    const { page, context } = await open('/clusters/hostile');
    expect(await page.locator('h1').textContent()).toBe('<img src=x onerror=alert(1)> =HYPERLINK("https://evil.example") Very Long Clusternamewithoutanyspacesatallthatmustwrapsomewhere');
    await context.close();
    // The badge image, named by the cluster in its text alternative, is on the webmaster's page.
    const website = await open('/clusters/hostile/website');
    expect(await website.page.locator('main img').count()).toBe(1);
    await website.context.close();
  });

  it('fits a phone without horizontal scrolling', async () => {
    for (const path of ['/clusters', '/clusters?q=cluster&sort=-valid-until', '/clusters/demo-history', '/clusters/demo-revoked', '/clusters/hostile', '/clusters/hostile/website']) {
      const { page, context } = await open(path, { viewport: PHONE, isMobile: true, hasTouch: true });
      // Compared with the screen's width, not innerWidth: a mobile browser zooms out to fit wide content.
      const scrollWidth = await page.evaluate(() => document.documentElement.scrollWidth);
      expect(scrollWidth, path).toBeLessThanOrEqual(PHONE.width);
      await context.close();
    }
  });
});
